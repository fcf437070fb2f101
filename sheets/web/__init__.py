"""The web page and its API: a person types an NCT number or uploads a record, sees what the
sheet will say and downloads the PDF, with the options of `sheets make`.

Takes HTTP requests (a form, ``/sheets/{nct}.pdf``, ``/sheets/{nct}.json``, ``POST /sheets``);
gives pages, PDFs and JSON. Records come through the API client and cache (records.py);
request bodies are read in memory within limits (forms.py, limits.py); sheets are made in a
warm pool of worker processes behind a bounded queue (pool.py, worker.py), so no render
blocks the page; app.py and routes.py are the FastAPI application.
"""
