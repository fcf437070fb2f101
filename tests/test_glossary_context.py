"""Meanings by context: a term is explained only when the meaning fits this trial.

The trial's own definition comes first, then a context rule that truly matches; otherwise the
term stays unexplained (minor) rather than guessed (critical). The three texts are real
eligibility criteria that were once glossed wrongly.
"""

from __future__ import annotations

import pytest

from sheets.plain.glossary import glossary, parse_glossary

# A memory study: "SCD" is subjective cognitive decline, not sickle cell disease.
MEMORY_STUDY = """\
Inclusion Criteria:
  -  Inclusion criteria for study participants include: (1) age ≥ 60 years; (2) English fluency; (3) living independently in the community; (4) self-reported demographic information that includes either the label of SCD or MCI
Exclusion Criteria:
  -  (1) history of prior participation in any MBSR or other mindfulness-based interventions, or participation in regular (weekly) mindfulness or yoga practice; (2) low mood as indicated by a 5 or greater on the Geriatric Depression Scale (GDS) (3) alcoholism and/or other substance abuse defined in the Diagnostic and Statistical Manual of Mental Disorders, Fifth Edition (DSM-V) (American Psychiatric Association, 2013; Kiefer, Israel, & Martino, 2016); (4) Montreal Cognitive Assessment (MoCA) of 23 (+/- 4) (Clarnette, O'Caoimh, Antony, Svendrovski, & Molloy, 2017; O'Caoimh, Timmons, & Molloy, 2016) or under; and (5) if participating in other concurrent group(s) e.g. cognitive behavioural therapy (CBT) or memory training programs in the community, while in the study.
"""

# Cataract surgery: "zonular dialysis" is a tear of the fibres holding the eye's lens.
CATARACT_STUDY = """\
Inclusion Criteria:
  -  Adults age 55-90 years with visual significant cataracts in one or both eyes.
  -  Healthy individuals able to tolerate outpatient cataract surgery under local anesthesia via either phacoemulsification and/or femtosecond assisted cataract surgery. Well-controlled diabetes, hypertension will be included.
  -  Females of childbearing potential must agree to use a reliable method of birth control while participating in this study. Reliable methods of birth control are: abstinence, oral contraceptives, intrauterine device (IUD), DepoProvera, tubal ligation or vasectomy of the partner (with confirmed negative sperm counts) in monogamous relationship (same partner). An acceptable, although less reliable, method involves the careful use of condoms and spermicidal foam or gel and/or cervical cap or sponge. A pregnancy test is required at least 10 days from the last normal menstrual period, if the patient is a sexually active female of childbearing potential.
Exclusion Criteria:
  -  Allergy to Phenylephrine or NSAIDs.
  -  Inability to sit steady and upright for the Optical Coherence Tomography (OCT).
  -  Complications during surgery, including posterior capsular rupture, vitreous loss, zonular dialysis, or iris trauma.
  -  Macular thickness above 300 microns at baseline
  -  Currently taking a prostaglandin analogue
  -  Presence of an epiretinal membrane on the preoperative OCT.
  -  Retained lens fragment post-operatively.
  -  Inability to return for follow appointments
  -  Female patients who are pregnant, lactating or planning to become pregnant during the course of treatment.
"""

# Kidney disease and gout: "UA >= 5.5 mg/dL" is uric acid, not a urine test.
URIC_ACID_STUDY = """\
Inclusion Criteria:
  -  Chronic Kidney Disease stage 1-5
  -  Hyperuricemic (UA >= 5.5 mg/dL)
Exclusion Criteria:
  -  Contraindication to Allopurinol
  -  Elevated baseline liver function tests
  -  Receiving acute or chronic dialysis
  -  Primary metabolic disorder
  -  Sickle cell disease
  -  Autosomal Dominant Polycystic Kidney Disease
  -  Cystinosis
  -  Bartter or Gitelman Disease
  -  Pregnant or nursing
"""


def _criterion(text: str, words: str) -> str:
    return next(line for line in text.splitlines() if words in line)


def test_scd_in_a_memory_study_is_subjective_cognitive_decline():
    criterion = _criterion(MEMORY_STUDY, "label of SCD")
    entry = glossary().lookup("SCD", criterion, MEMORY_STUDY)
    assert entry is not None and entry.expansion == "subjective cognitive decline"
    assert "sickle" not in entry.plain


def test_scd_is_sickle_cell_disease_only_near_sickle_cell_words():
    entry = glossary().lookup("SCD", "Patients with SCD (HbSS or HbSβ0) and 2 or more pain crises")
    assert entry is not None and entry.expansion == "sickle cell disease"
    assert glossary().lookup("SCD", "History of SCD", "Age 18 to 65; able to consent") is None


def test_ua_with_a_level_in_mg_dl_is_uric_acid():
    criterion = _criterion(URIC_ACID_STUDY, "UA >=")
    entry = glossary().lookup("UA", criterion, URIC_ACID_STUDY)
    assert entry is not None and entry.expansion == "uric acid"
    assert "urine" not in entry.plain


def test_ua_is_a_urine_test_only_near_urine_words():
    entry = glossary().lookup("UA", "Abnormal UA with protein or blood on urine dipstick")
    assert entry is not None and entry.expansion == "urinalysis"
    assert glossary().lookup("UA", "UA required at screening", "Adults aged 18 to 60") is None


def test_zonular_dialysis_gets_no_kidney_meaning():
    criterion = _criterion(CATARACT_STUDY, "zonular dialysis")
    assert glossary().lookup("dialysis", criterion, CATARACT_STUDY) is None
    assert glossary().lookup("dialysis", "Retinal dialysis or detachment in the study eye") is None


@pytest.mark.parametrize(
    ("word", "criterion"),
    [
        ("dialysis", "Receiving acute or chronic dialysis"),
        ("dialysis", "The patient is on dialysis."),
        ("hemodialysis", "Patients on hemodialysis three times a week"),
        ("dialysis", "Zonular dialysis during an earlier surgery, or kidney failure needing dialysis"),
    ],
)  # fmt: skip
def test_kidney_dialysis_is_still_explained(word, criterion):
    entry = glossary().lookup(word, criterion, URIC_ACID_STUDY)
    assert entry is not None and "kidneys" in entry.plain


@pytest.mark.parametrize(
    ("word", "criterion", "explained"),
    [
        ("hypertension", "History of glaucoma or ocular hypertension", False),
        ("hypertension", "Known portal hypertension with ascites", False),
        ("hypertension", "Uncontrolled hypertension (BP > 160/100 mmHg)", True),
        ("malignant", "Known or genetically susceptible to malignant hyperthermia", False),
        ("malignant", "Any other malignant disease in the past 5 years", True),
        ("in situ", "Pacemaker or implantable cardioverter defibrillator in situ", False),
        ("in situ", "Except adequately treated carcinoma in situ of the cervix", True),
        ("fibrosis", "Cystic fibrosis", False),
        ("steroids", "Anabolic androgenic steroids users", False),
        ("steroids", "Patients on long-term steroids", True),
        ("hernia", "Non-emergency unilateral open inguinal hernia repair", True),
        ("hernia", "Rheumatic diseases, cervical hernia, cervical whiplash syndrome", False),
        ("steroid", "Continuous steroid therapy", True),
        ("steroid", "Steroid abuse", False),
        ("plasma", "Fasting plasma glucose of 70 to 110 mg/dL", True),
        ("plasma", "More than 10% plasma cells in the bone marrow", False),
        ("necrosis", "Osteoarthritis or aseptic bone necrosis", True),
        ("necrosis", "Prior anti-tumor necrosis factor therapy", False),
        ("ventricular", "Atrial or ventricular extrasystoles", True),
        ("ventricular", "Planned change in the external ventricular drain set point", False),
        ("lupus", "Systemic lupus erythematosus as defined by ACR criteria", True),
        ("lupus", "Positive lupus anticoagulant", False),
        ("femoral", "Distal femoral osteotomy", True),
        ("femoral", "Access by the femoral artery", False),
        ("dyskinesia", "Sleep-related dyskinesia", True),
        ("dyskinesia", "Primary ciliary dyskinesia", False),
    ],
)  # fmt: skip
def test_a_word_inside_a_longer_term_meaning_something_else_is_not_explained(
    word, criterion, explained
):
    assert (glossary().lookup(word, criterion) is not None) is explained


def test_common_unambiguous_terms_are_still_explained_without_context():
    common = [("ECOG", "0 to 5"), ("HIV", "AIDS"), ("MRI", "magnet"), ("ANC", "infection")]
    for term, words in common:
        entry = glossary().lookup(term)
        assert entry is not None and words in entry.plain, term
        entry = glossary().lookup(term, f"{term} as required", MEMORY_STUDY)
        assert entry is not None and words in entry.plain, term


@pytest.mark.parametrize(
    ("term", "criterion", "expansion"),
    [
        ("PD", "a previous history of neurological illness including AD and PD", "Parkinson's disease"),
        ("PC", "Locally advanced or metastatic PC after pancreatic adenocarcinoma", "pancreatic cancer"),
        ("PC", "Metastatic PC with rising PSA", "prostate cancer"),
        ("OS", "Smartphone must use a supported Android OS or iOS", "operating system"),
        ("OS", "Median OS of at least 3 months with the cancer", "overall survival"),
        ("CA", "Friends Community Center, Los Angeles, CA, USA", "California"),
        ("LN", "Presence of pelvic LN metastasis", "lymph node"),
        ("TM", "A TM perforation after a ventilation tube came out", "tympanic membrane"),
        ("MD", "MD <= 10 dB on the visual field test", "mean deviation"),
        ("MDS", "Cognitive impairment (MDS C0500) (nursing home residents only)", "Minimum Data Set"),
        ("HCT", "Myeloablative conditioning regimen for HCT", "hematopoietic cell transplant"),
        ("HCT", "HCT < 30% or hemoglobin < 10 g/dL", "hematocrit"),
        ("PI", "Not found to be clinically significant by the PI", "principal investigator"),
        ("PI", "Taking an HIV PI such as darunavir", "protease inhibitor"),
        ("MR", "Symptoms (NYHA class 2 or more) related to MR", "mitral regurgitation"),
        ("MR", "Contraindication to MR scanning", "magnetic resonance"),
    ],
)  # fmt: skip
def test_a_context_rule_that_truly_matches_picks_the_sense(term, criterion, expansion):
    entry = glossary().lookup(term, criterion)
    assert entry is not None and entry.expansion == expansion, (criterion, entry)


def test_the_trials_own_definition_comes_before_any_context_rule():
    text = "  -  Cleft palate (CP) cohort: prior palatoplasty\n  -  Non-syndromic CP"
    entry = glossary().lookup("CP", "Non-syndromic CP", text)
    assert entry is not None and entry.expansion == "cleft palate"
    text = "  -  Present locations with probing depth (PS) > 6 mm\n  -  ECOG performance status 0-1"
    # the trial's own words show instead of our "performance status"
    assert glossary().lookup("PS", "probing depth (PS) > 6 mm", text) is None
    criterion = "Healthy participants age-matched to the PD group"
    text = f"  -  Parkinson's Disease (PD) group\n  -  {criterion}"
    entry = glossary().lookup("PD", criterion, text)
    assert entry is not None and entry.expansion == "Parkinson's disease"


def test_a_term_whose_every_sense_needs_a_context_gives_none_when_none_matches():
    source = parse_glossary(
        """
[[entry]]
term = "XY"
expansion = "x-ray yield"
plain = "how much an x-ray shows"
category = "imaging"
context = ["x-ray"]
source = "NIH"

[[entry]]
term = "XY"
expansion = "xylose yeast"
plain = "a yeast that eats a sugar"
category = "lab"
context = ["yeast"]
source = "NIH"
"""
    )
    assert source.lookup("XY", "XY on the chest x-ray").expansion == "x-ray yield"
    assert source.lookup("XY", "XY grown in culture", "a yeast study").expansion == "xylose yeast"
    assert source.lookup("XY", "XY above 3", "no other hint") is None
    assert source.ambiguous() == ["XY"]


@pytest.mark.parametrize(
    ("term", "criterion"),
    [("AI", "Use of an AI chatbot app"), ("HE", "HE staining of the biopsy"), ("SI", "Results in SI units")],
)
def test_a_two_letter_abbreviation_is_not_guessed_where_nothing_names_its_meaning(term, criterion):
    assert glossary().lookup(term, criterion) is None


def test_a_bracket_that_gives_an_alternative_or_an_example_does_not_explain_the_term_before_it():
    from sheets.plain.criteria import parse_criteria
    from sheets.plain.engine import plain_criteria

    text = ("Inclusion Criteria:\n"
            "- Treatment-naive or pegIFN (or IFN) experienced with confirmed CHC\n"
            "- ANC (absolute neutrophil count) of at least 1500\n"
            "Exclusion Criteria:\n"
            "- Contraindication to US SWE (e.g. unable to hold still)\n")  # fmt: skip
    lines = plain_criteria(parse_criteria(text))
    terms = [[term for term, _ in line.words] for line in lines]
    assert terms[0][:2] == ["pegIFN", "IFN"]  # NCT03868163: "(or IFN)" is another drug, no meaning
    assert "ANC" not in terms[1]  # its bracket says what it is
    assert "SWE" in terms[2]  # NCT03865589: "(e.g. ...)" is an example, no meaning
