"""The glossary is data people review: its shape, senses, wording and a few facts are checked."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest

from sheets.plain.explain import abbreviations_in
from sheets.plain.glossary import Glossary, parse_glossary

CATEGORIES = ("lab", "performance", "staging", "imaging", "infection", "cardiac", "pregnancy",
              "research", "treatment", "condition", "body", "unit", "other")  # fmt: skip
SOURCES = {"NCI", "MedlinePlus", "CDC", "FDA", "NIH", "name"}  # "name": places, institutions, brands
KEYS = {"term", "expansion", "plain", "category", "context", "source"}
OPTIONAL_KEYS = {"not_in"}  # plain words: longer terms in which the word means something else
# Abbreviations with no default sense: explained only where the context names the meaning.
AMBIGUOUS = (
    "SCD UA PD PR CR SD PS RT OS MM MS PE RA CP MI PT ED ID MR PC AD ALS BPD GA MG CA SA SE TM MD "
    "CC CI KD LN PN RP ACT PCP CBD HCT CAM VA VF HRS EU MDS MEOF MPV PI SAP CEC CPM SLT BAV NG AP "
    "FA DE IC RU PKD "
    "AI AO BL BV FD FL HE HL IB IP KT MF NA NK NP OB OP PH PV RB RF SF SI ST WM GP GU ET DR CO AV AE AA HV LP OR "
    "RN VR VT UI CD HDSS AHCT"
).split()
ENGINE_BLOCK = "# added by rewrite engine"
TEXT = (files("sheets") / "data" / "glossary.toml").read_text("utf-8")
ENTRIES = tomllib.loads(TEXT)["entry"]
TERMS = {e["term"] for e in ENTRIES}
SPANISH = tomllib.loads((files("sheets") / "data" / "lang" / "es" / "glossary.toml").read_text("utf-8"))
ELIGIBILITY = sorted((Path(__file__).parent / "data" / "eligibility").glob("*.txt"))
ADVICE = re.compile(
    r"(?i)\b(?:you should|should not|you must|talk to your|ask your|call your|see a doctor"
    r"|do not take|avoid)\b"
)


@cache
def glossary() -> Glossary:
    """The glossary under test, parsed once (the file is 4,000 entries)."""
    return parse_glossary(TEXT)


def test_every_entry_has_the_schema_with_the_right_types():
    assert len(ENTRIES) >= 280
    for entry in ENTRIES:
        assert KEYS <= set(entry) <= KEYS | OPTIONAL_KEYS, entry
        assert all(isinstance(entry[k], str) for k in KEYS - {"context"}), entry
        for key in ("context", "not_in"):
            assert isinstance(entry.get(key, []), list), entry
            assert all(isinstance(p, str) for p in entry.get(key, [])), entry
        assert "not_in" not in entry or (entry["not_in"] and not entry["expansion"]), entry
        assert entry["category"] in CATEGORIES, entry
        assert entry["source"] in SOURCES, entry
        assert entry["term"] and entry["term"] == entry["term"].strip(), entry
        assert entry["expansion"] == entry["expansion"].strip(), entry


def test_the_spanish_glossary_keeps_the_same_entries_in_the_same_order():
    """`meanings_in` pairs the two files by position, so each entry must sit at the same place."""
    spanish = SPANISH["entry"]
    same = ("term", "category", "context", "source")
    assert [[e[k] for k in same] for e in spanish] == [[e[k] for k in same] for e in ENTRIES]
    for english, translated in zip(ENTRIES, spanish, strict=True):
        meaning = translated["plain"]
        assert meaning and meaning != english["plain"], english["term"]
        assert meaning[:1].islower() and not meaning.endswith("."), english["term"]
        assert bool(translated["expansion"]) == bool(english["expansion"]), english["term"]


def test_abbreviations_have_their_full_form():
    for entry in ENTRIES:
        if abbreviations_in(entry["term"]):
            assert entry["expansion"], entry["term"]


def test_context_patterns_compile_and_are_lower_case():
    for entry in ENTRIES:
        for pattern in entry["context"] + entry.get("not_in", []):
            re.compile(pattern)
            without_escapes = re.sub(r"\\[A-Za-z]", "", pattern)
            assert without_escapes == without_escapes.lower(), (entry["term"], pattern)


def test_each_term_has_at_most_one_default_sense_and_no_repeats():
    defaults = Counter(e["term"] for e in ENTRIES if not e["context"])
    assert [t for t, n in defaults.items() if n > 1] == []
    senses = Counter((e["term"], tuple(e["context"])) for e in ENTRIES)
    assert [s for s, n in senses.items() if n > 1] == []
    full_forms = Counter((e["term"], e["expansion"]) for e in ENTRIES if e["expansion"])  # a plain word may
    # have several senses ("ambulatory": able to walk; same-day care), each with its own context
    assert [s for s, n in full_forms.items() if n > 1] == []


def test_only_the_listed_ambiguous_abbreviations_lack_a_default_sense():
    """An ambiguous abbreviation never falls back to a guess; every other term keeps a default."""
    defaults = {e["term"] for e in ENTRIES if not e["context"]}
    for term in AMBIGUOUS:
        senses = [e for e in ENTRIES if e["term"] == term]
        assert senses and all(e["context"] for e in senses), term
    assert sorted(TERMS - defaults) == sorted(AMBIGUOUS)
    assert sorted(glossary().ambiguous()) == sorted(AMBIGUOUS)
    for term in AMBIGUOUS:
        assert glossary().lookup(term) is None, term
        no_hint = "Inclusion criteria: age 18 or older"
        assert glossary().lookup(term, "History of " + term, no_hint) is None, term


def test_entries_are_ordered_by_category_then_alphabetically():
    """An engine-added block may follow the reviewed entries; it is kept as written."""
    reviewed = tomllib.loads(TEXT.partition(ENGINE_BLOCK)[0])["entry"]
    keys = [(CATEGORIES.index(e["category"]), e["term"].lower()) for e in reviewed]
    assert keys == sorted(keys)


def test_meanings_are_short_plain_and_use_only_explained_abbreviations():
    for entry in ENTRIES:
        meaning, term = entry["plain"], entry["term"]
        assert 0 < len(meaning.split()) <= 25, term
        first = meaning.split()[0]
        names_itself = first in TERMS or first in entry["expansion"] or first[:1].isdigit()
        assert meaning[:1].islower() or names_itself, term
        assert not meaning.endswith("."), term
        assert meaning == meaning.strip() and "  " not in meaning, term
        for token in abbreviations_in(meaning):
            assert token in TERMS, (term, token)


def test_meanings_explain_and_do_not_advise():
    for entry in ENTRIES:
        assert not ADVICE.search(entry["plain"]), entry["term"]


def test_key_facts():
    meaning = {e["term"]: e["plain"] for e in ENTRIES if not e["context"]}
    assert "0 to 5" in meaning["ECOG"] and "daily" in meaning["ECOG"]
    assert "0 is fully active" in meaning["ECOG"]
    assert "0 to 100" in meaning["KPS"] and "100 is normal" in meaning["KPS"]
    assert "normal" in meaning["ULN"] and "lowest" in meaning["LLN"]
    assert "kidney" in meaning["eGFR"] and "kidney" in meaning["CrCl"]
    assert "clot" in meaning["INR"] and "clot" in meaning["aPTT"]
    assert "infection" in meaning["ANC"] and "clot" in meaning["PLT"]
    assert "liver" in meaning["ALT"] and "liver" in meaning["AST"]
    assert "AIDS" in meaning["HIV"] and "hepatitis B" in meaning["HBsAg"]
    assert "heart" in meaning["LVEF"] and "heart" in meaning["QTcF"]
    assert "heart failure" in meaning["NYHA"]
    assert "brain and spinal cord" in meaning["CNS"]
    assert "spread" in meaning["metastases"] and "spread" in meaning["TNM"]
    assert "dose" in meaning["MTD"]  # AE (adverse event) is explained only where the text says so
    assert meaning["ASA"] == "aspirin"


@pytest.mark.parametrize(
    ("term", "criterion", "expansion"),
    [
        ("ASA", "ASA physical status I-III", "American Society of Anesthesiologists"),
        ("ASA", "ASA > 3", "American Society of Anesthesiologists"),
        ("ASA", "Daily use of ASA 81 mg or clopidogrel within 5 days", "acetylsalicylic acid"),
        ("PD", "Progressive disease (PD) per RECIST 1.1 on prior therapy", "progressive disease"),
        ("PD", "Neurological disease other than PD", "Parkinson's disease"),
        ("PD", "On PD treatment with a dialysis catheter", "peritoneal dialysis"),
        ("PD", "Probing depth (PD) of at least 5 mm at one tooth", "probing depth"),
        ("PR", "Partial response (PR) or stable disease per RECIST 1.1", "partial response"),
        ("PR", "ER or PR positive breast cancer", "progesterone receptor"),
        ("PR", "PR interval > 200 ms on ECG", "PR interval"),
        ("CR", "Serum Cr ≤ 1.5 mg/dL", "creatinine"),
        ("CR", "Complete response (CR) after induction", "complete response"),
        ("MS", "History of MS or other demyelinating disease", "multiple sclerosis"),
        ("MS", "Drug level measured by LC-MS/MS assay", "mass spectrometry"),
        ("PT", "PT and INR ≤ 1.5 × ULN", "prothrombin time"),
        ("PT", "Completed 6 weeks of physical therapy (PT) sessions", "physical therapy"),
        ("PT", "PT/INR in range if on anticoagulant therapy", "prothrombin time"),
        ("ER", "ER-positive, HER2-negative breast cancer", "estrogen receptor"),
        ("ER", "ER visit for asthma; negative pregnancy test", "emergency room"),
        ("PE", "History of PE or DVT", "pulmonary embolism"),
        ("PE", "Abnormal findings on PE or vital signs", "physical examination"),
        ("HR", "HR < 50 beats per minute or PR > 200 ms", "heart rate"),
        ("HR", "HR-positive, HER2-negative breast cancer", "hormone receptor"),
        ("ICD", "Patients with an ICD or pacemaker", "implantable cardioverter-defibrillator"),
        ("ICD", "Diagnosis of stroke (ICD 10: I63)", "International Classification of Diseases"),
        ("AD", "Diagnosis of probable AD by NIA-AA criteria", "Alzheimer's disease"),
        ("AD", "At least 10% body surface area of AD involvement", "atopic dermatitis"),
        ("CD", "Moderate to severe CD as assessed by SES-CD", "Crohn's disease"),
        ("US", "Lives in the US and speaks English", "United States"),
        ("US", "Liver lesion seen on US", "ultrasound"),
        ("ED", "Female patients presenting to the ED", "emergency department"),
        ("ED", "Men with ED for at least 6 months", "erectile dysfunction"),
    ],
)  # fmt: skip
def test_ambiguous_abbreviations_take_the_sense_their_context_gives(term, criterion, expansion):
    entry = glossary().lookup(term, criterion)
    assert entry is not None and entry.expansion == expansion, (criterion, entry)


def test_the_glossary_explains_almost_every_abbreviation_in_the_sample_criteria():
    """The rewrite engine aims to leave at most 2% of abbreviation uses unexplained."""
    source = glossary()
    used = missed = 0
    for path in ELIGIBILITY:
        text = path.read_text("utf-8", errors="replace")
        for token in abbreviations_in(text):
            known = source.lookup(token, text) is not None
            if sum(ch.isdigit() for ch in token) >= 2 and not known:
                continue  # a product or model code
            used += 1
            missed += not known
    assert used > 50 and missed / used <= 0.02, (missed, used)
