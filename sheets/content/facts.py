"""The facts the question rules read from a ``Trial``: what is tested, against what, for whom.

Owns reading the model for questions: which treatments are new and which everyone gets, the
comparator, the conditions and stage, the line of treatment, child-only trials, cycle length,
check schedule and follow-up time, and where the sites are. Pure functions of the model; the
word lists they use are data in ``data/questions.toml`` (``[facts]``). It does not word any
question (``questions.py`` does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from functools import cache, lru_cache
from typing import Any

from sheets import i18n
from sheets.model import Arm, Trial
from sheets.plain.criteria import parse_criteria

MAX_NAMES = 3
DRUG_TYPES = {"DRUG", "BIOLOGICAL", "GENETIC", "COMBINATION_PRODUCT"}
CONTROL_ARMS = {"PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "ACTIVE_COMPARATOR"}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER = r"(\d+|one|two|three|four|five|six)"
_UP_TO_3_WORDS = r"(?:[\w-]+\s+){0,3}?"
_LINES = r"(?:lines?|regimens?)\b"
UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


@cache
def facts_data() -> dict[str, Any]:
    """The word lists the facts read (``[facts]`` in questions.toml), loaded once."""
    return i18n.packaged("questions")["facts"]


@cache
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.IGNORECASE
    )


def is_observational(trial: Trial) -> bool:
    return trial.study_type == "OBSERVATIONAL"


def study_word(trial: Trial) -> str:
    """ "study" for one that gives no treatment, else "trial"."""
    return "study" if is_observational(trial) else "trial"


def is_treatment(name: str, type_: str = "") -> bool:
    """False for placebos, shams, scans, questionnaires and other study procedures."""
    if type_.upper() == "DIAGNOSTIC_TEST":
        return False
    return not _word_pattern(tuple(facts_data()["not_treatments"])).search(name)


def _arm_interventions(trial: Trial, arm: Arm) -> list[tuple[str, str]]:
    """(name, type) of each intervention an arm names, with the type the record gives it."""
    types = {i.name.lower(): i.type for i in trial.interventions}
    found = []
    for label in arm.intervention_names:
        prefix, sep, name = label.partition(": ")
        if not sep:
            prefix, name = "", label
        type_ = types.get(name.lower()) or prefix.upper().replace(" ", "_")
        found.append((name.strip(), type_))
    # "Adagrasib in combination with pembrolizumab": a partner the arm's list leaves out
    named = {name.lower() for name, _ in found}
    for intervention in trial.interventions:
        if intervention.name.lower() in named or not intervention.name.strip():
            continue
        mention = re.search(rf"(?i)(?<![\w-]){re.escape(intervention.name.strip())}(?![\w-])", arm.description)
        if mention and not _EARLIER.search(arm.description[max(0, mention.start() - 40) : mention.start()]):
            found.append((intervention.name.strip(), intervention.type))
            named.add(intervention.name.lower())
    return found


# An arm the record marks as closed: "(CLOSED AS OF UPDATE #7)", "closed to accrual".
_CLOSED = re.compile(
    r"\(CLOSED\b|\bCLOSED (?:AS OF|TO|ON)\b|(?i:\b(?:arm|cohort|group) (?:is |was |has been )?closed\b|"
    r"\bclosed to (?:accrual|enrol\w*|new (?:patients|participants)|recruitment)\b)"
)
# Groups named as cohorts, parts or phases: chosen by the study's part or a test, not by chance.
_COHORT = re.compile(r"(?i)\b(?:cohort|part [0-9a-z]\b|phase [1-4]|stage [0-9a-z]\b)")


def closed_arms(trial: Trial) -> tuple[Arm, ...]:
    """The arms the record marks as closed to new people (never all of them: then the
    record's status says so)."""
    closed = tuple(a for a in trial.arms if _CLOSED.search(f"{a.label} {a.description}"))
    return closed if len(closed) < len(trial.arms) else ()


def open_arms(trial: Trial) -> Trial:
    """The trial as a person joining now sees it: the arms closed to new people set aside in
    ``closed_arms``, where they still tell what the open arms are compared with."""
    closed = closed_arms(trial)
    if not closed:
        return trial
    return replace(trial, arms=tuple(a for a in trial.arms if a not in closed), closed_arms=closed)


def by_cohort(trial: Trial) -> bool:
    """Groups named as cohorts or parts ("Phase 2 Cohort 1a"): a person's group follows the
    study's part or their test results, so "put into groups by chance" would be wrong."""
    return sum(bool(_COHORT.search(a.label)) for a in trial.arms) >= 2


# Words before a treatment's name that make it a past or withheld one, not one the arm gives.
_EARLIER = re.compile(r"(?i)\b(?:prior|previous(?:ly)?|progress\w*|after|without|no|not|instead of|"
                      r"refractory|resistant|failed|failure)\b[^.;]*$")


def _is_control(arm: Arm) -> bool:
    text = f"{arm.type} {arm.label}".lower()
    return arm.type in CONTROL_ARMS or "placebo" in text or "sham" in text


@lru_cache(maxsize=8)  # asked by several question rules and page 1 for the same trial
def tested_and_background(trial: Trial) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The treatments the trial tests, and those every tested arm shares with the control arms.

    Golcadomide + R-CHOP against placebo + R-CHOP tests golcadomide on a background of R-CHOP.
    Without arms that name interventions, every treatment the record lists is "tested". Only
    open arms are tested, but a closed arm is still a control: chemotherapy with pembrolizumab,
    against a closed chemotherapy-only arm, tests pembrolizumab on a background of chemotherapy.
    """
    arms = [a for a in trial.arms if a.intervention_names]
    tested_arms = [a for a in arms if a.type == "EXPERIMENTAL" and not _is_control(a)]
    tested_arms = tested_arms or [a for a in arms if not _is_control(a)]
    tested_arms = tested_arms or [a for a in arms if a.type == "ACTIVE_COMPARATOR"]
    control_arms = [a for a in (*arms, *trial.closed_arms) if a not in tested_arms and a.intervention_names]
    if not tested_arms:
        names = [i.name for i in trial.interventions if is_treatment(i.name, i.type)]
        return _unique(names), ()
    in_tested = _unique(
        n for a in tested_arms for n, t in _arm_interventions(trial, a) if is_treatment(n, t)
    )
    in_control = {n.lower() for a in control_arms for n, t in _arm_interventions(trial, a)}
    new = tuple(n for n in in_tested if n.lower() not in in_control)
    background = tuple(n for n in in_tested if n.lower() in in_control)
    return (new, background) if new else (in_tested, ())


_NOT_GIVEN = CONTROL_ARMS - {"ACTIVE_COMPARATOR"}  # arms that give no active treatment
_PLACEBO_OR_SHAM = re.compile(r"(?i)\b(?:placebo|sham|dummy)")


def every_arm_gets_tested(trial: Trial) -> bool:
    """Whether every open arm gives every tested treatment (the arms differ in timing, dose or
    schedule), so no one's chance of getting it is in question. Never with a placebo, sham or
    untreated arm, even one the record lists under the tested treatment's name."""
    tested = {n.lower() for n in tested_and_background(trial)[0]}
    if not tested or len(trial.arms) < 2 or not all(a.intervention_names for a in trial.arms):
        return False
    if any(a.type in _NOT_GIVEN or _PLACEBO_OR_SHAM.search(f"{a.label} {a.description}") for a in trial.arms):
        return False
    return all(tested <= {n.lower() for n, _ in _arm_interventions(trial, a)} for a in trial.arms)


def combined_in_one_arm(trial: Trial) -> tuple[str, ...]:
    """The treatments given together in the first tested arm that gives two or more."""
    for arm in trial.arms:
        if _is_control(arm):
            continue
        names = _unique(n for n, t in _arm_interventions(trial, arm) if is_treatment(n, t))
        if len(names) >= 2:
            return names
    return ()


def treatment_kind(trial: Trial) -> str:
    """drug, device, program, supplement, procedure or treatment: how to speak of what is tested."""
    tested = {n.lower() for n in tested_and_background(trial)[0]}
    types = [i.type for i in trial.interventions if i.name.lower() in tested] or [
        i.type for i in trial.interventions
    ]
    kinds = {
        "device": {"DEVICE", "DIAGNOSTIC_TEST"},
        "drug": DRUG_TYPES,
        "program": {"BEHAVIORAL"},
        "supplement": {"DIETARY_SUPPLEMENT"},
        "procedure": {"PROCEDURE", "RADIATION"},
    }
    for kind, members in kinds.items():
        if any(t in members for t in types):
            return kind
    return "treatment"


def has_placebo(trial: Trial) -> bool:
    return _mentions(trial, "placebo")


def has_sham(trial: Trial) -> bool:
    return _mentions(trial, "sham")


def _mentions(trial: Trial, word: str) -> bool:
    """Whether the record names a placebo or sham: in an intervention or an arm's name, or in
    the description of an arm of that type (a placebo arm listed under the tested supplement's
    name, described as "Placebo"); never from the arm's type alone (routine fasting in a
    "sham comparator" arm is no sham)."""
    texts = [i.name for i in trial.interventions] + [a.label for a in trial.arms]
    texts += [a.description for a in trial.arms if a.type == f"{word.upper()}_COMPARATOR"]
    return any(re.search(rf"\b{word}", t, re.IGNORECASE) for t in texts)


def active_comparators(trial: Trial) -> tuple[str, ...]:
    """Treatments only the comparison arms get (pembrolizumab alone, against adagrasib plus it)."""
    tested, background = tested_and_background(trial)
    shared = {n.lower() for n in (*tested, *background)}
    names = [
        n for a in trial.arms if a.type == "ACTIVE_COMPARATOR"
        for n, t in _arm_interventions(trial, a)
        if is_treatment(n, t) and n.lower() not in shared
    ]  # fmt: skip
    return _unique(names)


def conditions(trial: Trial) -> tuple[str, ...]:
    """The record's conditions that name an illness (not "Healthy", not "Stage IIIA ...")."""
    skip = {c.lower() for c in facts_data()["not_conditions"]}
    return _unique(
        plain_condition(c) for c in trial.conditions
        if c.lower() not in skip and not re.match(r"(?i)stage\s+[0IV]", c)
    )  # fmt: skip


def plain_condition(name: str) -> str:
    """A condition as a patient would say it: "Caries, Dental" -> "Dental Caries", and an
    "(e.g., depression, psychosis)" list in brackets dropped."""
    name = " ".join(re.sub(r"\s*\([^()]*,[^()]*\)", "", name).split())
    inverted = re.fullmatch(r"([^,()]+), ([^,()]+)", name)
    if inverted and len(inverted[2].split()) <= 3:
        return f"{inverted[2]} {inverted[1]}"
    return name


def stage_numbers(trial: Trial) -> str:
    """ "stage II, IIIA or IIIB" from conditions named "Stage II Lung Cancer AJCC v8" and kin."""
    stages = _unique(
        m[1] for c in trial.conditions if (m := re.match(r"(?i)stage\s+([0IV]+[ABC]?\d?)\b", c))
    )
    if not stages:
        return ""
    return i18n.text("words.stage", stages=join_names(stages, conjunction="or", limit=len(stages)))


def stage_word(trial: Trial) -> str:
    """ "metastatic", "extensive-stage", ... when the title or conditions name one."""
    text = " ".join((trial.brief_title, trial.official_title, *trial.conditions))
    found = re.search(
        r"(?<![\w-])(?<!non-)(?<!non )(metastatic|locally advanced|advanced|early[- ]stage|"
        r"extensive[- ]stage|limited[- ]stage)\b",
        text,
        re.IGNORECASE,
    )
    return found[1].lower() if found else ""


def inclusion_text(trial: Trial) -> str:
    """The inclusion criteria only: an exclusion ("untreated brain metastases") says nothing
    about who the trial is for."""
    criteria = parse_criteria(trial.eligibility.criteria_text)
    return " ".join(c.full_text for c in criteria if c.kind == "inclusion")


def prior_lines(trial: Trial) -> int | None:
    """The fewest earlier lines of treatment the inclusion criteria ask for, if they say."""
    text = inclusion_text(trial)
    found = re.findall(
        rf"(?i)(?:at least|≥|>=|a minimum of|minimum of)\s*{_NUMBER}\s+{_UP_TO_3_WORDS}{_LINES}"
        rf"|\b{_NUMBER}\s+or more\s+{_UP_TO_3_WORDS}{_LINES}",
        text,
    )
    counts = [number_from_word(a or b) for a, b in found]
    counts = [c for c in counts if c]
    return min(counts) if counts else None


def number_from_word(word: str) -> int:
    """ "2" or "two" -> 2."""
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word.lower(), 0)


def is_untreated(trial: Trial) -> bool:
    """The trial is for people not yet treated: "previously untreated", "newly diagnosed"."""
    text = " ".join((trial.brief_title, trial.official_title, *trial.conditions, *trial.keywords))
    text += " " + inclusion_text(trial)
    if re.search(r"(?i)previously untreated|treatment[- ]na[iï]ve|newly diagnosed|de novo", text):
        return True
    for match in re.finditer(r"(?i)first[- ]line", text):
        before = text[max(0, match.start() - 40) : match.start()].lower()
        if not re.search(
            r"after|following|progress|fail|prior|previous|received|refractory|resistant", before
        ):
            return True
    return False


def is_resistant(trial: Trial) -> bool:
    text = " ".join((trial.brief_title, trial.official_title, *trial.conditions, *trial.keywords))
    return bool(
        re.search(
            r"(?i)refractory|resistant|relapsed|recurrent|previously treated|pre-?treated|"
            r"progress(?:ed|ion|ing) (?:on|after|following)",
            text,
        )
    )


def healthy_volunteers_only(trial: Trial) -> bool:
    return bool(trial.eligibility.healthy_volunteers) and not conditions(trial)


def child_ages(trial: Trial) -> str:
    """ "5 to 8 years" when the trial only takes children (under 18), else ""."""
    top = _age_in_years(trial.eligibility.maximum_age)
    if top is None or top >= 18:
        return ""
    low = trial.eligibility.minimum_age.strip().lower()
    high = trial.eligibility.maximum_age.strip().lower()
    if low and low.split()[-1:] == high.split()[-1:]:
        return f"{low.split()[0]} to {high}"
    return f"{low} to {high}" if low else f"up to {high}"


def children_and_adults(trial: Trial) -> bool:
    """The trial takes children and adults alike (12 to 65 years): a parent may be the one
    asking, so the sheet says its "I" can be read as "my child"."""
    low = _age_in_years(trial.eligibility.minimum_age)
    high = _age_in_years(trial.eligibility.maximum_age)
    return low is not None and low < 18 and (high is None or high >= 18)


def _age_in_years(age: str) -> float | None:
    found = re.match(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day)", age, re.IGNORECASE)
    if not found:
        return None
    return float(found[1]) * UNIT_DAYS[found[2].lower()] / 365


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for name in names:
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return tuple(seen.values())


def join_names(names: Iterable[str], *, conjunction: str = "and", limit: int = MAX_NAMES) -> str:
    """ "A", "A and B", "A, B and C", "A, B, C and others" (past ``limit`` names); the
    conjunction ("and", "or") and "others" in the sheet's language."""
    unique = list(_unique(names))
    if not unique:
        return ""
    joiner = i18n.text(f"words.{conjunction}")
    if len(unique) > limit:
        return ", ".join(unique[:limit]) + f" {joiner} {i18n.text('words.others')}"
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + f" {joiner} " + unique[-1]
