"""The on-disk record cache: where it lives, how records are keyed, and that writes are atomic."""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path

import pytest
from conftest import DATA

from sheets.errors import RecordError
from sheets.sources.cache import RecordCache, cache_dir, last_update_of

pytest_plugins = ["conftest_fetch"]
pytestmark = pytest.mark.usefixtures("isolated_cache")

STUDY = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))  # updated 2023-12-14


def reposted(record: dict, date: str | None, title: str = "Updated title") -> dict:
    """The same study as ClinicalTrials.gov would serve it after an update posted on ``date``."""
    record = copy.deepcopy(record)
    status = record["protocolSection"]["statusModule"]
    if date is None:
        status.pop("lastUpdatePostDateStruct", None)
        status.pop("lastUpdateSubmitDate", None)
    else:
        status["lastUpdatePostDateStruct"] = {"date": date, "type": "ACTUAL"}
    record["protocolSection"]["identificationModule"]["briefTitle"] = title
    return record


def test_the_cache_lives_where_sheets_cache_dir_says(isolated_cache):
    assert cache_dir() == isolated_cache
    assert RecordCache().put("NCT06171568", STUDY).is_relative_to(isolated_cache)


def test_without_the_variable_the_cache_is_in_the_users_cache_folder(monkeypatch):
    from platformdirs import user_cache_dir

    monkeypatch.delenv("SHEETS_CACHE_DIR")
    assert cache_dir() == Path(user_cache_dir("trial-sheets", appauthor=False))


def test_a_stored_record_comes_back_unchanged(tmp_path):
    cache = RecordCache(tmp_path)
    path = cache.put("nct06171568", STUDY)
    assert path == tmp_path / "records" / "NCT06171568" / "2023-12-14.json"
    assert cache.get("NCT06171568") == STUDY
    assert cache.get("NCT05607199") is None


def test_a_record_updated_since_is_kept_beside_the_old_one_and_the_newest_wins(tmp_path):
    cache = RecordCache(tmp_path)
    old = cache.put("NCT06171568", STUDY)
    new = cache.put("NCT06171568", reposted(STUDY, "2030-01-02"))
    assert (old.name, new.name) == ("2023-12-14.json", "2030-01-02.json")
    assert cache.versions("NCT06171568") == [old, new]
    assert cache.newest("NCT06171568") == new
    assert (
        cache.get("NCT06171568")["protocolSection"]["identificationModule"]["briefTitle"]
        == "Updated title"
    )


def test_storing_a_record_with_the_same_date_replaces_it(tmp_path):
    cache = RecordCache(tmp_path)
    cache.put("NCT06171568", STUDY)
    cache.put("NCT06171568", reposted(STUDY, "2023-12-14", title="Same date, corrected"))
    assert [p.name for p in cache.versions("NCT06171568")] == ["2023-12-14.json"]
    assert (
        cache.get("NCT06171568")["protocolSection"]["identificationModule"]["briefTitle"]
        == "Same date, corrected"
    )


def test_a_dated_record_is_newer_than_an_undated_one_and_a_day_newer_than_its_month(tmp_path):
    cache = RecordCache(tmp_path)
    day = cache.put("NCT06171568", reposted(STUDY, "2024-03-05"))
    cache.put("NCT06171568", reposted(STUDY, "2024-03"))
    cache.put("NCT06171568", reposted(STUDY, None))
    assert [p.stem for p in cache.versions("NCT06171568")] == ["undated", "2024-03", "2024-03-05"]
    assert cache.newest("NCT06171568") == day


@pytest.mark.parametrize(
    "status, key",
    [
        (
            {
                "lastUpdatePostDateStruct": {"date": "2024-01-31"},
                "lastUpdateSubmitDate": "2024-01-30",
            },
            "2024-01-31",
        ),
        ({"lastUpdateSubmitDate": "2024-01-30"}, "2024-01-30"),
        ({"lastUpdatePostDateStruct": {"date": "../../etc"}}, "undated"),
        ({"lastUpdatePostDateStruct": "2024-01-31"}, "undated"),
        ({}, "undated"),
    ],
)
def test_the_key_is_the_last_update_posted_date_and_nothing_unsafe(status, key):
    assert last_update_of({"protocolSection": {"statusModule": status}}) == key


@pytest.mark.parametrize("bad", ["../../etc/passwd", "NCT0617156", "*"])
def test_only_nct_numbers_name_cache_folders(tmp_path, bad):
    cache = RecordCache(tmp_path)
    with pytest.raises(RecordError, match="not an NCT number"):
        cache.put(bad, STUDY)
    with pytest.raises(RecordError, match="not an NCT number"):
        cache.get(bad)
    assert not (tmp_path / "records").exists()


def test_a_write_leaves_no_temporary_file_behind(tmp_path):
    cache = RecordCache(tmp_path)
    path = cache.put("NCT06171568", STUDY)
    cache.put("NCT06171568", STUDY)
    assert list(path.parent.iterdir()) == [path]


def test_files_that_are_not_cached_records_are_ignored(tmp_path):
    cache = RecordCache(tmp_path)
    folder = tmp_path / "records" / "NCT06171568"
    folder.mkdir(parents=True)
    (folder / ".2030-01-01.json.x1.part").write_text("{", "utf-8")  # a write that crashed
    (folder / "notes.json").write_text("{}", "utf-8")
    assert cache.get("NCT06171568") is None
    kept = cache.put("NCT06171568", STUDY)
    assert cache.newest("NCT06171568") == kept


@pytest.mark.parametrize("content", [b'{"protocolSection": ', b"[1, 2]", b"\xff\xfe"])
def test_a_damaged_cache_file_is_a_record_error_naming_the_file(tmp_path, content):
    cache = RecordCache(tmp_path)
    path = cache.put("NCT06171568", STUDY)
    path.write_bytes(content)
    with pytest.raises(RecordError, match=f"^{re.escape(str(path))}: the cached record"):
        cache.get("NCT06171568")


@pytest.mark.parametrize(
    ("content", "found"),
    [
        ((DATA / "records" / "NCT05607199.json").read_bytes(), "the study NCT05607199"),
        (b'{"protocolSection": {"identificationModule": {}}}', "a study without an NCT number"),
    ],
)
def test_a_cached_file_of_another_study_is_a_record_error_naming_both(tmp_path, content, found):
    cache = RecordCache(tmp_path)
    path = cache.put("NCT06171568", STUDY)
    path.write_bytes(content)
    with pytest.raises(RecordError) as caught:
        cache.get("nct06171568")
    assert str(caught.value) == f"{path}: the cached record holds {found}, not NCT06171568"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"[" * 5_000 + b"]" * 5_000, "the JSON nests deeper than 64 levels"),
        (b'{"n": ' + b"1" * 5_000 + b"}", "the JSON holds a number 5,000 characters long"),
        (None, "is not a regular file (a pipe, device or socket)"),  # a FIFO, that no one writes to
    ],
    ids=["deep", "long-number", "fifo"],
)
def test_a_cached_file_past_the_limits_is_a_record_error_not_a_crash(tmp_path, content, problem):
    cache = RecordCache(tmp_path)
    path = cache.put("NCT06171568", STUDY)
    if content is None:
        path.unlink()
        os.mkfifo(path)
    else:
        path.write_bytes(content)
    with pytest.raises(RecordError) as caught:
        cache.get("NCT06171568")
    assert str(caught.value).startswith(f"{path}: the cached record cannot be read ({problem}")


def test_a_lone_surrogate_is_cached_as_a_replacement_character(tmp_path):
    cache = RecordCache(tmp_path)
    path = cache.put("NCT06171568", reposted(STUDY, "2024-01-31", title="Broken \ud800 title"))
    assert '"Broken \ufffd title"' in path.read_text("utf-8")
    title = cache.get("NCT06171568")["protocolSection"]["identificationModule"]["briefTitle"]
    assert title == "Broken \ufffd title"
