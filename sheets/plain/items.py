"""An item as the criteria parser builds it, and the tests of whether a line belongs to it.

A line either starts a criterion, carries on the one above (a wrapped line, a lower-case
start, an "OR" between two items), or is a sub-item of it; these small tests decide, so
the parser (criteria.py) reads as the order in which they are asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sheets.model import CriterionKind
from sheets.plain.headings import _SENTENCE_END, _is_group_label

CUT_MID_PHRASE = re.compile(r"[a-z)]\s+(?:or|and)$")  # "Free of chronic disease or": cut mid-phrase


@dataclass
class Item:
    """A criterion being read: its text so far, where it sits, and the sub-items under it."""

    kind: CriterionKind
    text: str
    heading: str
    indent: int
    style: str
    details: list[str] = field(default_factory=list)
    detail_indent: int | None = None
    flat: bool = False  # its sub-items sit at its own level, under a lead ending in ":"
    from_header: bool = False  # the text after "Exclusion:" on the header's own line
    took_heading: str = ""  # the heading this item was the first to use, if any
    took_group: bool = False  # whether it was the first item of its group


def append(item: Item, text: str) -> None:
    """A wrapped line goes on the last thing the item holds: its text or its last sub-item."""
    if item.details:
        item.details[-1] = f"{item.details[-1]} {text}"
    else:
        item.text = f"{item.text} {text}"


def continues(item: Item, text: str, indent: int) -> bool:
    """Whether an unmarked line carries on the item above rather than starting its own."""
    if text.endswith(":") and indent <= item.indent and _is_group_label(text):
        return False  # "for healthy volunteers:" under an item starts a group of its own
    if item.style == "plain":
        return text[:1].islower()
    if indent > item.indent:
        return True
    previous = item.details[-1] if item.details else item.text
    return text[:1].islower() or (not _SENTENCE_END.search(previous) and not previous.endswith(":")
                                  and text[:1] in "(≥≤<>=0123456789")


def is_flat_sub_item(parent: Item, text: str, indent: int, style: str) -> bool:
    """An item at its lead's own level that still belongs to that lead."""
    if indent != parent.indent or style != parent.style or text.endswith(":"):
        return False  # another lead ending in ":" starts a list of its own
    if not style.startswith("bullet"):
        return False  # "1.", "2.": numbers say the items are separate criteria
    return parent.flat or (not parent.details and parent.text.endswith(":"))
