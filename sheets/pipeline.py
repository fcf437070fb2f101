"""The pipeline, one call a step: `Trial` -> `Sheet` (content) -> HTML -> PDF -> a file.

The public functions `from sheets.pipeline import render_pdf` and friends; they import each stage on
first use, so `import sheets` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sheets.model import Trial
from sheets.options import SheetOptions

__all__ = ["render_html", "render_pdf", "render_record", "write_sheet"]


def render_html(trial: Trial, options: SheetOptions | None = None) -> str:
    """The sheet's HTML, before layout: useful for checking content and for previews."""
    from sheets.content.build import build_sheet
    from sheets.render.html import render_html as html_of

    return html_of(build_sheet(trial, options))


def render_pdf(trial: Trial, options: SheetOptions | None = None) -> bytes:
    """The sheet as PDF bytes. WeasyPrint loads here, on first use."""
    from sheets.content.build import build_sheet
    from sheets.render.pdf import render_pdf as pdf_of

    return pdf_of(build_sheet(trial, options))


def write_sheet(trial: Trial, path: Path | str, options: SheetOptions | None = None) -> Path:
    """Render and write the PDF atomically: on any failure no file, and no partial file, is left."""
    from sheets.files import write_atomic

    path = Path(path)
    pdf = render_pdf(trial, options)
    write_atomic(path, pdf)
    return path


@dataclass(frozen=True)
class RenderedRecord:
    """A record's sheet: the PDF, and the trial it was drawn from (its number names the file,
    its title goes in a report)."""

    trial: Trial
    pdf: bytes


def render_record(data: bytes, options: SheetOptions | None = None, *, source: str) -> RenderedRecord:
    """Record bytes (JSON or XML, as a record file holds them) -> the sheet's PDF and its trial:
    the one call the web page, a batch worker and a cluster node make. ``source`` names the
    record in any `RecordError` ("NCT06171568", "upload.json"); nothing is read from or written
    to disk."""
    from sheets.sources.record import trial_from_bytes

    trial = trial_from_bytes(data, source)
    return RenderedRecord(trial, render_pdf(trial, options))
