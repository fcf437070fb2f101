"""Many sheets at once: inputs expanded (inputs.py), sheets made in worker processes, one
record each at a time (worker.py), and written as they land (run.py), a manifest to skip
unchanged records (manifest.py), a progress view (view.py) and one printable booklet with
shared fonts (booklet.py, fonts.py).

Takes record files, folders, NCT numbers or a search; gives PDFs, a report and a booklet.
"""
