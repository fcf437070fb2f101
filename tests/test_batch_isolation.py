"""Each record of a batch is on its own: whatever it does (crash its worker, run past its time
limit, hang) is one failed line, every other record is made, and no process outlives the batch."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, RECORDS
from pdfcheck import text_of
from processes import end_session, kill_leaves_nothing, session_processes

from sheets import SheetOptions
from sheets.batch import worker
from sheets.batch.inputs import expand_inputs
from sheets.batch.run import FAILED, MADE, run_batch
from sheets.cli import main
from sheets.clinic import Clinic

FIVE = ("NCT03453554", "NCT05594173", "NCT06171568", "NCT00711542", "NCT04474964")


def copy_records(folder: Path, names=FIVE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / f"{name}.json"
        path.write_bytes((DATA / "records" / f"{name}.json").read_bytes())
        paths.append(path)
    return paths


def to_the_busy_worker(send: int):
    """An on_result callback that sends ``send`` to the worker of the first sheet made: by
    then that worker has the next record, so exactly one record is caught by it."""
    caught: list[int] = []

    def callback(result) -> None:
        if result.worker and not caught:
            caught.append(result.worker)
            os.kill(result.worker, send)

    return callback, caught


def statuses(report) -> dict[str, str]:
    return {Path(r.record).stem: r.status for r in report.results}


def test_a_worker_killed_mid_sheet_fails_only_the_record_it_held(tmp_path):
    copy_records(tmp_path / "in")
    callback, caught = to_the_busy_worker(signal.SIGKILL)  # as the kernel's out-of-memory killer
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=2, on_result=callback)

    assert caught and not report.ok
    failed = [r for r in report.results if r.status == FAILED]
    assert len(failed) == 1, [(r.record, r.error) for r in report.results]
    assert failed[0].error == (f"{failed[0].record}: the worker process stopped unexpectedly "
                               "(killed by SIGKILL: out of memory?); this record was not made")  # fmt: skip
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.pdf")) == sorted(
        Path(r.record).stem for r in report.results if r.status == MADE
    )
    assert len(list((tmp_path / "out").glob("*.pdf"))) == len(FIVE) - 1


LOOP_ON = "NCT05594173"
LOOPING = (
    '{% extends "default:sheet.html" %}{% block clinic_header %}'
    '{% if sheet.nct_id == "' + LOOP_ON + '" %}'
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    "{% endif %}{% endblock %}"
)


def looping_on_one_record(folder: Path) -> SheetOptions:
    """Options whose clinic template loops for ever on `LOOP_ON`'s sheet, and only there."""
    (folder / "templates").mkdir()
    (folder / "templates" / "sheet.html").write_text(LOOPING, "utf-8")
    return SheetOptions(clinic=Clinic(templates=folder / "templates"))


def test_a_sheet_past_its_time_limit_fails_alone_and_the_others_are_made(tmp_path):
    options = looping_on_one_record(tmp_path)
    copy_records(tmp_path / "in", FIVE[:3])
    started = time.monotonic()
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", options,
                       workers=2, time_limit=3)  # fmt: skip

    assert time.monotonic() - started < 30
    assert statuses(report) == {FIVE[0]: MADE, LOOP_ON: FAILED, FIVE[2]: MADE}
    failed = next(r for r in report.results if r.status == FAILED)
    assert failed.error == (
        f"{failed.record}: making the sheet took longer than 3 s, so it was stopped "
        "(a very large record, or a clinic template that loops?)"
    )
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.pdf")) == [FIVE[0], FIVE[2]]


def test_a_tiny_time_limit_fails_every_sheet_in_one_line_each_and_the_batch_ends(tmp_path):
    copy_records(tmp_path / "in", FIVE[:3])
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=2, time_limit=0.01)
    assert [r.status for r in report.results] == [FAILED] * 3
    for row in report.results:
        assert row.error.startswith(f"{row.record}: making the sheet took longer than 0.01 s")
        assert "\n" not in row.error
    assert not list((tmp_path / "out").glob("*.pdf"))


@pytest.mark.slow
def test_a_worker_that_stops_answering_is_killed_and_the_others_are_made(tmp_path, monkeypatch):
    """A worker stuck where no signal reaches it (here: stopped) is killed past its limit."""
    monkeypatch.setattr(worker, "KILL_GRACE", 1.0)
    copy_records(tmp_path / "in")
    callback, caught = to_the_busy_worker(signal.SIGSTOP)
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=2,
                       on_result=callback, time_limit=4)  # fmt: skip

    failed = [r for r in report.results if r.status == FAILED]
    assert caught and len(failed) == 1, [(r.record, r.error) for r in report.results]
    assert failed[0].error.startswith(f"{failed[0].record}: making the sheet took longer than 4 s")
    assert len(list((tmp_path / "out").glob("*.pdf"))) == len(FIVE) - 1
    with pytest.raises(ProcessLookupError):  # killed, and reaped
        os.kill(caught[0], 0)


@pytest.mark.parametrize("failure", [RecursionError, MemoryError, KeyError])
def test_an_unexpected_failure_is_one_line_and_the_worker_is_replaced(monkeypatch, failure):
    import sheets.pipeline

    def explode(trial, options):
        raise failure("deep\ninside")

    monkeypatch.setattr(sheets.pipeline, "render_pdf", explode)
    label = str(RECORDS[0])
    made = worker.make_one(label, RECORDS[0].read_bytes(), SheetOptions(), 60)
    assert made["status"] == FAILED and made["retire"] is True
    assert made["error"].startswith(f"{label}: unexpected failure ({failure.__name__}: ")
    assert "\n" not in made["error"] and "this is a bug in trial-sheets" in made["error"]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_kill_9_of_the_batch_leaves_no_process_behind(tmp_path):
    """Even workers deep in a sheet (a clinic template that loops on every record) end with it."""
    templates = tmp_path / "clinic" / "templates"
    templates.mkdir(parents=True)
    (templates / "sheet.html").write_text(LOOPING.replace(f'sheet.nct_id == "{LOOP_ON}"', "true"), "utf-8")
    (tmp_path / "clinic" / "clinic.toml").write_text('[clinic]\ntemplates = "templates"\n', "utf-8")
    copy_records(tmp_path / "in", FIVE[:3])
    command = [str(Path(sys.executable).parent / "sheets"), "batch", str(tmp_path / "in"), "-o",
               str(tmp_path / "out"), "-j", "2", "--clinic", str(tmp_path / "clinic" / "clinic.toml")]  # fmt: skip
    process = subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the fork server and both workers share its command
            if sum("forkserver" in p for p in session_processes(process.pid)) >= 3:
                break
            time.sleep(0.05)
        time.sleep(1)  # the workers are in the loop now
        before = session_processes(process.pid)
        assert len(before) >= 5, before  # the batch, its resource tracker, fork server, workers
        assert kill_leaves_nothing(process, wait=5) == [], f"left behind, of {before}"
    finally:
        end_session(process)


def test_a_batch_over_the_command_line_exits_1_with_the_failed_line(tmp_path, monkeypatch):
    monkeypatch.setattr("sheets.deadline.SHEET_SECONDS", 0.01)
    copy_records(tmp_path / "in", FIVE[:1])
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    record = tmp_path / "in" / f"{FIVE[0]}.json"
    assert f"failed: {record}: making the sheet took longer than 0.01 s" in " ".join(result.output.split())
    report = json.loads((tmp_path / "out" / "sheets-batch-report.json").read_text("utf-8"))
    assert report["counts"] == {"failed": 1}


def test_the_hostile_title_is_still_just_text(tmp_path):
    """A hostile string is one record's business: escaped, printed, and nothing else."""
    study = json.loads((DATA / "records" / FIVE[0]).with_suffix(".json").read_text("utf-8"))
    study["protocolSection"]["identificationModule"]["briefTitle"] = "{{ cycler.__init__ }} <script>x()</script>"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "hostile.json").write_text(json.dumps(study), "utf-8")
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=1)
    assert [r.status for r in report.results] == [MADE]
    assert "{{ cycler.__init__ }} <script>x()</script>" in text_of(Path(report.results[0].output).read_bytes())


def test_a_batch_of_every_class_of_bad_input_makes_the_good_records_and_exits_1(tmp_path):
    """One folder: two good records and one of each kind of bad input the fuzz campaign tries.
    Each bad one is one failed line naming its file; the good ones are made; exit 1."""
    folder = tmp_path / "in"
    copy_records(folder, FIVE[:2])
    good = (DATA / "records" / f"{FIVE[2]}.json").read_text("utf-8")
    xml = (DATA / "xml").glob("*.xml").__next__().read_bytes()
    bad = {
        "deep.json": b'{"protocolSection": ' + b"[" * 5_000 + b"]" * 5_000 + b"}",
        "number.json": good.replace('"studyType"', '"count": ' + "9" * 5_000 + ', "studyType"', 1).encode(),
        "cut.json": good.encode()[:700],
        "not-utf8.json": b"\xff\xfe{" + good.encode()[1:200],
        "empty.json": b"",
        "encoding.xml": b'<?xml version="1.0" encoding="x-unknown"?>' + xml.split(b"?>", 1)[1],
        "xxe.xml": b'<?xml version="1.0"?><!DOCTYPE clinical_study [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   + xml.split(b"?>", 1)[1].replace(b"<brief_title>", b"<brief_title>&x;", 1),  # fmt: skip
        "not-a-study.json": b'{"error": "maintenance"}',
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    os.mkfifo(folder / "fifo.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    # Fine to read, hostile to write: a lone surrogate escape renders as a replacement mark.
    (folder / "surrogate.json").write_text(good.replace('"briefTitle": "', '"briefTitle": "\\ud800 ', 1), "utf-8")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sheets"), "batch", str(folder), "-o", str(tmp_path / "out"), "-j", "2"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report = json.loads((tmp_path / "out" / "sheets-batch-report.json").read_text("utf-8"))
    by_name = {Path(r["record"]).name: r for r in report["records"]}
    failed = {name for name, r in by_name.items() if r["status"] == FAILED}
    assert failed == {*bad, "fifo.json", "zero.json"}, by_name
    for name in failed:
        error = by_name[name]["error"]
        assert "\n" not in error and name in error, error
    made = sorted(p.name for p in (tmp_path / "out").glob("NCT*.pdf"))
    assert made == sorted(f"{n}.pdf" for n in (*FIVE[:2], FIVE[2])), made  # the surrogate record too
    assert "passwd" not in text_of((tmp_path / "out" / f"{FIVE[2]}.pdf").read_bytes())
