"""The on-disk record cache, so a sheet can be made again offline.

Records live in the user's cache folder (platformdirs; ``$SHEETS_CACHE_DIR`` overrides) as
``records/<NCT number>/<last update date>.json``: keyed by NCT number and the record's
last-update date, so a refreshed record with a new date is kept beside the old one and the
newest is used. Writes are atomic.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from .files import write_atomic

CACHE_VARIABLE = "SHEETS_CACHE_DIR"


def cache_dir(explicit: Path | None = None) -> Path:
    if explicit is not None:
        return Path(explicit)
    if os.environ.get(CACHE_VARIABLE):
        return Path(os.environ[CACHE_VARIABLE])
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("trial-sheets"))


def last_update_of(study: dict[str, Any]) -> str:
    status = study.get("protocolSection", {}).get("statusModule", {})
    date = (status.get("lastUpdatePostDateStruct") or {}).get("date") or status.get("lastUpdateSubmitDate")
    return date if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", date) else "undated"


class RecordCache:
    def __init__(self, directory: Path | None = None):
        self.root = cache_dir(directory) / "records"

    def path_for(self, nct_id: str, study: dict[str, Any]) -> Path:
        return self.root / nct_id / f"{last_update_of(study)}.json"

    def newest(self, nct_id: str) -> Path | None:
        """The cached record with the latest update date, if any."""
        folder = self.root / nct_id
        files = sorted(folder.glob("*.json")) if folder.is_dir() else []
        dated = [f for f in files if f.stem != "undated"]
        return (dated or files)[-1] if files else None

    def put(self, nct_id: str, study: dict[str, Any]) -> Path:
        path = self.path_for(nct_id, study)
        write_atomic(path, json.dumps(study, ensure_ascii=False, indent=1).encode("utf-8"))
        return path
