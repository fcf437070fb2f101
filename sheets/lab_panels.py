"""Lab-value criteria, condensed: one line per criterion naming the blood tests it sets limits on.

"Absolute neutrophil count >= 1.5 x 10^9/L; platelets >= 100 x 10^9/L; bilirubin <= 1.5 x ULN;
..." is eight lines a patient cannot check and the care team checks anyway. The sheet shows
such a criterion as one line that names its panels (blood counts, liver tests, kidney tests,
clotting tests) and points to the study's own wording, kept whole in the appendix, for the
limits. Only a criterion whose every line is a lab value is condensed: a line that says
anything else keeps the criterion as it is.
"""

from __future__ import annotations

import re

from . import i18n
from .model import PlainCriterion
from .questions_facts import join_names

# Panels in the order the sheet names them, each with the test names that belong to it.
PANELS = (
    ("blood_counts", r"neutrophils?|ANC|platelets?|PLT|ha?emoglobin|Hb|Hgb|white blood cells?|WBC|"
     r"leu[ck]ocytes?|lymphocytes?|ALC|blood counts?|red blood cells?|RBC|hematocrit|granulocytes?"),
    ("liver_tests", r"bilirubin|AST|ALT|SGOT|SGPT|transaminases?|aminotransferases?|"
     r"alkaline phosphatase|ALP|albumin|GGT|liver function"),
    ("kidney_tests", r"creatinine|creatinine clearance|CrCl|e?GFR|glomerular filtration rate|"
     r"BUN|urea|proteinuria|urine protein|kidney function|renal function"),
    ("clotting_tests", r"INR|international normali[sz]ed ratio|a?PTT|partial thromboplastin time|"
     r"prothrombin time|PT|fibrinogen|coagulation|clotting"),
    ("blood_sugar", r"glucose|HbA1c|A1c|glycated ha?emoglobin"),
    ("salts", r"potassium|sodium|magnesium|calcium|phosphate|electrolytes?"),
)
_PANELS = tuple((key, re.compile(rf"(?<![\w-])(?:{names})(?![\w-])", re.I)) for key, names in PANELS)
_NUMBER = re.compile(r"\d")
# A lead that introduces a list of lab limits: "tests show you have good enough organ function:"
_LAB_LEAD = re.compile(
    r"(?i)\b(?:organ|bone marrow|marrow|hepatic|renal|liver|kidney|ha?ematolog\w*|blood|lab\w*|"
    r"coagulation)\b.*\b(?:function|reserve|values?|tests?|parameters?|results?)\b|"
    r"\btests? show\b"
)
MIN_LINES = 2  # a single lab limit reads well as it is


def panels_of(criterion: PlainCriterion) -> tuple[str, ...]:
    """The panels a lab-value criterion sets limits on, in order; () for any other criterion."""
    lines = criterion.items or (criterion.lead,)
    if len(lines) < MIN_LINES:
        return ()
    if criterion.items and not _LAB_LEAD.search(criterion.lead):
        return ()
    found: list[str] = []
    for line in lines:
        keys = [key for key, pattern in _PANELS if pattern.search(_without_heading(line))]
        if not keys or not _NUMBER.search(line):
            return ()  # a line that is not a lab value: keep the criterion whole
        found += [key for key in keys if key not in found]
    return tuple(key for key, _ in PANELS if key in found)


def condensed_line(criterion: PlainCriterion, panels: tuple[str, ...], ref: str) -> str:
    """The one line the sheet prints for a lab-value criterion, in the sheet's language."""
    names = [i18n.text(f"labs.{key}") for key in panels]
    joined = join_names(names, limit=len(names))
    child = "_child" if criterion.lead.startswith("Your child") else ""
    return i18n.text(f"labs.{criterion.kind}{child}", panels=joined, ref=ref)


def _without_heading(line: str) -> str:
    """ "Blood function: Absolute neutrophil count ..." -> the line after its heading."""
    return re.sub(r"^[A-Z][\w ]{0,30}:\s+", "", line)
