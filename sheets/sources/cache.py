"""The on-disk record cache, so a sheet can be made again without the network.

Owns where fetched API v2 study objects are kept and how they are found again; it does not
fetch (ctgov.py) and does not decide when to fetch (sources.py).

Where: ``$SHEETS_CACHE_DIR`` if set, else the user's cache folder (platformdirs), then
``records/<NCT number>/<last update>.json``.

"Keyed by NCT number and last-update date" means: one folder per NCT number, one file per
version of the record, named for the date ClinicalTrials.gov last posted an update to it
(``protocolSection.statusModule.lastUpdatePostDateStruct.date``, e.g. ``2024-01-31``; a
record without one is ``undated``). Storing a record whose date has not changed replaces
the same file; storing one that was updated since adds a file beside the older one, and
`RecordCache.newest` answers with the latest date. Every write is atomic (a temporary file
renamed over the target), so a reader or a crash never sees half a record.

A cached file is not trusted: it is read as a regular file of bounded size, checked like any
JSON record (limits.py), and must be the study of the NCT number it is filed under; anything
else is a `RecordError`, which resolve.py answers by fetching the record again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from sheets.errors import RecordError
from sheets.files import write_atomic
from sheets.sources.ctgov import normalise_nct
from sheets.sources.limits import json_bytes, parse_json, read_record

CACHE_VARIABLE = "SHEETS_CACHE_DIR"
UNDATED = "undated"
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")


def cache_dir(explicit: Path | str | None = None) -> Path:
    """The cache root: the argument, else ``$SHEETS_CACHE_DIR``, else the user's cache folder."""
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("trial-sheets", appauthor=False))


def last_update_of(study: dict[str, Any]) -> str:
    """The record's last-update posted date (``YYYY-MM-DD``), or ``undated``."""
    protocol = study.get("protocolSection") if isinstance(study, dict) else None
    status = protocol.get("statusModule") if isinstance(protocol, dict) else None
    if not isinstance(status, dict):
        return UNDATED
    posted = status.get("lastUpdatePostDateStruct")
    date = posted.get("date") if isinstance(posted, dict) else None
    date = date or status.get("lastUpdateSubmitDate")
    return date if isinstance(date, str) and _DATE.fullmatch(date) else UNDATED


class RecordCache:
    """Study objects on disk, by NCT number and last-update date."""

    def __init__(self, directory: Path | str | None = None):
        self.root = cache_dir(directory) / "records"

    def path_for(self, nct_id: str, study: dict[str, Any]) -> Path:
        return self.root / normalise_nct(nct_id) / f"{last_update_of(study)}.json"

    def versions(self, nct_id: str) -> list[Path]:
        """The cached files of one record, oldest first (``undated`` before any date)."""
        folder = self.root / normalise_nct(nct_id)
        files = [f for f in folder.glob("*.json") if f.stem == UNDATED or _DATE.fullmatch(f.stem)]
        return sorted(files, key=lambda f: (f.stem != UNDATED, f.stem))

    def newest(self, nct_id: str) -> Path | None:
        """The cached file with the latest update date, if the record is cached at all."""
        versions = self.versions(nct_id)
        return versions[-1] if versions else None

    def get(self, nct_id: str) -> dict[str, Any] | None:
        """The newest cached study object, or None; a damaged file, or one holding another
        study than ``nct_id``, is a `RecordError`."""
        nct_id = normalise_nct(nct_id)
        path = self.newest(nct_id)
        if path is None:
            return None
        try:
            study = parse_json(read_record(path), str(path))
        except RecordError as error:  # a FIFO or a folder, too large, not JSON, too deep
            problem = f"the cached record cannot be read ({error.problem})"
            raise RecordError(str(path), problem) from None
        if not isinstance(study, dict):
            raise RecordError(str(path), "the cached record is not a study object")
        cached = nct_id_of(study)
        if cached != nct_id:
            found = f"the study {cached}" if cached else "a study without an NCT number"
            raise RecordError(str(path), f"the cached record holds {found}, not {nct_id}")
        return study

    def put(self, nct_id: str, study: dict[str, Any]) -> Path:
        """Store a study object; returns the file it is kept in."""
        path = self.path_for(nct_id, study)
        write_atomic(path, json_bytes(study, indent=1), what="the record cache at ")
        return path


def nct_id_of(study: dict[str, Any]) -> str:
    """The NCT number a v2 study object says it is (upper case), or "" when it names none."""
    protocol = study.get("protocolSection")
    ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    nct_id = ident.get("nctId") if isinstance(ident, dict) else None
    if not isinstance(nct_id, str):
        return ""
    return "".join(ch for ch in nct_id.strip().upper()[:20] if ch.isprintable())
