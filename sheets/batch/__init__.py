"""Many sheets at once: inputs expanded and streamed (inputs.py, bulk.py), sheets made in
worker processes, one record each at a time (worker.py), and written as they land (run.py,
flat or sharded: layout.py), a manifest to skip unchanged records (manifest.py, entries.py),
a progress view (view.py) and one printable booklet with shared fonts (booklet.py, fonts.py).

Takes record files, folders, the bulk download, NCT numbers or a search; gives PDFs, a report
and a booklet.
"""
