"""How fast the web page answers: warm preview latency, a PDF's latency against the bare
render of the same sheet, the home page while renders run, and PDFs per second.

Starts `sheets serve --offline` with the test records in a temporary record cache, so nothing
leaves the machine, and asks it from 127.0.0.1 only; every loop is bounded. Run with
`make bench` or `.venv/bin/python benchmarks/web_speed.py`. Prints medians and percentiles;
wall-clock figures belong here, never in the tests.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
RECORDS = sorted((ROOT / "tests" / "data" / "records").glob("*.json"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def start_server(cache: Path, workers: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "SHEETS_CACHE_DIR": str(cache)}
    command = [str(Path(sys.executable).parent / "sheets"), "serve", "--port", str(port),
               "--workers", str(workers), "--offline", "--queue", "1000", "--rate-limit", "100000"]  # fmt: skip
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return server, url
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start within 60 seconds")


def timed(call) -> float:
    start = time.perf_counter()
    answer = call()
    seconds = time.perf_counter() - start
    if answer.status_code != 200:
        raise SystemExit(f"{answer.request.url}: HTTP {answer.status_code}: {answer.text[:200]}")
    return seconds


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (not its workers: they are the fork
    server's children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bare_render_seconds(record: Path, rounds: int) -> list[float]:
    """The same sheet made in this process by `render_record`, warm: no HTTP, no pool."""
    from sheets import SheetOptions
    from sheets.pipeline import render_record

    data = record.read_bytes()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        render_record(data, SheetOptions(), source=record.stem)
        times.append(time.perf_counter() - start)
    return times


def home_while_rendering(url: str, numbers: list[str], busy: int, samples: int) -> list[float]:
    """The home page's latency, asked every 10 ms, while ``busy`` PDF requests run at once."""
    stop = threading.Event()

    def keep_rendering(offset: int) -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            turn = offset
            while not stop.is_set():
                client.get(f"/sheets/{numbers[turn % len(numbers)]}.pdf")
                turn += busy

    threads = [threading.Thread(target=keep_rendering, args=(i,)) for i in range(busy)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)  # every worker busy before the first sample
    seconds = []
    with httpx.Client(base_url=url, timeout=10) as client:
        for _ in range(samples):
            seconds.append(timed(lambda: client.get("/")))
            time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    return seconds


def throughput(url: str, numbers: list[str], requests: int, at_once: int, workers: int
               ) -> tuple[float, float]:  # fmt: skip
    """Seconds for ``requests`` PDFs through the page, ``at_once`` in flight, and for the same
    sheets from ``workers`` warm processes calling `render_record` directly (the ceiling),
    taken in turns of 20 so both meet the machine as it is."""

    def one(index: int) -> float:
        with httpx.Client(base_url=url, timeout=300) as client:
            return timed(lambda: client.get(f"/sheets/{numbers[index % len(numbers)]}.pdf"))

    web = bare = 0.0
    with ThreadPoolExecutor(at_once) as threads, ProcessPoolExecutor(workers, initializer=_warm) as pool:
        list(pool.map(_warm_noop, range(workers)))
        for first in range(0, requests, 20):
            turn = range(first, min(requests, first + 20))
            start = time.perf_counter()
            list(threads.map(one, turn))
            middle = time.perf_counter()
            list(pool.map(_render, [RECORDS[index % len(RECORDS)] for index in turn]))
            web, bare = web + middle - start, bare + time.perf_counter() - middle
    return web, bare


def _warm() -> None:
    from sheets import SheetOptions
    from sheets.pipeline import render_record

    render_record(RECORDS[0].read_bytes(), SheetOptions(), source=RECORDS[0].stem)


def _render(path: Path) -> int:
    from sheets import SheetOptions
    from sheets.pipeline import render_record

    return len(render_record(path.read_bytes(), SheetOptions(), source=path.stem).pdf)


def _warm_noop(_: int) -> None:
    time.sleep(0.5)  # every process has run its initializer before the clock starts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--record", default="NCT06171568", help="the sheet previewed and timed")
    parser.add_argument("--previews", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=20, help="PDFs timed one at a time, web and bare")
    parser.add_argument("--home-samples", type=int, default=200)
    parser.add_argument("--pdfs", type=int, default=200, help="requests in the throughput run")
    parser.add_argument("--at-once", type=int, default=4, help="requests in flight in that run")
    args = parser.parse_args()

    from sheets.sources.cache import RecordCache

    record = ROOT / "tests" / "data" / "records" / f"{args.record}.json"
    numbers = [path.stem for path in RECORDS]
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder)
        for path in RECORDS:
            RecordCache(cache).put(path.stem, json.loads(path.read_text("utf-8")))
        server, url = start_server(cache, args.workers)
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                form = {"nct": args.record, "action": "preview"}
                for _ in range(args.workers * 2):  # every worker warm, the record cached
                    timed(lambda: client.post("/sheet", data=form))
                    timed(lambda: client.get(f"/sheets/{args.record}.pdf"))
                previews = [timed(lambda: client.post("/sheet", data=form)) for _ in range(args.previews)]
                print(f"warm preview of {args.record}: p50 {ms(percentile(previews, 0.5))}, "
                      f"p95 {ms(percentile(previews, 0.95))} over {len(previews)}")  # fmt: skip
                bare_render_seconds(record, 1)  # this process warm too: fonts, stylesheets
                web, bare = [], []
                for _ in range(args.rounds):  # in turn, so both meet the machine as it is
                    web.append(timed(lambda: client.get(f"/sheets/{args.record}.pdf")))
                    bare += bare_render_seconds(record, 1)
            web_median, bare_median = statistics.median(web), statistics.median(bare)
            print(f"PDF of {args.record}: web median {ms(web_median)}, bare render_record median "
                  f"{ms(bare_median)}: overhead {100 * (web_median / bare_median - 1):+.1f}% "
                  f"(target <= 10%) over {args.rounds} each")  # fmt: skip
            home = home_while_rendering(url, numbers, args.workers * 2, args.home_samples)
            print(f"home page while {args.workers * 2} PDFs render: p50 {ms(percentile(home, 0.5))}, "
                  f"p99 {ms(percentile(home, 0.99))} (target <= 100 ms), max {ms(max(home))} "
                  f"over {len(home)}")  # fmt: skip
            front = cpu_seconds(server.pid)
            elapsed, bare_elapsed = throughput(url, numbers, args.pdfs, args.at_once, args.workers)
            front = cpu_seconds(server.pid) - front
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        print(f"PDFs: {args.pdfs} requests ({min(args.pdfs, len(numbers))} test records in turn), "
              f"{args.at_once} at a time, {args.workers} workers: {elapsed:.1f} s, "
              f"{args.pdfs / elapsed:.2f} requests/s; the same sheets from {args.workers} warm "
              f"processes calling render_record: {args.pdfs / bare_elapsed:.2f}/s "
              f"(the page: {100 * bare_elapsed / elapsed:.0f}% of that); the front process "
              f"used {ms(front / args.pdfs)} of CPU a PDF")  # fmt: skip


if __name__ == "__main__":
    main()
