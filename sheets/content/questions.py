"""The questions a sheet suggests for the doctor, the chooser both lists share, and status warnings.

Questions come from the record the way the seed page's came from its trial: fit with the
line of treatment or stage, phase and safety, combinations, groups chosen by chance, placebo
or sham, masking, recruitment status, the main outcome, other options and current care.
Wording, topics and weights are data (``data/questions.toml``); the rules here decide which
questions apply and fill them with the record's facts (``facts.py``), and the chooser keeps
the weightiest, never two on one topic. The coordinator's questions (``coordinator.py``) use
the same `ask` and `choose`. Site-written questions replace the generated ones; a clinic's
extra questions follow them. It does not explain outcomes (``outcomes.py``) or lay out the sheet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sheets import i18n
from sheets.content import facts
from sheets.content import labels as wording
from sheets.content.facts import join_names
from sheets.content.labels import count_phrase
from sheets.content.outcomes import clean_measure, kind_of
from sheets.content.overview import PROCEDURE_NAME
from sheets.content.standing import Standing
from sheets.model import Trial

__all__ = [
    "Question",
    "about_questions",
    "ask",
    "choose",
    "doctor_questions",
    "merge_questions",
    "status_warning",
]

DOCTOR_RANGE = (4, 6)  # with the coordinator's, a page of questions, as many as an appointment holds
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


def ask(path: str, trial: Trial, *, filler: bool = False, **values: object) -> Question:
    """The question at ``path`` ("doctor.phase.PHASE2") filled with ``values``."""
    entry: Any = _wording()
    for part in path.split("."):
        entry = entry[part]
    # A trial only for children is asked about by a parent: "my child", not "me".
    wording_ = entry["parent"] if "parent" in entry and facts.child_ages(trial) else entry["text"]
    text = wording_.format(trial=i18n.text(f"words.{facts.study_word(trial)}"), **values)
    return Question(" ".join(text.split()), frozenset(entry["asks"]), entry["weight"], filler)


def choose(candidates: Iterable[Question | None], low: int, high: int) -> tuple[str, ...]:
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
        ask(
            "doctor.options_observational" if facts.is_observational(trial) else "doctor.options",
            trial,
        ),
        ask("doctor.current_care", trial),
        ask("doctor.filler.gains_and_losses", trial, filler=True),
        ask("doctor.filler.next_steps", trial, filler=True),
    ]
    return choose(candidates, *DOCTOR_RANGE)


def _status_question(trial: Trial, standing: Standing | None = None) -> Question | None:
    table = _wording()["doctor"]["status"]
    if standing is not None and standing.late_start:
        return ask("doctor.status.NOT_YET_RECRUITING_LATE", trial)
    if standing is not None and standing.past_end:
        return ask("doctor.status.OPEN_PAST_END", trial)
    if standing is not None and standing.stale_since and standing.joining:
        return ask("doctor.status.RECRUITING_STALE", trial)
    why = " ".join(trial.why_stopped.split()).rstrip(".")
    if why and len(why.split()) <= SHORT_REASON_WORDS and f"{trial.status}_WHY" in table:
        return ask(f"doctor.status.{trial.status}_WHY", trial, why=why)
    status = trial.status or "UNKNOWN"  # a record that gives no status
    return ask(f"doctor.status.{status}", trial) if status in table else None


def about_questions(trial: Trial) -> tuple[str, ...]:
    """2 to 5 questions for a trial no one can join now: what happened to it, its results,
    and what the reader could do instead (another trial, expanded access)."""
    if trial.has_results:
        results = ask("about.results", trial)
    elif trial.status in RESULTS_TO_COME:
        results = ask("about.results_later", trial)
    else:
        results = None
    status: Question | None = _status_question(trial) or ask("doctor.status.UNKNOWN", trial)
    if results is not None and status is not None and status.asks & results.asks:
        status = None  # "has it posted results?" is answered: the results question says so
    condition = _conditions(trial)
    tested_something = trial.status != "WITHDRAWN" and not facts.is_observational(trial)
    tested_something = tested_something and trial.expanded_access is not False  # the record says none
    candidates = [
        status,
        results,
        ask("about.other_trials", trial, condition=condition)
        if condition
        else ask("about.other_trials_general", trial),
        ask("about.expanded_access", trial)
        if tested_something and facts.treatment_kind(trial) in EXPANDED_ACCESS_KINDS
        else None,
        ask("about.current_care", trial) if trial.has_results else None,
        ask("about.new_trials", trial),
    ]
    return choose(candidates, *ABOUT_RANGE)


def _fit_question(trial: Trial) -> Question:
    if facts.healthy_volunteers_only(trial):
        return ask("doctor.fit_healthy", trial)
    condition = _conditions(trial)
    if not condition or PROCEDURE_NAME.search(condition):  # "for Gastrointestinal Surgery": no illness
        return ask("doctor.fit_general", trial)
    lines = facts.prior_lines(trial)
    if lines:
        more = i18n.text("words.lines_or_more", lines=lines)
        return ask("doctor.fit_line", trial, condition=condition, lines=more)
    if facts.is_untreated(trial):
        return ask("doctor.fit_untreated", trial, condition=condition)
    if facts.is_resistant(trial):
        return ask("doctor.fit_resistant", trial, condition=condition)
    stages = facts.stage_numbers(trial)
    if stages:
        return ask("doctor.fit_stage_number", trial, condition=condition, stage=stages)
    stage = facts.stage_word(trial)
    if stage and stage.replace(" ", "-") not in condition.lower().replace(" ", "-"):
        stage = i18n.data("strings")["stage_words"].get(stage, stage)
        return ask("doctor.fit_stage", trial, stage=stage, condition=condition)
    return ask("doctor.fit", trial, condition=condition)


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
    return ask("doctor.child", trial, ages=ages)


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
        return ask("doctor.phase.OBSERVATIONAL", trial)
    if trial.study_type == "EXPANDED_ACCESS":
        return ask("doctor.phase.EXPANDED_ACCESS", trial, treatment=_treatment(trial))
    phases = [p for p in PHASE_ORDER if p in trial.phases]
    key = "_".join(phases[-2:]) if len(phases) >= 2 else (phases[0] if phases else "OTHER")
    table = _wording()["doctor"]["phase"]
    key = key if key in table else (phases[-1] if phases else "OTHER")
    if f"{key}_ways" in table and facts.every_arm_gets_tested(trial):  # no group goes without it
        key = f"{key}_ways"
    return ask(
        f"doctor.phase.{key}", trial, treatment=_treatment(trial), comparator=_comparator(trial)
    )


def _combination_question(trial: Trial) -> Question | None:
    tested, background = facts.tested_and_background(trial)
    if tested and background:
        return ask(
            "doctor.add_on", trial, tested=join_names(tested), background=join_names(background)
        )
    together = facts.combined_in_one_arm(trial)
    return ask("doctor.combination", trial, names=join_names(together)) if together else None


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
        key = "randomised_all_get" if key == "randomised" and facts.every_arm_gets_tested(trial) else key
        return [ask(f"doctor.{key}", trial, groups=groups, tested=names["tested"],
                          background=names["background"])]  # fmt: skip
    if not control:
        return []
    return [ask(f"doctor.{control}{add_on}", trial, tested=names["tested"], background=names["background"])]


def _masking_question(trial: Trial) -> Question | None:
    masking, masked = trial.design.masking, set(trial.design.who_masked)
    if masking in ("", "NONE") or (masked and "PARTICIPANT" not in masked):
        return None
    doctors_too = not masked or masked & {"CARE_PROVIDER", "INVESTIGATOR"}
    if masking in ("DOUBLE", "TRIPLE", "QUADRUPLE") and doctors_too:
        return ask("doctor.masked", trial)
    return ask("doctor.masked_single", trial)


def _outcome_question(trial: Trial) -> Question | None:
    if not trial.primary_outcomes:
        return None
    outcome = trial.primary_outcomes[0]
    kind = kind_of(outcome)
    measure = clean_measure(outcome.measure)
    short = 0 < len(measure.split()) <= SHORT_MEASURE_WORDS
    if kind is None:
        if short:
            return ask("doctor.outcome_unknown", trial, outcome=f'"{measure}"')
        return ask("doctor.outcome_long", trial)
    if kind.generic and not short:
        return ask("doctor.outcome_long", trial)
    follow_up = kind.parent_question if facts.child_ages(trial) else kind.question
    if kind.what.lower().startswith(measure.lower()) and not facts.is_observational(trial):
        return ask("doctor.outcome_plain", trial, what=kind.what, follow_up=follow_up)
    named = f'"{measure}"' if short else kind.name
    if facts.is_observational(trial):
        return ask("doctor.outcome_observational", trial, outcome=named, what=kind.what)
    return ask("doctor.outcome", trial, outcome=named, what=kind.what, follow_up=follow_up)


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
