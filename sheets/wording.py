"""Plain words for the record's coded values: statuses, phases, sexes, ages and dates.

The words themselves are data (``data/labels.toml``); this module only picks and joins them.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@cache
def labels() -> dict[str, Any]:
    return tomllib.loads((files("sheets") / "data" / "labels.toml").read_text("utf-8"))


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
    if len(numbers) == 2 and all(n.startswith("Phase ") for n in numbers):
        return f"Phase {numbers[0][6:]} and {numbers[1][6:]}"
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
    unit = unit.lower()
    return f"{number} {unit}" if number == "1" else f"{number} {unit}s"


def age_range(minimum: str, maximum: str) -> str:
    low, high = age_phrase(minimum), age_phrase(maximum)
    if low and high:
        if low.split()[-1] == high.split()[-1]:
            return f"{low.split()[0]} to {high}"
        return f"{low} to {high}"
    if low:
        return f"{low} or older"
    if high:
        return f"up to {high}"
    return ""


_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def date_phrase(text: str) -> str:
    """ "2026-06" -> "June 2026"; "2022-09-16" -> "September 16, 2022"; else as written."""
    match = _ISO.match(text.strip())
    if not match:
        return text.strip()
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return text.strip()
    name = MONTHS[int(month) - 1]
    return f"{name} {int(day)}, {year}" if day else f"{name} {year}"


def today_phrase(today: date) -> str:
    return date_phrase(today.isoformat())


def count_phrase(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else plural or singular + 's'}"
