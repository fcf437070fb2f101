"""How fast a batch is on Dask (a LocalCluster) against the process pool, on the same sheets.

Run with `.venv/bin/python benchmarks/cluster_speed.py [--sheets 300] [--rounds 3]` (needs
the `dask` extra). The sheets are the 15 test records repeated under synthetic NCT numbers,
built as batch_speed.py builds them, each run into its own empty folder. The clusters are
started as `--scheduler local` starts them (`local_cluster`, with the workers' settings), but
before their run is timed, as a real cluster is already up; start-up is printed apart. The
pool, the 2-worker and the 1-worker cluster take turns, round after round, so a busy spell
on a shared machine falls on all three; the figures are each round's and their medians.
Prints:

- sheets/s for the pool and for a LocalCluster, both with 2 workers, and the cluster's share
  of the pool's (target >= 90%);
- the batch process's own time per sheet (reading and hashing each record, writing its PDF
  with an fsync, the manifest), which it spends one sheet after another: the most sheets a
  second one batch can take in from any number of workers;
- a LocalCluster with 1 worker (on half the sheets), and the scaling from 1 to 2 workers
  (target >= 1.8x: it needs two idle cores);
- with ``--dask-defaults``, a LocalCluster of 2 workers with Dask's own worker settings too,
  the comparison behind `WORKER_CONFIG` (sheets/batch/cluster.py);
- the time a sheet takes a worker and, on paper, the hours for all 560,000 studies on
  2, 16, 64 and 256 workers (workers scale linearly until the driver is the limit).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from batch_speed import RECORDS, write_records

REGISTRY = 560_000
WORKER_COUNTS = (2, 16, 64, 256)


@dataclass
class Timed:
    """One batch: sheets made, wall seconds, the batch process's own seconds, and the mean
    seconds a sheet took its worker (as each worker timed it)."""

    made: int
    wall: float
    busy: float
    per_sheet: float

    @property
    def rate(self) -> float:
        return self.made / self.wall


def timed_batch(folder: Path, out: Path, **how) -> Timed:
    """One batch, timed: the batch process's share is timed around the run's `jobs` (read,
    hash, skip check) and `land` (write, fsync, manifest), the steps it takes one sheet at a
    time."""
    from sheets.batch import run as batch_run
    from sheets.batch.inputs import expand_inputs

    busy = [0.0]
    seconds: list[float] = []
    jobs, land = batch_run._Run.jobs, batch_run._Run.land

    def timed_jobs(self):
        found = jobs(self)
        while True:
            start = time.perf_counter()
            job = next(found, None)
            busy[0] += time.perf_counter() - start
            if job is None:
                return
            yield job

    def timed_land(self, *args):
        start = time.perf_counter()
        land(self, *args)
        busy[0] += time.perf_counter() - start

    batch_run._Run.jobs, batch_run._Run.land = timed_jobs, timed_land
    try:
        wall = time.perf_counter()
        report = batch_run.run_batch(expand_inputs([str(folder)]), out,
                                     on_result=lambda result: seconds.append(result.seconds), **how)  # fmt: skip
        wall = time.perf_counter() - wall
    finally:
        batch_run._Run.jobs, batch_run._Run.land = jobs, land
    assert set(report.counts) == {"made"}, report.counts
    return Timed(report.counts["made"], wall, busy[0], statistics.mean(seconds))


def on_cluster(folder: Path, out: Path, workers: int, dask_defaults: bool = False) -> tuple[Timed, float]:  # fmt: skip
    """A batch on a LocalCluster of ``workers`` processes, started as `--scheduler local` does
    (or with Dask's own worker settings), and the seconds it took to start."""
    from sheets.batch.cluster import WORKER_CONFIG, local_cluster

    start = time.perf_counter()
    with local_cluster(workers, {} if dask_defaults else WORKER_CONFIG) as cluster:
        cluster.wait_for_workers(workers)
        started = time.perf_counter() - start
        timed = timed_batch(folder, out, scheduler=cluster.scheduler_address)
    return timed, started


def one_round(temp: Path, dask_defaults: bool) -> dict[str, float]:
    """The pool, a 2-worker and a 1-worker LocalCluster (and, if asked, a 2-worker one with
    Dask's own worker settings), one after another, each into a new folder."""

    def new() -> Path:
        return Path(tempfile.mkdtemp(dir=temp))

    pool = timed_batch(temp / "in", new(), workers=2)
    print(f"  pool, 2 workers: {pool.made} sheets in {pool.wall:.1f} s = {pool.rate:.2f} sheets/s; "
          f"a sheet took its worker {pool.per_sheet:.3f} s")  # fmt: skip
    two, started = on_cluster(temp / "in", new(), 2)
    print(f"  LocalCluster, 2 workers: {two.made} sheets in {two.wall:.1f} s = {two.rate:.2f} sheets/s, "
          f"{two.rate / pool.rate:.0%} of the pool's; a sheet took its worker {two.per_sheet:.3f} s "
          f"(start-up {started:.1f} s, not counted)")  # fmt: skip
    one, _ = on_cluster(temp / "half", new(), 1)
    print(f"  LocalCluster, 1 worker: {one.made} sheets in {one.wall:.1f} s = {one.rate:.2f} sheets/s; "
          f"1 -> 2 workers: {two.rate / one.rate:.2f}x")  # fmt: skip
    figures = {"pool": pool.rate, "two": two.rate, "one": one.rate, "share": two.rate / pool.rate,
               "scaling": two.rate / one.rate, "driver": two.busy / two.made}  # fmt: skip
    if dask_defaults:
        plain, _ = on_cluster(temp / "in", new(), 2, dask_defaults=True)
        print(f"  LocalCluster, 2 workers, Dask's own worker settings: {plain.rate:.2f} sheets/s, "
              f"{plain.rate / pool.rate:.0%} of the pool's; a sheet took its worker {plain.per_sheet:.3f} s")  # fmt: skip
        figures["defaults"] = plain.rate / pool.rate
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dask-defaults", action="store_true",
                        help="also time a LocalCluster with Dask's own worker settings, each round")  # fmt: skip
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        (temp / "in").mkdir()
        (temp / "half").mkdir()
        write_records(temp / "in", args.sheets)
        write_records(temp / "half", max(1, args.sheets // 2))
        print(f"records: the {len(RECORDS)} test records under synthetic NCT numbers; "
              f"{os.cpu_count()} cores, shared with whatever else runs")  # fmt: skip
        rounds = []
        for number in range(1, args.rounds + 1):
            print(f"round {number} of {args.rounds}:")
            rounds.append(one_round(temp, args.dask_defaults))

    def median(name: str) -> float:
        return statistics.median(r[name] for r in rounds)

    def each(name: str) -> str:
        percent = name in ("share", "defaults")
        return ", ".join(f"{r[name]:.0%}" if percent else f"{r[name]:.2f}" for r in rounds)

    print(f"medians of {len(rounds)} rounds: pool, 2 workers: {median('pool'):.2f} sheets/s; "
          f"LocalCluster, 2 workers: {median('two'):.2f} sheets/s; 1 worker: {median('one'):.2f}")  # fmt: skip
    print(f"LocalCluster 2 workers against the pool: {median('share'):.0%} of the pool's "
          f"(rounds: {each('share')}; target >= 90%)")  # fmt: skip
    if args.dask_defaults:
        print(f"LocalCluster 2 workers with Dask's own worker settings: {median('defaults'):.0%} of the "
              f"pool's (rounds: {each('defaults')})")  # fmt: skip
    print(f"scaling 1 -> 2 workers: {median('scaling'):.2f}x "
          f"(rounds: {each('scaling')}; target >= 1.8x)")  # fmt: skip
    driver = median("driver")
    print(f"the batch process's own time: {driver * 1000:.1f} ms per sheet (read, hash, write "
          f"and fsync, manifest), so one batch takes in at most {1 / driver:.0f} sheets/s")  # fmt: skip
    per_sheet = 2 / median("two")  # a worker's seconds per sheet, with both cores busy
    print(f"per sheet on one worker: {per_sheet:.3f} s (with both cores busy); "
          f"alone: {1 / median('one'):.3f} s")  # fmt: skip
    for workers in WORKER_COUNTS:
        rate = min(workers / per_sheet, 1 / driver)
        bound = " (the batch process is the limit)" if workers / per_sheet > 1 / driver else ""
        print(f"{REGISTRY:,} sheets on {workers} workers: {REGISTRY / rate / 3600:.1f} h "
              f"at {rate:.0f} sheets/s{bound}")  # fmt: skip


if __name__ == "__main__":
    main()
