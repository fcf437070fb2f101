"""Plain English for eligibility criteria: a deterministic, offline rewrite engine.

Takes a record's eligibility text; `criteria.parse_criteria` splits it into criteria (with
their sections, labels and sub-items), and the engine gives each one its plain line.
`plain_criteria` turns parsed criteria into patient-facing lines; `sheet_glossary` lists the
words a sheet uses with their meanings; `reading_grade` measures the result; and
`readability_report` measures the engine over a folder of eligibility texts.
"""

from sheets.plain.engine import plain_criteria, rewrite_all
from sheets.plain.explain import sheet_glossary
from sheets.plain.glossary import inline_definitions
from sheets.plain.readability import reading_grade
from sheets.plain.report import ReadabilityReport, format_report, readability_report

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
