"""One copy of each font in a booklet: the sheets' subsets of a face become one shared subset.

Why: WeasyPrint embeds in every sheet its own subset of each face the sheet uses, so a booklet
of N sheets carried N copies of Atkinson Hyperlegible (about 12 KB a sheet). Its subsets keep
the original glyph ids (HarfBuzz "retain gids") and its text shows glyph ids (Type0 font,
Identity-H, CIDToGIDMap Identity), so the subsets of one face can all be replaced by a single
subset of the original font file that holds the union of their glyphs.

Owns only that rewrite of a combined PDF (pikepdf) and the subsetting (fontTools). A font is
shared only when its original file is found among the given folders (same PostScript name,
revision and dates, and widths that match the file) and it agrees with the others on every
glyph's width and text; any other font keeps its own copy, which is still correct, only bigger.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont, TTLibError
from pikepdf import Array, Dictionary, Name

FONT_SUFFIXES = {".ttf", ".otf"}
# What fontTools raises on a file that is no font or a damaged one.
BAD_FONT = (TTLibError, OSError, struct.error, KeyError, ValueError)
SUBSET_TAG = re.compile(r"^[A-Z]{6}\+")
TO_UNICODE_HEAD = (
    b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
    b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
    b"1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n"
)
TO_UNICODE_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"


class Face(NamedTuple):
    """What fonts must have in common to share one program."""

    name: str  # base font name without the subset tag
    original: Path  # the font file they are subsets of
    hinted: bool  # WeasyPrint keeps the hints of a font used by form fields


@dataclass
class Member:
    """One embedded font of the booklet that may join a shared font."""

    font: pikepdf.Object
    face: Face
    widths: dict[int, float]
    text: dict[int, str]  # glyph id -> UTF-16BE hex, as in the ToUnicode CMap


@dataclass
class Group:
    """Fonts of one face that agree on every glyph they both use."""

    face: Face
    members: list[Member] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    text: dict[int, str] = field(default_factory=dict)

    def accepts(self, member: Member) -> bool:
        return all(self.widths.get(g, w) == w for g, w in member.widths.items()) and all(
            self.text.get(g, t) == t for g, t in member.text.items()
        )

    def add(self, member: Member) -> None:
        self.members.append(member)
        self.widths.update(member.widths)
        self.text.update(member.text)


def share_fonts(pdf: pikepdf.Pdf, font_dirs: tuple[Path, ...]) -> int:
    """Point every use of a face's subsets at one shared subset; returns fonts replaced."""
    slots = list(_font_slots(pdf))
    originals = _originals(font_dirs)
    groups: dict[Face, list[Group]] = {}
    seen: set[tuple[int, int]] = set()
    for _, _, font in slots:
        if not font.is_indirect or font.objgen in seen:
            continue
        seen.add(font.objgen)
        member = _member(font, originals)
        if member is None:
            continue
        bins = groups.setdefault(member.face, [])
        target = next((g for g in bins if g.accepts(member)), None)
        if target is None:
            target = Group(member.face)
            bins.append(target)
        target.add(member)
    shared: dict[tuple[int, int], pikepdf.Object] = {}
    for group in (g for bins in groups.values() for g in bins):
        if len(group.members) > 1 and _widths_match(group):
            font = _shared_font(pdf, group)
            shared.update((m.font.objgen, font) for m in group.members)
    for fonts, key, font in slots:
        if font.is_indirect and font.objgen in shared:
            fonts[key] = shared[font.objgen]
    return len(shared)


def _font_slots(pdf: pikepdf.Pdf):
    """(font dictionary, key, font) for every font a page, form, pattern or appearance names."""
    done: set[tuple[int, int]] = set()

    def first_visit(obj) -> bool:
        if obj.is_indirect:
            if obj.objgen in done:
                return False
            done.add(obj.objgen)
        return True

    def walk(resources):
        if not isinstance(resources, Dictionary) or not first_visit(resources):
            return
        fonts = resources.get("/Font")
        if isinstance(fonts, Dictionary):
            for key in list(fonts.keys()):
                yield fonts, key, fonts[key]
        for kind in ("/XObject", "/Pattern"):
            children = resources.get(kind)
            if isinstance(children, Dictionary):
                for child in children.values():
                    if isinstance(child, (Dictionary, pikepdf.Stream)) and first_visit(child):
                        yield from walk(child.get("/Resources"))

    for page in pdf.pages:
        yield from walk(page.obj.get("/Resources"))
        for annotation in page.obj.get("/Annots") or ():
            appearances = annotation.get("/AP") if isinstance(annotation, Dictionary) else None
            for look in appearances.values() if isinstance(appearances, Dictionary) else ():
                states = look.values() if isinstance(look, Dictionary) else (look,)
                for state in states:
                    if isinstance(state, pikepdf.Stream):
                        yield from walk(state.get("/Resources"))


def _originals(font_dirs: tuple[Path, ...]) -> dict[tuple, Path]:
    """Font files with TrueType outlines in the folders, by their identity (first wins)."""
    found: dict[tuple, Path] = {}
    for folder in font_dirs:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                try:
                    with TTFont(path, lazy=True) as font:
                        if "glyf" in font:
                            found.setdefault(_identity(font), path)
                except BAD_FONT:
                    continue
    return found


def _identity(font: TTFont) -> tuple:
    """What a subset keeps of its original: PostScript name, revision, dates, units."""
    head = font["head"]
    name = font["name"].getDebugName(6)
    return name, head.fontRevision, head.created, head.modified, head.unitsPerEm


def _member(font, originals: dict[tuple, Path]) -> Member | None:
    """The font as a member of its face, if it may share a program; else None."""
    if not isinstance(font, Dictionary) or font.get("/Subtype") != Name.Type0:
        return None
    descendants = font.get("/DescendantFonts")
    if font.get("/Encoding") != Name("/Identity-H") or not isinstance(descendants, Array):
        return None
    cid = descendants[0] if len(descendants) == 1 else None
    if not isinstance(cid, Dictionary) or cid.get("/Subtype") != Name.CIDFontType2:
        return None
    if cid.get("/CIDToGIDMap", Name.Identity) != Name.Identity:
        return None
    descriptor = cid.get("/FontDescriptor")
    program = descriptor.get("/FontFile2") if descriptor is not None else None
    if not isinstance(program, pikepdf.Stream):
        return None
    try:
        with TTFont(io.BytesIO(program.read_bytes()), lazy=True) as embedded:
            original = originals.get(_identity(embedded))
            hinted = any(tag in embedded for tag in ("fpgm", "prep", "cvt "))
        widths = read_widths(cid.get("/W") or Array())
        text = read_to_unicode(font.get("/ToUnicode"))
    except (*BAD_FONT, pikepdf.PdfError, TypeError, IndexError):
        return None
    if original is None or not widths:
        return None
    name = SUBSET_TAG.sub("", str(font.get("/BaseFont", ""))[1:])
    return Member(font, Face(name, original, hinted), widths, text)


def _widths_match(group: Group) -> bool:
    """The PDF widths are the original's advances: the file is the one the sheets used."""
    with TTFont(group.face.original, lazy=True) as font:
        order, metrics = font.getGlyphOrder(), font["hmtx"].metrics
        scale = 1000 / font["head"].unitsPerEm
        return all(
            g < len(order) and abs(metrics[order[g]][0] * scale - w) <= 1
            for g, w in group.widths.items()
        )


def _shared_font(pdf: pikepdf.Pdf, group: Group) -> pikepdf.Object:
    """A new Type0 font: the union subset, merged widths and text, a fresh subset tag."""
    gids = sorted(group.widths.keys() | group.text.keys())
    program = subset_font(group.face.original, gids, hinting=group.face.hinted)
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    name = Name(f"/{tag}+{group.face.name}")
    first = group.members[0].font
    cid_first = first.DescendantFonts[0]
    descriptor = Dictionary(
        {k: v for k, v in cid_first.FontDescriptor.items() if k not in ("/FontFile2", "/CIDSet")}
    )
    descriptor.FontName = name
    descriptor.FontBBox = _union_box(
        m.font.DescendantFonts[0].FontDescriptor for m in group.members
    )
    stream = pikepdf.Stream(pdf, b"")
    stream.write(zlib.compress(program, 9), filter=Name.FlateDecode)
    stream.Length1 = len(program)
    descriptor.FontFile2 = pdf.make_indirect(stream)
    if any("/CIDSet" in m.font.DescendantFonts[0].FontDescriptor for m in group.members):
        descriptor.CIDSet = pdf.make_indirect(pikepdf.Stream(pdf, _cid_set(gids)))
    cid = Dictionary({k: v for k, v in cid_first.items() if k not in ("/W", "/FontDescriptor")})
    cid.BaseFont, cid.W = name, write_widths(group.widths)
    cid.FontDescriptor = pdf.make_indirect(descriptor)
    to_unicode = pikepdf.Stream(pdf, write_to_unicode(group.text))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=name, Encoding=Name("/Identity-H"),
        DescendantFonts=Array([pdf.make_indirect(cid)]), ToUnicode=pdf.make_indirect(to_unicode),
    ))  # fmt: skip


def subset_font(path: Path, gids: list[int], hinting: bool = False) -> bytes:
    """The glyphs ``gids`` of the font file at their own ids, as WeasyPrint subsets."""
    options = subset.Options(
        retain_gids=True, hinting=hinting, ignore_missing_glyphs=True, passthrough_tables=True
    )
    options.drop_tables += ["GSUB", "GPOS", "BASE", "JSTF", "DSIG", "EBDT", "EBLC", "EBSC"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(gids=gids)
    with TTFont(path) as font:
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
    return out.getvalue()


def _union_box(descriptors) -> Array:
    boxes = [[float(n) for n in d.FontBBox] for d in descriptors]
    return Array([min(b[0] for b in boxes), min(b[1] for b in boxes),
                  max(b[2] for b in boxes), max(b[3] for b in boxes)])  # fmt: skip


def _cid_set(gids: list[int]) -> bytes:
    bits = bytearray(gids[-1] // 8 + 1)
    for g in gids:
        bits[g // 8] |= 0x80 >> (g % 8)
    return bytes(bits)


def read_widths(array) -> dict[int, float]:
    """A CIDFont /W array: entries ``c [w1 w2 ...]`` or ``c_first c_last w``."""
    items, widths, i = list(array), dict[int, float](), 0
    while i < len(items):
        first = int(items[i])
        if isinstance(items[i + 1], Array):
            widths.update((first + n, float(w)) for n, w in enumerate(items[i + 1]))
            i += 2
        else:
            widths.update((g, float(items[i + 2])) for g in range(first, int(items[i + 1]) + 1))
            i += 3
    return widths


def write_widths(widths: dict[int, float]) -> Array:
    """The /W array, one ``c [w ...]`` entry per run of consecutive glyph ids."""
    out: list = []
    for g in sorted(widths):
        if g - 1 not in widths:
            out += [g, Array()]
        w = widths[g]
        out[-1].append(int(w) if w == int(w) else w)
    return Array(out)


HEX = r"<([0-9A-Fa-f]*)>"
BFCHAR = re.compile(rf"{HEX}\s*{HEX}")
BFRANGE = re.compile(rf"{HEX}\s*{HEX}\s*(?:{HEX}|\[([^\]]*)\])")


def read_to_unicode(stream) -> dict[int, str]:
    """Glyph id -> UTF-16BE hex from a ToUnicode CMap's bfchar and bfrange sections."""
    if not isinstance(stream, pikepdf.Stream):
        return {}
    text = stream.read_bytes().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.DOTALL):
        for source, target in BFCHAR.findall(block):
            mapping.setdefault(int(source, 16), target.lower())
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.DOTALL):
        for low, high, start, listed in BFRANGE.findall(block):
            low, high = int(low, 16), int(high, 16)
            if listed:
                targets = re.findall(HEX, listed)
            else:
                base = int(start, 16)
                targets = [f"{base + n:0{len(start)}x}" for n in range(high - low + 1)]
            for n, target in enumerate(targets[: high - low + 1]):
                mapping.setdefault(low + n, target.lower())
    return mapping


def write_to_unicode(text: dict[int, str]) -> bytes:
    """A ToUnicode CMap of bfchar entries, 100 a block (the most a block may hold)."""
    items = sorted(text.items())
    parts = [TO_UNICODE_HEAD]
    for start in range(0, len(items), 100):
        block = items[start : start + 100]
        lines = "".join(f"<{g:04x}> <{t}>\n" for g, t in block)
        parts.append(f"{len(block)} beginbfchar\n{lines}endbfchar\n".encode())
    parts.append(TO_UNICODE_TAIL)
    return b"".join(parts)
