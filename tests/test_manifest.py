"""The batch manifest is read as untrusted and never written through a link: a bad entry is
dropped with a one-line warning and its sheet made again; a link, pipe or folder in its place
never stops a batch or sends its lines anywhere else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import DATA

from sheets.batch.inputs import expand_inputs
from sheets.batch.manifest import MANIFEST, Manifest
from sheets.batch.run import run_batch
from sheets.cli import main

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


def test_each_bad_manifest_entry_is_dropped_with_a_warning_and_its_sheet_made_again(tmp_path):
    numbers = records(tmp_path / "in", 4)
    first, _ = batch(tmp_path, "-j", "2")
    assert first.exit_code == 0, first.output
    manifest = tmp_path / "out" / MANIFEST
    entries = {e["nct_id"]: e for e in map(json.loads, manifest.read_text("utf-8").splitlines())}
    # the first record's entry stays good; the next three are spoilt, and so are lines for
    # trials this batch does not name (made by an earlier batch into the same folder)
    others = [dict(entries[numbers[0]], nct_id=f"NCT9000{n:04d}", output=f"NCT9000{n:04d}.pdf")
              for n in range(50, 50 + len(CORRUPTIONS) - 3)]  # fmt: skip
    spoilt = [entries[n] for n in numbers[1:]] + others
    lines = [json.dumps(entries[numbers[0]]).encode()]
    lines += [corrupt(entry, how) for entry, how in zip(spoilt, CORRUPTIONS, strict=True)]
    manifest.write_bytes(b"\n".join(lines) + b"\n")

    again, statuses = batch(tmp_path, "-j", "2")

    assert again.exit_code == 0, again.output
    assert statuses == {numbers[0]: "unchanged"} | {n: "made" for n in numbers[1:]}
    warned = warnings_in(again.output)
    assert [w.split(" line ")[1].split(":")[0] for w in warned] == [str(n) for n in range(2, len(lines) + 1)]
    for line in warned:
        assert line.startswith(f"Warning: {manifest} line ") and line.endswith("; that sheet is made again")
    assert "is nested too deeply" in warned[6] and "is not JSON" in warned[5]
    rewritten = [json.loads(line) for line in manifest.read_text("utf-8").splitlines()]
    assert sorted(e["nct_id"] for e in rewritten) == numbers  # whole again after the run


def test_a_manifest_that_is_a_link_is_replaced_and_what_it_points_at_is_untouched(tmp_path):
    records(tmp_path / "in", 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    (tmp_path / "out").mkdir()
    manifest = tmp_path / "out" / MANIFEST
    manifest.symlink_to(victim)

    result, statuses = batch(tmp_path, "-j", "1")

    assert result.exit_code == 0, result.output
    assert statuses == {"NCT90000001": "made"}
    assert victim.read_text("utf-8") == "precious\n"
    assert not manifest.is_symlink() and json.loads(manifest.read_text("utf-8"))["nct_id"] == "NCT90000001"
    assert warnings_in(result.output) == [
        f"Warning: {manifest} is a link; it is not followed, and a new manifest replaces it"
    ]
    again, statuses = batch(tmp_path, "-j", "1")
    assert statuses == {"NCT90000001": "unchanged"} and warnings_in(again.output) == []


def test_a_link_put_in_its_place_during_the_run_is_replaced_not_followed(tmp_path, monkeypatch):
    records(tmp_path / "in", 1)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", "utf-8")
    manifest = tmp_path / "out" / MANIFEST
    open_log = Manifest._open_log

    def link_first(self):  # after the manifest was read, before its first line is written
        self.path.symlink_to(victim)
        return open_log(self)

    monkeypatch.setattr(Manifest, "_open_log", link_first)
    report = run_batch(expand_inputs([str(tmp_path / "in")]), tmp_path / "out", workers=1)

    assert [r.status for r in report.results] == ["made"]
    assert victim.read_text("utf-8") == "precious\n"
    assert not manifest.is_symlink() and json.loads(manifest.read_text("utf-8"))["nct_id"] == "NCT90000001"


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
    assert json.loads(manifest.read_text("utf-8"))["nct_id"] == "NCT90000001"


def test_the_fingerprint_covers_the_whole_package_not_only_the_batch_code():
    # A change to the plain-English rules or a template re-makes every sheet, as the README says.
    from pathlib import Path

    import sheets
    from sheets.batch import manifest

    assert manifest._code_hash() == manifest._folder_hash(Path(sheets.__file__).resolve().parent)
