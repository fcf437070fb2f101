"""What a trial measures, in plain words: the kind of outcome and when it is checked.

Owns the glossary of outcome kinds (wording in ``data/outcomes.toml``), matching a record's
outcome to a kind, and rewriting its time frame ("assessed up to approximately 24 months" ->
"for up to about 24 months"). It does not choose which outcomes a sheet shows (the sheet
content does) nor ask questions about them (``questions.py`` does). Unknown kinds keep the
record's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from sheets import i18n
from sheets.model import Outcome
from sheets.plain.normalise import spell_out
from sheets.plain.wording import swap_words

SHORT_MEASURE_WORDS = 6  # a measure this short is worth repeating beside its plain words


@dataclass(frozen=True)
class OutcomeKind:
    key: str
    pattern: re.Pattern[str]
    name: str
    what: str
    question: str
    parent_question: str = ""  # the question in a parent's voice, for a trial only for children
    generic: bool = False


@dataclass(frozen=True)
class PlainOutcome:
    what: str  # plain words for what is measured
    when: str  # plain time frame, "" when the record gives none
    original: str  # the measure as the record words it
    kind: str  # the outcome kind key, "" when no kind matched
    original_when: str = ""  # the time frame as the record words it


def _data() -> dict:
    """``data/outcomes.toml`` in the current language (patterns always the English ones)."""
    return i18n.data("outcomes")


def outcome_kinds() -> tuple[OutcomeKind, ...]:
    """Every kind in the glossary, in the order they are tried, worded in the current language."""
    return _kinds(i18n.current())


@cache
def _kinds(lang: str) -> tuple[OutcomeKind, ...]:
    return tuple(
        OutcomeKind(
            key=k["key"],
            pattern=re.compile(k["pattern"], re.IGNORECASE),
            name=k["name"],
            what=k["what"],
            question=k["question"],
            parent_question=k.get("parent_question", k["question"]),
            generic=k.get("generic", False),
        )
        for k in i18n.data("outcomes", lang)["kind"]
    )


def outcome_kinds_glossary() -> tuple[tuple[str, str], ...]:
    """(name, plain meaning) for every outcome kind, for a sheet's word list or a reviewer."""
    return tuple((kind.name, kind.what) for kind in outcome_kinds())


def kind_of(outcome: Outcome) -> OutcomeKind | None:
    """The outcome's kind, read from its measure: specific kinds before generic ones.

    A measure like "Phase 2: to evaluate the efficacy" says little; its description
    ("Objective Response Rate per RECIST 1.1") says what is counted, so it beats "efficacy".
    But a measure that names something no kind knows ("Fluence level") is not given a kind
    from words in its description ("... and adverse events"): that would be a guess.
    """
    measure = clean_measure(outcome.measure)
    specific = _first_kind(measure, generic=False)
    if specific is not None:
        return specific
    general = _first_kind(measure, generic=True)
    if measure and general is None and not _VAGUE.match(measure):
        return None  # the measure names something else: restate it, do not guess
    return _first_kind(outcome.description, generic=False) or general or _first_kind(
        outcome.description, generic=True
    )


# A measure that names no quantity of its own ("Evaluation of the functional", "Assessment of
# outcome"): its description may say what is counted.
_VAGUE = re.compile(r"(?i)^(?:evaluation|assessment|measurement|analysis|change|effects?|outcomes?|results?)\b")


def _first_kind(text: str, *, generic: bool) -> OutcomeKind | None:
    return next(
        (k for k in outcome_kinds() if k.generic == generic and text and k.pattern.search(text)), None
    )


def clean_measure(measure: str) -> str:
    """The measure without a "Primary Outcome:" label or trailing dots."""
    measure = re.sub(
        r"(?i)^\s*(?:primary|secondary|other)\s+outcome(?:\s+measure)?\s*:\s*", "", measure
    )
    return " ".join(measure.split()).rstrip(". ")


def plain_outcome(outcome: Outcome) -> PlainOutcome:
    kind = kind_of(outcome)
    measure = clean_measure(outcome.measure)
    if kind:
        what = kind.what[:1].upper() + kind.what[1:]
        if measure and len(measure.split()) <= SHORT_MEASURE_WORDS:
            what += f" ({measure})"
    else:
        what = swap_words(spell_out(measure))
    return PlainOutcome(
        what=what,
        when=plain_time_frame(outcome.time_frame),
        original=measure,
        kind=kind.key if kind else "",
        original_when=outcome.time_frame,
    )


_UNITS = r"days?|weeks?|months?|years?"
_EVERY = re.compile(rf"(?i)\bevery\s+(\d+(?:\.\d+)?\s+(?:\w+\s+)?(?:{_UNITS}|cycles?))")
_UP_TO = re.compile(
    rf"(?i)\b(up to|through|until|for)\s+(?:approximately\s+|about\s+|a maximum of\s+)?"
    rf"(\d+(?:\.\d+)?\s+(?:{_UNITS}))\b"
)
_TO_UNIT = re.compile(r"(?i)\b(?:to|through|until)\s+(day|week|month|year)\s+(\d+)\b")
_CYCLE = re.compile(r"(?i)\b(?:each\s+)?cycle\s+(?:is|=|of)\s+(\d+)\s+days|\b(\d+)[- ]day cycles?")


def _with_digits(text: str) -> str:
    """ "three years" -> "3 years", and the record's frequency words in plain form."""
    data = _data()
    for words, plain in data["frequency"].items():
        text = re.sub(rf"(?i)\b{re.escape(words)}\b", plain, text)
    numbers = data["numbers"]
    return re.sub(
        rf"(?i)\b({'|'.join(numbers)})(?=\s+(?:{_UNITS})\b)",
        lambda m: str(numbers[m[1].lower()]),
        text,
    )


def plain_time_frame(text: str) -> str:
    """ "after every 2 treatment cycles (each cycle is 21 days) ... up to approximately 24 months"
    -> "Checked every 2 treatment cycles (21 days each), for up to about 24 months"."""
    text = _with_digits(" ".join(text.split()))
    if not text:
        return ""
    text = _TO_UNIT.sub(lambda m: f"up to {m[2]} {m[1].lower()}{'s' if m[2] != '1' else ''}", text)
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
            lead = "for" if up_to[1].lower() == "for" else "for up to"
            parts.append(f"{lead} {about}{up_to[2]}")
        summary = ", ".join(parts)
        return summary[:1].upper() + summary[1:]
    return swap_words(spell_out(text))
