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
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from sheets.errors import RecordError
from sheets.files import write_atomic
from sheets.sources.ctgov import normalise_nct

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
        """The newest cached study object, or None; a damaged file is a `RecordError`."""
        path = self.newest(nct_id)
        if path is None:
            return None
        try:
            study = json.loads(path.read_bytes())
        except (OSError, ValueError) as error:
            problem = getattr(error, "strerror", None) or "not valid JSON"
            raise RecordError(str(path), f"the cached record cannot be read ({problem})") from None
        if not isinstance(study, dict):
            raise RecordError(str(path), "the cached record is not a study object")
        return study

    def put(self, nct_id: str, study: dict[str, Any]) -> Path:
        """Store a study object; returns the file it is kept in."""
        path = self.path_for(nct_id, study)
        data = json.dumps(study, ensure_ascii=False, indent=1).encode("utf-8")
        write_atomic(path, data, what="the record cache at ")
        return path
