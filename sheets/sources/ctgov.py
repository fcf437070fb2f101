"""The ClinicalTrials.gov API v2 client: one study by NCT number, and paged searches.

Owns the network and nothing else: it does not cache (cache.py), does not map records onto
`Trial` (record.py) and does not decide between a file and a number (sources.py).

The rules it keeps:

- Timeouts: ``timeout`` bounds each connect and each read; ``deadline`` bounds everything
  asked for one answer (connecting, headers, body, every redirect, retry and wait between
  them), so a server that drips bytes, even its headers, cannot hold a command forever.
  The socket-level bound lives in http_limits.py.
- Retries: 429 and 5xx answers, timeouts and dropped connections are tried again, at most
  ``retries`` more times, after ``backoff * 2**n`` seconds or the server's ``Retry-After``
  (seconds or an HTTP date), never longer than ``max_delay`` nor past the deadline. A
  connection that cannot be made at all (network down, no such host) fails at once:
  retrying would only make the user wait for the same answer.
- Redirects: followed only on the same host (same scheme, host and port, or the same host
  moving from http to https), at most ``MAX_REDIRECTS``; a redirect to another host is
  refused, so a mirror cannot send the client somewhere the user did not choose.
- Answers: at most ``max_bytes``, counted as they are decompressed (gzip only: a small
  compressed answer can expand a thousandfold); a body that is not JSON, or not the study
  asked for, is refused with one line that names the record. Of an error answer only the
  start is read, and only its first printable line is ever shown.
- Searches: yielded page by page as the caller reaches them, never collected. At most
  ``MAX_SEARCH_STUDIES`` studies and ``MAX_SEARCH_PAGES`` pages unless the caller asks for
  more (``max_studies``, up to ``MAX_ASKED_STUDIES``: "all recruiting", a month's changes),
  and a page token seen before ends the paging: a server that always offers another page
  cannot keep a batch asking forever. A search cut short says so, and how to narrow or raise
  it. ``updated_since``/``updated_until`` ask only for studies whose record changed in that
  date range (``filter.advanced=AREA[LastUpdatePostDate]RANGE[...]``), for a nightly run.
"""

from __future__ import annotations

import email.utils
import math
import os
import re
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from sheets.errors import RecordError, SheetsError
from sheets.version import __version__

if TYPE_CHECKING:  # httpx is imported where a request is made: a sheet made from a file never
    import httpx  # loads the HTTP stack (about 0.1 s of a cold `sheets make`)

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
API_URL_VARIABLE = "SHEETS_API_URL"
MAX_REDIRECTS = 5
MAX_PAGE_SIZE = 1000  # the API's own limit for pageSize
MAX_SEARCH_STUDIES = 10_000  # unless asked for more: more than most batches of printed sheets
MAX_SEARCH_PAGES = 200  # 10,000 studies at the default page size, with room for short pages
MAX_ASKED_STUDIES = 1_000_000  # max_studies at most: more than the whole registry (560,000)
MAX_PAGE_TOKEN = 2000  # characters: the API's tokens are a few dozen
ERROR_BODY_BYTES = 4096  # of an error answer, enough for its first line
_NCT = re.compile(r"NCT\d{8}")


class FetchError(SheetsError):
    """The API could not be asked or did not answer usefully (network, timeout, busy server).

    Unlike a `RecordError` this says nothing about the record itself: trying again later,
    or with ``--offline`` and a cached copy, may work.
    """

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from (source, problem), not from the one-line message: a batch worker's
        # error crosses to the main process by pickling.
        return type(self), (self.source, self.problem), self.__dict__


def normalise_nct(text: str) -> str:
    """``" nct07632209 "`` -> ``"NCT07632209"``; anything else is a `RecordError`."""
    candidate = text.strip().upper()
    if not _NCT.fullmatch(candidate):
        shown = text.strip()[:40] or repr(text)
        raise RecordError(shown, "this is not an NCT number (NCT followed by 8 digits)")
    return candidate


def looks_like_nct(text: str) -> bool:
    return bool(_NCT.fullmatch(text.strip().upper()))


def api_url(explicit: str | None = None) -> str:
    """The base URL: the option, else ``$SHEETS_API_URL``, else ClinicalTrials.gov itself."""
    url = (explicit or os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SheetsError(f"API address {url!r} must be an http:// or https:// address")
    return url


class ClinicalTrialsClient:
    """A client for one API base URL; use it as a context manager so connections close."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 15.0,
        deadline: float = 60.0,
        retries: int = 2,
        backoff: float = 1.0,
        max_delay: float = 30.0,
        max_bytes: int = 64 * 1024 * 1024,
    ):
        self.base_url = api_url(base_url)
        self.deadline = deadline
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_delay = max_delay
        self.max_bytes = max_bytes
        import httpx

        from sheets.sources.http_limits import ACCEPT_ENCODING, DeadlineBackend, DeadlineTransport

        self._sockets = DeadlineBackend()
        self._http = httpx.Client(
            timeout=timeout,
            transport=DeadlineTransport(self._sockets),
            follow_redirects=False,  # decided hop by hop in _follow
            headers={
                "User-Agent": f"trial-sheets/{__version__}",
                "Accept": "application/json",
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ClinicalTrialsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get_study(self, nct_id: str) -> dict[str, Any]:
        """The API v2 study object for one NCT number (any case, spaces allowed)."""
        nct_id = normalise_nct(nct_id)
        status, body = self._get(f"{self.base_url}/studies/{nct_id}", {}, what=nct_id)
        if status == 404:
            raise RecordError(nct_id, f"no such study on {self.base_url}")
        data = self._json(status, body, what=nct_id, error=RecordError)
        protocol = data.get("protocolSection") if isinstance(data, dict) else None
        if not isinstance(protocol, dict):
            raise RecordError(nct_id, f"the answer from {self.base_url} is not a study record")
        ident = protocol.get("identificationModule")
        answered = str(ident.get("nctId", "") if isinstance(ident, dict) else "").strip().upper()
        if answered != nct_id:
            shown = _printable(answered[:20]) or "a study without an NCT number"
            raise RecordError(nct_id, f"{self.base_url} answered with {shown}, not this study")
        return data

    def search(
        self,
        *,
        condition: str | None = None,
        term: str | None = None,
        location: str | None = None,
        status: str | Iterable[str] | None = None,
        updated_since: date | None = None,
        updated_until: date | None = None,
        page_size: int = 100,
        max_studies: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Study objects matching a search, page after page, until the results or max_studies end.

        ``condition``, ``term`` and ``location`` are the API's ``query.cond``, ``query.term``
        and ``query.locn``; ``status`` is one overall status code or several
        (``filter.overallStatus``, e.g. ``["RECRUITING", "NOT_YET_RECRUITING"]``);
        ``updated_since`` and ``updated_until`` (inclusive) bound the record's last update
        (``filter.advanced``).

        ``max_studies`` is at most `MAX_ASKED_STUDIES`. Without it, a search that finds more
        than `MAX_SEARCH_STUDIES`, or still offers pages after `MAX_SEARCH_PAGES` (with it:
        twice the pages its studies need), ends in a `FetchError` that says it was cut short,
        after the studies already given.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise SheetsError(f"search: page size must be 1 to {MAX_PAGE_SIZE}, not {page_size}")
        if max_studies is not None and max_studies > MAX_ASKED_STUDIES:
            problem = f"at most {MAX_ASKED_STUDIES:,} studies can be asked for, not {max_studies:,}"
            raise SheetsError(f"search: {problem}; narrow the search instead")
        statuses = [status] if isinstance(status, str) else list(status or ())
        wanted = ",".join(s.strip().upper() for s in statuses if s.strip())
        asked = {
            "query.cond": condition,
            "query.term": term,
            "query.locn": location,
            "filter.overallStatus": wanted,
            "filter.advanced": updated_range(updated_since, updated_until),
            "pageSize": str(page_size),
        }
        params = {key: value for key, value in asked.items() if value}
        limit = MAX_SEARCH_STUDIES if max_studies is None else max_studies
        max_pages = max(MAX_SEARCH_PAGES, 2 * math.ceil(limit / page_size))
        given, pages, seen_tokens = 0, 0, set[str]()
        while given < limit:
            studies, token = self._page(params)
            pages += 1
            room = limit - given
            for study in studies[:room]:
                yield study
                given += 1
            more = (bool(token) and bool(studies)) or len(studies) > room
            if not more or (given >= limit and max_studies is not None):
                return
            if given >= limit or pages >= max_pages:
                problem = (
                    f"the search was cut short after {_studies(given)} on {pages} pages, and more"
                    " remain: narrow it (by condition, place, status or date) or ask for a"
                    f" number with max= (up to {MAX_ASKED_STUDIES:,})"
                )
                raise FetchError("search", problem)
            cut = f"the search was cut short after {_studies(given)}"
            if not isinstance(token, str) or len(token) > MAX_PAGE_TOKEN:
                raise FetchError("search", f"{self.base_url} gave an unusable page token; {cut}")
            if token in seen_tokens:
                raise FetchError("search", f"{self.base_url} repeated a page token; {cut}")
            seen_tokens.add(token)
            params = {**params, "pageToken": token}

    def _page(self, params: dict[str, str]) -> tuple[list[dict[str, Any]], object]:
        """One page of a search: its studies and the token of the next page, if any."""
        code, body = self._get(f"{self.base_url}/studies", params, what="search")
        if code == 404:
            problem = f"{self.base_url} has no study search (HTTP 404): check the API address"
            raise FetchError("search", problem)
        page = self._json(code, body, what="search", error=FetchError)
        studies = page.get("studies") if isinstance(page, dict) else None
        if not isinstance(studies, list) or not all(isinstance(s, dict) for s in studies):
            problem = f"the answer from {self.base_url} is not a list of studies"
            raise FetchError("search", problem)
        return studies, page.get("nextPageToken")

    def _json(self, status: int, body: bytearray, *, what: str, error: type[SheetsError]) -> Any:
        """The parsed answer; an HTTP error or a body that is not JSON is ``error``."""
        if status >= 400:
            said = _first_line(body)
            detail = f"HTTP {status}: {said}" if said else f"HTTP {status}"
            raise FetchError(what, f"{self.base_url} refused the request ({detail})")
        from sheets.sources.limits import parse_json

        try:  # the limits every record meets: depth, number length, lone surrogates
            return parse_json(bytes(body), what)
        except RecordError as refused:
            raise error(what, f"the answer from {self.base_url} is not usable: {refused.problem}") from None

    def _get(self, url: str, params: dict[str, str], *, what: str) -> tuple[int, bytearray]:
        """(status, body) of the final answer, after retries and same-host redirects, all of
        them within one deadline."""
        import httpx

        failures = 0
        with self._sockets.deadline(self.deadline) as stop_at:
            while True:
                try:
                    status, headers, body = self._follow(url, params, what=what, stop_at=stop_at)
                except httpx.TimeoutException:
                    problem, retry_after = f"{self.base_url} did not answer in time", None
                    if time.monotonic() >= stop_at:
                        raise FetchError(
                            what, f"{problem} (gave up after {self.deadline:g} seconds)"
                        ) from None
                except (httpx.RemoteProtocolError, httpx.ReadError):
                    problem, retry_after = f"{self.base_url} dropped the connection", None
                except httpx.TransportError as error:
                    problem = f"cannot reach {self.base_url} ({_reason(error)})"
                    raise FetchError(what, problem) from None
                else:
                    if status != 429 and status < 500:
                        return status, body
                    problem = f"{self.base_url} is busy or failing (HTTP {status}); try again later"
                    retry_after = headers.get("Retry-After")
                wait = retry_delay(
                    failures, retry_after, backoff=self.backoff, max_delay=self.max_delay
                )
                if failures >= self.retries or time.monotonic() + wait >= stop_at:
                    raise FetchError(what, problem)
                time.sleep(wait)
                failures += 1

    def _follow(
        self, url: str, params: dict[str, str], *, what: str, stop_at: float
    ) -> tuple[int, httpx.Headers, bytearray]:
        for _ in range(MAX_REDIRECTS + 1):
            with self._http.stream("GET", url, params=params) as response:
                if not response.is_redirect:  # a redirect's body is never read
                    body = self._body(response, what, stop_at)
                    return response.status_code, response.headers, body
                url, params = self._redirect_target(response, what), {}
        raise FetchError(what, f"too many redirects from {self.base_url}")

    def _body(self, response: httpx.Response, what: str, stop_at: float) -> bytearray:
        """The body within max_bytes and the deadline; of an error answer, only its start."""
        from sheets.sources.http_limits import BodyRefused, read_body

        failed = response.status_code >= 400  # still its status, retried if it can be
        limit = ERROR_BODY_BYTES if failed else self.max_bytes
        try:
            return read_body(response, limit=limit, stop_at=stop_at, cut=failed)
        except BodyRefused as error:
            raise FetchError(what, f"the answer from {self.base_url} {error}") from None

    def _redirect_target(self, response: httpx.Response, what: str) -> str:
        import httpx

        target = urljoin(str(response.url), response.headers.get("Location", ""))
        try:
            here, there = _origin(str(response.url)), _origin(target)
        except (httpx.InvalidURL, ValueError):
            raise FetchError(what, f"{self.base_url} redirected to an invalid address") from None
        upgrade = here[0] == "http" and there == ("https", here[1], 443)
        if not (there == here or upgrade):
            shown = _printable(target[:200])
            problem = f"refused a redirect from {self.base_url} to another host ({shown})"
            raise FetchError(what, problem)
        return target


def updated_range(since: date | None, until: date | None) -> str:
    """The API's filter for a record last updated from ``since`` to ``until`` (inclusive;
    either end open), or "" for no bound."""
    if since is None and until is None:
        return ""
    low = since.isoformat() if since else "MIN"
    high = until.isoformat() if until else "MAX"
    return f"AREA[LastUpdatePostDate]RANGE[{low},{high}]"


def retry_delay(
    failures: int, retry_after: str | None, *, backoff: float, max_delay: float
) -> float:
    """Seconds to wait before the next try: the server's ``Retry-After`` if it gave a usable
    one, else ``backoff * 2**failures``; never below 0 or above ``max_delay``."""
    wait = backoff * 2**failures
    asked = _seconds_from_retry_after(retry_after) if retry_after else None
    if asked is not None:
        wait = asked
    return min(max(wait, 0.0), max_delay)


def _seconds_from_retry_after(value: str) -> float | None:
    """``Retry-After`` is delay-seconds or an HTTP date; None when it is neither."""
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    return seconds if math.isfinite(seconds) else None


def _origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the default port filled in, to compare two addresses."""
    parts = urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if default is None or not parts.hostname:
        raise ValueError(url)
    return parts.scheme, parts.hostname.lower(), parts.port or default


def _studies(count: int) -> str:
    return f"{count:,} study" if count == 1 else f"{count:,} studies"


def _first_line(body: bytearray) -> str:
    """The start of an error answer (the API explains a bad query in plain text)."""
    text = body[:400].decode("utf-8", "replace").strip()
    return _printable(text.splitlines()[0][:150]) if text and not text.startswith("<") else ""


def _printable(text: str) -> str:
    """Server-given text without control characters, safe to put in a message for a terminal."""
    return "".join(ch for ch in text if ch.isprintable())


def _reason(error: httpx.TransportError) -> str:
    text = str(error).strip() or type(error).__name__
    return _printable(text.splitlines()[0][:200])
