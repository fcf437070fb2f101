"""The questions a sheet suggests for the doctor and the trial coordinator, and status warnings.

Questions come from the record the way the seed page's came from its trial: fit with the
line of treatment or stage, phase and safety, combinations, groups chosen by chance, placebo
or sham, masking, recruitment status, the main outcome, other options and current care; for
the coordinator, visits, sites, costs, screening, rights and what happens after the study.
Wording, topics and weights are data (``data/questions.toml``); the rules here decide which
questions apply and fill them with the record's facts (read by ``questions_facts.py``), and
the chooser keeps the weightiest, never two on one topic. Site-written questions replace the
generated ones; a clinic's extra questions follow them. It does not explain outcomes
(``outcomes.py``) or lay out the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sheets import i18n
from sheets.content import facts
from sheets.content import labels as wording
from sheets.content.facts import join_names, nearest_site
from sheets.content.labels import count_phrase, span_phrase
from sheets.content.outcomes import clean_measure, kind_of
from sheets.content.overview import PROCEDURE_NAME, procedures_named
from sheets.content.standing import Standing
from sheets.model import Trial

__all__ = [
    "about_questions",
    "coordinator_questions",
    "doctor_questions",
    "merge_questions",
    "nearest_site",
    "status_warning",
]

DOCTOR_RANGE = (4, 6)  # with the coordinator's, a page of questions, as many as an appointment holds
COORDINATOR_RANGE = (5, 6)
ABOUT_RANGE = (2, 5)
RESULTS_TO_COME = frozenset({"COMPLETED", "ACTIVE_NOT_RECRUITING", "TERMINATED"})
EXPANDED_ACCESS_KINDS = frozenset({"drug", "device", "supplement"})
SHORT_MEASURE_WORDS = 8  # a measure this short is quoted in the question; longer ones are not
SHORT_REASON_WORDS = 12  # a why-stopped reason this short is quoted
PHASE_ORDER = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4")


@dataclass(frozen=True)
class Question:
    text: str
    asks: frozenset[str]
    weight: int
    filler: bool = False  # only used to reach the minimum count


def _wording() -> dict[str, Any]:
    """``data/questions.toml`` in the language the sheet is being built in."""
    return i18n.data("questions")


def _question(path: str, trial: Trial, *, filler: bool = False, **values: object) -> Question:
    """The question at ``path`` ("doctor.phase.PHASE2") filled with ``values``."""
    entry: Any = _wording()
    for part in path.split("."):
        entry = entry[part]
    # A trial only for children is asked about by a parent: "my child", not "me".
    wording_ = entry["parent"] if "parent" in entry and facts.child_ages(trial) else entry["text"]
    text = wording_.format(trial=i18n.text(f"words.{facts.study_word(trial)}"), **values)
    return Question(" ".join(text.split()), frozenset(entry["asks"]), entry["weight"], filler)


def _choose(candidates: Iterable[Question | None], low: int, high: int) -> tuple[str, ...]:
    """The weightiest questions, no two on one topic, shown in the order the rules made them."""
    listed = [c for c in candidates if c is not None]
    chosen: list[Question] = []
    covered: set[str] = set()
    texts: set[str] = set()
    for fillers in (False, True):
        for question in sorted(listed, key=lambda q: -q.weight):  # stable: ties keep rule order
            full = len(chosen) >= (low if fillers else high)
            if full or question.filler != fillers:
                continue
            key = _key(question.text)
            if question.asks & covered or key in texts:
                continue
            chosen.append(question)
            covered |= question.asks
            texts.add(key)
    return tuple(q.text for q in listed if q in chosen)


# ------------------------------------------------------------------------- the doctor


def doctor_questions(trial: Trial, standing: Standing | None = None) -> tuple[str, ...]:
    """4 to 6 questions for the doctor, each naming the trial's own facts where it has them.

    ``standing`` is the trial on the sheet's date: an open status its dates put in doubt
    gets a question that asks whether it is still open, first."""
    status = _status_question(trial, standing)
    # joining is not possible now, or may not be: say so first
    blocking = status_warning(trial) is not None or (
        standing is not None and (standing.in_doubt or bool(standing.stale_since))
    )
    candidates = [
        status if blocking else None,
        _fit_question(trial),
        _child_question(trial),
        _phase_question(trial),
        _combination_question(trial),
        *_groups_and_placebo_questions(trial),
        _masking_question(trial),
        _outcome_question(trial),
        None if blocking else status,
        _question(
            "doctor.options_observational" if facts.is_observational(trial) else "doctor.options",
            trial,
        ),
        _question("doctor.current_care", trial),
        _question("doctor.filler.gains_and_losses", trial, filler=True),
        _question("doctor.filler.next_steps", trial, filler=True),
    ]
    return _choose(candidates, *DOCTOR_RANGE)


def _status_question(trial: Trial, standing: Standing | None = None) -> Question | None:
    table = _wording()["doctor"]["status"]
    if standing is not None and standing.late_start:
        return _question("doctor.status.NOT_YET_RECRUITING_LATE", trial)
    if standing is not None and standing.past_end:
        return _question("doctor.status.OPEN_PAST_END", trial)
    if standing is not None and standing.stale_since and standing.joining:
        return _question("doctor.status.RECRUITING_STALE", trial)
    why = " ".join(trial.why_stopped.split()).rstrip(".")
    if why and len(why.split()) <= SHORT_REASON_WORDS and f"{trial.status}_WHY" in table:
        return _question(f"doctor.status.{trial.status}_WHY", trial, why=why)
    status = trial.status or "UNKNOWN"  # a record that gives no status
    return _question(f"doctor.status.{status}", trial) if status in table else None


def about_questions(trial: Trial) -> tuple[str, ...]:
    """2 to 5 questions for a trial no one can join now: what happened to it, its results,
    and what the reader could do instead (another trial, expanded access)."""
    if trial.has_results:
        results = _question("about.results", trial)
    elif trial.status in RESULTS_TO_COME:
        results = _question("about.results_later", trial)
    else:
        results = None
    status: Question | None = _status_question(trial) or _question("doctor.status.UNKNOWN", trial)
    if results is not None and status is not None and status.asks & results.asks:
        status = None  # "has it posted results?" is answered: the results question says so
    condition = _conditions(trial)
    tested_something = trial.status != "WITHDRAWN" and not facts.is_observational(trial)
    tested_something = tested_something and trial.expanded_access is not False  # the record says none
    candidates = [
        status,
        results,
        _question("about.other_trials", trial, condition=condition)
        if condition
        else _question("about.other_trials_general", trial),
        _question("about.expanded_access", trial)
        if tested_something and facts.treatment_kind(trial) in EXPANDED_ACCESS_KINDS
        else None,
        _question("about.current_care", trial) if trial.has_results else None,
        _question("about.new_trials", trial),
    ]
    return _choose(candidates, *ABOUT_RANGE)


def _fit_question(trial: Trial) -> Question:
    if facts.healthy_volunteers_only(trial):
        return _question("doctor.fit_healthy", trial)
    condition = _conditions(trial)
    if not condition or PROCEDURE_NAME.search(condition):  # "for Gastrointestinal Surgery": no illness
        return _question("doctor.fit_general", trial)
    lines = facts.prior_lines(trial)
    if lines:
        more = i18n.text("words.lines_or_more", lines=lines)
        return _question("doctor.fit_line", trial, condition=condition, lines=more)
    if facts.is_untreated(trial):
        return _question("doctor.fit_untreated", trial, condition=condition)
    if facts.is_resistant(trial):
        return _question("doctor.fit_resistant", trial, condition=condition)
    stages = facts.stage_numbers(trial)
    if stages:
        return _question("doctor.fit_stage_number", trial, condition=condition, stage=stages)
    stage = facts.stage_word(trial)
    if stage and stage.replace(" ", "-") not in condition.lower().replace(" ", "-"):
        stage = i18n.data("strings")["stage_words"].get(stage, stage)
        return _question("doctor.fit_stage", trial, stage=stage, condition=condition)
    return _question("doctor.fit", trial, condition=condition)


def _conditions(trial: Trial) -> str:
    """ "A", "A and B", or "A and 3 other conditions"."""
    names = facts.conditions(trial)
    if len(names) > 2:
        others = len(names) - 1
        conditions = i18n.noun(others, "condition")
        return i18n.text(
            "words.first_of_conditions", first=names[0], count=others, conditions=conditions
        )
    return join_names(names)


def _child_question(trial: Trial) -> Question | None:
    if not facts.child_ages(trial):
        return None
    ages = wording.age_range(trial.eligibility.minimum_age, trial.eligibility.maximum_age)
    return _question("doctor.child", trial, ages=ages)


def _treatment(trial: Trial) -> str:
    """The tested treatments by name, or a general phrase that fits the kind of study."""
    names = join_names(facts.tested_and_background(trial)[0])
    kind = facts.treatment_kind(trial)
    if names:
        return names
    kind = "treatment" if kind in ("drug", "procedure") else kind
    return i18n.text("words.kind_tested", kind=i18n.data("strings")["kinds"].get(kind, kind))


def _comparator(trial: Trial) -> str:
    active = join_names(facts.active_comparators(trial))
    if active:
        return active
    if facts.has_placebo(trial):
        return i18n.text("words.placebo")
    if facts.has_sham(trial):
        return i18n.text("words.sham")
    return i18n.text("words.standard_care")


def _phase_question(trial: Trial) -> Question:
    if facts.is_observational(trial):
        return _question("doctor.phase.OBSERVATIONAL", trial)
    if trial.study_type == "EXPANDED_ACCESS":
        return _question("doctor.phase.EXPANDED_ACCESS", trial, treatment=_treatment(trial))
    phases = [p for p in PHASE_ORDER if p in trial.phases]
    key = "_".join(phases[-2:]) if len(phases) >= 2 else (phases[0] if phases else "OTHER")
    table = _wording()["doctor"]["phase"]
    key = key if key in table else (phases[-1] if phases else "OTHER")
    return _question(
        f"doctor.phase.{key}", trial, treatment=_treatment(trial), comparator=_comparator(trial)
    )


def _combination_question(trial: Trial) -> Question | None:
    tested, background = facts.tested_and_background(trial)
    if tested and background:
        return _question(
            "doctor.add_on", trial, tested=join_names(tested), background=join_names(background)
        )
    together = facts.combined_in_one_arm(trial)
    return _question("doctor.combination", trial, names=join_names(together)) if together else None


def _groups_and_placebo_questions(trial: Trial) -> list[Question]:
    """How groups are chosen and what a placebo or sham means: one question when both apply."""
    tested, background = facts.tested_and_background(trial)
    control = "sham" if facts.has_sham(trial) else "placebo" if facts.has_placebo(trial) else ""
    add_on = "_add_on" if control == "placebo" and tested and background else ""
    names = {"tested": _treatment(trial), "background": join_names(background)}
    if trial.design.allocation == "RANDOMIZED" and not facts.by_cohort(trial):
        arms = len(trial.arms)
        groups = count_phrase(arms, "group") if 2 <= arms <= 4 else i18n.noun(2, "group")
        key = f"randomised_{control}{add_on}" if control else "randomised"
        return [_question(f"doctor.{key}", trial, groups=groups, tested=names["tested"],
                          background=names["background"])]  # fmt: skip
    if not control:
        return []
    return [_question(f"doctor.{control}{add_on}", trial, tested=names["tested"], background=names["background"])]


def _masking_question(trial: Trial) -> Question | None:
    masking, masked = trial.design.masking, set(trial.design.who_masked)
    if masking in ("", "NONE") or (masked and "PARTICIPANT" not in masked):
        return None
    doctors_too = not masked or masked & {"CARE_PROVIDER", "INVESTIGATOR"}
    if masking in ("DOUBLE", "TRIPLE", "QUADRUPLE") and doctors_too:
        return _question("doctor.masked", trial)
    return _question("doctor.masked_single", trial)


def _outcome_question(trial: Trial) -> Question | None:
    if not trial.primary_outcomes:
        return None
    outcome = trial.primary_outcomes[0]
    kind = kind_of(outcome)
    measure = clean_measure(outcome.measure)
    short = 0 < len(measure.split()) <= SHORT_MEASURE_WORDS
    if kind is None:
        if short:
            return _question("doctor.outcome_unknown", trial, outcome=f'"{measure}"')
        return _question("doctor.outcome_long", trial)
    if kind.generic and not short:
        return _question("doctor.outcome_long", trial)
    follow_up = kind.parent_question if facts.child_ages(trial) else kind.question
    if kind.what.lower().startswith(measure.lower()) and not facts.is_observational(trial):
        return _question("doctor.outcome_plain", trial, what=kind.what, follow_up=follow_up)
    named = f'"{measure}"' if short else kind.name
    if facts.is_observational(trial):
        return _question("doctor.outcome_observational", trial, outcome=named, what=kind.what)
    return _question("doctor.outcome", trial, outcome=named, what=kind.what, follow_up=follow_up)


# -------------------------------------------------------------------- the coordinator


def coordinator_questions(trial: Trial, *, near: str | None = None) -> tuple[str, ...]:
    """5 to 6 questions on logistics and rights, using the record's schedule and sites.

    ``near`` is a ZIP code, postcode, city or country the user gave; with it the question
    about sites names the nearest one.
    """
    observational = facts.is_observational(trial)
    candidates = [
        _visits_question(trial),
        _where_question(trial, near),
        _question("coordinator.costs", trial),
        _question("coordinator.screening", trial),
        _procedures_question(trial),
        _question("coordinator.own_doctor", trial),
        _question("coordinator.leaving", trial),
        _after_question(trial),
        _question("coordinator.extra_tests", trial)
        if observational
        else _question("coordinator.injury", trial),
        _question(
            "coordinator.privacy_observational" if observational else "coordinator.privacy", trial
        ),
    ]
    return _choose(candidates, *COORDINATOR_RANGE)


def _procedures_question(trial: Trial) -> Question | None:
    """Biopsies, scans, infusions, hospital stays ... that the record mentions: what the study adds."""
    things = procedures_named(trial)
    if not things:
        return None
    return _question("coordinator.procedures", trial, things=join_names(things, limit=len(things)))


def _visits_question(trial: Trial) -> Question:
    cycle, every, span = facts.cycle_days(trial), facts.check_every(trial), facts.follow_up(trial)
    every, span = span_phrase(every), span_phrase(span)
    if cycle and span:
        return _question("coordinator.visits_cycle_span", trial, cycle=cycle, span=span)
    if cycle:
        return _question("coordinator.visits_cycle", trial, cycle=cycle)
    arms = len(trial.arms)
    if arms >= 2 and span:
        return _question("coordinator.visits_groups_span", trial, arms=arms, span=span)
    if arms >= 2:
        return _question("coordinator.visits_groups", trial, arms=arms)
    if every and span:
        return _question("coordinator.visits_every_span", trial, every=every, span=span)
    if span:
        return _question("coordinator.visits_span", trial, span=span)
    return _question("coordinator.visits", trial)


def _where_question(trial: Trial, near: str | None) -> Question:
    sites = trial.sites
    if not sites:
        return _question("coordinator.where_none", trial)
    if len(sites) == 1:
        site = sites[0]
        country = facts.country_phrase(site.country) if site.country else ""
        place = ", ".join(p for p in (site.facility, site.city, country) if p)
        return _question("coordinator.where_one", trial, site=place or i18n.text("words.one_site"))
    countries = sorted({s.country for s in sites if s.country})
    where = count_phrase(len(sites), "site")
    if len(countries) == 1:
        place = facts.country_phrase(countries[0])
        where = i18n.text("trial_facts.sites_in", sites=where, place=place)
    elif countries:
        place = count_phrase(len(countries), "country")
        where = i18n.text("trial_facts.sites_in", sites=where, place=place)
    near = " ".join((near or "").split())
    if not near:
        return _question("coordinator.where_many", trial, sites=where)
    nearest = nearest_site(sites, near)
    if nearest is None:
        return _question("coordinator.where_not_near", trial, sites=where, near=near)
    name = ", ".join(p for p in (nearest.facility, nearest.city) if p)
    name = name or i18n.text("words.one_of_them")
    return _question("coordinator.where_near", trial, sites=where, near=near, nearest=name)


def _after_question(trial: Trial) -> Question:
    names = join_names(facts.tested_and_background(trial)[0])
    if facts.is_observational(trial) or not names:
        return _question("coordinator.after", trial)
    key = {
        "device": "after_keep_using",
        "program": "after_support",
        "procedure": "after_follow_up",
    }.get(facts.treatment_kind(trial), "after_keep_getting")
    return _question(f"coordinator.{key}", trial, treatment=names)


# ---------------------------------------------------------------- merging and warnings


def merge_questions(
    generated: Iterable[str], site: Iterable[str] = (), extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """Site-written questions replace the generated ones; extra ones follow; no repeats."""
    site = [q for q in site if q.strip()]
    kept: list[str] = []
    seen: set[str] = set()
    for question in [*(site or generated), *extra]:
        key = _key(question)
        if key and key not in seen:
            seen.add(key)
            kept.append(" ".join(question.split()))
    return tuple(kept)


def status_warning(trial: Trial) -> str | None:
    """One plain sentence for statuses where joining is not possible now, else None. A
    record that gives no status is treated as one whose status is unknown."""
    return _wording()["warning"].get(trial.status or "UNKNOWN")


def _key(question: str) -> str:
    """Two questions that differ only in case, spacing or end punctuation are the same."""
    return re.sub(r"[\s?.!]+", " ", question.lower()).strip()
