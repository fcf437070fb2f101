"""HTML to PDF with WeasyPrint, confined to the project's own assets and kept warm.

One `PdfRenderer` holds the FontConfiguration and the parsed stylesheets, so a process that
makes many sheets parses CSS and loads fonts once. Its URL fetcher serves only files inside
the bundled templates and fonts folders (and a clinic's templates folder, which may lay its
own ``sheet.css`` and ``large-print.css`` over ours) and ``data:`` URLs: no other file, no
network, no redirects, for HTML, stylesheets and attachments alike.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import warnings
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from sheets.content.sheet import Sheet
from sheets.errors import SheetsError
from sheets.render.confined import MAX_ASSET_BYTES, read_inside
from sheets.render.html import render_html
from sheets.render.weasy import (
    CSS,
    HTML,
    FontConfiguration,
    URLFetcher,
    URLFetcherResponse,
    URLFetchingError,
    path2url,
)
from sheets.resources import fonts_dir, templates_dir

STYLESHEET = "sheet.css"
LARGE_PRINT = "large-print.css"  # laid over sheet.css for --large-print
PAPER_CSS = {"letter": "@page { size: letter; }", "a4": "@page { size: A4; }"}

LOGGER = logging.getLogger("weasyprint")


class ConfinedFetcher(URLFetcher):
    """Serves ``data:`` URLs and files under the allowed folders; refuses everything else.

    A file is read here, through `confined.read_inside`: a regular file inside its folder
    (no link out of it, no FIFO or device), at most 32 MiB. The response carries the bytes
    and no path, so WeasyPrint never opens the file again by its name."""

    def __init__(self, allowed_dirs: tuple[Path, ...]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=1)
        self.allowed_dirs = tuple(dict.fromkeys(
            form for d in allowed_dirs for form in (d.resolve(), Path(os.path.abspath(d)))
        ))  # fmt: skip

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"refused to load {url}: sheets load no network resources")
        path = Path(os.path.normpath(url2pathname(parts.path)))
        folder = next((d for d in self.allowed_dirs if path.is_relative_to(d)), None)
        if folder is None:
            raise ValueError(f"refused to load {url}: outside the bundled assets")
        try:
            data = read_inside(folder, path.relative_to(folder), limit=MAX_ASSET_BYTES)
        except SheetsError as error:
            raise ValueError(f"refused to load {url}: {error}") from None
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return _Loaded(url, data, {"Content-Type": kind})


class _Loaded(URLFetcherResponse):
    """A file's bytes as read once: no ``path``, so nothing is read again by name."""

    path = None


class PdfRenderer:
    """Warm WeasyPrint state for one process: fonts and stylesheets are loaded once.

    ``clinic_dirs`` are a clinic's templates folders: a ``sheet.css`` or ``large-print.css``
    there is laid over the bundled one (so it holds only the rules it changes), and the files
    beside it (fonts, images) may be loaded through it."""

    def __init__(self, clinic_dirs: tuple[Path, ...] = ()):
        self.base_dir = templates_dir()
        self.fetcher = ConfinedFetcher((templates_dir(), fonts_dir(), *clinic_dirs))
        self.font_config = FontConfiguration()
        self.stylesheet = self._stylesheet(self.base_dir / STYLESHEET)
        self.paper_sheets = {
            paper: CSS(string=css, url_fetcher=self.fetcher, font_config=self.font_config)
            for paper, css in PAPER_CSS.items()
        }
        self.large_print = self._stylesheet(self.base_dir / LARGE_PRINT)
        self.clinic_sheets = self._clinic_sheets(clinic_dirs, STYLESHEET)
        self.clinic_large_print = self._clinic_sheets(clinic_dirs, LARGE_PRINT)

    def _stylesheet(self, path: Path) -> CSS:
        return CSS(filename=str(path), url_fetcher=self.fetcher, font_config=self.font_config)

    def _clinic_sheets(self, folders: tuple[Path, ...], name: str) -> list[CSS]:
        """A clinic's stylesheet, checked (one line naming it when refused), then loaded
        through the confined fetcher like every file it refers to."""
        sheets = []
        for folder in folders:
            try:
                read_inside(folder, name, limit=MAX_ASSET_BYTES)
            except FileNotFoundError:
                continue
            url = path2url(folder / name)
            try:
                sheets.append(CSS(url=url, url_fetcher=self.fetcher, font_config=self.font_config))
            except URLFetchingError as error:
                raise SheetsError(f"{folder / name}: cannot read the clinic's stylesheet ({error})") from None
        return sheets

    def render(
        self,
        html: str,
        *,
        paper: str,
        large_print: bool = False,
        forms: bool = False,
        variant: str | None = None,
    ) -> bytes:
        """Always a tagged PDF; ``forms`` turns inputs into form fields, ``variant`` adds a
        standard's claims ("pdf/ua-1", "pdf/a-3b")."""
        document = HTML(string=html, base_url=path2url(self.base_dir), url_fetcher=self.fetcher)
        sheets = [self.stylesheet, *self.clinic_sheets, self.paper_sheets[paper]]
        if large_print:
            sheets += [self.large_print, *self.clinic_large_print]
        with warnings.catch_warnings():
            if variant:  # WeasyPrint 70 reads its sRGB profile for PDF/A without closing the file
                warnings.simplefilter("ignore", ResourceWarning)
            return document.write_pdf(
                stylesheets=sheets,
                font_config=self.font_config,
                pdf_tags=True,
                pdf_forms=forms,
                pdf_variant=variant,
            )


@cache
def default_renderer(clinic_dirs: tuple[Path, ...] = ()) -> PdfRenderer:
    """This process's renderer for the bundled look, or for a clinic's templates folders."""
    return PdfRenderer(clinic_dirs)


def render_pdf(sheet: Sheet) -> bytes:
    """The sheet as PDF bytes, as it asks: paper, large print, form fields, PDF standard."""
    return default_renderer(sheet.template_dirs).render(
        render_html(sheet),
        paper=sheet.paper,
        large_print=sheet.large_print,
        forms=sheet.fillable,
        variant=sheet.pdf_variant,
    )
