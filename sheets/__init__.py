"""trial-sheets: a clinical-trial record becomes an appointment-ready PDF question sheet.

The pipeline, one package a stage: record -> `Trial` (sources/), criteria in plain English
(plain/), `Trial` -> `Sheet` (content/), `Sheet` -> HTML -> PDF (render/), many sheets at
once (batch/); `pipeline.py` chains them. This module is the small public API; its names load
on first use, so `import sheets` (and `sheets --help`) stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from sheets.version import __version__

if TYPE_CHECKING:
    from sheets.content.build import build_sheet
    from sheets.content.sheet import Sheet
    from sheets.errors import RecordError, SheetsError
    from sheets.model import Trial
    from sheets.options import SheetOptions
    from sheets.pipeline import render_html, render_pdf, write_sheet
    from sheets.sources.record import load_trial

_LAZY = {
    "Sheet": "content.sheet",
    "build_sheet": "content.build",
    "RecordError": "errors",
    "SheetsError": "errors",
    "Trial": "model",
    "SheetOptions": "options",
    "load_trial": "sources.record",
    "render_html": "pipeline",
    "render_pdf": "pipeline",
    "write_sheet": "pipeline",
}

__all__ = [  # the lazy names above
    "__version__",
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
