"""Reading-grade measures: Flesch-Kincaid grade level and SMOG, computed offline.

Syllables come from Pyphen's hyphenation dictionary (a WeasyPrint dependency, so no new
package and no run-time download). Sentences end at . ! ? or a line end, but never inside a
number ("1.5"), an abbreviation with dots ("e.g.") or a decimal unit; a criterion is at least
one sentence even without a full stop.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import pyphen

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")
_SENTENCE_END = re.compile(r"(?<!\d)[.!?]+(?=\s|$)|(?<=\d)[.!?]+(?=\s+[A-Z]|$)|[;:]?\n+")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@cache
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@cache
def syllables(word: str) -> int:
    """Syllables in one word; a number counts as one word of its spoken length, at least 1."""
    if word[0].isdigit():
        return max(1, len(word.replace(",", "").replace(".", "")) // 2 + 1)
    lower = word.lower().strip("'’-")
    if not lower:
        return 1
    by_dictionary = len(_dictionary().positions(lower)) + 1
    by_vowels = len(_VOWEL_GROUPS.findall(lower)) - (lower.endswith("e") and not lower.endswith("le"))
    return max(1, by_dictionary, min(by_vowels, by_dictionary + 1))


@dataclass(frozen=True)
class TextCounts:
    sentences: int
    words: int
    syllables: int
    polysyllables: int

    def __add__(self, other: TextCounts) -> TextCounts:
        return TextCounts(
            self.sentences + other.sentences,
            self.words + other.words,
            self.syllables + other.syllables,
            self.polysyllables + other.polysyllables,
        )


def counts(text: str) -> TextCounts:
    words = _WORD.findall(text)
    if not words:
        return TextCounts(0, 0, 0, 0)
    pieces = [p for p in _SENTENCE_END.split(text) if _WORD.search(p)]
    per_word = [syllables(w) for w in words]
    return TextCounts(max(1, len(pieces)), len(words), sum(per_word), sum(s >= 3 for s in per_word))


def total_counts(texts: Iterable[str]) -> TextCounts:
    result = TextCounts(0, 0, 0, 0)
    for text in texts:
        result = result + counts(text)
    return result


def flesch_kincaid_grade(c: TextCounts) -> float:
    if not c.words:
        return 0.0
    return 0.39 * c.words / c.sentences + 11.8 * c.syllables / c.words - 15.59


def smog_grade(c: TextCounts) -> float:
    if not c.sentences:
        return 0.0
    return 1.0430 * math.sqrt(c.polysyllables * 30 / c.sentences) + 3.1291


def reading_grade(texts: Iterable[str]) -> float:
    """Flesch-Kincaid grade of the texts taken together, each text at least one sentence."""
    return round(flesch_kincaid_grade(total_counts(texts)), 1)
