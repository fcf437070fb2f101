"""The questions a sheet suggests for the doctor and the trial coordinator, and status warnings.

Questions come from the record the way the seed page's came from its trial: fit with the
line of treatment or stage, phase and safety, combinations, groups chosen by chance and
placebos, masking, recruitment status, the main outcome, other options and current care.
Wording is data (``data/questions.toml``); rules here choose, fill and order it. Site-written
questions replace the generated ones; a clinic's extra questions follow them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from .model import Site, Trial
from .outcomes import kind_of

MAX_NAMES = 3
MAX_QUESTIONS = 8
DRUG_TYPES = {"DRUG", "BIOLOGICAL", "GENETIC", "COMBINATION_PRODUCT"}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}


@cache
def _wording() -> dict[str, Any]:
    return tomllib.loads((files("sheets") / "data" / "questions.toml").read_text("utf-8"))


def doctor_questions(trial: Trial) -> tuple[str, ...]:
    """5 to 8 questions, most relevant first: status when it blocks joining, then fit."""
    text = _wording()["doctor"]
    blocking = trial.status not in ("RECRUITING", "")
    questions: list[str] = []
    if blocking and trial.status in text["status"]:
        questions.append(text["status"][trial.status])
    questions.append(_fit_question(trial, text))
    questions.append(_phase_question(trial, text))
    questions += _design_questions(trial, text)
    outcome = _outcome_question(trial, text)
    if outcome:
        questions.append(outcome)
    if not blocking and trial.status in text["status"]:
        questions.append(text["status"][trial.status])
    questions += [text["options"], text["current_care"]]
    if len(questions) < 6:
        questions.insert(-2, text["gains_and_losses"])
    return _distinct(questions)[:MAX_QUESTIONS]


def coordinator_questions(trial: Trial, *, near: str | None = None) -> tuple[str, ...]:
    """6 to 8 questions on logistics and rights, using the record's schedule and sites."""
    text = _wording()["coordinator"]
    questions = [_visits_question(trial, text)]
    where = _where_question(trial, text, near)
    if where:
        questions.append(where)
    questions += [text["costs"], text["screening"], text["own_doctor"], text["leaving"]]
    treatment = _treatment_names(trial)
    is_treatment = trial.study_type != "OBSERVATIONAL" and treatment
    after = text["after_treatment"].format(treatment=treatment) if is_treatment else text["after"]
    questions += [after, text["injury"]]
    if len(questions) < 8:
        questions.append(text["privacy"])
    return _distinct(questions)[:MAX_QUESTIONS]


def merge_questions(
    generated: Iterable[str], site: Iterable[str] = (), extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """Site-written questions replace the generated ones; extra ones follow; no repeats."""
    return _distinct([*(list(site) or list(generated)), *extra])


def status_warning(trial: Trial) -> str | None:
    return _wording()["warning"].get(trial.status)


def _fit_question(trial: Trial, text: dict[str, Any]) -> str:
    if trial.eligibility.healthy_volunteers and not trial.conditions:
        return text["fit_healthy"]
    condition = _names(trial.conditions)
    if not condition:
        return text["fit_general"]
    criteria = trial.eligibility.criteria_text.lower()
    lines = re.search(r"(?:at least|≥|>=)\s*(\d|one|two|three|four)\s+(?:\w+\s+){0,2}lines?\b", criteria)
    if lines:
        count = lines[1] if lines[1].isdigit() else str(NUMBER_WORDS[lines[1]])
        return text["fit_line"].format(condition=condition, lines=f"{count} or more")
    title = f"{trial.brief_title} {trial.official_title} {trial.eligibility.criteria_text}"
    if re.search(r"refractory|resistant|relapsed|recurrent|progress(?:ed|ion) (?:on|after)", title, re.I):
        return text["fit_resistant"].format(condition=condition)
    stage = re.search(r"\b(metastatic|advanced|locally advanced|early[- ]stage|extensive[- ]stage|"
                      r"limited[- ]stage|stage (?:I{1,3}V?|IV)[ABC]?)\b", title, re.I)  # fmt: skip
    if stage and stage[1].lower() not in condition.lower():
        return text["fit_stage"].format(stage=stage[1], condition=condition)
    return text["fit"].format(condition=condition)


def _phase_question(trial: Trial, text: dict[str, Any]) -> str:
    phases = text["phase"]
    if trial.study_type == "OBSERVATIONAL":
        return phases["OBSERVATIONAL"]
    treatment = _treatment_names(trial) or "what this trial tests"
    top = next((p for p in ("PHASE4", "PHASE3", "PHASE2", "PHASE1", "EARLY_PHASE1") if p in trial.phases), "")
    return phases[top or "OTHER"].format(treatment=treatment)


def _design_questions(trial: Trial, text: dict[str, Any]) -> list[str]:
    questions = []
    for arm in trial.arms:
        drugs = _drug_names_in_arm(trial, arm.intervention_names)
        if arm.type == "EXPERIMENTAL" and len(drugs) >= 2:
            questions.append(text["combination"].format(names=_names(drugs)))
            break
    if trial.design.allocation == "RANDOMIZED":
        arms = len(trial.arms)
        questions.append(
            text["randomised"].format(
                arms=arms if arms > 1 else "different",
                treatment=_treatment_names(trial) or "the treatment being tested",
            ).replace("into different groups", "into groups")
        )
    names = " ".join(i.name for i in trial.interventions).lower() + " " + " ".join(
        f"{a.type} {a.label}" for a in trial.arms
    ).lower()
    if "sham" in names:
        questions.append(text["sham"])
    elif "placebo" in names:
        questions.append(text["placebo"])
    masked = set(trial.design.who_masked)
    if trial.design.masking in ("DOUBLE", "TRIPLE", "QUADRUPLE") and (
        not masked or {"PARTICIPANT", "CARE_PROVIDER"} <= masked or {"PARTICIPANT", "INVESTIGATOR"} <= masked
    ):
        questions.append(text["masked"])
    elif trial.design.masking != "NONE" and "PARTICIPANT" in masked:
        questions.append(text["masked_single"])
    return questions


def _outcome_question(trial: Trial, text: dict[str, Any]) -> str | None:
    if not trial.primary_outcomes:
        return None
    outcome = trial.primary_outcomes[0]
    kind = kind_of(outcome)
    measure = re.sub(r"(?i)^(?:primary|secondary) outcome:\s*", "", outcome.measure).rstrip(". ")
    named = f'"{measure}"' if len(measure.split()) <= 8 else (kind.name if kind else f'"{measure}"')
    if kind is None or kind.name.lower() == measure.lower():
        return text["outcome"].format(outcome=named)
    return text["outcome"].format(outcome=f"{named}, meaning {kind.what}")


def _visits_question(trial: Trial, text: dict[str, Any]) -> str:
    words = " ".join(
        [trial.eligibility.criteria_text, trial.detailed_description]
        + [a.description for a in trial.arms]
        + [o.time_frame for o in trial.primary_outcomes]
    )  # fmt: skip
    cycle = re.search(r"(\d+)[- ]day (?:treatment )?cycles?|cycles? (?:is|are|of|lasts?)\s+(\d+) days", words, re.I)
    if cycle:
        return text["visits_cycle"].format(cycle=cycle[1] or cycle[2])
    span = re.search(r"up to (?:approximately |about )?(\d+ (?:weeks|months|years))", words, re.I)
    if span:
        return text["visits_span"].format(span=span[1])
    return text["visits"]


def _where_question(trial: Trial, text: dict[str, Any], near: str | None) -> str | None:
    sites = trial.sites
    if not sites:
        return None
    if len(sites) == 1:
        site = sites[0]
        return text["where_one"].format(site=", ".join(p for p in (site.facility, site.city, site.country) if p))
    countries = {s.country for s in sites if s.country}
    where = f"{len(sites):,} sites" + (f" in {next(iter(countries))}" if len(countries) == 1 else "")
    nearest = nearest_site(sites, near) if near else None
    if nearest:
        name = ", ".join(p for p in (nearest.facility, nearest.city) if p)
        return text["where_near"].format(sites=where, near=near.strip(), nearest=name)
    return text["where_many"].format(sites=where)


def nearest_site(sites: tuple[Site, ...], near: str) -> Site | None:
    """The site whose ZIP or postcode shares the most leading characters, else one in the country."""
    wanted = near.strip().lower()
    best, best_score = None, 0
    for site in sites:
        code = site.zip.strip().lower()
        score = len(_common_prefix(code, wanted)) if code else 0
        if score > best_score and score >= 2:
            best, best_score = site, score
    if best is not None:
        return best
    recruiting = sorted(sites, key=lambda s: s.status != "RECRUITING")
    return next((s for s in recruiting if s.country.lower() == wanted), None)


def _common_prefix(a: str, b: str) -> str:
    length = 0
    for x, y in zip(a, b):
        if x != y:
            break
        length += 1
    return a[:length]


def _drug_names_in_arm(trial: Trial, intervention_names: tuple[str, ...]) -> list[str]:
    by_name = {i.name.lower(): i for i in trial.interventions}
    names = []
    for label in intervention_names:
        kind, _, name = label.partition(": ")
        intervention = by_name.get(name.lower())
        if kind.upper().replace(" ", "_") in DRUG_TYPES and "placebo" not in name.lower():
            names.append(intervention.name if intervention else name)
    return list(dict.fromkeys(names))


def _treatment_names(trial: Trial) -> str:
    names = [
        i.name for i in trial.interventions
        if not re.search(r"placebo|sham|usual care|standard of care|biospecimen|questionnaire|"
                         r"computed tomography|magnetic resonance|laboratory", i.name, re.I)
    ]  # fmt: skip
    return _names(names)


def _distinct(questions: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for question in questions:
        key = " ".join(question.lower().split())
        if key and key not in seen:
            seen.add(key)
            kept.append(question.strip())
    return tuple(kept)


def _names(names: Iterable[str]) -> str:
    unique = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not unique:
        return ""
    if len(unique) > MAX_NAMES:
        return ", ".join(unique[:MAX_NAMES]) + " and others"
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " and " + unique[-1]
