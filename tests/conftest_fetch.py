"""Fixtures for the record-fetching tests: a stand-in for ClinicalTrials.gov on 127.0.0.1.

Loaded with ``pytest_plugins = ["conftest_fetch"]``. Nothing here reaches the internet and
nothing patches the HTTP client: the servers are real (pytest-httpserver) and answer with
responses the tests build from the real records in tests/data/records. Answers no HTTP
library would send (headers dripped a byte at a time) come from `raw_server`, a bare socket.

Fixtures only, none autouse, so no other module's tests are touched: each fetch test module
marks itself with ``pytestmark = pytest.mark.usefixtures("isolated_cache")``. (A module
named in ``pytest_plugins`` cannot also be imported by the tests, or pytest warns that it
cannot rewrite its asserts.)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer


@pytest.fixture()
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The record cache in a temporary folder, and an API address that is not the internet.

    A test that forgets to name its server then fails at once on a closed local port
    instead of asking ClinicalTrials.gov.
    """
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("SHEETS_CACHE_DIR", str(folder))
    monkeypatch.setenv("SHEETS_API_URL", "http://127.0.0.1:9/no-network-in-tests")
    return folder


@pytest.fixture()
def server(httpserver_ipv4: HTTPServer) -> HTTPServer:
    """The stand-in API server on 127.0.0.1; its ``log`` lists every request it got."""
    return httpserver_ipv4


@pytest.fixture()
def api(server: HTTPServer) -> str:
    """The stand-in's API v2 base URL, as --api-url or $SHEETS_API_URL would give it."""
    return server.url_for("/api/v2")


@pytest.fixture(scope="session")
def _other_host_server() -> Iterator[HTTPServer]:
    other = HTTPServer(host="127.0.0.1", port=0)
    other.start()
    yield other
    other.clear()
    other.stop()


@pytest.fixture()
def other_host(_other_host_server: HTTPServer) -> HTTPServer:
    """A second server, reached as ``localhost`` (another host name) on another port."""
    _other_host_server.clear()
    return _other_host_server


Handler = Callable[[socket.socket, threading.Event], None]


@pytest.fixture()
def raw_server() -> Iterator[Callable[[Handler], str]]:
    """Start a bare TCP server on 127.0.0.1: ``raw_server(handler)`` gives its API base URL.

    Each connection runs ``handler(connection, stop)`` in a thread, after the request's
    headers are read; ``stop`` is set when the test ends, so a handler that waits with
    ``stop.wait(seconds)`` ends with it. A client that hangs up ends the handler too.
    """
    stop = threading.Event()
    threads: list[threading.Thread] = []
    listeners: list[socket.socket] = []

    def serve(connection: socket.socket, handler: Handler) -> None:
        with connection:
            try:
                connection.settimeout(5)
                request = b""
                while b"\r\n\r\n" not in request and len(request) < 65536:
                    got = connection.recv(4096)
                    if not got:
                        return
                    request += got
                handler(connection, stop)
            except OSError:  # the client gave up: that is what these servers are for
                pass

    def accept(listener: socket.socket, handler: Handler) -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=serve, args=(connection, handler), daemon=True)
            threads.append(thread)
            thread.start()

    def start(handler: Handler) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(0.1)
        listeners.append(listener)
        thread = threading.Thread(target=accept, args=(listener, handler), daemon=True)
        threads.append(thread)
        thread.start()
        return f"http://127.0.0.1:{listener.getsockname()[1]}/api/v2"

    yield start
    stop.set()
    for listener in listeners:
        listener.close()
    for thread in threads:
        thread.join(timeout=5)
