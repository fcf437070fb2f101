"""Page 1 in plain sentences: what the trial tests and for whom, and what taking part involves.

Built only from the record's coded fields (type, phase, arms and their kinds, interventions,
masking, ages, size) and the names it gives, never by rewording its free text, so each
sentence is as right as the record. The study team's own summary and group descriptions stay
on the sheet, in their words, for everything these sentences leave out. Owns no wording: the
sentences are data (``[overview]`` in the language's strings) filled here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets import i18n
from sheets.content import facts, schedule
from sheets.content import labels as wording
from sheets.content.facts import join_names
from sheets.model import Arm, Trial

MAX_GROUPS = 6  # more groups than this are counted, not listed
# Things a person may have done to them, as a record names them; each with the plain words
# the sheet uses. Searched in the arms, interventions and outcomes, whole words only.
PROCEDURES = (
    ("biopsy", r"biops(?:y|ies)"),
    ("scans", r"(?:MRI|CT|PET|PET-CT|SPECT)(?:\s+scans?)?|scans?\b|imaging|ultrasound|x-rays?"),
    ("blood_tests", r"blood (?:samples?|tests?|draws?|collection)|blood will be (?:drawn|collected)"),
    ("infusions", r"infusions?|intravenous(?:ly)?|i\.v\.|\bIV\b"),
    ("injections", r"injections?|injected|subcutaneous(?:ly)?|intramuscular(?:ly)?"),
    ("surgery", r"surgery|surgical|operation|resection"),
    ("radiation", r"radiation|radiotherapy|irradiation"),
    ("questionnaires", r"questionnaires?|surveys?|interviews?|diar(?:y|ies)"),
    ("hospital_stays", r"overnight|hospitali[sz](?:ed|ation)|inpatient stay|admitted"),
    ("photographs", r"photographs?|photos?\b"),
    ("devices", r"wearable|device|implant(?:ed)?|monitor(?:ing)? device"),
)
# A "condition" that names an operation or procedure, not an illness: the trial is for people having it.
PROCEDURE_NAME = re.compile(
    r"(?i)\b(?:surgery|surgeries|operation|an(?:a)?esthesia|transplant(?:ation)?|resection|arthroplasty|"
    r"\w+ectomy|\w+plasty|\w+otomy|\w+oscopy|intubation|catheteri[sz]ation)\b"
)
_PROCEDURES = tuple((key, re.compile(rf"(?i)(?<![\w-])(?:{pattern})(?![\w-])")) for key, pattern in PROCEDURES)


@dataclass(frozen=True)
class Group:
    """One arm as page 1 lists it: its name, what kind it is, and what it gets."""

    name: str
    gets: str  # the treatments it names, joined; or "no study treatment", "placebo"


@dataclass(frozen=True)
class Overview:
    about: tuple[str, ...] = ()  # 3 to 5 sentences: what it tests, for whom, against what, how big
    groups: tuple[Group, ...] = ()
    taking_part: tuple[str, ...] = ()  # how groups are chosen, masking, cycles, how long, procedures


def overview_of(trial: Trial) -> Overview:
    """``trial`` with only its open arms (`facts.open_arms`); the arms the record closed,
    set aside in its ``closed_arms``, are named."""
    taking_part = _taking_part(trial)
    if trial.closed_arms:
        names = join_names([a.label for a in trial.closed_arms], limit=len(trial.closed_arms))
        taking_part = (*taking_part[:1], _t("closed_groups", names=names), *taking_part[1:])
    return Overview(_about(trial), _groups(trial), taking_part)


def _t(key: str, **values: object) -> str:
    return i18n.text(f"overview.{key}", **values)


def _about(trial: Trial) -> tuple[str, ...]:
    conditions = join_names(facts.conditions(trial))
    tested, background = facts.tested_and_background(trial)
    sentences = []
    if trial.study_type == "EXPANDED_ACCESS":
        names = join_names(i.name for i in trial.interventions if facts.is_treatment(i.name, i.type))
        sentences.append(_t("access", names=names) if names else _t("access_general"))
    elif facts.is_observational(trial):
        sentences.append(_t("observes", conditions=conditions) if conditions else _t("observes_general"))
    elif tested:
        what = join_names(tested)
        if background:
            what = _t("with_background", tested=what, background=join_names(background))
        if conditions and PROCEDURE_NAME.search(conditions):  # "Gastrointestinal Surgery" is no illness
            sentences.append(_t("tests_around", what=what, procedure=conditions))
        else:
            sentences.append(_t("tests_for", what=what, conditions=conditions) if conditions else _t("tests", what=what))
    elif conditions:
        sentences.append(_t("tests_approach_for", conditions=conditions))
    comparison = _comparison(trial)
    if comparison:
        sentences.append(comparison)
    who = _who(trial)
    if who:
        sentences.append(who)
    if trial.enrollment:
        people = wording.count_phrase(trial.enrollment, "person")
        sentences.append(_t("size_planned" if trial.enrollment_is_estimate else "size", people=people))
    return tuple(sentences)


def _comparison(trial: Trial) -> str:
    """What the tested treatment is compared with: named from the comparison arms' own
    interventions, and called a placebo or a sham only when the record's names say so (an
    attention-control video typed as a placebo arm is named as what it is)."""
    tested, background = facts.tested_and_background(trial)
    shared = {n.lower() for n in (*tested, *background)}
    for arm in trial.arms:
        if arm.type not in facts.CONTROL_ARMS:
            continue
        names = [n for n, _ in facts._arm_interventions(trial, arm) if n.lower() not in shared]
        named = [n for n, t in facts._arm_interventions(trial, arm) if n in names and facts.is_treatment(n, t)]
        if any(re.search(r"(?i)\bplacebo", n) for n in names) or (not names and arm.type == "PLACEBO_COMPARATOR"):
            # with a background everyone gets, say what the placebo stands in for
            return _t("against_placebo_of", tested=join_names(tested)) if background else _t("against_placebo")
        if any(re.search(r"(?i)\bsham", n) for n in names) or (not names and arm.type == "SHAM_COMPARATOR"):
            return _t("against_sham")
        if named:
            return _t("against_active", names=join_names(named))
        if arm.type == "NO_INTERVENTION":
            return _t("against_nothing")
    return _t("against_groups") if len(_groups(trial)) >= 2 and any(a.type in facts.CONTROL_ARMS for a in trial.arms) else ""


def _who(trial: Trial) -> str:
    eligibility = trial.eligibility
    ages = wording.age_range(eligibility.minimum_age, eligibility.maximum_age)
    sex = {"FEMALE": _t("women"), "MALE": _t("men")}.get(eligibility.sex, _t("people"))
    if facts.child_ages(trial):
        sex = {"FEMALE": _t("girls"), "MALE": _t("boys")}.get(eligibility.sex, _t("children"))
    # Not "for healthy people": the record's flag says the trial takes healthy volunteers,
    # not that it takes no one else (a trial for people with prediabetes sets it too). The
    # facts table gives the flag, and a question asks about it.
    if ages:
        return _t("for_ages", people=sex, ages=ages)
    return _t("for_people", people=sex) if sex != _t("people") else ""


def _groups(trial: Trial) -> tuple[Group, ...]:
    if len(trial.arms) < 2 or len(trial.arms) > MAX_GROUPS:
        return ()
    return tuple(_group(trial, arm) for arm in trial.arms)


def _group(trial: Trial, arm: Arm) -> Group:
    """An arm and the treatments it names (its scans and questionnaires are listed once,
    under "The record mentions"); an arm that names none says what kind it is."""
    named = facts._arm_interventions(trial, arm)
    names = [n for n, t in named if facts.is_treatment(n, t) or re.search(r"(?i)placebo|sham", n)]
    names = names or [n for n, _ in named]
    kind = {"PLACEBO_COMPARATOR": "placebo", "SHAM_COMPARATOR": "sham", "NO_INTERVENTION": "no_treatment"}
    gets = join_names(names, limit=len(names)) if names else ""
    # a placebo arm that lists the tested supplement by name, its description saying "Placebo"
    look_alike = arm.type in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR") and not any(
        re.search(r"(?i)placebo|sham", n) for n in names
    ) and re.search(r"(?i)\b(?:placebo|sham)\b", arm.description)
    if (not gets or look_alike) and arm.type in kind:
        gets = _t(f"kind_{kind[arm.type]}")
    return Group(name=arm.label, gets=gets)


def _taking_part(trial: Trial) -> tuple[str, ...]:
    lines = []
    arms = len(trial.arms)
    if arms >= 2:
        chance = trial.design.allocation == "RANDOMIZED"
        groups = wording.count_phrase(arms, "group")
        key = "groups_by_cohort" if facts.by_cohort(trial) else "groups_by_chance" if chance else "groups"
        lines.append(_t(key, groups=groups))
    elif arms == 1 or trial.design.intervention_model == "SINGLE_GROUP":
        if not facts.is_observational(trial):
            lines.append(_t("one_group"))
    masked = set(trial.design.who_masked)
    if "PARTICIPANT" in masked:
        doctors = masked & {"INVESTIGATOR", "CARE_PROVIDER"}
        lines.append(_t("masked_both" if doctors else "masked_you"))
    elif trial.design.masking == "NONE" and arms >= 2:
        lines.append(_t("open_label"))
    cycle = schedule.cycle_days(trial)
    if cycle:
        lines.append(_t("cycles", days=cycle))
    follow = schedule.follow_up(trial)
    if follow:
        lines.append(_t("follow_up", span=wording.span_phrase(follow)))
    procedures = procedures_named(trial)
    if procedures:
        lines.append(_t("mentions", things=join_names(procedures, limit=len(procedures))))
    return tuple(lines)


def procedures_named(trial: Trial) -> list[str]:
    """The procedures the record mentions, in plain words of the sheet's language."""
    texts = [
        *(f"{i.name} {i.type.replace('_', ' ')} {i.description}" for i in trial.interventions),
        *(f"{a.label} {a.description}" for a in trial.arms),
        *(f"{o.measure} {o.description}" for o in (*trial.primary_outcomes, *trial.secondary_outcomes)),
    ]
    joined = "\n".join(texts)
    return [_t(f"does_{key}") for key, pattern in _PROCEDURES if pattern.search(joined)]
