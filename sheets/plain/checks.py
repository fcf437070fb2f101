"""The engine's own faithfulness checks: a rewrite that fails one is not printed.

Each check compares the criterion as spelled out (symbols as words) with a candidate plain
text, the frame already removed: every number kept, every negation kept, every comparison
kept with its number. A rewrite may be plainer than the study's words but never say less;
when a check fails the engine keeps the study's own words instead.
"""

from __future__ import annotations

import re

from sheets.plain.normalise import keeps_numbers

_NEGATION = re.compile(
    r"(?i)\b(?:not|no|never|without|unable|cannot|can't|none|neither|nor|non|except|excluding|"
    r"unless|lack|lacking|refuse[sd]?|refusal|unwilling|inability|absence|free of|other than|"
    r"apart from|\w+n't)\b|\bnon-"
)
COMPARATORS = ("at least", "at most", "more than", "less than", "up to", "between")
_PAIR = re.compile(rf"(?i)\b({'|'.join(COMPARATORS)})\s+(\d+(?:[.,]\d+)*)")
_SAME = {  # what a comparison may also be written as in the plain text, "{n}" its number
    "at least": (r"{n}\s*(?:\w+\s+)?or (?:more|older|higher|above|over|greater)",),
    "at most": (r"{n}\s*(?:\w+\s+)?or (?:less|younger|lower|below|under|fewer)", r"up to {n}",
                r"no more than {n}", r"\d+(?:[.,]\d+)? to {n}"),
    "between": (r"{n} to \d", r"{n} and \d"),
}


# The number and each word are atomic (?>...) and a word is at most 40 letters: given back
# letter by letter, or run to the end of a long unbroken string from every number in it, the
# search would be quadratic.
_OR_MORE = re.compile(
    r"(?i)(?<![\d.,])((?>\d+(?:[.,]\d+)*))\s*(?:(?>[\w/%-]{1,40})\s+){0,3}?or\s+"
    r"(more|older|over|higher|greater|above|less|younger|lower|fewer|below)\b"
)


def _upward(word: str) -> bool:
    """ "18 or more" and "18 or older" say the same; "or less" and "or younger" the other way."""
    return word.lower() in ("more", "older", "over", "higher", "greater", "above")


def negations(text: str) -> int:
    return len(_NEGATION.findall(text))


def comparisons(text: str) -> list[tuple[str, str]]:
    """(comparator, number) pairs: ("at least", "18") for "at least 18 years"."""
    return [(cmp.lower(), number) for cmp, number in _PAIR.findall(text)]


def keeps_comparison(cmp: str, number: str, plain: str) -> bool:
    if re.search(rf"(?i)\b{cmp}\s+{re.escape(number)}(?![\d.,]\d)", plain):
        return True
    if cmp == "at least" and re.search(rf"(?i)\b{re.escape(number)}\s+to\s+\d", plain):
        return True  # "at least 18 and at most 65" read as "18 to 65"
    return any(re.search("(?i)" + same.format(n=re.escape(number)), plain) for same in _SAME.get(cmp, ()))


def problems(source: str, plain: str) -> list[str]:
    """What the plain text lost of the source: numbers, negations, comparisons."""
    found = []
    if not keeps_numbers(source, plain):
        found.append("a number is lost")
    if negations(plain) < negations(source):
        found.append("a negation is lost")
    for cmp, number in comparisons(source):
        if not keeps_comparison(cmp, number, plain):
            found.append(f"'{cmp} {number}' is lost")
    kept = {(n, _upward(w)) for n, w in _OR_MORE.findall(plain)}
    for number, word in _OR_MORE.findall(source):
        up = _upward(word)
        if (number, up) not in kept and not keeps_comparison("at least" if up else "at most", number, plain):
            found.append(f"'{number} or {word}' is lost")
    return found
