"""Records for the web page: by NCT number through the API client and the record cache, as
`sheets make NCT...` gets them (``--api-url``, ``--offline`` and the cache apply).

A long-running server must not serve a record cached months ago as if it were current, so a
cached record older than ``max_age`` seconds is fetched again; if the registry cannot be
reached then, the cached copy is used. A number is only ever a number: it is checked before
anything else, and never read as a file path.
"""

from __future__ import annotations

import time

from sheets.sources.cache import RecordCache
from sheets.sources.ctgov import FetchError, normalise_nct
from sheets.sources.limits import json_bytes
from sheets.sources.resolve import RecordSource

MAX_AGE = 24 * 3600.0  # seconds a cached record is used before it is fetched again


def record_bytes(
    spec: str, *, api_url: str | None, offline: bool, max_age: float = MAX_AGE
) -> tuple[str, bytes]:
    """(NCT number, the study as JSON bytes) for a number typed in any case; blocking (the
    cache and the network), so the page calls it in a thread."""
    nct_id = normalise_nct(spec)
    newest = RecordCache().newest(nct_id)
    stale = newest is not None and time.time() - newest.stat().st_mtime > max_age
    try:
        with RecordSource(api_url=api_url, offline=offline, refresh=stale and not offline) as source:
            study = source.study(nct_id)
    except FetchError:
        if not stale:
            raise
        with RecordSource(api_url=api_url, offline=True) as source:  # the registry is down
            study = source.study(nct_id)
    return nct_id, json_bytes(study)
