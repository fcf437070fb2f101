"""What a trial measures, in plain words: the kind of outcome and when it is checked.

Outcome kinds and their wording are data (``data/outcomes.toml``); this module matches a
record's outcome to a kind and rewrites its time frame ("assessed up to approximately 24
months" -> "checked for up to about 24 months"). Unknown kinds keep the record's words.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .model import Outcome
from .plain.normalise import spell_out
from .plain.wording import swap_words


@dataclass(frozen=True)
class OutcomeKind:
    key: str
    pattern: re.Pattern[str]
    what: str
    name: str


@dataclass(frozen=True)
class PlainOutcome:
    what: str  # plain words for what is measured
    when: str  # plain time frame, "" when the record gives none
    original: str  # the measure as the record words it
    kind: str  # the outcome kind key, "" when no kind matched
    original_when: str = ""  # the time frame as the record words it


@cache
def outcome_kinds() -> tuple[OutcomeKind, ...]:
    data = tomllib.loads((files("sheets") / "data" / "outcomes.toml").read_text("utf-8"))
    return tuple(
        OutcomeKind(k["key"], re.compile(k["pattern"], re.I), k["what"], k["name"])
        for k in data["kind"]
    )


def kind_of(outcome: Outcome) -> OutcomeKind | None:
    text = outcome.measure
    for kind in outcome_kinds():
        if kind.pattern.search(text):
            return kind
    return None


def plain_outcome(outcome: Outcome) -> PlainOutcome:
    kind = kind_of(outcome)
    measure = re.sub(r"(?i)^(?:primary|secondary) outcome:\s*", "", outcome.measure).strip()
    if kind:
        what = f"{kind.what[:1].upper()}{kind.what[1:]} ({measure})"
    else:
        what = swap_words(spell_out(measure))
    return PlainOutcome(what=what, when=plain_time_frame(outcome.time_frame), original=measure,
                        kind=kind.key if kind else "", original_when=outcome.time_frame)  # fmt: skip


_EVERY = re.compile(r"(?i)\bevery\s+(\d+(?:\.\d+)?\s+(?:\w+\s+)?(?:days?|weeks?|months?|years?|cycles?))")
_UP_TO = re.compile(r"(?i)\b(?:up to|for up to|through|until)\s+(?:approximately\s+|about\s+)?(\d+(?:\.\d+)?\s+(?:days?|weeks?|months?|years?))")
_CYCLE = re.compile(r"(?i)\b(?:each\s+)?cycle\s+(?:is|=|of)\s+(\d+)\s+days|\b(\d+)[- ]day cycles?")


def plain_time_frame(text: str) -> str:
    """ "after every 2 treatment cycles (each cycle is 21 days) ... up to approximately 24 months"
    -> "checked every 2 treatment cycles (21 days each), for up to about 24 months"."""
    text = " ".join(text.split())
    if not text:
        return ""
    every, up_to, cycle = _EVERY.search(text), _UP_TO.search(text), _CYCLE.search(text)
    if every or up_to:
        parts = []
        if every:
            part = f"checked every {every[1]}"
            if cycle:
                part += f" ({cycle[1] or cycle[2]} days each)"
            parts.append(part)
        if up_to:
            about = "about " if re.search(r"(?i)approximately|about", text[: up_to.end()]) else ""
            parts.append(f"for up to {about}{up_to[1]}")
        summary = ", ".join(parts)
        return summary[:1].upper() + summary[1:]
    return swap_words(spell_out(text))
