"""Where a trial stands on the day its sheet is made: which sheet it gets, and what to flag.

A record's status is what the sponsor last wrote, and records go stale: a trial "not yet
recruiting" in a record untouched since 2018, or "recruiting" two years after its planned
end, must not invite anyone to wait or to join. This module reads the status against the
record's own dates and the sheet's date; `content.py` words what it finds.

Dates given only to the month ("2026-06") count as the month's last day, so a check never
fires early: a banner must be right, even if that makes it a few weeks late.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sheets.model import Criterion, PlainCriterion, Trial

# Statuses under which a person can still join (or ask for) the treatment: these get the
# sheet for joining, with its tick list. Every other status, and a record that gives none,
# gets the short "about this trial" sheet.
OPEN_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE"})
# Statuses that will not change again: an old record of a finished trial is not stale.
FINAL_STATUSES = frozenset({"COMPLETED", "TERMINATED", "WITHDRAWN", "NO_LONGER_AVAILABLE"})
STALE_AFTER_DAYS = 365  # a record not updated for a year may no longer say where a trial is
LATE_START_MONTHS = 6  # a planned start this far past, with no opening, is a trial in doubt

_ISO = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class Standing:
    """The trial on the sheet's date. Each flag is a fact the reader is warned of."""

    joining: bool  # open or about to open: the sheet to join it
    stale_since: str = ""  # the record's last update, when over a year before the sheet
    undated: bool = False  # an open trial whose record gives no date of its last update
    late_start: str = ""  # not yet recruiting, though its planned start is over 6 months past
    past_end: str = ""  # open, though the date it planned to finish its main results has passed
    # (a late start says more, so a trial flagged for one is not flagged for the other)

    @property
    def in_doubt(self) -> bool:
        """Whether the record's own dates put its open status in doubt."""
        return bool(self.late_start or self.past_end)


def standing_of(trial: Trial, on: date) -> Standing:
    """Read ``trial``'s status against its dates, as of the day ``on``."""
    joining = trial.status in OPEN_STATUSES
    flagged = {flag for flag, day in _flag_days(trial).items() if day <= on}
    late = "late_start" in flagged
    return Standing(
        joining=joining,
        undated=joining and last_day(trial.last_updated) is None,
        stale_since=trial.last_updated if "stale" in flagged else "",
        late_start=trial.start_date if late else "",
        past_end=(trial.primary_completion_date or trial.completion_date)
        if "past_end" in flagged and not late
        else "",
    )


def next_change(trial: Trial, on: date) -> date | None:
    """The first day after ``on`` on which ``trial``'s standing changes (a banner appears),
    or None if it never does: how long a sheet made on ``on`` stays right."""
    return min((day for day in _flag_days(trial).values() if day > on), default=None)


def _flag_days(trial: Trial) -> dict[str, date]:
    """The first day each flag holds for this record, whatever the sheet's date: one place
    for the rules that both a sheet's banners and a batch's re-making read."""
    days = {}
    updated = last_day(trial.last_updated)
    if updated is not None and trial.status not in FINAL_STATUSES:
        days["stale"] = updated + timedelta(days=STALE_AFTER_DAYS + 1)  # over a year old
    start = last_day(trial.start_date)
    if trial.status == "NOT_YET_RECRUITING" and start is not None:
        days["late_start"] = _months_later(start, LATE_START_MONTHS) + timedelta(days=1)
    end = last_day(trial.primary_completion_date or trial.completion_date)
    if trial.status in OPEN_STATUSES and end is not None:
        days["past_end"] = end + timedelta(days=1)
    return days


def last_day(text: str) -> date | None:
    """ "2026-06" -> 2026-06-30, "2026-06-15" -> itself; None for anything else."""
    match = _ISO.match(text.strip())
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None and month is not None
    if not 1 <= month <= 12:
        return None
    try:
        return date(year, month, day or calendar.monthrange(year, month)[1])
    except ValueError:
        return None


def _months_later(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------------ ages said two ways

_AGE_LINE = re.compile(r"(?i)\bage[ds]?\b|\byears? old\b|\byears? of age\b")
_YEARS = r"\s*(?:years?|yrs?)?(?:\s*(?:of age|old))?"
_AGE_NUMBER = r"(?:age\s*(\d+)|(\d+)(?=\s*(?:years?|yrs?)\b))"  # an age, not a lab value
_RANGE = re.compile(rf"(\d+){_YEARS}\s*(?:-|–|to|and)\s*(\d+)\s*(?:years?|yrs?)", re.I)
_AT_LEAST = re.compile(
    rf"(?:>=|≥|at least)\s*{_AGE_NUMBER}|(\d+){_YEARS}\s*(?:and|or)\s*(?:older|above|over|beyond)", re.I
)
_MORE_THAN = re.compile(rf"(?:(?<![<>])>(?!=)|more than|older than|over|above)\s*{_AGE_NUMBER}", re.I)
_AT_MOST = re.compile(rf"(?:<=|≤|at most|up to)\s*{_AGE_NUMBER}", re.I)
_LESS_THAN = re.compile(rf"(?:(?<![<>])<(?!=)|less than|younger than|under|below)\s*{_AGE_NUMBER}", re.I)
_CONDITIONAL = re.compile(r"(?i)^\W*(?:for|if|in|when|among)\b")  # "For adolescents under 18, ..."


def age_conflict(trial: Trial, criteria: Sequence[Criterion | PlainCriterion]) -> str:
    """The first inclusion criterion whose age limits differ from the record's age fields
    ("more than 3 years and less than 16 years" against "3 Years" to "16 Years"), as written;
    "" when they agree or either side gives none. Ages are compared in whole years, so "more
    than 17" agrees with 18, and "under 60" does not agree with a maximum of 60."""
    low, high = _field_years(trial.eligibility.minimum_age), _field_years(trial.eligibility.maximum_age)
    if low is None and high is None:
        return ""
    for criterion in criteria:
        if criterion.kind != "inclusion" or not _AGE_LINE.search(criterion.original):
            continue
        if _CONDITIONAL.match(criterion.original):
            continue  # an age that picks out a group, not the trial's age limit
        said_low, said_high = _criterion_years(criterion.original)
        if (said_low is not None and low is not None and said_low != low) or (
            said_high is not None and high is not None and said_high != high
        ):
            return criterion.original
    return ""


def _field_years(text: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+)\s*years?\s*", text, re.I)
    return int(match[1]) if match else None


def _criterion_years(text: str) -> tuple[int | None, int | None]:
    """(youngest, oldest) whole years an inclusion criterion allows, where it says."""
    found = _RANGE.search(text)
    if found:
        return int(found[1]), int(found[2])
    low = high = None
    if (match := _AT_LEAST.search(text)) is not None:
        low = _number(match)
    elif (match := _MORE_THAN.search(text)) is not None:
        low = _number(match) + 1
    if (match := _AT_MOST.search(text)) is not None:
        high = _number(match)
    elif (match := _LESS_THAN.search(text)) is not None:
        high = _number(match) - 1
    return low, high


def _number(match: re.Match[str]) -> int:
    return int(next(group for group in match.groups() if group))
