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
from dataclasses import dataclass
from datetime import date, timedelta

from .model import Trial

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
    updated = last_day(trial.last_updated)
    stale = (
        trial.status not in FINAL_STATUSES
        and updated is not None
        and (on - updated).days > STALE_AFTER_DAYS
    )
    start = last_day(trial.start_date)
    late = (
        trial.status == "NOT_YET_RECRUITING"
        and start is not None
        and _months_later(start, LATE_START_MONTHS) < on
    )
    end = last_day(trial.primary_completion_date or trial.completion_date)
    past = joining and not late and trial.status != "AVAILABLE" and end is not None and end < on
    return Standing(
        joining=joining,
        undated=joining and updated is None,
        stale_since=trial.last_updated if stale else "",
        late_start=trial.start_date if late else "",
        past_end=(trial.primary_completion_date or trial.completion_date) if past else "",
    )


def next_change(trial: Trial, on: date) -> date | None:
    """The first day after ``on`` on which ``trial``'s standing changes (a banner appears),
    or None if it never does: how long a sheet made on ``on`` stays right."""
    days = []
    updated = last_day(trial.last_updated)
    if updated is not None and trial.status not in FINAL_STATUSES:
        days.append(updated + timedelta(days=STALE_AFTER_DAYS + 1))
    start = last_day(trial.start_date)
    if trial.status == "NOT_YET_RECRUITING" and start is not None:
        days.append(_months_later(start, LATE_START_MONTHS) + timedelta(days=1))
    end = last_day(trial.primary_completion_date or trial.completion_date)
    if trial.status in OPEN_STATUSES and trial.status != "AVAILABLE" and end is not None:
        days.append(end + timedelta(days=1))
    later = [day for day in days if day > on]
    return min(later) if later else None


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
