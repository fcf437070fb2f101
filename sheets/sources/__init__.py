"""Records in: a study file (API v2 JSON or legacy XML), an NCT number fetched from the
ClinicalTrials.gov API, or the local cache of fetched records, each read into one `Trial`.

Takes a path, an NCT number or a search; gives `Trial` (sheets.model). Nothing here knows
what a sheet says or looks like.
"""
