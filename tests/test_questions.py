"""Questions for the doctor and the coordinator: complete, distinct, fitted to the record."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import RECORDS, SEED_RECORD

from sheets import load_trial
from sheets.model import Intervention, SiteContent
from sheets.questions import (
    coordinator_questions,
    doctor_questions,
    merge_questions,
    status_warning,
)


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_every_question_is_one_distinct_sentence_ending_in_a_question_mark(path):
    trial = load_trial(path)
    for questions in (doctor_questions(trial), coordinator_questions(trial)):
        assert 5 <= len(questions) <= 8
        assert all(q.endswith("?") and q[0].isupper() for q in questions)
        assert len({q.lower() for q in questions}) == len(questions)


def test_doctor_questions_name_the_trials_own_facts():
    trial = load_trial(SEED_RECORD)
    text = " ".join(doctor_questions(trial))
    assert "Extensive-stage Small Cell Lung Cancer" in text
    assert "Phase 2 trial of Lomustine and Anlotinib" in text
    assert '"Objective Response Rate"' in text
    assert "not taking patients yet" in text


def test_the_status_question_and_warning_follow_the_status():
    trial = load_trial(SEED_RECORD)
    stopped = replace(trial, status="TERMINATED")
    assert "stopped early" in " ".join(doctor_questions(stopped))
    assert "not taking patients yet" not in " ".join(doctor_questions(stopped))
    assert status_warning(stopped) == "This trial was stopped early and is not taking patients."
    assert status_warning(replace(trial, status="RECRUITING")) is None


def test_without_facts_the_general_questions_stand_in():
    trial = replace(load_trial(SEED_RECORD), conditions=(), interventions=(), primary_outcomes=())
    text = " ".join(doctor_questions(trial))
    assert "does this trial fit my situation?" in text and "measures" not in text


def test_many_interventions_are_summarised():
    drugs = tuple(Intervention(name=n) for n in ("A", "B", "C", "D", "E"))
    text = " ".join(doctor_questions(replace(load_trial(SEED_RECORD), interventions=drugs)))
    assert "A, B, C and others" in text


def test_site_questions_replace_generated_ones_and_extra_ones_follow_without_repeats():
    merged = merge_questions(["Generated?"], site=["Site one?", "Site two?"], extra=["site ONE?", "Clinic?"])
    assert merged == ("Site one?", "Site two?", "Clinic?")
    assert merge_questions(["Generated?"], extra=["Clinic?"]) == ("Generated?", "Clinic?")


def test_the_sheet_uses_the_site_questions_when_the_record_has_them():
    from sheets import build_sheet

    trial = load_trial(SEED_RECORD)
    assert build_sheet(trial).doctor_questions == trial.site_content.doctor_questions
    generated = build_sheet(replace(trial, site_content=SiteContent())).doctor_questions
    assert generated == doctor_questions(trial)
