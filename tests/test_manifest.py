"""The batch manifest (SQLite) is read as untrusted and never written through a link: a bad
entry is dropped with a one-line warning and its sheet made again; a link, pipe or folder in
its place never stops a batch or sends its rows anywhere else; an old JSON Lines manifest is
moved in once, its bad lines warned about as before."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from sheets.batch.inputs import expand_inputs
from sheets.batch.manifest import LEGACY_MANIFEST, MANIFEST, Manifest
from sheets.batch.run import run_batch
from sheets.cli import main
from sheets.errors import SheetsError

BASE = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))  # a 5-page sheet


def records(folder: Path, count: int) -> list[str]:
    """``count`` copies of one short record, each its own trial: NCT90000001, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    numbers = [f"NCT9000{n:04d}" for n in range(1, count + 1)]
    for number in numbers:
        study = json.loads(json.dumps(BASE))
        study["protocolSection"]["identificationModule"]["nctId"] = number
        (folder / f"{number}.json").write_text(json.dumps(study), "utf-8")
    return numbers


def batch(tmp_path: Path, *args: str):
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "in"), "-o", str(tmp_path / "out"), *args])
    report = json.loads((tmp_path / "out" / "sheets-batch-report.json").read_text("utf-8"))
    statuses = {Path(row["record"]).stem: row["status"] for row in report["records"]}
    return result, statuses


def warnings_in(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Warning: ")]


def entries_in(out: Path) -> dict[str, dict]:
    manifest = Manifest(out)
    try:
        return {entry["nct_id"]: entry for entry in manifest.entries()}
    finally:
        manifest.compact()


def corrupt(entry: dict, how: str) -> bytes:
    bad = dict(entry)
    if how == "torn line":
        return json.dumps(entry).encode()[:40]
    if how == "nested 5,000 deep":
        return b"[" * 5000 + b"]" * 5000
    if how == "a 5,000-digit number":
        return json.dumps(entry).replace(f'"bytes": {entry["bytes"]}', '"bytes": ' + "9" * 5000).encode()
    if how == "missing key":
        del bad["hash"]
    else:
        key, value = {
            "output null": ("output", None), "output a number": ("output", 7),
            "output a list": ("output", ["x.pdf"]), "hash an object": ("hash", {"a": 1}),
            "output outside the folder": ("output", "../../victim.pdf"),
            "bytes text": ("bytes", "22020"),
        }[how]  # fmt: skip
        bad[key] = value
    return json.dumps(bad).encode()


CORRUPTIONS = [
    "output null", "output a number", "output a list", "hash an object", "missing key",
    "torn line", "nested 5,000 deep", "a 5,000-digit number", "output outside the folder",
    "bytes text",
]  # fmt: skip


def test_a_json_lines_manifest_is_moved_in_once_and_each_bad_line_is_warned_about(tmp_path):
    numbers = records(tmp_path / "in", 4)
    first, _ = batch(tmp_path, "-j", "2")
    assert first.exit_code == 0, first.output
    out = tmp_path / "out"
    entries = entries_in(out)
    (out / MANIFEST).unlink()  # as a folder made by the JSON Lines version looks
    # the first record's entry stays good; the next three are spoilt, and so are lines for
    # trials this batch does not name (made by an earlier batch into the same folder)
    others = [dict(entries[numbers[0]], nct_id=f"NCT9000{n:04d}", output=f"NCT9000{n:04d}.pdf")
              for n in range(50, 50 + len(CORRUPTIONS) - 3)]  # fmt: skip
    spoilt = [entries[n] for n in numbers[1:]] + others
    lines = [json.dumps(entries[numbers[0]]).encode()]
    lines += [corrupt(entry, how) for entry, how in zip(spoilt, CORRUPTIONS, strict=True)]
    legacy = out / LEGACY_MANIFEST
    legacy.write_bytes(b"\n".join(lines) + b"\n")

    again, statuses = batch(tmp_path, "-j", "2")

    assert again.exit_code == 0, again.output
    assert statuses == {numbers[0]: "unchanged"} | {n: "made" for n in numbers[1:]}
    warned = warnings_in(again.output)
    assert [w.split(" line ")[1].split(":")[0] for w in warned] == [str(n) for n in range(2, len(lines) + 1)]
    for line in warned:
        assert line.startswith(f"Warning: {legacy} line ") and line.endswith("; that sheet is made again")
    assert "is nested too deeply" in warned[6] and "is not JSON" in warned[5]
    assert '"output" is not where a batch puts NCT90000055.pdf' in warned[8]
    assert not legacy.exists() and Path(f"{legacy}.migrated").read_bytes() == b"\n".join(lines) + b"\n"
    assert sorted(entries_in(out)) == numbers  # the good line, and the sheets made again

    third, statuses = batch(tmp_path, "-j", "2")
    assert statuses == {n: "unchanged" for n in numbers} and warnings_in(third.output) == []


def test_each_bad_row_in_the_database_is_dropped_with_a_warning_and_its_sheet_made_again(tmp_path):
    numbers = records(tmp_path / "in", 4)
    batch(tmp_path, "-j", "2")
    out = tmp_path / "out"
    with sqlite3.connect(out / MANIFEST) as db:  # a hand edit, or another program
        db.execute("UPDATE sheets SET output = '../../victim.pdf' WHERE nct_id = ?", (numbers[1],))
        db.execute("UPDATE sheets SET bytes = 'many' WHERE nct_id = ?", (numbers[2],))
        db.execute("UPDATE sheets SET title = CAST(x'ff' AS TEXT), valid_until = 'soon' WHERE nct_id = ?",
                   (numbers[3],))  # fmt: skip
    db.close()

    again, statuses = batch(tmp_path, "-j", "2")

    assert statuses == {numbers[0]: "unchanged"} | {n: "made" for n in numbers[1:]}
    assert warnings_in(again.output) == [
        f'Warning: {out / MANIFEST}: the entry for {numbers[1]} "output" is not where a batch puts'
        f' {numbers[1]}.pdf, or "bytes" is below 0; that sheet is made again',
        f'Warning: {out / MANIFEST}: the entry for {numbers[2]} "bytes" is missing or not a number;'
        " that sheet is made again",
        f'Warning: {out / MANIFEST}: the entry for {numbers[3]} "valid_until" is not a date; that'
        " sheet is made again",
    ]
    assert sorted(entries_in(out)) == numbers and not (tmp_path / "victim.pdf").exists()


@pytest.mark.parametrize("suffix", ["", "-wal"], ids=["database", "write-ahead-log"])
def test_a_manifest_file_that_is_a_link_is_replaced_and_what_it_points_at_is_untouched(tmp_path, suffix):
    records(tmp_path / "in", 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    (tmp_path / "out").mkdir()
    link = tmp_path / "out" / f"{MANIFEST}{suffix}"
    link.symlink_to(victim)

    result, statuses = batch(tmp_path, "-j", "1")

    assert result.exit_code == 0, result.output
    assert statuses == {"NCT90000001": "made"}
    assert victim.read_text("utf-8") == "precious\n"
    assert not link.is_symlink() and list(entries_in(tmp_path / "out")) == ["NCT90000001"]
    assert warnings_in(result.output) == [
        f"Warning: {link} is a link; it is not followed, and a new manifest replaces it"
    ]
    again, statuses = batch(tmp_path, "-j", "1")
    assert statuses == {"NCT90000001": "unchanged"} and warnings_in(again.output) == []


def test_a_link_put_in_its_place_during_the_run_is_never_written_through(tmp_path):
    """SQLite writes through the files it opened, so a link swapped in mid-run leads nowhere;
    the next run finds the link and replaces it."""
    records(tmp_path / "in", 2)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    manifest = tmp_path / "out" / MANIFEST

    def swap_in_a_link(result):
        if not manifest.is_symlink():
            manifest.unlink()
            manifest.symlink_to(victim)

    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=1,
                       on_result=swap_in_a_link)  # fmt: skip

    assert [r.status for r in report.results] == ["made", "made"]
    assert victim.read_text("utf-8") == "precious\n"
    again = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=1)
    assert victim.read_text("utf-8") == "precious\n" and not manifest.is_symlink()
    assert again.warnings == [f"{manifest} is a link; it is not followed, and a new manifest replaces it"]


def test_a_folder_in_the_manifests_place_is_left_alone_and_the_batch_goes_on(tmp_path):
    records(tmp_path / "in", 1)
    folder = tmp_path / "out" / MANIFEST
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("mine", "utf-8")

    result, statuses = batch(tmp_path, "-j", "1")

    assert result.exit_code == 0, result.output
    assert statuses == {"NCT90000001": "made"} and (tmp_path / "out" / "NCT90000001.pdf").is_file()
    assert (folder / "keep.txt").read_text("utf-8") == "mine"
    assert warnings_in(result.output) == [
        f"Warning: {folder} is a folder; it is left alone, and this batch keeps no manifest"
    ]


def test_a_fifo_as_the_manifest_never_hangs_the_batch(tmp_path):
    records(tmp_path / "in", 1)
    (tmp_path / "out").mkdir()
    manifest = tmp_path / "out" / MANIFEST
    os.mkfifo(manifest)  # no writer: reading it would wait for ever, writing it too
    command = [str(Path(sys.executable).parent / "sheets"), "batch", str(tmp_path / "in"),
               "-o", str(tmp_path / "out"), "-j", "1"]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert warnings_in(result.stderr) == [f"Warning: {manifest} is not a regular file; a new manifest replaces it"]
    assert list(entries_in(tmp_path / "out")) == ["NCT90000001"]


def test_the_migration_keeps_a_trials_last_line_and_never_overrides_the_database(tmp_path):
    """The old manifest appended a line per sheet made, so a trial's last line was its sheet."""
    line = {"nct_id": "NCT00000042", "hash": "a" * 64, "output": "NCT00000042.pdf", "bytes": 5}
    kept = {"nct_id": "NCT00000007", "hash": "c" * 64, "output": "07/NCT00000007.pdf", "bytes": 9}
    manifest = Manifest(tmp_path)
    manifest.add(kept)
    manifest.compact()
    lines = [line, dict(line, hash="b" * 64, bytes=6), dict(kept, hash="d" * 64)]
    (tmp_path / LEGACY_MANIFEST).write_text("".join(json.dumps(e) + "\n" for e in lines), "utf-8")

    manifest = Manifest(tmp_path)
    assert [(e["nct_id"], e["hash"][0], e["bytes"]) for e in manifest.entries()] == [
        ("NCT00000007", "c", 9), ("NCT00000042", "b", 6)]  # fmt: skip
    manifest.compact()
    assert manifest.warnings == [] and (tmp_path / f"{LEGACY_MANIFEST}.migrated").is_file()


def test_a_file_that_is_not_a_manifest_is_set_aside_and_every_sheet_made_again(tmp_path):
    (tmp_path / MANIFEST).write_bytes(b"not a database, only text " * 100)
    manifest = Manifest(tmp_path)
    manifest.compact()
    assert manifest.warnings == [
        f"{tmp_path / MANIFEST} is not a manifest this batch can read (file is not a database);"
        f" it is kept as {MANIFEST}.damaged, and every sheet is made again"
    ]
    assert (tmp_path / f"{MANIFEST}.damaged").read_bytes().startswith(b"not a database")
    assert Manifest(tmp_path).warnings == []


def test_two_batches_cannot_share_an_output_folder_at_once(tmp_path):
    first = Manifest(tmp_path)
    try:
        with pytest.raises(SheetsError, match="is in use by another batch .* locked"):
            Manifest(tmp_path)
    finally:
        first.compact()
    Manifest(tmp_path).compact()  # free again once the first is closed


def test_a_sheet_made_in_one_layout_is_not_up_to_date_in_the_other(tmp_path):
    digest = "a" * 64
    manifest = Manifest(tmp_path)
    (tmp_path / "NCT00000042.pdf").write_bytes(b"%PDF-")
    manifest.add({"nct_id": "NCT00000042", "hash": digest, "output": "NCT00000042.pdf", "bytes": 5,
                  "title": "t", "record": "r", "valid_until": ""})  # fmt: skip
    assert manifest.up_to_date(digest)["output"] == "NCT00000042.pdf"
    manifest.compact()
    sharded = Manifest(tmp_path, "sharded")
    assert sharded.up_to_date(digest) is None  # made again, into 42/
    sharded.compact()


def test_the_fingerprint_covers_the_whole_package_not_only_the_batch_code():
    # A change to the plain-English rules or a template re-makes every sheet, as the README says.
    import sheets
    from sheets.batch import manifest

    assert manifest._code_hash() == manifest._folder_hash(Path(sheets.__file__).resolve().parent)
