"""Questions for the doctor and the coordinator: complete, distinct, fitted to the record."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY, RECORDS, SEED_RECORD
from pdfcheck import text_of

from sheets import SheetOptions, SheetsError, build_sheet, load_trial, render_pdf
from sheets.cli import main
from sheets.model import Arm, Design, Intervention, Outcome, SiteContent
from sheets.options import questions_from_file
from sheets.outcomes import plain_outcome, plain_time_frame
from sheets.questions import (
    coordinator_questions,
    doctor_questions,
    merge_questions,
    status_warning,
)


def seed():
    """The seed trial without its site-written questions, so the rules speak."""
    return replace(load_trial(SEED_RECORD), site_content=SiteContent())


def doctor_text(trial) -> str:
    return " ".join(doctor_questions(trial))


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_every_question_is_one_distinct_sentence_ending_in_a_question_mark(path):
    trial = replace(load_trial(path), site_content=SiteContent())
    doctor, coordinator = doctor_questions(trial), coordinator_questions(trial)
    assert 5 <= len(doctor) <= 8 and 6 <= len(coordinator) <= 8
    for question in doctor + coordinator:
        assert question.endswith("?") and question[0].isupper(), question
        assert "{" not in question and "}" not in question, question
    everything = [q.lower() for q in doctor + coordinator]
    assert len(set(everything)) == len(everything)


def test_the_seed_questions_name_the_trials_own_facts_like_the_seed_page():
    text = doctor_text(seed())
    assert "This trial is for Extensive-stage Small Cell Lung Cancer after 2 or more earlier treatments" in text
    assert "phase 2 trial, which tests whether the treatment works" in text
    assert "safety of Lomustine and Anlotinib" in text
    assert "This trial combines Lomustine and Anlotinib. Which of them is new, and why combine them?" in text
    assert '"Objective Response Rate", meaning how many people\'s tumors shrink or go away' in text
    assert doctor_questions(seed())[0].startswith("This trial is not taking patients yet.")


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (("PHASE1",), "tests safety and finds the right dose"),
        (("PHASE2",), "tests whether the treatment works"),
        (("PHASE3",), "compares Lomustine and Anlotinib with standard care"),
        (("PHASE4",), "which is already approved"),
        (("NA",), "What is known so far about the risks of Lomustine and Anlotinib"),
    ],
)
def test_the_phase_question_follows_the_phase(phase, expected):
    assert expected in doctor_text(replace(seed(), phases=phase))


@pytest.mark.parametrize(
    ("status", "question", "warning"),
    [
        ("NOT_YET_RECRUITING", "not taking patients yet. How long", "not taking patients yet"),
        ("RECRUITING", "taking patients now", None),
        ("SUSPENDED", "has paused", "paused"),
        ("TERMINATED", "stopped early. Why did it stop", "stopped early"),
        ("WITHDRAWN", "withdrawn before it started", "withdrawn before anyone joined"),
        ("COMPLETED", "has finished. Are its results out", "finished"),
        ("ACTIVE_NOT_RECRUITING", "no longer taking new patients", "no longer takes new patients"),
    ],
)
def test_the_status_question_and_warning_change_with_the_status(status, question, warning):
    trial = replace(seed(), status=status)
    assert question in doctor_text(trial)
    assert (status_warning(trial) is None) if warning is None else (warning in status_warning(trial))


def test_a_placebo_arm_and_randomisation_add_their_questions():
    plain = seed()
    assert "placebo" not in doctor_text(plain) and "by chance" not in doctor_text(plain)
    with_placebo = replace(
        plain,
        design=Design(allocation="RANDOMIZED", masking="DOUBLE"),
        arms=(*plain.arms, Arm(label="Placebo", type="PLACEBO_COMPARATOR", intervention_names=("Drug: Placebo",))),
        interventions=(*plain.interventions, Intervention(name="Placebo", type="DRUG")),
    )  # fmt: skip
    text = doctor_text(with_placebo)
    assert "put into 2 groups by chance" in text and "getting Lomustine and Anlotinib?" in text
    assert "get a placebo (a look-alike with no active medicine)" in text
    assert "Neither I nor my doctors would know which group I am in" in text


def test_a_sham_device_trial_asks_about_the_sham_not_a_placebo_or_a_drug():
    trial = replace(
        seed(), phases=("NA",),
        interventions=(Intervention(name="Nerve stimulator", type="DEVICE"),
                       Intervention(name="Sham stimulation", type="DEVICE")),
        arms=(Arm(label="Sham", type="SHAM_COMPARATOR"),),
    )  # fmt: skip
    text = doctor_text(trial)
    assert "a sham (a fake version of the treatment)" in text and "placebo" not in text
    assert "drug" not in text.lower()


def test_a_second_drug_makes_a_combination_question_and_one_drug_does_not():
    one = replace(seed(), arms=(Arm(label="A", type="EXPERIMENTAL", intervention_names=("Drug: Lomustine",)),))
    assert "combines" not in doctor_text(one)
    assert "This trial combines Lomustine and Anlotinib" in doctor_text(seed())


def test_an_observational_study_asks_what_taking_part_involves():
    trial = load_trial(DATA / "records" / "NCT05430971.json")
    text = doctor_text(trial)
    assert "only watches what happens to people and gives no study treatment" in text
    assert "phase" not in text.lower()
    assert "If the treatment" not in " ".join(coordinator_questions(trial))


def test_the_coordinator_questions_use_the_cycle_length_and_the_nearest_site():
    assert coordinator_questions(seed())[0].startswith("Treatment comes in 21-day cycles.")
    trial = load_trial(DATA / "records" / "NCT06356129.json")
    near = " ".join(coordinator_questions(trial, near="10021"))
    assert "The trial runs at 343 sites. The site nearest to 10021 may be" in near
    assert "New York" in near
    assert "Which site is nearest to me" in " ".join(coordinator_questions(trial))


def test_coordinator_questions_cover_costs_screening_doctor_leaving_results_and_injury():
    text = " ".join(coordinator_questions(seed())).lower()
    for topic in ("pay for", "childcare", "screening", "own doctor", "leave the study",
                  "share the results", "hurt because of the study"):  # fmt: skip
        assert topic in text, topic


def test_outcomes_are_explained_in_plain_words_with_their_time_frames():
    outcome = Outcome(
        measure="Objective Response Rate",
        time_frame="after every 2 treatment cycles (each cycle is 21 days), up to approximately 24 months",
    )
    plain = plain_outcome(outcome)
    assert plain.kind == "response_rate"
    assert plain.what.startswith("How many people's tumors shrink or go away")
    assert plain.when == "Checked every 2 treatment cycles (21 days each), for up to about 24 months"
    assert plain_outcome(Outcome("Overall survival", "5 years")).kind == "overall_survival"
    assert plain_outcome(Outcome("Incidence of treatment-emergent adverse events")).kind == "adverse_events"
    assert plain_outcome(Outcome("Area under the curve (AUC)")).kind == "pharmacokinetics"
    assert plain_outcome(Outcome("EORTC QLQ-C30 quality of life")).kind == "quality_of_life"
    assert plain_outcome(Outcome("Progression-free survival (PFS)")).kind == "progression_free_survival"
    assert plain_time_frame("6 weeks") == "6 weeks"


def test_site_questions_replace_generated_ones_and_extra_ones_follow_without_repeats():
    merged = merge_questions(["Generated?"], site=["Site one?", "Site two?"], extra=["site ONE?", "Clinic?"])
    assert merged == ("Site one?", "Site two?", "Clinic?")
    assert merge_questions(["Generated?"], extra=["Clinic?"]) == ("Generated?", "Clinic?")
    trial = load_trial(SEED_RECORD)
    assert build_sheet(trial).doctor_questions == trial.site_content.doctor_questions


def test_a_clinic_questions_file_adds_questions_to_the_sheet(tmp_path):
    extra = tmp_path / "clinic.toml"
    extra.write_text('[doctor]\nquestions = ["Can Dr. Rivera see me before I decide?"]\n'
                     '[coordinator]\nquestions = ["Is there free parking at the Elm Street clinic?"]\n',
                     "utf-8")  # fmt: skip
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(main, ["make", str(SEED_RECORD), "-o", str(out), "--questions", str(extra)])
    assert result.exit_code == 0, result.output
    text = text_of(out.read_bytes())
    assert "Can Dr. Rivera see me before I decide?" in text
    assert "Is there free parking at the Elm Street clinic?" in text


def test_a_questions_file_with_a_statement_is_refused(tmp_path):
    extra = tmp_path / "clinic.toml"
    extra.write_text('[doctor]\nquestions = ["Bring your scans."]\n', "utf-8")
    with pytest.raises(SheetsError, match="is not a question"):
        questions_from_file(extra)


def test_secondary_outcomes_appear_only_when_asked_for():
    trial = load_trial(DATA / "records" / "NCT05607199.json")
    without = text_of(render_pdf(trial, SheetOptions(generated_on=FIXED_DAY)))
    with_secondary = text_of(render_pdf(trial, SheetOptions(generated_on=FIXED_DAY, secondary_outcomes=True)))
    assert "Also measured:" not in without and "Also measured:" in with_secondary
    assert "Area under the curve, 0 to last" in with_secondary


def test_the_nearest_site_is_listed_first_on_the_sheet():
    trial = load_trial(DATA / "records" / "NCT06356129.json")
    sheet = build_sheet(trial, SheetOptions(near="10021", generated_on=FIXED_DAY))
    assert sheet.sites[0].place.startswith("New York")
    assert not build_sheet(trial, SheetOptions(generated_on=FIXED_DAY)).sites[0].place.startswith("New York")
