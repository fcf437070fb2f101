"""Parsing real eligibility text into inclusion and exclusion criteria, losing nothing."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import DATA, RECORDS, SEED_RECORD
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.eligibility import parse_criteria

ELIGIBILITY_TEXTS = sorted((DATA / "eligibility").glob("*.txt"))
SHARED = DATA.parents[2] / "shared"  # the full real corpus, when this checkout has it
HEADER_WORDS = {"inclusion", "exclusion", "criteria", "criterion", "eligibility", "key", "non"}
WORD = re.compile(r"[A-Za-z]{3,}")
ROMAN = re.compile(r"[ivxIVX]+")


def words_kept(text: str, criteria) -> Counter:
    """Words of the input that no criterion, sub-item or heading carries."""
    out = Counter(WORD.findall(" ".join(" ".join((c.heading, c.original, *c.details)) for c in criteria)))
    given_words = Counter(
        w for w in WORD.findall(text)
        if w.lower() not in HEADER_WORDS and not ROMAN.fullmatch(w)  # roman numerals number items
    )  # fmt: skip
    return given_words - out


def record_text(path) -> str:
    study = json.loads(path.read_text("utf-8"))
    study = study.get("studies", [study])[0]
    return study["protocolSection"].get("eligibilityModule", {}).get("eligibilityCriteria", "")


def test_the_seed_criteria_split_into_eight_inclusion_and_two_exclusion():
    criteria = parse_criteria(record_text(SEED_RECORD))
    kinds = [c.kind for c in criteria]
    assert kinds == ["inclusion"] * 8 + ["exclusion"] * 2
    assert criteria[0].original == "Aged 18-75 years, without gender restriction."
    labs = criteria[5]
    assert labs.original.startswith("Adequate organ function") and "(APTT) ≤ 1.5×ULN." in labs.original
    assert criteria[8].original.startswith("Previous treatment with lomustine")


def test_text_without_headers_is_all_inclusion():
    criteria = parse_criteria("  -  Healthy adults\n  -  Aged 18-60 years\n")
    assert [(c.kind, c.original) for c in criteria] == [
        ("inclusion", "Healthy adults"),
        ("inclusion", "Aged 18-60 years"),
    ]


def test_numbered_items_keep_their_lettered_sub_items_as_details():
    text = (
        "Inclusion Criteria:\n\n"
        "1. Adequate organ function, defined as:\n"
        "   a. ANC ≥ 1,500/mm3\n"
        "   b. Platelets ≥ 100,000/mm3\n"
        "2. ECOG performance status 0-1\n"
    )
    first, second = parse_criteria(text)
    assert first.original == "Adequate organ function, defined as:"
    assert first.details == ("ANC ≥ 1,500/mm3", "Platelets ≥ 100,000/mm3")
    assert second.original == "ECOG performance status 0-1" and second.details == ()


def test_indented_bullets_under_a_bullet_are_sub_items():
    text = (
        "Exclusion Criteria:\n"
        "  -  Any of the following within 6 months:\n"
        "       -  myocardial infarction\n"
        "       -  unstable angina\n"
        "  -  Pregnancy\n"
    )
    first, second = parse_criteria(text)
    assert first.kind == second.kind == "exclusion"
    assert first.details == ("myocardial infarction", "unstable angina")
    assert second.original == "Pregnancy"


def test_a_criterion_spread_over_lines_is_joined():
    text = "Inclusion Criteria:\n  -  Patients with type 2 diabetes\n     treated with metformin\n  -  BMI 25-40"
    criteria = parse_criteria(text)
    assert [c.original for c in criteria] == [
        "Patients with type 2 diabetes treated with metformin",
        "BMI 25-40",
    ]


def test_in_list_headings_label_the_items_below_them():
    text = "Inclusion Criteria:\nHematologic:\n- ANC >= 1500\n- Platelets >= 100000\nHepatic:\n- ALT <= 3 x ULN"
    criteria = parse_criteria(text)
    assert [(c.heading, c.original) for c in criteria] == [
        ("Hematologic", "ANC >= 1500"),
        ("Hematologic", "Platelets >= 100000"),
        ("Hepatic", "ALT <= 3 x ULN"),
    ]


def test_header_spellings_set_the_kind():
    text = (
        "KEY INCLUSION CRITERIA\n* adults\nNon-inclusion criteria:\n* smokers\n"
        "Subjects will be included if:\n* over 40\nExclusions:\n* asthma"
    )
    assert [(c.kind, c.original) for c in parse_criteria(text)] == [
        ("inclusion", "adults"),
        ("exclusion", "smokers"),
        ("inclusion", "over 40"),
        ("exclusion", "asthma"),
    ]


def test_a_qualified_header_becomes_the_heading_of_its_items():
    text = "Staff Inclusion Criteria:\n- works on the ward\nResident Exclusion Criteria:\n- dementia"
    criteria = parse_criteria(text)
    assert [(c.kind, c.heading, c.original) for c in criteria] == [
        ("inclusion", "Staff Inclusion Criteria", "works on the ward"),
        ("exclusion", "Resident Exclusion Criteria", "dementia"),
    ]


def test_markdown_escapes_from_clinicaltrials_gov_are_undone():
    (criterion,) = parse_criteria("Inclusion Criteria:\n\n* Creatinine clearance \\>= 60 mL/min \\*")
    assert criterion.original == "Creatinine clearance >= 60 mL/min *"


def test_number_styles_are_all_markers():
    text = "Inclusion Criteria:\n1) one\n2: two\n(3) three\n* 4. four\n• five"
    assert [c.original for c in parse_criteria(text)] == ["one", "two", "three", "four", "five"]


def test_a_note_belongs_to_the_item_above_it():
    text = (
        "Inclusion Criteria:\n1. Prior hepatitis B is allowed if:\n   a. HBV DNA undetectable\n"
        "Note: patients on antiviral therapy are eligible.\n2. ECOG 0-1\n"
        "Exclusion Criteria:\n- Pregnancy\n- NOTE: a negative test is required"
    )
    criteria = parse_criteria(text)
    assert [c.original for c in criteria] == ["Prior hepatitis B is allowed if:", "ECOG 0-1", "Pregnancy"]
    assert criteria[0].details == ("HBV DNA undetectable", "Note: patients on antiviral therapy are eligible.")
    assert criteria[2].details == ("NOTE: a negative test is required",)


def test_an_item_back_at_the_parents_level_ends_the_indented_sub_list():
    text = "Exclusion Criteria:\n- Hematologic:\n    - ANC < 1000\n(a) pregnancy\n(b) lactation"
    criteria = parse_criteria(text)
    assert [(c.original, c.details) for c in criteria] == [
        ("Hematologic:", ("ANC < 1000",)),
        ("pregnancy", ()),
        ("lactation", ()),
    ]


def test_key_and_additional_headers_set_the_kind_and_keep_what_they_qualify():
    text = (
        "Key inclusion criteria\n- adults\nKey exclusion criteria\n- smokers\n"
        "Additional inclusion criteria for the sleep sub-study:\n- insomnia"
    )
    assert [(c.kind, c.heading, c.original) for c in parse_criteria(text)] == [
        ("inclusion", "", "adults"),
        ("exclusion", "", "smokers"),
        ("inclusion", "Additional inclusion criteria for the sleep sub-study", "insomnia"),
    ]


def test_roman_and_lettered_sub_items_under_numbers_are_details():
    text = "Inclusion Criteria:\n1. Adults\n   i. aged 18 or over\n   ii. able to walk\n2. Consent"
    first, second = parse_criteria(text)
    assert first.details == ("aged 18 or over", "able to walk") and second.original == "Consent"


def test_a_lone_heading_with_nothing_below_is_kept_as_a_criterion():
    criteria = parse_criteria("Exclusion Criteria:\n- smokers\nOther exclusions defined in the protocol:")
    assert [c.original for c in criteria] == ["smokers", "Other exclusions defined in the protocol:"]


def test_empty_text_gives_no_criteria():
    assert parse_criteria("") == () and parse_criteria(" \n\n\t") == ()
    assert parse_criteria("Inclusion Criteria:\n\nExclusion Criteria:\n-") == ()


def test_every_real_text_parses_into_criteria_and_loses_no_words():
    texts = [(p.name, p.read_text("utf-8")) for p in ELIGIBILITY_TEXTS]
    texts += [(p.name, record_text(p)) for p in RECORDS]
    assert len(texts) >= 60
    for name, text in texts:
        criteria = parse_criteria(text)
        if WORD.search(re.sub(r"(?i)(inclusion|exclusion) criteria:?", "", text)):
            assert criteria, f"{name}: no criteria found"
        assert all(c.original.strip() for c in criteria), f"{name}: an empty criterion"
        lost = words_kept(text, criteria)
        assert not lost, f"{name}: words lost {dict(lost)}"


@pytest.mark.skipif(not (SHARED / "eligibility").is_dir(), reason="the shared corpus is not in this checkout")
def test_the_whole_shared_corpus_parses_and_loses_no_words():
    texts = [(p.name, p.read_text("utf-8")) for p in sorted((SHARED / "eligibility").glob("*.txt"))]
    texts += [(p.name, record_text(p)) for p in sorted((SHARED / "records").glob("*.json"))]
    assert len(texts) >= 600
    for name, text in texts:
        criteria = parse_criteria(text)
        assert bool(criteria) == bool(text.strip()), name
        assert not words_kept(text, criteria), name


def test_real_texts_with_both_headers_give_both_kinds():
    for path in ELIGIBILITY_TEXTS:
        text = path.read_text("utf-8")
        criteria = parse_criteria(text)
        has_items_after = re.search(r"(?is)exclusion criteria:?\s*\n\s*(?:[-*•]|\d+\.)\s*\w", text)
        if re.search(r"(?im)^\s*inclusion criteria", text) and has_items_after:
            assert {c.kind for c in criteria} == {"inclusion", "exclusion"}, path.name


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ 019.:;()-*•\n\t≥<>\\")), max_size=400))
def test_any_text_parses_without_error_and_keeps_its_words(text):
    criteria = parse_criteria(text)
    assert all(c.original for c in criteria)
    assert not words_kept(text, criteria)


def test_a_header_glued_to_the_end_of_an_item_starts_its_own_section():
    text = (
        "Inclusion Criteria:\n"
        "  1. Suspected acute stroke within the STEMO catchment area Inclusion criteria for primary study population:\n"
        "  2. Final diagnosis of ischemic stroke\n"
        "Exclusion Criteria:\n"
        "  1. Malignant disease with life expectancy < 1 year Additional exclusion criteria for primary study population:\n"
        "  2. Major surgery within 4 weeks\n"
    )
    first, second, third, fourth = parse_criteria(text)
    assert first.original == "Suspected acute stroke within the STEMO catchment area"
    assert "primary study population" in second.heading and second.kind == "inclusion"
    assert third.original == "Malignant disease with life expectancy < 1 year"
    assert "primary study population" in fourth.heading and fourth.kind == "exclusion"
