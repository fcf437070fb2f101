"""Symbols, ranges and units spelled out, so a criterion reads as words and keeps its numbers.

Every digit that goes in comes out: comparators become words ("≥ 18" -> "at least 18", and
the typed-out forms ">/= 18", "=/>", "> or =" the same), ranges become "18 to 75", and units
keep their numbers. Hyphenated numbers that name something rather than span a range
("protocol 17-385", "NCT 03-123", "ICD-10 F20-F29", a date "2019-01-15") keep their hyphen.
Nothing here changes meaning.
"""

from __future__ import annotations

import re

_NUMBER = r"\d+(?:[.,]\d+)*"

_REPLACEMENTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (r"(?i)\b(?:(?:greater|more|higher|larger|older) than or equal to|equal to or (?:greater|more|higher|older) than"
         r"|(?:greater|more|higher) or equal (?:to|than)|equal or (?:greater|more|higher) than|not (?:less|lower|younger) than"
         r"|no (?:less|lower|younger) than)\b", " at least "),
        (r"(?i)\b(?:(?:less|lower|smaller|fewer|younger) than or equal to|equal to or (?:less|lower|smaller|fewer|younger) than"
         r"|(?:less|lower) or equal (?:to|than)|equal or (?:less|lower) than|not (?:more|greater|higher|older) than"
         r"|no (?:more|greater|higher|older) than)\b", " at most "),
        (r"(?i)\b(?:greater|higher) than\b", " more than "),
        (r"(?i)\blower than\b", " less than "),
        # ">/=", "=/>", "> or =", "≥/=": a comparator typed out, "or equal" in words
        (r"(?:>|≥)\s*(?:/|or)\s*(?:=|equal(?:\s+to)?\b)|=\s*/\s*(?:>|≥)", " at least "),
        (r"(?:<|≤)\s*(?:/|or)\s*(?:=|equal(?:\s+to)?\b)|=\s*/\s*(?:<|≤)", " at most "),
        (r"(?<=\d)\s?\+(?=\s*(?:years?\b|yrs?\b|$|[,;.)]))", " or more"),
        (r"\+/-|±", " plus or minus "),
        (r"≥|>=|=>|≧|⩾", " at least "),
        (r"≤|<=|=<|≦|⩽", " at most "),
        (r"(?<![<>=-])>(?![>=])", " more than "),
        (r"(?<![<>=-])<(?![<=])", " less than "),
        (r"\band/or\b", " or "),
        (r"(?i)\bi\.e\.,?", " that is, "),
        (r"(?i)\be\.g\.,?", " for example, "),
        (r"(?i)\betc\.", " and so on."),
        (r"(?i)\bvs\.?(?=\s)", " versus "),
        (r"\bx\s?ULN\b|×\s?ULN\b|\*\s?ULN\b", " times ULN"),
        (r"(?<=\d)\s?[x×]\s?(?=\d)", " × "),
        (r"(?i)(?:\b|(?<=\d))yrs?\b", " years"),
        (r"(?<=\d)(?=(?:years|months|weeks|days|hours|kg|mg|g|mL|ml|cm|mm)\b)", " "),
        (r"µ|μ", "micro"),
    )
)
_DASH = r"(?:-|–|—|~)"
# A range: not a piece of a longer chain ("2019-01-15", "1-2-3"), not glued to letters ("F20-F29").
_RANGE = re.compile(
    rf"(?<![\w.])(?<!\d{_DASH})({_NUMBER})\s?{_DASH}\s?({_NUMBER})"
    rf"(?![\w.]*\d\.\d)(?!\s*[a-zA-Z]*\d)(?!\s?{_DASH}\s?\d)"
)
# Words that make the hyphenated numbers after them a name or a code, not a range.
_IDENTIFIER_BEFORE = re.compile(
    r"(?i)(?:\b(?:protocol|study|trial|number|no\.|nr\.?|code|codes|version|ver\.|v\.|nct|irb|id|"
    r"ref\.?|reference|registration|approval|lot|batch|isrctn|eudract|icd(?:-?\d+)?)|#)\s*[:#]?\s*$"
)
_APPROX = re.compile(rf"~\s?(?={_NUMBER})")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:)])(?![\d.,])")
_SPACE_AFTER_OPEN = re.compile(r"\(\s+")


_FULL_WIDTH = str.maketrans("（），；：。！？＜＞≧≦～＝％", "(),;:.!?<>≥≤~=%")


_LOW = {"≤": "at least", "<=": "at least", "<": "more than", "≦": "at least", "⩽": "at least"}
_HIGH = {"≤": "at most", "<=": "at most", "<": "less than", "≦": "at most", "⩽": "at most"}
# Starts only at a number's start, the number atomic: linear in a long run of digits.
_BOUNDED = re.compile(
    r"(?<![\d.,])(?P<low>(?>\d+(?:[.,]\d+)?))\s*(?P<unit>[A-Za-z%/]*)\s*(?P<c1><=|≤|<|≦|⩽)\s*"
    r"(?P<name>[A-Za-z][\w /-]{0,30}?)\s*(?P<c2><=|≤|<|≦|⩽)\s*(?P<high>\d+(?:[.,]\d+)?)"
)


def _bounded(match: re.Match[str]) -> str:
    unit = f" {match['unit']}" if match["unit"] else ""
    return (f"{match['name'].strip()} {_LOW[match['c1']]} {match['low']}{unit} and "
            f"{_HIGH[match['c2']]} {match['high']}")


_BETWEEN_TO = re.compile(r"(?i)(\bbetween\s+\d+(?:[.,]\d+)*(?:\s*[a-z%/²]+(?:/[a-z0-9²]+)?)?)\s+to\s+(?=\d)")


def spell_out(text: str) -> str:
    """Comparators, ranges and shorthand as words; numbers and units untouched."""
    text = text.translate(_FULL_WIDTH)
    text = _BOUNDED.sub(_bounded, text)  # "145 mmHg ≤ SBP ≤ 190 mmHg": SBP between the two
    text = _RANGE.sub(_range, text)
    text = _BETWEEN_TO.sub(r"\1 and ", text)  # "between 30-70" reads "between 30 and 70"
    text = _APPROX.sub("about ", text)
    for pattern, words in _REPLACEMENTS:
        text = pattern.sub(words, text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AFTER_OPEN.sub("(", text)
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text).strip()


def _range(match: re.Match[str]) -> str:
    """ "18-75" -> "18 to 75", but "protocol 17-385" and "NCT 03-123" keep their hyphen."""
    if _IDENTIFIER_BEFORE.search(match.string[: match.start()]):
        return match.group(0)
    return f"{match[1]} to {match[2]}"


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    """The numbers a text holds, thousands separators dropped ("1,500" -> "1500")."""
    return [n.replace(",", "") for n in _DIGITS.findall(text)]


def keeps_numbers(original: str, plain: str) -> bool:
    """True when every number of the original (with its count) is in the plain text."""
    remaining = numbers_in(plain)
    for number in numbers_in(original):
        if number in remaining:
            remaining.remove(number)
        else:
            return False
    return True
