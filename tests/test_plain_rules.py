"""Rule families of the plain-English engine, each on real criteria taken from trial records."""

from __future__ import annotations

import pytest

from sheets.model import Criterion
from sheets.plain import inline_definitions, plain_criteria, rewrite_all
from sheets.plain.normalise import keeps_numbers


def plain(text: str, kind: str = "inclusion") -> str:
    (line,) = plain_criteria([Criterion(kind=kind, original=text)])
    return line.plain


def said(text: str, kind: str = "inclusion") -> str:
    """The line as printed: the plain text, then its words explained under it."""
    (line,) = plain_criteria([Criterion(kind=kind, original=text)])
    return line.plain + "".join(f"\nWords: {term}: {meaning}" for term, meaning in line.words)


@pytest.mark.parametrize(
    ("kind", "criterion", "must_say", "must_not_say"),
    [
        ("inclusion", "Aged 18-75 years, without gender restriction.",
         ["You may be able to join if you are 18 to 75 years old, with no limit on sex."], []),
        ("inclusion", "Male or female patients aged ≥ 18 years.",
         ["you are at least 18 years old"], []),
        ("inclusion", "Eastern Cooperative Oncology Group (ECOG) performance status score of 0 or 1.",
         ["your ECOG score is 0 or 1.\nWords: ECOG score: 0 means you are fully active", "1 means you can do light work"],
         ["2 means"]),
        ("inclusion", "Karnofsky performance status ≥ 70%",
         ["Karnofsky score is at least 70", "70 means you can care for yourself"], []),
        ("inclusion", "Histologically or cytologically confirmed diagnosis of small cell lung cancer (SCLC)",
         ["lab tests on a sample of tissue or cells have confirmed that you have small cell lung cancer"], []),
        ("inclusion", "Has received at least two lines of prior systemic antitumor therapy.",
         ["you have already had at least 2 courses of treatment"], []),
        ("inclusion", "Has at least one measurable lesion as defined by RECIST 1.1 criteria.",
         ["at least one", "RECIST", "1.1"], []),
        ("inclusion", "Expected survival time ≥ 3 months.",
         ["your doctor expects you to live at least 3 months"], []),
        ("exclusion", "Uncontrolled central nervous system (CNS) metastases",
         ["You cannot join if you have cancer that has spread to the brain or spinal cord and it is not under control"], []),
        ("exclusion", "Pregnant or breastfeeding women", ["You cannot join if you are pregnant or breastfeeding"], []),
        ("exclusion", "Pregnancy", ["You cannot join if you are pregnant"], ["breastfeeding"]),
        ("exclusion", "Uncontrolled diabetes", ["You cannot join if you have uncontrolled diabetes."], []),
        ("exclusion", "Severe heart disease requiring treatment",
         ["You cannot join if you have severe heart disease needing treatment."], []),
        ("exclusion", "Smokers", ["You cannot join if you smoke."], []),
        ("inclusion", "Willing to use highly effective contraception during the study",
         ["you agree to use highly effective birth control"], []),
        ("inclusion", "Signed informed consent", ["you agree to take part and sign the consent form"], []),
        ("exclusion", "Other active malignancy requiring treatment", ["you have another active cancer"], []),
        ("exclusion", "New York Heart Association (NYHA) class III or IV heart failure", ["NYHA class III or IV"], []),
        ("exclusion", "Myocardial infarction within 6 months before enrollment",
         ["You cannot join if you have had a heart attack", "6 months"], ["stroke"]),
        ("exclusion", "Major surgery within 4 weeks", ["you had major surgery in the last 4 weeks"], []),
        ("exclusion", "Known hypersensitivity to lomustine", ["you are allergic to lomustine"], []),
        ("exclusion", "Participation in another interventional clinical trial",
         ["you are taking part in another interventional study"], []),
        ("inclusion", "Able to read and understand English", ["you can read and understand English"], []),
        ("exclusion", "Known HIV infection", ["Words: HIV: the virus that causes AIDS"], []),
        ("inclusion", "Absolute neutrophil count (ANC) ≥ 1.5×10⁹/L",
         ["at least 1.5 × 10⁹/L", "white blood cell that fights infection"], ["≥"]),
        ("inclusion", "ALT and AST ≤ 2.5 × ULN", ["at most 2.5 times ULN", "ULN: the highest result that is normal"], []),
        ("inclusion", "Adequate organ function: ANC ≥ 1.5×10⁹/L; platelets ≥ 100×10⁹/L; serum creatinine ≤ 1.5×ULN",
         ["tests show you have good enough organ function", "Platelets are at least 100 × 10⁹/L.",
          "Serum creatinine is at most 1.5 times ULN."], []),
        ("inclusion", "Has at least one measurable lesion as defined by RECIST 1.1 criteria.",
         ["you have at least one tumor that can be measured on scans", "RECIST 1.1 rules"], []),
        ("exclusion", "BMI> 35", ["You cannot join if your BMI is more than 35."], []),
        ("inclusion", "Male or female, greater than or equal to 19 years at the time of signing informed consent",
         ["at least 19 years"], ["greater than or equal"]),
        ("exclusion", "Age＜18 years, or age＞80 years.", ["less than 18 years", "more than 80 years"], ["＜", "＞"]),
        ("exclusion", "Participation in any clinical trial within 24 weeks prior to initiation of treatment",
         ["You cannot join if you have taken part in any study within 24 weeks before"], ["you use part"]),
        ("exclusion", "Previous participation in this study.", ["You cannot join if you have taken part in this study"], []),
        ("exclusion", "Lack of ability to cooperate", ["You cannot join if you cannot cooperate"], []),
        ("inclusion", "Experience heartburn symptoms ≥2 days/week during the past 3 months",
         ["You may be able to join if you experience heartburn"], ["this is true for you"]),
        ("exclusion", "Patients with myocardial infarction within the past 3 months.",
         ["You cannot join if you have had a heart attack within the past 3 months."], []),
        ("exclusion", "No insomnia", ["Ask the study team what it means:\nNo insomnia."], ["cannot join if"]),
    ],
)  # fmt: skip
def test_rule_families_on_real_criteria(kind, criterion, must_say, must_not_say):
    text = said(criterion, kind)
    for phrase in must_say:
        assert phrase in text, f"{phrase!r} not in {text!r}"
    for phrase in must_not_say:
        assert phrase not in text, f"{phrase!r} should not be in {text!r}"
    assert keeps_numbers(criterion, text)


@pytest.mark.parametrize(
    ("criterion", "not_said"),
    [
        ("Current or previous neurologic, musculoskeletal, mental, or other illnesses which may affect the trial",
         "any of these"),
        ("Drug addiction defined as the use of cannabis, opioids or other drugs", "any of these: Of"),
        ("Red flags symptoms (i.e. fever, malaise, prolonged corticosteroid use or osteoporosis, pain worst at night)",
         "any of these: Or"),
    ],
)  # fmt: skip
def test_lists_of_describing_words_or_of_phrases_are_not_cut_into_items(criterion, not_said):
    assert not_said not in plain(criterion, "exclusion")


def test_a_list_of_things_joined_by_or_becomes_one_line_each():
    text = plain("Previous treatment with lomustine, anlotinib, or other similar anti-angiogenic TKIs.", "exclusion")
    lead, *items = text.split("\n")
    assert lead == "You cannot join if you have had treatment with any of these:"
    assert items[:2] == ["Lomustine.", "Anlotinib."]
    assert items[2].startswith("Other similar anti-angiogenic TKIs.")


def test_words_the_list_items_share_stay_in_the_lead():
    text = plain("Known allergy to local anesthetics, fentanyl, or hydromorphone", "exclusion")
    lead, *items = text.split("\n")
    assert lead.endswith("allergic to any of these:") or lead.endswith("allergy to any of these:"), lead
    assert [i.split(".")[0] for i in items] == ["Local anesthetics", "Fentanyl", "Hydromorphone"]


@pytest.mark.parametrize(
    ("kind", "criterion", "frame", "trait"),
    [
        ("exclusion", "Regular consumer of soft drug (cannabis) or hard drug (opioid)",
         "You cannot join if this is true for you:", "Regular consumer of soft drug"),
        ("inclusion", "First primary cancer diagnosis",
         "You may be able to join if this is true for you:", "First primary cancer diagnosis."),
    ],
)  # fmt: skip
def test_a_trait_that_is_not_a_clause_is_a_labelled_item_below_its_frame(kind, criterion, frame, trait):
    lead, item = plain(criterion, kind).split("\n")
    assert lead == frame
    assert item.startswith(trait)


def test_the_performance_scale_is_explained_once_by_its_rule_not_again_by_the_glossary():
    text = said("WHO performance status 0-2")
    assert text.count("0 means") == 1 and "Words: ECOG:" not in text


@pytest.mark.parametrize(
    ("criterion", "meaning"),
    [
        ("ASA physical status class I-II", "a 1 to 6 score of your health before surgery"),
        ("Daily use of ASA 81 mg", "aspirin"),
        ("Partial response (PR) or stable disease per RECIST 1.1; PR confirmed", "the cancer shrank"),
        ("ER or PR positive breast cancer", "progesterone attaches to"),
    ],
)
def test_ambiguous_abbreviations_take_the_sense_their_context_gives(criterion, meaning):
    assert meaning in said(criterion)


def test_a_term_is_explained_once_per_sheet():
    lines = plain_criteria([Criterion("exclusion", "Known HIV infection"), Criterion("inclusion", "Negative HIV test")])
    assert [term for term, _ in lines[0].words] == ["HIV"] and "HIV" in lines[1].plain
    assert lines[1].words == ()


def test_inline_definitions_are_found_and_used():
    text = "absolute neutrophil count (ANC) ≥ 1500; estimated glomerular filtration rate (eGFR) ≥ 60"
    assert inline_definitions(text) == {
        "ANC": "absolute neutrophil count",
        "eGFR": "estimated glomerular filtration rate",
    }
    (line,) = plain_criteria([Criterion("inclusion", "ZQX level ≥ 5")], defined={"ZQX": "zinc quota"})
    assert ("ZQX", "zinc quota") in line.words and "zinc quota" not in line.plain


@pytest.mark.parametrize(
    ("kind", "criterion", "must_say", "must_not_say"),
    [
        ("exclusion", "Patients suffering from ST-segment elevation myocardial infarction (STEMI)",
         ["You cannot join if you have ST-segment elevation heart attack"], ["this is true for you"]),
        ("exclusion", "Patient unable to quantify pain level", ["You cannot join if you cannot quantify pain level."], []),
        ("inclusion", "Participants without a history of gastrointestinal disorders (control group)",
         ["You may be able to join if you have not had"], ["do not have had", "this is true for you"]),
        ("exclusion", "The presence of uncontrolled systemic disease.",
         ["You cannot join if you have uncontrolled systemic disease."], ["presence"]),
        ("exclusion", "Used opioids in the past 6 months", ["You cannot join if you have used opioids in the past 6 months."], []),
        ("inclusion", "With segmental vitiligo.", ["You may be able to join if you have segmental vitiligo."], []),
        ("exclusion", "acute sepsis", ["You cannot join if you have acute sepsis."], ["this is true for you"]),
        ("exclusion", "Foreign traveller but no symptoms", ["this is true for you:\nForeign traveller"], ["you have foreign"]),
        ("exclusion", "Chronic diarrhea", ["You cannot join if you have chronic diarrhea."], []),
        ("exclusion", "Currently have nausea", ["You cannot join if you now have nausea."], ["have now have"]),
        ("exclusion", "Currently taking a prostaglandin analogue",
         ["You cannot join if you are now taking a prostaglandin analogue."], []),
        ("exclusion", "Regular use of nutritional supplements",
         ["You cannot join if you regularly use nutritional supplements."], []),
    ],
)  # fmt: skip
def test_common_noun_phrase_shapes_read_as_you_have(kind, criterion, must_say, must_not_say):
    text = plain(criterion, kind)
    for phrase in must_say:
        assert phrase in text, f"{phrase!r} not in {text!r}"
    for phrase in must_not_say:
        assert phrase not in text, f"{phrase!r} should not be in {text!r}"


@pytest.mark.parametrize(
    ("criterion", "must_say"),
    [
        ("Suspected pulmonary air leak", "You cannot join if you may have lung air leak."),
        ("Suspected or confirmed brain death;", "You cannot join if you have or may have brain death"),
    ],
)
def test_a_suspected_illness_is_not_called_known(criterion, must_say):
    text = plain(criterion, "exclusion")
    assert must_say in text and "known" not in text


def test_a_time_window_stays_in_the_sentence_it_bounds():
    text = plain("History of any previous aesthetic procedure on the face within the past 6 months.", "exclusion")
    assert text == "You cannot join if you have had any past aesthetic procedure on the face within the past 6 months."


def test_a_for_example_aside_stays_where_the_study_put_it():
    text = plain("Other non-pseudoachondroplasia related health conditions, e.g. cancers.", "exclusion")
    assert text.endswith("conditions, for example, cancers.") and "For example" not in text


@pytest.mark.parametrize(
    ("kind", "criterion", "says"),
    [
        ("inclusion", "Has given free and informed consent", "You may be able to join if you have given"),
        ("inclusion", "Understands Swedish or English verbally and in writing",
         "You may be able to join if you understand Swedish or English"),
        ("inclusion", "Patient uses insulin", "You may be able to join if you use insulin."),
        ("inclusion", "Patients undergoes surgery", "You may be able to join if you have surgery."),
        ("inclusion", "Be a member of a health insurance plan", "You may be able to join if you are a member of"),
        ("exclusion", "Patient does not smoke", "You cannot join if you do not smoke."),
        ("exclusion", "Who are receiving a physical therapy treatment", "You cannot join if you are getting a physical"),
        ("exclusion", "Patients refused to be recruited", "You cannot join if you refused to be recruited."),
        ("inclusion", "Patients treated with insulin", "You may be able to join if you were treated with insulin."),
        ("exclusion", "Patients whose weight is less than 50kg or exceeds 100kg.",
         "You cannot join if your weight is less than 50 kg or is more than 100 kg."),
        ("exclusion", "Anything that would place him/her at risk", "place you at risk"),
        ("inclusion", "Type 1 diabetes for at least 6 months",
         "You may be able to join if you have type 1 diabetes for at least 6 months."),
        ("exclusion", "Resides in a nursing home", "You cannot join if you reside in a nursing home."),
    ],
)  # fmt: skip
def test_the_verb_agrees_with_you_and_the_subject_reads_as_the_trial_meant(kind, criterion, says):
    text = plain(criterion, kind)
    assert says in text, f"{says!r} not in {text!r}"


@pytest.mark.parametrize(
    ("criterion", "says"),
    [
        ("Hypoxemia defined by a ratio of PaO2:FiO2 <= 300 while breathing oxygen through NHF for at least 15 minutes",
         "You may be able to join if you have hypoxemia defined by a ratio of PaO2:FiO2 at most 300 while"),
        ("Severe obesity defined as BMI > 40 kg/m2 in adults",
         "You may be able to join if you have severe obesity meaning BMI more than 40 kg/m2 in adults."),
    ],
)  # fmt: skip
def test_a_definition_inside_a_criterion_stays_in_its_sentence(criterion, says):
    assert plain(criterion).startswith(says)


@pytest.mark.parametrize(
    "criterion",
    ["Signed informed consent form", "Provision of informed consent",
     "Provide signed and dated informed consent form", "Written consent"],
)  # fmt: skip
def test_consent_in_its_many_wordings_reads_the_same(criterion):
    assert plain(criterion) == "You may be able to join if you agree to take part and sign the consent form."


@pytest.mark.parametrize(
    ("criterion", "says"),
    [
        ("Ability to give informed consent.", "you are able to give your consent to take part."),
        ("Able to sign an informed consent form.", "you are able to sign the consent form."),
        ("Willing to provide written consent", "you are willing to sign the consent form."),
    ],
)
def test_consent_that_asks_for_ability_or_willingness_keeps_it(criterion, says):
    # In a memory study "ability to consent" decides who qualifies: never "you agree".
    assert plain(criterion) == "You may be able to join if " + says


def test_consent_for_someone_else_keeps_whom_it_is_for():
    text = plain("Provide consent for their child to take part")
    assert text == "You may be able to join if you agree to take part and sign the consent form for your child to take part."


@pytest.mark.parametrize(
    ("kind", "criterion", "says", "family"),
    [
        ("exclusion", "Known HIV infection", "You cannot join if you have HIV.", "infections: HIV, hepatitis, TB"),
        ("exclusion", "Active hepatitis B (HBsAg positive) or hepatitis C infection",
         "You cannot join if you have active hepatitis B (HBsAg positive) or hepatitis C infection.", "clause"),
        ("exclusion", "Mean resting corrected QT interval (QTcF) > 470 msec",
         "You cannot join if a heart tracing (ECG) shows your QT time is more than 470 ms.", "heart rhythm (QTc)"),
        ("inclusion", "Left ventricular ejection fraction (LVEF) ≥ 45%",
         "You may be able to join if a heart scan shows your heart pumps out at least 45% of its blood with each beat",
         "heart pumping (LVEF)"),
        ("exclusion", "Treatment with any investigational drug within 30 days prior to randomization",
         "You cannot join if you had any study medicine in the 30 days before the study puts you in a group.",
         "time since earlier treatment"),
        ("inclusion", "Stage IIIB-IV non-small cell lung cancer",
         "You may be able to join if you have stage 3B to 4 non-small cell lung cancer.", "stage"),
    ],
)  # fmt: skip
def test_infection_heart_washout_and_stage_families_on_real_criteria(kind, criterion, says, family):
    lines, _, families = rewrite_all([Criterion(kind=kind, original=criterion)])
    assert families == [family]
    assert lines[0].plain.startswith(says), lines[0].plain


def test_a_washout_list_gives_each_treatment_a_line_under_the_time_window():
    text = plain("Chemotherapy, radiotherapy or immunotherapy within 4 weeks before the first dose of study drug", "exclusion")
    lead, *items = text.split("\n")
    assert lead == "You cannot join if you had any of these in the 4 weeks before your first dose of the study treatment:"
    assert [i.split(".")[0] for i in items] == ["Chemotherapy", "Radiation treatment", "Immune treatment"]


def test_people_in_contact_with_an_infection_are_not_said_to_have_it():
    text = plain("Tuberculosis contacts", "exclusion")
    assert "you have tuberculosis" not in text.lower()


def test_the_stage_family_says_what_a_stage_number_means():
    assert "Words: stage: how far the illness has grown or spread." in said("Stage III or IV melanoma")


def test_a_measure_named_by_an_abbreviation_ending_in_s_takes_is():
    assert plain("PD-L1 TPS >=50%").startswith("You may be able to join if your PD-L1 TPS is at least 50%.")
