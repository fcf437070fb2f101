"""The plain-English engine over whole real texts: order, kind, numbers, determinism, golden lines."""

from __future__ import annotations

import json
import os

from conftest import DATA, SEED_RECORD
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.plain import plain_criteria, sheet_glossary
from sheets.plain.criteria import parse_criteria
from sheets.plain.normalise import keeps_numbers

ELIGIBILITY_TEXTS = sorted((DATA / "eligibility").glob("*.txt"))
GOLDEN = DATA / "golden" / "seed_plain.json"


def seed_criteria():
    record = json.loads(SEED_RECORD.read_text("utf-8"))
    return parse_criteria(record["protocolSection"]["eligibilityModule"]["eligibilityCriteria"])


def test_every_real_line_keeps_its_numbers_and_its_kind():
    for path in ELIGIBILITY_TEXTS:
        for line in plain_criteria(parse_criteria(path.read_text("utf-8"))):
            assert keeps_numbers(line.original, line.plain), (path.name, line.original, line.plain)
            frame = "may be able to join if" if line.kind == "inclusion" else "cannot join if"
            assert line.plain.startswith(("You " + frame, "Your child " + frame, "The study")), line.plain
            assert "may be able to join" not in line.plain or line.kind == "inclusion"
            assert line.original and line.plain.endswith((".", ":", "?", "!")), (path.name, line.plain)


def test_each_criterion_gets_one_line_in_the_same_order_with_its_full_wording():
    criteria = seed_criteria()
    lines = plain_criteria(criteria)
    assert [line.kind for line in lines] == [c.kind for c in criteria]
    assert [line.original for line in lines] == [c.full_text for c in criteria]


def test_the_rewrite_is_deterministic():
    assert plain_criteria(seed_criteria()) == plain_criteria(seed_criteria())


def test_the_sheet_glossary_lists_only_terms_the_texts_use_alphabetically():
    pairs = sheet_glossary(["Absolute neutrophil count (ANC) ≥ 1500", "ECOG 0-1; no HIV"])
    terms = [term for term, _ in pairs]
    assert {"ANC", "ECOG", "HIV"} <= set(terms)
    assert "INR" not in terms
    assert terms == sorted(terms, key=str.lower)
    assert all(meaning for _, meaning in pairs)


def test_the_word_list_explains_a_term_as_the_lines_do_and_skips_what_a_line_explained():
    # The record defines PMS itself; the overview uses it bare: the list gives the trial's words.
    context = "Women with premenstrual syndrome (PMS) complete interviews."
    assert dict(sheet_glossary(["This study follows people with PMS."], context=context)) == {
        "PMS": "premenstrual syndrome"
    }
    # "plasma" inside "plasma cell myeloma" is not the blood's plasma, whatever else the record says.
    listed = dict(sheet_glossary(["Plasma Cell Myeloma"], context="Plasma glucose under 7."))
    assert "plasma" not in listed and "myeloma" in listed
    # A product code is never listed; a term explained under its line is not listed again.
    assert sheet_glossary(["JS001 and ECOG"], explained=["ECOG"]) == ()


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ 0123456789.,;:()-≥≤<>~×%/\n")), max_size=200))
def test_any_text_gives_lines_that_keep_every_number(text):
    for line in plain_criteria(parse_criteria(text)):
        assert keeps_numbers(line.original, line.plain)
        assert line.plain.startswith(("You may be able to join if", "You cannot join if", "Your child",
                                      "The study"))


def golden_rows(criteria) -> list[dict]:
    return [
        {"kind": c.kind, "label": c.label, "original": c.original, "plain": c.plain,
         "words": [f"{term}: {meaning}" for term, meaning in c.words]}
        for c in plain_criteria(criteria)
    ]  # fmt: skip


def matches_golden(rows, golden) -> bool:
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", "utf-8")
    return rows == json.loads(golden.read_text("utf-8"))


def test_the_seed_criteria_match_the_reviewed_golden_lines():
    assert matches_golden(golden_rows(seed_criteria()), GOLDEN), "run UPDATE_GOLDEN=1 and review the diff"


def test_the_test_texts_match_their_reviewed_golden_lines():
    rows = {path.name: golden_rows(parse_criteria(path.read_text("utf-8"))) for path in ELIGIBILITY_TEXTS}
    assert matches_golden(rows, DATA / "golden" / "eligibility_plain.json"), "run UPDATE_GOLDEN=1 and review the diff"
