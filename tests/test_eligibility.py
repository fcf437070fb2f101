"""Parsing real eligibility text into inclusion and exclusion criteria, losing nothing."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
from conftest import DATA, RECORDS, SEED_RECORD
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.model import Criterion
from sheets.plain.criteria import parse_criteria
from sheets.plain.headings import is_section_heading

ELIGIBILITY_TEXTS = sorted((DATA / "eligibility").glob("*.txt"))
SHARED = DATA.parents[2] / "shared"  # the full real corpus, when this checkout has it
HEADER_WORDS = {  # a header line is dropped once it has set the kind, misspelt or not
    "inclusion", "exclusion", "inclusions", "exclusions", "excusion", "exlusion",
    "criteria", "criterion", "eligibility", "key", "non",
    "main", "major", "general", "other", "additional", "specific",  # stock qualifiers of a header
}
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


def test_a_wrapped_line_that_reads_like_a_heading_stays_on_its_item():
    # NCI-MATCH, hard-wrapped: the second line once became a label on the 18 criteria after it
    text = ("Inclusion Criteria:\n  -  Patients with a rare variant must be able to meet the\n"
            "     eligibility criteria for the appropriate subprotocols within 4 weeks\n"
            "     following entry on the screening step\n  -  Age >= 18")  # fmt: skip
    criteria = parse_criteria(text)
    assert [(c.heading, c.original) for c in criteria] == [
        ("", "Patients with a rare variant must be able to meet the eligibility criteria for the "
             "appropriate subprotocols within 4 weeks following entry on the screening step"),
        ("", "Age >= 18"),
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
    # It says something the reader should see (there are more exclusions); a heading that only
    # says the kind is never kept so: see test_a_header_sentence_with_nothing_below_...
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


# -- Structure: headings are labels, never criteria; sub-group headings label their items ----


def parsed(text: str) -> list[tuple[str, str, str]]:
    return [(c.kind, c.heading, c.original) for c in parse_criteria(text)]


def test_a_misspelt_exclusion_header_still_starts_the_exclusion_list():
    # NCT03864107: read as inclusion, "Smokers" told the reader they could join.
    text = (
        "Inclusion Criteria:\n  -  Weight stable (±5kg) for at least 6 months\n"
        "Excusion Criteria:\n  -  Smokers (including the use of vaporisers and e-cigarettes)"
    )
    assert parsed(text) == [
        ("inclusion", "", "Weight stable (±5kg) for at least 6 months"),
        ("exclusion", "", "Smokers (including the use of vaporisers and e-cigarettes)"),
    ]


@pytest.mark.parametrize(
    "inclusion, exclusion",
    [
        ("Inclusions:", "Exclusions:"),  # NCT03864536
        ("Inclusion", "EXCLUSION"),
        ("Inclusion:", "Exclusion"),
        ("INCLUSION CRITERIA", "  -  Exclusion Criteria"),  # NCT03865329: a header with a bullet
    ],
)
def test_a_bare_kind_word_is_a_header_and_never_a_criterion(inclusion, exclusion):
    text = f"{inclusion}\n  -  Must be ambulatory\n{exclusion}\n  -  No insomnia"
    assert parsed(text) == [("inclusion", "", "Must be ambulatory"), ("exclusion", "", "No insomnia")]


@pytest.mark.parametrize(
    "line, first",
    [
        ("Exclusion: Pregnant women", "Pregnant women"),
        ("Exclusion Criteria - Age over 75", "Age over 75"),
        ("Exclusion Criteria:1. Pregnant women", "Pregnant women"),
        ("Exclusion Criteria: Not renal colic patients", "Not renal colic patients"),  # NCT03865004
    ],
)
def test_a_kind_word_glued_to_the_first_criterion_switches_the_kind_and_is_left_out(line, first):
    text = f"Inclusion Criteria - Age 18+\n  -  Renal colic\n{line}\n  -  Smokers"
    assert parsed(text) == [
        ("inclusion", "", "Age 18+"),
        ("inclusion", "", "Renal colic"),
        ("exclusion", "", first),
        ("exclusion", "", "Smokers"),
    ]


def test_a_header_glued_to_the_end_of_a_bullet_starts_the_exclusion_list():
    # NCT03866044: "Signed informed consent Exclusion criteria:" lost its line break.
    text = (
        "Inclusion criteria:\n       -  Aged 18 or more.\n       -  Signed informed consent Exclusion criteria:\n"
        "       -  Pregnancy or breastfeeding\n       -  Claustrophobia"
    )
    assert [(k, o) for k, _, o in parsed(text)] == [
        ("inclusion", "Aged 18 or more."),
        ("inclusion", "Signed informed consent"),
        ("exclusion", "Pregnancy or breastfeeding"),
        ("exclusion", "Claustrophobia"),
    ]


def test_a_header_sentence_glued_in_front_of_the_first_criterion_is_its_heading():
    # NCT03861312, NCT03867474
    text = (
        "Inclusion Criteria:\n  -  The inclusion criteria were as follows: a) men and women aged between 18- and 65-years\n"
        "Exclusion Criteria:\n  -  Exclusion criteria included the following: a) patients with rheumatic diseases"
    )
    assert parsed(text) == [
        ("inclusion", "The inclusion criteria were as follows", "men and women aged between 18- and 65-years"),
        ("exclusion", "Exclusion criteria included the following", "patients with rheumatic diseases"),
    ]


def test_header_sentences_label_the_list_and_set_its_kind():
    # NCT03863015
    text = (
        "Inclusion Criteria:\nEach of the following criteria must be fulfilled for a subject to be eligible:\n"
        "  1. Age ≥ 18 years\nExclusion Criteria:\n"
        "None of the following criteria must be fulfilled for a subject to be eligible:\n"
        "  1. Consciousness upon admission, i.e. a GCS ≥ 9\n  2. Unwitnessed asystole"
    )
    each = "Each of the following criteria must be fulfilled for a subject to be eligible"
    none = "None of the following criteria must be fulfilled for a subject to be eligible"
    assert parsed(text) == [
        ("inclusion", each, "Age ≥ 18 years"),
        ("exclusion", none, "Consciousness upon admission, i.e. a GCS ≥ 9"),
        ("exclusion", none, "Unwitnessed asystole"),
    ]


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("Patients must not meet any of the following exclusion criteria to be eligible:", "exclusion"),
        ("Subjects meeting any of the following criteria will be excluded from the study:", "exclusion"),
        ("Patients will be excluded if they have any of the following:", "exclusion"),
        ("We excluded patients with the following criteria:", "exclusion"),  # NCT03861637
        ("The following exclusion criteria apply to all subjects:", "exclusion"),  # NCT03921515
        ("Participants must meet all of the following criteria:", "inclusion"),
        ("Subjects will be included if:", "inclusion"),  # NCT03860181
        ("To be eligible, patients must:", "inclusion"),
    ],
)
def test_a_header_sentence_heads_the_items_below_it_in_the_kind_it_says(sentence, kind):
    other = "exclusion" if kind == "inclusion" else "inclusion"
    text = f"{other.title()} Criteria:\n  -  Aged 18 or more\n{sentence}\n  -  Hemolytic anemia\n  -  HIV infection"
    criteria = parse_criteria(text)
    assert [(c.kind, c.heading, c.original) for c in criteria[1:]] == [
        (kind, sentence.rstrip(":"), "Hemolytic anemia"),
        (kind, sentence.rstrip(":"), "HIV infection"),
    ]
    assert criteria[0].kind == other and criteria[0].heading == ""


def test_a_header_sentence_with_a_bullet_in_front_is_still_a_header():
    # NCT03861637: it was the first "criterion" of the list.
    text = (
        "Inclusion Criteria:\n  -  Patients who fulfilled the following criteria were included in the study:\n"
        "  -  Adult renal transplant patients (≥21years),\n  -  Informed consent,"
    )
    heading = "Patients who fulfilled the following criteria were included in the study"
    assert parsed(text) == [
        ("inclusion", heading, "Adult renal transplant patients (≥21years),"),
        ("inclusion", heading, "Informed consent,"),
    ]


def test_a_bulleted_header_sentence_over_numbered_items_heads_them_all():
    # NCT03922828: the sentence ends in "." and its items are indented under it.
    text = (
        "Inclusion Criteria:\n  -  The subject must meet all of the following inclusion criteria to participate in this study.\n"
        "       1. Age > 21 years old\n       2. Ability to provide informed consent\n"
        "Exclusion Criteria:\n  -  Unwilling to provide informed consent"
    )
    heading = "The subject must meet all of the following inclusion criteria to participate in this study."
    assert parsed(text) == [
        ("inclusion", heading, "Age > 21 years old"),
        ("inclusion", heading, "Ability to provide informed consent"),
        ("exclusion", "", "Unwilling to provide informed consent"),
    ]


def test_a_header_whose_aside_runs_onto_the_next_line_heads_the_items():
    # NCT03924518
    text = (
        "Inclusion Criteria(Only patients who fully meet the following criteria are eligible to\n"
        "participate in the trial):\n  -  Procalcitonin ≥2ng/ml\nExclusion Criteria:\n  -  Pregnancy or lactating"
    )
    (first, second) = parse_criteria(text)
    assert first.kind == "inclusion" and first.original == "Procalcitonin ≥2ng/ml"
    assert first.heading.endswith("eligible to participate in the trial)")
    assert (second.kind, second.heading) == ("exclusion", "")


@pytest.mark.parametrize(
    "sentence",
    [
        "Patients will be excluded if they have any of the following:",
        "Subjects meeting any of the following criteria will be excluded from the study:",
    ],
)
def test_a_header_sentence_with_nothing_below_is_never_a_criterion(sentence):
    # Its list is missing: it only says the kind, so it heads (hidden) the list of that kind.
    criteria = parse_criteria(f"Exclusion Criteria:\n  -  Smokers\n{sentence}")
    assert [(c.kind, c.original) for c in criteria] == [("exclusion", "Smokers")]
    assert criteria[0].heading == sentence.rstrip(":")
    assert is_section_heading(criteria[0].heading)


def test_a_header_sentence_right_above_a_header_heads_that_headers_list():
    text = "Participants must meet all of the following criteria:\nInclusion Criteria:\n- adults\nExclusion Criteria:\n- smokers"
    assert parsed(text) == [
        ("inclusion", "Participants must meet all of the following criteria", "adults"),
        ("exclusion", "", "smokers"),
    ]


@pytest.mark.parametrize(
    "heading, only_the_kind",
    [
        ("Exclusions", True),
        ("Subjects will be excluded if", True),
        ("Participants must meet all of the following criteria", True),
        ("None of the following criteria must be fulfilled for a subject to be eligible", True),
        ("Inclusion Criteria(Only patients who fully meet the following criteria are eligible to participate in the trial)", True),
        ("Patients will be excluded from the study intra-operatively if", False),  # NCT03862781: "intra-operatively"
        ("Type II diabetic patients, 18 years and older, were included if the participants had", False),
        ("Staff Inclusion Criteria", False),
        ("Inclusion criteria for mothers will be", False),
        ("To be eligible, patients must", False),  # its items finish its sentence
        ("Participants must be", False),
        ("Caregivers", False),
        ("Hematologic", False),
    ],
)
def test_is_section_heading_is_true_only_for_headings_that_say_nothing_but_the_kind(heading, only_the_kind):
    assert is_section_heading(heading) is only_the_kind


def test_a_group_label_above_the_headers_heads_both_lists_of_that_group():
    # NCT03869255: "For community patients :" was a criterion and its items were unlabelled.
    text = (
        "For community patients :\nInclusion Criteria:\n  -  age ≥ 18 years old\nExclusion Criteria:\n  -  None\n"
        "For hospitalized patients :\nInclusion Criteria:\n  -  hospitalization in one of the services\n"
        "Exclusion Criteria:\n  -  None"
    )
    assert parsed(text) == [
        ("inclusion", "For community patients", "age ≥ 18 years old"),
        ("exclusion", "For community patients", "None"),
        ("inclusion", "For hospitalized patients", "hospitalization in one of the services"),
        ("exclusion", "For hospitalized patients", "None"),
    ]


def test_numbered_groups_with_their_own_headers_label_every_item():
    # NCT03866044
    text = (
        "1. Parkinson's Disease (PD) group Inclusion criteria:\n       -  Aged 18 or more.\n"
        "       -  Signed informed consent Exclusion criteria:\n       -  Claustrophobia\n"
        "  2. Healthy participants age- and sex-matched to the PD group:\nInclusion criteria:\n"
        "  -  Signed informed consent\nExclusion criteria:\n  -  Claustrophobia"
    )
    pd, healthy = "Parkinson's Disease (PD) group", "Healthy participants age- and sex-matched to the PD group"
    assert parsed(text) == [
        ("inclusion", pd, "Aged 18 or more."),
        ("inclusion", pd, "Signed informed consent"),
        ("exclusion", pd, "Claustrophobia"),
        ("inclusion", healthy, "Signed informed consent"),
        ("exclusion", healthy, "Claustrophobia"),
    ]


@pytest.mark.parametrize(
    "label",
    [
        "Caregivers:", "For caregivers", "Staff (community health workers):", "Healthy volunteers:",
        "Part B only:", "Cohort 2:", "Sub-study:", "Parents:", "Infants:", "Mothers:",
        "Hematologic:", "Hepatic function:",
    ],
)
def test_a_sub_group_or_topic_heading_labels_every_item_under_it_with_its_sub_items(label):
    text = (
        f"Inclusion Criteria:\n  -  Aged 18 or more\n{label}\n  -  Lives with the patient\n"
        "  -  Able to attend visits:\n       -  weekly\n       -  for 6 months\n"
        "Note: visits may be by phone.\nExclusion Criteria:\n  -  Dementia"
    )
    name = label.rstrip(":")
    criteria = parse_criteria(text)
    assert [(c.kind, c.heading, c.original) for c in criteria] == [
        ("inclusion", "", "Aged 18 or more"),
        ("inclusion", name, "Lives with the patient"),
        ("inclusion", name, "Able to attend visits:"),
        ("exclusion", "", "Dementia"),  # a heading ends at the next header
    ]
    assert criteria[2].details == ("weekly", "for 6 months", "Note: visits may be by phone.")


@pytest.mark.parametrize("header", ["Partner inclusion criteria:", "Staff Inclusion Criteria:"])
def test_topic_headings_under_a_named_header_keep_whom_the_list_is_for(header):
    text = f"{header}\nHematologic:\n- ANC >= 1500\nHepatic function:\n- ALT <= 3 x ULN"
    name = header.rstrip(":")
    assert parsed(text) == [
        ("inclusion", f"{name}: Hematologic", "ANC >= 1500"),
        ("inclusion", f"{name}: Hepatic function", "ALT <= 3 x ULN"),
    ]


def test_a_heading_after_a_header_sentence_switch_still_labels_its_items():
    text = "Inclusion Criteria:\n- adults\nSubjects will be excluded if:\n- pregnant\nCaregivers:\n- dementia"
    assert parsed(text) == [
        ("inclusion", "", "adults"),
        ("exclusion", "Subjects will be excluded if", "pregnant"),
        ("exclusion", "Caregivers", "dementia"),
    ]


def test_a_bulleted_group_lead_labels_its_indented_items_and_ends_at_its_level():
    # NCT03863509: "Specific to Exclusive Smokers:" was a criterion holding the smokers' criteria.
    text = (
        "Inclusion Criteria:\n  -  able to read and write English\n  -  Specific to Exclusive Smokers:\n"
        "       -  smokes daily\n       -  Cotinine > 100 ng/ml\n  -  Specific to Dual users\n"
        "       -  >/= 5 ppm CO\n  -  able to walk at least 2 blocks"
    )
    assert parsed(text) == [
        ("inclusion", "", "able to read and write English"),
        ("inclusion", "Specific to Exclusive Smokers", "smokes daily"),
        ("inclusion", "Specific to Exclusive Smokers", "Cotinine > 100 ng/ml"),
        ("inclusion", "Specific to Dual users", ">/= 5 ppm CO"),
        ("inclusion", "", "able to walk at least 2 blocks"),
    ]


def test_a_lowercase_group_label_under_an_item_is_not_joined_to_it():
    # NCT03921931: "for healthy volunteers:" was glued to the item above.
    text = (
        "Inclusion Criteria:\n  -  ability and willingness to follow instructions\nfor healthy volunteers:\n"
        "  -  normal ophthalmologic findings\nfor primary open angle glaucoma patients (POAG):\n  -  diagnosed POAG"
    )
    assert parsed(text) == [
        ("inclusion", "", "ability and willingness to follow instructions"),
        ("inclusion", "for healthy volunteers", "normal ophthalmologic findings"),
        ("inclusion", "for primary open angle glaucoma patients (POAG)", "diagnosed POAG"),
    ]


def test_a_label_without_a_colon_above_a_list_labels_it():
    # NCT03865771: "Specific" and "Control group" were criteria a reader could tick.
    text = (
        "Inclusion Criteria:\nPrincipal:\n  -  normal psychomotor development\nSpecific\n"
        'Patients from "severe" and "benign" groups:\n  -  normal neuroimaging\nControl group\n'
        "-children hospitalized for a non neurologic disease"
    )
    assert parsed(text) == [
        ("inclusion", "Principal", "normal psychomotor development"),
        ("inclusion", 'Specific: Patients from "severe" and "benign" groups', "normal neuroimaging"),
        ("inclusion", "Control group", "children hospitalized for a non neurologic disease"),
    ]


def test_a_bulleted_lead_keeps_the_same_level_items_that_finish_it():
    # NCT03927417: "Tubal ligation" alone would be put to the reader, not to the female partner.
    text = (
        "Exclusion Criteria:\n  -  Couples planned for oocyte and sperm donation\n"
        "  -  Couples in whom the female partner has a history of:\n  -  Tubal ligation\n  -  Endometriosis\n"
        "  -  Couples in whom the male partner has a history of:\n  -  Vasectomy"
    )
    assert [(c.original, c.details) for c in parse_criteria(text)] == [
        ("Couples planned for oocyte and sperm donation", ()),
        ("Couples in whom the female partner has a history of:", ("Tubal ligation", "Endometriosis")),
        ("Couples in whom the male partner has a history of:", ("Vasectomy",)),
    ]


def test_a_lone_or_between_items_joins_them_and_is_no_criterion():
    # NCT03921476, NCT03865589: "OR" on a line of its own was a criterion.
    text = "Inclusion Criteria:\nFemale subjects taking spironolactone\nOR\nFemale subjects taking oral antibiotics"
    assert [c.original for c in parse_criteria(text)] == [
        "Female subjects taking spironolactone OR",
        "Female subjects taking oral antibiotics",
    ]


def test_a_group_label_with_no_list_under_it_keeps_its_words():
    assert [c.original for c in parse_criteria("Caregivers\nInclusion")] == ["Caregivers"]
    assert [c.original for c in parse_criteria("For all phases:\nInclusion Criteria:\nExclusion Criteria:")] == [
        "For all phases:"
    ]


HEADING_TOKENS = (
    "Inclusion", "Exclusion", "Exclusions", "Excusion", "Criteria", ":", "\n", "\n", "  - ", "     - ", "1. ",
    "(a) ", "Caregivers", "For ", "Part B", "only", "Control group", "Specific", "OR", "Note: ", "Patients",
    "will be excluded if", "must meet all of the following", "criteria", "(", ")", "Hematologic:", "smokers",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(HEADING_TOKENS), max_size=40))
def test_any_mix_of_headers_labels_and_items_keeps_every_word(tokens):
    text = " ".join(tokens)
    criteria = parse_criteria(text)
    assert all(c.original.strip() for c in criteria)
    assert not words_kept(text, criteria)


# The corpus check: no criterion may read like a heading. A heading is a label ("Caregivers:"
# with nothing under it), the kind word ("Exclusion", "Inclusion criteria: ..."), a word that
# only sorts the list ("Specific") or joins two items ("OR"), or a sentence that only announces
# the list.
KIND_WORD = re.compile(
    r"(?i)^\W*(?:key\s+)?(?:non[-\s]?)?(?:inclusion|exclusion|excusion|exlusion)s?(?:\s+criteri(?:a|on))?\b\s*(?:[:\-–—(]|$)"
)
LONE_QUALIFIER = re.compile(r"(?i)^(?:specific|general|principal|main|common|other|additional)\s*:?$")
ANNOUNCING_WORDS = {"criteria", "following", "excluded", "included", "eligible"}
STOCK_WORDS = ANNOUNCING_WORDS | set(
    "a all and any apply are as be each exclude exclusion fulfil fulfilled follows for from have if in "
    "include includes inclusion meet meeting must none not of participants participate patients selection "
    "should study subject subjects the they this to trial we were who will with".split()
)


def looks_like_a_heading(criterion) -> str:
    text = criterion.original.strip()
    if KIND_WORD.match(text):
        return "the kind word"
    if LONE_QUALIFIER.match(text):
        return "a word that sorts the list"
    if re.fullmatch(r"(?i)or|and|and/or", text):
        return "a word joining two items"
    if text.endswith(":") and not criterion.details:
        return "a label with nothing under it"
    words = set(re.findall(r"[a-z]+", text.split(":")[0].rstrip(".").lower()))
    if words and words <= STOCK_WORDS and words & ANNOUNCING_WORDS:
        return "a sentence announcing the list"
    return ""


def test_the_heading_check_knows_a_heading_from_a_criterion():
    def check(original, details=()):
        return looks_like_a_heading(Criterion("inclusion", original, details))

    assert check("Exclusion: Pregnant women") and check("EXCLUSION") and check("Specific") and check("OR")
    assert check("Patients who fulfilled the following criteria were included in the study:")
    assert check("The inclusion criteria were as follows: a) men and women")
    assert check("Hematologic:") and not check("Hematologic:", ("ANC >= 1500",))
    assert not check("Both sexes will be included.") and not check("Exclusion of pregnancy is not required")
    assert not check("Patients whose clinical presentation meets at least one of the following criteria:", ("CKD",))


@pytest.mark.skipif(not (SHARED / "eligibility").is_dir(), reason="the shared corpus is not in this checkout")
def test_no_criterion_in_the_shared_corpus_reads_like_a_heading():
    found = []
    for path in sorted((SHARED / "eligibility").glob("*.txt")):
        for criterion in parse_criteria(path.read_text("utf-8")):
            why = looks_like_a_heading(criterion)
            if why:
                found.append(f"{path.stem}: {why}: {criterion.original[:80]!r}")
    assert not found, "\n".join(found)


def test_a_criterion_cut_by_a_line_break_after_or_is_one_criterion():
    text = (  # NCT03862664: "or" with no punctuation before it ends a phrase, not an item
        "Inclusion Criteria:\n  -  Free of chronic disease or\n  -  Previous major abdominal surgery,\n"
        "  -  Body mass index (BMI) <28,\n"
    )
    free, bmi = parse_criteria(text)
    assert free.original == "Free of chronic disease or Previous major abdominal surgery,"
    assert bmi.original == "Body mass index (BMI) <28,"


def test_a_lead_ending_in_by_keeps_its_sub_items():
    text = (  # a list of alternatives under "defined by": never separate criteria
        "Inclusion Criteria:\n- Severe pre-eclampsia defined by\n    - Severe headache\n    - Pulmonary edema\n"
    )
    (criterion,) = parse_criteria(text)
    assert criterion.details == ("Severe headache", "Pulmonary edema")
