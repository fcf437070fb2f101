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


def test_thousands_separators_do_not_count_as_different_numbers():
    assert numbers_in("platelets ≥ 100,000/mm3") == ["100000", "3"]
    assert keeps_numbers("100,000", "100000") and not keeps_numbers("1.5 and 2", "1.5")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab x0123456789.,-~≥≤<>=+×%/()＜＞")), max_size=80))
def test_spelling_out_any_text_keeps_every_number(text):
    assert keeps_numbers(text, spell_out(text))
