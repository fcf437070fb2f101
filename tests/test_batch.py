"""`sheets batch`: many records, bad ones reported and skipped, incremental, safe to kill."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, RECORDS, SEED_RECORD
from pdfcheck import page_texts, reader, text_of

from sheets import SheetOptions
from sheets.batch.booklet import booklet_pages
from sheets.batch.inputs import expand_inputs
from sheets.batch.manifest import Manifest
from sheets.batch.run import DUPLICATE, MADE, UNCHANGED, run_batch
from sheets.cli import main
from sheets.files import write_atomic

THREE = ("NCT03453554", "NCT05594173", "NCT06171568")  # short sheets (4 to 6 pages), in file order


def nct_of(path: Path) -> str:
    return json.loads(path.read_text("utf-8"))["protocolSection"]["identificationModule"]["nctId"]


def copy_records(folder: Path, names=THREE) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(DATA / "records" / f"{name}.json", folder)) for name in names]


def pdfs_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.pdf"))}


def manifest_entries(out: Path) -> list[dict]:
    """What the manifest in ``out`` holds, read as the next batch reads it."""
    manifest = Manifest(out)
    try:
        assert manifest.warnings == []
        return list(manifest.entries())
    finally:
        manifest.compact()


def assert_whole_pdf(pdf: bytes, name: str) -> None:
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF"), f"{name} is not whole"
    assert len(reader(pdf).pages) >= 1, name


def hostile_record(folder: Path) -> Path:
    study = json.loads((DATA / "records" / "NCT06454773.json").read_text("utf-8"))
    ident = study["protocolSection"]["identificationModule"]
    ident["briefTitle"] = '<img src="file:///etc/passwd"> <script>x()</script> {{ 7*7 }}'
    path = folder / "hostile.json"
    path.write_text(json.dumps(study), "utf-8")
    return path


def test_a_mixed_batch_makes_the_good_records_and_reports_each_bad_one(tmp_path):
    inputs = tmp_path / "in"
    good = copy_records(inputs, THREE[:2])
    hostile = hostile_record(inputs)
    (inputs / "corrupt.json").write_text('{"protocolSection": {', "utf-8")
    (inputs / "empty.json").write_bytes(b"")
    (inputs / "not-a-study.json").write_text("[1, 2, 3]", "utf-8")
    (inputs / "binary.xml").write_bytes(b"<\x00\xff\xfe" * 50)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(inputs), "-o", str(out), "-j", "2"])

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    made = pdfs_in(out)
    assert set(made) == {f"{nct_of(p)}.pdf" for p in [*good, hostile]}
    for name, pdf in made.items():
        assert_whole_pdf(pdf, name)
    title = text_of(made["NCT06454773.pdf"])
    assert '<img src="file:///etc/passwd"> <script>x()</script> {{ 7*7 }}' in title
    report = json.loads((out / "sheets-batch-report.json").read_text("utf-8"))
    by_record = {Path(row["record"]).name: row for row in report["records"]}
    assert report["counts"] == {"made": 3, "failed": 4}
    for bad, problem in [("corrupt.json", "not valid JSON"), ("empty.json", "empty"),
                         ("not-a-study.json", "not a ClinicalTrials.gov study"),
                         ("binary.xml", "")]:  # fmt: skip
        row = by_record[bad]
        assert row["status"] == "failed" and row["output"] == ""
        assert row["error"].startswith(str(inputs / bad)) and problem in row["error"]
        assert "\n" not in row["error"]
        assert f"failed: {row['error']}" in result.output
    assert by_record["hostile.json"]["status"] == "made"
    assert not [p for p in out.iterdir() if p.name.endswith(".part")]


def test_a_rerun_with_nothing_changed_makes_nothing(tmp_path):
    copy_records(tmp_path / "in")
    items = expand_inputs([str(tmp_path / "in")])
    first = run_batch(items, tmp_path / "out", workers=2)
    assert [r.status for r in first.results] == [MADE] * 3
    stamps = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.pdf")}

    again = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=2)

    assert [r.status for r in again.results] == [UNCHANGED] * 3
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.pdf")} == stamps
    assert [r.output for r in again.results] == [r.output for r in first.results]


def test_a_changed_record_or_changed_options_make_the_sheet_again(tmp_path):
    records = copy_records(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(expand_inputs([str(tmp_path / "in")]), out, workers=2)
    study = json.loads(records[1].read_text("utf-8"))
    study["protocolSection"]["identificationModule"]["briefTitle"] = "A title changed tonight"
    records[1].write_text(json.dumps(study), "utf-8")

    changed = run_batch(expand_inputs([str(tmp_path / "in")]), out, workers=2)

    assert [r.status for r in changed.results] == [UNCHANGED, MADE, UNCHANGED]
    assert "A title changed tonight" in text_of((out / f"{nct_of(records[1])}.pdf").read_bytes())
    a4 = run_batch(expand_inputs([str(tmp_path / "in")]), out, SheetOptions(paper="a4"), workers=2)
    assert [r.status for r in a4.results] == [MADE] * 3
    assert round(float(reader((out / "NCT06171568.pdf").read_bytes()).pages[0].mediabox.width)) == 595


def test_a_missing_or_damaged_pdf_is_made_again(tmp_path):
    copy_records(tmp_path / "in")
    out = tmp_path / "out"
    run_batch(expand_inputs([str(tmp_path / "in")]), out, workers=1)
    (out / "NCT06171568.pdf").unlink()
    (out / "NCT03453554.pdf").write_bytes(b"%PDF-1.7 truncated")  # not the size recorded

    again = run_batch(expand_inputs([str(tmp_path / "in")]), out, workers=1)

    assert [r.status for r in again.results] == [MADE, UNCHANGED, MADE]
    for name, pdf in pdfs_in(out).items():
        assert_whole_pdf(pdf, name)


def test_the_same_record_twice_is_made_once(tmp_path):
    records = copy_records(tmp_path / "in", THREE[2:])
    copy = tmp_path / "copy.json"
    copy.write_bytes(records[0].read_bytes().replace(b"Lariboisi", b"LARIBOISI"))
    items = expand_inputs([str(records[0]), str(records[0]), str(copy)])
    report = run_batch(items, tmp_path / "out", workers=1)
    assert [r.status for r in report.results] == [MADE, DUPLICATE, DUPLICATE]
    assert "the same record as" in report.results[1].error
    assert "the same trial (NCT06171568)" in report.results[2].error
    assert list(pdfs_in(tmp_path / "out")) == ["NCT06171568.pdf"]


def start_batch_of_every_record(tmp_path, output):
    """`sheets batch` over all test records in its own process group, once 2 PDFs have landed."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    names = [p.stem for p in RECORDS]
    copy_records(inputs, names)
    command = [str(Path(sys.executable).parent / "sheets"), "batch", str(inputs), "-o", str(out), "-j", "2"]
    process = subprocess.Popen(command, start_new_session=True, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + 120
        while len(list(out.glob("*.pdf"))) < 2 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.01)
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    return process, command, names, out


@pytest.mark.slow
def test_a_killed_batch_leaves_only_whole_pdfs_and_a_rerun_finishes_it(tmp_path):
    """kill -9 at any moment: whole PDFs only, a manifest that opens without a warning and
    records only PDFs that are there, and a re-run that makes exactly the sheets it lacks."""
    process, command, names, out = start_batch_of_every_record(tmp_path, subprocess.DEVNULL)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-write or not
    process.wait()
    before = pdfs_in(out)
    assert 2 <= len(before) < len(names), "the kill must land mid-batch"
    for name, pdf in before.items():
        assert_whole_pdf(pdf, name)
    recorded = manifest_entries(out)  # the write-ahead log left by the kill is read back
    assert recorded and {e["output"] for e in recorded} <= set(before)
    assert all(len(before[e["output"]]) == e["bytes"] for e in recorded)

    rerun = subprocess.run([*command, "--report", str(tmp_path / "r.csv")], capture_output=True)

    assert rerun.returncode == 0, rerun.stderr
    after = pdfs_in(out)
    assert sorted(after) == sorted(f"{name}.pdf" for name in names)
    for name, pdf in after.items():
        assert_whole_pdf(pdf, name)
        assert text_of(pdf).count(name.removesuffix(".pdf")) >= 1
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]
    rows = (tmp_path / "r.csv").read_text("utf-8").splitlines()
    assert rows[0] == "record,status,output,error,seconds"
    statuses = {Path(row.split(",")[0]).stem: row.split(",")[1] for row in rows[1:]}
    assert len(statuses) == len(names) and set(statuses.values()) <= {"made", "unchanged"}
    kept = {e["nct_id"] for e in recorded}  # exactly what was recorded is kept; the rest is made
    assert {name for name, status in statuses.items() if status == "unchanged"} == kept
    assert sorted(e["nct_id"] for e in manifest_entries(out)) == sorted(names)


def test_the_booklet_holds_a_cover_then_every_sheet_with_its_own_page_numbers(tmp_path):
    copy_records(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(out), "--booklet",
                                       str(tmp_path / "all.pdf"), "--duplex"])  # fmt: skip
    assert result.exit_code == 0, result.output
    booklet = (tmp_path / "all.pdf").read_bytes()
    texts = page_texts(booklet)
    counts = [len(reader((out / f"{name}.pdf").read_bytes()).pages) for name in THREE]
    cover = " ".join(texts[0].split())
    assert len(texts) == booklet_pages(counts, cover_pages=1, duplex=True)
    assert len(texts) == 2 + sum(n + n % 2 for n in counts)
    page = 3  # after the cover and its blank back
    for name, count in zip(THREE, counts, strict=True):
        assert f"{name}" in cover
        assert f"Page 1 of {count}" in texts[page - 1] and name in texts[page - 1]
        assert f"Page {count} of {count}" in texts[page + count - 2]
        if count % 2:
            assert texts[page + count - 1].strip() == "", "a blank back page before the next sheet"
        page += count + count % 2
    bookmarks = [item.title for item in reader(booklet).outline if not isinstance(item, list)]
    assert [title.split(":")[0] for title in bookmarks[1:]] == list(THREE)  # one per sheet
    assert cover.startswith("CLINICAL TRIAL QUESTION SHEETS · MADE ")
    assert f"3 trials, {sum(counts)} sheet pages. Each sheet numbers its own pages." in cover


def test_the_booklet_cover_speaks_the_sheets_language(tmp_path):
    copy_records(tmp_path / "in")
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                                       "--booklet", str(tmp_path / "all.pdf"), "--lang", "es"])  # fmt: skip
    assert result.exit_code == 0, result.output
    cover = " ".join(page_texts((tmp_path / "all.pdf").read_bytes())[0].split())
    assert "Hojas de preguntas sobre ensayos" in cover and "3 ensayos," in cover
    assert "Cada hoja numera sus propias páginas." in cover and "Empieza en" in cover
    assert "Trial question sheets" not in cover


def test_a_simplex_booklet_is_the_cover_plus_the_sheets(tmp_path):
    copy_records(tmp_path / "in")
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=2,
                       booklet=tmp_path / "all.pdf")  # fmt: skip
    counts = [len(reader(Path(r.output).read_bytes()).pages) for r in report.results]
    assert len(reader((tmp_path / "all.pdf").read_bytes()).pages) == 1 + sum(counts)


def test_every_kind_of_input_expands_to_its_records(tmp_path):
    records = copy_records(tmp_path / "in")
    studies = [json.loads(p.read_text("utf-8")) for p in records]
    (tmp_path / "list.jsonl").write_text("\n".join(json.dumps(s) for s in studies) + "\n\n", "utf-8")
    (tmp_path / "search.json").write_text(json.dumps({"studies": studies}), "utf-8")
    (tmp_path / "sub").mkdir()
    shutil.copy(DATA / "xml" / next(p.name for p in (DATA / "xml").glob("*.xml")), tmp_path / "sub")
    items = list(expand_inputs([str(tmp_path / "in"), str(tmp_path / "list.jsonl"),
                                str(tmp_path / "search.json"), str(tmp_path / "sub"),
                                str(tmp_path / "missing.json")]))  # fmt: skip
    labels = [item.label for item in items]
    assert labels[:3] == [str(p) for p in sorted(records)]
    assert labels[3:6] == [f"{tmp_path / 'list.jsonl'} line {n}" for n in (1, 2, 3)]
    assert labels[6:9] == [f"{tmp_path / 'search.json'} study {n}" for n in (1, 2, 3)]
    assert labels[9].endswith(".xml")
    assert items[10].error == f"{tmp_path / 'missing.json'}: no such file or folder"
    assert [json.loads(items[n].read()) for n in (3, 6)] == [studies[0]] * 2


def test_batch_takes_every_sheet_flag_that_make_takes():
    make = {p.name for p in main.commands["make"].params} - {"record", "output"}
    batch = {p.name for p in main.commands["batch"].params}
    assert make <= batch


def test_an_unwritable_output_folder_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["batch", str(SEED_RECORD), "-o", str(blocker / "out")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: cannot make the output folder {blocker / 'out'}: Not a directory"
    ]


pytest_plugins = ["conftest_fetch"]


@pytest.mark.usefixtures("isolated_cache")
def test_nct_lists_and_search_queries_are_fetched_through_the_api_client(server, api, tmp_path):
    wanted = {n: json.loads((DATA / "records" / f"{n}.json").read_text("utf-8")) for n in THREE}
    for number in THREE[:2]:
        server.expect_request(f"/api/v2/studies/{number}").respond_with_json(wanted[number])
    server.expect_request("/api/v2/studies", query_string={
        "query.cond": "brain injury", "filter.overallStatus": "NOT_YET_RECRUITING", "pageSize": "100",
    }).respond_with_json({"studies": [wanted[THREE[2]]]})  # fmt: skip
    listing = tmp_path / "list.txt"
    listing.write_text(f"# our trials\n{THREE[0]}\n\n nct{THREE[1][3:]}  # lower case\nNCT123\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, [
        "batch", str(listing), "search:cond=brain injury&status=NOT_YET_RECRUITING",
        "-o", str(out), "--api-url", api, "-j", "2",
    ])  # fmt: skip
    assert result.exit_code == 1, result.output  # NCT123 is not an NCT number
    assert sorted(pdfs_in(out)) == sorted(f"{n}.pdf" for n in THREE)
    assert f"failed: {listing} line 5: NCT123: this is not an NCT number" in result.output
    assert len(server.log) == 3


def test_ctrl_c_lets_the_sheets_in_flight_land_and_stops_with_130(tmp_path):
    process, _, names, out = start_batch_of_every_record(tmp_path, subprocess.PIPE)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends Ctrl-C to the whole group
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr and b"Interrupted: run the same command again" in stdout
    report = json.loads((out / "sheets-batch-report.json").read_text("utf-8"))
    made = pdfs_in(out)
    assert report["interrupted"] is True and len(made) == report["counts"]["made"] < len(names)
    for name, pdf in made.items():
        assert_whole_pdf(pdf, name)
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]


def test_ctrl_c_the_moment_a_sheet_is_written_still_records_and_counts_it(tmp_path, monkeypatch):
    """Ctrl-C is read between sheets, so one that comes just after a PDF is written (the
    narrowest window: before the manifest and the report know of it) leaves no PDF unrecorded."""
    import sheets.batch.run

    pressed = []

    def write_then_ctrl_c(target, data, **named):
        write_atomic(target, data, **named)
        if not pressed and target.suffix == ".pdf":
            pressed.append(target)
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(sheets.batch.run, "write_atomic", write_then_ctrl_c)
    names = [p.stem for p in RECORDS][:6]
    inputs, out = tmp_path / "in", tmp_path / "out"
    copy_records(inputs, names)
    report = run_batch(expand_inputs([str(inputs)]), out, workers=1)

    made = pdfs_in(out)
    recorded = manifest_entries(out)
    assert report.interrupted and 1 <= report.counts[MADE] == len(made) < len(names)
    assert sorted(made) == sorted(entry["output"] for entry in recorded)


def test_a_sheet_is_made_again_on_the_day_its_record_needs_a_new_banner(tmp_path):
    """An unchanged record's sheet is kept only while it is still right: a re-run on or after
    the day its record turns a year old makes it again, with the banner."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    study = json.loads((DATA / "records" / "NCT04474964.json").read_text("utf-8"))
    study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-01-10"}
    inputs.mkdir()
    (inputs / "NCT04474964.json").write_text(json.dumps(study), "utf-8")

    def made_on(day):
        report = run_batch(expand_inputs([str(inputs)]), out, SheetOptions(generated_on=day), workers=1)
        return [r.status for r in report.results]

    assert made_on(date(2026, 12, 6)) == [MADE]
    assert made_on(date(2027, 1, 10)) == [UNCHANGED]  # a year to the day: not stale yet
    assert made_on(date(2027, 1, 11)) == [MADE]
    assert "more than a year before this sheet was made" in text_of((out / "NCT04474964.pdf").read_bytes())
    assert made_on(date(2027, 2, 1)) == [UNCHANGED]


def test_a_batchs_results_live_on_disk_in_input_order_with_their_counts():
    from sheets.batch.results import ResultLog, SheetResult

    log = ResultLog()
    for position, status in ((2, "failed"), (0, "made"), (1, "made")):  # as workers finish
        log.add(position, SheetResult(record=f"r{position}\udc80", status=status, error="x" * position))
    assert [r.record for r in log] == ["r0\udc80", "r1\udc80", "r2\udc80"]  # input order, text whole
    assert log[2].error == "xx" and [r.status for r in log[:2]] == ["made", "made"]
    assert log.counts == {"made": 2, "failed": 1} and len(log) == 3


def test_the_runs_seen_before_index_keeps_labels_exactly_off_the_heap():
    from sheets.batch.results import LabelIndex

    seen = LabelIndex()
    seen["NCT00000001"] = "records/caf\udce9.json"  # a file name that is not UTF-8
    assert "NCT00000001" in seen and "NCT00000002" not in seen
    assert seen["NCT00000001"] == "records/caf\udce9.json"
    seen["NCT00000001"] = "other.json"
    assert seen.get("NCT00000001") == "other.json"
