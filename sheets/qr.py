"""The QR code that links a printed sheet to the live trial page, drawn as vector SVG.

Vector (one path of unit squares) stays sharp at any print resolution and adds only a few
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
        f"M{x} {y}h1v1h-1z"
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
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
