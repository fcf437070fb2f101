"""Limits the API client keeps below httpx: one deadline for a whole request, and bodies
decompressed in bounded steps.

httpx cannot keep either by itself. Its timeouts are per socket operation, so a read timeout
starts again with every byte: a server that drips its headers a byte a second holds a request
forever. And it decodes each chunk it receives whole: 6.8 KB of ``gzip, gzip`` is 2 GB in one
call, before any size limit can look at it. So:

- `DeadlineTransport` is httpx's own transport on a `DeadlineBackend`, which gives every
  connect, TLS handshake, read and write at most the time left before the request's deadline.
  (A proxy taken from the environment uses httpx's own transport: there the client's check
  between body chunks is the only overall bound.)
- `read_body` reads the raw bytes and decodes them with `inflate`: gzip (once, or nested up
  to `MAX_ENCODINGS` times) in pieces of at most `STEP` bytes, so it stops at its size limit
  before anything more is expanded. Only gzip is asked for (`ACCEPT_ENCODING`); any other
  encoding (br, zstd, deflate) is refused rather than decoded.

Imported only when a request is made, with httpx.
"""

from __future__ import annotations

import math
import threading
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

ACCEPT_ENCODING = "gzip"
MAX_ENCODINGS = 2  # gzip inside gzip is legal HTTP; more layers is only an attack
STEP = 64 * 1024  # the most one decoding step expands into memory


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sockets, each operation cut to the time left before the current deadline.

    The client sets a deadline around each request with `deadline`; each thread has its own.
    """

    def __init__(self) -> None:
        self._sockets = httpcore.SyncBackend()
        self._current = threading.local()

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[float]:
        """Socket operations inside end within ``seconds``; yields the monotonic stop time."""
        self._current.stop_at = stop_at = time.monotonic() + seconds
        try:
            yield stop_at
        finally:
            self._current.stop_at = math.inf

    def time_left(self, timeout: float | None) -> float:
        """The operation's own timeout, or less when the deadline is nearer; none left raises."""
        left = getattr(self._current, "stop_at", math.inf) - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("the request took longer than its deadline")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._sockets.connect_tcp(
            host, port, self.time_left(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream, self)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._sockets.connect_unix_socket(path, self.time_left(timeout), socket_options)
        return _DeadlineStream(stream, self)

    def sleep(self, seconds: float) -> None:
        self._sockets.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, backend: DeadlineBackend):
        self._stream = stream
        self._backend = backend

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._backend.time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._backend.time_left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        secured = self._stream.start_tls(
            ssl_context, server_hostname, self._backend.time_left(timeout)
        )
        return _DeadlineStream(secured, self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport (its request mapping and errors) with its pool on a `DeadlineBackend`.

    httpx has no public way to choose the network backend, so the pool it built is replaced;
    the check below fails loudly, rather than silently losing the deadline, if httpx changes.
    """

    def __init__(self, backend: DeadlineBackend):
        ssl_context = httpx.create_ssl_context()
        super().__init__(verify=ssl_context)
        if not isinstance(getattr(self, "_pool", None), httpcore.ConnectionPool):
            raise RuntimeError("this httpx keeps its connection pool elsewhere; update http_limits")
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context, keepalive_expiry=5.0, network_backend=backend
        )


class BodyRefused(ValueError):
    """A body too large or not safely decodable; the message completes "the answer from X"."""


def read_body(
    response: httpx.Response, *, limit: int, stop_at: float, cut: bool = False
) -> bytearray:
    """The body, decompressed as it streams, refused once it passes ``limit`` bytes (before or
    after decompressing), and `httpx.ReadTimeout` once past ``stop_at`` (time.monotonic()).

    With ``cut``, a body too long or not decodable is cut short instead: enough to quote the
    start of an error answer. Never httpx's ``read()``, which expands a whole chunk at once.
    """
    too_large = f"is larger than {limit:,} bytes"

    def received() -> Iterator[bytes]:
        size = 0
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > limit and not cut:
                raise BodyRefused(too_large)
            if time.monotonic() > stop_at:  # the backend's bound, kept for a proxy's transport
                raise httpx.ReadTimeout("the answer took longer than the deadline")
            yield chunk
            if size > limit:
                return

    body = bytearray()
    encodings = response.headers.get_list("Content-Encoding", split_commas=True)
    try:
        for piece in inflate(received(), encodings):
            if len(body) + len(piece) > limit:
                if not cut:
                    raise BodyRefused(too_large)
                body += piece[: limit - len(body)]
                break
            body += piece
    except BodyRefused:
        if not cut:
            raise
    return body


def inflate(chunks: Iterable[bytes], encodings: Sequence[str]) -> Iterator[bytes]:
    """The body of a response with these ``Content-Encoding`` values, decoded as it streams,
    in pieces of at most `STEP` bytes (raw chunks pass through as they came)."""
    layers = _decoders(encodings)
    layers.reverse()  # the encoding applied last is undone first
    for chunk in chunks:
        yield from _through(layers, chunk)


def _decoders(encodings: Sequence[str]) -> list[Any]:
    names = [name.strip().lower() for name in encodings]
    names = [name for name in names if name not in ("", "identity")]
    for name in names:
        if name not in ("gzip", "x-gzip"):
            shown = "".join(ch for ch in name[:30] if ch.isprintable())
            raise BodyRefused(f"is compressed as {shown!r}, which the client did not ask for")
    if len(names) > MAX_ENCODINGS:
        raise BodyRefused(f"is compressed {len(names)} times over")
    return [zlib.decompressobj(16 + zlib.MAX_WBITS) for _ in names]


def _through(layers: list[Any], data: bytes) -> Iterator[bytes]:
    """``data`` through each decoder in turn, never more than `STEP` bytes out of one step."""
    if not layers:
        if data:
            yield data
        return
    decoder, rest = layers[0], layers[1:]
    while not decoder.eof:  # bytes after the end of the stream are ignored, as httpx does
        try:
            out = decoder.decompress(data, STEP)
        except zlib.error:
            raise BodyRefused("is not valid gzip") from None
        data = decoder.unconsumed_tail
        if out:
            yield from _through(rest, out)
        if not data and len(out) < STEP:
            return
