"""WeasyPrint, imported without its slow library search: about 0.2 s off every cold start.

WeasyPrint finds Pango, HarfBuzz and their kin through cffi, trying several names for each
("pango-1.0-0", "pango-1.0", "libpango-1.0-0", "libpango-1.0.so.0", ...). Each name without a
dot makes cffi call ``ctypes.util.find_library``, which on Linux runs ``ldconfig`` and a C
compiler as subprocesses; the names with the ``.so`` soname load directly a moment later
anyway. On Linux the search is skipped for the import; if a library is then not found under
its soname, the import is tried again the usual way, so nothing is lost but the time.
"""

from __future__ import annotations

import sys


def _import_without_library_search() -> None:
    if not sys.platform.startswith("linux") or "weasyprint" in sys.modules:
        return
    import ctypes.util

    find_library = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:  # a library not under its usual soname: forget the try, search as usual
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
    finally:
        ctypes.util.find_library = find_library


_import_without_library_search()

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError, path2url  # noqa: E402

__all__ = [
    "CSS", "HTML", "FontConfiguration", "URLFetcher", "URLFetcherResponse", "URLFetchingError",
    "path2url",
]  # fmt: skip
