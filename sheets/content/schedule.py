"""When things happen in a trial: the treatment cycle, how often the main outcome is checked,
how long people are followed. Read from the summary, the arms and the outcomes' time frames,
for the overview and the coordinator's questions.
"""

from __future__ import annotations

import re
from collections import Counter

from sheets.content.facts import UNIT_DAYS, number_from_word
from sheets.model import Trial


def _schedule_texts(trial: Trial) -> list[str]:
    outcomes = (*trial.primary_outcomes, *trial.secondary_outcomes)
    return [
        trial.brief_summary,
        trial.detailed_description,
        *(a.description for a in trial.arms),
        *(i.description for i in trial.interventions),
        *(o.time_frame for o in outcomes),
        *(o.description for o in outcomes),
    ]


def cycle_days(trial: Trial) -> int | None:
    """The treatment cycle length in days, the one the record gives most often."""
    pattern = re.compile(
        r"(?i)\b(\d+)[- ]day (?:treatment )?cycles?"
        r"|\bcycles? (?:is|are|of|lasts?|lasting|=)\s+(\d+) days"
        r"|\b(?:treatment |cycles? )?repeats? every (\d+) days"
        r"|\beach cycle (?:is|being|lasting) (\d+) days"
    )
    found = Counter(
        int(next(g for g in m.groups() if g))
        for text in _schedule_texts(trial)
        for m in pattern.finditer(text)
    )
    found = Counter({days: n for days, n in found.items() if 5 <= days <= 90})
    return found.most_common(1)[0][0] if found else None


def check_every(trial: Trial) -> str:
    """ "6 weeks" when the main outcome is checked at a regular interval in weeks or months."""
    for outcome in trial.primary_outcomes:
        found = re.search(r"(?i)\bevery\s+(\d+)\s+(weeks|months)\b", outcome.time_frame)
        if found:
            return f"{found[1]} {found[2].lower()}"
    return ""


def follow_up(trial: Trial) -> str:
    """The longest time the outcomes follow people ("67 months"), if it is 2 weeks or more."""
    best, best_days = "", 0
    outcomes = (*trial.primary_outcomes, *trial.secondary_outcomes)
    for text in (o.time_frame for o in outcomes):
        text = re.sub(r"(?i)\b(one|two|three|four|five|six)\b", lambda m: str(number_from_word(m[1])), text)
        spans = re.findall(r"(?i)\b(\d+)\s*(day|week|month|year)s?\b", text)
        spans += [(n, u) for u, n in re.findall(r"(?i)\b(day|week|month|year)\s+(\d+)\b", text)]
        for number, unit in spans:
            days = int(number) * UNIT_DAYS[unit.lower()]
            if days > best_days:
                best = f"{int(number)} {unit.lower()}{'s' if int(number) != 1 else ''}"
                best_days = days
    return best if best_days >= 14 else ""
