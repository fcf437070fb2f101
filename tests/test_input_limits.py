"""Record input is checked before it is trusted: what is not a regular file is refused unread,
JSON and XML past the limits are one `RecordError` (never a RecursionError, a ValueError or a
hang), lone surrogates are replaced as the record is read, and the errors survive pickling.

Each case checks what a user gets: the exception and its one line naming the record, or
`sheets make` ending with exit 1, one line and no PDF.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT

from sheets.batch.inputs import expand_inputs
from sheets.cli import main
from sheets.errors import RecordError, SheetsError
from sheets.sources import limits
from sheets.sources.legacy_xml import trial_from_xml
from sheets.sources.limits import MAX_DEPTH, MAX_NUMBER_LENGTH, json_depth, parse_json
from sheets.sources.record import load_trial, trial_from_bytes
from sheets.sources.resolve import is_record_source

STUDY = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
XML = (DATA / "xml" / "NCT03204344.xml").read_bytes()


def with_field(value_json: str) -> bytes:
    """The real record with one more top-level field, written as raw JSON text."""
    return json.dumps(STUDY).encode()[:-1] + b', "extra": ' + value_json.encode() + b"}"


def make(tmp_path: Path, record: Path | str, *args: str):
    """`sheets make RECORD` in this process; the result and where its PDF would be."""
    output = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(main, ["make", str(record), "-o", str(output), *args])
    return result, output


def assert_one_line_and_no_pdf(result, output: Path, problem: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and problem in result.output, result.output
    assert "Traceback" not in result.output and "bug" not in result.output
    assert not output.exists()


# Files that are not regular files


def test_a_fifo_as_the_record_is_refused_at_once_by_the_command(tmp_path):
    fifo = tmp_path / "record.json"
    os.mkfifo(fifo)  # no writer: a blocking open would wait for ever
    output = tmp_path / "sheet.pdf"
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from sheets.cli import main; main()", "make", str(fifo), "-o", str(output)],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert time.monotonic() - started < 30
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == f"Error: {fifo}: is not a regular file (a pipe, device or socket)\n"
    assert not output.exists()


def test_a_fifo_is_refused_by_every_reader_without_blocking(tmp_path):
    fifo = tmp_path / "record.json"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(RecordError, match=f"^{fifo}: is not a regular file"):
        load_trial(fifo)
    # `sheets plain FIFO` then reads it as a record, which refuses it
    assert is_record_source(str(fifo))
    for name in ("list.txt", "list.jsonl", "search.json"):
        os.mkfifo(tmp_path / name)
    items = expand_inputs(
        [str(fifo), *(str(tmp_path / n) for n in ("list.txt", "list.jsonl", "search.json"))]
    )
    assert [item.error for item in items] == [
        f"{tmp_path / name}: is not a regular file (a pipe, device or socket)"
        for name in ("record.json", "list.txt", "list.jsonl", "search.json")
    ]
    assert time.monotonic() - started < 5


def test_a_record_file_that_turns_into_a_fifo_during_a_batch_is_that_items_error(tmp_path):
    path = tmp_path / "record.json"
    path.write_text(json.dumps(STUDY), "utf-8")
    (item,) = expand_inputs([str(path)])
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(OSError) as caught:  # what the batch reports as "cannot read the file"
        item.read()
    assert caught.value.strerror == "is not a regular file (a pipe, device or socket)"


def test_dev_zero_is_refused_without_being_read(tmp_path):
    started = time.monotonic()
    with pytest.raises(RecordError, match="^/dev/zero: is not a regular file"):
        load_trial("/dev/zero")
    result, output = make(tmp_path, "/dev/zero")
    assert_one_line_and_no_pdf(result, output, "Error: /dev/zero: is not a regular file")
    assert [item.error for item in expand_inputs(["/dev/zero"])] == [
        "/dev/zero: is not a regular file (a pipe, device or socket)"
    ]
    assert time.monotonic() - started < 5


def test_a_record_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b"{")
    os.truncate(path, limits.MAX_RECORD_BYTES + 1)  # sparse: nothing to read but its size
    limit = f"{limits.MAX_RECORD_BYTES:,}"
    size = f"{limits.MAX_RECORD_BYTES + 1:,}"
    with pytest.raises(
        RecordError, match=f"^{path}: is too large \\({size} bytes; the limit is {limit}\\)"
    ):
        load_trial(path)
    assert [item.error for item in expand_inputs([str(path)])] == [
        f"{path}: is too large for a study record (the limit is {limit} bytes)"
    ]


def test_one_line_of_a_jsonl_file_over_the_record_size_is_refused(monkeypatch):
    from sheets.sources import record

    monkeypatch.setattr(record, "MAX_RECORD_BYTES", 1000)
    with pytest.raises(RecordError, match=r"^list.jsonl line 2: is too large for a study record"):
        trial_from_bytes(json.dumps(STUDY).encode(), "list.jsonl line 2")


# JSON past the limits


DEEP = f"the JSON nests deeper than {MAX_DEPTH} levels (real records nest fewer than 10)"


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"[" * 100_000 + b"]" * 100_000, DEEP),
        (b"[" * 5_000, DEEP),  # not even closed
        (json.dumps({"studies": [STUDY]}).encode()[:-1] + b', "x": ' + b"[" * 65 + b"]" * 65 + b"}", DEEP),
        (with_field("[" * 65 + "]" * 65), DEEP),
        (with_field("1" * 5_000), "the JSON holds a number 5,000 characters long (at most 100 are read)"),
        (with_field("-" + "9" * 4_301), "a number 4,302 characters long"),
        (with_field("1." + "5" * 200), "a number 202 characters long"),
    ],
    ids=["deep-array", "unclosed", "deep-in-search-response", "deep-field", "long-integer",
         "over-python-limit", "long-decimal"],
)  # fmt: skip
def test_json_past_the_limits_is_one_record_error_naming_the_file(tmp_path, document, problem):
    path = tmp_path / "hostile.json"
    path.write_bytes(document)
    with pytest.raises(RecordError) as caught:
        load_trial(path)
    assert str(caught.value).startswith(f"{path}: ") and problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_json_past_the_limits_ends_the_command_with_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("{" + '"a":[' * 10_000, "utf-8")
    result, output = make(tmp_path, path)
    assert_one_line_and_no_pdf(
        result, output, f"Error: {path}: the JSON nests deeper than 64 levels"
    )


def test_depth_is_counted_outside_strings_only():
    brackets = '"[[[[{{{{" "\\"[[[["'
    assert json_depth(f'{{"a": [{brackets}], "b": {{"c": "]]]"}}}}') == 2
    assert json_depth("[" * MAX_DEPTH + "]" * MAX_DEPTH) == MAX_DEPTH
    deep_string = json.dumps({"text": "[" * 10_000})
    assert parse_json(deep_string, "x") == {"text": "[" * 10_000}


def test_numbers_up_to_the_limit_and_long_text_of_digits_are_kept():
    number = "9" * MAX_NUMBER_LENGTH
    assert parse_json(f'{{"n": {number}, "s": "{"1" * 10_000}"}}', "x") == {
        "n": int(number),
        "s": "1" * 10_000,
    }


def test_a_hostile_string_is_scanned_in_linear_time():
    started = time.monotonic()
    with pytest.raises(RecordError, match="not valid JSON"):
        parse_json('"' + '\\"' * 2_000_000, "x")  # a string never closed, full of escapes
    assert time.monotonic() - started < 5


# Lone surrogates


def test_a_lone_surrogate_escape_is_replaced_as_the_record_is_read(tmp_path):
    study = json.loads(json.dumps(STUDY))
    study["protocolSection"]["identificationModule"]["briefTitle"] = "Title \ud800 with \udfff"
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(study), "ascii")  # json.dumps writes them as \ud800 escapes
    trial = load_trial(path)
    assert trial.brief_title == "Title \ufffd with \ufffd"
    assert "😀" == parse_json('"\\ud83d\\ude00"', "x")  # a real pair stays one character


def test_a_record_with_lone_surrogates_makes_a_sheet(tmp_path):
    study = json.loads(json.dumps(STUDY))
    study["protocolSection"]["identificationModule"]["briefTitle"] = "Broken \ud800 title"
    study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"] += "\n* Aged \udc00 18"
    path = tmp_path / "surrogate.json"
    path.write_text(json.dumps(study), "ascii")
    result, output = make(tmp_path, path)
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")


def test_a_search_response_with_a_lone_surrogate_splits_into_records_a_batch_writes(tmp_path):
    broken = json.loads(json.dumps(STUDY))
    broken["protocolSection"]["identificationModule"]["briefTitle"] = "Broken \ud800"
    path = tmp_path / "search.json"
    path.write_text(json.dumps({"studies": [STUDY, broken]}), "ascii")
    items = list(expand_inputs([str(path)]))
    assert [item.label for item in items] == [f"{path} study 1", f"{path} study 2"]
    assert trial_from_bytes(items[1].read(), items[1].label).brief_title == "Broken \ufffd"


# XML


def test_xml_declaring_an_unknown_encoding_is_a_record_error():
    document = XML.replace(b'encoding="UTF-8"', b'encoding="x-no-such-encoding"')
    with pytest.raises(RecordError) as caught:
        trial_from_bytes(document, "old.xml")
    assert str(caught.value) == (
        "old.xml: the XML declares an encoding that cannot be read (unknown encoding: x-no-such-encoding)"
    )


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_xml_nested_past_the_limit_is_a_record_error(depth):
    document = XML.replace(b"<brief_title>", b"<brief_title>" + b"<i>" * depth).replace(
        b"</brief_title>", b"</i>" * depth + b"</brief_title>"
    )
    with pytest.raises(
        RecordError, match=f"^old.xml: the XML nests deeper than {MAX_DEPTH} levels"
    ):
        trial_from_xml(document, "old.xml")


def test_xml_nested_within_the_limit_is_read():
    document = XML.replace(b"<brief_title>", b"<brief_title><i>").replace(
        b"</brief_title>", b"</i></brief_title>"
    )
    assert trial_from_xml(document, "old.xml").brief_title.startswith(
        "Preoperative Oral Carbohydrate"
    )


def test_a_legacy_xml_file_with_a_bom_is_xml_on_every_path_a_record_takes(tmp_path):
    path = tmp_path / "bom.xml"
    path.write_bytes(b"\xef\xbb\xbf" + (DATA / "xml" / "NCT01220531.xml").read_bytes())
    assert load_trial(path).nct_id == "NCT01220531"  # make, fetch, plain
    assert trial_from_bytes(path.read_bytes(), str(path)).nct_id == "NCT01220531"  # a batch worker
    assert is_record_source(str(path))  # `sheets plain` reads it as a record, not as criteria text
    (item,) = expand_inputs([str(path)])
    assert item.error == "" and trial_from_bytes(item.read(), item.label).nct_id == "NCT01220531"


# Pickling, as a batch worker process returns its errors


@pytest.mark.parametrize(
    "error", [SheetsError("a.json: something is wrong"), RecordError("a.json", "not valid JSON")]
)
def test_project_errors_survive_pickling_whole(error):
    error.note = "kept"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error) and copy.args == error.args
    assert copy.__dict__ == error.__dict__
    if isinstance(error, RecordError):
        assert (copy.source, copy.problem) == ("a.json", "not valid JSON")


def test_a_record_error_raised_in_a_worker_process_arrives_as_itself():
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1) as pool:
        future = pool.submit(trial_from_bytes, b"[" * 1000, "worker.json")
        with pytest.raises(RecordError, match="^worker.json: the JSON nests deeper") as caught:
            future.result(timeout=60)
    assert caught.value.source == "worker.json"


# The README states the limits the code uses


def test_the_readme_states_the_limits_the_code_uses():
    readme = (ROOT / "README.md").read_text("utf-8")
    paragraph = readme[readme.index("Limits: ") :].split("\n\n")[0]
    for stated in (f"{limits.MAX_RECORD_BYTES // 2**20} MiB", f"{limits.MAX_LIST_BYTES // 2**20} MiB",
                   f"{MAX_DEPTH} levels", f"{MAX_NUMBER_LENGTH} characters", "sheets/sources/limits.py"):  # fmt: skip
        assert stated in " ".join(paragraph.split()), stated
