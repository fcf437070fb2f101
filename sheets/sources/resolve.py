"""Where a record comes from: a file path, or an NCT number (the cache first, then the API).

Owns the choice between a file and a number and when to use the network, so the CLI stays
thin. It does not read record files (record.py), speak HTTP (ctgov.py) or lay out the
cache (cache.py).

- A spec that names an existing file is read as a file, even if it looks like a number.
- An NCT number (any case, spaces around it allowed) is looked up in the cache: a cached
  record is used without any request, so a second run is offline-safe. ``refresh=True``
  asks the API again; ``offline=True`` never does and says so when the cache is empty.
- A fetched record is mapped onto `Trial` before it is cached, so an answer that is not a
  usable study never enters the cache; lone surrogates in its text become U+FFFD first, so
  nothing after it (the cache, a saved file, the sheet) meets text it cannot encode.
- A cached record that is damaged or holds another study is fetched again (``offline``: an
  error naming the file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sheets.errors import RecordError
from sheets.files import write_atomic
from sheets.model import Trial
from sheets.sources.cache import RecordCache
from sheets.sources.ctgov import ClinicalTrialsClient, looks_like_nct, normalise_nct
from sheets.sources.limits import json_bytes, read_head, replace_lone_surrogates
from sheets.sources.record import HEAD_BYTES, load_trial, record_format, trial_from_study

# "NCT123", "nct 0761": meant as a number, so say what is wrong with it rather than "no such file"
_ALMOST_NCT = re.compile(r"\s*NCT[\s\d]*", re.IGNORECASE)


def resolve_trial(
    spec: str,
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
) -> Trial:
    """The `Trial` for a record file path or an NCT number."""
    if Path(spec).exists() or not (looks_like_nct(spec) or _ALMOST_NCT.fullmatch(spec)):
        return load_trial(Path(spec))
    with RecordSource(
        api_url=api_url, offline=offline, refresh=refresh, cache_dir=cache_dir
    ) as source:
        return source.trial(spec)


def is_record_source(spec: str) -> bool:
    """Whether ``spec`` names a record (an NCT number, or a JSON or XML file) rather than a
    plain text file of eligibility criteria."""
    path = Path(spec)
    if path.exists() and not path.is_file() and not path.is_dir():
        return True  # a FIFO or a device: reading it as a record refuses it without blocking
    if not path.is_file():
        return looks_like_nct(spec) or bool(_ALMOST_NCT.fullmatch(spec))
    try:
        return record_format(read_head(path, HEAD_BYTES)) != ""
    except RecordError:
        return True  # gone or changed since: reading it as a record says what is wrong


def fetch_records(
    nct_ids: Iterable[str],
    out_dir: Path | str,
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    cache_dir: Path | str | None = None,
) -> list[Path]:
    """Save each study as ``OUT_DIR/NCT<number>.json`` (and cache it) for later offline use.

    Every number is checked before anything is fetched; the files written are records that
    ``sheets make FILE`` reads.
    """
    numbers = list(dict.fromkeys(normalise_nct(spec) for spec in nct_ids))
    written = []
    with RecordSource(
        api_url=api_url, offline=offline, refresh=refresh, cache_dir=cache_dir
    ) as source:
        for nct_id in numbers:
            study = source.study(nct_id)
            target = Path(out_dir) / f"{nct_id}.json"
            write_atomic(target, json_bytes(study, indent=2))
            written.append(target)
    return written


class RecordSource:
    """Records by NCT number through one cache and, only when needed, one API client."""

    def __init__(
        self,
        *,
        api_url: str | None = None,
        offline: bool = False,
        refresh: bool = False,
        cache_dir: Path | str | None = None,
        client: ClinicalTrialsClient | None = None,
    ):
        self.api_url = api_url
        self.offline = offline
        self.refresh = refresh
        self.cache = RecordCache(cache_dir)
        self._client = client
        self._own_client = client is None

    def __enter__(self) -> RecordSource:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own_client and self._client is not None:
            self._client.close()
            self._client = None

    def trial(self, spec: str) -> Trial:
        nct_id = normalise_nct(spec)
        return trial_from_study(self.study(nct_id), nct_id)

    def study(self, spec: str) -> dict[str, Any]:
        """The API v2 study object: from the cache unless refreshing, else from the API."""
        nct_id = normalise_nct(spec)
        if not self.refresh or self.offline:
            try:
                cached = self.cache.get(nct_id)
            except RecordError:
                if self.offline:
                    raise
                cached = None  # a damaged cache file is replaced by a fresh copy
            if cached is not None:
                return cached
        if self.offline:
            raise RecordError(
                nct_id,
                f"not in the record cache ({self.cache.root}), and --offline forbids fetching it",
            )
        study = replace_lone_surrogates(self._api().get_study(nct_id), nct_id)
        trial_from_study(study, nct_id)  # refuse what cannot become a sheet before caching it
        self.cache.put(nct_id, study)
        return study

    def _api(self) -> ClinicalTrialsClient:
        if self._client is None:
            self._client = ClinicalTrialsClient(self.api_url)
        return self._client
