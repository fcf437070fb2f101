"""Print layout: nothing runs off the page, and no heading is stranded at a page's foot."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from conftest import FIXED_DAY, RECORDS, SECTION_HEADINGS, SEED_RECORD, default_pdf

from sheets import SheetOptions, render_pdf
from sheets.sources.record import trial_from_study


def text_boxes(pdf: bytes):
    """Per page: (page width, page height, [(left, bottom, right, top, text)])."""
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            width, height = page.get_size()
            textpage = page.get_textpage()
            boxes = []
            for index in range(textpage.count_rects()):
                left, bottom, right, top = textpage.get_rect(index)
                text = textpage.get_text_bounded(left, bottom, right, top)
                boxes.append((left, bottom, right, top, text))
            yield width, height, boxes
    finally:
        document.close()


def test_very_long_unbroken_words_wrap_inside_the_page():
    word = "Z" * 700
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000002", "briefTitle": word},
            "descriptionModule": {"briefSummary": f"See {word}"},
            "eligibilityModule": {"eligibilityCriteria": f"Inclusion Criteria:\n* {word}"},
            "outcomesModule": {"primaryOutcomes": [{"measure": word, "timeFrame": word}]},
            "contactsLocationsModule": {
                "centralContacts": [{"name": word, "email": f"{word}@example.org"}],
                "locations": [{"facility": word, "city": word}],
            },
        }
    }
    pdf = render_pdf(trial_from_study(study, "long.json"), SheetOptions(generated_on=FIXED_DAY))
    for width, height, boxes in text_boxes(pdf):
        for left, bottom, right, top, text in boxes:
            assert -0.5 <= left and right <= width + 0.5, f"text runs off the page: {text[:40]}"
            assert -0.5 <= bottom and top <= height + 0.5, f"text runs off the page: {text[:40]}"


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_no_section_heading_is_the_last_text_above_a_page_footer(path):
    pdf = default_pdf(path)
    for number, (_, _height, boxes) in enumerate(text_boxes(pdf), 1):
        footer_top = max(top for _, _, _, top, text in boxes if "This sheet helps you" in text)
        body = [b for b in boxes if b[1] > footer_top]
        if not body:
            continue
        lowest = min(body, key=lambda b: b[1])
        last_line = " ".join(b[4] for b in body if abs(b[1] - lowest[1]) < 2)
        intros = ("Each line above, as the record words it.", "The main results the study team")
        stranded = [h for h in (*SECTION_HEADINGS, *intros) if last_line.strip().startswith(h)]
        assert not stranded, f"page {number}: heading {stranded[0]!r} is stranded at the foot"
