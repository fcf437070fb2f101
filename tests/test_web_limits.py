"""The web page under load: a full queue answers 503 at once, a client over its rate 429, a
render over its time limit or a worker that dies fails that request alone, and a worker's
`SheetsError` reaches the page whole. A small server (one worker, a queue of one, five sheets
a minute) serves the module; the pool's own tests drive a real pool of real processes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import DATA
from webcheck import client_from, running_server

from sheets import SheetOptions
from sheets.deadline import SheetTimeout
from sheets.errors import RecordError
from sheets.sources.record import trial_from_bytes
from sheets.web.pool import RenderPool, Unavailable

BIG = (DATA / "records" / "NCT04267848.json").read_bytes()  # about a second to render
TINY = (DATA / "records" / "NCT03453554.json").read_bytes()


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    cache = tmp_path_factory.mktemp("web-limits-cache")
    args = ("--workers", "1", "--queue", "1", "--rate-limit", "5", "--offline")
    with running_server(*args, cache=cache) as url:
        yield url


def test_a_full_queue_answers_503_with_retry_after_at_once_not_a_hang(small_site):
    def post() -> tuple[httpx.Response, float]:
        start = time.perf_counter()
        with client_from("127.0.0.3", small_site) as client:
            return client.post("/sheets", content=BIG), time.perf_counter() - start

    with ThreadPoolExecutor(4) as threads:
        answers = list(threads.map(lambda _: post(), range(4)))
    statuses = sorted(answer.status_code for answer, _ in answers)
    assert statuses.count(503) >= 1 and statuses.count(200) >= 2, statuses
    for answer, seconds in answers:
        if answer.status_code == 503:
            assert int(answer.headers["retry-after"]) >= 1
            assert answer.json()["error"].startswith("the server is busy making other sheets; try again in")
            assert seconds < 1.0, "a full queue answers at once"
        else:
            assert answer.headers["content-type"] == "application/pdf"
    with client_from("127.0.0.3", small_site) as client:  # the queue has emptied
        assert client.post("/sheets?format=json", content=TINY).status_code == 200


def test_a_client_over_its_rate_gets_429_with_retry_after_and_the_home_page_still(small_site):
    with client_from("127.0.0.4", small_site) as client:
        statuses = [client.get("/sheets/NCT123.pdf").status_code for _ in range(5)]
        over = client.get("/sheets/NCT123.pdf")
        assert statuses == [422] * 5 and over.status_code == 429
        assert int(over.headers["retry-after"]) >= 1
        assert over.json()["error"].startswith("too many sheets asked for at once; try again in")
        assert client.get("/").status_code == 200, "reading the page is not rate-limited"
    with client_from("127.0.0.5", small_site) as other:
        assert other.get("/sheets/NCT123.pdf").status_code == 422, "each client has its own rate"


def test_a_workers_record_error_arrives_whole_and_a_render_over_time_is_stopped():
    async def scenario() -> None:
        async with RenderPool(1, queue=1, seconds=0.3) as pool:
            with pytest.raises(RecordError) as caught:
                await pool.run("pdf", b'{"protocolSection": ', SheetOptions(), "upload.json")
            with pytest.raises(RecordError) as here:
                trial_from_bytes(b'{"protocolSection": ', "upload.json")
            assert (caught.value.source, caught.value.problem) == (here.value.source, here.value.problem)
            first = pool.worker_pids
            with pytest.raises(SheetTimeout, match="NCT04267848: making the sheet took longer than 0.3 s"):
                await pool.run("pdf", BIG, SheetOptions(), "NCT04267848")
            content = await pool.run("content", TINY, SheetOptions(), "NCT03453554")
            assert b'"nct_id": "NCT03453554"' in content
            assert pool.worker_pids != first, "a worker that overran is replaced"

    asyncio.run(scenario())


def test_a_worker_killed_mid_sheet_fails_that_request_alone():
    async def scenario() -> None:
        async with RenderPool(1, queue=1) as pool:
            (pid,) = pool.worker_pids
            rendering = asyncio.ensure_future(pool.run("pdf", BIG, SheetOptions(), "NCT04267848"))
            await asyncio.sleep(0.3)
            os.kill(pid, signal.SIGKILL)
            with pytest.raises(Unavailable, match="NCT04267848: the process making the sheet stopped unexpectedly"):
                await rendering
            nct_id, pdf = await pool.run("pdf", TINY, SheetOptions(), "NCT03453554")
            assert nct_id == "NCT03453554" and pdf.startswith(b"%PDF")
            assert pool.worker_pids and pool.worker_pids != [pid]

    asyncio.run(scenario())
