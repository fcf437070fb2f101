"""Rule families: better plain clauses for the criteria trials use most.

Each rule reads the spelled-out criterion and, when it recognises its family from the start,
builds the clause that follows "if", any items set below it, and notes that explain its words.
A rule covers the whole criterion or steps aside: what follows its words must carry on its
clause ("within 6 months") or it returns None, so nothing is stranded or dropped, and the
engine checks every rule's text against the original before printing it. This module holds
the table of patterns, in the order they are tried; ``families.py`` the builders.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sheets.plain.families import (
    CMP,
    INFECTION_NAMES,
    Built,
    age,
    age_or_more,
    allergy,
    brain,
    comply,
    consent,
    contraception,
    diagnosis,
    ecog,
    heart_attack,
    infection,
    karnofsky,
    language,
    life,
    lines,
    lvef,
    measurable,
    nyha,
    organ_function,
    other_cancer,
    other_study,
    pregnant,
    qt,
    stage,
    surgery,
    washout,
)

# Terms a family's own notes already explain, so the glossary does not say it again.
EXPLAINS = {
    "performance status: ECOG": ("ECOG", "WHO", "PS"),
    "performance status: Karnofsky": ("KPS", "Karnofsky"),
    "measurable disease (RECIST)": ("RECIST",),
    "heart failure (NYHA)": ("NYHA",),
    "heart rhythm (QTc)": ("QT", "QTc", "QTcF", "QTcB", "ECG"),
    "heart pumping (LVEF)": ("LVEF", "EF"),
    "infections: HIV, hepatitis, TB": ("TB",),
}


@dataclass(frozen=True)
class Rule:
    family: str
    pattern: re.Pattern[str]
    build: Callable[[re.Match[str], str], Built | None]


RULES: tuple[Rule, ...] = tuple(
    Rule(family, re.compile(pattern, re.I), build)
    for family, pattern, build in (
        ("age", r"^(?:age[sd]?\s*:?\s*)(?P<n>\d+) or (?:more|older|above)(?: (?P<unit>years?|months?))?(?: (?:of age|old))?", age_or_more),
        ("age", r"^(?P<who>(?:(?:males?|females?|men|women|adults?|patients?|subjects?|participants?|healthy|volunteers?|people|or|and)[\s,]+)*)"
                r"(?:who are\s+|with\s+(?:an?\s+)?age(?:s|d)?(?:\s+range)?\s*(?:of\s+)?|aged?\s*:?\s*|age(?:s|d)?\s*(?:of|between|from|range)?\s*:?\s*)?"
                rf"(?P<span>(?:{CMP}\s+|between\s+|from\s+)?\d+(?:\.\d+)?(?:\s+(?:years?|months?))?"
                r"(?:\s+(?:years?\s+)?(?:old\s+)?(?:to|and)\s+(?:age[sd]?\s+)?(?:less than\s+|at most\s+)?\d+(?:\.\d+)?)?)\s*(?P<unit>years?|months?)?\s*(?:of age|old|of age or)?"
                r"\s*(?P<older>(?:or|and)\s+(?:older|above|over|more))?(?P<younger>(?:or|and)\s+(?:younger|below|under))?"
                r"(?:\s+(?:at|on the day of)\s+(?:the time of\s+)?(?:signing|screening|consent|enrol+ment)[\w ]*)?", age),
        ("performance status: ECOG", r"(?:ECOG|Eastern Cooperative Oncology Group|WHO)\s*(?:\([A-Z]+\)\s*)?(?:performance status|PS)?"
                                     r"\s*(?:score|grade)?\s*(?:of|is|:)?\s*(?P<scores>(?:(?:at most|at least|less than|more than|of|between)\s+)?[0-5](?:\s*(?:,|or|to|and)\s*[0-5])*)", ecog),
        ("performance status: Karnofsky", r"(?:Karnofsky|KPS|Lansky)[\w\s()]*?(?P<cmp>at least|more than|at most|less than)?\s*(?P<value>\d{2,3})\s*%?(?P<after>\s*or\s+(?:more|higher|above|greater|better|less|lower|below))?", karnofsky),
        ("diagnosis confirmed by tests", r"^(?:patients? with\s+)?(?:a\s+)?(?:histologically|cytologically|pathologically|histopathologically|biopsy)"
                                         r"(?:\s+(?:or|and|and/or)\s+(?:cytologically|histologically|radiologically))?\s+(?:confirmed|proven|documented|verified)\s+(?:diagnosis of\s+|with\s+)?(?P<what>.+)$", diagnosis),
        ("prior lines of treatment", rf"(?P<cmp>{CMP})?\s*(?P<count>\d+|one|two|three|four|five)\s+(?P<more>or more\s+)?(?:prior\s+|previous\s+)?lines?\s+of\s+"
                                     r"(?:prior\s+|previous\s+)?(?:systemic\s+|anti-?cancer\s+|anti-?tumou?r\s+|antineoplastic\s+)*(?:therapy|therapies|treatments?|regimens?|chemotherapy)", lines),
        ("measurable disease (RECIST)", r"(?:at least (?:one|1)\s+)?(?:uni-?\s?dimensionally\s+|bi-?\s?dimensionally\s+)?measurable (?:disease|lesions?|tumou?rs?)[^.;]*?RECIST\s*(?:v(?:ersion)?\.?\s*)?(?P<version>\d\.\d)?(?:\s+criteria)?", measurable),
        ("blood counts, liver, kidney and clotting tests",
         r"^(?P<what>(?:adequate|good|normal|sufficient|acceptable|satisfactory)\s+(?:(?:bone marrow|organ|end[- ]organ|"
         r"hematologic(?:al)?|haematologic(?:al)?|hepatic|renal|liver|kidney|marrow|blood|coagulation|laboratory|lab)"
         r"\s*(?:,|and|/)?\s*)+(?:function(?:s|ing)?|reserve|values|parameters|results)?)(?:[^:;.]{0,60}:)?",
         organ_function),
        ("life expectancy", rf"(?:life expectancy|expected survival(?: time)?|expected to (?:live|survive))\s*(?:of|is|:)?\s*(?P<cmp>{CMP})?\s*(?P<n>\d+)\s*(?P<unit>weeks?|months?|years?)", life),
        ("brain metastases", r"(?:(?:untreated|active|uncontrolled|symptomatic|unstable|known)\s+(?:or\s+\w+\s+)?)*(?:brain|CNS|central nervous system|leptomeningeal)\s+(?:metastases|metastasis|metastatic disease|involvement)", brain),
        ("pregnancy and breastfeeding", r"^(?:women who are\s+|females? who (?:are|is)\s+|currently\s+|being\s+|known\s+|confirmed\s+)?"
                                        r"(?P<states>(?:pregnan(?:t|cy)|breast[- ]?feeding|lactating|lactation|nursing)(?:\s*(?:,|or|and/or|/|-)\s*(?:pregnan(?:t|cy)|breast[- ]?feeding|lactating|lactation|nursing))*)"
                                        r"(?:\s+(?:women|females?|patients?|participants?|subjects?|mothers?))?"
                                        r"(?P<suspected>\s*(?:,|or)\s*(?:suspected|possible)\s+pregnancy)?"
                                        r"(?P<plan>,?\s*(?:or|and/or)\s+(?:(?:are\s+|is\s+)?planning|plans?|intending|intends?|intention|wishing|wish(?:es)?|desire)\s+(?:to\s+|of\s+)?(?:become|becoming|get|getting)\s+pregnant"
                                        r"(?P<when>\s+(?:during|within|in)\s+the\s+(?:course\s+of\s+the\s+)?(?:study|trial|next\s+\d+\s+\w+)(?:\s+period)?)?)?", pregnant),
        ("contraception", r"(?:agree|willing|must|should)(?:\s+(?:and|or)\s+(?:able|willing|agree))?\s+(?:to\s+)?(?:use|practice|practise)\s+(?:an?\s+)?(?:highly\s+)?(?:effective|adequate|acceptable|reliable|two)?\s*(?:methods?\s+of\s+)?(?:contraception|contraceptive|birth control)", contraception),
        ("consent", r"^(?:(?:voluntarily|must|able to|willing to|ability to|capable of|(?:are|is)\s+(?:willing|able)(?:\s+and\s+(?:willing|able))?\s+to)\s+)*"
                    r"(?:(?:give|giving|provide|providing|sign|signs|signed|signing|understand|understood)?\s*(?:and\s+(?:sign|signed|date|dated)\s+)?(?:a\s+|an\s+|the\s+)?(?:written\s+|signed\s+(?:and\s+dated\s+)?)?informed consent"
                    r"|(?:give|giving|provide|providing|sign|signs|signed|signing)\s+(?:and\s+(?:sign|signed|date|dated)\s+)?(?:a\s+|an\s+|the\s+)?(?:written\s+|signed\s+)?consent"
                    r"|(?:a\s+)?(?:written|signed)\s+consent|informed\s+(?:and\s+)?(?:written|signed)\s+consent|provision\s+of\s+(?:written\s+)?(?:informed\s+)?consent)"
                    r"(?:\s+(?:form|document)s?)?(?P<when>\s+(?:prior to[\w\s-]*?procedures?|before (?:any )?(?:study )?(?:procedures?|screening|registration|enrol+ment)))?", consent),
        ("following the study plan", r"^(?:(?:is|are)\s+)?(?:willing|able)\s+(?:and|or)\s+(?:able|willing)\s+to\s+(?:comply|follow|adhere)\s+with\s+(?:all\s+)?(?:the\s+)?(?:study\s+)?(?:protocol|procedures|visits|requirements)", comply),
        ("other cancers", r"(?:other|another|second|secondary|prior|previous|additional|concurrent)\s+(?:active\s+|invasive\s+|primary\s+)?(?:malignanc(?:y|ies)|cancers?)", other_cancer),
        ("heart failure (NYHA)", r"(?:New York Heart Association|NYHA)\s*(?:\(NYHA\)\s*)?(?:functional\s+)?(?:class|classification|grade)?\s*(?:of\s+)?(?P<cls>(?:I{1,3}V?|IV)(?:\s*(?:or|to|and|-|/)\s*(?:I{1,3}V?|IV))?)(?:\s+(?:congestive\s+)?heart failure)?", nyha),
        ("heart attack and stroke", r"(?:(?:myocardial infarction|heart attack|unstable angina|stroke|cerebrovascular accident|transient ischemic attack)(?:\s*(?:,|or|and|/)\s*)?)+", heart_attack),
        ("recent surgery", r"major surgery\s+(?:within|in the (?:last|past))\s+(?P<n>\d+)\s+(?P<unit>days?|weeks?|months?)", surgery),
        ("allergy", r"^(?:known\s+|history of\s+|documented\s+)?(?:hypersensitivity|allerg(?:y|ies)|allergic(?: reaction)?)\s+(?:or\s+(?P<other>\w+)\s+)?to\b", allergy),
        ("other studies", r"(?:participation|participating|enrolled|enrollment|taking part)\s+in\s+(?:another|other|any other)\s+(?:interventional\s+)?(?:clinical\s+)?(?:trials?|studies|study|research)", other_study),
        ("infections: HIV, hepatitis, TB",
         r"^(?P<how>(?:(?:known|active|uncontrolled|untreated|chronic|latent|current|documented|history of|evidence of|positive (?:test )?for)\s+(?:or\s+\w+\s+)?)*)"
         rf"(?:{INFECTION_NAMES})(?:\s*\([^()]{{1,30}}\))?(?:\s+(?:infection|virus|disease))?"
         rf"(?:\s*(?:,|or|and|and/or|/)\s*(?:{INFECTION_NAMES}|C)(?:\s*\([^()]{{1,30}}\))?(?:\s+(?:infection|virus|disease))?)*"
         r"(?:\s+infections?)?(?:\s+(?:positive|infection))?\b", infection),
        ("heart rhythm (QTc)", rf"^(?:(?:a\s+)?(?:mean|average|resting|baseline|screening|prolonged)\s+)*(?:corrected\s+)?(?:QTc[FB]?|QT\s*c?\s*interval|QT)(?:\s*\((?:QTc[FB]?|Fridericia|Bazett)[^)]*\))?"
                               rf"(?:\s+interval)?(?:\s+(?:using|by)\s+\w+(?:'s)?(?:\s+(?:formula|correction))?)?\s*(?:of|is|:)?\s*(?P<cmp>{CMP})\s+(?P<n>\d+)\s*(?:ms|msec|milliseconds)\b", qt),
        ("heart pumping (LVEF)", rf"^(?:(?:a\s+)?(?:baseline|resting)\s+)?(?:left ventricular ejection fraction|LVEF|ejection fraction|EF)(?:\s*\((?:LVEF|EF)\))?\s*(?:of|is|:)?\s*(?P<cmp>{CMP})\s+(?P<n>\d+(?:\.\d+)?)\s*%", lvef),
        ("time since earlier treatment", r"^(?:(?:prior|previous|recent)\s+)?(?:treatment with\s+|therapy with\s+|use of\s+|received\s+|receipt of\s+|had\s+|taken\s+)?"
                                         r"(?P<what>(?:any\s+)?[^;:()]{3,80}?)\s+within\s+(?P<n>\d+)\s+(?P<unit>days?|weeks?|months?)\s+(?:before|prior to|of)\s+"
                                         r"(?:the\s+)?(?P<event>(?:first|1st|initial|start of)[\w\s-]{0,40}?(?:dose|treatment|administration|therapy|intervention)(?:\s+of\s+(?:the\s+)?(?:study|trial)\s+(?:drug|treatment|medication|intervention|therapy))?"
                                         r"|randomi[sz]ation|enrol+ment|study entry|study start|registration|screening|day 1)\b", washout),
        ("stage", r"^(?:(?:patients?\s+with|histologically confirmed|confirmed|newly diagnosed|diagnosis of|a diagnosis of)\s+)*(?:(?:AJCC|TNM|FIGO|clinical|pathologic(?:al)?|Ann Arbor)\s+)*stage\s+"
                  r"(?P<stages>(?:0|IV|I{1,3})[A-C]?\d?(?:\s*(?:,|or|to|and|-|/|through)\s*(?:IV|I{1,3})[A-C]?\d?)*)\s+(?P<what>[a-z][^;:]*)$", stage),
        ("language", r"^(?:(?:is|are)\s+)?(?:able|ability)\s+to\s+(?P<verb>read|speak|understand|communicate in)(?:(?:,|\s+and|\s+or)\s+(?:read|speak|understand|write))*\s+(?:and\s+\w+\s+)?(?:in\s+)?(?P<lang>English|Spanish|French|German|Dutch|Chinese|Mandarin|Italian|Danish|Swedish|Norwegian|Hebrew|Arabic|Korean|Japanese|Portuguese|Turkish)", language),
    )
)


_SUBJECT = re.compile(
    r"^(?:(?:the\s+)?(?:patient|participant|subject)s?\s+(?=\d|allergic|hypersensitiv)|(?:patients?|subjects?|participants?|people)\s+(?:who\s+)?(?:must\s+|should\s+)?"
    r"(?:have|has|with|are|is)\s+|(?:must\s+|should\s+)?(?:have|has)\s+(?:had\s+|received\s+|undergone\s+)?(?:a\s+)?)",
    re.I,
)


def apply(text: str) -> tuple[str, Built] | None:
    """The first rule family that recognises the criterion from its start, and what it builds."""
    subject = _SUBJECT.match(text)
    body = text[subject.end():] if subject else text
    for rule in RULES:
        match = rule.pattern.match(body)
        built = rule.build(match, body) if match else None
        if built:
            return rule.family, built
    return None
