"""The page's limits and headers: how many sheets a client may ask for, and what a browser
may load.

- Rate: each client address has a bucket of ``per_minute`` requests that refills over a
  minute; a request that finds it empty is answered 429 with the seconds to wait. Only
  requests that make a sheet or fetch a record count (PDF, preview, JSON); the home page and
  its stylesheet do not. Behind a proxy every client shares the proxy's address: give the
  proxy its own limit. The table of addresses is bounded, so a crowd cannot grow it forever.
- Headers: a strict Content-Security-Policy (no script at all, styles and fonts only from the
  page itself, forms only to it, never framed), no MIME sniffing, no referrer.
"""

from __future__ import annotations

import math
import time

from sheets.errors import SheetsError

MAX_CLIENTS = 10_000
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class TooMany(SheetsError):
    """A client asked for more sheets than its rate allows (HTTP 429)."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(f"too many sheets asked for at once; try again in {retry_after} seconds")


class RateLimit:
    """A token bucket per client address: ``per_minute`` at once, refilled over a minute."""

    def __init__(self, per_minute: int):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.buckets: dict[str, tuple[float, float]] = {}  # address -> (tokens, when)

    def take(self, client: str, now: float | None = None) -> None:
        """Spend one request of ``client``'s, or raise `TooMany` with the seconds to wait."""
        now = time.monotonic() if now is None else now
        tokens, then = self.buckets.get(client, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        if tokens < 1:
            self.buckets[client] = (tokens, now)
            raise TooMany(max(1, math.ceil((1 - tokens) / self.rate)))
        self.buckets[client] = (tokens - 1, now)
        if len(self.buckets) > MAX_CLIENTS:
            self._forget(now)

    def _forget(self, now: float) -> None:
        """Drop the clients whose buckets are full again, then, if still too many, the
        longest quiet."""
        full = [c for c, (t, when) in self.buckets.items() if t + (now - when) * self.rate >= self.capacity]
        for client in full:
            del self.buckets[client]
        if len(self.buckets) > MAX_CLIENTS:
            by_age = sorted(self.buckets, key=lambda c: self.buckets[c][1])
            for client in by_age[: len(by_age) // 2]:
                del self.buckets[client]
