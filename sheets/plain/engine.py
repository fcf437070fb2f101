"""The plain-English rewrite of one sheet's criteria: frame, wording, explanations, checks.

Deterministic: the same criteria give the same lines. Per criterion: symbols are spelled out,
a rule family or the generic wording makes the clause, the kind frames it ("You may be able
to join if ..." / "You cannot join if ..."), abbreviations and hard words are explained the
first time the sheet uses them, and the result must keep every number of the original or the
engine falls back to a plainer-worded but complete version.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..eligibility import is_section_heading
from ..model import Criterion, PlainCriterion
from . import rules
from .glossary import Glossary, glossary, inline_definitions
from .normalise import keeps_numbers, spell_out
from .wording import (
    APPLIES,
    ITEM,
    clause,
    lift_asides,
    split_long,
    swap_words,
    top_level_split,
    upper_first,
    with_verb,
)

FRAMES = {"inclusion": "You may be able to join if", "exclusion": "You cannot join if"}
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


@dataclass
class Explainer:
    """Explains each term the first time the sheet uses it, and remembers what it explained."""

    glossary: Glossary
    defined: Mapping[str, str]
    document: str = ""  # the whole eligibility text, for senses one criterion cannot settle
    explained: set[str] = field(default_factory=set)
    unexplained: list[str] = field(default_factory=list)
    abbreviation_count: int = 0

    def explain(self, text: str, context: str) -> str:
        """Each sentence, followed by short sentences that explain its new terms; lines stay lines."""
        return LINE.join(self._explain_line(line, context) for line in text.split(LINE))

    def _explain_line(self, text: str, context: str) -> str:
        out = []
        for sentence in _SENTENCE.split(text):
            out.append(sentence)
            out += [f"{upper_first(term)} means {meaning}." for term, meaning in self.notes(sentence, context)]
        return " ".join(s for s in out if s)

    def notes(self, sentence: str, context: str) -> list[tuple[str, str]]:
        """(term, meaning) for the terms this sentence is the first on the sheet to use."""
        notes: list[tuple[str, str]] = []
        for token in abbreviations_in(sentence):
            if sum(ch.isdigit() for ch in token) >= 2 and self.glossary.lookup(token) is None:
                continue  # "JS001", "C40X": a product or model code, not an abbreviation
            self.abbreviation_count += 1
            if token in self.explained:
                continue
            term, meaning = self._meaning(token, context)
            if not meaning:
                self.unexplained.append(token)
                continue
            self.explained.add(token)
            if term in self.explained and term != token:
                continue  # "HIV-infected" after "HIV" was explained
            self.explained.add(term)
            if not re.search(rf"{re.escape(token)}\s*\(", sentence):
                notes.append((term, meaning))
        for match in self.glossary.word_pattern.finditer(sentence):
            key = match.group(0).lower()
            entry = self.glossary.lookup(key, context, self.document)
            if entry is None or key in self.explained:
                continue
            self.explained.add(key)
            notes.append((match.group(0), entry.plain))
        return notes

    def _meaning(self, token: str, context: str) -> tuple[str, str]:
        """(the term to explain, its meaning): the trial's own definition first, then the glossary."""
        entry = self.glossary.lookup(token, context, self.document)
        if entry is None:
            return token, self.defined.get(token, "")
        named_here = token in self.defined or entry.term.lower() == token.lower()
        return (token if named_here else entry.term), entry.plain


_SENTENCE = re.compile(r"(?<=[.!?])[^\S\n]+(?=[A-Z0-9\"“(])")


def plain_criteria(
    criteria: Sequence[Criterion], *, defined: Mapping[str, str] | None = None
) -> tuple[PlainCriterion, ...]:
    """Each criterion as a plain line, in order; terms explained the first time they appear."""
    return rewrite_all(criteria, defined)[0]


def rewrite_all(
    criteria: Sequence[Criterion], defined: Mapping[str, str] | None = None
) -> tuple[tuple[PlainCriterion, ...], Explainer, list[str]]:
    """Like `plain_criteria`, also returning the explainer and each line's rule family."""
    originals = [c.full_text for c in criteria]
    document = "\n".join(originals)
    explainer = Explainer(glossary(), {**inline_definitions(document), **(defined or {})}, document)
    families: list[str] = []
    lines = tuple(_rewrite(c, explainer, families) for c in criteria)
    return lines, explainer, families


_JOINS_HEADING = re.compile(r"(?i)(?:\b(?:must|should|will|shall|need to)\s+(?:be|have)|\b(?:are|is|have|has|with|who|if|be)|:\s*-)\s*:?$")


def _as_written(criterion: Criterion) -> str:
    """The criterion with its heading: "Participants must be:" + "healthy" reads as one."""
    body = " ".join((criterion.original, "; ".join(criterion.details))).strip()
    heading = "" if is_section_heading(criterion.heading) else criterion.heading
    if heading and _JOINS_HEADING.search(heading):
        return f"{heading.rstrip(':- ')} {body[:1].lower() + body[1:] if body[1:2].islower() else body}"
    return f"{heading}: {body}" if heading else body


def _rewrite(criterion: Criterion, explainer: Explainer, families: list[str] | None = None) -> PlainCriterion:
    original = criterion.full_text
    spelled = _without_inline_definitions(spell_out(_as_written(criterion)), explainer.defined)
    if criterion.kind == "exclusion":
        # Exclusion lists are often written as requirements ("No insomnia"): what is listed
        # is what keeps you out, so "You cannot join if you have no insomnia" would invert it.
        spelled = _LEADING_NO.sub("", spelled)
    family, sentences = "generic", _generic(spelled)
    ruled = rules.apply(spelled)
    if ruled:
        family, (clause, extra) = ruled
        if keeps_numbers(original, " ".join([clause, *extra])):
            sentences = [clause, *extra]
            explainer.explained.update(rules.EXPLAINS.get(family, ()))
        else:
            family = "generic"
    framed = _frame(criterion.kind, sentences)
    plain = explainer.explain(framed, context=original)
    if not keeps_numbers(original, plain):
        family = "generic (as written)"
        plain = explainer.explain(_frame(criterion.kind, [APPLIES + " " + spelled]), original)
    if families is not None:
        families.append(family)
    return PlainCriterion(kind=criterion.kind, plain=plain, original=original)


def _without_inline_definitions(text: str, defined: Mapping[str, str]) -> str:
    """ "absolute neutrophil count (ANC)" -> "absolute neutrophil count": the words already say it."""
    for short, long in defined.items():
        if any(ch.isdigit() for ch in short):
            continue  # "ICD-10" carries a number the sheet must keep
        text = re.sub(rf"({re.escape(long)})\s*\({re.escape(short)}\)", r"\1", text, flags=re.I)
    return text


_LEADING_NO = re.compile(r"(?i)^(?:there (?:is|are|must be)\s+)?no\s+(?!more than|less than|longer|later|earlier|other\b)")
_NOTHING = re.compile(r"(?i)^\W*(?:none|n/?a|not applicable|no(?:ne)? (?:exclusion|inclusion) criteria)\W*$")


def _generic(text: str) -> list[str]:
    if _NOTHING.match(text):
        return [APPLIES + " the study lists nothing here"]
    parts = top_level_split(text)
    if not parts:
        return [APPLIES + " " + swap_words(text)]
    return [clause(parts[0]), *(upper_first(with_verb(swap_words(p))) for p in parts[1:])]


def _frame(kind: str, sentences: list[str]) -> str:
    """The sentences under the kind's frame, as the lines the sheet shows.

    A criterion that is a trait rather than a clause ("this is true for you: <trait>") is a
    labelled item: the frame is its lead line and the trait its own line, which the sheet
    sets below it; a list ("... any of these:") gives each item a line of its own.
    """
    first, *rest = sentences
    if first.startswith(APPLIES):
        trait = first[len(APPLIES) :].strip()
        first, rest = APPLIES, [ITEM + upper_first(trait), *rest]
    out: list[str] = []
    for sentence in [f"{FRAMES[kind]} {first}".strip(), *rest]:
        pieces = [p for piece in lift_asides(sentence.removeprefix(ITEM)) for p in split_long(piece)]
        if sentence.startswith(ITEM) and pieces and not pieces[0].startswith(ITEM):
            pieces[0] = ITEM + pieces[0]
        out += pieces
    lines: list[str] = []
    for sentence in (s for s in out if s.removeprefix(ITEM).strip()):
        text = sentence.removeprefix(ITEM)
        text = text if text.endswith((".", "?", "!", ":")) else text + "."
        starts_line = not lines or sentence.startswith(ITEM) or lines[-1].endswith(":")
        if starts_line:
            lines.append(text)
        else:
            lines[-1] += " " + text
    return LINE.join(lines)


def sheet_glossary(texts: Iterable[str], context: str = "") -> tuple[tuple[str, str], ...]:
    """(term, meaning) for every glossary term the given texts use, alphabetically."""
    terms: dict[str, str] = {}
    source = glossary()
    joined = "\n".join(texts)
    for token in abbreviations_in(joined):
        entry = source.lookup(token, context or joined)
        if entry is not None:
            key = token if entry.term.lower() == token.lower() else entry.term  # "DLBCL-leg" -> DLBCL
            terms.setdefault(key, f"{entry.expansion}: {entry.plain}" if entry.expansion else entry.plain)
    for match in source.word_pattern.finditer(joined):
        entry = source.lookup(match.group(0).lower(), context or joined)
        if entry is not None:
            terms.setdefault(match.group(0).lower(), entry.plain)
    return tuple(sorted(terms.items(), key=lambda item: item[0].lower()))
