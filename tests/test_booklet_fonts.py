"""A booklet embeds each face once: the sheets' font subsets become one shared subset."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest
from conftest import DATA, FIXED_DAY
from fontTools.ttLib import TTFont
from pdfcheck import face, font_programs, page_texts, render_page
from PIL import ImageChops

from sheets import SheetOptions, load_trial, render_pdf
from sheets.batch.booklet import BookletSheet, make_booklet
from sheets.batch.fonts import read_to_unicode, read_widths, write_to_unicode, write_widths

# Three short sheets; two titles gain Greek and CJK so the fallback faces (DejaVu, Droid) are
# used by two sheets each, not only Atkinson Hyperlegible.
TITLES = {
    "NCT03453554": " (Ωμέγα-3, 中文)",
    "NCT05594173": " (β-blocker, 日本語)",
    "NCT06171568": "",
}


def page_fonts(pdf: bytes) -> list[dict[str, tuple[int, int]]]:
    """Per page: face -> the font object the page's text uses."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [{face(f.BaseFont): f.objgen for f in (p.Resources.get("/Font") or {}).values()}
                for p in doc.pages]  # fmt: skip


def objects_per_face(pages: list[dict[str, tuple[int, int]]]) -> dict[str, set]:
    by_face: dict[str, set] = {}
    for page in pages:
        for name, objgen in page.items():
            by_face.setdefault(name, set()).add(objgen)
    return by_face


def same_pixels(a: bytes, a_page: int, b: bytes, b_page: int) -> tuple[float, int]:
    """(share of pixels more than 8 grey levels apart, dark pixels on the first page), at
    100 dpi: strict enough to see a font drawn without its hints (0.7% of pixels differ)."""
    first = render_page(a, a_page, dpi=100).convert("L")
    second = render_page(b, b_page, dpi=100).convert("L")
    assert first.size == second.size
    differing = sum(ImageChops.difference(first, second).histogram()[9:])
    dark = sum(first.histogram()[:128])
    return differing / (first.size[0] * first.size[1]), dark


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> list[BookletSheet]:
    folder = tmp_path_factory.mktemp("sheets")
    made = []
    for nct, extra in TITLES.items():
        study = json.loads((DATA / "records" / f"{nct}.json").read_text("utf-8"))
        study["protocolSection"]["identificationModule"]["briefTitle"] += extra
        record = folder / f"{nct}.json"
        record.write_text(json.dumps(study), "utf-8")
        pdf = folder / f"{nct}.pdf"
        pdf.write_bytes(render_pdf(load_trial(record), SheetOptions(generated_on=FIXED_DAY)))
        made.append(BookletSheet(nct, nct, pdf))
    return made


def booklet_of(sheets: list[BookletSheet], target: Path) -> bytes:
    make_booklet(sheets, target, SheetOptions(generated_on=FIXED_DAY))
    return target.read_bytes()


def test_each_face_is_embedded_once_and_every_page_reads_as_in_its_sheet(sheets, tmp_path):
    booklet = booklet_of(sheets, tmp_path / "all.pdf")
    sources = [s.path.read_bytes() for s in sheets]
    faces = {name for pdf in sources for name in font_programs(pdf)}
    assert {"Atkinson-Hyperlegible", "DejaVu-Sans-Sheets-Bold",
            "Droid-Sans-Fallback-Sheets-Bold"} <= faces  # fmt: skip
    programs = font_programs(booklet)
    assert set(programs) == faces
    assert all(len(sizes) == 1 for sizes in programs.values()), programs
    texts = page_texts(booklet)
    page = 1  # after the one-page cover
    for pdf in sources:
        own = page_texts(pdf)
        assert texts[page : page + len(own)] == own
        page += len(own)
    assert page == len(texts)


def test_pages_render_from_the_shared_font_as_in_the_single_sheet(sheets, tmp_path):
    booklet = booklet_of(sheets, tmp_path / "all.pdf")
    by_face = objects_per_face(page_fonts(booklet))  # cover included
    assert all(len(objects) == 1 for objects in by_face.values()), by_face
    first = sheets[0].path.read_bytes()  # its title page shows Greek and CJK (fallback fonts)
    differing, dark = same_pixels(first, 0, booklet, 1)
    assert dark > 5000, "the single sheet's first page has text to compare"
    assert differing < 0.001


def test_the_booklet_sheds_the_duplicated_font_bytes(sheets, tmp_path, monkeypatch):
    booklet = booklet_of(sheets, tmp_path / "all.pdf")
    sources = [s.path.read_bytes() for s in sheets]
    by_face: dict[str, list[int]] = {}
    for pdf in sources:
        for name, sizes in font_programs(pdf).items():
            by_face.setdefault(name, []).extend(sizes)
    duplicated = sum(sum(sizes) - max(sizes) for sizes in by_face.values())
    growth = sum(max(0, sizes[0] - max(by_face[name]))  # a union subset may outgrow the biggest
                 for name, sizes in font_programs(booklet).items())  # fmt: skip
    assert duplicated > 0
    monkeypatch.setattr("sheets.batch.fonts.share_fonts", lambda pdf, dirs: 0)
    unshared = booklet_of(sheets, tmp_path / "unshared.pdf")
    assert len(booklet) <= len(unshared) - duplicated + growth
    assert len(booklet) <= sum(map(len, sources)) - duplicated + growth


def edited(pdf: bytes, change) -> bytes:
    """The PDF after ``change(doc)``, saved again."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        change(doc)
        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


def rename_font(doc: pikepdf.Pdf) -> None:
    """The sheet as if made with a font we do not ship: other names, in the PDF and the font."""
    done = set()
    for page in doc.pages:
        for font in page.Resources.Font.values():
            if font.objgen in done:
                continue
            done.add(font.objgen)
            cid = font.DescendantFonts[0]
            name = pikepdf.Name(f"/ABCDEF+Clinic-Sans-{len(done)}")
            font.BaseFont = cid.BaseFont = cid.FontDescriptor.FontName = name
            program = TTFont(io.BytesIO(cid.FontDescriptor.FontFile2.read_bytes()))
            program["name"].setName(f"ClinicSans{len(done)}", 6, 3, 1, 0x409)
            out = io.BytesIO()
            program.save(out)
            cid.FontDescriptor.FontFile2.write(out.getvalue())


def test_a_font_without_its_original_keeps_its_own_copy_and_renders(sheets, tmp_path):
    odd = tmp_path / "odd.pdf"
    odd.write_bytes(edited(sheets[2].path.read_bytes(), rename_font))
    mixed = [*sheets[:2], BookletSheet(sheets[2].nct_id, "odd", odd)]
    booklet = booklet_of(mixed, tmp_path / "all.pdf")
    programs = font_programs(booklet)
    own = font_programs(odd.read_bytes())
    assert own and all(programs[name] == sizes for name, sizes in own.items())  # kept as it was
    assert all(len(sizes) == 1 for sizes in programs.values())  # the others still share
    pages = len(page_texts(odd.read_bytes()))
    assert page_texts(booklet)[-pages:] == page_texts(odd.read_bytes())
    differing, dark = same_pixels(odd.read_bytes(), 0, booklet, len(page_texts(booklet)) - pages)
    assert dark > 5000 and differing < 0.001


def page_as_form(doc: pikepdf.Pdf) -> None:
    """The sheet with its first page drawn by a Form XObject, which names the fonts."""
    page = doc.pages[0]
    form = doc.make_stream(page.obj.Contents.read_bytes(), Type=pikepdf.Name.XObject,
                           Subtype=pikepdf.Name.Form, BBox=page.mediabox,
                           Resources=page.obj.Resources)  # fmt: skip
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fx0=form))
    page.obj.Contents = doc.make_stream(b"q /Fx0 Do Q")


def test_fonts_named_by_a_form_xobject_are_shared_too(sheets, tmp_path):
    formed = tmp_path / "form.pdf"
    formed.write_bytes(edited(sheets[2].path.read_bytes(), page_as_form))
    booklet = booklet_of(
        [*sheets[:2], BookletSheet(sheets[2].nct_id, "form", formed)], tmp_path / "all.pdf"
    )
    assert all(len(sizes) == 1 for sizes in font_programs(booklet).values())
    start = len(page_texts(booklet)) - len(page_texts(formed.read_bytes()))
    with pikepdf.open(io.BytesIO(booklet)) as doc:
        fonts = doc.pages[start].Resources.XObject.Fx0.Resources.Font.values()
        in_form = {face(f.BaseFont): f.objgen for f in fonts}
    assert in_form.items() <= page_fonts(booklet)[1].items()  # the objects the others use
    differing, dark = same_pixels(formed.read_bytes(), 0, booklet, start)
    assert dark > 5000 and differing < 0.001


def test_fillable_sheets_share_their_whole_hinted_font_and_look_the_same(tmp_path):
    sheets = []
    for nct in list(TITLES)[1:]:
        pdf = tmp_path / f"{nct}.pdf"
        options = SheetOptions(generated_on=FIXED_DAY, fillable=True)
        pdf.write_bytes(render_pdf(load_trial(DATA / "records" / f"{nct}.json"), options))
        sheets.append(BookletSheet(nct, nct, pdf))
    booklet = booklet_of(sheets, tmp_path / "all.pdf")
    by_face = objects_per_face(page_fonts(booklet)[1:])  # the cover's are ordinary subsets
    assert all(len(objects) == 1 for objects in by_face.values()), by_face
    page = 1
    for sheet in sheets:
        source = sheet.path.read_bytes()
        differing, dark = same_pixels(source, 0, booklet, page)
        assert dark > 5000 and differing < 0.001
        page += len(page_texts(source))
    # a print file: the fields are drawn into the pages, none is left dead (and no warning)
    assert "/AcroForm" not in pikepdf.open(tmp_path / "all.pdf").Root
    assert not [a for p in pikepdf.open(tmp_path / "all.pdf").pages for a in p.get("/Annots", ())
                if a.get("/Subtype") == "/Widget"]  # fmt: skip


@pytest.mark.parametrize(
    "array, widths",
    [
        ([3, [500, 250.5], 10, 12, 600], {3: 500, 4: 250.5, 10: 600, 11: 600, 12: 600}),
        ([0, [1000]], {0: 1000}),
        ([], {}),
    ],
)
def test_cid_widths_read_both_forms_and_write_back_the_same_widths(array, widths):
    assert read_widths(pikepdf.Array(array)) == widths
    assert read_widths(write_widths(widths)) == widths


def test_to_unicode_maps_read_chars_and_ranges_and_write_back():
    cmap = (b"2 beginbfchar\n<0003> <0020>\n<0044> <00660069>\nendbfchar\n"
            b"2 beginbfrange\n<0010> <0012> <0041>\n<0020> <0021> [<03a9> <D83DDE00>]\n"
            b"endbfrange\n")  # fmt: skip
    expected = {3: "0020", 0x44: "00660069", 0x10: "0041", 0x11: "0042", 0x12: "0043",
                0x20: "03a9", 0x21: "d83dde00"}  # fmt: skip
    with pikepdf.new() as doc:
        assert read_to_unicode(pikepdf.Stream(doc, cmap)) == expected
        assert read_to_unicode(pikepdf.Stream(doc, write_to_unicode(expected))) == expected
