"""Corpus invariants for the plain-English rewrite: checkers, corpus loader and report.

Each checker takes one criterion as written (`original`) and its patient text (`plain`, lines
separated by "\\n", the first line the lead) and returns a list of problems: empty means the
pair keeps the invariant. They are plain functions so other tests and scripts can reuse them:

    from plaincheck import CHECKERS, corpus, violations
    problems = check_negation("No consent", "You cannot join if you consent.")

Run as a script to write a report over the shared corpus and tests/data:

    .venv/bin/python tests/plaincheck.py [REPORT_PATH] [--limit 30]
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sheets.plain.normalise import spell_out

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SHARED_ELIGIBILITY = ROOT.parent / "shared" / "eligibility"
DATA_ELIGIBILITY = TESTS / "data" / "eligibility"
CORPORA = {"shared": SHARED_ELIGIBILITY, "data": DATA_ELIGIBILITY}

FRAMES = ("You may be able to join if", "You cannot join if")
# The frame words, also for other audiences ("Your child cannot join if", "The caregiver may be
# able to join if"): removed before the negation check, so a frame's "cannot" never counts.
_FRAME = re.compile(
    r"(?i)\b(?:you|your [\w-]+(?: or [\w-]+)?|the [\w-]+)\s+"
    r"(?:may be able to|may not be able to|cannot|can not|can['’]t)\s+join if\b"
)

# Sentences split at ". " (or "? ", "! ") followed by a capital (or a digit, quote, bracket,
# as the engine splits them); lines are split at "\n" first.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")

# A glossary-style explanation sentence: a short term (up to ~60 characters) then "means".
# "This means ..." (the engine's wording of "defined as", "i.e.") carries the criterion itself.
_EXPLANATION = re.compile(
    r"^\W*(?!(?:this|that|it|which|what|here)\s+means\b)"
    r"(?P<term>[^\s](?:(?![.!?]\s).){0,60}?)\s+means\s+\S",
    re.I,
)
_MEANS = re.compile(r"\b(?:means|meaning|defined as|defined by)\b", re.I)  # the study defines a word itself


def strip_frame(plain: str) -> str:
    """The plain text with the frame words removed, so "You cannot join if" cannot count as a
    negation of the criterion itself."""
    return " ".join(_FRAME.sub(" ", plain).split())


def lines_of(plain: str) -> list[str]:
    return [line.strip() for line in plain.split("\n") if line.strip()]


def sentences_of(line: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(line) if s.strip()]


def is_explanation(sentence: str) -> bool:
    """ "Karnofsky means a 0 to 100 score.", "80 means normal activity ...": a glossary note."""
    return bool(_EXPLANATION.match(sentence))


def without_explanations(original: str, plain: str) -> str:
    """The plain text minus glossary notes the engine added, so an explanation's own words
    ("... does not use insulin well", "a 0 to 100 score") cannot satisfy a check."""
    if _MEANS.search(original):
        return plain
    kept_lines = []
    for line in plain.split("\n"):
        kept_lines.append(" ".join(s for s in sentences_of(line) if not is_explanation(s)))
    return "\n".join(kept_lines)


# --- 1. a negator in the original survives --------------------------------------------------

ORIGINAL_NEGATIONS = (
    r"not", r"no", r"never", r"without", r"unable", r"cannot", r"non(?=[-\s])", r"none", r"neither",
    r"nor", r"\w+n['’]t", r"other than", r"except", r"excluding", r"free of", r"absence of",
    r"lack of", r"refuse[sd]?", r"refusal", r"unwilling", r"inability",
)
# What the plain text may say instead: the negators themselves plus a few plain equivalents.
PLAIN_NEGATIONS = (
    r"do not", r"does not", r"did not", r"have not", r"has not", r"cannot", r"can not", r"not",
    r"no", r"never", r"without", r"none", r"nothing", r"neither", r"nor", r"non(?=[-\s])",
    r"\w+n['’]t", r"other than", r"except", r"excluding", r"apart from", r"unless", r"free of",
    r"absence of", r"lack of", r"refuse[sd]?", r"refusal", r"unwilling", r"unable", r"inability",
)
_ORIGINAL_NEGATION = re.compile(r"(?i)(?<![\w-])(?:" + "|".join(ORIGINAL_NEGATIONS) + r")\b")
_PLAIN_NEGATION = re.compile(r"(?i)(?<![\w-])(?:" + "|".join(PLAIN_NEGATIONS) + r")\b")


def negations_in(text: str, pattern: re.Pattern[str] = _PLAIN_NEGATION) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text)]


# "None of the following criteria must be fulfilled to be eligible: <item>": a list heading
# folded into the item; its negation is the criterion's kind, which the frame already says.
_LIST_HEADING = re.compile(
    r"(?i)^(?=[^:]*\b(?:criteri(?:a|on)|eligib(?:le|ility)|excluded|included"
    r"|exclusions?|inclusions?)\b)"
    r"[^:]{0,200}:\s+(?=\S)"
)


def without_list_heading(original: str) -> str:
    return _LIST_HEADING.sub("", original, count=1)


def check_negation(original: str, plain: str) -> list[str]:
    """A negator in the original (after spell_out) leaves a negation in the plain text, the
    frame words removed first (else the exclusion frame's "cannot" makes this pass always).
    A list heading folded into the original ("None of the following criteria ...: X") is
    not the criterion's own wording and is left out."""
    found = negations_in(spell_out(without_list_heading(original)), _ORIGINAL_NEGATION)
    if not found:
        return []
    body = strip_frame(without_explanations(original, plain))
    if negations_in(body):
        return []
    return [f"negation lost: original has {', '.join(repr(w) for w in dict.fromkeys(found))}, "
            f"plain (frame removed) has none"]


# --- 2. each comparator-number pair survives with its comparator ----------------------------

NUMBER = r"\d+(?:[.,]\d+)*"
_UNIT = r"(?:\s*(?:%|[a-z][a-z/^.%]*)){0,3}"  # "18 years of age or older", "10 % or above"
COMPARATORS = ("at least", "at most", "more than", "less than", "up to", "over", "under", "between")
_PREFIX = re.compile(rf"(?i)\b(at least|at most|more than|less than|up to|over|under)\s+({NUMBER})")
_BETWEEN = re.compile(rf"(?i)\bbetween\s+({NUMBER}){_UNIT}\s+(?:and|to)\s+({NUMBER})")
_POSTFIX = re.compile(
    rf"(?i)(?<![\d.,])({NUMBER}){_UNIT}\s+(?:or|and)\s+"
    r"(more|older|over|above|greater|higher|less|younger|fewer|lower|below|under)\b"
    r"(?!\s+(?:than\b|\d))"
)
_POSTFIX_MEANS = {
    **{w: "at least" for w in ("more", "older", "over", "above", "greater", "higher")},
    **{w: "at most" for w in ("less", "younger", "fewer", "lower", "below", "under")},
}
# Symbol spellings spell_out leaves half-done: ">/=" would read "more than /=".
_PRE_SPELL = (
    (re.compile(r">\s*/\s*=|>\s*or\s*=|=\s*/\s*>"), "≥"),
    (re.compile(r"<\s*/\s*=|<\s*or\s*=|=\s*/\s*<"), "≤"),
)

# The small, explicit table of what each comparator may read as ("{n}" is the number).
EQUIVALENTS: dict[str, tuple[str, ...]] = {
    "at least": ("at least {n}", "{n}{u} or more", "{n}{u} or older", "{n}{u} or over",
                 "{n}{u} or above", "{n}{u} or higher", "{n}{u} or greater", "{n}{u} and older",
                 "{n}{u} and over", "{n}{u} and above", "no less than {n}", "not less than {n}"),
    "at most": ("at most {n}", "up to {n}", "no more than {n}", "not more than {n}",
                "{n}{u} or less", "{n}{u} or younger", "{n}{u} or fewer", "{n}{u} or lower",
                "{n}{u} or below", "{n}{u} or under", "{n}{u} and under", "{n}{u} and younger"),
    "more than": ("more than {n}", "over {n}", "above {n}", "greater than {n}", "higher than {n}",
                  "older than {n}"),
    "less than": ("less than {n}", "under {n}", "below {n}", "fewer than {n}", "lower than {n}",
                  "younger than {n}"),
}
EQUIVALENTS["up to"] = EQUIVALENTS["at most"]
EQUIVALENTS["over"] = EQUIVALENTS["more than"]
EQUIVALENTS["under"] = EQUIVALENTS["less than"]
RANGE_EQUIVALENTS = ("between {a}{u} and {b}", "{a}{u} to {b}")  # "between X and Y", "X to Y"
# "at least X ... at most Y" (or "up to Y") may read "X to Y".
LOWER_BOUNDS, UPPER_BOUNDS = ("at least",), ("at most", "up to")


def _num(n: str) -> str:
    """A number as a whole token: "18" matches "18" but not "180" or "1.8"."""
    return rf"(?<![\d.,]){re.escape(n)}(?![\d]|[.,]\d)"


def _normalise_numbers(text: str) -> str:
    return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)


def comparator_pairs(original: str) -> list[tuple[str, ...]]:
    """(comparator, number) pairs, and ("between", low, high), in spell_out(original)."""
    text = original
    for pattern, symbol in _PRE_SPELL:
        text = pattern.sub(symbol, text)
    text = _normalise_numbers(spell_out(text)).lower()
    pairs: list[tuple[str, ...]] = []
    for m in _BETWEEN.finditer(text):
        pairs.append(("between", m[1], m[2]))
    for m in _PREFIX.finditer(text):
        pairs.append((m[1], m[2]))
    for m in _POSTFIX.finditer(text):
        pairs.append((_POSTFIX_MEANS[m[2]], m[1]))
    return list(dict.fromkeys(pairs))


def _reads(template: str, text: str, **numbers: str) -> bool:
    pattern = re.escape(template).replace(re.escape("{u}"), _UNIT)
    for key, value in numbers.items():
        pattern = pattern.replace(re.escape("{" + key + "}"), _num(value))
    pattern = pattern.replace(r"\ ", r"\s+")
    return re.search(r"(?i)(?<![\w])" + pattern, text) is not None


def check_comparators(original: str, plain: str) -> list[str]:
    """Every comparator-number pair of the original is in the plain text with its comparator
    directly before the number (or an equivalent from EQUIVALENTS)."""
    pairs = comparator_pairs(original)
    if not pairs:
        return []
    body = _normalise_numbers(strip_frame(without_explanations(original, plain)))
    problems = []
    for pair in pairs:
        if pair[0] == "between":
            if not any(_reads(t, body, a=pair[1], b=pair[2]) for t in RANGE_EQUIVALENTS):
                problems.append(f"comparator lost: 'between {pair[1]} and {pair[2]}'")
            continue
        comparator, n = pair
        if any(_reads(t, body, n=n) for t in EQUIVALENTS[comparator]):
            continue
        if comparator in LOWER_BOUNDS:
            partners = [p[1] for p in pairs if p[0] in UPPER_BOUNDS]
            if any(_reads("{a} to {b}", body, a=n, b=b) for b in partners):
                continue
        if comparator in UPPER_BOUNDS:
            partners = [p[1] for p in pairs if p[0] in LOWER_BOUNDS]
            if any(_reads("{a} to {b}", body, a=a, b=n) for a in partners):
                continue
        problems.append(f"comparator lost: '{comparator} {n}'")
    return problems


# --- 3. no sentence starts with And / Or / Also: / Such as ----------------------------------

BAD_STARTS = re.compile(r"(?i)^[\W_]*(?:and\b|or\b|also\s*:|such as\b)")


def check_sentence_starts(original: str, plain: str) -> list[str]:
    """No line, and no sentence within a line, starts with "And", "Or", "Also:" or "Such as"."""
    problems = []
    for line in lines_of(plain):
        for sentence in sentences_of(line):
            if BAD_STARTS.match(sentence):
                problems.append(f"sentence starts badly: {sentence[:60]!r}")
    return problems


# --- 4. no doubled words ---------------------------------------------------------------------

_DOUBLED = re.compile(r"(?i)\b([a-z]+(?:['’][a-z]+)?)[ \t]+\1\b")


def doubled_words(text: str) -> set[str]:
    return {m[1].lower() for m in _DOUBLED.finditer(text)}


def check_doubled_words(original: str, plain: str) -> list[str]:
    """No "the the", "you you" (whole words, any case, numbers ignored) unless the original
    itself has the same doubled word."""
    kept = doubled_words(spell_out(original)) | doubled_words(original)
    return [f"doubled word: '{w} {w}'" for w in sorted(doubled_words(plain) - kept)]


# --- 5. no explanation between items ---------------------------------------------------------


def check_explanations(
    original: str, plain: str, words: Sequence[tuple[str, str]] = ()
) -> list[str]:
    """No glossary-style "X means ..." sentence in the plain text (unless the original says
    "means"), and no item line (a line after the first) that is an explanation: one that starts
    with "X means" not in the original, or carries a meaning from `words` the original lacks."""
    problems = []
    written = " ".join(spell_out(original).lower().split())
    says_means = bool(_MEANS.search(original))
    for index, line in enumerate(lines_of(plain)):
        where = "the lead" if index == 0 else f"item line {index}"
        notes = [] if says_means else [s for s in sentences_of(line) if is_explanation(s)]
        problems += [f"explanation in {where}: {s[:70]!r}" for s in notes]
        if index == 0 or notes:
            continue
        match = _EXPLANATION.match(line)
        if match and f"{match['term'].lower()} means" not in written:
            problems.append(f"{where} is an explanation: {line[:70]!r}")
            continue
        for term, meaning in words:
            said = " ".join(meaning.lower().split()).rstrip(".")
            if len(said) >= 12 and said in line.lower() and said not in written:
                problems.append(f"{where} carries the meaning of {term!r}: {line[:70]!r}")
                break
    return problems


# --- 6. no heading printed as a criterion ----------------------------------------------------

BARE_HEADING = re.compile(
    r"""(?ix)^[\W_]*(?:(?:key|main|major|general|other|additional|specific
                        |study|patient|participant|subject)s?\s+)*
        (?:inclusions?|exclusions?|eligibility|non[-\s]?inclusion)
        (?:\s+(?:and\s+exclusion\s+)?criteri(?:a|on))?[\s:.*_-]*$"""
)
HEADER_SENTENCE = re.compile(
    r"(?i)^(?=.{0,250}$)"
    r"(?=.*\b(?:criteri(?:a|on)|following|eligib(?:le|ility)|excluded|included|inclusion|exclusion)\b)"
    r".*:\s*$"
)


def check_heading(original: str, plain: str = "") -> list[str]:
    """The criterion is not a bare section heading ("Exclusion Criteria:") nor a header sentence
    announcing a list ("Subjects meeting any of the following criteria will be excluded:")."""
    text = " ".join(original.split())
    if BARE_HEADING.match(text):
        return [f"bare heading as a criterion: {text!r}"]
    if HEADER_SENTENCE.match(text):
        return [f"header sentence as a criterion: {text[:80]!r}"]
    return []


# --- the corpus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    file: str
    kind: str
    original: str
    plain: str
    words: tuple = ()
    label: str = ""


@dataclass
class Corpus:
    lines: list[Line] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, exception)


@functools.cache
def corpus(name: str) -> Corpus:
    """Every criterion of every *.txt in the named folder, parsed and rewritten once a session."""
    from sheets.plain import plain_criteria
    from sheets.plain.criteria import parse_criteria

    found = Corpus()
    for path in sorted(CORPORA[name].glob("*.txt")):
        try:
            rewritten = plain_criteria(parse_criteria(path.read_text(encoding="utf-8")))
        except Exception as exc:  # noqa: BLE001 - the engine is being rewritten: report, go on
            found.errors.append((path.name, f"{type(exc).__name__}: {exc}"))
            continue
        for line in rewritten:
            found.lines.append(Line(path.name, line.kind, line.original, line.plain,
                                    tuple(getattr(line, "words", ()) or ()),
                                    getattr(line, "label", "") or ""))
    return found


def _check(name: str, line: Line) -> list[str]:
    if name == "explanations":
        return check_explanations(line.original, line.plain, line.words)
    if name in ("negation", "comparators") and line.label:
        # The label prints in front of the line ("For the non-CP cohort:"): what it says is said.
        return CHECKERS[name](line.original, f"{line.plain}\n{line.label}")
    return CHECKERS[name](line.original, line.plain)


CHECKERS: dict[str, Callable[..., list[str]]] = {
    "negation": check_negation,
    "comparators": check_comparators,
    "sentence_starts": check_sentence_starts,
    "doubled_words": check_doubled_words,
    "explanations": check_explanations,
    "heading": check_heading,
}


@dataclass(frozen=True)
class Violation:
    """One criterion breaking one invariant, with every problem the checker found in it."""

    file: str
    problems: tuple[str, ...]
    original: str
    plain: str


def violations(name: str, lines: Iterable[Line]) -> list[Violation]:
    """All violations of one invariant over the lines: one per offending criterion."""
    found = []
    for line in lines:
        problems = _check(name, line)
        if problems:
            found.append(Violation(line.file, tuple(problems), line.original, line.plain))
    return found


def format_violations(name: str, found: list[Violation], limit: int = 15, where: str = "") -> str:
    problems = sum(len(v.problems) for v in found)
    head = (f"{len(found)} criteria violate invariant {name!r}{' in ' + where if where else ''}"
            f" ({problems} problem(s))")
    if not found:
        return head
    out = [head + f"; the first {min(limit, len(found))}:"]
    for v in found[:limit]:
        out += [f"- {v.file}: {'; '.join(v.problems)}",
                f"    original: {' '.join(v.original.split())}",
                f"    plain:    {v.plain.replace(chr(10), ' / ')}"]
    return "\n".join(out)


def report(limit: int = 30) -> str:
    sections = []
    for corpus_name, folder in CORPORA.items():
        if not folder.is_dir():
            sections.append(f"== {corpus_name}: {folder} is absent, skipped")
            continue
        found = corpus(corpus_name)
        sections.append(f"== {corpus_name}: {folder} ({len(found.lines)} criteria, "
                        f"{len(found.errors)} file(s) the engine failed on)")
        sections += [f"  engine error in {file}: {error}" for file, error in found.errors]
        for name in CHECKERS:
            found_here = violations(name, found.lines)
            sections.append(format_violations(name, found_here, limit, corpus_name))
    return "\n\n".join(sections) + "\n"


if __name__ == "__main__":
    args = sys.argv[1:]
    limit = 30
    if "--limit" in args:
        i = args.index("--limit")
        limit = int(args[i + 1])
        del args[i : i + 2]
    text = report(limit)
    if args:
        Path(args[0]).write_text(text, encoding="utf-8")
    counts = [line for line in text.splitlines()
              if line.startswith(("==", "  engine")) or "criteria violate" in line]
    print("\n".join(counts))
