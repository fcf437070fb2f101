"""A batch's sheets made on a Dask cluster (`--scheduler`) instead of local worker processes.

Owns the Dask side: the client (a LocalCluster on this machine, or a scheduler's address),
the worker plugin, the task that makes one sheet, and the stream of tasks. Like WorkerPool
it only hands back what each job made; run.py writes the PDFs and the manifest, in the
batch's own process only, so a cluster changes where sheets are made and nothing else.

- Warm: a worker plugin loads WeasyPrint's fonts and stylesheets once per worker, as the
  pool's workers do, and checks the worker runs the same trial-sheets as the batch (the
  manifest's hashes assume it); a worker that does not fails its sheets in one line each.
- Bounded: at most ``IN_FLIGHT`` tasks per worker thread are in the scheduler at once, and
  more are submitted as results land, so the batch reads its records as it goes and a run of
  560,000 never sits in the scheduler (or in memory) at once.
- A worker that dies mid-sheet (killed, out of memory): the scheduler runs that sheet again
  on another worker, up to ``distributed.scheduler.allowed-failures`` times (3), and then
  fails it in one line. ``retries`` re-runs a task whose exception escaped it (a worker
  closing under it), never a record's own error: `make_one` returns that as a result, so a
  bad record is made once and reported once. Each job lands once; a second answer is dropped.
- Time: a task runs in a worker thread, where SIGALRM cannot reach it, so a watchdog raises
  into the sheet at its time limit and ends the worker if the sheet does not stop (stuck in
  C code) ``KILL_GRACE`` seconds later. A worker is restarted after a sheet that ran out of
  time or failed unexpectedly, and after ``recycle_after`` sheets (memory), as in the pool.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import logging
import os
import signal
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sheets.batch.worker import FAILED, KILL_GRACE, PRELOAD, Job, make_one
from sheets.deadline import over_time
from sheets.errors import SheetsError
from sheets.options import SheetOptions
from sheets.resources import fonts_dir, templates_dir
from sheets.version import __version__

try:
    import dask
    from distributed import Client, LocalCluster, WorkerPlugin, as_completed, get_worker
    from distributed.client import Future
except ImportError:  # the optional extra
    raise SheetsError(
        "a batch on a Dask cluster needs Dask, which is not installed: "
        "pip install 'trial-sheets[dask]'"
    ) from None

LOCAL = "local"
IN_FLIGHT = 3  # tasks per worker thread: one running, the next ones ready while the batch writes
RETRIES = 2
CONNECT_SECONDS = 30
WORKERS_EVERY = 5.0  # seconds between looks at how many workers the cluster has
TASK = "trial-sheet"  # task keys are TASK-<run>-<n>, n counting the batch's submissions

# Dask's defaults suit a dashboard: each worker's event loop wakes every 10 to 100 ms, and
# each wake takes the GIL from the sheet being made. Side by side (benchmarks/cluster_speed.py
# --dask-defaults), a sheet took a worker 0.70 to 0.80 s with Dask's defaults, 0.59 to 0.66 s
# with these and 0.57 to 0.61 s in the pool. The LocalCluster starts its workers with them;
# the README's `export` line sets them for `dask worker` on a real cluster.
WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,  # stack samples every 10 ms, which no batch reads
    "distributed.admin.tick.interval": "1s",  # the event loop's health check, every 20 ms
    "distributed.admin.system-monitor.interval": "5s",  # the dashboard's CPU and memory, 500 ms
    "distributed.worker.memory.monitor-interval": "1s",  # the memory limit's check, 100 ms
}


class ClusterPool:
    """Sheets made on a Dask cluster, used like `WorkerPool`: in a ``with`` block, ``run``
    yields each job with what was made. ``scheduler`` is an address (``tcp://HOST:8786``) or
    ``"local"`` for a LocalCluster of ``size`` worker processes on this machine. Nothing is
    started or reached until a record needs a sheet: a re-run with nothing changed needs no
    cluster."""

    def __init__(self, scheduler: str, size: int, options: SheetOptions, *,
                 recycle_after: int, seconds: float):  # fmt: skip
        self.scheduler = scheduler
        self.size = size
        self.options = options
        self.seconds = seconds
        self.recycle_after = recycle_after
        self.run_id = uuid.uuid4().hex[:12]
        self.plugin = f"trial-sheets-{self.run_id}"
        self.cluster: Any = None
        self.client: Any = None
        self.all_started = False
        self.submitted = 0
        self.made_on: Counter[str] = Counter()  # sheets per worker address since its last start
        self.restarts: list[threading.Thread] = []

    def _start(self) -> None:
        """Connect (or start the LocalCluster), then set up every worker, now and to come."""
        if self.scheduler != LOCAL:
            try:
                self.client = Client(self.scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
            except (OSError, ValueError) as error:
                raise SheetsError(f"cannot reach the Dask scheduler at {self.scheduler} ({error})") from None
        else:
            with _ctrl_c_ignored():
                self.cluster = local_cluster(self.size)
            self.client = Client(self.cluster, set_as_default=False)
        warm = WarmSheets(self.options, install_hash(), ignore_ctrl_c=self.scheduler == LOCAL)
        self.client.register_plugin(warm, name=self.plugin)

    def __enter__(self) -> ClusterPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run(self, jobs: Iterator[Job], stop: Callable[[], bool]) -> Iterator[tuple[Job, dict]]:
        """Each job with what was made, as they finish; no job starts once ``stop()`` is true,
        and the run ends when the jobs started have finished."""
        first = None if stop() else next(jobs, None)
        if first is None:
            self.all_started = not stop()
            return
        self._start()
        jobs = itertools.chain([first], jobs)
        # Our client's own loop: by default `as_completed` takes the caller's current client
        # (`with Client(...)` of their own), whose loop must never touch our client's streams.
        pending = as_completed(loop=self.client.loop, with_results=True, raise_errors=False)
        held: dict[str, Job] = {}  # task key -> its job, until it lands
        limit = _Limit(self.client)
        self._submit(jobs, stop, pending, held, limit())
        for future, answer in pending:
            job = held.pop(future.key, None)
            if job is None:  # a second answer for a job that has landed: never written twice
                continue
            made = answer if future.status == "finished" else _failure(job, future, answer)
            self._look_after(made.pop("address", ""), made.pop("retire", False))
            self._submit(jobs, stop, pending, held, limit())
            yield job, made

    def _submit(self, jobs: Iterator[Job], stop: Callable[[], bool], pending: Any,
                held: dict[str, Job], limit: int) -> None:  # fmt: skip
        while not self.all_started and not stop() and len(held) < limit:
            job = next(jobs, None)
            if job is None:
                self.all_started = True
                return
            key = f"{TASK}-{self.run_id}-{self.submitted}"  # unique: equal records stay apart
            self.submitted += 1
            future = self.client.submit(make_sheet, job[1], job[2], self.seconds, self.plugin,
                                        key=key, pure=False, retries=RETRIES)  # fmt: skip
            held[future.key] = job
            pending.add(future)

    def _look_after(self, address: str, retire: bool) -> None:
        """Restart a worker after a sheet that left it in doubt, or after ``recycle_after``
        sheets (WeasyPrint's C libraries keep about 30 KB a sheet); in the background, so
        the other workers' results keep landing."""
        if not address:
            return
        self.made_on[address] += 1
        if retire or self.made_on[address] >= self.recycle_after:
            del self.made_on[address]
            restart = threading.Thread(target=self._restart, args=(address,), daemon=True)
            restart.start()
            self.restarts = [*(r for r in self.restarts if r.is_alive()), restart]

    def _restart(self, address: str) -> None:
        try:
            self.client.restart_workers([address], raise_for_error=False)
        except Exception:  # noqa: BLE001 - a worker already gone, or a cluster closing
            pass

    def close(self) -> None:
        """Let the cluster go: our tasks are cancelled, our plugin removed; a LocalCluster ends."""
        for restart in self.restarts:
            restart.join(30)
        if self.client is not None:
            try:
                if self.cluster is None and self.client.status == "running":
                    self.client.unregister_worker_plugin(self.plugin)
            except Exception:  # noqa: BLE001 - the plugin never reached the workers, or they left
                pass
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def local_cluster(size: int, config: dict[str, Any] = WORKER_CONFIG) -> Any:
    """A LocalCluster of ``size`` worker processes, one thread each, with `WORKER_CONFIG`
    (a benchmark passes ``{}`` for Dask's own settings)."""
    with dask.config.set(config):
        return LocalCluster(n_workers=size, threads_per_worker=1, processes=True,
                            dashboard_address=None, silence_logs=logging.ERROR)  # fmt: skip


class _Limit:
    """How many tasks may be in the scheduler: ``IN_FLIGHT`` per worker thread, read again
    every few seconds as workers join and leave (at least ``IN_FLIGHT``, so a cluster that
    has no workers yet has work waiting for its first)."""

    def __init__(self, client: Any):
        self.client = client
        self.checked = -WORKERS_EVERY
        self.value = IN_FLIGHT

    def __call__(self) -> int:
        if time.monotonic() - self.checked >= WORKERS_EVERY:
            self.checked = time.monotonic()
            self.value = IN_FLIGHT * max(1, sum(self.client.nthreads().values()))
        return self.value


def _failure(job: Job, future: Future, answer: Any) -> dict:
    """The one line for a task that gave no result: its workers kept dying, or it was lost."""
    label = job[1]
    if future.status == "cancelled":
        raise SheetsError("the Dask cluster dropped the batch's sheets (did its scheduler stop?); "
                          "run the same command again to finish")  # fmt: skip
    error = answer[1] if isinstance(answer, tuple) and len(answer) == 3 else answer
    if type(error).__name__ == "KilledWorker":
        problem = ("the worker process stopped unexpectedly, on every worker that took it "
                   "(out of memory?); this record was not made")  # fmt: skip
    else:
        problem = f"unexpected failure on the cluster ({type(error).__name__}: {error})"
    return {"status": FAILED, "error": _one_line(label, problem), "seconds": 0.0,
            "worker": 0, "worker_rss_kib": 0}  # fmt: skip


def _one_line(label: str, problem: str) -> str:
    return " ".join(f"{label}: {problem}".split())


class _ctrl_c_ignored:
    """SIGINT ignored while a LocalCluster starts its workers: they keep that, so Ctrl-C in a
    terminal (sent to every process of the job) stops the batch, which lets them finish."""

    def __enter__(self) -> None:
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc_info: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


# On each worker


class WarmSheets(WorkerPlugin):
    """One batch's set-up on a worker: its options, WeasyPrint warm, the code checked."""

    lock: threading.Lock  # made on the worker: a plugin travels pickled
    problem: str = ""  # why this worker cannot make sheets, said once per record

    def __init__(self, options: SheetOptions, install: str, ignore_ctrl_c: bool):
        self.options = options
        self.install = install  # `install_hash()` on the batch's side
        self.ignore_ctrl_c = ignore_ctrl_c

    def setup(self, worker: Any) -> None:
        import importlib

        from sheets.render.pdf import default_renderer

        self.lock = threading.Lock()  # one sheet at a time, however many threads the worker has
        self.problem = ""
        if self.ignore_ctrl_c and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a restarted worker: see _ctrl_c_ignored
        for module in PRELOAD:
            importlib.import_module(module)
        if install_hash() != self.install:
            self.problem = (f"the worker at {worker.address} runs other trial-sheets code than "
                            f"the batch (version {__version__} there); install the batch's "
                            "trial-sheets on every worker")  # fmt: skip
            return
        try:
            default_renderer(self.options.template_dirs)
        except SheetsError as error:  # the clinic's folder, as this worker sees it
            self.problem = str(error)


def install_hash() -> str:
    """trial-sheets as installed here, read now (not as this process loaded it, so a long-lived
    batch process and a new worker agree): version, code, data, templates and fonts."""
    digest = hashlib.sha256(__version__.encode())
    for folder in (Path(__file__).resolve().parent.parent, templates_dir(), fonts_dir()):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


class _OverTime(BaseException):
    """Raised into a sheet at its time limit; a BaseException, so no ``except Exception`` in
    the renderer swallows it (as deadline.py's)."""


def make_sheet(label: str, data: bytes, seconds: float, plugin: str) -> dict:
    """The task: one record's sheet on this worker (`make_one`), within its time limit."""
    worker = get_worker()
    warm: WarmSheets = worker.plugins[plugin]  # type: ignore[assignment]
    made: dict[str, Any]
    with warm.lock:
        started = time.perf_counter()
        if warm.problem:
            made = {"status": FAILED, "error": _one_line(label, warm.problem)}
        else:
            watchdog = _Watchdog(seconds)
            try:
                try:
                    made = make_one(label, data, warm.options, seconds)
                finally:
                    watchdog.disarm()
            except _OverTime:
                watchdog.disarm()  # again: the first may have been cut short by _OverTime itself
                made = {"status": FAILED, "error": over_time(label, seconds), "retire": True}
    made.setdefault("seconds", round(time.perf_counter() - started, 4))
    made.setdefault("worker", os.getpid())
    made.setdefault("worker_rss_kib", 0)
    made["address"] = worker.address
    return made


class _Watchdog:
    """Raises `_OverTime` in the calling thread after ``seconds``; ends the process if the
    sheet is still running ``KILL_GRACE`` seconds later. ``disarm`` stops both for good."""

    def __init__(self, seconds: float):
        self.thread = threading.get_ident()
        self.lock = threading.Lock()
        self.done = threading.Event()
        threading.Thread(target=self._watch, args=(seconds,), daemon=True).start()

    def _watch(self, seconds: float) -> None:
        if self.done.wait(seconds):
            return
        with self.lock:
            if self.done.is_set():
                return
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread),
                                                       ctypes.py_object(_OverTime))  # fmt: skip
        if self.done.wait(KILL_GRACE):
            return
        with self.lock:
            if not self.done.is_set():
                os._exit(70)  # stuck where no exception reaches: a new worker takes over

    def disarm(self) -> None:
        with self.lock:
            self.done.set()
