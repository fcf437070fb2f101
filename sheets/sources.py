"""Where a record comes from: a file path, or an NCT number (cache first, then the API).

``sheets make`` takes either; this module decides which, so the CLI stays thin. The cache
answers first (a second run makes no request); ``refresh`` asks the API again; ``offline``
never asks, and says so clearly when the cache has nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .cache import RecordCache
from .ctgov import ClinicalTrialsClient, looks_like_nct, normalise_nct
from .errors import SheetsError
from .files import write_atomic
from .model import Trial
from .record import load_trial


def resolve_trial(
    spec: str,
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    cache_dir: Path | None = None,
) -> Trial:
    """A record file path, or an NCT number looked up in the cache and then the API."""
    if Path(spec).exists() or not looks_like_nct(spec):
        return load_trial(Path(spec))
    return load_trial(cached_record(spec, api_url=api_url, offline=offline, refresh=refresh, cache_dir=cache_dir))


def cached_record(
    spec: str,
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    cache_dir: Path | None = None,
) -> Path:
    """The cached record file for an NCT number, fetching it first when needed."""
    nct_id = normalise_nct(spec)
    cache = RecordCache(cache_dir)
    cached = cache.newest(nct_id)
    if cached and (offline or not refresh):
        return cached
    if offline:
        raise SheetsError(f"{nct_id}: not in the record cache ({cache.root}) and --offline forbids fetching it")
    with ClinicalTrialsClient(api_url) as client:
        return cache.put(nct_id, client.get_study(nct_id))


def fetch_records(
    nct_ids: Iterable[str],
    out_dir: Path,
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
    cache_dir: Path | None = None,
) -> list[Path]:
    """Save each study as ``OUT_DIR/NCT<number>.json`` for later offline use (and cache it)."""
    written = []
    for spec in nct_ids:
        path = cached_record(spec, api_url=api_url, offline=offline, refresh=refresh, cache_dir=cache_dir)
        trial = load_trial(path)  # a record we cannot read is not saved
        target = Path(out_dir) / f"{trial.nct_id}.json"
        write_atomic(target, path.read_bytes())
        written.append(target)
    return written
