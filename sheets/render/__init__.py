"""A `Sheet` becomes HTML (Jinja, autoescaped) and then a tagged PDF (WeasyPrint).

Takes a `Sheet`; gives HTML text (html.py) or PDF bytes (pdf.py). The QR code is drawn here
(qr.py). The renderer loads only the project's templates, styles and fonts, and a clinic's
own folder, read from inside it (confined.py): no file:// outside them, no network. Templates
run in Jinja's sandbox, as a clinic's come from outside the project.
"""
