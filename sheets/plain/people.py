"""Whom a criterion is about: the reader, the reader's child, or someone else.

A sheet speaks to its reader as "you". A criterion about a caregiver, a partner or study staff
is not about the reader, and one in a trial of babies is about the reader's child; saying
"you" there tells the wrong person they cannot join. Headings that name a group or a part
of the study ("Caregivers:", "Part B only:") label every criterion under them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from sheets.model import Criterion
from sheets.plain.headings import is_section_heading

Audience = Literal["you", "child"]

OTHER_PERSON = (
    r"(?:caregivers?|care-givers?|carers?|(?:study\s+)?partners?|spouses?|husbands?|wives|parents?|"
    r"(?:legal(?:ly authori[sz]ed)?\s+)?guardians?|(?:legal(?:ly authori[sz]ed)?\s+)?representatives?|"
    r"mothers?|fathers?|family members?|relatives?|informants?|siblings?|donors?|staff|"
    r"clinicians?|physicians?|surgeons?|nurses?|(?:health(?:\s*care)?\s+|care\s+)?providers?|"
    r"(?:community\s+)?health(?:\s*care)?\s+workers?|CHWs?|teachers?|therapists?|pharmacists?|"
    r"midwives|midwife|practitioners?|investigators?|employees?|coaches?)"
)
# "The subject's caregiver has ...", "Partners of participants must ...": about someone else.
_ABOUT_OTHER = re.compile(
    rf"(?i)^(?:the\s+|a\s+|an\s+|their\s+|his or her\s+|his/her\s+)?"
    rf"(?:(?:patient|subject|participant|child|infant)(?:'s|s')\s+|female\s+|male\s+|primary\s+|main\s+)*"
    rf"{OTHER_PERSON}\b(?!\s+(?:of|who)\s+(?:the\s+)?(?:patient|subject|participant)s?\b[^:]*?\b(?:is|are|has|have)\b)"
)
_PART = re.compile(
    r"(?i)\b(?:part|cohort|arm|group|sub-?study|substudy|stage|phase|step|module|"
    r"healthy volunteers?|healthy controls?|controls?|cases?|patients with|participants with|"
    r"for|only|dose[- ]escalation|dose[- ]expansion|expansion|extension|randomi[sz]ed|"
    r"pilot|optional)\b"
)
_CHILD_TRIAL = re.compile(
    r"(?i)\b(?:newborns?|neonates?|neonatal|infants?|babies|baby|toddlers|preterm|boys and girls|"
    r"(?<!their )(?<!your )(?<!his )(?<!her )(?<!his/her )(?:children|child(?![- ]?pugh|\s+[ABC]\b)))\b"
)
# An age limit that keeps the whole trial under 18, said as an age: "2 to 6 years of age",
# "aged 1-12 months", "6-17 years old", "younger than 12 years" (not "2-7 days of symptoms").
_UNDER_18 = (
    r"(?:\d{1,2}(?:\.\d+)?\s*(?:to|-|–|and)\s*(?:1[0-7]|\d)(?:\.\d+)?\s*years?|"
    r"\d{1,2}\s*(?:to|-|–|and)\s*\d{1,2}\s*(?:months?|weeks?|days?)|"
    r"(?:younger than|under|less than|below|up to)\s*(?:1[0-7]|\d)\s*years?)"
)
_CHILD_AGES = re.compile(
    rf"(?i)\b(?:(?:age[ds]?|aged)\s*(?:of\s*|between\s*|from\s*|:\s*)?{_UNDER_18}|"
    rf"{_UNDER_18}\s*(?:of\s+age|old)\b)"
)
_ADULT = re.compile(
    r"(?i)\b(?:adults?|adolescents?|women|men|mothers?|pregnan\w*|gestation|years? (?:of age )?or older|"
    r"(?:1[89]|[2-9]\d)(?:\.\d+)? years|to (?:1[89]|[2-9]\d)\b)"
)


def about_someone_else(text: str) -> bool:
    """Whether the criterion is about another person or the site: a caregiver, a clinician,
    "trained staff available"."""
    return bool(_ABOUT_OTHER.match(text.strip()) or _SITE_RESOURCE.search(text))


_SITE_RESOURCE = re.compile(
    r"(?i)\b(?:staff|personnel|team|equipment|beds?|facilit(?:y|ies))\s+(?:is\s+|are\s+)?available\b"
)


def group_label(heading: str) -> str:
    """ "Caregivers" -> "For caregivers"; a heading that only names a topic is no label."""
    heading = heading.strip().rstrip(":").strip()
    if not heading or is_section_heading(heading) or len(heading) > 120:
        return ""
    named = _NAMED_HEADER.match(heading)
    if named and named["who"]:  # "Resident Inclusion Criteria" -> "For residents"
        return "For " + _plural(named["who"])
    # "Inclusion Criteria (kidney transplanted patients)": the brackets name the group
    names_the_list = re.search(r"(?i)\b(?:inclusion|exclusion|eligibility)\s+criteri(?:a|on)\s*\([^()]+\)$", heading)
    if not (names_the_list or re.search(rf"(?i)\b{OTHER_PERSON}\b", heading) or _PART.search(heading)):
        return ""  # "Hematologic": a topic, not a group
    if re.search(r"(?i)\b(?:all|both)\s+(?:subjects|participants|patients|people|groups|cohorts|parts|arms)\b", heading):
        return ""  # "For all subjects", "(both groups)": everyone, so no label
    heading = re.sub(r"(?i)\s*(?:inclusion|exclusion|eligibility)\s+criteri(?:a|on)\b", "", heading).strip(" :-")
    heading = re.sub(r"^\((.*)\)$", r"\1", heading).strip()
    heading = re.sub(r"(?i)[\s,;:-]+(?:will be|must be|must have|are|is|include|includes|should be)$", "", heading)
    heading = heading.strip(" ,;:-")
    if not heading:
        return ""
    if re.match(r"(?i)(?:for|only)\b", heading):
        return heading[:1].upper() + heading[1:]
    first = heading.split()[0]
    if first[1:2].isupper() or first[:1].isupper() and len(heading.split()) > 1 and heading.split()[1][:1].isupper():
        return "For " + heading  # "For Part B", "For CHWs": a name keeps its capitals
    lowered = heading[:1].lower() + heading[1:]
    return "For " + (lowered if re.match(r"(?i)(?:part|cohort|arm|group|stage|phase|step)\s+\w+$", heading)
                     or lowered.endswith("s") else "the " + lowered)


_NAMED_HEADER = re.compile(
    r"(?i)^(?P<who>(?!(?:key|main|major|general|other|additional|specific|study)\b)[a-z][a-z -]{1,30}?)\s+"
    r"(?:inclusion|exclusion|eligibility)\s+criteri(?:a|on)$"
)
_IRREGULAR = {"child": "children", "staff": "staff", "person": "people", "man": "men", "woman": "women",
              "family": "families", "control": "controls", "adult": "adults"}


def _plural(words: str) -> str:
    """ "Resident" -> "residents", "healthy volunteer" -> "healthy volunteers"."""
    *before, last = words.strip().split()
    lower = last.lower()
    if lower in _IRREGULAR:
        last = _IRREGULAR[lower]
    elif not lower.endswith("s"):
        last = last[:-1] + "ies" if lower.endswith("y") and lower[-2:-1] not in "aeiou" else last + "s"
    text = " ".join([*before, last])
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


_PLACES = r"(?:units?|sites?|cent(?:er|re)s?|hospitals?|clinics?|wards?|practices?|facilities|institutions?|PICUs?|ICUs?|schools?)"


def label_is_people(label: str) -> bool:
    """ "For caregivers", "For participating units": the criteria under it are about those
    people or places, not the reader."""
    return bool(re.search(rf"(?i)\b(?:{OTHER_PERSON}|{_PLACES})\b", label))


# A newborn's own measures: "Birthweight < 1500 g", "Age less than 72 hours". With them,
# "gestational age" is the baby's, not a pregnancy's, so _ADULT is asked without it.
_NEWBORN = re.compile(
    r"(?i)\bbirth\s*weight\b|\b(?:postnatal|postmenstrual|corrected) age\b|"
    r"\bage[ds]?\s*(?:of\s*)?(?:less than|under|below|up to|<|≤)\s*\d+\s*(?:hours|days)\b|"
    r"\b\d+\s*(?:hours|days)\s+(?:of age|old|of life)\b"
)
_GESTATION = re.compile(r"(?i)\bgestation\w*")


def audience_of(criteria: Sequence[Criterion], max_age_years: float | None = None) -> Audience:
    """ "child" when the trial takes only children, so the sheet speaks to a parent."""
    if max_age_years is not None:
        return "child" if max_age_years < 18 else "you"
    inclusion = " ".join(c.full_text for c in criteria if c.kind == "inclusion")[:1500]
    if (_CHILD_TRIAL.search(inclusion) or _CHILD_AGES.search(inclusion)) and not _ADULT.search(inclusion):
        return "child"
    if _NEWBORN.search(inclusion) and not _ADULT.search(_GESTATION.sub("", inclusion)):
        return "child"
    return "you"


_CHILD_FORMS = (  # the engine's own "you" phrases, said of the reader's child
    (r"\byou have not\b", "your child has not"),
    (r"\byou have\b", "your child has"),
    (r"\byou are\b", "your child is"),
    (r"\byou were\b", "your child was"),
    (r"\byou had\b", "your child had"),
    # "Unable to enroll infant by 36 hours of age": the study team enrolls, not the baby
    (r"\byou (cannot|can) (enrol\w*|recruit\w*|randomi[sz]e\w*)(?: (?:the |a )?(?:baby|infant|newborn|neonate|child))?\b",
     r"the study team \1 \2 your child"),
    (r"\byou can\b", "your child can"),
    (r"\byou cannot\b", "your child cannot"),
    (r"\byou do not\b", "your child does not"),
    (r"\byou need\b", "your child needs"),
    (r"\byou use\b", "your child uses"),
    (r"\byou now\b", "your child now"),
    (r"\byourself\b", "themselves"),
    (r"\byou agree to take part\b", "you agree to your child taking part"),  # the parent consents
)
_PLACEHOLDER = "\x00"


def for_child(text: str) -> str | None:
    """The line said of the reader's child, or None when a "you" is left that cannot be."""
    text = re.sub(r"\byour\b", _PLACEHOLDER, text)
    text = re.sub(r"\bYour\b", _PLACEHOLDER.upper() + "\x01", text)
    for pattern, replacement in _CHILD_FORMS:
        text = re.sub(pattern, replacement.replace("your", _PLACEHOLDER + "c"), text)
    if re.search(r"(?i)\byou\b(?! agree to your child taking part)", text):
        return None
    text = text.replace(_PLACEHOLDER + "c", "your").replace(_PLACEHOLDER.upper() + "\x01", "Your child's")
    return text.replace(_PLACEHOLDER, "your child's")
