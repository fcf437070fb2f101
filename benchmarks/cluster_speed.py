"""How fast a batch is on Dask (a LocalCluster) against the process pool, on the same sheets.

Run with `.venv/bin/python benchmarks/cluster_speed.py [--sheets 300]` (needs the `dask`
extra). The sheets are the 15 test records repeated under synthetic NCT numbers, built as
batch_speed.py builds them, each run into its own empty folder. The LocalCluster is started
before its run is timed, as a real cluster is already up; its start-up is printed apart.
Prints:

- sheets/s for the pool and for a LocalCluster, both with 2 workers, and the cluster's share
  of the pool's (target >= 90%);
- the batch process's own time per sheet (reading and hashing each record, writing its PDF
  with an fsync, the manifest), which it spends one sheet after another: the most sheets a
  second one batch can take in from any number of workers;
- a LocalCluster with 1 worker (on half the sheets), and the scaling from 1 to 2 workers
  (target >= 1.8x: it needs two idle cores);
- the time a sheet takes a worker and, on paper, the hours for all 560,000 studies on
  2, 16, 64 and 256 workers (workers scale linearly until the driver is the limit).
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from batch_speed import RECORDS, write_records

REGISTRY = 560_000
WORKER_COUNTS = (2, 16, 64, 256)


def timed_batch(folder: Path, out: Path, **how) -> tuple[int, float, float]:
    """(sheets made, wall seconds, seconds the batch process spent on its own share) for one
    batch: its share is timed around the run's `jobs` (read, hash, skip check) and `land`
    (write, fsync, manifest), the steps it takes one sheet at a time."""
    from sheets.batch import run as batch_run
    from sheets.batch.inputs import expand_inputs

    busy = [0.0]
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
        report = batch_run.run_batch(expand_inputs([str(folder)]), out, **how)
        wall = time.perf_counter() - wall
    finally:
        batch_run._Run.jobs, batch_run._Run.land = jobs, land
    assert set(report.counts) == {"made"}, report.counts
    return report.counts["made"], wall, busy[0]


def on_cluster(folder: Path, out: Path, workers: int) -> tuple[int, float, float, float]:
    """A batch on a LocalCluster of ``workers`` processes: made, wall s, busy s, start s."""
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:  # fmt: skip
        with Client(cluster) as client:
            client.wait_for_workers(workers)
            started = time.perf_counter() - start
            made, wall, busy = timed_batch(folder, out, scheduler=cluster.scheduler_address)
    return made, wall, busy, started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sheets", type=int, default=300)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        (temp / "in").mkdir()
        (temp / "half").mkdir()
        write_records(temp / "in", args.sheets)
        write_records(temp / "half", max(1, args.sheets // 2))
        print(f"records: the {len(RECORDS)} test records under synthetic NCT numbers; "
              f"{os.cpu_count()} cores, shared with whatever else runs")  # fmt: skip

        made, wall, _ = timed_batch(temp / "in", temp / "pool", workers=2)
        pool = made / wall
        print(f"pool, 2 workers: {made} sheets in {wall:.1f} s = {pool:.2f} sheets/s")

        made, wall, busy, started = on_cluster(temp / "in", temp / "dask2", 2)
        two = made / wall
        driver = busy / made
        print(f"LocalCluster start: {started:.1f} s (paid once by `--scheduler local`; not counted)")
        print(f"LocalCluster, 2 workers: {made} sheets in {wall:.1f} s = {two:.2f} sheets/s, "
              f"{two / pool:.0%} of the pool's (target >= 90%)")  # fmt: skip
        print(f"  the batch process's own time: {driver * 1000:.1f} ms per sheet (read, hash, write "
              f"and fsync, manifest), so one batch takes in at most {1 / driver:.0f} sheets/s")  # fmt: skip

        made, wall, _, _ = on_cluster(temp / "half", temp / "dask1", 1)
        one = made / wall
        print(f"LocalCluster, 1 worker: {made} sheets in {wall:.1f} s = {one:.2f} sheets/s")
        print(f"scaling 1 -> 2 workers: {two / one:.2f}x (target >= 1.8x)")

        per_sheet = 2 / two  # a worker's seconds per sheet, with both cores busy
        print(f"per sheet on one worker: {per_sheet:.3f} s (1 / {two / 2:.2f} sheets/s a worker, "
              f"from the 2-worker run); alone: {1 / one:.3f} s")  # fmt: skip
        for workers in WORKER_COUNTS:
            rate = min(workers / per_sheet, 1 / driver)
            bound = " (the batch process is the limit)" if workers / per_sheet > 1 / driver else ""
            print(f"{REGISTRY:,} sheets on {workers} workers: {REGISTRY / rate / 3600:.1f} h "
                  f"at {rate:.0f} sheets/s{bound}")  # fmt: skip


if __name__ == "__main__":
    main()
