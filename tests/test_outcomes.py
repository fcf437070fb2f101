"""What the trial measures, in plain words: outcome kinds, time frames and the glossary."""

from __future__ import annotations

import pytest
from conftest import RECORDS, SEED_RECORD

from sheets import load_trial
from sheets.content.outcomes import (
    kind_of,
    outcome_kinds,
    outcome_kinds_glossary,
    plain_outcome,
    plain_time_frame,
)
from sheets.model import Outcome
from sheets.plain.readability import reading_grade


@pytest.mark.parametrize(
    ("measure", "description", "kind"),
    [
        ("Objective Response Rate", "", "response_rate"),
        ("Overall survival", "", "overall_survival"),
        (
            "Progression-free survival (PFS) assessed by the Investigator",
            "",
            "progression_free_survival",
        ),
        ("Disease free survival (DFS)", "", "disease_free_survival"),
        ("Relapse-free survival will be analysed using Kaplan-Meier", "", "disease_free_survival"),
        ("Incidence of treatment-emergent adverse events", "", "adverse_events"),
        ("Maximum tolerated dose (MTD)", "", "dose"),
        ("Area under the curve (AUC)", "", "pharmacokinetics"),
        ("EORTC QLQ-C30 quality of life", "", "quality_of_life"),
        ("fasting blood glucose", "", "blood_sugar"),
        ("Positive response to tetanus toxoid vaccine", "", "immune_response"),
        ("Improvement of coronary flow reserve", "", "blood_flow"),
        ("Evaluation of the functional", "The Modified Rankin Scale (MRS)", "daily_function"),
        # a vague measure is explained by its description before any generic kind
        (
            "Phase 2: to evaluate the efficacy of adagrasib",
            "Objective Response Rate (ORR) per RECIST 1.1",
            "response_rate",
        ),
        ("The success of the alternative treatment", "", "efficacy"),
        ("Number of Chewing Cycles Per Bolus", "Surface electromyography", ""),
        ("", "", ""),
    ],
)
def test_an_outcome_gets_the_kind_its_measure_or_description_names(measure, description, kind):
    found = kind_of(Outcome(measure, description=description))
    assert (found.key if found else "") == kind


@pytest.mark.parametrize(
    ("time_frame", "plain"),
    [
        (
            (
                "Baseline at screening, after every 2 treatment cycles (each cycle is 21 days), end of "
                "treatment, up to disease progression, assessed up to approximately 24 months"
            ),
            "Checked every 2 treatment cycles (21 days each), for up to about 24 months",
        ),
        ("Up to approximately 67 months", "For up to about 67 months"),
        ("every 8 weeks through 2 years", "Checked every 8 weeks, for up to 2 years"),
        ("Half annually for three years", "Checked every 6 months, for 3 years"),
        ("From Day 1 to Week 25", "For up to 25 weeks"),
        ("6 weeks", "6 weeks"),
        ("", ""),
    ],
)
def test_a_time_frame_is_rewritten_in_plain_words(time_frame, plain):
    assert plain_time_frame(time_frame) == plain


def test_a_plain_outcome_keeps_a_short_measure_beside_its_plain_words_and_the_original():
    plain = plain_outcome(Outcome("Objective Response Rate", "up to approximately 24 months"))
    assert plain.what == "How many people's tumors shrink or go away (Objective Response Rate)"
    assert plain.when == "For up to about 24 months"
    assert (plain.original, plain.kind, plain.original_when) == (
        "Objective Response Rate", "response_rate", "up to approximately 24 months"
    )  # fmt: skip


def test_a_long_measure_is_left_to_the_as_written_line_and_a_label_is_dropped():
    measure = (
        "Primary Outcome: Percentage of participants with treatment emergent adverse events (TEAEs)"
    )
    plain = plain_outcome(Outcome(measure))
    assert (
        plain.what
        == "How many people have side effects or other health problems, and how serious they are"
    )
    assert (
        plain.original
        == "Percentage of participants with treatment emergent adverse events (TEAEs)"
    )


def test_an_outcome_of_no_known_kind_keeps_the_records_words():
    plain = plain_outcome(
        Outcome("Number of Chewing Cycles Per Bolus", "Baseline (single timepoint only)")
    )
    assert (plain.kind, plain.what) == ("", "Number of Chewing Cycles Per Bolus")
    assert plain.when == "Baseline (single timepoint only)"


@pytest.mark.parametrize("kind", outcome_kinds(), ids=lambda k: k.key)
def test_every_outcome_kind_is_explained_plainly_with_a_question(kind):
    assert kind.name and kind.what and kind.what[0].islower()  # it completes a sentence
    assert kind.question.endswith("?") and kind.question[0].isupper()
    assert reading_grade([kind.what]) <= 8 and reading_grade([kind.question]) <= 8, kind.key


def test_the_glossary_lists_every_kind_once_by_name():
    glossary = outcome_kinds_glossary()
    names = [name for name, _ in glossary]
    assert len(names) == len(set(names)) == len(outcome_kinds())
    assert ("response rate", "how many people's tumors shrink or go away") in glossary


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_every_real_outcome_has_plain_words_and_its_original(path):
    trial = load_trial(path)
    for outcome in (*trial.primary_outcomes, *trial.secondary_outcomes):
        plain = plain_outcome(outcome)
        assert plain.what.strip() and plain.what[0].isupper(), outcome.measure
        assert plain.original and plain.original in " ".join(outcome.measure.split()), (
            outcome.measure
        )


@pytest.mark.parametrize(
    ("nct_id", "kinds"),
    [
        ("NCT04613596", ["response_rate", "progression_free_survival"]),
        ("NCT06356129", ["progression_free_survival"]),
        ("NCT06716424", ["adverse_events"]),
        ("NCT05607199", ["dose"]),
        ("NCT02210780", ["immune_response"]),
        ("NCT04474964", ["disease_free_survival", "overall_survival"]),
    ],
)
def test_real_primary_outcomes_get_the_kind_a_reader_would_give_them(nct_id, kinds):
    trial = load_trial(next(p for p in RECORDS if p.stem == nct_id))
    assert [plain_outcome(o).kind for o in trial.primary_outcomes] == kinds


def test_a_measure_that_names_something_no_kind_knows_is_restated_not_guessed_from_its_description():
    laser = Outcome("Fluence level reached", description="Dose escalation monitored for adverse events")
    assert kind_of(laser) is None
    assert plain_outcome(laser).what == "Fluence level reached"
    vague = Outcome("Evaluation of the functional", description="The Modified Rankin Scale (MRS)")
    assert kind_of(vague).key == "daily_function"  # a measure that says nothing: its description does
