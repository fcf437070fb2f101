"""Records from ClinicalTrials.gov, against a real HTTP server on 127.0.0.1 (never the internet).

The server serves recorded responses built from the real records in tests/data; the client
is never patched: paging, 404, 429 then success, a slow answer, malformed JSON, redirects and
the cache are all exercised over real HTTP.
"""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY
from pdfcheck import text_of
from werkzeug import Response

from sheets import RecordError, SheetsError, load_trial
from sheets.cli import main
from sheets.sources.cache import RecordCache
from sheets.sources.ctgov import ClinicalTrialsClient, normalise_nct
from sheets.sources.resolve import resolve_trial

STUDY = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
OTHER = json.loads((DATA / "records" / "NCT05607199.json").read_text("utf-8"))
PATH = "/api/v2/studies/NCT06171568"


@pytest.fixture()
def api(httpserver):
    return httpserver.url_for("/api/v2")


def client(api, **kwargs) -> ClinicalTrialsClient:
    return ClinicalTrialsClient(api, backoff=0, **kwargs)


def test_one_study_is_fetched_by_nct_number_in_any_case(httpserver, api):
    httpserver.expect_request(PATH).respond_with_json(STUDY)
    with client(api) as c:
        study = c.get_study(" nct06171568 ")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT06171568"


@pytest.mark.parametrize("bad", ["NCT123", "12345678", "NCT061715689", "NCT0617156a"])
def test_a_malformed_nct_number_is_refused_before_any_request(bad):
    with pytest.raises(SheetsError, match="is not an NCT number"):
        normalise_nct(bad)


def test_a_missing_study_is_one_clear_line(httpserver, api):
    httpserver.expect_request("/api/v2/studies/NCT00000000").respond_with_data("not found", status=404)
    with client(api) as c, pytest.raises(SheetsError, match="NCT00000000: no such study"):
        c.get_study("NCT00000000")


def test_too_many_requests_is_retried_then_succeeds(httpserver, api):
    httpserver.expect_oneshot_request(PATH).respond_with_data("slow down", status=429, headers={"Retry-After": "0"})
    httpserver.expect_request(PATH).respond_with_json(STUDY)
    with client(api) as c:
        assert c.get_study("NCT06171568")["protocolSection"]
    assert [entry[1].status_code for entry in httpserver.log] == [429, 200]


def test_a_server_that_keeps_failing_gives_up_after_bounded_retries(httpserver, api):
    httpserver.expect_request(PATH).respond_with_data("oops", status=503)
    with client(api, retries=2) as c, pytest.raises(SheetsError, match="busy or failing \\(HTTP 503\\)"):
        c.get_study("NCT06171568")
    assert len(httpserver.log) == 3


def test_a_slow_answer_hits_the_timeout(httpserver, api):
    def slow(request):
        time.sleep(1.0)
        return Response(json.dumps(STUDY), content_type="application/json")

    httpserver.expect_request(PATH).respond_with_handler(slow)
    with client(api, timeout=0.2, retries=0) as c, pytest.raises(SheetsError, match="did not answer in time"):
        c.get_study("NCT06171568")


def test_malformed_json_and_non_studies_are_refused(httpserver, api):
    httpserver.expect_request(PATH).respond_with_data("{not json", content_type="application/json")
    httpserver.expect_request("/api/v2/studies/NCT05607199").respond_with_json({"hello": "world"})
    with client(api) as c:
        with pytest.raises(SheetsError, match="not valid JSON"):
            c.get_study("NCT06171568")
        with pytest.raises(SheetsError, match="not a study record"):
            c.get_study("NCT05607199")


def test_a_redirect_to_another_host_is_refused_and_one_to_the_same_host_followed(httpserver, api):
    httpserver.expect_request(PATH).respond_with_data(
        "", status=302, headers={"Location": "http://127.0.0.2:9/evil"}
    )
    httpserver.expect_request("/api/v2/studies/NCT05607199").respond_with_data(
        "", status=301, headers={"Location": "/mirror/NCT05607199"}
    )
    httpserver.expect_request("/mirror/NCT05607199").respond_with_json(OTHER)
    with client(api) as c:
        with pytest.raises(SheetsError, match="refused a redirect .* to another host"):
            c.get_study("NCT06171568")
        assert c.get_study("NCT05607199")["protocolSection"]
    assert all("evil" not in entry[0].path for entry in httpserver.log)


def test_a_network_that_is_down_is_one_clear_line():
    with ClinicalTrialsClient("http://127.0.0.1:9/api/v2", retries=0) as c:
        with pytest.raises(SheetsError, match="cannot reach http://127.0.0.1:9/api/v2"):
            c.get_study("NCT06171568")


def test_a_search_follows_pages_and_passes_the_query(httpserver, api):
    httpserver.expect_request(
        "/api/v2/studies", query_string={"query.cond": "lung cancer", "filter.overallStatus": "RECRUITING", "pageSize": "1"}
    ).respond_with_json({"studies": [STUDY], "nextPageToken": "page2"})
    httpserver.expect_request(
        "/api/v2/studies",
        query_string={"query.cond": "lung cancer", "filter.overallStatus": "RECRUITING", "pageSize": "1", "pageToken": "page2"},
    ).respond_with_json({"studies": [OTHER]})
    with client(api) as c:
        studies = list(c.search(condition="lung cancer", status="RECRUITING", page_size=1))
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]
    assert ids == ["NCT06171568", "NCT05607199"]


def test_make_takes_an_nct_number_caches_it_and_the_second_run_makes_no_request(
    httpserver, api, tmp_path, monkeypatch
):
    monkeypatch.setenv("SHEETS_API_URL", api)
    httpserver.expect_request(PATH).respond_with_json(STUDY)
    runner = CliRunner()
    first = runner.invoke(main, ["make", "NCT06171568", "-o", str(tmp_path / "a.pdf")])
    assert first.exit_code == 0, first.output
    assert "NCT06171568" in text_of((tmp_path / "a.pdf").read_bytes())
    assert len(httpserver.log) == 1
    second = runner.invoke(main, ["make", "nct06171568", "-o", str(tmp_path / "b.pdf")])
    assert second.exit_code == 0, second.output
    assert len(httpserver.log) == 1, "the cached record must be used"
    offline = runner.invoke(main, ["make", "NCT06171568", "--offline", "-o", str(tmp_path / "c.pdf")])
    assert offline.exit_code == 0 and len(httpserver.log) == 1
    refreshed = runner.invoke(main, ["make", "NCT06171568", "--refresh", "-o", str(tmp_path / "d.pdf")])
    assert refreshed.exit_code == 0 and len(httpserver.log) == 2


def test_offline_with_an_empty_cache_is_a_clear_error_and_no_request(httpserver, api, tmp_path):
    result = CliRunner().invoke(
        main, ["make", "NCT06171568", "--offline", "--api-url", api, "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1
    assert "not in the record cache" in result.output and "--offline" in result.output
    assert httpserver.log == [] and not (tmp_path / "x.pdf").exists()


def test_a_404_through_make_is_one_line_and_writes_nothing(httpserver, api, tmp_path):
    httpserver.expect_request("/api/v2/studies/NCT00000000").respond_with_data("", status=404)
    result = CliRunner().invoke(main, ["make", "NCT00000000", "--api-url", api, "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 1 and "no such study" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_fetch_saves_records_for_later_offline_use(httpserver, api, tmp_path):
    httpserver.expect_request(PATH).respond_with_json(STUDY)
    httpserver.expect_request("/api/v2/studies/NCT05607199").respond_with_json(OTHER)
    out = tmp_path / "records"
    result = CliRunner().invoke(main, ["fetch", "NCT06171568", "nct05607199", "-o", str(out), "--api-url", api])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["NCT05607199.json", "NCT06171568.json"]
    assert load_trial(out / "NCT05607199.json").sponsor == "Aurigene Discovery Technologies Limited"


def test_the_cache_keeps_records_by_number_and_last_update_date_and_uses_the_newest(tmp_path):
    cache = RecordCache(tmp_path)
    newer = json.loads(json.dumps(STUDY))
    newer["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2030-01-02"
    newer["protocolSection"]["identificationModule"]["briefTitle"] = "Updated title"
    first, second = cache.put("NCT06171568", STUDY), cache.put("NCT06171568", newer)
    assert first.name == "2023-12-14.json" and second.name == "2030-01-02.json"
    assert cache.newest("NCT06171568") == second
    trial = resolve_trial("NCT06171568", offline=True, cache_dir=tmp_path)
    assert trial.brief_title == "Updated title"


@pytest.mark.parametrize("path", sorted((DATA / "xml").glob("*.xml")), ids=lambda p: p.stem)
def test_legacy_xml_records_map_to_the_same_model_and_render(path):
    from sheets import SheetOptions, render_pdf

    trial = load_trial(path)
    assert trial.nct_id == path.stem
    assert trial.status and trial.last_updated[:2] == "20"
    pdf = render_pdf(trial, SheetOptions(generated_on=FIXED_DAY))
    assert trial.nct_id in text_of(pdf)


def test_legacy_xml_fields_are_mapped_to_api_v2_codes():
    trial = load_trial(DATA / "xml" / "NCT02465060.xml")
    assert trial.status == "RECRUITING" and trial.phases == ("PHASE2",)
    assert trial.enrollment == 6452 and trial.enrollment_is_estimate
    assert trial.start_date == "2015-08-12" and trial.last_updated == "2018-05-10"
    assert trial.design.allocation == "NON_RANDOMIZED" and trial.design.masking == "NONE"
    assert trial.eligibility.minimum_age == "18 Years" and trial.eligibility.healthy_volunteers is False
    assert len(trial.sites) > 1000


def test_hostile_xml_is_refused_not_expanded(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        "<clinical_study><id_info><nct_id>NCT00000001</nct_id></id_info><brief_title>&lol2;</brief_title>"
        "</clinical_study>",
        "utf-8",
    )
    with pytest.raises(RecordError, match="unsafe XML refused"):
        load_trial(bomb)
    other = tmp_path / "other.xml"
    other.write_text("<html><body>hi</body></html>", "utf-8")
    with pytest.raises(RecordError, match="not a ClinicalTrials.gov study"):
        load_trial(other)
