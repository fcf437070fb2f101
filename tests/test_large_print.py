"""--large-print: the American Council of the Blind's sizes, measured in the PDF a user gets."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from conftest import FIXED_DAY, RECORDS, SEED_RECORD, default_pdf
from pdfcheck import text_of

from sheets import SheetOptions, load_trial, render_pdf

CASES = [SEED_RECORD, *RECORDS[:4]]


@dataclass(frozen=True)
class Char:
    page: int
    char: str
    size: float  # the size it is drawn at, in points
    box: tuple[float, float, float, float]  # left, bottom, right, top
    page_box: tuple[float, float]  # width, height


def chars(pdf: bytes) -> list[Char]:
    """Every visible character with its drawn size (font size times the text matrix's scale)."""
    document = pdfium.PdfDocument(pdf)
    found = []
    try:
        for number, page in enumerate(document):
            width, height = page.get_size()
            text = page.get_textpage()
            for i in range(text.count_chars()):
                char = chr(pdfium_raw.FPDFText_GetUnicode(text, i))
                if char.isspace() or not char.isprintable():
                    continue
                matrix = pdfium_raw.FS_MATRIX()
                pdfium_raw.FPDFText_GetMatrix(text, i, matrix)
                scale = (matrix.c**2 + matrix.d**2) ** 0.5
                size = pdfium_raw.FPDFText_GetFontSize(text, i) * scale
                found.append(Char(number, char, size, text.get_charbox(i), (width, height)))
    finally:
        document.close()
    return found


def large(path, **options) -> bytes:
    return render_pdf(
        load_trial(path), SheetOptions(generated_on=FIXED_DAY, large_print=True, **options)
    )


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_character_is_18_pt_or_more_and_inside_the_page(path, paper):
    found = chars(large(path, paper=paper))
    assert len(found) > 1000
    small = {(c.char, round(c.size, 1)) for c in found if c.size < 18 - 0.01}
    assert not small, f"text under 18 pt: {sorted(small)[:10]}"
    for c in found:
        left, bottom, right, top = c.box
        width, height = c.page_box
        assert 0 <= left and right <= width and 0 <= bottom and top <= height, (c.page, c.char)


def test_the_ordinary_sheet_is_smaller_so_the_measure_can_tell(seed_pdf):
    assert min(c.size for c in chars(seed_pdf)) < 12


def test_headings_are_22_pt_or_more_and_body_text_18():
    found = chars(large(SEED_RECORD))
    text = "".join(c.char for c in found)
    for heading in ("Whocantakepart", "Questionsforyourdoctor", "Wordsonthissheet"):
        start = text.index(heading)
        sizes = {round(c.size, 1) for c in found[start : start + len(heading)]}
        assert min(sizes) >= 22, (heading, sizes)
    body = "Tickaboxforeachline"
    start = text.index(body)
    assert {round(c.size, 1) for c in found[start : start + len(body)]} == {18.0}


def test_lines_are_spaced_one_and_a_half_times_the_text_size():
    found = [c for c in chars(large(SEED_RECORD)) if round(c.size, 1) == 18.0]
    gaps = []
    for previous, char in itertools.pairwise(found):
        same_page = previous.page == char.page
        step = previous.box[1] - char.box[1]
        if same_page and char.box[0] < previous.box[0] and 20 < step < 40:  # a wrapped line
            gaps.append(round(step, 1))
    assert gaps and max(set(gaps), key=gaps.count) == pytest.approx(27, abs=0.6)  # 1.5 x 18 pt


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_large_print_reflows_the_same_words_onto_more_pages(path):
    """Nothing is clipped or dropped: every word of the ordinary sheet is in the large one."""
    ordinary = default_pdf(path)
    big = large(path)

    def words(pdf):
        return set(re.findall(r"\w+", re.sub(r"Page \d+ of \d+", "", text_of(pdf)).lower()))

    assert words(ordinary) - words(big) == set()
    assert len(pdfium.PdfDocument(big)) > len(pdfium.PdfDocument(ordinary))
