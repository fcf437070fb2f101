"""The API client against hostile servers on 127.0.0.1: every answer ends, in bounded time and
memory, in one line that names the record or the search.

Headers dripped a byte at a time, redirects and retries that add up, compression bombs, and
searches that never run out of pages (issue 15). The servers are real sockets; nothing in the
client is patched.
"""

from __future__ import annotations

import gzip
import itertools
import json
import subprocess
import sys
import time
import zlib
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from werkzeug import Response

from sheets.cli import main
from sheets.errors import SheetsError
from sheets.sources.ctgov import (
    MAX_SEARCH_PAGES,
    MAX_SEARCH_STUDIES,
    ClinicalTrialsClient,
    FetchError,
)
from sheets.sources.http_limits import STEP, inflate

pytest_plugins = ["conftest_fetch"]
pytestmark = pytest.mark.usefixtures("isolated_cache")

STUDY = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
PATH = "/api/v2/studies/NCT06171568"
MB = 1024 * 1024


def client(api: str, **kwargs) -> ClinicalTrialsClient:
    kwargs.setdefault("backoff", 0)
    return ClinicalTrialsClient(api, **kwargs)


def gzipped(chunks, level: int = 9) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return b"".join([*(packer.compress(chunk) for chunk in chunks), packer.flush()])


@cache
def bomb(encoding: str) -> bytes:
    """200 MB of zeros, compressed as ``encoding`` says (a few KB for ``gzip, gzip``)."""
    zeros = (bytes(MB) for _ in range(200))
    if encoding == "gzip":
        return gzipped(zeros, level=1)
    if encoding == "gzip, gzip":
        return gzipped([bomb("gzip")])
    assert encoding == "br"
    try:
        import brotli
    except ImportError:  # never decoded: any bytes will do
        return bytes(range(256)) * 100
    packer = brotli.Compressor(quality=1)
    return b"".join([*(packer.process(chunk) for chunk in zeros), packer.finish()])


# One deadline for everything asked for one answer


def drip_headers(connection, stop):
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Drip: ")
    while not stop.wait(0.2):
        connection.sendall(b"x")  # a header line that never ends, each byte within the timeout


def say_nothing(connection, stop):
    stop.wait(30)


def hint_forever(connection, stop):
    while not stop.wait(0.05):  # each a whole answer to read, none of them the last
        connection.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n")


@pytest.mark.parametrize(
    "handler, deadline",
    [(drip_headers, 2), (say_nothing, 1.5), (hint_forever, 1.5)],
    ids=["headers-dripped-a-byte-at-a-time", "connected-then-silent", "early-hints-forever"],
)
def test_a_server_that_never_finishes_its_headers_is_given_up_at_the_deadline(
    raw_server, handler, deadline
):
    api = raw_server(handler)
    started = time.monotonic()
    with (
        client(api, timeout=10, deadline=deadline, retries=2) as c,
        pytest.raises(FetchError) as caught,
    ):
        c.get_study("NCT06171568")
    took = time.monotonic() - started
    assert str(caught.value) == (
        f"NCT06171568: {api} did not answer in time (gave up after {deadline:g} seconds)"
    )
    assert deadline - 0.1 < took < deadline + 1.0, "no retry after the deadline"


def test_redirects_that_each_take_a_while_share_one_deadline(server, api):
    def slow_redirect(request):
        time.sleep(0.4)
        return Response("", status=302, headers={"Location": PATH})

    server.expect_request(PATH).respond_with_handler(slow_redirect)
    started = time.monotonic()
    with (
        client(api, deadline=1.5, retries=2) as c,
        pytest.raises(FetchError, match=r"did not answer in time \(gave up after 1.5 seconds\)$"),
    ):
        c.get_study("NCT06171568")
    assert time.monotonic() - started < 2.5
    assert len(server.log) < 6, "the deadline ends the chain before the redirect limit"
    time.sleep(0.4)  # the last slow answer, which no one waits for, is not the next test's


def test_retries_stop_when_their_wait_would_pass_the_deadline(server, api):
    server.expect_request(PATH).respond_with_data(
        "busy", status=503, headers={"Retry-After": "1"}
    )
    started = time.monotonic()
    with client(api, deadline=1.5, retries=10) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value) == f"NCT06171568: {api} is busy or failing (HTTP 503); try again later"
    assert time.monotonic() - started < 1.5
    asked = [response for _, response in server.log if response.status_code == 503]
    assert len(asked) == 2, "asked at 0 s and 1 s; a third try would start after 2 s"


# Compressed answers: gzip only, expanded in bounded steps


def test_a_gzip_answer_is_read_and_only_gzip_is_asked_for(server, api):
    server.expect_request(PATH).respond_with_data(
        gzip.compress(json.dumps(STUDY).encode()),
        headers={"Content-Encoding": "gzip"},
        content_type="application/json",
    )
    with client(api) as c:
        assert c.get_study("NCT06171568") == STUDY
    assert server.log[0][0].headers["Accept-Encoding"] == "gzip"


def test_gzip_inside_gzip_is_read(server, api):
    twice = gzip.compress(gzip.compress(json.dumps(STUDY).encode()))
    server.expect_request(PATH).respond_with_data(
        twice, headers={"Content-Encoding": "gzip, gzip"}, content_type="application/json"
    )
    with client(api) as c:
        assert c.get_study("NCT06171568") == STUDY


def test_inflate_never_expands_more_than_a_step_at_once():
    pieces = inflate([bomb("gzip, gzip")], ["gzip", "gzip"])
    assert all(len(piece) <= STEP for piece in itertools.islice(pieces, 100))


@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip"])
def test_a_gzip_bomb_is_refused_at_the_size_limit(server, api, encoding):
    server.expect_request(PATH).respond_with_data(
        bomb(encoding), headers={"Content-Encoding": encoding}, content_type="application/json"
    )
    started = time.monotonic()
    with client(api, max_bytes=MB) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value) == f"NCT06171568: the answer from {api} is larger than 1,048,576 bytes"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "encoding, problem",
    [
        ("br", "is compressed as 'br', which the client did not ask for"),
        ("zstd", "is compressed as 'zstd', which the client did not ask for"),
        ("deflate", "is compressed as 'deflate', which the client did not ask for"),
        ("gzip, gzip, gzip", "is compressed 3 times over"),
    ],
)
def test_an_encoding_not_asked_for_is_refused_undecoded(server, api, encoding, problem):
    body = bomb("br") if encoding == "br" else b"\x28\xb5\x2f\xfd" + bytes(100)
    server.expect_request(PATH).respond_with_data(
        body, headers={"Content-Encoding": encoding}, content_type="application/json"
    )
    with client(api) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value) == f"NCT06171568: the answer from {api} {problem}"


def test_a_broken_gzip_answer_is_one_line(server, api):
    server.expect_request(PATH).respond_with_data(
        b"\x1f\x8b\x08\x00" + bytes(range(256)), headers={"Content-Encoding": "gzip"}
    )
    with client(api) as c, pytest.raises(FetchError, match=r"from .* is not valid gzip$"):
        c.get_study("NCT06171568")


def test_an_error_answer_is_read_only_as_far_as_its_first_line(server, api):
    server.expect_ordered_request(PATH).respond_with_data(
        bomb("gzip, gzip"), status=503, headers={"Content-Encoding": "gzip, gzip"}
    )
    server.expect_ordered_request(PATH).respond_with_data(
        gzipped([b"Invalid request: bad study id\n", *(bytes(MB) for _ in range(100))], level=1),
        status=400,
        headers={"Content-Encoding": "gzip"},
    )
    with (
        client(api, retries=1) as c,
        pytest.raises(
            FetchError, match=r"refused the request \(HTTP 400: Invalid request: bad study id\)$"
        ),
    ):
        c.get_study("NCT06171568")
    assert [response.status_code for _, response in server.log] == [503, 400]


PEAK_MEMORY = """
import json, sys, time
from sheets.sources.ctgov import ClinicalTrialsClient, FetchError

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

with ClinicalTrialsClient(sys.argv[1], backoff=0, retries=0) as client:
    before, started = peak_mb(), time.monotonic()
    try:
        client.get_study("NCT06171568")
        said = "no error"
    except FetchError as error:
        said = str(error)
    took = time.monotonic() - started
print(json.dumps({"said": said, "seconds": took, "grew_mb": peak_mb() - before}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads VmHWM from /proc")
@pytest.mark.parametrize("encoding", ["gzip, gzip", "gzip", "br"])
def test_a_200_mb_bomb_costs_little_memory_at_the_default_limit(server, api, encoding):
    server.expect_request(PATH).respond_with_data(
        bomb(encoding), headers={"Content-Encoding": encoding}, content_type="application/json"
    )
    run = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, api],
        capture_output=True, text=True, timeout=60, cwd=ROOT, check=True,
    )  # fmt: skip
    measured = json.loads(run.stdout)
    problem = "is larger than 67,108,864 bytes" if "gzip" in encoding else "did not ask for"
    assert measured["said"].startswith(f"NCT06171568: the answer from {api} ")
    assert measured["said"].endswith(problem)
    assert measured["seconds"] < 5
    assert measured["grew_mb"] < 100, "at most the 64 MB limit, never the 200 MB expanded"


def test_the_command_says_one_line_and_exits_1_for_a_bomb(server, api, tmp_path):
    server.expect_request(PATH).respond_with_data(
        bomb("gzip, gzip"), headers={"Content-Encoding": "gzip, gzip"}
    )
    result = CliRunner().invoke(
        main, ["fetch", "NCT06171568", "--api-url", api, "-o", str(tmp_path)]
    )
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: NCT06171568: the answer from {api} is larger than 67,108,864 bytes"
    ]
    assert list(tmp_path.iterdir()) == []


# Searches that never run out of pages


def test_a_search_that_always_offers_another_page_is_cut_short(server, api):
    tokens = itertools.count()

    def endless(request):
        page = {"studies": [STUDY], "nextPageToken": f"t{next(tokens)}"}
        return Response(json.dumps(page), content_type="application/json")

    server.expect_request("/api/v2/studies").respond_with_handler(endless)
    found = []
    with client(api) as c, pytest.raises(FetchError) as caught:
        found.extend(c.search(term="x"))
    assert str(caught.value) == (
        f"search: the search was cut short after {MAX_SEARCH_PAGES} studies on"
        f" {MAX_SEARCH_PAGES} pages, and more remain: narrow it (by condition, place, status or"
        " date) or ask for a number with max= (up to 1,000,000)"
    )
    assert len(found) == len(server.log) == MAX_SEARCH_PAGES


def test_a_search_finding_more_than_the_cap_is_cut_short_at_the_cap(server, api):
    tiny = {"protocolSection": {}}
    tokens = itertools.count()

    def full_pages(request):
        page = {"studies": [tiny] * 1000, "nextPageToken": f"t{next(tokens)}"}
        return Response(json.dumps(page), content_type="application/json")

    server.expect_request("/api/v2/studies").respond_with_handler(full_pages)
    found = []
    with client(api) as c, pytest.raises(FetchError, match="cut short after 10,000 studies"):
        found.extend(c.search(term="x", page_size=1000))
    assert len(found) == MAX_SEARCH_STUDIES == 10_000
    assert len(server.log) == 10


def test_a_search_asking_for_fewer_than_the_cap_ends_quietly_at_its_maximum(server, api):
    server.expect_request("/api/v2/studies").respond_with_json(
        {"studies": [STUDY] * 3, "nextPageToken": "more"}
    )
    with client(api) as c:
        assert len(list(c.search(term="x", page_size=3, max_studies=3))) == 3


def test_asking_for_more_than_the_cap_is_refused_before_any_request(server, api):
    with (
        client(api) as c,
        pytest.raises(SheetsError, match="at most 1,000,000 studies can be asked for, not 2,000,000"),
    ):
        list(c.search(term="x", max_studies=2_000_000))
    assert server.log == []


@pytest.mark.parametrize("token", [7, ["t"], "t" * 5000], ids=["number", "list", "too-long"])
def test_an_unusable_page_token_ends_the_search_with_one_line(server, api, token):
    server.expect_request("/api/v2/studies").respond_with_json(
        {"studies": [STUDY], "nextPageToken": token}
    )
    found = []
    with client(api) as c, pytest.raises(FetchError) as caught:
        found.extend(c.search(term="x"))
    assert str(caught.value) == (
        f"search: {api} gave an unusable page token; the search was cut short after 1 study"
    )
    assert len(found) == len(server.log) == 1
