"""A `Trial` becomes a `Sheet`: every word the sheet prints, decided before any HTML exists.

Takes a `Trial` and `SheetOptions`; gives a `Sheet` (build.py), the view model a template
reads. Page 1's sentences (overview.py), the status against the record's age (standing.py),
the questions and the facts they read (questions.py, facts.py), outcomes, lab panels and the
labels for codes (labels.py) live here. The plain English of the criteria comes from
sheets.plain; the QR code and the layout belong to sheets.render.
"""
