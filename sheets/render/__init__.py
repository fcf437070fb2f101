"""A `Sheet` becomes HTML (Jinja, autoescaped) and then a tagged PDF (WeasyPrint).

Takes a `Sheet`; gives HTML text (html.py) or PDF bytes (pdf.py). The QR code is drawn here
(qr.py). The renderer loads only the project's templates, styles and fonts, and a clinic's
own folder: no file:// outside them, no network.
"""
