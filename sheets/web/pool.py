"""The render pool: warm worker processes behind a bounded queue, so no render blocks the page.

- Warm: ``size`` workers start with the server, each with WeasyPrint loaded and one sheet
  made (worker.py), from a fork server that has the libraries imported, so a replacement
  starts in a moment too.
- Bounded: at most ``size`` jobs run and ``queue`` wait; one more is refused at once with
  `Busy`, which the page answers with 503 and a ``Retry-After`` from the recent render times.
  A job whose asker went away before a worker took it is dropped, not rendered.
- Timed: a worker keeps each job's time limit itself (SIGALRM); one that has not answered
  ``KILL_GRACE`` seconds after it (stuck where no signal reaches) is killed and replaced.
- Replaced: a worker that dies, overruns, meets a bug or has made ``recycle_after`` sheets
  (WeasyPrint's C libraries keep about 30 KB a sheet) is replaced by a fresh one.
- Tied to the server: each worker holds the read end of a pipe whose write end only the
  server holds, and exits when it closes, however the server ends.

Each worker is driven by one slot: an asyncio task that hands it jobs and waits for its
answers in a thread, so the event loop only ever waits, never blocks.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from sheets.batch.worker import start_process, worker_context
from sheets.deadline import over_time
from sheets.errors import SheetsError
from sheets.options import SheetOptions
from sheets.web import worker

LOGGER = logging.getLogger("sheets.web")
KILL_GRACE = 5.0  # seconds past a job's time limit before its worker is killed
START_SECONDS = 60.0  # for a new worker to warm up and say it is ready
PRELOAD = ["sheets.web.worker", "sheets.pipeline", "sheets.render.pdf", "sheets.content.build",
           "sheets.sources.record"]  # fmt: skip


class Busy(SheetsError):
    """Every worker is busy and the queue is full."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            f"the server is busy making other sheets; try again in {retry_after} seconds"
        )


class Unavailable(SheetsError):
    """A worker stopped or overran its time limit, or the server is stopping; asking again
    may work."""


class Bug(Exception):
    """A worker met an unexpected failure: a bug in trial-sheets, named by its type only."""


@dataclass
class _Worker:
    process: Any  # a multiprocessing Process
    conn: Connection
    made: int = 0


class RenderPool:
    """Use as ``async with RenderPool(2) as pool: pdf = await pool.run("pdf", data, options,
    source)``; `run` raises the worker's `SheetsError`, `Busy`, `Unavailable` or `Bug`."""

    def __init__(self, size: int, *, queue: int = 32, seconds: float = 60.0,
                 recycle_after: int = 200):  # fmt: skip
        self.size = size
        self.queue = queue
        self.seconds = seconds
        self.recycle_after = recycle_after
        self.accepted = 0  # jobs running or waiting
        self.average = 0.5  # seconds a job takes, a moving average for Retry-After
        self._context = worker_context(PRELOAD)
        self._lifeline, self._lifeline_end = self._context.Pipe(duplex=False)
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="sheets-render")
        self._jobs: asyncio.Queue[tuple[worker.Job, asyncio.Future[Any]]] = asyncio.Queue()
        self._slots: list[asyncio.Task[None]] = []
        self._workers: list[_Worker] = []
        self._waiting: set[asyncio.Future[Any]] = set()  # the answers still owed

    async def __aenter__(self) -> RenderPool:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        starting = [loop.run_in_executor(self._threads, self._start_worker) for _ in range(self.size)]
        for ready in await asyncio.gather(*starting):
            self._slots.append(asyncio.create_task(self._slot(ready)))

    async def run(self, kind: str, data: bytes, options: SheetOptions, source: str) -> Any:
        """What the worker made of the record: PDF bytes, a preview or JSON bytes (worker.py)."""
        if kind not in worker.KINDS:
            raise ValueError(kind)
        if self.accepted >= self.size + self.queue:
            raise Busy(self.retry_after())
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.accepted += 1
        self._waiting.add(future)
        future.add_done_callback(self._finished)
        self._jobs.put_nowait(((kind, data, options, source), future))
        return await future

    @property
    def worker_pids(self) -> list[int]:
        """The process ids of the workers now running (for a health check, or a test)."""
        return [each.process.pid for each in self._workers]

    def _finished(self, future: asyncio.Future[Any]) -> None:
        self.accepted -= 1
        self._waiting.discard(future)

    def retry_after(self) -> int:
        """Seconds until a place is likely free: the queue's work shared by the workers."""
        return min(120, max(1, math.ceil(self.average * (self.accepted + 1) / self.size)))

    async def _slot(self, current: _Worker | None) -> None:
        loop = asyncio.get_running_loop()
        while True:
            job, future = await self._jobs.get()
            if future.done():  # the asker went away (its request was cancelled)
                continue
            started = time.monotonic()
            try:
                answer, current = await loop.run_in_executor(self._threads, self._exchange, current, job)
            except Exception as error:  # noqa: BLE001 - no worker could be started: say so, go on
                LOGGER.error("cannot start a render worker: %s", error)
                answer, current = ("error", Unavailable(f"{job[3]}: {error}; try again later")), None
            if answer[0] == "ok":
                self.average = 0.8 * self.average + 0.2 * (time.monotonic() - started)
            if not future.done():
                if answer[0] == "ok":
                    future.set_result(answer[1])
                elif answer[0] == "error":
                    future.set_exception(answer[1])
                else:
                    future.set_exception(Bug(answer[1]))
            if current is None:  # replace it now, while no one waits on this slot
                try:
                    current = await loop.run_in_executor(self._threads, self._start_worker)
                except Exception as error:  # noqa: BLE001 - the next job tries again
                    LOGGER.error("cannot start a render worker: %s", error)
                    await asyncio.sleep(1)

    def _exchange(self, current: _Worker | None, job: worker.Job) -> tuple[tuple, _Worker | None]:
        """In a thread: the job's answer from a worker, and the worker to keep (None when it
        must be replaced)."""
        source = job[3]
        if current is None or not current.process.is_alive():
            self._retire(current, kill=True)
            current = self._start_worker()
        try:
            current.conn.send(job)
        except OSError:  # it died while idle: a fresh one takes the job
            self._retire(current, kill=True)
            current = self._start_worker()
            current.conn.send(job)
        if not current.conn.poll(self.seconds + KILL_GRACE):
            self._retire(current, kill=True)
            return ("error", Unavailable(over_time(source, self.seconds))), None
        try:
            answer = current.conn.recv()
        except (EOFError, OSError):
            self._retire(current, kill=True)
            problem = "the process making the sheet stopped unexpectedly; try again"
            return ("error", Unavailable(f"{source}: {problem}")), None
        current.made += 1
        if len(answer) > 2 or current.made >= self.recycle_after:
            self._retire(current)
            return answer[:2], None
        return answer, current

    def _start_worker(self) -> _Worker:
        process, ours = start_process(self._context, worker.serve, (self._lifeline, self.seconds), "sheets-web-worker")
        started = _Worker(process, ours)
        if not ours.poll(START_SECONDS) or _ready(ours) is None:
            self._retire(started, kill=True)
            raise SheetsError("a worker process could not start: see the server's log")
        self._workers.append(started)
        return started

    def _retire(self, old: _Worker | None, *, kill: bool = False) -> None:
        """Let a worker go: closing its pipe ends an idle one; ``kill`` ends a busy one."""
        if old is None:
            return
        if old in self._workers:
            self._workers.remove(old)
        old.conn.close()
        if kill:
            old.process.kill()
        old.process.join(10)
        if old.process.exitcode is None:
            old.process.kill()
            old.process.join(1)

    async def close(self) -> None:
        """Stop taking jobs, end every worker (closing the lifeline ends the busy ones too)
        and answer what still waits with `Unavailable`."""
        for slot in self._slots:
            slot.cancel()
        self._lifeline_end.close()
        for future in list(self._waiting):
            if not future.done():
                future.set_exception(Unavailable("the server is stopping; try again in a moment"))
        workers, self._workers = list(self._workers), []
        await asyncio.get_running_loop().run_in_executor(None, _join_all, workers)
        self._threads.shutdown(wait=False, cancel_futures=True)
        self._lifeline.close()


def _ready(conn: Connection) -> int | None:
    try:
        said = conn.recv()
    except (EOFError, OSError):
        return None
    return said[1] if isinstance(said, tuple) and said[:1] == ("ready",) else None


def _join_all(workers: list[_Worker]) -> None:
    deadline = time.monotonic() + 10
    for each in workers:
        each.conn.close()
        each.process.join(max(0.0, deadline - time.monotonic()))
        if each.process.exitcode is None:
            each.process.kill()
            each.process.join(1)

