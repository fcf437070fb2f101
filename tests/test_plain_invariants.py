"""Corpus invariants of the plain-English rewrite, and hand-checks of the invariants themselves.

The corpus tests run every checker of `plaincheck` over every criterion of every *.txt in
../shared/eligibility (skipped when absent) and tests/data/eligibility, collect all violations
and fail with the first 15. The checker tests feed each checker known-bad pairs (real failures)
and known-good pairs, so no invariant can pass vacuously.
"""

from __future__ import annotations

import pytest
from plaincheck import (
    CHECKERS,
    CORPORA,
    check_comparators,
    check_doubled_words,
    check_explanations,
    check_heading,
    check_negation,
    check_sentence_starts,
    comparator_pairs,
    corpus,
    format_violations,
    negations_in,
    strip_frame,
    violations,
)

# --- the corpus ------------------------------------------------------------------------------


def _lines(corpus_name: str):
    folder = CORPORA[corpus_name]
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    found = corpus(corpus_name)
    assert found.lines, f"no criteria read from {folder}"
    return found


@pytest.mark.parametrize("corpus_name", list(CORPORA))
def test_engine_rewrites_every_text(corpus_name):
    errors = _lines(corpus_name).errors
    if errors:
        pytest.fail(f"{len(errors)} file(s) the engine failed on: {errors[:15]}", pytrace=False)


INVARIANTS = {  # each checker in plaincheck, and what its corpus test asserts
    "negation": "a negator in the original survives",
    "comparators": "each comparison keeps its number",
    "sentence_starts": "no sentence starts with And, Or, Also: or Such as",
    "doubled_words": "no doubled words",
    "explanations": "no explanation between the items of a criterion",
    "heading": "no heading printed as a criterion",
}


@pytest.mark.parametrize("corpus_name", list(CORPORA))
@pytest.mark.parametrize("name", list(INVARIANTS))
def test_invariant_holds_over_the_corpus(name, corpus_name):
    found = violations(name, _lines(corpus_name).lines)
    if found:
        pytest.fail(format_violations(name, found, limit=15, where=corpus_name), pytrace=False)


def test_every_invariant_has_a_corpus_test():
    assert set(CHECKERS) == set(INVARIANTS)


# --- hand-checks: the real failures the issue reported, and good pairs --------------------------

SUBSTANCE = (
    "greater than mild substance use disorder on drugs other than alcohol, nicotine, and marijuana",
    "You cannot join if you have more than mild substance use disorder on drugs other than alcohol, "
    "nicotine. And marijuana.",
)
KARNOFSKY = (
    "Karnofsky performance scale 80 or more",
    "You may be able to join if your Karnofsky score is 80. Karnofsky means a 0 to 100 score. "
    "80 means normal activity with some effort. Or more.",
)
CONCURRENT = (
    "Patient must not be participating or intending to participate in a concurrent interventional "
    "therapeutic trial.",
    "You may be able to join if you are taking part or intending to take part in an at the same time "
    "interventional treatment trial.",
)
NO_CONSENT = ("No consent", "You cannot join if you consent.")  # an exclusion
AGE_SYMBOL = ("(age >/= 18)", "more than /= 18")
AGE_RANGE = ("Age ≥18 years and ≤ 90 years", "You may be able to join if you are 18 to 90 years old.")
HEADING = ("Exclusion Criteria:", "You cannot join if this is true for you:\nExclusion Criteria.")


@pytest.mark.parametrize(
    "original, plain",
    [CONCURRENT, NO_CONSENT,
     ("Unwilling to give informed consent", "You cannot join if you give consent."),
     ("Patients without measurable disease", "You may be able to join if you have measurable disease."),
     ("Non-smokers", "You may be able to join if this is true for you:\nSmokers."),
     # a heading-like lead that is the criterion's own wording keeps its "No"
     ("Exclusions: No insomnia", "You cannot join if you have insomnia."),
     ("No history or diagnosis of any of the following conditions: Crohn's disease, bleeding disorders",
      "You cannot join if this is true for you:\nHistory or diagnosis of any of these: Crohn's disease, "
      "bleeding disorders."),
     # an explanation's own "not" does not rescue the line
     ("Diabetes not controlled", "You cannot join if you have controlled diabetes. "
      "Diabetes means the body does not use sugar well.")],
)
def test_negation_check_catches_lost_negations(original, plain):
    assert check_negation(original, plain)


@pytest.mark.parametrize(
    "original, plain",
    [SUBSTANCE,  # "other than" kept
     ("Unwilling or unable to give informed consent",
      "You cannot join if you are not willing or cannot give consent."),
     ("Patient must not be participating in another interventional trial.",
      "You may be able to join if you are not taking part in another treatment trial."),
     ("No prior chemotherapy", "You may be able to join if you have never had chemotherapy."),
     ("Non-small cell lung cancer", "You may be able to join if you have non-small cell lung cancer."),
     ("Patients who have fistula due to causes other than Crohn's disease",
      "You cannot join if you have fistula due to causes apart from Crohn's disease."),
     ("Inability to swallow pills", "You cannot join if you cannot swallow pills."),
     ("Pregnancy", "You cannot join if you are pregnant."),  # no negator: nothing to keep
     # the negation of a list heading folded into the item is carried by the exclusion frame
     ("None of the following criteria must be fulfilled for a subject to be eligible: Unwitnessed asystole",
      "You cannot join if this is true for you:\nUnwitnessed asystole."),
     ("Women who don't use contraception", "You cannot join if you do not use birth control.")],
)
def test_negation_check_passes_kept_negations(original, plain):
    assert check_negation(original, plain) == []


def test_negation_check_is_not_vacuous_because_of_the_exclusion_frame():
    original, plain = NO_CONSENT
    assert negations_in(plain) == ["cannot"]  # without removing the frame, "cannot" would pass it
    assert negations_in(strip_frame(plain)) == []
    assert check_negation(original, plain)
    assert strip_frame("You may be able to join if you are 18.") == "you are 18."
    assert check_negation("No consent", "Your child cannot join if they consent.")  # other audiences
    assert strip_frame("Your child cannot join if they consent.") == "they consent."


@pytest.mark.parametrize(
    "original, plain",
    [AGE_SYMBOL,
     KARNOFSKY,  # "80 or more" -> "80. ... Or more."
     ("Age > 21 years", "You may be able to join if you are 21 years old."),
     ("ECOG ≤ 2", "You may be able to join if your ECOG score is 2."),
     ("ECOG ≤ 2", "You may be able to join if your ECOG score is more than 2."),
     ("Hemoglobin ≥ 9 g/dL", "You may be able to join if your hemoglobin is at least 90 g/dL."),
     ("Age between 18 and 65 years", "You may be able to join if you are 18 or 65 years old."),
     # "X to Y" only stands for "at least X ... at most Y", not for a lone "more than X"
     ("Age > 18 years", "You may be able to join if you are 18 to 90 years old."),
     # an explanation's "0 to 100" does not stand in for the criterion's own range
     ("Karnofsky score between 0 and 100", "You may be able to join if your Karnofsky score is fine. "
      "Karnofsky means a 0 to 100 score.")],
)
def test_comparator_check_catches_lost_comparators(original, plain):
    assert check_comparators(original, plain)


@pytest.mark.parametrize(
    "original, plain",
    [AGE_RANGE,
     ("Age > 21 years old", "You may be able to join if you are more than 21 years old."),
     ("Age ≥ 18 years", "You may be able to join if you are 18 years or older."),
     ("Age ≥ 18 years", "You may be able to join if you are at least 18 years old."),
     ("18 years of age or older", "You may be able to join if you are 18 years of age or older."),
     ("ECOG ≤ 2", "You may be able to join if your ECOG score is 2 or less."),
     ("ECOG performance status of 0-1", "You may be able to join if your ECOG score is 0 to 1."),
     ("Platelets ≥ 100,000/mm3", "You may be able to join if your platelets are at least 100,000/mm3."),
     ("No more than 3 prior lines of therapy", "You may be able to join if you had up to 3 treatments."),
     ("Age between 18 and 65 years", "You may be able to join if you are 18 to 65 years old."),
     ("BMI < 30", "You may be able to join if your BMI is under 30."),
     ("Pregnancy", "You cannot join if you are pregnant.")],
)
def test_comparator_check_passes_kept_comparators(original, plain):
    assert check_comparators(original, plain) == []


def test_comparator_pairs_are_read_from_the_spelled_out_original():
    assert comparator_pairs(AGE_RANGE[0]) == [("at least", "18"), ("at most", "90")]
    assert comparator_pairs(AGE_SYMBOL[0]) == [("at least", "18")]
    assert comparator_pairs(KARNOFSKY[0]) == [("at least", "80")]
    assert comparator_pairs("aged between 18 and 75") == [("between", "18", "75")]
    assert comparator_pairs("Pregnancy") == []


@pytest.mark.parametrize(
    "original, plain",
    [SUBSTANCE, KARNOFSKY,
     ("History of stroke, or heart attack", "You cannot join if you have had a stroke.\nOr heart attack."),
     # made-up forms of the other two starts
     ("Other cancer, also: skin cancer", "You cannot join if you have other cancer. Also: skin cancer."),
     ("Heart disease such as angina", "You cannot join if you have heart disease. Such as angina.")],
)
def test_sentence_start_check_catches_bad_starts(original, plain):
    assert check_sentence_starts(original, plain)


@pytest.mark.parametrize(
    "original, plain",
    [AGE_RANGE,
     ("Heart disease such as angina", "You cannot join if you have heart disease, such as angina."),
     ("Orthopedic surgery", "You cannot join if you have had bone surgery.\nOrthopedic surgery."),
     ("Any of: heart failure; kidney disease",
      "You cannot join if you have any of these:\nHeart failure.\nKidney disease."),
     ("Unwilling or unable to give informed consent",
      "You cannot join if you are not willing or cannot give consent.")],
)
def test_sentence_start_check_passes_good_starts(original, plain):
    assert check_sentence_starts(original, plain) == []


@pytest.mark.parametrize(
    "original, plain",
    [("Able to give consent", "You may be able to join if you you can give consent."),
     ("History of the disease", "You cannot join if you have had the The disease."),
     ("Signs of infection", "You cannot join if you have signs of of infection.")],
)
def test_doubled_word_check_catches_doubled_words(original, plain):
    assert check_doubled_words(original, plain)


@pytest.mark.parametrize(
    "original, plain",
    [AGE_RANGE, SUBSTANCE,
     ("Hemoglobin 9 9 times", "You may be able to join if your hemoglobin is 9 9 times."),  # numbers
     ("The patient is under guardianship, under guardianship, or under the protection of justice",
      "You cannot join if you are under guardianship, under guardianship."),
     ("that that was", "You cannot join if that that was."),  # the original doubles it itself
     ("History of stroke", "You cannot join if you have had a stroke.\nStroke can be serious.")],
)
def test_doubled_word_check_passes_single_words(original, plain):
    assert check_doubled_words(original, plain) == []


@pytest.mark.parametrize(
    "original, plain, words",
    [(*KARNOFSKY, ()),
     ("Diabetic Neuropathy.", "You cannot join if you have Diabetic Neuropathy. Neuropathy means nerve "
      "damage that causes numbness, tingling or pain.", ()),
     # an item line (after the lead) that is an explanation, even when the original says "means"
     ("Any of the following, where CHF means heart failure: CHF; COPD",
      "You cannot join if you have any of these:\nCHF.\nCOPD means a long-term lung disease.\nKidney disease.",
      ()),
     # an item line carrying a meaning from .words
     ("Any of: CHF; COPD",
      "You cannot join if you have any of these:\nCHF.\nCOPD (a long-term lung disease that makes breathing hard).",
      (("COPD", "a long-term lung disease that makes breathing hard"),))],
)
def test_explanation_check_catches_explanations(original, plain, words):
    assert check_explanations(original, plain, words)


@pytest.mark.parametrize(
    "original, plain, words",
    [(*AGE_RANGE, ()),
     ("Karnofsky performance scale 80 or more", "You may be able to join if your Karnofsky score is 80 or more.",
      (("Karnofsky", "a 0 to 100 score"),)),
     ("Any of: CHF; COPD", "You cannot join if you have any of these:\nHeart failure.\nCOPD.",
      (("COPD", "a long-term lung disease that makes breathing hard"),)),
     # the original itself defines a word: the plain text may say it too
     ("Menopause, which means no periods for 12 months", "You may be able to join if you are past menopause, "
      "which means no periods for 12 months.", ())],
)
def test_explanation_check_passes_plain_text_without_explanations(original, plain, words):
    assert check_explanations(original, plain, words) == []


@pytest.mark.parametrize(
    "original",
    [HEADING[0], "Inclusion", "Exclusion", "Inclusion criteria", "Key inclusion criteria", "EXCLUSION CRITERIA",
     "Patients must not meet any of the following exclusion criteria to be eligible:",
     "Subjects meeting any of the following criteria will be excluded:",
     "Participants must meet all of the following:",
     "Patients eligible for inclusion in this study have to meet all of the following criteria:"],
)
def test_heading_check_catches_headings(original):
    assert check_heading(original, "")


@pytest.mark.parametrize(
    "original",
    [AGE_RANGE[0], SUBSTANCE[0], "Exclusion of pregnancy by a urine test",
     "Adequate organ function as defined by the following: hemoglobin ≥ 9 g/dL; platelets ≥ 100,000/mm3",
     "Inclusion in another clinical trial within 30 days",
     "Hematologic: hemoglobin ≥ 9 g/dL"],
)
def test_heading_check_passes_real_criteria(original):
    assert check_heading(original, "") == []


def test_every_checker_returns_a_list_of_problems():
    for name, checker in CHECKERS.items():
        assert checker(*AGE_RANGE) == [], name
    assert all(isinstance(p, str) for p in check_negation(*NO_CONSENT) + check_heading(*HEADING))
