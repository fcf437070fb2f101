"""The everyday-word swaps keep meaning and grammar: the table's shape, the garbles an editor
found, and the whole real corpus run through swap_words."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest

from sheets.plain.wording import swap_words

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "eligibility"


def _raw_swaps() -> dict[str, str]:
    return tomllib.loads((files("sheets") / "data" / "plain_words.toml").read_text("utf-8"))["swap"]


SWAPS = _raw_swaps()


def _whole(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])" + re.escape(phrase) + r"(?![\w-])", re.I)


# --- (1) the table itself ---------------------------------------------------------------------


def test_every_key_is_a_lowercase_phrase_and_every_value_is_non_empty():
    for key, value in SWAPS.items():
        assert key and key == key.strip() and key == key.lower() and "  " not in key, key
        assert value and value == value.strip() and "  " not in value, key


def test_keys_are_unique_once_lowercased():
    assert len({key.lower() for key in SWAPS}) == len(SWAPS)


def test_no_value_brings_its_own_article():
    # "severe coagulopathy" -> "severe a bleeding problem": the article stays with the text
    for key, value in SWAPS.items():
        assert not re.match(r"(?i)an? ", value) or re.match(r"(?i)an? ", key), key


def test_no_value_holds_its_own_key_unless_it_protects_it():
    for key, value in SWAPS.items():
        if key != value.lower():
            assert not _whole(key).search(value), f"{key!r} -> {value!r} would swap again"


@pytest.mark.parametrize(("key", "value"), sorted(SWAPS.items()))
def test_every_value_is_left_alone_by_the_swaps_so_swapping_twice_changes_nothing(key, value):
    assert swap_words(value) == value


def test_protecting_entries_are_whole_names_not_single_words():
    """ "multiple sclerosis" = "multiple sclerosis" guards a name; "biopsy" = "biopsy" does nothing."""
    for key, value in SWAPS.items():
        if key == value.lower():
            assert len(re.split(r"[\s-]+", key)) >= 2, key


# --- (2) what the medical editor found --------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "swapped"),
    [
        # "according to" is not "using", "suitable" is not "right"
        ("The tumor is suitable for resection (according to neurosurgeon)",
         "The tumor is suitable for removal (according to neurosurgeon)"),
        ("Written informed consent prior to participation", "Written consent before taking part"),
        ("Participation in other pain trials throughout the study period and one month prior to participation",
         "Participation in other pain trials throughout the study period and one month before taking part"),
        # "concurrent" is an adjective; "at the same time" is not
        ("Patient must not be participating or intending to participate in a concurrent interventional therapeutic trial.",
         "Patient must not be participating or intending to take part in a concurrent interventional therapeutic trial."),
        # names keep every word
        ("Has infection with hepatitis B, hepatitis C or human immunodeficiency virus (HIV)",
         "Has infection with hepatitis B, hepatitis C or human immunodeficiency virus (HIV)"),
        ("Negative for hepatitis B, C and human immunodeficiency viruses (HIV).",
         "Negative for hepatitis B, C and human immunodeficiency viruses (HIV)."),
        ("History of multiple endocrine neoplasia type 1", "History of multiple endocrine neoplasia type 1"),
        ("Neurological disorder (epilepsy, multiple sclerosis, traumatic brain injury, clinical stroke).",
         "Nerve or brain disorder (epilepsy, multiple sclerosis, traumatic brain injury, clinical stroke)."),
        ("Primary refractory multiple myeloma", "Primary refractory multiple myeloma"),
        ("the participant is diagnosed as cerebral palsy by a specialist",
         "the participant is diagnosed as cerebral palsy by a specialist"),
        ("susceptible to malignant hyperthermia", "susceptible to malignant hyperthermia"),
        ("rituximab, anti-tumor necrosis factor drugs (infliximab, etanercept, adalimumab)",
         "rituximab, anti-tumor necrosis factor drugs (infliximab, etanercept, adalimumab)"),
        ("person subject to legal protection (curatorship, guardianship)",
         "person subject to legal protection (curatorship, guardianship)"),
        ("Pregnancy-Lactation", "Pregnancy-Lactation"),
        ("Pregnancy, lactation, changes in birth control", "Pregnancy, breastfeeding, changes in birth control"),
        # "multiple pregnancy" is twins or more, not many pregnancies
        ("Multiple pregnancy", "Multiple pregnancy"),
        ("Multiple pregnancies.", "Multiple pregnancies."),
        # "adequate" -> "good enough" stands before a noun
        ("Adequate organ function.", "Good enough organ function."),
        ("Agree to use routine adequate and effective contraceptive measures",
         "Agree to use routine good enough and effective birth control measures"),
        # an adjective stays an adjective, a noun a noun, with no article of its own
        ("severe coagulopathy,", "severe bleeding disorder,"),
        ("severe thrombocytopenia (platelet count < 30)", "severe low platelet count (platelet count < 30)"),
        ("Life-threatening arrhythmia within prior 6 months,", "Life-threatening irregular heartbeat within prior 6 months,"),
        ("Female of childbearing potential, who possibly plans to become pregnant",
         "Female who could become pregnant, who possibly plans to become pregnant"),
        ("Congenital heart defect, other than PDA", "Heart defect present from birth, other than PDA"),
        ("Patients requiring postoperative mechanical ventilation",
         "Patients needing post-surgery support from a breathing machine"),
        ("Patients with coagulopathy with an elevated INR", "Patients with bleeding disorder with a raised INR"),
        # one sense only: these words are left as they are
        ("referred from orthopedic outpatient clinic", "referred from orthopedic outpatient clinic"),
        ("Not implemented a PICU mobility protocol", "Not implemented a PICU mobility protocol"),
        ("Bilateral painless bulbar conjunctival injection", "Two-sided painless bulbar conjunctival injection"),
        ("Understand and speak Danish written and orally", "Understand and speak Danish written and orally"),
        ("history of glaucoma or ocular hypertension;", "history of glaucoma or high pressure in the eye;"),
        ("Subject has received anti-myeloma treatment (radiotherapy is excluded)",
         "Subject has received anti-myeloma treatment (radiation treatment is excluded)"),
        ("Pregnant women are excluded from this study because", "Pregnant women cannot join this study because"),
        ("women with a prior adverse outcome will not be excluded.", "women with a prior adverse outcome will not be excluded."),
        ("Subjects are required to be on stable concomitant medications",
         "Subjects are required to be on stable concomitant medicines"),
        ("Subject has previously received allogenic stem cell transplant",
         "Subject has previously received allogenic stem cell transplant"),
        ("For whom a blood sample was prescribed as part of their routine care",
         "For whom a blood sample was prescribed as part of their routine care"),
        ("for at least 12 weeks prior to randomization", "for at least 12 weeks before being put in a study group"),
        ("prior randomization to either STAR or usual care", "prior randomization to either STAR or usual care"),
        ("Triglycerides > 400 at baseline visit", "Triglycerides > 400 at the first study visit"),
        ("Scheduled elective surgery", "Planned non-emergency surgery"),
        ("Previous participants in healthy aging initiative.", "People who took part before in healthy aging initiative."),
        ("patients contraindicated in spinal anesthesia", "patients contraindicated in spinal anesthesia"),
        # "malignant" is not always cancer; an infarct, an arrhythmia or a fever can be malignant too
        ("malignant cerebral infarct or indication for treatment at intensive care unit",
         "malignant brain infarct or medical reason for treatment at intensive care unit"),
        ("Patients with concurrent or previous malignant tumors within 5 years",
         "Patients with concurrent or past cancerous tumors within 5 years"),
        ("concurrent treatments that may require increased patient care",
         "concurrent treatments that may need increased patient care"),
        ("Infants born out of the hospital and secondarily hospitalized in the hospital Femme-Mère-Enfant",
         "Babies born out of the hospital and secondarily admitted to the hospital Femme-Mère-Enfant"),
        ("irritable bowel syndrome, gastroparesis, sphincter of Oddi dysfunction, etc.)",
         "irritable bowel syndrome, gastroparesis, sphincter of Oddi dysfunction, etc.)"),
        ("upper respiratory tract infection within 2 weeks", "upper airway infection within 2 weeks"),
        ("Technical inability to proceed with the blocks", "Technical inability to proceed with the blocks"),
        ("a technically inadequate CDUS", "a technically inadequate CDUS"),
        ("Immunocompromised women", "Immunocompromised women"),
    ],
)
def test_the_editors_garbles_now_read_correctly(written, swapped):
    assert swap_words(written) == swapped


# --- (3) the real corpus ----------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-•*]|\d+[.)])?\s*")
# "the the", "clinic clinic", "treatment treatments", "in the hospital in the hospital": said twice
_DOUBLED = re.compile(r"(?i)\b([a-z]+(?:\s+[a-z]+){0,3})\s+\1(?:e?s)?\b")
_TWO_DETERMINERS = re.compile(r"(?i)\b(?:a|an|the)\s+(?:a|an|the)\b")
# "a" before a vowel sound, "an" before a consonant sound (letters only: "an MRI" is fine)
_A_BEFORE_VOWEL = re.compile(r"\b[Aa]\s+(?!(?:one|once|uni|use|usu|uti|ur|eu)\w*)[aeiouAEIOU][a-z]")
_AN_BEFORE_CONSONANT = re.compile(r"\b[Aa]n\s+(?!(?:hour|honest|heir|hon)\w*)[b-df-hj-np-tv-z][a-z]")
# two or more capitalised words in a row: a name ("Paris Classification", "Mental Disorders")
_NAME = re.compile(r"(?<![\w-])(?:[A-Z][\w'’-]*\s+)+[A-Z][\w'’-]*")
_SENTENCE_START = re.compile(r"(?:^|[.:;!?(])\s*$")


@cache
def _corpus_lines() -> tuple[str, ...]:
    lines = []
    for path in sorted(CORPUS.glob("*.txt")):
        for line in path.read_text("utf-8").splitlines():
            line = _BULLET.sub("", line).strip()
            if line:
                lines.append(line)
    return tuple(lines)


needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared eligibility corpus is not here")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len(pattern.findall(text))


@needs_corpus
def test_the_corpus_has_criteria_to_check():
    assert len(_corpus_lines()) > 5000


@needs_corpus
def test_swaps_never_double_a_word_or_an_article_in_the_corpus():
    bad = []
    for line in _corpus_lines():
        swapped = swap_words(line)
        for pattern in (_DOUBLED, _TWO_DETERMINERS):
            if _count(pattern, swapped) > _count(pattern, line):
                bad.append((line, swapped))
    assert not bad, bad[:10]


@needs_corpus
def test_swaps_never_break_a_or_an_in_the_corpus():
    def errors(text: str) -> int:
        return _count(_A_BEFORE_VOWEL, text) + _count(_AN_BEFORE_CONSONANT, text)

    bad = [(line, swap_words(line)) for line in _corpus_lines() if errors(swap_words(line)) > errors(line)]
    assert not bad, bad[:10]


@needs_corpus
def test_swaps_never_change_a_capitalised_name_in_the_corpus():
    bad = []
    for line in _corpus_lines():
        swapped = swap_words(line)
        for name in _NAME.finditer(line):
            if _SENTENCE_START.search(line[: name.start()]):
                continue  # "Prior Chemotherapy within ...": a capital that starts a sentence is no name
            if name.group(0) not in swapped:
                bad.append((name.group(0), line, swapped))
    assert not bad, bad[:10]


@needs_corpus
def test_every_swap_that_the_corpus_uses_keeps_its_numbers_and_brackets():
    for line in _corpus_lines():
        swapped = swap_words(line)
        assert re.findall(r"\d+", swapped) == re.findall(r"\d+", line), line
        assert swapped.count("(") - swapped.count(")") == line.count("(") - line.count(")"), line


# names that open a criterion: the capital at the start does not protect them
@pytest.mark.parametrize(
    "name",
    ["Patient Health Questionnaire (PHQ9) for depression score", "Multiple Sclerosis (MS)", "Multiple myeloma",
     "Human immunodeficiency virus infection", "Cerebral palsy", "Malignant hyperthermia"],
)
def test_a_name_that_starts_a_criterion_keeps_its_words(name):
    assert swap_words(name).lower() == name.lower()


def test_a_capital_letter_that_names_something_is_not_taken_for_an_article():
    assert swap_words("Botulinum toxin A injections six months before") == "Botulinum toxin A injections six months before"
