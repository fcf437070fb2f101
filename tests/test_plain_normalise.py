"""Symbols, ranges and worded comparators spelled out, every number kept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets.plain.normalise import keeps_numbers, numbers_in, spell_out


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        ("Aged 18-75 years", "Aged 18 to 75 years"),
        ("ECOG 0~2", "ECOG 0 to 2"),
        ("ANC ≥ 1.5×10⁹/L", "ANC at least 1.5 × 10⁹/L"),
        ("ALT ≤ 2.5 x ULN", "ALT at most 2.5 times ULN"),
        ("BMI> 35", "BMI more than 35"),
        ("Hb <9 g/dL", "Hb less than 9 g/dL"),
        ("Age＜18 years, or age＞80 years.", "Age less than 18 years, or age more than 80 years."),
        ("greater than or equal to 19 years", "at least 19 years"),
        ("less than or equal to 12 weeks", "at most 12 weeks"),
        ("no more than 2 prior lines", "at most 2 prior lines"),
        ("not less than 50 kg", "at least 50 kg"),
        ("aged 18+ years", "aged 18 or more years"),
        ("eGFR >= 60 mL/min/1.73 m²", "eGFR at least 60 mL/min/1.73 m²"),
        ("QTc >470 ms", "QTc more than 470 ms"),
        ("~3 months", "about 3 months"),
    ],
)
def test_symbols_and_worded_comparators_become_plain_words(written, spelled):
    assert spell_out(written) == spelled
    assert keeps_numbers(written, spelled)


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        # typed-out comparators, as real criteria write them
        ("Adult patients (age >/= 18) admitted to the Neuro ICU", "Adult patients (age at least 18) admitted to the Neuro ICU"),
        ("not using cigars/smokeless/snus tobacco >/= 1 time per week", "not using cigars/smokeless/snus tobacco at least 1 time per week"),
        (">/= 5 cigs/day for last 6 months", "at least 5 cigs/day for last 6 months"),
        ("</= 4 ppm CO", "at most 4 ppm CO"),
        ("Time up ang go test </= 12 seconds", "Time up ang go test at most 12 seconds"),
        ("physical status classification system (ASA) </= 2", "physical status classification system (ASA) at most 2"),
        # the other spellings of the same two comparators
        ("age =/> 18", "age at least 18"),
        ("age ≥/= 18", "age at least 18"),
        ("age > or = 18", "age at least 18"),
        ("age > or equal to 18", "age at least 18"),
        ("age>/=18", "age at least 18"),
        ("age => 18", "age at least 18"),
        ("Hb =/< 10 g/dL", "Hb at most 10 g/dL"),
        ("age ≤/= 65", "age at most 65"),
        ("platelets < or = 100", "platelets at most 100"),
        ("age =< 65", "age at most 65"),
        ("Age ≥ 18 years", "Age at least 18 years"),
    ],
)
def test_typed_out_comparators_are_at_least_or_at_most(written, spelled):
    assert spell_out(written) == spelled
    assert keeps_numbers(written, spelled) and keeps_numbers(spelled, written)


@pytest.mark.parametrize(
    "code",
    [
        "Enrolled in MSK protocol 17-385",
        "Enrolled in MSK protocol #17-385",
        "registered as NCT 03-123",
        "ICD-10 F20-F29",
        "ICD-10 codes 20-29",
        "study number 2018-123",
        "Ethics approval No. 12-34",
        "version 2-1 of the diary",
        "IRB 2019-0123",
        "visit on 2019-01-15",
    ],
)
def test_hyphenated_numbers_that_name_something_keep_their_hyphen(code):
    assert spell_out(code) == code


@pytest.mark.parametrize(
    ("written", "spelled"),
    [
        ("Any intraventricular hemorrhage (IVH) in the first 48 hours or IVH grade 3-4",
         "Any intraventricular hemorrhage (IVH) in the first 48 hours or IVH grade 3 to 4"),
        ("treated with basal insulin plus 1-3 bolus insulin injections per day",
         "treated with basal insulin plus 1 to 3 bolus insulin injections per day"),
        ("exercise 1-2 times per week", "exercise 1 to 2 times per week"),
        ("Participants in the original study (1993 - 1996) at which time",
         "Participants in the original study (1993 to 1996) at which time"),
        ("Engagement in night-shift work (22:00-6:00) within 1 week", "Engagement in night-shift work (22:00 to 6:00) within 1 week"),
        ("18-35-year-old women", "18 to 35-year-old women"),
        ("ages 2-21 years", "ages 2 to 21 years"),
    ],
)
def test_ranges_are_still_spelled_with_to(written, spelled):
    assert spell_out(written) == spelled
    assert keeps_numbers(written, spelled)


@pytest.mark.parametrize(
    "words",
    ["Pregnancy-Lactation", "Pregnancy, lactation, changes in birth control (within 6-mo)", "anti-PD-1 agent", "DSM-5 criteria",
     "SCID-5-CT", "NRS0-10"],
)
def test_hyphenated_words_keep_every_word(words):
    assert spell_out(words) == words


def test_thousands_separators_do_not_count_as_different_numbers():
    assert numbers_in("platelets ≥ 100,000/mm3") == ["100000", "3"]
    assert keeps_numbers("100,000", "100000") and not keeps_numbers("1.5 and 2", "1.5")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab x0123456789.,-~≥≤<>=+×%/()＜＞")), max_size=80))
def test_spelling_out_any_text_keeps_every_number(text):
    assert keeps_numbers(text, spell_out(text))
