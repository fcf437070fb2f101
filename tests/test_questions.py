"""Questions for the doctor and the coordinator: complete, distinct, plain, fitted to the record.

Real records show every sheet's questions are well formed; small variations of the seed trial
(flip placebo, phase, status, masking, add a drug, make it a device study) show each rule
changes the questions the way the record changes.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from importlib.resources import files

import pytest
from click.testing import CliRunner
from conftest import DATA, FIXED_DAY, RECORDS, SEED_RECORD
from pdfcheck import text_of

from sheets import SheetOptions, SheetsError, build_sheet, load_trial, render_pdf
from sheets.cli import main
from sheets.content.coordinator import coordinator_questions
from sheets.content.questions import (
    doctor_questions,
    merge_questions,
    status_warning,
)
from sheets.model import Arm, Design, Eligibility, Intervention, Outcome, Site, SiteContent, Trial
from sheets.options import questions_from_file
from sheets.plain.readability import reading_grade

RECORD = {p.stem: p for p in RECORDS}
STOP_WORDS = {
    "a",
    "an",
    "and",
    "the",
    "is",
    "are",
    "be",
    "i",
    "my",
    "me",
    "it",
    "of",
    "to",
    "in",
    "for",
    "this",
    "that",
    "what",
    "how",
    "would",
    "could",
    "can",
    "do",
    "does",
    "or",
    "if",
    "with",
    "on",
    "at",
    "will",
    "you",
    "your",
    "so",
    "which",
    "who",
    "as",
}  # words that say nothing about a question's topic


def seed() -> Trial:
    """The seed trial without its site-written questions, so the rules speak."""
    return replace(load_trial(SEED_RECORD), site_content=SiteContent())


def real(nct_id: str) -> Trial:
    return replace(load_trial(RECORD[nct_id]), site_content=SiteContent())


def doctor_text(trial: Trial) -> str:
    return " ".join(doctor_questions(trial))


def coordinator_text(trial: Trial, near: str | None = None) -> str:
    return " ".join(coordinator_questions(trial, near=near))


def content_words(question: str) -> set[str]:
    return {w for w in re.findall(r"[a-z']+", question.lower()) if w not in STOP_WORDS}


# ------------------------------------------------------------ every sheet, real records


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_every_sheet_has_4_to_6_doctor_and_5_to_6_coordinator_questions_each_a_question(path):
    trial = replace(load_trial(path), site_content=SiteContent())
    doctor, coordinator = doctor_questions(trial), coordinator_questions(trial)
    assert 4 <= len(doctor) <= 6 and 5 <= len(coordinator) <= 6
    for question in doctor + coordinator:
        assert question.endswith("?") and question[0].isupper(), question
        assert question.count("?") <= 2 and len(question.split()) >= 6, question
        assert not re.search(r"[{}]|\s[,.?]|\.\.|  ", question), question


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_no_two_questions_on_a_sheet_ask_the_same_thing(path):
    trial = replace(load_trial(path), site_content=SiteContent())
    questions = doctor_questions(trial) + coordinator_questions(trial)
    assert len({q.lower() for q in questions}) == len(questions)
    last_sentences = [q.rsplit(". ", 1)[-1] for q in questions]  # the part that asks
    for i, a in enumerate(last_sentences):
        for b in last_sentences[i + 1 :]:
            overlap = len(content_words(a) & content_words(b)) / len(
                content_words(a) | content_words(b)
            )
            assert overlap < 0.5, (a, b)


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_questions_are_deterministic(path):
    trial = load_trial(path)
    assert doctor_questions(trial) == doctor_questions(load_trial(path))
    assert coordinator_questions(trial, near="10021") == coordinator_questions(
        load_trial(path), near="10021"
    )


def _wording_entries():
    data = tomllib.loads((files("sheets") / "data" / "questions.toml").read_text("utf-8"))

    def walk(table, path):
        for key, value in table.items():
            if isinstance(value, dict) and "text" in value:
                yield f"{path}.{key}", value
            elif isinstance(value, dict):
                yield from walk(value, f"{path}.{key}")

    return [*walk(data["doctor"], "doctor"), *walk(data["coordinator"], "coordinator")]


@pytest.mark.parametrize(
    ("path", "entry"), _wording_entries(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_worded_question_is_plain_ends_in_a_question_and_names_its_topics(path, entry):
    simple = {"trial": "trial", "follow_up": "What would it mean for me?"}
    filled = re.sub(r"\{(\w+)\}", lambda m: simple.get(m[1], "flu"), entry["text"])
    assert filled.endswith("?") and filled[0].isupper()
    assert reading_grade([filled]) <= 8, filled
    assert entry["asks"] and 1 <= entry["weight"] <= 10


# ------------------------------------------------------------------------ the seed trial


def test_the_seed_questions_name_the_trials_own_facts_like_the_seed_page():
    questions = doctor_questions(seed())
    text = " ".join(questions)
    assert questions[0] == ("This trial is not taking patients yet. How long might it be before it opens, "
                            "and is it wise for me to wait for it?")  # fmt: skip
    assert (
        "This trial is for Extensive-stage Small Cell Lung Cancer after 2 or more earlier treatments"
        in text
    )
    assert "phase 2 trial, which tests whether the treatment works" in text
    assert "safety of Lomustine and Anlotinib" in text
    assert (
        "This trial combines Lomustine and Anlotinib. Which of them is new, and why combine them?"
        in text
    )
    assert '"Objective Response Rate", meaning how many people\'s tumors shrink or go away' in text
    assert "If my tumor shrinks, what could that mean for how long I live and how I feel?" in text


def test_the_seed_coordinator_questions_use_its_cycle_and_follow_up_and_say_it_lists_no_sites():
    questions = coordinator_questions(seed())
    assert questions[0].startswith(
        "Treatment comes in 21-day cycles, and the study follows people for up to 24 months."
    )
    assert "The record does not list any study sites yet." in " ".join(questions)
    assert "keep getting Lomustine and Anlotinib after the study ends" in " ".join(questions)


# --------------------------------------------------- variations of one record, one rule each


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (("EARLY_PHASE1",), "very small first test in people"),
        (("PHASE1",), "tests safety and finds the right dose"),
        (("PHASE1", "PHASE2"), "phase 1/2 trial: it first finds a safe dose, then tests whether the treatment works"),
        (("PHASE2",), "tests whether the treatment works"),
        (("PHASE2", "PHASE3"), "phase 2/3 trial: it first tests whether the treatment works, then compares it with standard care"),
        (("PHASE3",), "compares Lomustine and Anlotinib with standard care in a large group of people"),
        (("PHASE4",), "which is already approved"),
        (("NA",), "What is known so far about how well Lomustine and Anlotinib works"),
        ((), "What is known so far about how well Lomustine and Anlotinib works"),
    ],
)  # fmt: skip
def test_the_phase_question_explains_the_phase_in_words(phases, expected):
    text = doctor_text(replace(seed(), phases=phases))
    assert expected in text
    assert sum(p in text for p in ("phase 1", "phase 2", "phase 3", "phase 4")) <= 1 or "/" in text


@pytest.mark.parametrize(
    ("status", "question", "warning"),
    [
        (
            "NOT_YET_RECRUITING",
            "not taking patients yet. How long",
            "This trial is not taking patients yet.",
        ),
        ("RECRUITING", None, None),  # open as it says: its low-weight question gives way
        (
            "ENROLLING_BY_INVITATION",
            "only takes people the study team invites",
            "only takes people",
        ),
        ("SUSPENDED", "has paused", "paused"),
        ("TERMINATED", "stopped early. Why did it stop", "stopped early"),
        ("WITHDRAWN", "withdrawn before it started", "withdrawn before anyone joined"),
        ("COMPLETED", "has finished. Are its results out", "finished"),
        ("ACTIVE_NOT_RECRUITING", "no longer taking new patients", "no longer takes new patients"),
        ("UNKNOWN", "does not say whether this trial is still open", "does not say whether"),
        ("", "does not say whether this trial is still open", "does not say whether"),
    ],
)
def test_the_status_question_and_warning_change_with_the_status(status, question, warning):
    trial = replace(seed(), status=status)
    questions = doctor_questions(trial)
    if question:
        assert question in " ".join(questions)
    found = status_warning(trial)
    assert (found is None) if warning is None else (warning in found and found.endswith("."))
    if warning:  # where joining is not possible now, the status question comes first
        assert question in questions[0]


def test_a_stopped_trial_quotes_the_records_short_reason():
    text = doctor_text(replace(seed(), status="TERMINATED", why_stopped="Slow recruitment"))
    assert 'stopped early, and the record gives the reason as "Slow recruitment"' in text


def test_a_status_that_asks_about_other_options_keeps_the_general_options_question_off():
    open_now, withdrawn = doctor_text(seed()), doctor_text(replace(seed(), status="WITHDRAWN"))
    assert "What other treatments or trials could I choose instead" in open_now
    assert "What other treatments or trials could I choose instead" not in withdrawn
    assert "Is there another trial that tests something similar?" in withdrawn


def with_placebo(trial: Trial, masking: str = "DOUBLE", who: tuple[str, ...] = ()) -> Trial:
    return replace(
        trial,
        design=Design(allocation="RANDOMIZED", masking=masking, who_masked=who),
        arms=(*trial.arms, Arm(label="Placebo", type="PLACEBO_COMPARATOR", intervention_names=("Drug: Placebo",))),
        interventions=(*trial.interventions, Intervention(name="Placebo", type="DRUG")),
    )  # fmt: skip


def test_a_placebo_arm_and_randomisation_add_their_questions():
    plain = doctor_text(seed())
    assert (
        "placebo" not in plain and "by chance" not in plain and "which group I am in" not in plain
    )
    text = doctor_text(with_placebo(seed()))
    assert ("People in this trial are put into 2 groups by chance, and some get a placebo (a look-alike "
            "with no active medicine). What are my chances of getting Lomustine and Anlotinib, and what "
            "would the placebo mean for my care?") in text  # fmt: skip
    assert "Neither I nor my doctors would know which group I am in" in text
    assert "compares" not in text  # phase 2 does not compare


@pytest.mark.parametrize(
    ("allocation", "placebo", "expected"),
    [
        ("RANDOMIZED", False, "put into 2 groups by chance. What does each group get, and what are my chances"),
        ("NON_RANDOMIZED", True, "Some people in this trial get a placebo (a look-alike with no active medicine). If I got"),
        ("NON_RANDOMIZED", False, None),
    ],
)  # fmt: skip
def test_groups_by_chance_and_a_placebo_each_have_their_own_question_when_only_one_applies(
    allocation, placebo, expected
):
    trial = with_placebo(seed())
    if not placebo:
        trial = replace(
            trial,
            arms=(*seed().arms, Arm(label="B", type="ACTIVE_COMPARATOR")),
            interventions=seed().interventions,
        )
    trial = replace(trial, design=Design(allocation=allocation))
    text = doctor_text(trial)
    if expected:
        assert expected in text
    else:
        assert "by chance" not in text and "placebo" not in text


@pytest.mark.parametrize(
    ("masking", "who", "expected"),
    [
        ("NONE", (), None),
        ("SINGLE", ("PARTICIPANT",), "I would not be told which group I am in"),
        ("SINGLE", ("OUTCOMES_ASSESSOR",), None),
        ("DOUBLE", ("PARTICIPANT", "INVESTIGATOR"), "Neither I nor my doctors would know"),
        ("QUADRUPLE", (), "Neither I nor my doctors would know"),
    ],
)
def test_the_masking_question_follows_who_is_kept_from_knowing(masking, who, expected):
    text = doctor_text(with_placebo(seed(), masking, who))
    if expected is None:
        assert "which group I am in" not in text
    else:
        assert expected in text


def test_a_placebo_on_top_of_shared_treatment_asks_whether_i_still_get_it():
    trial = real("NCT06356129")  # golcadomide + R-CHOP against placebo + R-CHOP
    text = doctor_text(trial)
    assert (
        "This trial tests adding Golcadomide to Rituximab, Cyclophosphamide, Doxorubicin and others."
        in text
    )
    assert ("put into 2 groups by chance, and some get a placebo (a look-alike with no active medicine) "
            "instead of Golcadomide. If I got the placebo, would I still get Rituximab") in text  # fmt: skip
    assert "compares Golcadomide with a placebo" in text


def test_a_second_drug_makes_a_combination_question_and_one_drug_does_not():
    one = replace(seed(), arms=(Arm(label="A", type="EXPERIMENTAL", intervention_names=("Drug: Lomustine",)),),
                  interventions=(Intervention(name="Lomustine", type="DRUG"),))  # fmt: skip
    assert "combines" not in doctor_text(one)
    three = replace(seed(), arms=(Arm(label="A", type="EXPERIMENTAL", intervention_names=(
        "Drug: Lomustine", "Drug: Anlotinib", "Drug: Etoposide")),),
        interventions=(*seed().interventions, Intervention(name="Etoposide", type="DRUG")))  # fmt: skip
    assert "This trial combines Lomustine, Anlotinib and Etoposide." in doctor_text(three)


def test_a_sham_device_trial_asks_about_the_sham_and_never_says_drug():
    trial = replace(
        seed(), phases=("NA",),
        interventions=(Intervention(name="Nerve stimulator", type="DEVICE"),
                       Intervention(name="Sham stimulation", type="DEVICE")),
        arms=(Arm(label="Active", type="EXPERIMENTAL", intervention_names=("Device: Nerve stimulator",)),
              Arm(label="Sham", type="SHAM_COMPARATOR", intervention_names=("Device: Sham stimulation",))),
        design=Design(allocation="RANDOMIZED", masking="SINGLE", who_masked=("PARTICIPANT",)),
        primary_outcomes=(Outcome("Pain score"),),
    )  # fmt: skip
    text = doctor_text(trial) + " " + coordinator_text(trial)
    assert "a sham (a fake version of the treatment)" in text and "placebo" not in text
    assert "keep using Nerve stimulator after the study ends" in text
    assert "Sham stimulation" not in text
    assert "drug" not in text.lower() and "medicine" not in text.lower()


def test_a_behavioural_trial_asks_about_support_after_the_study_and_never_says_drug():
    trial = real("NCT03630471")
    text = doctor_text(trial) + " " + coordinator_text(trial)
    assert "PRIDE 'Step 1' problem-solving intervention" in text
    assert "If the program helps me, can I keep getting support after the study ends?" in text
    assert "Enhanced usual care" not in text and "drug" not in text.lower()


def test_an_observational_study_speaks_of_a_study_that_gives_no_treatment():
    trial = real("NCT05430971")
    doctor, coordinator = doctor_text(trial), coordinator_text(trial)
    assert "only watches and records what happens to people; it gives no study treatment" in doctor
    assert "This study is for Blastic Plasmacytoid Dendritic Cell Neoplasm (BPDCN)." in doctor
    assert "Could I join a treatment trial as well as this study?" in doctor
    assert "phase" not in doctor.lower() and "trial is" not in doctor
    assert "keep getting" not in coordinator and "Who will see my health information" in coordinator


def test_a_trial_for_healthy_volunteers_asks_whether_it_is_safe_for_me():
    trial = replace(
        seed(), conditions=("Healthy",), eligibility=Eligibility(healthy_volunteers=True)
    )
    assert doctor_questions(trial)[1] == (
        "This trial is looking for healthy volunteers. Is there any reason it would not be safe for me to take part?"
    )


@pytest.mark.parametrize(
    ("maximum_age", "asked"),
    [
        ("8 Years", "This trial is for children aged 5 to 8 years."),
        ("17 Years", "aged 5 to 17 years"),
        ("18 Years", None),
        ("", None),
    ],
)
def test_a_trial_only_for_children_asks_how_my_child_takes_part(maximum_age, asked):
    trial = replace(seed(), eligibility=Eligibility(minimum_age="5 Years", maximum_age=maximum_age))
    text = doctor_text(trial)
    assert (asked in text and "my child" in text) if asked else "my child" not in text


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "for Extensive-stage Small Cell Lung Cancer after 2 or more earlier treatments."),
        ({"eligibility": Eligibility(criteria_text="Inclusion Criteria:\n* At least one prior line of therapy")},
         "after 1 or more earlier treatments."),
        ({"eligibility": Eligibility(criteria_text="Exclusion Criteria:\n* At least two prior lines of therapy")},
         "that has not responded to earlier treatment, or has come back."),
        ({"brief_title": "Drug X in previously untreated lymphoma", "official_title": "",
          "eligibility": Eligibility()}, "that has not been treated yet."),
        ({"brief_title": "Drug X in metastatic disease", "official_title": "", "eligibility": Eligibility(),
          "conditions": ("Breast Cancer",)}, "This trial is for metastatic Breast Cancer."),
        ({"brief_title": "Drug X in non-metastatic disease", "official_title": "", "eligibility": Eligibility(),
          "conditions": ("Breast Cancer",)}, "This trial is for Breast Cancer. Given my health"),
        ({"conditions": ("Lung Cancer", "Stage IIIA Lung Cancer AJCC v8", "Stage IIIB Lung Cancer AJCC v8"),
          "brief_title": "X", "official_title": "", "eligibility": Eligibility()},
         "for Lung Cancer at stage IIIA or IIIB."),
        ({"conditions": ("Caries, Dental",), "brief_title": "X", "official_title": "", "eligibility": Eligibility()},
         "This trial is for Dental Caries."),
        ({"conditions": (), "eligibility": Eligibility()}, "Given my health and the treatment I have had so far"),
    ],
)  # fmt: skip
def test_the_fit_question_follows_the_line_of_treatment_or_stage_the_trial_asks_for(
    changes, expected
):
    assert expected in doctor_questions(replace(seed(), **changes))[1]


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        (Outcome("Overall survival"), '"Overall survival", meaning how long people live.'),
        (Outcome("Incidence of adverse events"), "Since this trial mainly checks safety, how likely is it to help me?"),
        (Outcome("Maximum tolerated dose"), "mainly about finding a safe dose"),
        (Outcome("EORTC QLQ-C30 global health status and quality of life score over the first year"),
         "The main thing this trial measures is quality of life, meaning how people feel"),
        (Outcome("Number of chewing cycles"), '"Number of chewing cycles". What does that mean in plain words'),
        (Outcome("A very long measure that no kind in the glossary would ever match at all"),
         "What is the main thing this trial measures, in plain words"),
    ],
)  # fmt: skip
def test_the_outcome_question_explains_the_main_outcome_and_asks_what_it_means_for_me(
    outcome, expected
):
    assert expected in doctor_text(replace(seed(), primary_outcomes=(outcome,)))


def test_a_record_with_almost_nothing_still_gets_well_formed_questions():
    trial = Trial(nct_id="NCT00000000")
    doctor, coordinator = doctor_questions(trial), coordinator_questions(trial)
    assert len(doctor) == 5 and len(coordinator) == 6
    assert "What is known so far about how well the treatment being tested works" in " ".join(
        doctor
    )
    assert "does not say whether" in status_warning(trial)  # no status is an unknown status


# ----------------------------------------------------------------------- the coordinator


def test_the_coordinator_questions_use_the_follow_up_time_and_the_nearest_site():
    trial = real("NCT06356129")
    assert coordinator_questions(trial)[0].startswith(
        "The trial has 2 groups and follows people for up to 67 months."
    )
    near = coordinator_text(trial, near="10021")
    assert "The trial runs at 327 sites in 38 countries. The site nearest to 10021 may be" in near
    assert "New York" in near
    # without --near, "which of 327 sites is nearest?" gives way: the site list answers it
    assert "Which site is nearest to me" not in coordinator_text(trial)


@pytest.mark.parametrize(
    ("sites", "near", "expected"),
    [
        ((), None, "The record does not list any study sites yet."),
        ((Site("City Clinic", "Leeds", country="United Kingdom"),), None,
         "The trial runs at City Clinic, Leeds, the United Kingdom. How would I get there"),
        ((Site("A", "Leeds", zip="LS1 3EX", country="United Kingdom"), Site("B", "Oslo", zip="0150", country="Norway")),
         "UK", "The trial runs at 2 sites in 2 countries. The site nearest to UK may be A, Leeds."),
        ((Site("A", "Leeds", zip="LS1 3EX", country="United Kingdom"), Site("B", "Leeds", zip="LS9 7TF", country="United Kingdom")),
         "LS9 8AB", "The trial runs at 2 sites in the United Kingdom. The site nearest to LS9 8AB may be B, Leeds."),
        ((Site("A", "Leeds", country="United Kingdom"), Site("B", "Oslo", country="Norway")),
         "Peru", "Is there one near Peru"),
    ],
)  # fmt: skip
def test_the_where_question_follows_the_sites_and_the_place_the_user_gives(sites, near, expected):
    from sheets.content.coordinator import _where_question

    # its wording; whether it makes the sheet is the chooser's call, by weight
    assert expected in _where_question(replace(seed(), sites=sites), near).text


@pytest.mark.parametrize(
    ("cycles", "changes", "expected"),
    [
        (True, {}, "Treatment comes in 21-day cycles, and the study follows people for up to 24 months."),
        (True, {"primary_outcomes": ()}, "Treatment comes in 21-day cycles. How many visits are there in each cycle"),
        (False, {"primary_outcomes": (Outcome("ORR", "up to 2 years"),)},
         "The trial has 2 groups and follows people for up to 2 years. How many visits are there, and are they the same in every group?"),
        (False, {"primary_outcomes": (Outcome("ORR", "every 6 weeks up to 2 years"),), "arms": ()},
         "The study checks on people every 6 weeks, for up to 2 years."),
        (False, {"primary_outcomes": (Outcome("ORR", "up to 2 years"),), "arms": ()},
         "The study follows people for up to 2 years."),
        (False, {"primary_outcomes": (), "arms": ()}, "What does taking part involve week to week"),
    ],
)  # fmt: skip
def test_the_visits_question_uses_the_cycle_groups_and_time_frames_the_record_gives(
    cycles, changes, expected
):
    trial = with_placebo(seed()) if cycles else without_cycles(with_placebo(seed()))
    assert coordinator_questions(replace(trial, **changes))[0].startswith(expected)


def without_cycles(trial: Trial) -> Trial:
    """The trial with no text that could give a cycle length."""
    return replace(
        trial, detailed_description="", brief_summary="",
        arms=tuple(replace(a, description="") for a in trial.arms),
        interventions=tuple(replace(i, description="") for i in trial.interventions),
    )  # fmt: skip


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_coordinator_questions_cover_costs_screening_leaving_results_and_rights(path):
    text = coordinator_text(replace(load_trial(path), site_content=SiteContent())).lower()
    for topic in ("pay for", "childcare", "screening", "leave the study"):
        assert topic in text, topic
    # then, as room allows: the procedures it adds, what happens after, who pays if I am hurt
    assert "share the results" in text or "hurt because of the study" in text


# ------------------------------------------------------------ site-written and extra ones


@pytest.mark.parametrize(
    ("generated", "site", "extra", "merged"),
    [
        (["Generated?"], [], [], ("Generated?",)),
        (["Generated?"], ["Site one?", "Site two?"], [], ("Site one?", "Site two?")),
        (["Generated?"], [], ["Clinic?"], ("Generated?", "Clinic?")),
        (["Generated?"], ["Site one?"], ["site  ONE?", "Clinic?"], ("Site one?", "Clinic?")),
        (["Generated?"], ["  "], [], ("Generated?",)),
        (["Same?", "same"], [], [], ("Same?",)),
    ],
)
def test_site_questions_replace_generated_ones_and_extra_ones_follow_without_repeats(
    generated, site, extra, merged
):
    assert merge_questions(generated, site=site, extra=extra) == merged


def test_the_seed_sheet_shows_the_site_written_questions():
    trial = load_trial(SEED_RECORD)
    assert build_sheet(trial).doctor_questions == trial.site_content.doctor_questions


def test_a_clinic_questions_file_adds_questions_to_the_sheet(tmp_path):
    extra = tmp_path / "clinic.toml"
    extra.write_text('[doctor]\nquestions = ["Can Dr. Rivera see me before I decide?"]\n'
                     '[coordinator]\nquestions = ["Is there free parking at the Elm Street clinic?"]\n',
                     "utf-8")  # fmt: skip
    out = tmp_path / "sheet.pdf"
    result = CliRunner().invoke(
        main, ["make", str(SEED_RECORD), "-o", str(out), "--questions", str(extra)]
    )
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
    with_secondary = text_of(
        render_pdf(trial, SheetOptions(generated_on=FIXED_DAY, secondary_outcomes=True))
    )
    assert "Also measured:" not in without and "Also measured:" in with_secondary
    assert "Area under the curve, 0 to last" in with_secondary


def test_the_nearest_site_is_listed_first_on_the_sheet():
    trial = load_trial(DATA / "records" / "NCT06356129.json")
    sheet = build_sheet(trial, SheetOptions(near="10021", generated_on=FIXED_DAY))
    assert sheet.sites[0].place.startswith("New York")
    assert (
        not build_sheet(trial, SheetOptions(generated_on=FIXED_DAY))
        .sites[0]
        .place.startswith("New York")
    )


# ------------------------------------------------------------------- a parent's voice

PARENT_ACTS = {  # questions whose "I" is the parent: deciding, travelling, paying, asking
    "doctor.child", "doctor.status.RECRUITING", "doctor.status.SUSPENDED", "doctor.status.SUSPENDED_WHY",
    "doctor.status.AVAILABLE", "doctor.status.TEMPORARILY_NOT_AVAILABLE", "coordinator.where_near",
    "coordinator.where_many", "coordinator.where_one", "coordinator.where_none", "coordinator.costs",
    "about.results_later",
}  # fmt: skip


def _entries(table, path=""):
    for key, value in table.items():
        if isinstance(value, dict):
            if isinstance(value.get("text"), str):
                yield f"{path}{key}", value
            yield from _entries(value, f"{path}{key}.")


def test_every_question_about_the_patient_has_a_parents_voice_that_speaks_of_the_child():
    from sheets import i18n

    for entry_key, entry in _entries(i18n.data("questions", "en")):
        patient = re.search(r"\b(?:me|my|I)\b", entry["text"])
        if patient and entry_key not in PARENT_ACTS:
            assert "parent" in entry, f"{entry_key} has no parent's voice"
        if "parent" in entry:
            assert re.search(r"my child|child like mine|\bwe\b|\bus\b", entry["parent"], re.I), entry_key
            assert not re.search(r"\bme\b|\bmy (?!child)", entry["parent"]), entry_key


def test_a_trial_only_for_children_is_asked_about_in_a_parents_voice():
    trial = real("NCT04474964")  # ages 3 to 16
    asked = " ".join((*doctor_questions(trial), *coordinator_questions(trial)))
    assert "my child's situation" in asked and "How likely is my child's illness to come back" in asked
    for adult in ("my illness", "my situation", "for me", "help me", "my care", "my health"):
        assert adult not in asked, adult
    grown_up = replace(trial, eligibility=replace(trial.eligibility, maximum_age="65 Years"))
    assert "my situation" in " ".join(doctor_questions(grown_up))


def test_the_procedures_the_record_mentions_are_asked_about():
    asked = coordinator_questions(real("NCT04267848"))
    assert (
        "The record mentions scans, blood tests, infusions (medicine through a vein) and questionnaires or "
        "interviews. Which of these are only for the study, and how often would I have them?"
    ) in asked
    assert not any("The record mentions" in q for q in coordinator_questions(real("NCT05430971")))
