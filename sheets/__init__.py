"""trial-sheets: a clinical-trial record becomes an appointment-ready PDF question sheet.

The pipeline, one module a step: record file -> `Trial` (record.py) -> `Sheet` content
(content.py) -> HTML (html.py) -> PDF (pdf.py). This module is the small public API; its
names load on first use, so `import sheets` (and `sheets --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .content import Sheet, build_sheet
    from .errors import RecordError, SheetsError
    from .model import Trial
    from .options import SheetOptions
    from .record import load_trial

_LAZY = {
    "Sheet": "content",
    "build_sheet": "content",
    "RecordError": "errors",
    "SheetsError": "errors",
    "Trial": "model",
    "SheetOptions": "options",
    "load_trial": "record",
}

__all__ = [  # the lazy names above, and the pipeline functions below
    "RecordError",
    "Sheet",
    "SheetOptions",
    "SheetsError",
    "Trial",
    "build_sheet",
    "load_trial",
    "render_html",
    "render_pdf",
    "write_sheet",
]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'sheets' has no attribute {name!r}")


def render_html(trial: Trial, options: SheetOptions | None = None) -> str:
    """The sheet's HTML, before layout: useful for checking content and for previews."""
    from .content import build_sheet
    from .html import render_html as html_for

    return html_for(
        build_sheet(trial, options), override_dirs=options.template_dirs if options else ()
    )


def render_pdf(trial: Trial, options: SheetOptions | None = None) -> bytes:
    """The sheet as PDF bytes. WeasyPrint loads here, on first use."""
    from .options import SheetOptions
    from .pdf import default_renderer

    options = options or SheetOptions()
    return default_renderer(options.template_dirs).render(
        render_html(trial, options),
        paper=options.paper,
        large_print=options.large_print,
        forms=options.fillable,
        variant=options.pdf_variant,
    )


def write_sheet(trial: Trial, path: Path | str, options: SheetOptions | None = None) -> Path:
    """Render and write the PDF atomically: on any failure no file, and no partial file, is left."""
    from .errors import SheetsError
    from .files import write_atomic

    path = Path(path)
    pdf = render_pdf(trial, options)
    try:
        write_atomic(path, pdf)
    except OSError as error:
        raise SheetsError(f"cannot write {path}: {error.strerror or error}") from None
    return path
