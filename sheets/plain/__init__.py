"""Plain English for eligibility criteria: a deterministic, offline rewrite engine.

`plain_criteria` turns parsed criteria into patient-facing lines; `sheet_glossary` lists the
words a sheet uses with their meanings; `reading_grade` measures the result; and
`readability_report` measures the engine over a folder of eligibility texts.
"""

from .engine import plain_criteria, rewrite_all, sheet_glossary
from .glossary import inline_definitions
from .readability import reading_grade
from .report import ReadabilityReport, format_report, readability_report

__all__ = [
    "ReadabilityReport",
    "format_report",
    "inline_definitions",
    "plain_criteria",
    "readability_report",
    "reading_grade",
    "rewrite_all",
    "sheet_glossary",
]
