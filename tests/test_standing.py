"""The trial on the sheet's date: the right sheet for its status, and its record's age checked."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from conftest import DATA, FIXED_DAY, RECORDS, ROOT
from pdfcheck import page_texts, reader, text_of

from sheets import SheetOptions, build_sheet, load_trial, render_pdf
from sheets.content.standing import OPEN_STATUSES, last_day, standing_of
from sheets.model import Trial

SHARED_RECORDS = sorted((ROOT.parent / "shared" / "records").glob("*.json"))
DAY = date(2026, 12, 6)

# Every status the API names, the sheet it gets, and words its page 1 must hold.
STATUSES = [
    ("RECRUITING", True, None),
    ("NOT_YET_RECRUITING", True, "This trial is not taking patients yet."),
    ("ENROLLING_BY_INVITATION", True, "only takes people the study team invites"),
    ("AVAILABLE", True, None),
    ("ACTIVE_NOT_RECRUITING", False, "no longer takes new patients"),
    ("SUSPENDED", False, "has paused"),
    ("TERMINATED", False, "stopped early"),
    ("WITHDRAWN", False, "withdrawn before anyone joined"),
    ("COMPLETED", False, "has finished"),
    ("UNKNOWN", False, "does not say whether"),
    ("NO_LONGER_AVAILABLE", False, "has closed"),
    ("TEMPORARILY_NOT_AVAILABLE", False, "closed for now"),
    ("WITHHELD", False, "does not say whether"),
    ("", False, "does not say whether"),
]


def open_trial(**changes) -> Trial:
    """A recruiting trial whose record is fresh on DAY: each test changes one thing."""
    trial = load_trial(DATA / "records" / "NCT04474964.json")  # recruiting, ends 2030
    # its age fields made to agree with its criteria ("more than 3 and less than 16")
    ages = replace(trial.eligibility, minimum_age="4 Years", maximum_age="15 Years")
    return replace(trial, **{"last_updated": "2026-10-01", "eligibility": ages, **changes})


@pytest.mark.parametrize(("status", "joining", "says"), STATUSES, ids=lambda s: str(s))
def test_each_status_gets_its_sheet_and_says_where_the_trial_stands(status, joining, says):
    trial = open_trial(status=status)
    sheet = build_sheet(trial, SheetOptions(generated_on=DAY))
    assert sheet.joining is joining is (status in OPEN_STATUSES)
    pdf = render_pdf(trial, SheetOptions(generated_on=DAY))
    text = text_of(pdf)
    if says:
        assert says in " ".join(page_texts(pdf)[0].split())
    if joining:
        assert "Reasons you may be able to join" in text and "Questions for the trial coordinator" in text
    else:
        assert "What happened to this trial" in page_texts(pdf)[0]
        assert "Reasons you may be able to join" not in text and "Yes No Not sure" not in text
        assert "Questions for the trial coordinator" not in text  # no screening questions
        assert "Questions for your doctor" in text
        assert "wise for me to wait" not in text
        assert len(reader(pdf).pages) <= 2


CLOSED_RECORDS = [p for p in (*RECORDS, *SHARED_RECORDS) if load_trial(p).status not in OPEN_STATUSES]


@pytest.mark.parametrize("path", CLOSED_RECORDS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_closed_trial_among_the_real_records_gets_two_pages_at_most(path):
    trial = load_trial(path)
    pdf = render_pdf(trial, SheetOptions(generated_on=FIXED_DAY))
    assert len(reader(pdf).pages) <= 2
    text = text_of(pdf)
    assert ("Results are posted" in text) is trial.has_results
    if trial.why_stopped:
        assert f"The reason the record gives: {' '.join(trial.why_stopped.split())}" in text


def test_a_fresh_open_record_raises_no_flag():
    standing = standing_of(open_trial(), DAY)
    assert standing.joining and not (standing.stale_since or standing.in_doubt)
    assert build_sheet(open_trial(), SheetOptions(generated_on=DAY)).notices == ()


def test_a_record_not_updated_for_a_year_is_flagged_on_page_1():
    trial = open_trial(last_updated="2025-12-05")
    assert standing_of(trial, DAY).stale_since == "2025-12-05"
    assert not standing_of(replace(trial, last_updated="2025-12-06"), DAY).stale_since  # one year
    page_1 = " ".join(page_texts(render_pdf(trial, SheetOptions(generated_on=DAY)))[0].split())
    assert "The record's last update was December 5, 2025, more than a year before this sheet" in page_1


def test_a_finished_trial_is_not_stale_however_old_its_record():
    trial = open_trial(status="COMPLETED", last_updated="2015-01-01")
    assert not standing_of(trial, DAY).stale_since
    trial = open_trial(status="SUSPENDED", last_updated="2015-01-01")
    assert standing_of(trial, DAY).stale_since  # a pause can end: its old record may be wrong


def test_a_trial_not_yet_recruiting_six_months_after_its_start_is_in_doubt_and_not_waited_for():
    trial = open_trial(status="NOT_YET_RECRUITING", start_date="2026-05", last_updated="2026-01-10")
    standing = standing_of(trial, DAY)
    assert standing.late_start == "2026-05" and standing.in_doubt and not standing.past_end
    assert not standing_of(replace(trial, start_date="2026-06"), DAY).late_start  # June 30 + 6 months
    sheet = build_sheet(trial, SheetOptions(generated_on=DAY))
    assert sheet.notices[0].startswith("The record gave May 2026 as the planned start, more than six")
    late = build_sheet(replace(trial, start_date="2024-02"), SheetOptions(generated_on=DAY))
    assert late.notices[0].startswith("The record gave February 2024 as the planned start, more than 2 years ago")
    assert sheet.doctor_questions[0].startswith("Going by its record, this trial should have opened")
    assert not any("wise for me to wait" in q for q in sheet.doctor_questions)


def test_a_recruiting_trial_past_its_planned_end_is_in_doubt_and_asked_about_first():
    trial = open_trial(primary_completion_date="2025-12-15", completion_date="2026-03")
    standing = standing_of(trial, DAY)
    assert standing.past_end == "2025-12-15"
    sheet = build_sheet(trial, SheetOptions(generated_on=DAY))
    assert "planned to finish collecting this trial's main results by December 15, 2025" in sheet.notices[0]
    assert sheet.doctor_questions[0].startswith("The date this trial planned to finish")
    assert not any("taking patients now. How soon" in q for q in sheet.doctor_questions)
    assert not standing_of(replace(trial, primary_completion_date="2026-12"), DAY).past_end


def test_planned_dates_say_so_and_the_end_date_is_shown():
    trial = open_trial(
        start_date="2027-01", completion_date="2030-07", planned_dates=frozenset({"start_date", "completion_date"})
    )
    facts = {f.label: f.value for f in build_sheet(trial, SheetOptions(generated_on=DAY)).facts}
    assert facts["Start date"] == "January 2027 (planned)" and facts["End date"] == "July 2030 (planned)"
    facts = {f.label: f.value for f in build_sheet(replace(trial, planned_dates=frozenset()), SheetOptions()).facts}
    assert facts["Start date"] == "January 2027" and facts["End date"] == "July 2030"


def test_planned_dates_and_posted_results_are_read_from_both_record_formats():
    api = load_trial(DATA / "records" / "NCT06171568.json")
    assert api.planned_dates == {"start_date", "primary_completion_date", "completion_date"}
    assert load_trial(DATA / "records" / "NCT02210780.json").has_results
    xml = next((ROOT.parent / "shared" / "records" / "xml").glob("NCT02465060.xml"), None)
    if xml is None:
        pytest.skip("../shared is not beside this checkout")
    assert load_trial(xml).planned_dates == {"primary_completion_date"}


def test_dates_to_the_month_count_as_the_months_last_day():
    assert last_day("2026-02") == date(2026, 2, 28) and last_day("2024-02") == date(2024, 2, 29)
    assert last_day("2026-06-15") == date(2026, 6, 15)
    assert last_day("2026-13") is None and last_day("June 2026") is None and last_day("") is None


def test_a_closed_trial_with_results_asks_about_them_and_about_what_else_to_do():
    trial = load_trial(DATA / "records" / "NCT02210780.json")  # completed, results posted
    questions = build_sheet(trial, SheetOptions(generated_on=DAY)).doctor_questions
    assert questions[0] == "This trial has posted its results. What do they show, and what do they mean for me?"
    assert any("another trial open now for Atopic Dermatitis" in q for q in questions)
    assert not any("expanded access" in q for q in questions)  # the record says there is none
    assert not any("Are its results out" in q for q in questions)  # answered by the record


def test_the_next_change_is_the_first_day_a_banner_appears():
    from sheets.content.standing import next_change

    trial = open_trial(last_updated="2026-10-01", primary_completion_date="2027-03", completion_date="")
    assert next_change(trial, DAY) == date(2027, 4, 1)  # the day after March 2027 ends
    assert next_change(trial, date(2027, 4, 1)) == date(2027, 10, 2)  # then the record is stale
    assert next_change(trial, date(2027, 10, 2)) is None
    late = open_trial(status="NOT_YET_RECRUITING", start_date="2026-11-15", primary_completion_date="2030-01")
    assert next_change(late, DAY) == date(2027, 5, 16)
    assert next_change(open_trial(status="COMPLETED", last_updated="2026-01-01"), DAY) is None


def test_an_open_trial_whose_record_gives_no_update_date_says_so():
    trial = open_trial(last_updated="")
    assert standing_of(trial, DAY).undated
    assert build_sheet(trial, SheetOptions(generated_on=DAY)).notices == (
        "The record does not say when it was last updated, so its status may be out of date: check the "
        "live page (scan the QR code) or ask the study team.",
    )
    assert not standing_of(open_trial(status="COMPLETED", last_updated=""), DAY).undated


def test_a_stale_recruiting_record_asks_whether_it_is_still_open_instead_of_how_soon_to_decide():
    questions = build_sheet(open_trial(last_updated="2025-06-01"), SheetOptions(generated_on=DAY)).doctor_questions
    assert questions[0].startswith("The record says this trial is taking patients, but it has not been updated")
    assert not any("taking patients now" in q for q in questions)


def test_no_expanded_access_question_when_the_record_says_there_is_none():
    trial = load_trial(DATA / "records" / "NCT00711542.json")  # hasExpandedAccess: false
    assert trial.expanded_access is False
    assert not any("expanded access" in q for q in build_sheet(trial, SheetOptions(generated_on=DAY)).doctor_questions)
    assert any("expanded access" in q for q in build_sheet(replace(trial, expanded_access=None)).doctor_questions)


@pytest.mark.parametrize(
    ("low", "high", "criterion", "conflict"),
    [
        ("3 Years", "16 Years", "Age more than 3 years and less than 16 years.", True),  # NCT04474964
        ("18 Years", "60 Years", "Healthy adults under age 60", True),  # NCT05594173
        ("18 Years", "75 Years", "Aged 18-75 years, without gender restriction.", False),
        ("18 Years", "", "Age >= 18 years", False),
        ("18 Years", "", "Participants must be ≥18 years of age", False),
        ("18 Years", "", "Age of 18 years and beyond;", False),
        ("18 Years", "", "Older than 17 years", False),  # whole years: the same limit
        ("21 Years", "", "Age ≥ 18 years", True),
        ("13 Years", "20 Years", "For adolescents under 18 years of age, able to provide assent", False),  # a group
        ("18 Years", "99 Years", "Creatinine clearance over 60 mL/min ([140 - Age] x weight)", False),  # no age
    ],
)  # fmt: skip
def test_age_limits_stated_two_ways_in_a_record_are_caught(low, high, criterion, conflict):
    from sheets.content.standing import age_conflict
    from sheets.model import Criterion, Eligibility

    trial = Trial("NCT00000001", eligibility=Eligibility(minimum_age=low, maximum_age=high))
    assert bool(age_conflict(trial, (Criterion("inclusion", criterion),))) is conflict


def test_a_childs_sheet_asks_the_team_which_age_limit_is_right():
    notices = build_sheet(load_trial(DATA / "records" / "NCT04474964.json"), SheetOptions(generated_on=DAY)).notices
    assert notices[-1] == (
        'The record gives two age limits: 3 to 16 years in its age fields, and "Age more than 3 years and less '
        'than 16 years" in its criteria. Ask the study team which is right if your child is near either limit.'
    )


def test_a_record_years_old_says_how_many_years_and_its_status_is_marked_as_the_records_word():
    trial = open_trial(last_updated="2017-09-19")
    sheet = build_sheet(trial, SheetOptions(generated_on=DAY))
    assert "The record's last update was September 19, 2017, more than 9 years before this sheet" in sheet.notices[-1]
    assert sheet.facts[0].value == "Recruiting, as the record says (see the note below)"
    fresh = build_sheet(open_trial(), SheetOptions(generated_on=DAY))
    assert fresh.facts[0].value == "Recruiting"


def test_an_expanded_access_program_past_its_dates_is_flagged_like_a_trial():
    program = open_trial(status="AVAILABLE", primary_completion_date="2021-12", last_updated="2017-05-11")
    sheet = build_sheet(program, SheetOptions(generated_on=DAY))
    assert standing_of(program, DAY).past_end == "2021-12"
    assert not sheet.doctor_questions[0].startswith("This program is open now")


def test_without_a_study_end_date_the_main_results_date_is_labelled_as_such():
    trial = open_trial(completion_date="", primary_completion_date="2030-07", planned_dates=frozenset({"primary_completion_date"}))
    facts = {f.label: f.value for f in build_sheet(trial, SheetOptions(generated_on=DAY)).facts}
    assert facts["Main results due"] == "July 2030 (planned)" and "End date" not in facts
