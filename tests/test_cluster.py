"""`sheets batch --scheduler`: the same batch on a Dask cluster, with the same report, manifest
and skips as the process pool; a worker killed mid-sheet costs nothing, a bad record is one
line, and a killed batch resumes without leaving a process behind."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY, RECORDS, ROOT
from distributed import Client, WorkerPlugin, default_client
from pdfcheck import text_of
from processes import end_session, kill_leaves_nothing, session_processes
from test_batch import assert_whole_pdf, pdfs_in
from test_batch_isolation import LOOP_ON, looping_on_one_record

from sheets import SheetOptions
from sheets.batch import cluster as dask_batch
from sheets.batch.inputs import expand_inputs
from sheets.batch.run import DUPLICATE, FAILED, MADE, UNCHANGED, run_batch
from sheets.cli import main

FIVE = ("NCT03453554", "NCT05594173", "NCT06171568", "NCT00711542", "NCT04474964")


@pytest.fixture(scope="module")
def dask_cluster():
    """One LocalCluster for the module, as `--scheduler local` starts it: two worker processes."""
    with dask_batch.local_cluster(2) as cluster:
        with Client(cluster) as client:
            yield cluster.scheduler_address, client


@pytest.fixture
def scheduler(dask_cluster):
    """The cluster's address, once both workers are up (a test may have killed one)."""
    address, client = dask_cluster
    client.wait_for_workers(2, timeout=60)
    return address


class Watch(WorkerPlugin):
    """Test-only: logs each batch task as it starts on a worker ("key pid" lines) and, with
    ``kill``, ends that worker (os._exit, as the out-of-memory killer would) a moment into
    the first task it sees, once across the cluster."""

    def __init__(self, log: Path, kill: bool = False):
        self.log = log
        self.kill = kill

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or not str(key).startswith(dask_batch.TASK):
            return
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"{key} {os.getpid()}\n")
        if self.kill:
            try:
                os.close(os.open(self.log.with_suffix(".killed"), os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return
            threading.Timer(0.05, os._exit, (1,)).start()  # mid-sheet: a sheet takes 0.2 s or more


@pytest.fixture
def watch(dask_cluster, tmp_path):
    """Registers a `Watch` on the cluster's workers; gives the lines it logged so far."""
    _, client = dask_cluster
    log = tmp_path / "tasks.log"
    log.touch()

    def start(kill: bool = False):
        client.register_plugin(Watch(log, kill), name="test-watch")
        return lambda: [line.split() for line in log.read_text("utf-8").splitlines()]

    yield start
    client.unregister_worker_plugin("test-watch")


def copy_records(folder: Path, names=FIVE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.json" for name in names]
    for path in paths:
        path.write_bytes((DATA / "records" / path.name).read_bytes())
    return paths


def mixed_inputs(tmp_path: Path) -> list[str]:
    """Three good records, a broken one, and the same record twice. (Two records of the same
    trial are left out: which of them is kept depends on which lands first, in the pool too.)"""
    records = copy_records(tmp_path / "in", FIVE[:3])
    (tmp_path / "in" / "broken.json").write_text('{"protocolSection": {', "utf-8")
    return [str(tmp_path / "in"), str(records[0])]


def test_a_batch_on_the_cluster_matches_the_pools_and_shares_its_manifest(tmp_path, scheduler):
    inputs = mixed_inputs(tmp_path)
    options = SheetOptions(generated_on=FIXED_DAY)
    pool = run_batch(expand_inputs(inputs), tmp_path / "pool", options, workers=2)
    dask = run_batch(expand_inputs(inputs), tmp_path / "dask", options, scheduler=scheduler)

    rows = [(r.record, r.status, r.error) for r in pool.results]
    assert [(r.record, r.status, r.error) for r in dask.results] == rows
    assert [status for _, status, _ in rows] == [MADE, MADE, MADE, FAILED, DUPLICATE]
    assert not dask.interrupted and not dask.warnings
    made = pdfs_in(tmp_path / "dask")
    assert sorted(made) == sorted(pdfs_in(tmp_path / "pool")) == sorted(f"{n}.pdf" for n in FIVE[:3])
    for name, pdf in made.items():
        assert_whole_pdf(pdf, name)
        assert text_of(pdf) == text_of((tmp_path / "pool" / name).read_bytes()), name

    again = run_batch(expand_inputs(inputs), tmp_path / "pool", options, scheduler=scheduler)
    assert [r.status for r in again.results] == [UNCHANGED] * 3 + [FAILED, DUPLICATE]
    # Nothing to make: no cluster is reached at all (this address has none).
    good = [str(tmp_path / "in" / f"{name}.json") for name in FIVE[:3]]
    idle = run_batch(expand_inputs(good), tmp_path / "dask", options, scheduler="tcp://127.0.0.1:9")
    assert [r.status for r in idle.results] == [UNCHANGED] * 3


def test_the_workers_run_with_the_worker_settings_and_the_readme_gives_them_for_a_real_cluster(dask_cluster):
    _, client = dask_cluster
    names, values = list(dask_batch.WORKER_CONFIG), list(dask_batch.WORKER_CONFIG.values())
    on_workers = client.run(lambda: [dask.config.get(name) for name in names])
    assert list(on_workers.values()) == [values, values]

    readme = (ROOT / "README.md").read_text("utf-8")
    from_readme = dask.config.collect_env(dict(re.findall(r"\b(DASK_[A-Z_]+)=(\S+)", readme)))
    assert [dask.config.get(name, config=from_readme) for name in names] == values


def test_a_batch_inside_the_callers_own_client_leaves_that_client_the_default(tmp_path, dask_cluster, scheduler):
    _, client = dask_cluster
    copy_records(tmp_path / "in", FIVE[:2])
    with client.as_current():
        report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", scheduler=scheduler)
        assert default_client() is client
    assert [r.status for r in report.results] == [MADE, MADE]


def test_a_worker_killed_mid_sheet_has_that_sheet_made_elsewhere_once(tmp_path, scheduler, watch):
    tasks = watch(kill=True)
    copy_records(tmp_path / "in")
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", scheduler=scheduler)

    assert [r.status for r in report.results] == [MADE] * len(FIVE), [r.error for r in report.results]
    started = Counter(key for key, _ in tasks())
    killed = [key for key, count in started.items() if count > 1]
    assert len(killed) == 1, started  # the killed sheet ran again ...
    assert len({pid for key, pid in tasks() if key == killed[0]}) == 2  # ... on another worker
    made = pdfs_in(tmp_path / "out")
    assert sorted(made) == sorted(f"{n}.pdf" for n in FIVE)
    for name, pdf in made.items():
        assert_whole_pdf(pdf, name)
        assert name.removesuffix(".pdf") in text_of(pdf)
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.endswith(".part")]


def test_a_record_that_fails_is_made_once_and_reported_once(tmp_path, scheduler, watch):
    tasks = watch()
    good = copy_records(tmp_path / "in", FIVE[:1])[0]
    broken = tmp_path / "in" / "broken.json"
    broken.write_text("[1, 2, 3]", "utf-8")
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", scheduler=scheduler)

    assert [(Path(r.record).name, r.status) for r in report.results] == [(good.name, MADE), (broken.name, FAILED)]
    error = report.results[1].error
    assert error.startswith(f"{broken}: ") and "not a ClinicalTrials.gov study" in error and "\n" not in error
    assert sorted(Counter(key for key, _ in tasks()).values()) == [1, 1]  # each task ran once


def test_a_sheet_past_its_time_limit_on_the_cluster_fails_alone(tmp_path, scheduler):
    options = looping_on_one_record(tmp_path)
    copy_records(tmp_path / "in", FIVE[:3])
    started = time.monotonic()
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", options,
                       scheduler=scheduler, time_limit=3)  # fmt: skip

    assert time.monotonic() - started < 40
    statuses = {Path(r.record).stem: r.status for r in report.results}
    assert statuses == {FIVE[0]: MADE, LOOP_ON: FAILED, FIVE[2]: MADE}
    failed = next(r for r in report.results if r.status == FAILED)
    assert failed.error == (
        f"{failed.record}: making the sheet took longer than 3 s, so it was stopped "
        "(a very large record, or a clinic template that loops?)"
    )


def test_without_dask_the_scheduler_option_is_one_line_naming_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    monkeypatch.delitem(sys.modules, "sheets.batch.cluster")
    copy_records(tmp_path / "in", FIVE[:1])
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                       "--scheduler", "local"])  # fmt: skip
    assert result.exit_code == 1
    assert result.output == ("Error: a batch on a Dask cluster needs Dask, which is not installed: "
                             "pip install 'trial-sheets[dask]'\n")  # fmt: skip
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(dask_batch, "CONNECT_SECONDS", 1)
    copy_records(tmp_path / "in", FIVE[:1])
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                       "--scheduler", "tcp://127.0.0.1:9"])  # fmt: skip
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9 ("), lines


def test_a_worker_running_other_trial_sheets_code_fails_its_sheets_in_one_line(tmp_path, scheduler, monkeypatch):
    """The manifest's hashes are the batch's code: a sheet made by other code is never recorded."""
    monkeypatch.setattr(dask_batch, "install_hash", lambda: "the batch's own install")
    copy_records(tmp_path / "in", FIVE[:2])
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", scheduler=scheduler)

    assert [r.status for r in report.results] == [FAILED] * 2
    for row in report.results:
        assert row.error.startswith(f"{row.record}: the worker at tcp://127.0.0.1:"), row.error
        assert "runs other trial-sheets code than the batch" in row.error
    assert not pdfs_in(tmp_path / "out")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_batch_killed_with_9_leaves_no_worker_and_a_rerun_makes_only_the_rest(tmp_path):
    names = [p.stem for p in RECORDS][:8]
    copy_records(tmp_path / "in", names)
    out = tmp_path / "out"
    command = [str(Path(sys.executable).parent / "sheets"), "batch", str(tmp_path / "in"), "-o", str(out),
               "--scheduler", "local", "-j", "2"]  # fmt: skip
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.pdf"))) < 3 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
        running = session_processes(process.pid)
        assert len(running) >= 3, running  # the batch and its two workers (and a resource tracker)
        assert kill_leaves_nothing(process, wait=10) == [], f"left behind, of {running}"
    finally:
        end_session(process)
    before = pdfs_in(out)
    assert 3 <= len(before) < len(names), "the kill must land mid-batch"
    for name, pdf in before.items():
        assert_whole_pdf(pdf, name)

    rerun = subprocess.run([*command, "--report", str(tmp_path / "r.json")], capture_output=True, timeout=300)

    assert rerun.returncode == 0, rerun.stderr
    rows = json.loads((tmp_path / "r.json").read_text("utf-8"))["records"]
    unchanged = {Path(r["record"]).stem for r in rows if r["status"] == UNCHANGED}
    made = {Path(r["record"]).stem for r in rows if r["status"] == MADE}
    # The batch writes one PDF at a time, then records it: at most one was on disk unrecorded.
    assert unchanged <= {name.removesuffix(".pdf") for name in before}
    assert len(unchanged) >= len(before) - 1 and made == set(names) - unchanged
    assert sorted(pdfs_in(out)) == sorted(f"{name}.pdf" for name in names)
    for name, pdf in pdfs_in(out).items():
        assert_whole_pdf(pdf, name)


@pytest.mark.slow
def test_the_cluster_benchmark_prints_every_figure_on_a_tiny_run():
    command = [sys.executable, str(ROOT / "benchmarks" / "cluster_speed.py"), "--sheets", "4", "--rounds", "1"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=ROOT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for figure in ("pool, 2 workers: 4 sheets", "LocalCluster, 2 workers: 4 sheets", "round 1 of 1",
                   "LocalCluster, 1 worker: 2 sheets", "LocalCluster 2 workers against the pool:",
                   "scaling 1 -> 2 workers:", "per sheet on one worker:",
                   "560,000 sheets on 2 workers:", "on 256 workers:"):  # fmt: skip
        assert figure in result.stdout, (figure, result.stdout)
