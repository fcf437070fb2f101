"""Sheets for screen readers and archives: the PDF's structure tree, alt text, language,
title, PDF variants, and colours with enough contrast that never carry meaning alone."""

from __future__ import annotations

import io
import re
from collections import Counter

import pikepdf
import pytest
from click.testing import CliRunner
from conftest import FIXED_DAY, ROOT, SEED_RECORD
from pdfcheck import text_of

from sheets import SheetOptions, SheetsError, load_trial, render_pdf
from sheets.cli import main

LINK = "https://clinicaltrials.gov/study/NCT07632209"


def structure(pdf: bytes) -> tuple[Counter, list[tuple[str, str]], pikepdf.Pdf]:
    """Counts of structure element types, and (type, alt text) of elements that have one."""
    document = pikepdf.open(io.BytesIO(pdf))
    counts: Counter = Counter()
    alts: list[tuple[str, str]] = []
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            counts[str(node.S)] += 1
            if "/Alt" in node:
                alts.append((str(node.S), str(node.Alt)))
            if "/K" in node:
                stack.append(node.K)
    return counts, alts, document


def test_the_sheet_is_a_tagged_pdf_with_headings_lists_paragraphs_tables_and_a_described_qr(
    seed_pdf,
):
    counts, alts, document = structure(seed_pdf)
    assert counts["/H1"] == 1
    assert counts["/H2"] >= 8
    assert counts["/L"] >= 3 and counts["/LI"] >= 10 and counts["/LBody"] >= 10
    assert counts["/P"] >= 10
    assert counts["/Table"] >= 2 and counts["/TH"] >= 5
    assert ("/Figure", f"QR code linking to {LINK}") in alts
    assert document.Root.MarkInfo.Marked
    assert str(document.Root.Lang) == "en"
    assert bool(document.Root.ViewerPreferences.DisplayDocTitle)
    assert str(document.docinfo.Title).startswith("Questions to ask about NCT07632209")


def test_the_spanish_sheet_describes_the_qr_code_in_spanish():
    pdf = render_pdf(load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY, lang="es"))
    _, alts, document = structure(pdf)
    assert ("/Figure", f"Código QR que enlaza a {LINK}") in alts
    assert str(document.Root.Lang) == "es"


@pytest.mark.parametrize(
    "variant, claim",
    [
        ("pdf/a-3b", ('pdfaid:part="3"', 'pdfaid:conformance="B"')),
        ("pdf/ua-1", ('pdfuaid:part="1"',)),
    ],
)
def test_a_pdf_variant_is_claimed_in_the_xmp_metadata_and_the_sheet_stays_tagged(variant, claim):
    pdf = render_pdf(
        load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY, pdf_variant=variant)
    )
    counts, alts, document = structure(pdf)
    xmp = document.Root.Metadata.read_bytes().decode("utf-8")
    for part in claim:
        assert part in xmp or part.replace('="', ">").replace('"', "<") in xmp, (part, xmp[:600])
    assert counts["/H1"] == 1 and alts
    assert "Questions for your doctor" in text_of(pdf)


def test_the_pdf_variant_option_is_checked():
    with pytest.raises(SheetsError, match="PDF variant 'pdf/x-4' is not supported"):
        SheetOptions(pdf_variant="pdf/x-4")


def test_the_cli_makes_an_archival_large_print_fillable_spanish_sheet(tmp_path):
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(
        main,
        ["make", str(SEED_RECORD), "-o", str(out), "--lang", "es", "--large-print",
         "--fillable", "--pdf-variant", "pdf/a-3b"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document = pikepdf.open(out)
    assert "/AcroForm" in document.Root and str(document.Root.Lang) == "es"
    assert b"pdfaid" in document.Root.Metadata.read_bytes()
    assert "Preguntas para su médico" in text_of(out.read_bytes())


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(value: str) -> str:
    value = value.lstrip("#").lower()
    return "".join(ch * 2 for ch in value) if len(value) == 3 else value


@pytest.mark.parametrize("stylesheet", ["sheet.css", "large-print.css"])
def test_every_text_colour_has_at_least_4_5_to_1_contrast_on_every_background(stylesheet):
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "templates" / stylesheet).read_text("utf-8"), flags=re.DOTALL)
    texts = {_hex(c) for c in re.findall(r"(?<![\w-])color:\s*#([0-9a-fA-F]{3,6})\b", css)}
    backgrounds = {"ffffff"} | {
        _hex(c) for c in re.findall(r"background(?:-color)?:\s*#([0-9a-fA-F]{3,6})\b", css)
    }
    for text in texts or {"111111"}:
        for background in backgrounds:
            assert _contrast(text, background) >= 4.5, (stylesheet, text, background)


def test_meaning_is_never_carried_by_colour_alone():
    """The stylesheets use only greys: anything that stands out does so by weight, border or
    words, so the sheet reads the same printed in black and white or seen without colour."""
    for stylesheet in ("sheet.css", "large-print.css"):
        css = (ROOT / "templates" / stylesheet).read_text("utf-8")
        for value in re.findall(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", css):
            red, green, blue = (_hex(value)[i : i + 2] for i in (0, 2, 4))
            assert red == green == blue, f"{stylesheet}: #{value} is a colour, not a grey"
        assert not re.search(r"\b(?:rgb|hsl)a?\(", css), stylesheet
