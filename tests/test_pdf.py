"""The PDF a user gets: its text, pixels, QR code, fonts, metadata and page size."""

from __future__ import annotations

import os
import re
from dataclasses import replace

import pytest
from conftest import DATA, FIXED_DAY, RECORDS, ROOT, SECTION_HEADINGS, SEED_RECORD, default_pdf
from pdfcheck import POINTS_PER_MM, find_qr, font_files, page_texts, reader, text_of

from sheets import SheetOptions, load_trial, render_pdf


def test_the_seed_sheet_shows_the_trial_facts_and_sections(seed_pdf):
    text = text_of(seed_pdf)
    for expected in [
        "Lomustine Combined With Anlotinib as Interventional Therapy",
        "NCT07632209",
        "Not yet recruiting",
        "Phase 2",
        "It plans to take 46 people.",
        "June 2026",
        "18 to 75 years",
        "Who can take part",
        "Reasons you may be able to join",
        "Reasons you cannot join",
        "Questions for your doctor",
        "Questions for the trial coordinator",
        "What the trial measures",
        "Objective Response Rate",
        "each cycle is 21 days",
        "Appointment date",
        "Doctor",
        "My name (optional)",
        "https://clinicaltrials.gov/study/NCT07632209",
    ]:
        assert expected in text, expected


def test_the_seed_sheet_says_plainly_what_the_record_does_not_give(seed_pdf):
    text = text_of(seed_pdf)
    assert "Sponsor Not given in the record" in text
    assert "The record lists no study sites" in text
    assert "The record gives no contact details" in text
    assert "Record last updated date not given" in text


def test_every_page_has_the_footer_with_number_page_count_dates_and_disclaimer(seed_pdf):
    pages = page_texts(seed_pdf)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        folded = " ".join(page.split())
        assert f"Page {number} of {len(pages)}" in folded
        assert "NCT07632209" in folded
        assert "Made November 25, 2026" in folded
        assert "Record last updated" in folded
        assert "confirm everything with the study team and your doctor" in folded


def test_the_qr_code_decodes_from_the_pixels_to_the_trial_page_and_is_big_enough(seed_pdf):
    qr = find_qr(seed_pdf)
    assert qr.text == "https://clinicaltrials.gov/study/NCT07632209"
    with_quiet_zone = qr.width_mm * (qr.modules + 8) / qr.modules
    assert with_quiet_zone >= 25


def test_the_link_template_changes_both_the_qr_code_and_the_printed_address():
    options = SheetOptions(
        link_template="https://trials.example.org/find?id={nct_id}", generated_on=FIXED_DAY
    )
    pdf = render_pdf(load_trial(SEED_RECORD), options)
    assert find_qr(pdf).text == "https://trials.example.org/find?id=NCT07632209"
    assert "trials.example.org/find?id=NCT07632209" in text_of(pdf).replace(" ", "")


def test_the_qr_code_is_vector_not_an_image(seed_pdf):
    for page in reader(seed_pdf).pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        subtypes = {str(x.get_object().get("/Subtype")) for x in xobjects.values()}
        assert "/Image" not in subtypes


def test_all_fonts_are_embedded_subsets_of_the_bundled_faces(seed_pdf):
    fonts = font_files(seed_pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("+" in name for name in fonts), "fonts should be subset (ABCDEF+Name)"
    assert any("Atkinson-Hyperlegible" in name for name in fonts)


def test_symbols_and_accents_render_with_the_bundled_fallback_font(tmp_path):
    trial = load_trial(RECORDS_BY_ID["NCT06356129"])  # accented site names and ≥ in criteria
    pdf = render_pdf(trial, SheetOptions(generated_on=FIXED_DAY))
    fonts = font_files(pdf)
    assert set(fonts) <= {n for n in fonts if "Atkinson" in n or "DejaVu-Sans-Sheets" in n}


def test_chinese_names_render_with_the_bundled_fallback_not_as_empty_boxes(tmp_path):
    from sheets.sources.record import trial_from_study

    study = {"protocolSection": {
        "identificationModule": {"nctId": "NCT00000003", "briefTitle": "A trial in 沈阳市"},
        "statusModule": {"overallStatus": "RECRUITING"},
        "contactsLocationsModule": {"locations": [{"facility": "中国医科大学附属第一医院", "city": "沈阳市"}]},
    }}  # fmt: skip
    pdf = render_pdf(trial_from_study(study, "cjk.json"), SheetOptions(generated_on=FIXED_DAY))
    assert "中国医科大学附属第一医院" in text_of(pdf)
    assert any("Droid-Sans-Fallback-Sheets" in name for name in font_files(pdf))


def test_the_metadata_names_the_trial_and_the_language(seed_pdf):
    pdf = reader(seed_pdf)
    info = pdf.metadata
    assert info.title.startswith("Questions to ask about NCT07632209: Lomustine")
    assert "NCT07632209" in info.subject
    assert "NCT07632209" in info["/Keywords"] and "clinical trial" in info["/Keywords"]
    assert str(pdf.trailer["/Root"]["/Lang"]) == "en"
    assert "/StructTreeRoot" in pdf.trailer["/Root"]


def test_text_is_extracted_in_reading_order(seed_pdf):
    text = text_of(seed_pdf)
    order = ["Lomustine Combined", *SECTION_HEADINGS]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("paper", "size_mm"), [("letter", (215.9, 279.4)), ("a4", (210, 297))])
def test_paper_size_follows_the_option(paper, size_mm):
    pdf = render_pdf(load_trial(SEED_RECORD), SheetOptions(paper=paper, generated_on=FIXED_DAY))
    for page in reader(pdf).pages:
        box = page.mediabox
        assert float(box.width) / POINTS_PER_MM == pytest.approx(size_mm[0], abs=0.5)
        assert float(box.height) / POINTS_PER_MM == pytest.approx(size_mm[1], abs=0.5)


RECORDS_BY_ID = {path.stem: path for path in RECORDS}


@pytest.mark.parametrize("path", RECORDS, ids=[p.stem for p in RECORDS])
def test_every_real_record_renders_a_sheet_with_its_number_and_qr(path):
    trial = load_trial(path)
    pdf = default_pdf(path)
    text = text_of(pdf)
    assert trial.nct_id in text
    assert find_qr(pdf).text == f"https://clinicaltrials.gov/study/{trial.nct_id}"


def test_every_character_on_every_real_sheet_is_in_a_bundled_font():
    import html

    from fontTools.ttLib import TTFont

    from sheets import render_html
    from sheets.resources import fonts_dir

    covered = set()
    for name in ("AtkinsonHyperlegible-Regular.ttf", "DejaVuSans.ttf", "DroidSansFallback.ttf"):
        covered |= set(TTFont(fonts_dir() / name).getBestCmap())
    for path in [*RECORDS, SEED_RECORD]:
        page = render_html(load_trial(path), SheetOptions(generated_on=FIXED_DAY))
        body = re.sub(r"<svg.*?</svg>", "", page[page.index("<body") :], flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", body))
        missing = {ch for ch in text if not ch.isspace() and ord(ch) not in covered}
        assert not missing, f"{path.name}: no bundled glyph for {sorted(missing)}"


def test_the_sheet_has_plain_lines_a_key_to_the_boxes_and_a_glossary_but_no_reading_grade(seed_pdf):
    text = text_of(seed_pdf)
    assert "You may be able to join if you are 18 to 75 years old, with no limit on sex." in text
    assert "You cannot join if you have cancer that has spread to the brain or spinal cord" in text
    assert "Yes: this is true for you. No: it is not. Not sure: ask the study team." in text
    assert "Yes: this is true for you, so you may not be able to join." in text
    assert "Reading level" not in text and "Flesch" not in text  # a developer's measure
    glossary = text[text.index("Words on this sheet") : text.index("The study's own wording")]
    assert "ECOG: Eastern Cooperative Oncology Group: a 0 to 5 score" in glossary
    assert "metastases: cancer that has spread" in glossary


def test_list_items_and_labelled_traits_print_on_lines_of_their_own_below_their_lead(seed_pdf):
    lines = [line.strip() for page in page_texts(seed_pdf) for line in page.splitlines()]
    lead = next(i for i, line in enumerate(lines) if line.endswith("treatment with any of these:"))
    assert lines[lead + 1 : lead + 3] == ["– Lomustine.", "– Anlotinib."]
    # a lone trait with no label shares its lead's line: one line, not two
    assert any(line.startswith("I-8 You may be able to join if this is true for you: Voluntarily signs")
               for line in lines)  # fmt: skip
    trial = replace(load_trial(DATA / "records" / "NCT03630471.json"), status="RECRUITING")
    lines = [line.strip() for page in page_texts(render_pdf(trial)) for line in page.splitlines()]
    lead = next(i for i, line in enumerate(lines) if line.startswith("I-1 For adolescent participants:"))
    trait = next(i for i, line in enumerate(lines) if line.startswith("– Enrolled as a student"))
    assert lead < trait <= lead + 2 and lines[trait - 1].endswith("for you:")  # a line of its own


def test_the_seed_sheet_text_matches_the_reviewed_golden_text(seed_pdf):
    golden = ROOT / "tests" / "data" / "golden" / "seed_sheet.txt"
    pages = "\n\f\n".join(" ".join(page.split()) for page in page_texts(seed_pdf)) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(pages, "utf-8")
    assert pages == golden.read_text("utf-8"), "run UPDATE_GOLDEN=1 make test and review the diff"


def test_weasyprint_is_imported_without_leaving_the_library_search_switched_off():
    import ctypes.util
    import subprocess
    import sys

    code = ("import ctypes.util; f = ctypes.util.find_library; import sheets.render.pdf, weasyprint; "
            "assert ctypes.util.find_library is f; print(weasyprint.__version__)")  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() and ctypes.util.find_library.__module__ == "ctypes.util"


def test_the_sheet_uses_no_italic_type(seed_pdf):
    """Slanted type is harder to read for the readers the sheet is for, and costs a font."""
    assert not [name for name in font_files(seed_pdf) if "Italic" in name]
