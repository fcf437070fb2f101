"""A record by file path or NCT number: cache first, the API when needed, and `sheets make/fetch`.

The API is a real HTTP server on 127.0.0.1 serving the real records in tests/data/records;
the number of requests it logs is how the tests know the cache was (or was not) used.
"""

from __future__ import annotations

import copy
import json
import re
import socket

import pytest
from click.testing import CliRunner
from conftest import DATA
from pdfcheck import text_of

from sheets.cli import main
from sheets.errors import RecordError
from sheets.sources.cache import RecordCache
from sheets.sources.ctgov import FetchError
from sheets.sources.record import load_trial
from sheets.sources.resolve import RecordSource, fetch_records, resolve_trial

pytest_plugins = ["conftest_fetch"]
pytestmark = pytest.mark.usefixtures("isolated_cache")


def study(nct_id: str) -> dict:
    return json.loads((DATA / "records" / f"{nct_id}.json").read_text("utf-8"))


def reposted(record: dict, date: str, title: str) -> dict:
    record = copy.deepcopy(record)
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = date
    record["protocolSection"]["identificationModule"]["briefTitle"] = title
    return record


STUDY = study("NCT06171568")  # last updated 2023-12-14
OTHER = study("NCT05607199")
PATH = "/api/v2/studies/NCT06171568"


def unreachable_api() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/api/v2"


# resolve_trial


def test_a_file_path_is_read_as_a_file(server):
    path = DATA / "records" / "NCT05607199.json"
    assert resolve_trial(str(path)) == load_trial(path)
    assert resolve_trial(str(DATA / "xml" / "NCT03204344.xml")).nct_id == "NCT03204344"
    assert server.log == []


def test_an_nct_number_is_fetched_once_then_served_from_the_cache(server, api, isolated_cache):
    server.expect_request(PATH).respond_with_json(STUDY)
    first = resolve_trial(" nct06171568 ", api_url=api)
    assert (first.nct_id, first.source) == ("NCT06171568", "NCT06171568")
    assert first.brief_title == STUDY["protocolSection"]["identificationModule"]["briefTitle"]
    assert (isolated_cache / "records" / "NCT06171568" / "2023-12-14.json").is_file()
    assert resolve_trial("NCT06171568", api_url=api) == first
    assert len(server.log) == 1, "the second lookup must make no request"


def test_the_api_address_can_come_from_the_environment(server, api, monkeypatch):
    server.expect_request(PATH).respond_with_json(STUDY)
    monkeypatch.setenv("SHEETS_API_URL", api)
    assert resolve_trial("NCT06171568").nct_id == "NCT06171568"
    assert len(server.log) == 1


def test_refresh_fetches_again_and_keeps_the_updated_record_beside_the_old(server, api):
    server.expect_ordered_request(PATH).respond_with_json(STUDY)
    server.expect_ordered_request(PATH).respond_with_json(
        reposted(STUDY, "2031-05-06", "Updated title")
    )
    resolve_trial("NCT06171568", api_url=api)
    refreshed = resolve_trial("NCT06171568", api_url=api, refresh=True)
    assert refreshed.brief_title == "Updated title" and len(server.log) == 2
    assert [p.name for p in RecordCache().versions("NCT06171568")] == [
        "2023-12-14.json",
        "2031-05-06.json",
    ]
    assert resolve_trial("NCT06171568", offline=True).brief_title == "Updated title"


def test_refresh_with_the_api_unreachable_says_so_rather_than_using_an_old_copy(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    resolve_trial("NCT06171568", api_url=api)
    with pytest.raises(FetchError, match="^NCT06171568: cannot reach"):
        resolve_trial("NCT06171568", api_url=unreachable_api(), refresh=True)


def test_offline_uses_the_cache_and_never_the_network(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    online = resolve_trial("NCT06171568", api_url=api)
    assert resolve_trial("NCT06171568", api_url=unreachable_api(), offline=True) == online
    assert resolve_trial("NCT06171568", api_url=api, offline=True, refresh=True) == online
    assert len(server.log) == 1


def test_offline_with_an_empty_cache_is_a_clear_error_and_no_request(server, api, isolated_cache):
    with pytest.raises(RecordError) as caught:
        resolve_trial("NCT06171568", api_url=api, offline=True)
    assert str(caught.value) == (
        f"NCT06171568: not in the record cache ({isolated_cache / 'records'}), and --offline forbids fetching it"
    )
    assert server.log == []


@pytest.mark.parametrize("spec", ["NCT123", "nct 06171568", "NCT061715689"])
def test_a_mistyped_nct_number_is_named_as_such_not_as_a_missing_file(server, spec):
    with pytest.raises(RecordError, match=f"^{re.escape(spec)}: this is not an NCT number"):
        resolve_trial(spec)
    assert server.log == []


def test_a_file_named_like_an_nct_number_is_read_as_the_file(server, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "NCT05607199").write_text(json.dumps(OTHER), "utf-8")
    assert resolve_trial("NCT05607199").source == "NCT05607199"
    assert server.log == []


def test_an_answer_that_cannot_become_a_sheet_is_not_cached(server, api, isolated_cache):
    broken = copy.deepcopy(STUDY)
    broken["protocolSection"]["designModule"] = "not an object"
    server.expect_request(PATH).respond_with_json(broken)
    for _ in range(2):
        with pytest.raises(
            RecordError, match=r"^NCT06171568: \"protocolSection.designModule\" is not an object"
        ):
            resolve_trial("NCT06171568", api_url=api)
    assert len(server.log) == 2, "a refused answer must not be served from the cache"
    assert not (isolated_cache / "records" / "NCT06171568").exists()


def test_a_damaged_cache_file_is_fetched_again_online_and_named_offline(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    damaged = RecordCache().put("NCT06171568", STUDY)
    damaged.write_text('{"protocolSection": ', "utf-8")
    with pytest.raises(
        RecordError, match=f"^{re.escape(str(damaged))}: the cached record cannot be read"
    ):
        resolve_trial("NCT06171568", offline=True)
    assert resolve_trial("NCT06171568", api_url=api).nct_id == "NCT06171568"
    assert json.loads(damaged.read_text("utf-8")) == STUDY and len(server.log) == 1


def test_one_record_source_uses_one_client_only_when_it_must(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    RecordCache().put("NCT05607199", OTHER)
    with RecordSource(api_url=api) as source:
        assert source.trial("NCT05607199").nct_id == "NCT05607199"
        assert source.trial("NCT06171568").nct_id == "NCT06171568"
    assert len(server.log) == 1


# fetch_records


def test_fetched_records_are_saved_as_files_that_make_sheets_later(server, api, tmp_path):
    server.expect_request(PATH).respond_with_json(STUDY)
    server.expect_request("/api/v2/studies/NCT05607199").respond_with_json(OTHER)
    saved = fetch_records(
        ["NCT06171568", " nct05607199", "NCT06171568"], tmp_path / "out", api_url=api
    )
    assert saved == [tmp_path / "out" / "NCT06171568.json", tmp_path / "out" / "NCT05607199.json"]
    assert json.loads(saved[0].read_text("utf-8")) == STUDY
    assert load_trial(saved[1]).sponsor == "Aurigene Discovery Technologies Limited"
    assert len(server.log) == 2, "a number given twice is fetched once"
    fetch_records(["NCT06171568"], tmp_path / "again", api_url=api)
    assert len(server.log) == 2, "a cached record is saved without a request"


def test_fetch_checks_every_number_before_asking_for_any(server, api, tmp_path):
    with pytest.raises(RecordError, match="^NCT0560719: this is not an NCT number"):
        fetch_records(["NCT06171568", "NCT0560719"], tmp_path, api_url=api)
    assert server.log == [] and list(tmp_path.iterdir()) == []


# the command line


def test_make_takes_an_nct_number_and_a_second_run_makes_no_request(server, api, tmp_path):
    server.expect_request(PATH).respond_with_json(STUDY)
    runner = CliRunner()
    first = runner.invoke(
        main, ["make", "NCT06171568", "--api-url", api, "-o", str(tmp_path / "a.pdf")]
    )
    assert first.exit_code == 0, first.output
    assert first.output == f"Wrote {tmp_path / 'a.pdf'}\n"
    assert "NCT06171568" in text_of((tmp_path / "a.pdf").read_bytes())
    second = runner.invoke(
        main, ["make", "nct06171568", "-o", str(tmp_path / "b.pdf")], env={"SHEETS_API_URL": api}
    )
    assert second.exit_code == 0, second.output
    assert len(server.log) == 1


def test_make_refresh_and_offline_choose_the_network_or_the_cache(server, api, tmp_path):
    server.expect_request(PATH).respond_with_json(STUDY)
    RecordCache().put("NCT06171568", reposted(STUDY, "2020-01-01", "An older cached copy"))
    runner = CliRunner()
    offline = runner.invoke(
        main, ["make", "NCT06171568", "--offline", "--api-url", api, "-o", str(tmp_path / "o.pdf")]
    )
    assert offline.exit_code == 0, offline.output
    assert "An older cached copy" in text_of((tmp_path / "o.pdf").read_bytes()) and server.log == []
    refreshed = runner.invoke(
        main, ["make", "NCT06171568", "--refresh", "--api-url", api, "-o", str(tmp_path / "r.pdf")]
    )
    assert refreshed.exit_code == 0, refreshed.output
    assert (
        "An older cached copy" not in text_of((tmp_path / "r.pdf").read_bytes())
        and len(server.log) == 1
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--offline"], "NCT06171568: not in the record cache ("),
        ([], "NCT06171568: no such study on "),
    ],
    ids=["offline-empty-cache", "not-found"],
)
def test_make_failures_are_one_line_and_write_nothing(server, api, tmp_path, args, message):
    server.expect_request(PATH).respond_with_data("Not Found", status=404)
    result = CliRunner().invoke(
        main, ["make", "NCT06171568", *args, "--api-url", api, "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {message}") and result.output.count("\n") == 1
    assert not (tmp_path / "x.pdf").exists()


def test_make_with_the_network_down_is_one_line(tmp_path):
    result = CliRunner().invoke(
        main, ["make", "NCT06171568", "--api-url", unreachable_api(), "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert result.output.startswith("Error: NCT06171568: cannot reach http://127.0.0.1:")


def test_the_fetch_command_saves_records_for_offline_use(server, api, tmp_path):
    server.expect_request(PATH).respond_with_json(STUDY)
    server.expect_request("/api/v2/studies/NCT05607199").respond_with_json(OTHER)
    out = tmp_path / "records"
    result = CliRunner().invoke(
        main, ["fetch", "NCT06171568", "nct05607199", "-o", str(out), "--api-url", api]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Saved {out / 'NCT06171568.json'}\nSaved {out / 'NCT05607199.json'}\n"
    offline = CliRunner().invoke(
        main, ["fetch", "NCT05607199", "--offline", "-o", str(tmp_path / "again")]
    )
    assert offline.exit_code == 0 and len(server.log) == 2


def test_the_fetch_command_offline_with_an_empty_cache_is_one_line(server, tmp_path):
    result = CliRunner().invoke(main, ["fetch", "NCT06171568", "--offline", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert (
        result.output.startswith("Error: NCT06171568: not in the record cache")
        and result.output.count("\n") == 1
    )
    assert server.log == [] and list(tmp_path.iterdir()) == []


# a cache that is damaged, or holds another trial's record


def test_another_trials_record_cached_under_a_number_is_fetched_again_not_used(server, api):
    wanted = study("NCT00711542")
    server.expect_request("/api/v2/studies/NCT00711542").respond_with_json(wanted)
    planted = RecordCache().put("NCT00711542", wanted)
    planted.write_text(json.dumps(OTHER), "utf-8")  # NCT05607199's record under NCT00711542's name
    trial = resolve_trial("NCT00711542", api_url=api)
    assert trial.nct_id == "NCT00711542" and len(server.log) == 1
    assert json.loads(planted.read_text("utf-8")) == wanted, "the wrong copy is replaced"


def test_make_offline_with_another_trials_record_cached_is_one_line_and_no_sheet(tmp_path):
    planted = RecordCache().put("NCT00711542", study("NCT00711542"))
    planted.write_text(json.dumps(OTHER), "utf-8")
    out = tmp_path / "x.pdf"
    result = CliRunner().invoke(main, ["make", "NCT00711542", "--offline", "-o", str(out)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {planted}: the cached record holds the study NCT05607199, not NCT00711542\n"
    )
    assert not out.exists()


def test_a_cached_record_past_the_limits_is_fetched_again(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    planted = RecordCache().put("NCT06171568", STUDY)
    planted.write_bytes(b"[" * 100_000)
    assert resolve_trial("NCT06171568", api_url=api).nct_id == "NCT06171568"
    assert json.loads(planted.read_text("utf-8")) == STUDY and len(server.log) == 1


def test_a_fetched_record_with_a_lone_surrogate_is_saved_and_cached_readable(server, api, tmp_path):
    broken = reposted(STUDY, "2023-12-14", "Broken \ud800 title")
    server.expect_request(PATH).respond_with_data(
        json.dumps(broken), content_type="application/json"
    )
    result = CliRunner().invoke(
        main, ["fetch", "NCT06171568", "-o", str(tmp_path), "--api-url", api]
    )
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "NCT06171568.json").read_text("utf-8"))
    assert saved["protocolSection"]["identificationModule"]["briefTitle"] == "Broken \ufffd title"
    assert resolve_trial("NCT06171568", offline=True).brief_title == "Broken \ufffd title"
