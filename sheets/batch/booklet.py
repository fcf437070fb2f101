"""One print file for a whole batch: a cover listing the trials, then every sheet.

Owns combining finished sheet PDFs (pikepdf) and the cover page; it renders no sheet. Each
sheet keeps its own pages as made, so its "Page X of Y" footer still counts that sheet.
For duplex printing a blank page follows any part with an odd number of pages, so every
sheet starts on a front side. The booklet has a bookmark per trial; it is not a tagged PDF
(merging does not join the sheets' structure trees: the single sheets are the accessible
copies). Each font is embedded once for the whole booklet (booklet_fonts.py), not per sheet.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sheets import i18n
from sheets.errors import SheetsError
from sheets.files import write_atomic
from sheets.options import SheetOptions

COVER_TEMPLATE = "booklet_cover.html"


@dataclass(frozen=True)
class BookletSheet:
    nct_id: str
    title: str
    path: Path


@dataclass(frozen=True)
class CoverLine:
    number: int
    nct_id: str
    title: str
    pages: int
    starts_on: int  # the booklet page the sheet starts on


def make_booklet(
    sheets: list[BookletSheet],
    target: Path | str,
    options: SheetOptions | None = None,
    *,
    duplex: bool = False,
) -> Path:
    """Write the booklet atomically; returns its path.

    pikepdf (qpdf) copies the sheets' pages as they are, in C++: a thousand sheets take
    seconds and little memory. Sheets are read into memory first, so no file stays open.
    """
    import pikepdf

    from sheets.batch.fonts import share_fonts

    options = options or SheetOptions()
    target = Path(target)
    sources = []
    for sheet in sheets:
        try:
            sources.append(_printable(pikepdf.Pdf.open(io.BytesIO(sheet.path.read_bytes()))))
        except (OSError, pikepdf.PdfError) as error:
            raise SheetsError(f"{sheet.path}: cannot add it to the booklet ({error})") from None
    cover = pikepdf.Pdf.open(io.BytesIO(_cover(sheets, [len(s.pages) for s in sources], options, duplex)))
    booklet = pikepdf.Pdf.new()
    booklet.pages.extend(cover.pages)
    _pad(booklet, duplex)
    with booklet.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("The trials in this booklet", 0))
        for sheet, source in zip(sheets, sources, strict=True):
            title = f"{sheet.nct_id}: {sheet.title}"[:200]
            outline.root.append(pikepdf.OutlineItem(title, len(booklet.pages)))
            booklet.pages.extend(source.pages)
            _pad(booklet, duplex)
    share_fonts(booklet, _font_dirs(options))
    booklet.docinfo["/Title"] = _title(options)
    booklet.docinfo["/Creator"] = "trial-sheets"
    buffer = io.BytesIO()
    booklet.save(buffer, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
    write_atomic(target, buffer.getvalue(), what="the booklet ")
    return target


def _printable(sheet):
    """The sheet with any form fields (--fillable) drawn into its pages. A booklet is for
    printing, and a merged file cannot keep each sheet's fields apart (they share names)."""
    if "/AcroForm" in sheet.Root:
        sheet.generate_appearance_streams()
        sheet.flatten_annotations("all")  # qpdf also drops the then empty form
    return sheet


def booklet_pages(counts: list[int], cover_pages: int, duplex: bool) -> int:
    """Pages in a booklet of sheets with these page counts (cover and blank pages included)."""
    return sum(_padded(n, duplex) for n in (cover_pages, *counts))


def _padded(pages: int, duplex: bool) -> int:
    return pages + (pages % 2 if duplex else 0)


def _pad(booklet, duplex: bool) -> None:
    if duplex and len(booklet.pages) % 2:
        x0, y0, x1, y1 = (float(n) for n in booklet.pages[-1].mediabox)
        booklet.add_blank_page(page_size=(x1 - x0, y1 - y0))


def _font_dirs(options: SheetOptions) -> tuple[Path, ...]:
    """Where the sheets' original font files are: the bundled fonts, then the clinic's."""
    from sheets.resources import fonts_dir

    return (fonts_dir(), *options.template_dirs)


def _title(options: SheetOptions) -> str:
    clinic = options.clinic.name if options.clinic else ""
    return i18n.text("cover.title_from", clinic=clinic) if clinic else i18n.text("cover.title")


def _cover(sheets: list[BookletSheet], counts: list[int], options: SheetOptions, duplex: bool) -> bytes:
    """The cover PDF; made twice when the list itself runs over more pages than guessed."""
    import pikepdf

    cover_pages, pdf = 1, b""
    for _ in range(3):
        lines, page = [], _padded(cover_pages, duplex) + 1
        for number, (sheet, count) in enumerate(zip(sheets, counts, strict=True), 1):
            lines.append(CoverLine(number, sheet.nct_id, sheet.title, count, page))
            page += _padded(count, duplex)
        pdf = _render_cover(lines, options)
        made = len(pikepdf.Pdf.open(io.BytesIO(pdf)).pages)
        if made == cover_pages:
            break
        cover_pages = made
    return pdf


def _render_cover(lines: list[CoverLine], options: SheetOptions) -> bytes:
    from sheets.content import labels as wording
    from sheets.render.html import render_template
    from sheets.render.pdf import default_renderer

    with i18n.using(options.lang):
        pages = sum(line.pages for line in lines)
        html = render_template(
            COVER_TEMPLATE, options.template_dirs,
            title=_title(options), clinic=options.clinic, lines=lines, lang=options.lang,
            made=wording.today_phrase(options.generated_on), t=i18n.Catalogue(options.lang),
            summary=i18n.text("cover.summary", trials=wording.count_phrase(len(lines), "trial"),
                              pages=wording.count_phrase(pages, "sheet_page")),
        )  # fmt: skip
    return default_renderer(options.template_dirs).render(html, paper=options.paper)
