"""The web page as a person meets it: `sheets serve` in its own process, records fetched from
a stand-in registry on 127.0.0.1, and Debian's chromium driven by Playwright.

One server and one browser serve the whole module. Nothing is mocked: the sheet a page gives
is compared with the sheet `sheets make` gives, and each problem's line with the CLI's.
"""

from __future__ import annotations

import html
import http.client
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY
from pdfcheck import find_qr, page_texts, reader, text_of
from webcheck import (
    REGISTRY_DOWN,
    UNKNOWN,
    Elements,
    axe_path,
    chromium_path,
    client_from,
    registry,
    running_server,
)

from sheets import RecordError, SheetOptions, build_sheet, load_trial, render_pdf
from sheets.cli import main
from sheets.i18n import text
from sheets.pipeline import render_record
from sheets.web.forms import MAX_FORM_BYTES, MAX_UPLOAD_BYTES
from sheets.web.limits import CONTENT_SECURITY_POLICY
from sheets.web.worker import sheet_content

RECORDS = DATA / "records"
XML_RECORD = DATA / "xml" / "NCT03204344.xml"
A4 = (595, 842)  # points, rounded


@pytest.fixture(scope="module")
def api():
    with registry() as url:
        yield url


@pytest.fixture(scope="module")
def site(api, tmp_path_factory):
    cache = tmp_path_factory.mktemp("web-cache")
    with running_server("--workers", "2", "--api-url", api, cache=cache) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True)
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    """A page of a browser with JavaScript off: the page must work without it."""
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    yield context.new_page()
    context.close()


def cli_line(*args: str) -> str:
    """The one line `sheets make ARGS` prints for a problem, without its "Error: "."""
    result = CliRunner().invoke(main, ["make", *args])
    assert result.exit_code == 1, result.output
    (line,) = result.output.strip().splitlines()
    return line.removeprefix("Error: ")


def words(value: str) -> str:
    return " ".join(value.split())


def alert_of(body: str) -> str:
    found = re.search(r'role="alert".*?<p class="message">(.*?)</p>', body, re.S)
    assert found, body[:2000]
    return html.unescape(found[1])


# The one call: record bytes -> PDF


def test_render_record_makes_from_record_bytes_the_sheet_a_file_gives():
    options = SheetOptions(generated_on=FIXED_DAY, paper="a4")
    made = render_record(XML_RECORD.read_bytes(), options, source="NCT03204344.xml")
    assert (made.trial.nct_id, made.trial.title) == ("NCT03204344", load_trial(XML_RECORD).title)
    assert page_texts(made.pdf) == page_texts(render_pdf(load_trial(XML_RECORD), options))
    with pytest.raises(RecordError, match=r"^upload\.json: .*not valid JSON"):
        render_record(b"{", options, source="upload.json")


# The API


def test_a_pdf_by_number_is_the_sheet_sheets_make_makes(site, api, tmp_path):
    options = {"paper": "a4", "lang": "es", "near": "10021", "secondary_outcomes": "true"}
    answer = httpx.get(f"{site}/sheets/nct06171568.pdf", params=options, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == 'attachment; filename="NCT06171568.pdf"'
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    out = tmp_path / "made.pdf"
    made = CliRunner().invoke(main, [
        "make", "NCT06171568", "--api-url", api, "-o", str(out), "--paper", "a4", "--lang", "es",
        "--near", "10021", "--secondary-outcomes",
    ])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert page_texts(answer.content) == page_texts(out.read_bytes())
    assert find_qr(answer.content).text == "https://clinicaltrials.gov/study/NCT06171568"


def test_the_json_is_what_the_sheet_says(site):
    answer = httpx.get(f"{site}/sheets/NCT05430971.json?secondary_outcomes=1", timeout=60)
    assert answer.status_code == 200, answer.text
    sheet = build_sheet(load_trial(RECORDS / "NCT05430971.json"), SheetOptions(secondary_outcomes=True))
    assert answer.json() == json.loads(json.dumps(sheet_content(sheet)))
    assert answer.json()["doctor_questions"] == list(sheet.doctor_questions)


def test_a_posted_record_gives_its_pdf_or_its_content(site):
    record = XML_RECORD.read_bytes()
    answer = httpx.post(f"{site}/sheets?paper=a4", content=record, timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"] == 'attachment; filename="NCT03204344.pdf"'
    assert "NCT03204344" in text_of(answer.content)
    assert tuple(round(float(v)) for v in reader(answer.content).pages[0].mediabox[2:]) == A4
    content = httpx.post(f"{site}/sheets?format=json", content=record, timeout=60)
    assert content.json()["nct_id"] == "NCT03204344"


@pytest.mark.parametrize(
    ("path", "status", "cli_args"),
    [
        (f"/sheets/{UNKNOWN}.pdf", 404, [UNKNOWN]),
        ("/sheets/NCT123.pdf", 422, ["NCT123"]),
        (f"/sheets/{REGISTRY_DOWN}.json", 502, [REGISTRY_DOWN]),
        ("/sheets/NCT06171568.pdf?lang=fr", 422, ["NCT06171568", "--lang", "fr"]),
    ],
    ids=["unknown-number", "not-a-number", "registry-down", "no-such-language"],
)
def test_a_problem_is_the_clis_one_line_with_its_status_as_json_and_as_a_page(site, api, path, status, cli_args):
    answer = httpx.get(site + path, timeout=60)
    assert answer.status_code == status
    line = answer.json()["error"]
    if cli_args[-2:] == ["--lang", "fr"]:  # click refuses it first, in its own words
        assert line == "language 'fr' is not available (choose en (English), es (Español))"
    else:
        assert line == cli_line(*cli_args, "--api-url", api)
    as_page = httpx.get(site + path, headers={"Accept": "text/html"}, timeout=60)
    assert as_page.status_code == status
    assert alert_of(as_page.text) == line


def test_a_broken_posted_record_is_the_clis_line_about_it(site, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("broken.json").write_text('{"protocolSection": {"identificationModule": ', "utf-8")
    answer = httpx.post(f"{site}/sheets", content=Path("broken.json").read_bytes(), timeout=60)
    assert answer.status_code == 422
    assert answer.json()["error"] == "the posted record: " + cli_line("broken.json").removeprefix("broken.json: ")


@pytest.mark.parametrize(("path", "limit"), [("/sheets", MAX_UPLOAD_BYTES), ("/sheet", MAX_FORM_BYTES)])
def test_a_body_over_the_limit_is_refused_before_it_is_read(site, path, limit):
    parts = urlsplit(site)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(limit + 1))
    connection.endheaders(b"--x\r\n")  # the rest is never sent: the answer comes first
    answer = connection.getresponse()
    body = answer.read().decode("utf-8")
    connection.close()
    assert answer.status == 413
    assert f"is too large ({limit + 1:,} bytes; the limit is {limit:,})" in body


@pytest.mark.parametrize(
    "path",
    [
        "/sheets/..%2F..%2F..%2Fetc%2Fpasswd.pdf",
        "/sheets/%2Fetc%2Fpasswd.json",
        "/fonts/..%2F..%2F..%2Fetc%2Fpasswd",
        "/fonts/AtkinsonHyperlegible-Regular.ttf",  # a real file, but not one the page serves
        "/sheets/NCT06171568.pdf?clinic=/etc/passwd",
        "/sheets/NCT06171568.pdf?questions=/etc/passwd",
        "/sheets/NCT06171568.pdf?paper=a4&paper=letter",
    ],
)
def test_no_parameter_names_a_file_or_anything_unknown(site, path):
    answer = httpx.get(site + path, timeout=60)
    assert answer.status_code in (404, 422)
    assert b"root:" not in answer.content


def test_the_home_page_is_a_plain_form_with_a_label_for_every_field(site):
    answer = httpx.get(site + "/")
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "script-src" not in CONTENT_SECURITY_POLICY
    assert answer.headers["x-content-type-options"] == "nosniff"
    found = Elements(answer.text)
    assert not found.all("script"), "the page works without JavaScript, so it has none"
    labelled = {label["for"] for label in found.all("label")}
    fields = [*found.all("select"), *(i for i in found.all("input") if i.get("type") != "hidden")]
    assert len(fields) == 9 and all(field["id"] in labelled for field in fields)
    (form,) = found.all("form")
    assert (form["method"], form["action"], form["enctype"]) == ("post", "/sheet#preview", "multipart/form-data")
    links = [attrs.get("href") or attrs.get("src") for _, attrs in found.tags if "href" in attrs or "src" in attrs]
    assert links and all(link.startswith(("/", "#")) for link in links), "nothing from elsewhere"
    for asset in ("/style.css", "/fonts/atkinson-regular.ttf", "/fonts/atkinson-bold.ttf"):
        assert httpx.get(site + asset).status_code == 200


@pytest.mark.slow
def test_twenty_simultaneous_pdfs_all_answer_while_the_home_page_stays_quick(site):
    numbers = ["NCT06171568", "NCT00711542", "NCT00973089", "NCT03453554"] * 5

    def fetch(number: str) -> httpx.Response:
        with client_from("127.0.0.2", site) as client:  # a client of its own to the rate limit
            return client.get(f"/sheets/{number}.pdf")

    home_seconds = []
    with ThreadPoolExecutor(len(numbers)) as threads:
        asked = [threads.submit(fetch, number) for number in numbers]
        while not all(future.done() for future in asked):
            start = time.perf_counter()
            assert httpx.get(site + "/", timeout=10).status_code == 200
            home_seconds.append(time.perf_counter() - start)
            time.sleep(0.05)
        answers = [future.result() for future in asked]
    assert [answer.status_code for answer in answers] == [200] * len(numbers)
    for number, answer in zip(numbers, answers, strict=True):
        assert answer.headers["content-disposition"] == f'attachment; filename="{number}.pdf"'
        assert number in text_of(answer.content)
    assert len(home_seconds) >= 5 and max(home_seconds) < 1.0, home_seconds


# In the browser


def test_typing_a_number_previews_the_questions_and_downloads_the_sheet(page, site):
    sheet = build_sheet(load_trial(RECORDS / "NCT06171568.json"), SheetOptions())
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(site + "/")
    page.get_by_label("Trial number").fill("NCT06171568")
    page.get_by_role("button", name="Preview", exact=True).click()
    questions = page.locator("#doctor-questions + ol > li").all_inner_texts()
    assert [words(q) for q in questions] == [words(q) for q in sheet.doctor_questions]
    assert page.get_by_role("heading", name=sheet.title).is_visible()
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Download PDF").click()
    download = downloading.value
    assert download.suggested_filename == "NCT06171568.pdf"
    pdf = Path(download.path()).read_bytes()
    assert words(sheet.title) in text_of(pdf) and words(sheet.doctor_questions[0]) in text_of(pdf)
    assert find_qr(pdf).text == "https://clinicaltrials.gov/study/NCT06171568"
    assert not [line for line in console if "Content Security Policy" in line], console


def test_an_uploaded_record_previews_and_downloads_in_a4_and_spanish(page, site):
    page.goto(site + "/")
    page.get_by_label("Or upload the trial's record").set_input_files(XML_RECORD)
    page.get_by_label("A4").check()
    page.get_by_label("Language of the sheet").select_option("es")
    page.get_by_role("button", name="Preview", exact=True).click()
    heading = text("sheet.doctor_questions", "es")
    assert page.locator("article.sheet[lang=es]").get_by_role("heading", name=heading).is_visible()
    with page.expect_download() as downloading:  # the record kept from the preview: no new upload
        page.get_by_role("button", name="Download PDF").click()
    assert downloading.value.suggested_filename == "NCT03204344.pdf"
    pdf = Path(downloading.value.path()).read_bytes()
    assert tuple(round(float(v)) for v in reader(pdf).pages[0].mediabox[2:]) == A4
    assert heading in text_of(pdf) and "NCT03204344" in text_of(pdf)


def test_a_bad_number_and_a_broken_upload_show_the_clis_one_line(page, site, api, tmp_path, monkeypatch):
    page.goto(site + "/")
    page.get_by_label("Trial number").fill("NCT123")
    with page.expect_response(lambda response: response.url.endswith("/sheet")) as answered:
        page.get_by_role("button", name="Preview", exact=True).click()
    assert answered.value.status == 422
    assert page.get_by_role("alert").locator(".message").inner_text() == cli_line("NCT123", "--api-url", api)
    assert page.get_by_label("Trial number").input_value() == "NCT123", "the form keeps what was typed"

    monkeypatch.chdir(tmp_path)
    Path("broken.json").write_text('{"protocolSection": ', "utf-8")
    page.get_by_label("Trial number").fill("")
    page.get_by_label("Or upload the trial's record").set_input_files("broken.json")
    page.get_by_role("button", name="Preview", exact=True).click()
    assert page.get_by_role("alert").locator(".message").inner_text() == cli_line("broken.json")


def test_the_whole_flow_works_with_the_keyboard_alone(browser, site):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(site + "/")

    def tab_to(selector: str) -> None:
        for _ in range(30):
            page.keyboard.press("Tab")
            focused = page.locator(":focus")
            outline = focused.evaluate("e => getComputedStyle(e).outlineStyle")
            assert outline != "none", f"{focused.evaluate('e => e.outerHTML')[:80]} shows no focus"
            if focused.evaluate(f"e => e.matches({selector!r})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("#nct")
    page.keyboard.type("NCT06171568")
    page.keyboard.press("Enter")  # a form's first button, Preview, is its default
    page.get_by_role("heading", name="Preview: what the sheet says").wait_for()
    tab_to(".download")  # the page lands on the preview; its download is the next stop
    with page.expect_download() as downloading:
        page.keyboard.press("Enter")
    assert downloading.value.suggested_filename == "NCT06171568.pdf"
    assert "NCT06171568" in text_of(Path(downloading.value.path()).read_bytes())
    context.close()


def test_axe_finds_no_violations_on_the_form_the_preview_and_a_problem(browser, site):
    script = str(axe_path())
    context = browser.new_context(bypass_csp=True)  # the page allows no script, axe included
    page = context.new_page()

    def violations() -> list:
        page.add_script_tag(path=script)
        return page.evaluate(
            "async () => (await axe.run()).violations"
            ".map(v => ({rule: v.id, nodes: v.nodes.map(n => n.target.join(' '))}))"
        )

    page.goto(site + "/")
    assert violations() == []
    page.get_by_label("Trial number").fill("NCT05607199")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.locator("article.sheet").wait_for()
    assert violations() == []
    page.get_by_label("Trial number").fill("NCT 0000")
    page.get_by_role("button", name="Preview", exact=True).click()
    page.get_by_role("alert").wait_for()
    assert violations() == []
    context.close()
