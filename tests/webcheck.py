"""Running the web page as a user meets it: `sheets serve` in its own process, a stand-in
registry on 127.0.0.1, Debian's chromium driven by Playwright, and axe-core from npm.

Nothing here reaches the internet. Under ``CI=true`` a missing browser or axe-core fails the
test that needs it; elsewhere it is skipped with the command that installs it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from conftest import DATA, ROOT
from pytest_httpserver import HTTPServer

CHROMIUM = Path(os.environ.get("SHEETS_CHROMIUM", "/usr/bin/chromium"))
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
UNKNOWN = "NCT00000000"  # the registry has no such study: 404
REGISTRY_DOWN = "NCT99999999"  # the registry answers 503 for it, every time


def missing(what: str, how: str) -> None:
    """A missing part fails the test under CI and skips it elsewhere."""
    message = f"{what} is missing: {how}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def chromium_path() -> str:
    if not CHROMIUM.is_file():
        missing(f"the browser ({CHROMIUM})", "run `make test`, or apt-get install chromium")
    return str(CHROMIUM)


def axe_path() -> Path:
    if not AXE.is_file():
        missing(f"axe-core ({AXE})", "run `make test`, or npm ci in the checkout")
    return AXE


@contextmanager
def registry() -> Iterator[str]:
    """A stand-in for ClinicalTrials.gov on 127.0.0.1 serving every test record; gives its
    API v2 address. UNKNOWN is a 404; REGISTRY_DOWN a 503 (with Retry-After: 0, so the
    client's retries take no time)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        for path in sorted((DATA / "records").glob("*.json")):
            study = json.loads(path.read_text("utf-8"))
            server.expect_request(f"/api/v2/studies/{path.stem}").respond_with_json(study)
        server.expect_request(f"/api/v2/studies/{UNKNOWN}").respond_with_data("Not Found", status=404)
        server.expect_request(f"/api/v2/studies/{REGISTRY_DOWN}").respond_with_data(
            "maintenance", status=503, headers={"Retry-After": "0"}
        )
        yield server.url_for("/api/v2")
    finally:
        server.clear()
        server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(*args: str, cache: Path) -> Iterator[str]:
    """`sheets serve ARGS` on a free port of 127.0.0.1, with its record cache in ``cache``;
    gives its address once the home page answers, and stops it as Ctrl-C does after."""
    port = free_port()
    env = {**os.environ, "SHEETS_CACHE_DIR": str(cache)}
    env.pop("SHEETS_API_URL", None)
    command = [str(Path(sys.executable).parent / "sheets"), "serve", "--port", str(port), *args]
    log = cache.with_name(cache.name + "-serve.log")
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"`sheets serve` stopped: {log.read_text()}")
            try:
                if httpx.get(url + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("`sheets serve` did not answer within 60 seconds")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail("`sheets serve` did not stop within 20 seconds of Ctrl-C")
        assert "Traceback" not in log.read_text(), log.read_text()


def client_from(address: str, base_url: str, **kwargs) -> httpx.Client:
    """An HTTP client whose requests come from ``address`` (127.0.0.x): a client of its own
    to the server's rate limit."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=base_url, transport=transport, timeout=120, **kwargs)


class Elements(HTMLParser):
    """Every start tag of a page, with its attributes, and the text of its elements by id."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]
