"""The handout's shape: page 1 in plain sentences from the record's fields, lab limits
condensed to one line, the reference part compact, and no page left mostly empty."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import DATA, FIXED_DAY, OPEN_RECORDS, SEED_RECORD, default_pdf
from pdfcheck import blank_shares, page_texts, text_of

from sheets import SheetOptions, build_sheet, load_trial, render_pdf
from sheets.content.lab_panels import panels_of
from sheets.content.overview import overview_of
from sheets.model import Arm, Design, Intervention, PlainCriterion

OPTIONS = SheetOptions(generated_on=FIXED_DAY)


def record(name: str):
    return load_trial(DATA / "records" / f"{name}.json")


def two_arms(control: Arm, *interventions: Intervention):
    tested = Intervention("Drug A", "DRUG")
    return replace(
        record("NCT06356129"),
        arms=(Arm("Drug A", "EXPERIMENTAL", "", ("Drug: Drug A",)), control),
        interventions=(tested, *interventions),
        design=Design(allocation="RANDOMIZED", masking="NONE"),
    )


# ------------------------------------------------------------------------------ page 1


def test_page_1_says_what_is_tested_for_whom_and_against_what():
    about = " ".join(overview_of(record("NCT06356129")).about)
    assert about.startswith("This trial tests Golcadomide, given with Rituximab")
    assert "for Large B-cell Lymphoma" in about
    assert "some people get a placebo instead of Golcadomide" in about
    assert "It is for people aged 18 to 80 years. It plans to take 850 people." in about


@pytest.mark.parametrize(
    ("control", "says", "never"),
    [
        (Arm("Placebo", "PLACEBO_COMPARATOR", "", ("Drug: Placebo",)), "get a placebo instead", "compares"),
        # an attention-control video typed as a placebo arm is named as what it is
        (Arm("Video", "PLACEBO_COMPARATOR", "", ("Behavioral: Sleep hygiene video",)),
         "It compares this with Sleep hygiene video.", "placebo"),
        (Arm("Sham", "SHAM_COMPARATOR", "", ("Device: Sham stimulation",)), "get a sham instead", "compares"),
        (Arm("Usual care", "ACTIVE_COMPARATOR", "", ("Drug: Drug B",)), "It compares this with Drug B.", "placebo"),
        (Arm("Wait list", "NO_INTERVENTION", "", ()), "Some people get no study treatment", "placebo"),
    ],
)  # fmt: skip
def test_the_comparison_is_named_from_the_comparison_arm(control, says, never):
    interventions = [Intervention(n.split(": ")[1], n.split(": ")[0].upper()) for n in control.intervention_names]
    about = " ".join(overview_of(two_arms(control, *interventions)).about)
    assert says in about and never not in about.replace("This trial tests", ""), about


def test_the_groups_list_their_treatments_and_the_procedures_are_named_once():
    overview = overview_of(record("NCT04267848"))
    assert [g.name for g in overview.groups][0] == "Arm A (platinum doublet, observation)"
    for group in overview.groups:
        assert "Carboplatin" in group.gets and "Computed Tomography" not in group.gets
    assert overview.taking_part[0] == "There are 3 groups. A computer puts each person in one by chance: you cannot choose."
    assert overview.taking_part[-1] == (
        "The record mentions scans, blood tests, infusions (medicine through a vein) and questionnaires or interviews."
    )


def test_a_trial_only_for_children_says_so_on_page_1():
    assert "It is for children aged 3 to 16 years." in overview_of(record("NCT04474964")).about


def test_masking_and_schedule_are_said_plainly():
    taking_part = overview_of(record("NCT06356129")).taking_part
    assert "You will not know which group you are in, and neither will your study doctors." in taking_part
    assert "The study follows each person for up to 67 months." in taking_part


def test_the_phase_line_does_not_claim_a_comparison_the_trial_may_not_make():
    sheet = build_sheet(record("NCT06356129"), OPTIONS)  # phase 3, against a placebo
    phase = next(f.value for f in sheet.facts if f.label == "Phase")
    assert phase == "Phase 3: tests how well the treatment works in a large group of people"


def test_page_1_of_a_joining_sheet_holds_the_overview_and_the_one_contact_to_call():
    pages = [" ".join(page.split()) for page in page_texts(render_pdf(record("NCT06356129"), OPTIONS))]
    page_1 = pages[0]
    assert "What this trial is about" in page_1 and "This trial tests Golcadomide" in page_1
    first_two = " ".join(pages[:2])
    assert first_two.index("What taking part involves") < first_two.index("Questions for your doctor")
    assert "Contact BMS Clinical Trials Contact Center" in page_1 and "855-907-3286" in page_1


def test_the_full_title_and_the_team_summary_move_to_the_reference_part():
    text = text_of(render_pdf(record("NCT06356129"), OPTIONS))
    reference = text[text.index("About this trial, in the study team's words") :]
    assert "Full title: A Phase 3, Multicenter, Randomized" in reference
    assert "The purpose of this study is to compare" in reference
    assert "Full title" not in text[: text.index("What this trial is about")]


# -------------------------------------------------------------------------- lab limits


def test_a_list_of_lab_limits_becomes_one_line_naming_its_panels():
    sheet = build_sheet(load_trial(SEED_RECORD), OPTIONS)
    labs = next(c for c in sheet.inclusion if c.ref == "I-6")
    assert labs.panels == ("blood_counts", "liver_tests", "kidney_tests", "clotting_tests")
    assert labs.plain == (
        "You may be able to join if your blood tests are within the limits the study sets for blood counts, "
        "liver tests, kidney tests and blood clotting tests. Your care team checks these. The exact limits "
        "are under I-6 in the study's own wording."
    )
    assert not labs.words and "neutrophil count (ANC) ≥ 1.5" in labs.original
    text = text_of(render_pdf(load_trial(SEED_RECORD), OPTIONS))
    assert "1.5×10⁹/L" in text[text.index("The study's own wording") :]  # the limits are kept


@pytest.mark.parametrize(
    ("lead", "items", "panels"),
    [
        ("You may be able to join if tests show you have good enough organ function:",
         ("Bilirubin is at most 1.5 times ULN.", "Creatinine clearance is at least 60 mL/min."),
         ("liver_tests", "kidney_tests")),
        # one line that is not a lab value keeps the criterion as it is
        ("You may be able to join if tests show you have good enough organ function:",
         ("Bilirubin is at most 1.5 times ULN.", "You have no active infection."), ()),
        ("You may be able to join if your platelet count is at least 100,000.", (), ()),  # one limit reads well
        ("You may be able to join if this is true for you:", ("Platelets at least 100.", "ANC at least 1.5."), ()),
    ],
)  # fmt: skip
def test_only_a_criterion_made_of_lab_limits_is_condensed(lead, items, panels):
    criterion = PlainCriterion("inclusion", lead, "as written", tuple(items))
    assert panels_of(criterion) == panels


def test_a_childs_lab_line_speaks_of_the_child():
    criterion = PlainCriterion.of(
        "exclusion",
        "Your child cannot join if tests show any of these lab results:\nHemoglobin below 8 g/dL.\nPlatelets below 50,000.",
        "as written",
    )
    from sheets.content.lab_panels import condensed_line

    line = condensed_line(criterion, panels_of(criterion), "E-3")
    assert line.startswith("Your child cannot join if your child's blood tests are outside the limits")


def test_a_run_of_one_line_lab_limits_becomes_one_row_and_each_keeps_its_own_wording():
    sheet = build_sheet(record("NCT04267848"), OPTIONS)  # ANC, platelets, Hb, CrCl, bilirubin, AST/ALT
    row = next(c for c in sheet.inclusion if c.merged)
    assert row.ref == "I-20–I-25" and row.panels == ("blood_counts", "liver_tests", "kidney_tests")
    assert "The exact limits are under I-20–I-25 in the study's own wording." in row.plain
    assert [ref for ref, _ in row.as_written] == [f"I-{n}" for n in range(20, 26)]
    originals = dict(sheet.originals)
    assert originals["I-21"] == "Platelet count >= 100,000/mm^3" and "I-20–I-25" not in originals
    text = " ".join(text_of(render_pdf(record("NCT04267848"), OPTIONS)).split())
    assert "I-24 Total bilirubin =< 1.5 x upper limit of normal (ULN)" in text


@pytest.mark.parametrize(
    ("original", "panels"),
    [
        ("Absolute neutrophil count (ANC) >= 1,500/mm^3", ("blood_counts",)),
        ("Total bilirubin =< 1.5 x upper limit of normal (ULN)", ("liver_tests",)),
        ("HbA1c between ≥ 7.5% and ≤10.5% inclusive, during screening", ("blood_sugar",)),
        ("Platelet transfusion within 7 days before the first dose", ()),  # a treatment, not a result
        ("uncontrolled diabetes mellitus (a fasting glucose of >160 mg/dL)", ()),  # an illness they know of
        ("potassium levels >5.5 mmol/L; or any diseases that could affect the results of the study.", ()),
        ("Known hepatitis B infection", ()),
        # what comes before the test says when or for whom: condensed, it would be lost
        ("Percutaneous liver biopsy exclusion criteria (to be evaluated before last visit): Haemoglobin <6 mmol/L", ()),
        ("Serum ionized calcium between 1.10 and 1.40 mmol/L for >3 months", ("salts",)),
    ],
)  # fmt: skip
def test_only_a_line_that_is_just_a_lab_limit_joins_a_run(original, panels):
    from sheets.content.lab_panels import limit_panels

    assert limit_panels(PlainCriterion("exclusion", "You cannot join if ...", original)) == panels


def test_a_lone_lab_limit_keeps_its_own_row():
    criteria = (PlainCriterion("inclusion", "You may be able to join if you are 18 or older.", "Age >= 18"),
                PlainCriterion("inclusion", "You may be able to join if your platelets are 100,000 or more.",
                               "Platelets >= 100,000/mm3"),
                PlainCriterion("inclusion", "You may be able to join if you can swallow pills.", "Able to swallow"))  # fmt: skip
    sheet = build_sheet(replace(record("NCT04474964"), site_content=replace(
        record("NCT04474964").site_content, plain_criteria=criteria)), OPTIONS)  # fmt: skip
    assert [c.ref for c in sheet.inclusion] == ["I-1", "I-2", "I-3"] and not any(c.merged for c in sheet.inclusion)


# ------------------------------------------------------------------------------ groups


def test_a_group_the_record_closed_is_named_as_closed_and_never_offered_by_chance():
    sheet = build_sheet(record("NCT04267848"), OPTIONS)  # Arm A "(CLOSED AS OF UPDATE #7)"
    assert [g.name for g in sheet.overview.groups] == [
        "Arm B (platinum doublet, sequential pembrolizumab)",
        "Arm C (platinum doublet, combination pembrolizumab)",
    ]
    assert sheet.overview.taking_part[0].startswith("There are 2 groups. A computer puts each person")
    assert ("The record says these groups no longer take new people: Arm A (platinum doublet, observation)."
            in sheet.overview.taking_part)  # fmt: skip
    assert "put into 2 groups by chance" in " ".join(sheet.doctor_questions)
    assert any(label.startswith("Arm A") for label, _ in sheet.group_texts)  # its words stay for reference


def test_a_closed_chemotherapy_arm_still_shows_what_is_tested_and_no_one_is_asked_their_chances_of_it():
    # Arm A (closed) gave chemotherapy alone; the open arms B and C both give it with
    # pembrolizumab, before or after: the trial tests pembrolizumab, which everyone joining gets.
    sheet = build_sheet(record("NCT04267848"), OPTIONS)
    assert sheet.overview.about[0].startswith("This trial tests Pembrolizumab, given with Carboplatin, Cisplatin")
    asked = " ".join(sheet.doctor_questions)
    assert ("People in this trial are put into 2 groups by chance, and everyone gets Pembrolizumab. "
            "How do the groups differ, and what would each mean for me?") in sheet.doctor_questions  # fmt: skip
    assert "This trial tests adding Pembrolizumab to Carboplatin" in asked
    # No group joining now goes without pembrolizumab: the phase question compares ways of giving it.
    assert "This is a phase 3 trial, which compares different ways of giving Pembrolizumab in a large group" in asked
    assert "chances of getting" not in asked and "standard care" not in asked  # no one joining now gets it alone
    assert any(q.startswith("If it helps me, can I keep getting Pembrolizumab after") for q in sheet.coordinator_questions)

    spanish = build_sheet(record("NCT04267848"), replace(OPTIONS, lang="es"))
    asked = " ".join(spanish.doctor_questions)
    assert "2 grupos, y todas reciben Pembrolizumab. ¿En qué se diferencian los grupos" in asked
    assert "que compara distintas formas de dar Pembrolizumab en un grupo grande" in asked


def test_a_placebo_arm_listed_under_the_tested_name_is_a_placebo_in_the_questions_too():
    # The "control" arm is a PLACEBO_COMPARATOR listed under the supplement's own name,
    # "NCT/NFT", its description "Placebo": page 1 says so, and so must the questions.
    sheet = build_sheet(record("NCT06454773"), OPTIONS)
    assert [g.gets for g in sheet.overview.groups] == ["NCT/NFT", "placebo"]
    asked = " ".join(sheet.doctor_questions)
    assert "This is a phase 3 trial, which compares NCT/NFT with a placebo in a large group" in asked
    assert ("put into 2 groups by chance, and some get a placebo (a look-alike with no active medicine). "
            "What are my chances of getting NCT/NFT") in asked  # fmt: skip
    assert "standard care" not in asked and "everyone gets" not in asked and "different ways of giving" not in asked
    # The record flags healthy volunteers, yet the trial is for people with prediabetes:
    # never "for healthy people", which would turn them away.
    assert "It is for people aged 25 to 60 years." in sheet.overview.about


def test_cohorts_are_not_said_to_be_chosen_by_chance_and_a_partner_named_in_the_arm_text_counts():
    sheet = build_sheet(record("NCT04613596"), OPTIONS)  # KRYSTAL-7: phase 2 cohorts, phase 3 arms
    assert "by chance" not in " ".join((*sheet.overview.taking_part, *sheet.doctor_questions))
    assert "depends on the part of the study and your situation" in sheet.overview.taking_part[0]
    gets = {g.name: g.gets for g in sheet.overview.groups}
    assert gets["Phase 2 Cohort 1a: PD-L1 TPS <1%"] == "Adagrasib and Pembrolizumab"  # "in combination with"
    assert gets["Phase 2 Cohort 1b: PD-L1 TPS <1%"] == "Adagrasib"  # "monotherapy"
    assert gets["Phase 3 Cohort 4 Comparator Arm"] == "Pembrolizumab"


def test_a_placebo_arm_that_lists_the_tested_product_by_name_gets_the_placebo():
    sheet = build_sheet(record("NCT06454773"), OPTIONS)  # control: "Placebo", listed as NCT/NFT
    assert {g.name: g.gets for g in sheet.overview.groups} == {"intervention": "NCT/NFT", "control": "placebo"}


def test_a_treatment_named_as_an_earlier_one_in_the_arm_text_is_not_added():
    from sheets.content.facts import _arm_interventions

    trial = two_arms(Arm("Drug B", "ACTIVE_COMPARATOR", "For people who progressed on Drug A before", ("Drug: Drug B",)),
                     Intervention("Drug B", "DRUG"))  # fmt: skip
    assert [name for name, _ in _arm_interventions(trial, trial.arms[1])] == ["Drug B"]


@pytest.mark.parametrize(
    ("low", "high", "both"),
    [("12 Years", "65 Years", True), ("16 Years", "", True), ("18 Years", "65 Years", False),
     ("3 Years", "16 Years", False)],  # a children's trial speaks as a parent throughout
)  # fmt: skip
def test_a_trial_for_children_and_adults_says_i_may_be_read_as_my_child(low, high, both):
    trial = record("NCT04613596")
    trial = replace(trial, eligibility=replace(trial.eligibility, minimum_age=low, maximum_age=high))
    sheet = build_sheet(trial, OPTIONS)
    assert sheet.both_voices is both
    text = " ".join(text_of(render_pdf(trial, OPTIONS)).split())
    said = 'if you are asking for your child, read "I" and "me" as "my child".' in text
    assert said is both


# ------------------------------------------------------------------------------ contacts


def test_without_a_central_contact_page_1_names_a_recruiting_sites_contact_and_sites_give_phones():
    sheet = build_sheet(record("NCT04267848"), OPTIONS)  # no central contact; 659 sites give one
    assert sheet.call is not None and not sheet.call_is_official and sheet.call_is_site
    assert (sheet.call.phone, sheet.call.affiliation) == ("907-212-6871", "Katmai Oncology Group")
    text = " ".join(text_of(render_pdf(record("NCT04267848"), OPTIONS)).split())
    assert "Katmai Oncology Group, Anchorage, Alaska, United States (recruiting), Phone: 907-212-6871" in text
    assert "Contact at a site Site Public Contact, Katmai Oncology Group" in text


# ------------------------------------------------------------------------------ layout


@pytest.mark.parametrize("path", [SEED_RECORD, *OPEN_RECORDS], ids=lambda p: p.stem)
def test_no_page_but_the_last_is_more_than_a_quarter_empty(path):
    shares = blank_shares(default_pdf(path))
    assert max(shares[:-1], default=0) <= 0.25, [f"{s:.0%}" for s in shares]


def test_a_long_criterion_may_break_across_pages_but_keeps_its_lines_whole():
    pages = page_texts(render_pdf(record("NCT05607199"), OPTIONS))
    broken = [i for i, page in enumerate(pages[:-1]) if "I-3" in page and "I-4" not in page]
    assert broken, "the long I-3 of NCT05607199 runs on over a page break"


# ------------------------------------------------- what a nurse's review of five sheets found


def test_sites_withdrawn_before_taking_part_are_not_counted_or_listed():
    trial = record("NCT06356129")
    assert len(trial.sites) == 327 and len({s.country for s in trial.sites}) == 38  # 343 and 39 with them
    assert not any(s.status == "WITHDRAWN" for s in trial.sites)
    facts = {f.label: f.value for f in build_sheet(trial, OPTIONS).facts}
    assert facts["Where"].startswith("327 sites in 38 countries; ")


def test_with_a_background_everyone_gets_the_placebo_is_said_to_replace_only_the_tested_drug():
    about = overview_of(record("NCT06356129")).about
    assert about[1] == (
        "Everyone gets the treatments it is given with; some people get a placebo instead of Golcadomide: "
        "something made to look like it, without its active part."
    )


def test_a_sheet_for_a_childs_trial_asks_whether_it_fits_the_child():
    text = text_of(render_pdf(record("NCT04474964"), OPTIONS))
    assert "Does this trial fit my child?" in text and "Does this trial fit me?" not in text
    assert "Yes: this is true for your child. No: it is not." in text


def test_criteria_cut_off_in_the_record_are_said_to_be_cut_off():
    sheet = build_sheet(record("NCT06171568"), OPTIONS)  # its criteria end "Patient over 18 years..."
    assert sheet.criteria_cut_off
    assert "The record's list of who can join seems to be cut off." in text_of(render_pdf(record("NCT06171568"), OPTIONS))
    assert not build_sheet(load_trial(SEED_RECORD), OPTIONS).criteria_cut_off


def test_a_note_among_the_criteria_says_there_is_nothing_to_tick_not_that_it_is_no_rule():
    sheet = build_sheet(record("NCT06356129"), OPTIONS)
    note = next(c for c in sheet.exclusion if c.note)
    assert note.plain.startswith("A note from the study, nothing to tick:")


def test_where_says_how_many_sites_recruit_when_not_all_do():
    facts = {f.label: f.value for f in build_sheet(record("NCT04613596"), OPTIONS).facts}
    assert facts["Where"] == "608 sites in 44 countries; 250 of them recruiting, in 24 countries"
    facts = {f.label: f.value for f in build_sheet(record("NCT06716424"), OPTIONS).facts}
    assert facts["Where"] == "9 sites in India"  # every site recruits: nothing to add
    facts = {f.label: f.value for f in build_sheet(record("NCT06356129"), OPTIONS).facts}
    assert facts["Where"] == "327 sites in 38 countries; 289 of them recruiting, in 36 countries"
    trial = load_trial(DATA / "xml" / "NCT02465060.xml")  # the recruiting sites span both countries
    facts = {f.label: f.value for f in build_sheet(trial, OPTIONS).facts}
    assert facts["Where"] == "1,218 sites in 2 countries; 1,113 of them recruiting"


def test_a_condition_that_names_an_operation_is_said_as_people_having_it():
    trial = load_trial(DATA / "records" / "NCT06356129.json")
    surgery = replace(trial, conditions=("Gastrointestinal Surgery",))
    assert overview_of(surgery).about[0].endswith("for people having Gastrointestinal Surgery.")
    from sheets.content.questions import doctor_questions

    assert not any("This trial is for Gastrointestinal Surgery" in q for q in doctor_questions(surgery))
