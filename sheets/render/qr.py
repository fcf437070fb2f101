"""The QR code that links a printed sheet to the live trial page, drawn as vector SVG.

Vector (one path, a rectangle per run of dark modules in a row) stays sharp at any print resolution and adds only a few
kilobytes; the quiet zone is part of the drawing so layout cannot crop it.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from markupsafe import Markup, escape

QUIET_ZONE_MODULES = 4


def qr_svg(data: str, *, size_mm: float, title: str) -> Markup:
    """An inline ``<svg>`` of ``data`` as a QR code, ``size_mm`` wide including its quiet zone.

    ``title`` becomes the SVG ``<title>``, which WeasyPrint turns into the figure's alt text.
    """
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE_MODULES
    )
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    path = "".join(
        f"M{x} {y}h{length}v1h-{length}z" for y, row in enumerate(matrix) for x, length in _runs(row)
    )
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{size_mm:g}mm" height="{size_mm:g}mm" viewBox="0 0 {modules} {modules}" '
        'shape-rendering="crispEdges">'
        f"<title>{escape(title)}</title>"
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path fill="#000" d="{path}"/>'
        "</svg>"
    )


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each run of dark modules: one rectangle each, about half as many
    drawing commands as a square per module, for the same pixels."""
    runs: list[tuple[int, int]] = []
    start = None
    for x, dark in enumerate([*row, False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            runs.append((start, x - start))
            start = None
    return runs
