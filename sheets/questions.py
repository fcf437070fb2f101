"""The questions a sheet suggests for the doctor and the trial coordinator, and status warnings.

Wording is data (``data/questions.toml``); this module only chooses questions and fills in the
trial's own facts. Site-written questions replace the generated ones; a clinic's extra
questions are added after them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from functools import cache
from importlib.resources import files
from typing import Any

from . import wording
from .model import Trial

MAX_NAMES = 3


@cache
def _wording() -> dict[str, Any]:
    return tomllib.loads((files("sheets") / "data" / "questions.toml").read_text("utf-8"))


def doctor_questions(trial: Trial) -> tuple[str, ...]:
    text = _wording()["doctor"]
    condition = _names(trial.conditions)
    interventions = _names(i.name for i in trial.interventions)
    phase = wording.phase_label(trial.phases)
    questions = [text["fit"].format(condition=condition) if condition else text["fit_general"]]
    if interventions and phase.startswith("Phase"):
        questions.append(text["safety"].format(phase=phase, interventions=interventions))
    else:
        questions.append(text["safety_general"])
    if trial.status in text["status"]:
        questions.append(text["status"][trial.status])
    if trial.primary_outcomes:
        questions.append(text["outcome"].format(outcome=trial.primary_outcomes[0].measure))
    questions += [text["options"], text["current_care"]]
    if len(questions) < 6:
        questions.insert(-2, text["gains_and_losses"])
    return tuple(questions)


def coordinator_questions(trial: Trial, *, near: str | None = None) -> tuple[str, ...]:
    return tuple(_wording()["coordinator"]["questions"])


def merge_questions(
    generated: Iterable[str], site: Iterable[str] = (), extra: Iterable[str] = ()
) -> tuple[str, ...]:
    """Site-written questions replace the generated ones; extra ones follow; no repeats."""
    chosen = list(site) or list(generated)
    seen: set[str] = set()
    merged = []
    for question in [*chosen, *extra]:
        key = " ".join(question.lower().split())
        if key and key not in seen:
            seen.add(key)
            merged.append(question.strip())
    return tuple(merged)


def status_warning(trial: Trial) -> str | None:
    return _wording()["warning"].get(trial.status)


def _names(names: Iterable[str]) -> str:
    unique = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not unique:
        return ""
    if len(unique) > MAX_NAMES:
        return ", ".join(unique[:MAX_NAMES]) + " and others"
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " and " + unique[-1]
