"""Lab-value criteria, condensed: one line per criterion naming the blood tests it sets limits on.

"Absolute neutrophil count >= 1.5 x 10^9/L; platelets >= 100 x 10^9/L; bilirubin <= 1.5 x ULN;
..." is eight lines a patient cannot check and the care team checks anyway. The sheet shows
such a criterion as one line that names its panels (blood counts, liver tests, kidney tests,
clotting tests) and points to the study's own wording, kept whole in the appendix, for the
limits. Only a criterion whose every line is a lab value is condensed: a line that says
anything else keeps the criterion as it is. A run of one-line lab limits ("Platelets >=
100,000/mm3", then "Hemoglobin >= 9 g/dL", ...) becomes one such line too (``limit_panels``).
"""

from __future__ import annotations

import re

from sheets import i18n
from sheets.content.facts import join_names
from sheets.model import PlainCriterion

# Panels in the order the sheet names them, each with the test names that belong to it.
PANELS = (
    ("blood_counts", r"neutrophils?|ANC|platelets?|PLT|ha?emoglobin(?!\s*A1c)|Hb(?!A1c)|Hgb|"
     r"white blood cells?|WBC|leu[ck]ocytes?|lymphocytes?|ALC|blood counts?|red blood cells?|RBC|"
     r"hematocrit|granulocytes?"),
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
MIN_RUN = 2  # one-line lab limits in a row, condensed together
MAX_LIMIT_WORDS = 30  # a longer line says more than a limit: it keeps its own row
LEAD_WORDS = 4  # a limit names its test first ("Serum potassium > 5.0"); words before say more
# A limit: a comparison sign or word next to the number ("> 1.5 x ULN", "at least 9 g/dL").
_LIMIT = re.compile(
    r"[≥≤<>=]|\b(?:at least|at most|(?:no|not) (?:more|less|greater|higher|lower) than|"
    r"(?:greater|less|more|higher|lower) than|above|below|within|exceed\w*|ULN|"
    r"upper limit|lower limit|normal)\b",
    re.I,
)
# Words that make a line about something other than a test result: a transfusion, a drug.
_NOT_A_LIMIT = re.compile(
    r"(?i)\b(?:transfus\w*|receiv\w*|treat\w*|therap\w*|histor\w*|diagnos\w*|infect\w*|"
    r"diseases?|surgery|drugs?|medic\w*|allerg\w*|support|dialysis|unless|except|diabet\w*|"
    r"uncontrolled|failure|insufficien\w*|impair\w*|syndrome|cirrhosis)\b"
)


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


def limit_panels(criterion: PlainCriterion) -> tuple[str, ...]:
    """The panels of a one-line lab limit ("ANC >= 1,500/mm3"), to condense with its
    neighbours; () for any other criterion, or one that says more than a limit."""
    if len(criterion.items) > 1 or criterion.note:
        return ()
    text = _without_heading(criterion.original)
    if len(text.split()) > MAX_LIMIT_WORDS or not _NUMBER.search(text):
        return ()
    if not _LIMIT.search(text) or _NOT_A_LIMIT.search(text):
        return ()
    matches = [(match.start(), key) for key, pattern in _PANELS if (match := pattern.search(text))]
    if not matches or len(text[: min(matches)[0]].split()) > LEAD_WORDS:
        # "Percutaneous liver biopsy exclusion criteria (to be evaluated before last visit):
        # Haemoglobin < 6 mmol/L": what comes before the test says when or for whom; condensed,
        # it would be lost
        return ()
    found = {key for _, key in matches}
    return tuple(key for key, _ in PANELS if key in found)


def in_order(*panels: tuple[str, ...]) -> tuple[str, ...]:
    """Several criteria's panels as one list, in the order the sheet names them."""
    found = {key for keys in panels for key in keys}
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
