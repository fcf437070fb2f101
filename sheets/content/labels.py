"""Plain words for the record's coded values: statuses, phases, sexes, ages and dates.

The words themselves are data (``data/labels.toml`` and its translations, read through
``i18n`` in the current language); this module only picks and joins them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sheets import i18n


def labels() -> dict[str, Any]:
    return i18n.data("labels")


def _humanise(code: str) -> str:
    return code.replace("_", " ").capitalize()


def status_label(code: str) -> str:
    return labels()["status"].get(code, _humanise(code)) if code else ""


def phase_label(phases: tuple[str, ...]) -> str:
    """"Phase 2", "Phase 1 and 2"; empty when the record gives no phase."""
    names = labels()["phase"]
    if phases == ("NA",):
        return names["NA"]
    numbers = [names.get(p, _humanise(p)) for p in phases if p != "NA"]
    lead = names["PHASE1"].rstrip("1")  # "Phase ", "Fase "
    if len(numbers) == 2 and all(n.startswith(lead) for n in numbers):
        first, second = (n[len(lead) :] for n in numbers)
        return i18n.text("words.phase_pair", first=first, second=second)
    return " / ".join(numbers)


def phase_meaning(phases: tuple[str, ...]) -> str:
    meanings = labels()["phase_meaning"]
    return "; ".join(meanings[p] for p in phases if p in meanings)


def study_type_label(code: str) -> str:
    return labels()["study_type"].get(code, _humanise(code)) if code else ""


def sex_label(code: str) -> str:
    return labels()["sex"].get(code, _humanise(code)) if code else ""


_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)


def age_phrase(text: str) -> str:
    """ "18 Years" -> "18 years"; "1 Month" -> "1 month"; anything else stays as written."""
    match = _AGE.match(text)
    if not match:
        return text.strip()
    number, unit = match.groups()
    return f"{number} {i18n.noun(1 if number == '1' else 2, unit.lower())}"


def age_range(minimum: str, maximum: str) -> str:
    low, high = age_phrase(minimum), age_phrase(maximum)
    if low and high:
        if low.split()[-1] == high.split()[-1]:
            return i18n.text("words.range", low=low.split()[0], high=high)
        return i18n.text("words.range", low=low, high=high)
    if low:
        return i18n.text("words.or_older", low=low)
    if high:
        return i18n.text("words.up_to", high=high)
    return ""


_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def date_phrase(text: str) -> str:
    """ "2026-06" -> "June 2026"; "2022-09-16" -> "September 16, 2022" (written for the
    current language); anything else as written."""
    match = _ISO.match(text.strip())
    if not match:
        return text.strip()
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return text.strip()
    if not day:
        return i18n.format_month(int(year), int(month))
    try:
        return i18n.format_day(date(int(year), int(month), int(day)))
    except ValueError:
        return text.strip()


def today_phrase(today: date) -> str:
    return date_phrase(today.isoformat())


def span_phrase(text: str) -> str:
    """ "67 months" (as questions_facts reads a time span) in the sheet's language; anything
    else as it is."""
    found = re.fullmatch(r"(\d+) (day|week|month|year)s?", text)
    return count_phrase(int(found[1]), found[2]) if found else text


def count_phrase(count: int, noun: str) -> str:
    """ "1 site", "1,234 people": ``noun`` is a key of the ``[count]`` strings."""
    return i18n.count(count, noun)
