"""Untrusted record text stays text, the renderer loads only the bundled assets, and a
clinic's templates run sandboxed, inside their own folder."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY, ROOT
from pdfcheck import reader, text_of
from tinyhtml5 import parse

from sheets import SheetOptions, load_trial, render_html, render_pdf
from sheets.cli import main
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


# A clinic's templates folder: its files may come from anywhere, so nothing in it may read
# outside it, run a command or reach the network.

SECRET = "SECRET-7f3a9c-not-for-sheets"
RECORD = DATA / "records" / "NCT06171568.json"


@pytest.fixture()
def listener():
    """A loopback port that records every connection made to it."""
    sock = socket.create_server(("127.0.0.1", 0))
    sock.settimeout(0.05)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(1024))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1], hits
    stop.set()
    thread.join()
    sock.close()


def clinic(tmp_path: Path, **files: str) -> tuple[Path, Path]:
    """A clinic file and its templates folder holding ``files`` (name -> text); a secret
    lies beside the folder, outside it."""
    folder = tmp_path / "clinic" / "templates"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name.replace("__", ".")).write_text(text, "utf-8")
    (tmp_path / "clinic" / "secret.txt").write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", "utf-8")
    path = tmp_path / "clinic" / "clinic.toml"
    path.write_text('[clinic]\nname = "Northside"\ntemplates = "templates"\n', "utf-8")
    return path, folder


def make(tmp_path: Path, clinic_file: Path) -> tuple[int, list[str], bytes]:
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(main, ["make", str(RECORD), "-o", str(out), "--clinic", str(clinic_file)])
    return result.exit_code, result.output.strip().splitlines(), out.read_bytes() if out.exists() else b""


def in_block(body: str) -> str:
    return '{% extends "default:sheet.html" %}{% block clinic_header %}' + body + "{% endblock %}"


def test_a_linked_file_a_clinic_template_includes_is_never_read(tmp_path):
    path, folder = clinic(tmp_path, sheet__html=in_block('{% include "notes.txt" %}'))
    (folder / "notes.txt").symlink_to(folder.parent / "secret.txt")
    code, lines, pdf = make(tmp_path, path)
    assert code == 1 and pdf == b"" and len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {folder / 'notes.txt'}: leads outside its folder")
    assert SECRET not in lines[0]


def test_a_linked_sheet_template_is_never_read(tmp_path):
    path, folder = clinic(tmp_path)
    (folder.parent / "outside.html").write_text(in_block(SECRET), "utf-8")
    (folder / "sheet.html").symlink_to(folder.parent / "outside.html")
    code, lines, pdf = make(tmp_path, path)
    assert code == 1 and pdf == b"" and len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {folder / 'sheet.html'}: leads outside its folder")


def test_a_linked_clinic_stylesheet_is_never_read(tmp_path):
    path, folder = clinic(tmp_path)
    (folder.parent / "outside.css").write_text(f'.clinic-name::after {{ content: "{SECRET}"; }}', "utf-8")
    (folder / "sheet.css").symlink_to(folder.parent / "outside.css")
    code, lines, pdf = make(tmp_path, path)
    assert code == 1 and pdf == b"" and len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {folder / 'sheet.css'}: leads outside its folder")


def test_a_fifo_a_clinic_template_includes_is_refused_not_waited_on(tmp_path):
    path, folder = clinic(tmp_path, sheet__html=in_block('{% include "pipe.html" %}'))
    os.mkfifo(folder / "pipe.html")  # no writer: a blocking read would wait for ever
    code, lines, pdf = make(tmp_path, path)
    assert code == 1 and pdf == b"" and lines == [
        f"Error: {folder / 'pipe.html'}: is not a regular file (a folder, pipe, device or socket)"
    ]


def test_a_link_inside_the_folder_to_a_file_inside_it_is_fine(tmp_path):
    path, folder = clinic(tmp_path, own__html=in_block("<p>Our own words.</p>"))
    (folder / "sheet.html").symlink_to("own.html")
    code, lines, pdf = make(tmp_path, path)
    assert code == 0, lines
    assert "Our own words." in text_of(pdf)


@pytest.mark.expects_weasyprint_warnings
def test_linked_fonts_and_images_and_addresses_in_a_clinic_stylesheet_are_refused(
    tmp_path, listener, fail_on_weasyprint_warnings
):
    port, hits = listener
    css = (
        f'@import url(http://127.0.0.1:{port}/more.css);\n'
        '@font-face { font-family: "Clinic Brand"; src: url(brand.ttf); }\n'
        '.clinic-name { font-family: "Clinic Brand"; }\n'
        f".clinic {{ background: url(band.png); border-image: url(http://127.0.0.1:{port}/b.png) 30; }}\n"
    )
    path, folder = clinic(tmp_path, sheet__css=css,
                          sheet__html=in_block(f'<div class="clinic"><p class="clinic-name">Northside</p>'
                                               f'<img src="http://127.0.0.1:{port}/logo.png" alt=""></div>'))  # fmt: skip
    (folder.parent / "band.png").write_bytes(red_png())
    (folder / "band.png").symlink_to(folder.parent / "band.png")
    (folder / "brand.ttf").symlink_to(ROOT / "fonts" / "AtkinsonHyperlegible-Regular.ttf")
    code, lines, pdf = make(tmp_path, path)
    assert code == 0, lines
    assert "Northside" in text_of(pdf)
    document = reader(pdf)
    xobjects = (document.pages[0].get("/Resources") or {}).get("/XObject") or {}
    assert all(x.get_object().get("/Subtype") != "/Image" for x in xobjects.values())
    refused = " ".join(fail_on_weasyprint_warnings.messages)
    assert f"{folder / 'band.png'}: leads outside its folder" in refused
    assert "Font-face 'Clinic Brand' cannot be loaded" in refused
    assert hits == []


def red_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.expects_weasyprint_warnings
def test_a_clinic_template_cannot_reach_a_listener_or_attach_a_file(
    tmp_path, listener, fail_on_weasyprint_warnings
):
    port, hits = listener
    body = (f'<img src="http://127.0.0.1:{port}/t.png" alt="">'
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css">'
            f'<link rel="attachment" href="file://{tmp_path}/clinic/secret.txt">')  # fmt: skip
    path, _ = clinic(tmp_path, sheet__html=in_block(body))
    code, lines, pdf = make(tmp_path, path)
    assert code == 0, lines
    assert hits == [] and SECRET not in text_of(pdf)
    assert "/EmbeddedFiles" not in (reader(pdf).trailer["/Root"].get("/Names") or {})
    refused = " ".join(fail_on_weasyprint_warnings.messages)
    assert f"127.0.0.1:{port}/t.png" in refused and "secret.txt: outside the bundled assets" in refused


PAYLOADS = {
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "template reference": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch MARKER') }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "format string": "{{ '{0.__class__.__init__.__globals__}'.format(cycler) }}",
    "path write": "{{ sheet.clinic.templates.joinpath('MARKER').write_text('x') }}",
    "path read": "{{ (sheet.template_dirs[0] / '../secret.txt').read_text() }}",
    "attr filter": "{{ sheet.clinic.templates|attr('read_text') }}",
    "list change": "{{ [1, 2].append(3) }}",
    "memory": "{{ 'x' * 10 ** 10 }}",
}


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_a_clinic_template_runs_no_command_and_reads_no_file(tmp_path, payload):
    marker = tmp_path / "clinic" / "templates" / "MARKER"
    path, folder = clinic(tmp_path, sheet__html=in_block("\n" + payload.replace("MARKER", str(marker))))
    code, lines, pdf = make(tmp_path, path)
    assert not marker.exists(), "the template ran a command or wrote a file"
    assert code == 1 and pdf == b"" and len(lines) == 1, lines
    assert lines[0].startswith(f"Error: {folder / 'sheet.html'}, line 2: not allowed in a template: "), lines
    assert SECRET not in lines[0]


def test_the_fetcher_refuses_a_link_out_of_an_allowed_folder_and_a_fifo_in_it(tmp_path):
    folder = tmp_path / "allowed"
    folder.mkdir()
    (tmp_path / "secret.txt").write_text(SECRET, "utf-8")
    (folder / "link.css").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(folder / "pipe.css")
    fetcher = ConfinedFetcher((folder,))
    with pytest.raises(ValueError, match="refused to load .*leads outside its folder"):
        fetcher.fetch((folder / "link.css").as_uri())
    with pytest.raises(ValueError, match="refused to load .*not a regular file"):
        fetcher.fetch((folder / "pipe.css").as_uri())
