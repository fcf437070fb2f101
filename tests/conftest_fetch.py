"""Fixtures for the record-fetching tests: a stand-in for ClinicalTrials.gov on 127.0.0.1.

Loaded with ``pytest_plugins = ["conftest_fetch"]``. Nothing here reaches the internet and
nothing patches the HTTP client: the servers are real (pytest-httpserver) and answer with
responses the tests build from the real records in tests/data/records.

Fixtures only, none autouse, so no other module's tests are touched: each fetch test module
marks itself with ``pytestmark = pytest.mark.usefixtures("isolated_cache")``. (A module
named in ``pytest_plugins`` cannot also be imported by the tests, or pytest warns that it
cannot rewrite its asserts.)
"""

from __future__ import annotations

from collections.abc import Iterator
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
