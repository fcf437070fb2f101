"""Atomic writes: a failure leaves no file, not even a temporary one, and says so in one line."""

from __future__ import annotations

import pytest

from sheets.errors import SheetsError
from sheets.files import write_atomic


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
