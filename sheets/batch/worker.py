"""The batch's worker processes: one sheet each at a time, so whatever a record does costs
only its own sheet.

- A worker takes a record (label and bytes) through its own pipe and answers with the PDF
  or the one-line error (`make_one`). The batch knows which record each worker holds, so a
  worker that dies (killed, out of memory) or hangs fails that record alone, and a new
  worker takes its place.
- Time: each sheet has a time limit (deadline.py), kept inside the worker; a worker that has
  not answered ``KILL_GRACE`` seconds after it (stuck where no signal reaches) is killed.
- Memory: a worker is replaced after ``recycle_after`` sheets (WeasyPrint's C libraries
  keep about 30 KB a sheet), and after a sheet that failed unexpectedly or ran out of time,
  so no half-finished state is carried to the next record.
- Death of the batch: workers come from a fork server that has WeasyPrint imported (so a
  replacement starts fast). That makes them the fork server's children, not the batch's,
  and the fork server lives as long as they do, so PR_SET_PDEATHSIG cannot tie them to the
  batch. Instead each worker holds the read end of a pipe whose only write end the batch
  holds, and a thread ends the worker the moment that pipe closes: when the batch ends,
  however it ends (kill -9 included). With its workers gone the fork server and the
  resource tracker exit too.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from sheets.deadline import SheetTimeout, over_time, time_limit
from sheets.errors import SheetsError
from sheets.options import SheetOptions

MADE, FAILED = "made", "failed"
KILL_GRACE = 10.0  # seconds past its time limit before a worker that does not answer is killed
PRELOAD = ["sheets.render.pdf", "sheets.content.build", "sheets.sources.record", "sheets.batch.worker"]

Job = tuple[Any, str, bytes]  # the caller's key, the record's label, the record's bytes


@dataclass
class _Worker:
    process: Any  # a multiprocessing Process
    conn: Connection
    job: Job | None = None
    started: float = 0.0
    made: int = 0


class WorkerPool:
    """Up to ``size`` workers, started as records need them; use it in a ``with`` block."""

    def __init__(self, size: int, options: SheetOptions, *, recycle_after: int, seconds: float):
        self.size = size
        self.options = options
        self.recycle_after = recycle_after
        self.seconds = seconds
        self.context = worker_context(PRELOAD)
        self.lifeline, self._lifeline_end = self.context.Pipe(duplex=False)
        self.workers: list[_Worker] = []
        self.leaving: list[Any] = []  # processes told to stop or killed, reaped as they exit
        self.all_started = False

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run(self, jobs: Iterator[Job], stop: Callable[[], bool]) -> Iterator[tuple[Job, dict]]:
        """Each job with what its worker made, as they finish; no job starts once ``stop()``
        is true, and the run ends when the jobs started have finished."""
        while True:
            self._give(jobs, stop)
            busy = [w for w in self.workers if w.job is not None]
            if not busy:
                return
            wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
            finished = [done for worker in busy if (done := self._collect(worker)) is not None]
            self._give(jobs, stop)  # keep the workers busy while the batch writes the PDFs
            yield from finished
            self._reap()

    def _give(self, jobs: Iterator[Job], stop: Callable[[], bool]) -> None:
        while not self.all_started and not stop():
            worker = next((w for w in self.workers if w.job is None), None)
            if worker is None and len(self.workers) >= self.size:
                return
            job = next(jobs, None)
            if job is None:
                self.all_started = True
                return
            for _ in range(3):
                worker = worker or self._start()
                try:
                    worker.conn.send(job[1:])
                    break
                except OSError:  # it died while idle: a new one takes the job
                    self._drop(worker, kill=True)
                    worker = None
            if worker is None:
                raise SheetsError("cannot start a worker process that stays up to make sheets")
            worker.job, worker.started = job, time.monotonic()

    def _collect(self, worker: _Worker) -> tuple[Job, dict] | None:
        """A busy worker's job with its result, if it has one; a dead or hung worker's job
        with the one line that says so."""
        job = worker.job
        assert job is not None
        elapsed = time.monotonic() - worker.started
        if worker.conn.poll():
            try:
                made = worker.conn.recv()
            except (EOFError, OSError):  # the process ended before it answered
                self._drop(worker, kill=True)
                how = _ending(worker.process)
                problem = f"{job[1]}: the worker process stopped unexpectedly ({how}); this record was not made"
                return job, _failed(worker, elapsed, problem)
            worker.job = None
            worker.made += 1
            if made.pop("retire", False) or worker.made >= self.recycle_after:
                self._drop(worker)
            return job, made
        if elapsed > self.seconds + KILL_GRACE:
            self._drop(worker, kill=True)
            return job, _failed(worker, elapsed, over_time(job[1], self.seconds))
        return None

    def _start(self) -> _Worker:
        process, ours = start_process(
            self.context, serve, (self.lifeline, self.options, self.seconds), "sheets-worker"
        )
        worker = _Worker(process, ours)
        self.workers.append(worker)
        return worker

    def _drop(self, worker: _Worker, *, kill: bool = False) -> None:
        """Let a worker go: closing its pipe tells an idle one to exit; ``kill`` ends a busy one."""
        self.workers.remove(worker)
        worker.conn.close()
        if kill:
            worker.process.kill()
        self.leaving.append(worker.process)

    def _reap(self) -> None:
        for process in [p for p in self.leaving if not p.is_alive()]:
            process.join()
            self.leaving.remove(process)

    def close(self) -> None:
        """End every worker: idle ones exit at once, and closing the lifeline ends the rest."""
        for worker in list(self.workers):
            self._drop(worker, kill=worker.job is not None)
        self._lifeline_end.close()
        deadline = time.monotonic() + 10
        for process in self.leaving:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.exitcode is None:
                process.kill()
                process.join(1)
        self.leaving.clear()
        self.lifeline.close()


def start_process(context: Any, target: Callable[..., None], args: tuple, name: str) -> tuple[Any, Connection]:
    """A daemon worker process running ``target(its end of a pipe, *args)``, and our end. Only
    the worker holds its end, so the worker's exit is an end of file on ours."""
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(theirs, *args), name=name, daemon=True)
    try:
        process.start()
    except OSError as error:
        raise SheetsError(f"cannot start a worker process: {error.strerror or error}") from None
    finally:
        theirs.close()
    return process, ours


def worker_context(preload: list[str]) -> Any:
    """Worker processes forked from a server that has imported ``preload`` once (spawned where
    there is no fork server): a new worker starts in milliseconds, not a second."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        context.set_forkserver_preload(preload)
    return context


def _failed(worker: _Worker, elapsed: float, problem: str) -> dict:
    return {"status": FAILED, "error": problem, "seconds": round(elapsed, 4),
            "worker": worker.process.pid or 0, "worker_rss_kib": 0}  # fmt: skip


def _ending(process: Any) -> str:
    process.join(1)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        return f"killed by {name}: out of memory?" if name == "SIGKILL" else f"killed by {name}"
    return f"exit code {code}" if code is not None else "no answer"


# In each worker process


def serve(conn: Connection, lifeline: Connection, options: SheetOptions, seconds: float) -> None:
    """A worker's life: warm up once (fonts, stylesheets), then one sheet per record until
    the batch closes its pipe, or after a sheet that leaves it in doubt."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the batch decides when to stop
    threading.Thread(target=_exit_with_batch, args=(lifeline,), daemon=True).start()
    problem = ""
    try:
        from sheets.render.pdf import default_renderer

        default_renderer(options.template_dirs)
    except SheetsError as error:  # the batch checked the clinic's folder; it changed since
        problem = str(error)
    while True:
        try:
            label, data = conn.recv()
        except (EOFError, OSError, TypeError):  # the batch is done with this worker
            return
        if problem:
            made = {"status": FAILED, "error": _one_line(label, problem), "seconds": 0.0,
                    "worker": os.getpid(), "worker_rss_kib": _rss_kib()}  # fmt: skip
        else:
            made = make_one(label, data, options, seconds)
        try:
            conn.send(made)
        except OSError:
            return
        if made.get("retire"):
            return


def _exit_with_batch(lifeline: Connection) -> None:
    try:
        lifeline.poll(None)  # returns when the batch's end closes: it has exited, or is done
    finally:
        os._exit(0)


def make_one(label: str, data: bytes, options: SheetOptions, seconds: float) -> dict:
    """One record's PDF bytes, or its one-line error; never raises for a bad record."""
    from sheets.content.standing import next_change
    from sheets.pipeline import render_record

    start = time.perf_counter()
    made: dict = {"worker": os.getpid()}
    try:
        with time_limit(seconds, over_time(label, seconds)):
            rendered = render_record(data, options, source=label)
            trial = rendered.trial
            changes = next_change(trial, options.generated_on)
            made.update(status=MADE, pdf=rendered.pdf, nct_id=trial.nct_id,
                        title=trial.title, valid_until=changes.isoformat() if changes else "")  # fmt: skip
    except SheetTimeout as error:
        made.update(status=FAILED, error=_one_line(label, str(error)), retire=True)
    except SheetsError as error:
        made.update(status=FAILED, error=_one_line(label, str(error)))
    except Exception as error:  # noqa: BLE001 - a bug, but one record must not stop the batch
        problem = f"unexpected failure ({type(error).__name__}: {error}); this is a bug in trial-sheets"
        made.update(status=FAILED, error=_one_line(label, problem), retire=True)
    made["seconds"] = round(time.perf_counter() - start, 4)
    made["worker_rss_kib"] = _rss_kib()
    return made


def _one_line(label: str, problem: str) -> str:
    """The report's line: the record first (a template's error names only the template)."""
    line = " ".join(problem.split())
    return line if line.startswith(label) else f"{label}: {line}"


def _rss_kib() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
