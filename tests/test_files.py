"""Bounded reads and atomic writes: a failure leaves no file, not even a temporary one, and says so
in one line; a read never blocks on a pipe or runs past its limit."""

from __future__ import annotations

import pytest

from sheets.errors import SheetsError
from sheets.files import read_regular, write_atomic


def test_a_write_lands_whole_and_leaves_no_temporary_file(tmp_path):
    write_atomic(tmp_path / "a" / "b.pdf", b"%PDF-1.7 whole")
    assert (tmp_path / "a" / "b.pdf").read_bytes() == b"%PDF-1.7 whole"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.pdf"]


def test_a_failed_write_raises_the_projects_error_naming_what_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(SheetsError, match=r"^cannot write the booklet .*blocker/b\.pdf: "):
        write_atomic(blocker / "b.pdf", b"data", what="the booklet ")
    taken = tmp_path / "taken.pdf"
    taken.mkdir()  # a folder where the PDF should go: the rename fails after the data is written
    with pytest.raises(SheetsError, match=r"^cannot write .*taken\.pdf: "):
        write_atomic(taken, b"data")
    assert {p.name for p in tmp_path.iterdir()} == {"blocker", "taken.pdf"}  # no ".part" file left


def test_a_bounded_read_refuses_folders_pipes_devices_and_big_files_in_one_line(tmp_path):
    import os

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)  # no writer: a blocking open would hang here
    big = tmp_path / "big.json"
    big.write_bytes(b"x" * 101)
    cases = {tmp_path: "is a folder", pipe: "is not a regular file", "/dev/zero": "is not a regular file",
             big: "is too large", tmp_path / "gone": "no such file"}  # fmt: skip
    open_before = len(os.listdir(f"/proc/{os.getpid()}/fd"))
    for path, problem in cases.items():
        with pytest.raises(SheetsError, match=rf"^the record {path}: {problem}") as caught:
            read_regular(path, limit=100, what="the record")
        assert "\n" not in str(caught.value)
    assert read_regular(big, limit=101) == b"x" * 101
    assert len(os.listdir(f"/proc/{os.getpid()}/fd")) == open_before  # no descriptor left open
