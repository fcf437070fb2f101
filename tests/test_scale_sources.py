"""Sources at registry scale, streamed: the bulk download read in place one member at a time
(checked, its names only labels), the API asked for what changed in a date range page by page,
and sheets written flat or into NN/ shard folders with skip-if-unchanged in both."""

from __future__ import annotations

import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, RECORDS

from sheets.batch import bulk
from sheets.batch.inputs import expand_inputs
from sheets.batch.manifest import Manifest
from sheets.cli import main

pytest_plugins = ["conftest_fetch"]

SMALL = [p for p in RECORDS if p.stat().st_size < 40_000]  # 11 of the 15, to keep the zip quick


def study_numbered(path: Path, nct_id: str) -> dict:
    study = json.loads(path.read_text("utf-8"))
    study["protocolSection"]["identificationModule"]["nctId"] = nct_id
    return study


def bulk_zip(path: Path, count: int) -> list[str]:
    """A bulk download of ``count`` studies made from the real test records, each with its
    own NCT number, one ``NCT….json`` member each (deflated, as ClinicalTrials.gov ships it)."""
    numbers = [f"NCT9{n:07d}" for n in range(count)]
    texts = [json.dumps(study_numbered(path, "NCT99999999")) for path in SMALL]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for n, number in enumerate(numbers):
            archive.writestr(f"{number}.json", texts[n % len(texts)].replace("NCT99999999", number))
    return numbers


def test_a_bulk_download_of_2000_studies_streams_one_member_at_a_time(tmp_path):
    archive = tmp_path / "ctg-studies.json.zip"
    numbers = bulk_zip(archive, 2000)

    items = expand_inputs([str(archive)])
    assert iter(items) is items  # a generator: nothing is listed before the batch asks
    tracemalloc.start()
    try:
        read, labels = 0, []
        for item, number in zip(items, numbers, strict=True):
            assert item.data is None and item.error == ""  # no bytes held until the batch reads
            data = item.read()
            assert f'"nctId": "{number}"'.encode() in data
            read += len(data)
            labels.append(item.label)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert labels == [f"{archive} {number}.json" for number in numbers]
    assert read > 20_000_000 and peak < read / 10, f"peak {peak:,} bytes while reading {read:,}"


def test_the_bulk_downloads_members_are_checked_and_their_names_are_only_labels(tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_RECORD_BYTES", 100_000)
    archive = tmp_path / "bulk.zip"
    good = json.dumps(study_numbered(SMALL[0], "NCT90000001")).encode()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.writestr("../../escape/NCT90000001.json", good)
        writer.writestr("studies/", b"")  # a folder: skipped
        writer.writestr("README.txt", b"not a record")  # not a record file: skipped
        writer.writestr("__MACOSX/._NCT90000001.json", b"\0\5\26\7")  # a Mac's leftovers: skipped
        writer.writestr("big.json", b" " * 150_000 + b"{}")
        writer.writestr("bomb.json", b" " * 500_000 + b"{}")
        writer.writestr("crc.json", good)
        writer.writestr("secret.json", good)
        writer.writestr("bzip.json", good, compress_type=zipfile.ZIP_BZIP2)
        writer.getinfo("bomb.json").file_size = 10  # its listing lies about how large it is
        writer.getinfo("crc.json").CRC ^= 1
        writer.getinfo("secret.json").flag_bits |= 0x1

    items = {item.label.removeprefix(f"{archive} "): item for item in expand_inputs([str(archive)])}

    assert list(items) == ["../../escape/NCT90000001.json", "big.json", "bomb.json", "crc.json",
                           "secret.json", "bzip.json"]  # fmt: skip
    assert items["../../escape/NCT90000001.json"].read() == good
    assert items["big.json"].error.endswith("big.json: is too large for a study record (the limit is 100,000 bytes)")
    assert items["secret.json"].error.endswith("secret.json: is encrypted; only plain archives are read")
    assert items["bzip.json"].error.endswith("is compressed in a way this reader does not read (method 12)")
    for name, problem in [("bomb.json", "is too large for a study record"),
                          ("crc.json", "the archive is damaged here: its size or checksum")]:  # fmt: skip
        with pytest.raises(OSError) as caught:
            items[name].read()
        assert caught.value.strerror.startswith(problem), caught.value.strerror
    assert not (tmp_path.parent / "escape").exists() and sorted(os.listdir(tmp_path)) == ["bulk.zip"]


def test_an_archive_that_is_not_a_zip_or_is_cut_short_is_one_line(tmp_path):
    fake = tmp_path / "fake.zip"
    fake.write_text("not a zip", "utf-8")
    whole = tmp_path / "whole.zip"
    bulk_zip(whole, 3)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:-30])  # the end record is gone
    assert [item.error for item in expand_inputs([str(fake), str(cut)])] == [
        f"{fake}: is not a zip archive (or its end is missing)",
        f"{cut}: is not a zip archive (or its end is missing)",
    ]


def test_a_zip64_archive_is_read_too(tmp_path, monkeypatch):
    """The real bulk download has over 65,535 members, so its directory is zip64; zipfile is
    made to write zip64 records for three members here (its limits lowered while writing)."""
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 2)
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 64)
    archive = tmp_path / "bulk64.zip"
    numbers = bulk_zip(archive, 3)
    monkeypatch.undo()
    assert b"PK\x06\x06" in archive.read_bytes()[-200:]  # the zip64 end record
    items = list(expand_inputs([str(archive)]))
    found = [json.loads(i.read())["protocolSection"]["identificationModule"]["nctId"] for i in items]
    assert found == numbers


def test_a_list_streams_past_a_line_over_the_record_limit(tmp_path, monkeypatch):
    import sheets.batch.inputs

    monkeypatch.setattr(sheets.batch.inputs, "MAX_RECORD_BYTES", 1000)
    lines = tmp_path / "list.jsonl"
    lines.write_bytes(b'{"a": 1}\n' + b"x" * 5000 + b"\n" + b'{"b": 2}\r\n')
    items = list(expand_inputs([str(lines)]))
    assert [(i.label, i.data) for i in items] == [
        (f"{lines} line 1", b'{"a": 1}'), (f"{lines} line 2", None), (f"{lines} line 3", b'{"b": 2}'),
    ]  # fmt: skip
    assert items[1].error == f"{lines} line 2: is too large for a study record (the limit is 1,000 bytes)"


# The API, asked for what changed


def page(*paths: Path, token: str = "") -> dict:
    answer: dict = {"studies": [json.loads(p.read_text("utf-8")) for p in paths]}
    if token:
        answer["nextPageToken"] = token
    return answer


@pytest.mark.usefixtures("isolated_cache")
def test_a_date_range_search_asks_for_filter_advanced_and_streams_page_by_page(server, api):
    query = {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-12-01,MAX]", "pageSize": "100"}
    server.expect_ordered_request("/api/v2/studies", query_string=query).respond_with_json(
        page(*RECORDS[:2], token="t2"))  # fmt: skip
    server.expect_ordered_request("/api/v2/studies", query_string={**query, "pageToken": "t2"}
                                  ).respond_with_json(page(RECORDS[2]))  # fmt: skip
    spec = "search:updated-since=2026-12-01"

    items = expand_inputs([spec], api_url=api)
    first = next(items)
    assert len(server.log) == 1  # the second page is asked for only when the batch reaches it
    rest = list(items)

    assert [first.label, *(i.label for i in rest)] == [f"{spec} #{n}" for n in (1, 2, 3)]
    assert [response.status_code for _, response in server.log] == [200, 200]


@pytest.mark.usefixtures("isolated_cache")
@pytest.mark.parametrize(
    ("spec", "query"),
    [
        ("search:status=RECRUITING&max=50000", {"filter.overallStatus": "RECRUITING"}),
        ("search:updated-since=2026-12-01&updated-until=2026-12-07&status=RECRUITING,NOT_YET_RECRUITING",
         {"filter.advanced": "AREA[LastUpdatePostDate]RANGE[2026-12-01,2026-12-07]",
          "filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING"}),
        ("search:cond=melanoma&updated-until=2025-06-30",
         {"query.cond": "melanoma", "filter.advanced": "AREA[LastUpdatePostDate]RANGE[MIN,2025-06-30]"}),
    ],
    ids=["all-recruiting", "a-week-of-open-trials", "unchanged-since"],
)  # fmt: skip
def test_each_search_sends_its_filters(server, api, spec, query):
    server.expect_request("/api/v2/studies", query_string={**query, "pageSize": "100"}
                          ).respond_with_json(page(RECORDS[0]))  # fmt: skip
    items = list(expand_inputs([spec], api_url=api))
    assert [(i.label, i.error) for i in items] == [(f"{spec} #1", "")]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("search:updated-since=yesterday", "updated-since must be a date (YYYY-MM-DD), not 'yesterday'"),
        ("search:updated-since=2026-12-08&updated-until=2026-12-01",
         "updated-since is after updated-until, so nothing can match"),
        ("search:max=10", "a search needs cond=, term=, locn=, status= or updated-since= (for every"
                          " study, give the bulk download, ctg-studies.json.zip)"),
    ],
)  # fmt: skip
def test_a_search_that_cannot_be_asked_is_one_line_before_any_request(spec, problem):
    (item,) = expand_inputs([spec], api_url="http://127.0.0.1:9/never-asked")
    assert item.error == f"{spec}: {problem}"


# The sharded layout


def test_a_sharded_batch_writes_nn_folders_and_a_rerun_skips_every_sheet(tmp_path):
    names = ("NCT03453554", "NCT05594173", "NCT06171568")  # short sheets
    archive = tmp_path / "bulk.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
        for name in names[:2]:
            writer.write(DATA / "records" / f"{name}.json", f"{name}.json")
        writer.write(DATA / "records" / f"{names[2]}.json", f"../../escape/{names[2]}.json")
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out.mkdir()
    (out / "73").symlink_to(elsewhere)  # a shard folder that leads out: never written through
    command = ["batch", str(archive), "-o", str(out), "--layout", "sharded", "-j", "2"]

    first = CliRunner().invoke(main, command)

    assert first.exit_code == 1, first.output
    assert f"failed: {out / '73'} is not a folder (a link or a file?); its sheets are not written" in first.output
    assert list(elsewhere.iterdir()) == [] and not (tmp_path / "escape").exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "54/NCT03453554.pdf", "68/NCT06171568.pdf"]  # fmt: skip

    (out / "73").unlink()
    (out / "54" / ".NCT03453554.pdf.x1y2.part").write_bytes(b"%PDF-half")  # left by a kill
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    second = CliRunner().invoke(main, command)
    assert second.exit_code == 0, second.output
    third = CliRunner().invoke(main, command)

    assert third.exit_code == 0, third.output
    report = json.loads((out / "sheets-batch-report.json").read_text("utf-8"))
    assert report["counts"] == {"unchanged": 3}
    assert [row["output"] for row in report["records"]] == [
        str(out / name[-2:] / f"{name}.pdf") for name in names]  # fmt: skip
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # kept, not made again
    assert not list(out.rglob("*.part"))
    manifest = Manifest(out, "sharded")
    assert sorted(e["output"] for e in manifest.entries()) == sorted(f"{n[-2:]}/{n}.pdf" for n in names)
    manifest.compact()
