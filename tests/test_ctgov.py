"""The API v2 client against a real HTTP server on 127.0.0.1 serving recorded responses.

The client is never patched: retries, timeouts, redirects and paging all happen over HTTP.
Backoff is kept tiny through the client's own parameters, never by patching sleep.
"""

from __future__ import annotations

import json
import pickle
import socket
import time

import pytest
from conftest import DATA
from werkzeug import Response

from sheets.errors import RecordError, SheetsError
from sheets.sources.ctgov import (
    DEFAULT_API_URL,
    ClinicalTrialsClient,
    FetchError,
    api_url,
    looks_like_nct,
    normalise_nct,
    retry_delay,
)

pytest_plugins = ["conftest_fetch"]
pytestmark = pytest.mark.usefixtures("isolated_cache")


def study(nct_id: str) -> dict:
    return json.loads((DATA / "records" / f"{nct_id}.json").read_text("utf-8"))


def nct_of(record: dict) -> str:
    return record["protocolSection"]["identificationModule"]["nctId"]


STUDY = study("NCT06171568")
OTHER = study("NCT05607199")
PATH = "/api/v2/studies/NCT06171568"


def client(api: str, **kwargs) -> ClinicalTrialsClient:
    kwargs.setdefault("backoff", 0)
    return ClinicalTrialsClient(api, **kwargs)


def statuses(server) -> list[int]:
    return [response.status_code for _request, response in server.log]


# The error


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_a_fetch_error_survives_pickling_as_a_batch_worker_sends_it(protocol):
    error = FetchError("NCT06171568", "http://127.0.0.1:9/api/v2 did not answer in time")
    error.add_note("asked by worker 3")
    copy = pickle.loads(pickle.dumps(error, protocol))
    assert type(copy) is FetchError
    assert str(copy) == str(error) == f"{error.source}: {error.problem}"
    assert (copy.source, copy.problem, copy.args) == (error.source, error.problem, error.args)
    assert copy.__notes__ == ["asked by worker 3"]


# NCT numbers and the API address


@pytest.mark.parametrize(
    "given", ["NCT06171568", "nct06171568", "  NcT06171568\n", "\tNCT06171568 "]
)
def test_an_nct_number_is_accepted_in_any_case_with_spaces_around(given):
    assert normalise_nct(given) == "NCT06171568"
    assert looks_like_nct(given)


@pytest.mark.parametrize(
    "bad",
    ["NCT123", "12345678", "NCT061715689", "NCT0617156a", "NCT 06171568", "", "../NCT06171568"],
)
def test_anything_else_is_refused_as_not_an_nct_number(bad):
    assert not looks_like_nct(bad)
    with pytest.raises(RecordError, match="is not an NCT number"):
        normalise_nct(bad)


def test_the_api_address_comes_from_the_option_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv("SHEETS_API_URL")
    assert api_url() == DEFAULT_API_URL == "https://clinicaltrials.gov/api/v2"
    monkeypatch.setenv("SHEETS_API_URL", "http://mirror.example/api/v2/")
    assert api_url() == "http://mirror.example/api/v2"
    assert api_url("http://127.0.0.1:8000/v2") == "http://127.0.0.1:8000/v2"


@pytest.mark.parametrize(
    "bad", ["ftp://example.org/api", "file:///etc/passwd", "clinicaltrials.gov/api/v2", "http://"]
)
def test_an_api_address_that_is_not_http_is_refused(bad):
    with pytest.raises(SheetsError, match="must be an http:// or https:// address"):
        api_url(bad)


# One study


def test_one_study_is_fetched_by_nct_number_from_the_configured_address(server, api, monkeypatch):
    server.expect_request(PATH).respond_with_json(STUDY)
    monkeypatch.setenv("SHEETS_API_URL", api)
    with ClinicalTrialsClient() as c:
        answer = c.get_study(" nct06171568 ")
    assert answer == STUDY
    request = server.log[0][0]
    assert request.headers["Accept"] == "application/json"
    assert request.headers["User-Agent"].startswith("trial-sheets/")


def test_a_missing_study_is_one_line_that_names_it(server, api):
    server.expect_request("/api/v2/studies/NCT00000000").respond_with_data("Not Found", status=404)
    with client(api) as c, pytest.raises(RecordError) as caught:
        c.get_study("NCT00000000")
    assert str(caught.value) == f"NCT00000000: no such study on {api}"
    assert statuses(server) == [404], "a 404 is an answer, not a failure to retry"


def test_a_malformed_number_is_refused_before_any_request(server, api):
    with client(api) as c, pytest.raises(RecordError, match="not an NCT number"):
        c.get_study("NCT123")
    assert server.log == []


@pytest.mark.parametrize(
    "body, problem",
    [
        (b'{"protocolSection": {"identificationModule": ', "is not usable: not valid JSON"),
        (b"\xff\xfe\x00garbage", "is not usable: the file is not UTF-8 text"),
        (b"<html><body>Service unavailable</body></html>", "is not usable: not valid JSON"),
        (b'[{"protocolSection": {}}]', "is not a study record"),
        (b'{"error": "maintenance"}', "is not a study record"),
        (b'{"protocolSection": ' + b"[" * 100_000, "is not usable: the JSON nests deeper than 64 levels"),
        (b'{"protocolSection": ' + b"1" * 5000 + b"}", "is not usable: the JSON holds a number 5,000 characters"),
    ],
    ids=[
        "cut-off-json", "not-utf8", "html", "a-list", "an-object-without-a-study",
        "nested-100000-deep", "a-5000-digit-number",
    ],  # fmt: skip
)
def test_an_answer_that_is_not_a_study_is_refused(server, api, body, problem):
    server.expect_request(PATH).respond_with_data(body, content_type="application/json")
    with (
        client(api) as c,
        pytest.raises(RecordError, match=f"NCT06171568: the answer from .* {problem}"),
    ):
        c.get_study("NCT06171568")


def test_an_answer_about_another_study_is_refused(server, api):
    server.expect_request(PATH).respond_with_json(OTHER)
    with (
        client(api) as c,
        pytest.raises(RecordError, match="answered with NCT05607199, not this study"),
    ):
        c.get_study("NCT06171568")


def test_an_answer_larger_than_the_limit_is_refused(server, api):
    server.expect_request(PATH).respond_with_json(STUDY)
    with (
        client(api, max_bytes=1000) as c,
        pytest.raises(FetchError, match="larger than 1,000 bytes"),
    ):
        c.get_study("NCT06171568")


# Retries, timeouts, a network that is down


def test_too_many_requests_is_retried_then_succeeds(server, api):
    server.expect_ordered_request(PATH).respond_with_data(
        "slow down", status=429, headers={"Retry-After": "0"}
    )
    server.expect_ordered_request(PATH).respond_with_json(STUDY)
    with client(api) as c:
        assert c.get_study("NCT06171568") == STUDY
    assert statuses(server) == [429, 200]


def test_server_errors_are_retried_until_one_succeeds(server, api):
    for _ in range(2):
        server.expect_ordered_request(PATH).respond_with_data("oops", status=503)
    server.expect_ordered_request(PATH).respond_with_json(STUDY)
    with client(api, retries=2) as c:
        assert c.get_study("NCT06171568") == STUDY
    assert statuses(server) == [503, 503, 200]


def test_a_server_that_keeps_failing_is_given_up_after_bounded_retries(server, api):
    server.expect_request(PATH).respond_with_data("oops", status=502)
    with client(api, retries=2) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value) == f"NCT06171568: {api} is busy or failing (HTTP 502); try again later"
    assert statuses(server) == [502, 502, 502]


def test_a_client_error_other_than_404_is_not_retried_and_quotes_the_server(server, api):
    server.expect_request(PATH).respond_with_data(
        "Invalid request: bad study id\nmore detail", status=400
    )
    with (
        client(api) as c,
        pytest.raises(
            FetchError, match=r"refused the request \(HTTP 400: Invalid request: bad study id\)$"
        ),
    ):
        c.get_study("NCT06171568")
    assert statuses(server) == [400]


def test_a_slow_answer_hits_the_timeout_and_is_retried_within_the_bound(server, api):
    def slow(request):
        time.sleep(1.5)
        return Response(json.dumps(STUDY), content_type="application/json")

    server.expect_request(PATH).respond_with_handler(slow)
    with client(api, timeout=0.2, retries=1) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value) == f"NCT06171568: {api} did not answer in time"


def test_an_answer_that_drips_in_slower_than_the_deadline_is_given_up(server, api):
    def drip(request):
        def body():
            yield b'{"protocolSection": {'
            for _ in range(30):
                time.sleep(0.1)
                yield b" "

        return Response(body(), content_type="application/json")

    server.expect_request(PATH).respond_with_handler(drip)
    with (
        client(api, timeout=1.0, deadline=0.3, retries=0) as c,
        pytest.raises(FetchError, match="did not answer in time"),
    ):
        c.get_study("NCT06171568")


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_network_that_is_down_is_one_clear_line():
    base = f"http://127.0.0.1:{unused_port()}/api/v2"
    with ClinicalTrialsClient(base, backoff=0) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert str(caught.value).startswith(f"NCT06171568: cannot reach {base} (")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "failures, retry_after, expected",
    [
        (0, None, 0.5),
        (2, None, 2.0),
        (10, None, 5.0),  # exponential backoff, capped
        (0, "3", 3.0),
        (0, "3600", 5.0),  # the server's wish is honoured only up to the cap
        (0, "-7", 0.0),
        (0, "nan", 0.5),
        (0, "soon", 0.5),
        (0, "Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # a date in the past: go now
        (0, "Fri, 01 Jan 9999 00:00:00 GMT", 5.0),
    ],
)
def test_the_wait_before_a_retry_follows_retry_after_within_the_cap(
    failures, retry_after, expected
):
    assert retry_delay(failures, retry_after, backoff=0.5, max_delay=5.0) == expected


# Redirects


def test_a_redirect_to_another_host_is_refused_and_that_host_never_asked(server, api, other_host):
    elsewhere = f"http://localhost:{other_host.port}/api/v2/studies/NCT06171568"
    other_host.expect_request("/api/v2/studies/NCT06171568").respond_with_json(STUDY)
    server.expect_request(PATH).respond_with_data("", status=302, headers={"Location": elsewhere})
    with client(api) as c, pytest.raises(FetchError) as caught:
        c.get_study("NCT06171568")
    assert (
        str(caught.value)
        == f"NCT06171568: refused a redirect from {api} to another host ({elsewhere})"
    )
    assert other_host.log == []


def test_a_redirect_to_another_port_on_the_same_machine_is_refused(server, api, other_host):
    elsewhere = f"http://127.0.0.1:{other_host.port}/api/v2/studies/NCT06171568"
    server.expect_request(PATH).respond_with_data("", status=307, headers={"Location": elsewhere})
    with client(api) as c, pytest.raises(FetchError, match="refused a redirect"):
        c.get_study("NCT06171568")
    assert other_host.log == []


def test_a_redirect_on_the_same_host_is_followed_even_without_retries(server, api):
    server.expect_request(PATH).respond_with_data(
        "", status=301, headers={"Location": "/mirror/v2/studies/NCT06171568"}
    )
    server.expect_request("/mirror/v2/studies/NCT06171568").respond_with_json(STUDY)
    with client(api, retries=0) as c:
        assert c.get_study("NCT06171568") == STUDY
    assert [request.path for request, _ in server.log] == [PATH, "/mirror/v2/studies/NCT06171568"]


def test_a_redirect_loop_ends_with_a_clear_error(server, api):
    server.expect_request(PATH).respond_with_data("", status=302, headers={"Location": PATH})
    with client(api) as c, pytest.raises(FetchError, match="too many redirects"):
        c.get_study("NCT06171568")
    assert len(server.log) == 6


# Search


def page(*records, token=None) -> dict:
    answer = {"studies": list(records)}
    if token:
        answer["nextPageToken"] = token
    return answer


QUERY = {
    "query.cond": "lymphoma",
    "query.term": "rituximab",
    "query.locn": "Boston",
    "filter.overallStatus": "RECRUITING,NOT_YET_RECRUITING",
    "pageSize": "2",
}


def test_a_search_sends_the_query_and_follows_every_page(server, api):
    records = [
        study(n)
        for n in ("NCT06356129", "NCT04267848", "NCT06171568", "NCT05607199", "NCT02210780")
    ]
    server.expect_ordered_request("/api/v2/studies", query_string=QUERY).respond_with_json(
        page(*records[:2], token="t2")
    )
    server.expect_ordered_request(
        "/api/v2/studies", query_string={**QUERY, "pageToken": "t2"}
    ).respond_with_json(page(*records[2:4], token="t3"))
    server.expect_ordered_request(
        "/api/v2/studies", query_string={**QUERY, "pageToken": "t3"}
    ).respond_with_json(page(records[4]))
    with client(api) as c:
        found = c.search(
            condition="lymphoma",
            term="rituximab",
            location="Boston",
            status=["recruiting", "NOT_YET_RECRUITING"],
            page_size=2,
        )
        assert [nct_of(s) for s in found] == [nct_of(r) for r in records]
    assert statuses(server) == [200, 200, 200]


def test_a_search_stops_asking_once_it_has_max_studies(server, api):
    server.expect_request("/api/v2/studies").respond_with_json(page(STUDY, OTHER, token="next"))
    with client(api) as c:
        assert [nct_of(s) for s in c.search(term="x", page_size=2, max_studies=2)] == [
            "NCT06171568",
            "NCT05607199",
        ]
    assert len(server.log) == 1, "the next page is not fetched when nothing more is wanted"


def test_a_search_with_no_results_is_empty(server, api):
    server.expect_request("/api/v2/studies").respond_with_json({"studies": []})
    with client(api) as c:
        assert list(c.search(condition="no such disease")) == []


def test_a_search_server_that_repeats_a_page_token_is_stopped(server, api):
    server.expect_request("/api/v2/studies").respond_with_json(page(STUDY, token="same"))
    with client(api) as c, pytest.raises(FetchError, match="repeated a page token"):
        list(c.search(term="x"))
    assert len(server.log) == 2


@pytest.mark.parametrize(
    "answer",
    [{"studies": {"a": 1}}, {"hits": []}, [STUDY], {"studies": ["NCT06171568"]}],
    ids=["studies-not-a-list", "no-studies-key", "a-bare-list", "not-study-objects"],
)
def test_a_search_answer_that_is_not_a_list_of_studies_is_refused(server, api, answer):
    server.expect_request("/api/v2/studies").respond_with_json(answer)
    with (
        client(api) as c,
        pytest.raises(FetchError, match="^search: the answer from .* is not a list of studies$"),
    ):
        list(c.search(term="x"))


def test_a_search_error_quotes_the_apis_explanation(server, api):
    server.expect_request("/api/v2/studies").respond_with_data(
        "filter.overallStatus: unknown value 'RECRUTING'", status=400, content_type="text/plain"
    )
    with (
        client(api) as c,
        pytest.raises(
            FetchError, match=r"HTTP 400: filter.overallStatus: unknown value 'RECRUTING'"
        ),
    ):
        list(c.search(status="RECRUTING"))


def test_a_search_at_a_wrong_address_says_to_check_it(server, api):
    server.expect_request("/api/v2/nothing/studies").respond_with_data("Not Found", status=404)
    with (
        client(api + "/nothing") as c,
        pytest.raises(FetchError, match="has no study search .* check the API address"),
    ):
        list(c.search(term="x"))


@pytest.mark.parametrize("size", [0, 1001])
def test_a_page_size_outside_the_apis_range_is_refused_before_any_request(server, api, size):
    with client(api) as c, pytest.raises(SheetsError, match="page size must be 1 to 1000"):
        list(c.search(term="x", page_size=size))
    assert server.log == []
