"""Finding the terms a sheet must explain, and explaining each one once.

One finder serves both places a reader meets an explanation: the words under a criterion's
line (the first line to use a term explains it) and the sheet's "Words on this sheet" list
(every term used elsewhere on the sheet, and any a line used without explaining it). Both
use the same tokens, the same skips (product codes, "dB HL") and the same choice of sense
(the trial's own definition first, then the glossary's sense for the context), so the two
cannot disagree about what a term means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sheets.plain.glossary import Glossary, glossary, inline_definitions

LINE = "\n"  # separates the lines a criterion shows as: a lead ending in ":" and its items

_ABBREVIATION = re.compile(
    r"(?<![\w-])(?=[\w-]*[A-Z][\w-]*[A-Z])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![\w])"
)
_ROMAN = re.compile(r"^[IVX]+(?:-[IVX]+)?[a-cA-C]?$")
NOT_ABBREVIATIONS = frozenset(  # English words sometimes written in capitals
    "AND OR NOT FOR THE WITH AGE ALL ANY NO YES IF OF TO IN ON AT BY AN AS IS ARE BE NONE ONLY "
    "BOTH EACH ALSO WILL FROM THAT THIS INTO PLUS OTHER AFTER BEFORE DURING WITHIN MUST NOTE "
    "FOCUS GROUP GROUPS PILOT FULL GOAL INPUT STAR TOTAL TOPS MOTIVE VAPE".split()
)


_AFTER_DB = re.compile(r"\bdB\s+([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\b")
# "ANC (absolute neutrophil count)": a term its bracket explains; not "pegIFN (or IFN)", an
# alternative, nor "(e.g. ...)", an example.
_BEFORE_BRACKET = re.compile(
    r"(?<![\w-])([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\s*\((?!\s*(?:or|and|e\.g\.|eg|for example|such as)\b)"
)


def abbreviations_in(text: str) -> list[str]:
    """Abbreviation-like tokens: two or more capitals, not roman numerals or shouted words."""
    found = []
    for match in _ABBREVIATION.finditer(text):
        token = match.group(0)
        core = token.split("-")[0] if "-" in token else token
        if _ROMAN.match(token) or token.upper() in NOT_ABBREVIATIONS:
            continue
        if sum(ch.isupper() for ch in core) < 2 or sum(ch.islower() for ch in core) > sum(
            ch.isupper() for ch in core
        ):
            continue  # "Ehlers-Danlos", "NovoMix": names, not abbreviations
        if token.isalpha() and token.isupper() and len(token) >= 7:
            continue  # a shouted word, not an abbreviation
        found.append(token)
    return found


@dataclass(frozen=True)
class Found:
    """A term in a sentence: as written ("HIV-infected"), the term to explain ("HIV"), its
    plain meaning ("" when none is known), and how the word list shows it (an abbreviation's
    full form first: "ECOG: Eastern Cooperative Oncology Group: a scale ...")."""

    written: str
    term: str
    meaning: str
    listed: str
    abbreviation: bool


@dataclass
class Explainer:
    """Explains each term the first time the sheet uses it, and remembers what it explained."""

    glossary: Glossary
    defined: Mapping[str, str]
    document: str = ""  # the whole eligibility text, for senses one criterion cannot settle
    explained: set[str] = field(default_factory=set)
    unexplained: list[str] = field(default_factory=list)
    abbreviation_count: int = 0

    def found(self, sentence: str, context: str) -> Iterator[Found]:
        """Every term the sentence uses, in the order the rules find them: abbreviations
        (not product codes such as "JS001", not a unit's scale such as "dB HL"), then
        glossary words."""
        scales = set(_AFTER_DB.findall(sentence))  # found once: a search per token is quadratic
        for token in abbreviations_in(sentence):
            if sum(ch.isdigit() for ch in token) >= 2 and self.glossary.lookup(token) is None:
                continue  # "JS001", "C40X": a product or model code, not an abbreviation
            if token in scales:
                continue  # "dB HL", "dB SPL": a unit's scale, not the abbreviation's usual sense
            entry = self.glossary.lookup(token, context, self.document)
            if entry is None:
                meaning = self.defined.get(token, "")
                yield Found(token, token, meaning, meaning, True)
                continue
            named_here = token in self.defined or entry.term.lower() == token.lower()
            listed = f"{entry.expansion}: {entry.plain}" if entry.expansion else entry.plain
            yield Found(token, token if named_here else entry.term, entry.plain, listed, True)
        for match in self.glossary.word_pattern.finditer(sentence):
            word = match.group(0)
            entry = self.glossary.lookup(word.lower(), context, self.document)
            if entry is not None:
                yield Found(word, word, entry.plain, entry.plain, False)

    def words(self, text: str, context: str) -> tuple[tuple[str, str], ...]:
        """(term, meaning) for the terms this text is the first on the sheet to use."""
        return tuple(note for line in text.split(LINE) for note in self.notes(line, context))

    def notes(self, sentence: str, context: str) -> list[tuple[str, str]]:
        """(term, meaning) for the terms this sentence is the first on the sheet to use."""
        notes: list[tuple[str, str]] = []
        bracketed = set(_BEFORE_BRACKET.findall(sentence))  # "ANC (absolute ...)" says itself
        for term in self.found(sentence, context):
            if not term.abbreviation:
                key = term.written.lower()
                if key not in self.explained:
                    self.explained.add(key)
                    notes.append((term.written, term.meaning))
                continue
            self.abbreviation_count += 1
            if term.written in self.explained:
                continue
            if not term.meaning:
                self.unexplained.append(term.written)
                continue
            self.explained.add(term.written)
            if term.term in self.explained and term.term != term.written:
                continue  # "HIV-infected" after "HIV" was explained
            self.explained.add(term.term)
            if term.written not in bracketed:
                notes.append((term.term, term.meaning))
        return notes

    def word_list(self, texts: Iterable[str], explained: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
        """(term, meaning as listed) for every term the texts use, alphabetically, except
        those in ``explained`` (already explained under a line)."""
        skip = {term.lower() for term in explained}
        terms: dict[str, str] = {}
        for text in texts:
            for line in text.split(LINE):
                for term in self.found(line, text):
                    key = term.term if term.abbreviation else term.term.lower()
                    if term.listed and key.lower() not in skip:
                        terms.setdefault(key, term.listed)
        return tuple(sorted(terms.items(), key=lambda item: item[0].lower()))


def sheet_glossary(texts: Iterable[str], context: str = "", explained: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """(term, meaning) for every term the given texts use, alphabetically, found and explained
    as the criteria lines explain theirs; ``context`` (the record's own text) settles senses
    and supplies the trial's own definitions; terms in ``explained`` are left out."""
    explainer = Explainer(glossary(), inline_definitions(context), context)
    return explainer.word_list(texts, explained)
