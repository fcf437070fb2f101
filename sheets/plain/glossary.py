"""The glossary of abbreviations and medical words (``data/glossary.toml``) and its lookups.

A term may have several senses; each non-default sense lists context patterns, and the one
whose pattern matches the surrounding text wins ("PR" near "RECIST" is a partial response,
near "estrogen" a progesterone receptor). Meanings the trial defines itself come first.
A term whose senses all need a context (an ambiguous one, such as "SCD") has no default:
when nothing matches it stays unexplained rather than guessed. A word is not explained
where it is only part of a longer term that means something else (``not_in``: "zonular
dialysis" is a tear in the eye, not kidney dialysis).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Entry:
    term: str
    expansion: str
    plain: str
    category: str
    context: tuple[re.Pattern[str], ...] = ()
    source: str = ""
    not_in: tuple[re.Pattern[str], ...] = ()  # longer terms in which this one means something else

    @property
    def is_abbreviation(self) -> bool:
        return bool(self.expansion)


class Glossary:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self._by_term: dict[str, list[Entry]] = {}
        for entry in entries:
            key = entry.term if entry.is_abbreviation else entry.term.lower()
            self._by_term.setdefault(key, []).append(entry)
        words = sorted((e.term for e in entries if not e.is_abbreviation), key=len, reverse=True)
        self.word_pattern = re.compile(
            r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])", re.I
        ) if words else re.compile(r"(?!x)x")

    def lookup(self, term: str, context: str = "", wider: str = "") -> Entry | None:
        """The sense of ``term`` its context calls for; "HIV-infected" and "RECIST1" find their base.

        ``context`` is the criterion; ``wider`` is the whole eligibility text. The trial's own
        definition ("subjective cognitive decline (SCD)") comes first: the sense it names, or
        None when it names none of ours, so the caller shows the trial's words. Then a sense
        whose context matches the criterion, then one matching the wider text, then the
        default sense; a term with no default (every sense needs a context) gives None.
        """
        senses: list[Entry] | None = None
        for candidate in _candidates(term):
            senses = self._by_term.get(candidate) or self._by_term.get(candidate.lower())
            if senses:
                break
        if not senses:
            return None
        senses = [s for s in senses if not _only_inside_longer_terms(s, context or wider)]
        if not senses:
            return None
        own = _defined_in(wider or context) if senses[0].is_abbreviation else {}
        if defined := own.get(term) or own.get(senses[0].term):
            return _sense_named(defined, senses)
        for text in (context or term, wider):
            lowered = _lowered(text)
            for sense in senses:
                if lowered and sense.context and any(_finds(p, lowered) for p in sense.context):
                    return sense
        return next((s for s in senses if not s.context), None)

    def ambiguous(self) -> list[str]:
        """Terms with no default sense: explained only where a context names their meaning."""
        return [term for term, senses in self._by_term.items() if all(s.context for s in senses)]


# A sheet looks up hundreds of terms against the same whole eligibility text: lowering it and
# searching it once per pattern, not once per lookup, keeps a long record's sheet linear.
@lru_cache(maxsize=64)
def _lowered(text: str) -> str:
    return text.lower()


@lru_cache(maxsize=8192)
def _finds(pattern: re.Pattern[str], lowered: str) -> bool:
    return pattern.search(lowered) is not None


@lru_cache(maxsize=4096)
def _only_inside_longer_terms(sense: Entry, text: str) -> bool:
    """Whether every use of the term in ``text`` is inside one of its ``not_in`` phrases."""
    if not sense.not_in or not text:
        return False
    lowered = _lowered(text)
    uses = [m.span() for m in re.finditer(
        r"(?<![\w-])" + re.escape(sense.term.lower()) + r"(?![\w-])", lowered
    )]  # fmt: skip
    phrases = [m.span() for pattern in sense.not_in for m in pattern.finditer(lowered)]
    return bool(uses) and all(
        any(start <= use_start and use_end <= end for start, end in phrases)
        for use_start, use_end in uses
    )


@lru_cache(maxsize=32)
def _defined_in(text: str) -> dict[str, str]:
    return inline_definitions(text) if text else {}


_FILLER = frozenset("of the and a an in for to with by on or".split())
_GENERIC = frozenset({"disea", "disor", "syndr", "condi"})  # words that alone name nothing


def _words(phrase: str) -> set[str]:
    """A full form's telling words, cut to 5 letters so "dermatitis" meets "dermatitides"."""
    cleaned = re.sub(r"['’]s\b", "", phrase.lower())
    return {w[:5] for w in re.split(r"[^a-z0-9]+", cleaned) if w and w not in _FILLER}


def _sense_named(defined: str, senses: list[Entry]) -> Entry | None:
    """The sense whose full form best shares the trial's words ("pocket depth" names "probing
    depth"); None when no sense shares a telling word ("cleft palate" is not cerebral palsy)."""
    theirs = _words(defined)
    best, best_score = None, 0.0
    for sense in senses:
        ours = _words(sense.expansion)
        if not (ours & theirs) - _GENERIC:
            continue
        score = len(ours & theirs) / len(ours | theirs)
        if score > best_score:
            best, best_score = sense, score
    return best


def _candidates(term: str) -> list[str]:
    candidates = [term]
    if term.endswith("s") and len(term) > 2:
        candidates.append(term[:-1])
    if "-" in term:
        base = term.split("-")[0]
        candidates += [base, base.rstrip("0123456789")]
    stripped = term.rstrip("0123456789")
    if stripped != term and len(stripped) >= 2:
        candidates.append(stripped)
    return candidates


def parse_glossary(text: str) -> Glossary:
    """A glossary from TOML text in the ``data/glossary.toml`` schema."""
    data = tomllib.loads(text)
    return Glossary(
        [
            Entry(
                term=raw["term"],
                expansion=raw.get("expansion", ""),
                plain=raw["plain"],
                category=raw.get("category", "other"),
                context=tuple(re.compile(p) for p in raw.get("context", [])),
                source=raw.get("source", ""),
                not_in=tuple(re.compile(p) for p in raw.get("not_in", [])),
            )
            for raw in data.get("entry", [])
        ]
    )


@cache
def glossary() -> Glossary:
    return parse_glossary((files("sheets") / "data" / "glossary.toml").read_text("utf-8"))


def _meaning(entry: dict) -> str:
    """How a sheet's word list words an entry: "full form: plain meaning", or the meaning."""
    return f"{entry['expansion']}: {entry['plain']}" if entry.get("expansion") else entry["plain"]


@cache
def meanings_in(lang: str) -> dict[tuple[str, str], str]:
    """(term, English meaning) and ("", English meaning) -> the meaning in ``lang``.

    The plain lines are English, so terms are found with the English glossary; the word list
    then shows each meaning from ``data/lang/<lang>/glossary.toml`` (English where it lacks one).
    """
    from sheets.i18n import data

    english, translated = data("glossary", "en")["entry"], data("glossary", lang)["entry"]
    found: dict[tuple[str, str], str] = {}
    for before, after in zip(english, translated, strict=False):  # a translation may lag
        found[(before["term"].lower(), _meaning(before))] = _meaning(after)
        found.setdefault(("", _meaning(before)), _meaning(after))
    return found


# Each starts only at a word's start (the look-behind): begun inside a long word, the run of
# word characters would be scanned again from every letter, quadratic in the word's length.
_INLINE = re.compile(
    r"(?<![\w'’/-])(?P<long>[A-Za-z][\w'’/-]*(?:\s+[\w'’/-]+){0,7})\s*\((?P<short>[A-Za-z][A-Za-z0-9-]{1,11})[;,)]"
)
_INLINE_REVERSED = re.compile(
    r"(?<![\w-])(?P<short>[A-Za-z][A-Za-z0-9-]{1,11})\s*\((?P<long>[A-Za-z][\w'’/ -]{3,80})\)"
)


def inline_definitions(text: str) -> dict[str, str]:
    """Abbreviations the text defines itself: "absolute neutrophil count (ANC)" -> ANC.

    The expansion is the run of words before the brackets whose initials spell the
    abbreviation (letters may also come from inside a word, as in "eGFR").
    """
    found: dict[str, str] = {}
    for match in _INLINE.finditer(text):
        short = match["short"]
        if sum(ch.isupper() for ch in short) < 2 or short in found:
            continue
        expansion = _expansion_for(short, match["long"].split())
        if expansion:
            found[short] = expansion
    for match in _INLINE_REVERSED.finditer(text):
        short, words = match["short"], match["long"].split()
        if short in match["long"]:
            continue  # "HSD (H-HSD)": a longer code, not a full form
        if sum(ch.isupper() for ch in short) >= 2 and short not in found:
            expansion = _expansion_for(short, words)
            if expansion and expansion.split()[0] == words[0]:
                found[short] = " ".join(words)
    return found


def _expansion_for(short: str, words: list[str]) -> str:
    letters = [ch.lower() for ch in short if ch.isalpha()]
    for start in range(len(words) - 1, -1, -1):
        candidate = words[start:]
        if candidate[0][0].lower() != letters[0]:
            continue
        if _spells(letters, " ".join(candidate).lower()):
            return " ".join(candidate).strip(",;:")
    return ""


def _spells(letters: list[str], phrase: str) -> bool:
    """Whether the letters appear in order in the phrase, the first at its start."""
    position = 0
    for letter in letters:
        position = phrase.find(letter, position)
        if position < 0:
            return False
        position += 1
    return len(phrase.split()) <= len(letters) + 3

