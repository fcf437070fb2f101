"""Untrusted record text stays text, and the renderer loads only the bundled assets."""

from __future__ import annotations

import json
import socket

import pytest
from conftest import FIXED_DAY
from pdfcheck import reader, text_of
from tinyhtml5 import parse

from sheets import SheetOptions, load_trial, render_html, render_pdf
from sheets.render.pdf import ConfinedFetcher, PdfRenderer
from sheets.resources import fonts_dir, templates_dir

IMG = '<img src="file:///etc/hostname">'
LINK = '<link rel="attachment" href="file:///etc/hostname">'
HTTP = '<img src="http://127.0.0.1:9/tracker.png">'
STYLE = "<style>body { background: url(http://127.0.0.1:9/x.png) }</style>"
HOSTILE = f"{IMG} {LINK} {HTTP} {STYLE} {{{{ 7*7 }}}} </td></table><script>alert(1)</script>"


@pytest.fixture()
def hostile_record(tmp_path):
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": f"Title {IMG}"},
            "statusModule": {"overallStatus": "RECRUITING"},
            "descriptionModule": {"briefSummary": HOSTILE},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": LINK}},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n* {HOSTILE}"},
            "outcomesModule": {"primaryOutcomes": [{"measure": HTTP, "timeFrame": STYLE}]},
            "contactsLocationsModule": {
                "centralContacts": [{"name": IMG, "email": "a@b.c", "phone": LINK}],
                "locations": [{"facility": STYLE, "city": IMG, "country": "Nowhere"}],
            },
        },
        "trialSheet": {"doctorQuestions": [f"Is {IMG} safe?"]},
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(study), encoding="utf-8")
    return load_trial(path)


def test_hostile_text_is_escaped_in_the_html(hostile_record):
    html = render_html(hostile_record, SheetOptions(generated_on=FIXED_DAY))
    document = parse(html)
    namespace = "{http://www.w3.org/1999/xhtml}"
    assert document.findall(f".//{namespace}img") == []
    assert document.findall(f".//{namespace}script") == []
    assert [e.get("rel") for e in document.iter(f"{namespace}link")] == []
    assert document.findall(f".//{namespace}style") == []
    assert "&lt;img src=&#34;file:///etc/hostname&#34;&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html


def test_hostile_text_shows_literally_in_the_pdf_and_nothing_is_embedded(hostile_record):
    pdf = render_pdf(hostile_record, SheetOptions(generated_on=FIXED_DAY))
    text = text_of(pdf)
    assert IMG in text
    assert "file:///etc/hostname" in text
    assert socket.gethostname() not in text.replace("file:///etc/hostname", "")
    document = reader(pdf)
    assert "/EmbeddedFiles" not in (document.trailer["/Root"].get("/Names") or {})
    for page in document.pages:
        assert "/Annots" not in page or all(
            a.get_object().get("/Subtype") == "/Link" for a in page["/Annots"]
        )
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/hostname",
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://clinicaltrials.gov/favicon.ico",
        "ftp://127.0.0.1/x",
    ],
)
def test_the_fetcher_refuses_anything_but_bundled_files_and_data_urls(url):
    fetcher = ConfinedFetcher((templates_dir(), fonts_dir()))
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch(url)


def test_the_fetcher_refuses_paths_that_climb_out_of_the_bundled_folders():
    fetcher = ConfinedFetcher((templates_dir(), fonts_dir()))
    escape = templates_dir().as_uri() + "/../../../../../../etc/hostname"
    with pytest.raises(ValueError, match="outside the bundled assets"):
        fetcher.fetch(escape)


def test_the_fetcher_serves_bundled_fonts_and_data_urls():
    fetcher = ConfinedFetcher((templates_dir(), fonts_dir()))
    font = fetcher.fetch((fonts_dir() / "AtkinsonHyperlegible-Regular.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"
    font.close()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


@pytest.mark.expects_weasyprint_warnings
def test_raw_html_that_asks_for_outside_files_renders_without_them(fail_on_weasyprint_warnings):
    html = (
        f'<html><head>{LINK}<link rel="stylesheet" href="http://127.0.0.1:9/x.css"></head>'
        f'<body><p>before</p>{IMG}{HTTP}<object data="file:///etc/hostname"></object>'
        "<p>after</p></body></html>"
    )
    pdf = PdfRenderer().render(html, paper="letter")
    document = reader(pdf)
    assert "/EmbeddedFiles" not in (document.trailer["/Root"].get("/Names") or {})
    for page in document.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    assert "before" in text_of(pdf) and socket.gethostname() not in text_of(pdf)
    refused = " ".join(fail_on_weasyprint_warnings.messages)
    assert "file:///etc/hostname" in refused and "127.0.0.1:9" in refused
