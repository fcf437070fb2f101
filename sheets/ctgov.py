"""The ClinicalTrials.gov API v2 client: one study by NCT number, and paged searches.

Owns the network: timeouts, bounded retries with backoff on 429 and 5xx (``Retry-After``
honoured, capped), no redirects to another host, and one-line errors for a missing study,
a network that is down, or an answer that is not a study. It does not cache (cache.py) and
does not map records (record.py).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from . import __version__
from .errors import SheetsError

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
API_URL_VARIABLE = "SHEETS_API_URL"
_NCT = re.compile(r"NCT\d{8}")
MAX_RETRY_AFTER = 30.0


def normalise_nct(text: str) -> str:
    """ " nct07632209 " -> "NCT07632209"; anything else is refused with a clear message."""
    candidate = text.strip().upper()
    if not _NCT.fullmatch(candidate):
        raise SheetsError(f"{text.strip()[:40]!r} is not an NCT number (NCT followed by 8 digits)")
    return candidate


def looks_like_nct(text: str) -> bool:
    return bool(_NCT.fullmatch(text.strip().upper()))


def api_url(explicit: str | None = None) -> str:
    """The base URL: the option, else $SHEETS_API_URL, else ClinicalTrials.gov itself."""
    url = (explicit or os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL).rstrip("/")
    if urlsplit(url).scheme not in ("http", "https"):
        raise SheetsError(f"API address {url!r} must start with http:// or https://")
    return url


class ClinicalTrialsClient:
    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 15.0,
        retries: int = 3,
        backoff: float = 1.0,
    ):
        self.base_url = api_url(base_url)
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(
            timeout=timeout,
            follow_redirects=False,
            headers={"User-Agent": f"trial-sheets/{__version__}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ClinicalTrialsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_study(self, nct_id: str) -> dict[str, Any]:
        nct_id = normalise_nct(nct_id)
        data = self._get_json(f"{self.base_url}/studies/{nct_id}", {}, what=nct_id)
        if not isinstance(data, dict) or not isinstance(data.get("protocolSection"), dict):
            raise SheetsError(f"{nct_id}: the answer from {self.base_url} is not a study record")
        return data

    def search(
        self,
        *,
        condition: str | None = None,
        term: str | None = None,
        location: str | None = None,
        status: str | None = None,
        page_size: int = 100,
        max_studies: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Studies matching a search, following ``nextPageToken`` until the results end."""
        params = {
            key: value
            for key, value in (
                ("query.cond", condition), ("query.term", term), ("query.locn", location),
                ("filter.overallStatus", status), ("pageSize", str(page_size)),
            )  # fmt: skip
            if value
        }
        given = 0
        while True:
            page = self._get_json(f"{self.base_url}/studies", params, what="search")
            studies = page.get("studies") if isinstance(page, dict) else None
            if not isinstance(studies, list):
                raise SheetsError(f"search: the answer from {self.base_url} is not a list of studies")
            for study in studies:
                yield study
                given += 1
                if max_studies is not None and given >= max_studies:
                    return
            token = page.get("nextPageToken")
            if not token:
                return
            params = {**params, "pageToken": token}

    def _get_json(self, url: str, params: dict[str, str], *, what: str) -> Any:
        response = self._request(url, params, what=what)
        try:
            return response.json()
        except ValueError:
            raise SheetsError(f"{what}: the answer from {self.base_url} is not valid JSON") from None

    def _request(self, url: str, params: dict[str, str], *, what: str) -> httpx.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self._http.get(url, params=params)
            except httpx.TimeoutException:
                if attempt < self.retries:
                    time.sleep(self._delay(attempt, None))
                    continue
                raise SheetsError(f"{what}: {self.base_url} did not answer in time") from None
            except httpx.TransportError as error:
                raise SheetsError(f"{what}: cannot reach {self.base_url} ({error})") from None
            if response.is_redirect:
                url = self._same_host_redirect(response, what)
                params = {}
                continue
            if response.status_code == 429 or response.status_code >= 500:
                if attempt < self.retries:
                    time.sleep(self._delay(attempt, response.headers.get("Retry-After")))
                    continue
                raise SheetsError(
                    f"{what}: {self.base_url} is busy or failing (HTTP {response.status_code}); try again later"
                )
            if response.status_code == 404:
                raise SheetsError(f"{what}: no such study on {self.base_url}")
            if response.status_code >= 400:
                raise SheetsError(f"{what}: {self.base_url} refused the request (HTTP {response.status_code})")
            return response
        raise SheetsError(f"{what}: too many redirects from {self.base_url}")

    def _same_host_redirect(self, response: httpx.Response, what: str) -> str:
        target = urljoin(str(response.url), response.headers.get("Location", ""))
        if urlsplit(target).netloc != urlsplit(str(response.url)).netloc:
            raise SheetsError(f"{what}: refused a redirect from {self.base_url} to another host ({target})")
        return target

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), MAX_RETRY_AFTER)
            except ValueError:
                pass
        return self.backoff * (2**attempt)
