"""A clinic's file (--clinic): what it puts on the sheet, and what it refuses."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from fontTools.ttLib import TTFont
from pdfcheck import find_qr, font_files, font_programs, page_texts, reader, render_page, text_of
from PIL import ImageChops

from sheets.cli import main
from sheets.clinic import load_clinic
from sheets.errors import SheetsError

EXAMPLE = ROOT / "examples" / "clinic" / "clinic.toml"
RECORD = DATA / "records" / "NCT06171568.json"  # its central contact is camille.heslot@aphp.fr


def make(tmp_path: Path, *args: str, record: Path = RECORD) -> tuple[int, str, bytes]:
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(main, ["make", str(record), "-o", str(out), *args])
    return result.exit_code, result.output, out.read_bytes() if out.exists() else b""


def png(width: int = 40, height: int = 10, rgb: bytes = b"\x20\x40\x60") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + rgb * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def clinic_file(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "clinic.toml"
    path.write_text(text, "utf-8")
    return path


def test_the_example_clinic_puts_its_name_footer_contact_questions_and_template_on_the_sheet(tmp_path):
    code, output, pdf = make(tmp_path, "--clinic", str(EXAMPLE))
    assert code == 0, output
    text = text_of(pdf)
    for expected in [
        "Riverside Cancer Center",
        "Prepared for you by our clinical research office.",  # the override template's block
        "Research nurse line (weekdays 8 am to 5 pm)", "+1 555 0100", "trials@riverside.example",
        "Can I have the trial's visits here at Riverside?",
        "Does Riverside pay for parking on trial visit days?",
        "camille.heslot@aphp.fr",  # mode = "add" keeps the study's own contact
    ]:  # fmt: skip
        assert expected in text, expected
    footer = "Riverside Cancer Center · Clinical Research Office · 2nd floor, Building B"
    pages = page_texts(pdf)
    assert all(footer in " ".join(page.split()) for page in pages), "the footer is on every page"
    assert text.index("Research nurse line") < text.index("camille.heslot@aphp.fr")


def test_replace_mode_shows_only_the_clinics_contact(tmp_path):
    path = clinic_file(tmp_path / "c", '[clinic]\nname = "Northside"\n'
                       '[contact]\nphone = "+1 555 0199"\nmode = "replace"\n')  # fmt: skip
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    text = text_of(pdf)
    assert "+1 555 0199" in text and "Northside" in text
    assert "camille.heslot@aphp.fr" not in text and "Camille Heslot" not in text
    assert "gives no contact details" not in text


def test_the_clinics_paper_and_link_apply_unless_a_flag_says_otherwise(tmp_path):
    path = clinic_file(tmp_path / "c", '[sheet]\npaper = "a4"\n'
                       'link_template = "https://trials.north.example/t/{nct_id}"\n')  # fmt: skip
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    assert round(float(reader(pdf).pages[0].mediabox.width)) == 595
    assert find_qr(pdf).text == "https://trials.north.example/t/NCT06171568"
    code, output, pdf = make(tmp_path, "--clinic", str(path), "--paper", "letter",
                             "--link-template", "https://other.example/{nct_id}")  # fmt: skip
    assert code == 0, output
    assert round(float(reader(pdf).pages[0].mediabox.width)) == 612
    assert find_qr(pdf).text == "https://other.example/NCT06171568"


def test_a_png_logo_is_drawn_from_inside_the_pdf(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "logo.png").write_bytes(png())
    path = clinic_file(tmp_path / "c", '[clinic]\nname = "Eastside"\nlogo = "logo.png"\n')
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    images = reader(pdf).pages[0].images
    assert len(images) == 1 and images[0].image.size == (40, 10)
    assert load_clinic(path).clinic.logo.startswith("data:image/png;base64,")


def test_clinic_text_stays_text(tmp_path):
    path = clinic_file(tmp_path / "c", "[clinic]\nname = \"<b>West</b> {{ 7*7 }}\"\n"
                       'footer = "<script>x()</script>"\n')  # fmt: skip
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    text = text_of(pdf)
    assert "<b>West</b> {{ 7*7 }}" in text and "<script>x()</script>" in text


HOSTILE_SVG = {
    "external image": '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    "xlink use": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    '<use xlink:href="other.svg#a"/></svg>',
    "css url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://x.example/p)"/></svg>',
    "style import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import "x.css";</style></svg>',
    "entity": '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("x")</script></svg>',
}


@pytest.mark.parametrize("svg", HOSTILE_SVG.values(), ids=HOSTILE_SVG.keys())
def test_an_svg_logo_that_reaches_out_is_refused(tmp_path, svg):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "logo.svg").write_text(svg, "utf-8")
    path = clinic_file(tmp_path / "c", '[clinic]\nlogo = "logo.svg"\n')
    with pytest.raises(SheetsError, match=rf'^{path}: "clinic.logo": .*logo.svg refers to other'):
        load_clinic(path)


def test_a_self_contained_svg_logo_is_drawn_in_the_header(tmp_path):
    """The example's SVG logo changes only the header's pixels; no WeasyPrint warning."""
    clinic = tmp_path / "clinic"
    shutil.copytree(EXAMPLE.parent, clinic)
    code, output, with_logo = make(tmp_path, "--clinic", str(clinic / "clinic.toml"))
    assert code == 0, output
    toml = clinic / "clinic.toml"
    toml.write_text(toml.read_text("utf-8").replace('logo = "logo.svg"', ""), "utf-8")
    (clinic / "templates" / "sheet.html").unlink()  # it draws the logo without checking for one
    code, output, without = make(tmp_path, "--clinic", str(toml))
    assert code == 0, output
    changed = ImageChops.difference(render_page(with_logo, dpi=50).convert("L"),
                                    render_page(without, dpi=50).convert("L")).getbbox()  # fmt: skip
    assert changed is not None and changed[1] < 40 / 25.4 * 50, changed  # within the top 40 mm
    assert load_clinic(EXAMPLE).clinic.logo.startswith("data:image/svg+xml;base64,")


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[clnic]\nname = "x"\n', "unknown section or key 'clnic'"),
        ('[clinic]\nnmae = "x"\n', 'unknown key "clinic.nmae"'),
        ("[clinic]\nname = 3\n", '"clinic.name" must be text in quotes'),
        ('clinic = "x"\n', '"clinic" must be a [clinic] table'),
        ('[contact]\nphone = "1"\nmode = "merge"\n', '"contact.mode" must be "add" or "replace"'),
        ('[contact]\nemail = "not an address"\n', '"contact.email" \'not an address\' is not an email'),
        ('[contact]\nname = "Desk"\n', '"[contact]" needs a phone or an email'),
        ('[clinic]\nlogo = "missing.png"\n', 'missing.png: cannot read the logo (no such file)'),
        ('[clinic]\nlogo = "clinic.toml"\n', '"clinic.logo": ' ),
        ('[clinic]\ntemplates = "nowhere"\n', '"clinic.templates": '),
        ('[sheet]\npaper = "legal"\n', '"sheet.paper" must be letter or a4'),
        ('[sheet]\nlink_template = "ftp://x/{nct_id}"\n', '"sheet.link_template": '),
        ('[doctor]\nquestions = ["Not a question"]\n', "is not a question"),
        ("[clinic\n", "cannot read the clinic file"),
    ],
)
def test_a_bad_clinic_file_is_one_line_naming_the_file_and_key(tmp_path, toml, problem):
    path = clinic_file(tmp_path / "c", toml)
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 1 and pdf == b""
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {path}: ") and problem in lines[0], lines


def test_a_missing_clinic_file_is_one_line(tmp_path):
    code, output, _ = make(tmp_path, "--clinic", str(tmp_path / "none.toml"))
    assert code == 1 and output.strip() == f"Error: {tmp_path / 'none.toml'}: no such clinic file"


def test_a_changed_clinic_template_makes_the_batch_sheets_again(tmp_path):
    clinic = tmp_path / "clinic"
    shutil.copytree(EXAMPLE.parent, clinic)
    records = tmp_path / "in"
    records.mkdir()
    shutil.copy(RECORD, records)
    args = ["batch", str(records), "-o", str(tmp_path / "out"), "--clinic", str(clinic / "clinic.toml")]
    report = tmp_path / "out" / "sheets-batch-report.json"

    def statuses() -> list[str]:
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return [row["status"] for row in json.loads(report.read_text("utf-8"))["records"]]

    assert statuses() == ["made"]
    assert statuses() == ["unchanged"]
    template = clinic / "templates" / "sheet.html"
    template.write_text(template.read_text("utf-8").replace("Prepared for you", "Made for you"), "utf-8")
    assert statuses() == ["made"]
    assert "Made for you by our clinical" in text_of((tmp_path / "out" / "NCT06171568.pdf").read_bytes())


RED = b"\xff\x00\x00"


def red_pixels(pdf: bytes) -> int:
    data = render_page(pdf, dpi=50).convert("RGB").tobytes()
    return sum(1 for n in range(0, len(data), 3) if data[n] > 200 and data[n + 1] < 60 and data[n + 2] < 60)


def clinic_with_stylesheet(folder: Path, css: str, large_print_css: str = "") -> Path:
    """A clinic whose templates folder holds only stylesheets, a brand font and a red band."""
    templates = folder / "templates"
    templates.mkdir(parents=True)
    (templates / "sheet.css").write_text(css, "utf-8")
    if large_print_css:
        (templates / "large-print.css").write_text(large_print_css, "utf-8")
    (templates / "band.png").write_bytes(png(8, 8, RED))
    font = TTFont(ROOT / "fonts" / "AtkinsonHyperlegible-Regular.ttf")
    font["name"].setName("Clinic Brand", 1, 3, 1, 0x409)
    font["name"].setName("ClinicBrand-Regular", 6, 3, 1, 0x409)
    font.save(templates / "brand.ttf")
    return clinic_file(folder, '[clinic]\nname = "Northside Clinic"\ntemplates = "templates"\n')


BRANDED = """
@font-face { font-family: "Clinic Brand"; src: url(brand.ttf); }
.clinic-name { font-family: "Clinic Brand"; }
.clinic { background: url(band.png); }
"""


def test_a_clinic_stylesheet_is_laid_over_ours_with_its_own_font_and_image(tmp_path):
    large = '.clinic-name::after { content: " (large print)"; }'
    path = clinic_with_stylesheet(tmp_path / "c", BRANDED, large_print_css=large)
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    fonts = font_files(pdf)
    assert any("+Clinic-Brand" in name and embedded for name, embedded in fonts.items()), fonts
    assert any("+Atkinson-Hyperlegible" in name for name in fonts)  # the rest keeps our stylesheet
    assert red_pixels(pdf) > 200  # the band, drawn from the clinic's folder
    assert "Northside Clinic" in text_of(pdf) and "(large print)" not in text_of(pdf)
    code, output, large_pdf = make(tmp_path, "--clinic", str(path), "--large-print")
    assert code == 0, output
    assert "Northside Clinic (large print)" in text_of(large_pdf)


@pytest.mark.expects_weasyprint_warnings
def test_a_clinic_stylesheet_cannot_reach_outside_its_folder(tmp_path, fail_on_weasyprint_warnings):
    (tmp_path / "outside.png").write_bytes(png(8, 8, RED))
    path = clinic_with_stylesheet(tmp_path / "c", ".clinic { background: url(../../outside.png); }")
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 0, output
    assert red_pixels(pdf) == 0 and "Northside Clinic" in text_of(pdf)
    refused = " ".join(fail_on_weasyprint_warnings.messages)
    assert "refused to load" in refused and "outside.png" in refused


def test_a_booklet_of_branded_sheets_embeds_the_clinic_font_once(tmp_path):
    path = clinic_with_stylesheet(tmp_path / "c", BRANDED)
    records = tmp_path / "in"
    records.mkdir()
    for name in ("NCT06171568.json", "NCT00711542.json"):
        shutil.copy(DATA / "records" / name, records)
    booklet = tmp_path / "all.pdf"
    result = CliRunner().invoke(main, ["batch", str(records), "-o", str(tmp_path / "out"),
                                       "--clinic", str(path), "--booklet", str(booklet)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(font_programs(booklet.read_bytes())["Clinic-Brand-Bold"]) == 1
    assert text_of(booklet.read_bytes()).count("Northside Clinic") >= 2


def test_a_clinic_template_can_replace_any_section_by_its_block(tmp_path):
    (tmp_path / "sheet.html").write_text(
        '{% extends "default:sheet.html" %}{% block contacts %}<p>Call our research desk: 555-0199.</p>'
        "{% endblock %}",
        "utf-8",
    )
    from conftest import FIXED_DAY, SEED_RECORD

    from sheets import SheetOptions, load_trial, render_pdf
    from sheets.clinic import Clinic

    options = SheetOptions(generated_on=FIXED_DAY, clinic=Clinic(templates=tmp_path))
    text = " ".join(text_of(render_pdf(load_trial(SEED_RECORD), options)).split())
    assert "Call our research desk: 555-0199." in text
    assert "Where it runs and whom to contact" not in text and "Questions for your doctor" in text


BROKEN = {
    "not found": ('{% include "notes.html" %}', 2, "no template named 'notes.html'"),
    "syntax error": ("{% if %}", 2, "syntax error: Expected an expression"),
    "undefined name": ("{{ sheet.nickname }}", 2, "has no attribute 'nickname' (the sheet has no such name)"),
    "unknown variable": ("{{ clinic_motto }}", 2, "'clinic_motto' is undefined"),
    # a loop names a line on it: here the include (2), or the extends it comes back to (1)
    "includes itself": ('{% include "sheet.html" %}', "", "includes, extends or calls itself without end"),
    "calls itself": ("{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}", 2, "calls itself without end"),
    "not UTF-8": (b"caf\xe9".decode("latin-1"), 2, "the template is not UTF-8 text"),
}


@pytest.mark.parametrize(("body", "line", "problem"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_clinic_template_is_one_line_naming_its_file_and_line(tmp_path, body, line, problem):
    templates = tmp_path / "c" / "templates"
    templates.mkdir(parents=True)
    text = '{% extends "default:sheet.html" %}{% block clinic_header %}\n' + body + "\n{% endblock %}"
    (templates / "sheet.html").write_bytes(text.encode("latin-1" if "not UTF-8" in problem else "utf-8"))
    path = clinic_file(tmp_path / "c", '[clinic]\ntemplates = "templates"\n')
    code, output, pdf = make(tmp_path, "--clinic", str(path))
    assert code == 1 and pdf == b"", output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {templates / 'sheet.html'}, line {line}"), lines
    assert problem in lines[0], lines


def test_a_broken_clinic_template_stops_a_batch_before_any_sheet(tmp_path):
    templates = tmp_path / "c" / "templates"
    templates.mkdir(parents=True)
    (templates / "sheet.html").write_text('{% extends "default:sheet.html" %}\n{% block x %}', "utf-8")
    path = clinic_file(tmp_path / "c", '[clinic]\ntemplates = "templates"\n')
    result = CliRunner().invoke(main, ["batch", str(RECORD), "-o", str(tmp_path / "out"), "--clinic", str(path)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Error: {templates / 'sheet.html'}, line 2: syntax error"), lines
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_a_template_error_at_render_time_fails_each_record_of_a_batch_in_one_line(tmp_path):
    templates = tmp_path / "c" / "templates"
    templates.mkdir(parents=True)
    (templates / "sheet.html").write_text(
        '{% extends "default:sheet.html" %}{% block clinic_header %}\n{{ clinic_motto }}{% endblock %}', "utf-8"
    )
    path = clinic_file(tmp_path / "c", '[clinic]\ntemplates = "templates"\n')
    result = CliRunner().invoke(main, ["batch", str(RECORD), "-o", str(tmp_path / "out"), "--clinic", str(path)])
    assert result.exit_code == 1, result.output
    assert (f"failed: {RECORD}: {templates / 'sheet.html'}, line 2: 'clinic_motto' is undefined"
            in " ".join(result.output.split()))  # fmt: skip


def sheets_command(*args: str) -> subprocess.CompletedProcess:
    """`sheets` in its own process, so a hang fails the test instead of stopping it."""
    command = [str(Path(sys.executable).parent / "sheets"), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
@pytest.mark.parametrize("role", ["clinic file", "logo", "questions file"])
def test_a_fifo_or_dev_zero_as_clinic_file_logo_or_questions_is_refused_at_once(tmp_path, kind, role):
    if kind == "fifo":
        special = tmp_path / "special"
        os.mkfifo(special)  # no writer: reading it would wait for ever
    else:
        special = Path("/dev/zero")  # endless: reading it would fill the memory
    if role == "logo":
        path = clinic_file(tmp_path / "c", f'[clinic]\nlogo = "{special}"\n')
        args = ["--clinic", str(path)]
    else:
        args = ["--clinic" if role == "clinic file" else "--questions", str(special)]
    started = time.monotonic()
    result = sheets_command("make", str(RECORD), "-o", str(tmp_path / "sheet.pdf"), *args)
    assert time.monotonic() - started < 20
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(special) in lines[0] and "not a regular file" in lines[0], lines
    assert not (tmp_path / "sheet.pdf").exists()


def test_a_clinic_file_nested_too_deeply_is_one_line(tmp_path):
    path = clinic_file(tmp_path / "c", "x = " + "[" * 5000 + "]" * 5000 + "\n")
    code, output, _ = make(tmp_path, "--clinic", str(path))
    assert code == 1 and output.strip() == f"Error: {path}: cannot read the clinic file (it is nested too deeply)"
