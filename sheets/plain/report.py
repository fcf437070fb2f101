"""Measuring the plain-English engine over a folder of eligibility texts.

For each text: parse, rewrite, then compare reading grades of the plain lines with the
original wording, count abbreviations left unexplained and check every number was kept.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sheets.plain.criteria import parse_criteria
from sheets.plain.engine import rewrite_all
from sheets.plain.normalise import keeps_numbers
from sheets.plain.readability import flesch_kincaid_grade, smog_grade, total_counts


@dataclass
class ReadabilityReport:
    files: int = 0
    files_parsed: int = 0
    criteria: int = 0
    rewritten: int = 0
    numbers_kept: int = 0
    abbreviations: int = 0
    unexplained: Counter = field(default_factory=Counter)
    families: Counter = field(default_factory=Counter)
    grades_plain: list[float] = field(default_factory=list)
    grades_original: list[float] = field(default_factory=list)
    smog_plain: list[float] = field(default_factory=list)
    smog_original: list[float] = field(default_factory=list)
    criterion_grades: list[float] = field(default_factory=list)  # each printed line a sentence
    criterion_grades_with_words: list[float] = field(default_factory=list)


def readability_report(folder: Path) -> ReadabilityReport:
    report = ReadabilityReport()
    for path in sorted(Path(folder).glob("*.txt")):
        report.files += 1
        criteria = parse_criteria(path.read_text("utf-8", errors="replace"))
        if not criteria:
            continue
        report.files_parsed += 1
        lines, explainer, families = rewrite_all(criteria)
        report.criteria += len(lines)
        report.rewritten += sum(f != "study's words" for f in families)
        report.families.update(families)
        report.numbers_kept += sum(keeps_numbers(line.original, f"{line.label} {line.plain}") for line in lines)
        report.abbreviations += explainer.abbreviation_count
        report.unexplained.update(explainer.unexplained)
        for line in lines:
            report.criterion_grades.append(flesch_kincaid_grade(total_counts([line.plain])))
            words = "; ".join(f"{term}: {meaning}" for term, meaning in line.words)
            printed = f"{line.plain}\nWords: {words}" if words else line.plain
            report.criterion_grades_with_words.append(flesch_kincaid_grade(total_counts([printed])))
        plain = total_counts(line.plain for line in lines)
        original = total_counts(line.original for line in lines)
        report.grades_plain.append(flesch_kincaid_grade(plain))
        report.grades_original.append(flesch_kincaid_grade(original))
        report.smog_plain.append(smog_grade(plain))
        report.smog_original.append(smog_grade(original))
    return report


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def format_report(report: ReadabilityReport) -> str:
    unexplained = sum(report.unexplained.values())
    top = ", ".join(f"{t} ({n})" for t, n in report.unexplained.most_common(12)) or "none"
    rows = [
        f"eligibility texts:           {report.files} ({_share(report.files_parsed, report.files)} parsed into criteria)",
        f"criteria found:              {report.criteria}",
        f"given a plain line:          {report.rewritten} ({_share(report.rewritten, report.criteria)})",
        "reading grade (Flesch-Kincaid), per text: "
        f"plain median {statistics.median(report.grades_plain or [0]):.2f}, 90th percentile "
        f"{_percentile(report.grades_plain, 0.9):.2f}; original median "
        f"{statistics.median(report.grades_original or [0]):.1f}, 90th percentile "
        f"{_percentile(report.grades_original, 0.9):.1f}",
        "reading grade (Flesch-Kincaid), per criterion, each printed line a sentence: "
        f"median {statistics.median(report.criterion_grades or [0]):.2f}, 90th percentile "
        f"{_percentile(report.criterion_grades, 0.9):.2f}; with its Words line: median "
        f"{statistics.median(report.criterion_grades_with_words or [0]):.2f}",
        "SMOG grade, per text:        "
        f"plain median {statistics.median(report.smog_plain or [0]):.1f}, 90th percentile "
        f"{_percentile(report.smog_plain, 0.9):.1f}; original median "
        f"{statistics.median(report.smog_original or [0]):.1f}, 90th percentile "
        f"{_percentile(report.smog_original, 0.9):.1f}",
        f"abbreviations unexplained:   {unexplained} of {report.abbreviations} "
        f"({_share(unexplained, report.abbreviations)}); most frequent: {top}",
        f"numbers kept:                {report.numbers_kept} of {report.criteria} criteria "
        f"({'all kept' if report.numbers_kept == report.criteria else 'SOME LOST'})",
        "forms used (rule families by name):  "
        + ", ".join(f"{name} {n}" for name, n in report.families.most_common()),
    ]
    return "\n".join(rows)
