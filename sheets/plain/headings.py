"""What one line of eligibility text is: a section header ("Exclusion Criteria:"), a group
label ("Caregivers:", "Part B only:"), a marker (a bullet or a number), or text.

The patterns and small tests the criteria parser (criteria.py) reads each line with. Real
records spell headers in many ways, with typos ("Excusion") and glued to the first item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets.model import CriterionKind

_KIND = r"(?:non[-\s]?inclusion|inclusion|ex(?:cl|l|c)usion|eligibility)"  # "Excusion": a real typo
_HEADER = re.compile(
    rf"""^\W*(?:criteria\s*:\s*)?
        (?P<who>(?:(?:key|main|major|general|other|additional|specific|patient'?s?|resident|staff
              |participant|subject|study)\s+)*)
        (?P<kind>{_KIND})s?
        (?:\s+and\s+exclusion)?\s+criteri(?:a|on)\b
        (?P<rest>.*)$""",
    re.I | re.X,
)
# "Percutaneous liver biopsy exclusion criteria (to be evaluated ...)", "1. Parkinson's Disease
# (PD) group Inclusion criteria:": a header that names whom or what its list is for.
_NAMED_HEADER = re.compile(
    rf"^(?P<who>[A-Za-z][^:]{{0,70}}?)\s+(?P<kind>{_KIND})s?\s+criteri(?:a|on)\b"
    r"(?P<rest>\s*(?:\([^)]*\)?|(?:for|in|of|at)\b[^:]*)?\s*:?)\s*$",
    re.I,
)
_NOT_A_NAME = re.compile(  # "Lack of compliance with any inclusion criteria" is a criterion
    r"(?i)\b(?:are|is|was|were|be|been|will|not|no|any|all|none|meet\w*|met|fulfil\w*|satisf\w*|other|these|those)\b"
    r"|\b(?:the|of|with|without|more|specific|defined|following|if|or|and)\s*$"
)
# "Inclusion", "EXCLUSION", "Exclusions:", "Exclusion: Pregnant women": the kind word alone.
_BARE = re.compile(
    r"^\W*(?:key\s+)?(?P<kind>non[-\s]?inclusions?|inclusions?|ex(?:cl|l|c)usions?)"
    r"(?:\s*:\s*(?P<rest>.*)|\s+[-–—]+\s+(?P<rest2>.*)|\W*)$",
    re.I,
)
_GLUED_HEADER = re.compile(
    r"(?<=[\w).])\s+((?:(?:Additional|Key)\s+(?i:inclusion|exclusion)|Inclusion|Exclusion|INCLUSION|EXCLUSION)\s+[Cc]riteria\b[^:\n]{0,60}:)\s*$"
)
_SWITCH = re.compile(
    r"^(?:(?P<exclusion>exclusions?|[^:]{0,60}\b(?:will be|are|is) (?:excluded|not eligible|ineligible)\b[^:]{0,40})"
    r"|(?P<inclusion>inclusions?|[^:]{0,60}\b(?:will be|are|is) (?:included|eligible)\b[^:]{0,40}))\s*:$",
    re.I,
)
# A sentence that announces the list below it rather than asking anything itself.
_ANNOUNCES = re.compile(
    r"""(?ix)^(?:
        (?:the\s+)?following\s+(?:[\w-]+\s+){0,2}criteri(?:a|on)\b
      | (?:each|all|none|any)\s+of\s+(?:the\s+)?following\b
      | (?:in\s+order\s+)?to\s+be\s+(?:eligible|included|enrolled|considered|selected)\b
      | we\s+(?:will\s+)?(?:exclude|include)d?\b
      | (?:the\s+)?(?:selection|eligibility|inclusion|exclusion)\s+criteria\b.*\b(?:as\s+follows|are|include|includes|were)\s*:?\s*$
      | [^:]{0,100}?\b(?:will|shall|would|must|should|may|can|are|is|were|was|be)\s+(?:not\s+)?(?:\w+\s+)?
        (?:excluded|included|eligible|ineligible|enrolled|recruited)\b
      | [^:]{0,80}?\b(?:must|should|need\s+to|have\s+to)\s+(?:not\s+)?(?:meet|fulfil+|satisfy|comply\s+with)\b
      | [^:]{0,80}?\b(?:meeting|fulfilling)\s+(?:any|all|one|none)\s+of\s+the\s+following\b
    )""",
)
_SAYS_EXCLUSION = re.compile(
    r"(?i)\bexclu|\bex(?:l|c)usion|\bineligib|\bnot\s+(?:be\s+)?eligible|\bnone\s+of\b|\b(?:must|should)\s+not\b"
    r"|\bcannot\b|\bnon[-\s]?inclusion"
)
_SAYS_INCLUSION = re.compile(
    r"(?i)\binclu|\beligib|\benrol|\brecruit|\b(?:must|should)\s+(?:meet|fulfil|satisfy)|\b(?:all|each)\s+of\s+the\s+following\b"
)
# Words of a heading that only says the kind: "Subjects meeting any of the following criteria
# will be excluded from the study" has nothing else, "...excluded intra-operatively if" has.
_STOCK_WORDS = frozenset(
    """a all also an and any apply applies are as at be below both by can candidates cannot
    criteria criterion each eligibility eligible enrol enroll enrolled enrolment enrollment enter
    entry exclude excluded excludes exclusion exclusions following follows for from fulfil fulfill
    fulfilled fulfils fulfills fully has have if in include included includes inclusion inclusions
    individuals ineligible into is key listed main may meet meeting meets met more must none not
    of one only or order other participant participants participate participating participation
    patient patients people persons potential research s satisfy selected selection shall should
    study subject subjects take that the these they this those to trial we were who will with""".split()
)
_NEEDS_ITS_ITEMS = re.compile(r"(?i)\b(?:must|should|shall|need to|have to)(?:\s+(?:be|have))?\s*:?$")
# Leads that name a group or a part of the study: what is listed under them is about that
# group. A lead ending in "of", "with", "following" needs its items and names no one.
_GROUP_LABEL = re.compile(
    r"""(?ix)^(?:
        (?:specific\s+to|only\s+for|for|in|among)\s+[^.;:]{1,70}?
      | (?:part|cohort|arm|group|phase|stage|step|module|sub-?study|substudy|sub-?group|population)\b[^.;:]{0,60}?
      | [^.;:]{1,60}?\b(?:group|arm|cohort|population)s?
      | (?:(?:adult|healthy|pediatric|paediatric|adolescent|female|male|pregnant)\s+)*
        (?:caregivers?|care-givers?|carers?|parents?|partners?|spouses?|mothers?|fathers?|infants?|neonates?
          |newborns?|babies|children|adolescents?|staff|clinicians?|physicians?|nurses?|providers?
          |(?:health\s*care\s+|community\s+health\s+)?workers?|volunteers?|controls?|cases?
          |family\s+members?|relatives?|residents?|students?|teachers?|dyads?|couples?|donors?|recipients?
          |healthy\s+(?:participants?|subjects?|adults?|individuals?))
        (?:\b[^.;:]{0,60}?)?
    )\s*:?$"""
)
_LEAD_WORDS = re.compile(
    r"(?i)\b(?:following|follows?|any\s+of|one\s+of|at\s+least|such\s+as|history\s+of|defined|including|includes?"
    r"|either|who|which|must|should|will|are|is|has|have|had)\b"
    r"|\b(?:of|with|by|as|to|from|if|and|or|the|a|an|than)\s*:?$"
)
_OPEN_END = re.compile(
    r"(?i)(?::|\b(?:of|with|by|as|following|include|includes|including|are|is|be|if|who|that|which|and|or|to))\s*$"
)
# "Specific", "Principal:" alone on a line: a word that only sorts the list below it.
_LONE_QUALIFIER = re.compile(r"(?i)^(?:specific|general|principal|main|common|other|additional)\s*:?$")
_BULLET = r"[-*•·▪◦●‣–—]"
_ENUMERATOR = r"(?:\d{1,2}[.):](?!\d)|\(\d{1,2}\)|\([a-zA-Z]\)|[a-zA-Z][.)](?=\s)|\(?[ivxIVX]{1,4}[.)](?=\s))"
_MARKER = re.compile(rf"^(?P<marker>(?:{_BULLET}|{_ENUMERATOR})(?:\s*(?:{_BULLET}|{_ENUMERATOR}))*)\s*")
_SENTENCE_END = re.compile(r"[.;!?]\s*$")
_NOTE = re.compile(r"(?i)^(?:notes?|nb|n\.b\.|please note|remark)\s*[:.-]")
_CONNECTOR = re.compile(r"(?i)^(?:or|and|and/or)$")  # "OR" alone between two items joins them
_PLAIN_QUALIFIERS = {"key", "main", "major", "general", "other", "additional", "specific"}


def is_section_heading(heading: str) -> bool:
    """A heading that only says the kind: "Exclusions", "Subjects will be excluded if",
    "Participants must meet all of the following criteria". One that also says whom or what
    ("Staff Inclusion Criteria", "Patients will be excluded intra-operatively if") is not."""
    text = heading.strip().rstrip(":").strip(" *-")
    if not text or _NEEDS_ITS_ITEMS.search(text):
        return False  # "To be eligible, patients must": its items finish its sentence
    if _BARE.match(text):
        return True
    header = _HEADER.match(text)
    if header:
        if not set(header["who"].lower().split()) <= _PLAIN_QUALIFIERS:
            return False
        return _only_stock_words(header["rest"])
    return bool(_ANNOUNCES.match(text) or _SWITCH.match(text + ":")) and _only_stock_words(text)


def _only_stock_words(text: str) -> bool:
    return all(word in _STOCK_WORDS for word in re.findall(r"[a-z]+", text.lower()))


def _announced_kind(text: str) -> CriterionKind | None:
    """The kind a header sentence switches to: "...will be excluded...:" -> exclusion."""
    if not text.endswith(":") or len(text) > 220:
        return None
    if not (_ANNOUNCES.match(text) or _SWITCH.match(text)):
        return None
    if _SAYS_EXCLUSION.search(text):
        return "exclusion"
    return "inclusion" if _SAYS_INCLUSION.search(text) else None


def _header_kind(text: str) -> CriterionKind | None:
    """The kind a header in any wording switches to, if it says one."""
    header = _HEADER.match(text) or _BARE.match(text)
    return _kind_of(header["kind"]) if header else _announced_kind(text)


def _is_group_label(text: str) -> bool:
    """ "For caregivers:", "Part B only", "Healthy volunteers:": a lead naming a group. A
    comma or a comparison makes it a criterion ("In patients with diabetes, HbA1c < 8%")."""
    if len(text) > 90 or len(text.split()) > 10 or re.search(r"[,<>=≤≥]", text):
        return False
    # "Women only:" is a label; "English speakers only" without the ":" is a criterion.
    only = text.endswith(":") and re.search(r"(?i)\bonly\s*:$", text)
    return bool(only or _GROUP_LABEL.match(text)) and not _LEAD_WORDS.search(text)


def _style(marker: str) -> str:
    """The kind of marker, so "1." items and "a." sub-items can be told apart."""
    last = marker.split()[-1] if marker.split() else marker
    if re.fullmatch(_BULLET, last[:1]):
        return "bullet:" + last[:1]
    if re.search(r"\d", last):
        return "number"
    if re.fullmatch(r"\(?[ivxIVX]{1,4}[.)]", last):
        return "roman"
    return "letter"


def _kind_of(word: str) -> CriterionKind | None:
    word = word.lower()
    if word.startswith(("ex", "non")):
        return "exclusion"
    return "inclusion" if word.startswith("inclusion") else None


def _joined(*headings: str) -> str:
    """Headings one inside another, "For all phases: Hematologic"; the last keeps its ":"."""
    parts = [h.strip() for h in headings if h.strip().rstrip(":").strip()]
    return ": ".join([p.rstrip(":").strip() for p in parts[:-1]] + parts[-1:])


@dataclass
class Section:
    """A header found on one line: the kind it switches to and what else the line says."""

    kind: CriterionKind | None
    label: str  # "Staff Inclusion Criteria": whom the list is for; "" for a plain header
    content: str  # "Pregnant women" of "Exclusion: Pregnant women": the first item
    group: str = ""  # "Parkinson's Disease (PD) group" of a numbered group's own header


def section_header(line: str, body: str, marker: re.Match[str] | None) -> Section | None:
    """The section a header line starts ("Exclusion Criteria:", "Staff Inclusion Criteria",
    "1. PD group Inclusion criteria:"), or None when the line is not a header."""
    header = _HEADER.match(body)
    if header and _is_header(body, header) and not (
        marker and header["rest"].strip(" :*") and not line.endswith(":")
    ):
        qualifier, content = _split_rest(header["rest"])
        rest = header["rest"]
        end = header.start("rest") + len(rest) - len(rest.lstrip()) + len(qualifier)
        label = body[header.start("who"): end].strip(" *-:")
        named = not set(header["who"].lower().split()) <= _PLAIN_QUALIFIERS
        return Section(_kind_of(header["kind"]), label if (qualifier or named) else "", content)
    alone = _BARE.match(body)
    if alone and not (marker and alone["rest2"]):
        return Section(_kind_of(alone["kind"]), "", (alone["rest"] or alone["rest2"] or "").strip())
    group = _NAMED_HEADER.match(body)
    if group and len(group["who"].split()) <= 8 and not _NOT_A_NAME.search(group["who"]) \
            and (line.endswith(":") or not marker):
        # A numbered "1. PD group Inclusion criteria:" heads a group with sections of its own.
        if marker:
            return Section(_kind_of(group["kind"]), "", "", group["who"].strip())
        return Section(_kind_of(group["kind"]), body.strip(" :*-"), "")
    return None

def _is_header(line: str, header: re.Match[str]) -> bool:
    rest = header["rest"].strip()
    return len(line) <= 120 and (not rest or rest.startswith((":", "-", "(", "*")) or len(rest) < 60)

def _split_rest(rest: str) -> tuple[str, str]:
    """What follows "Inclusion criteria": a qualifier ("for mothers", "(control group)")
    that says whom the list is for, and content ("- Age 18+") that is its first item."""
    rest = rest.strip()
    if not rest or rest[0] in ":-–—*":
        return "", rest.lstrip(":-–—* ").strip()
    if rest.startswith("("):
        close = rest.find(")")
        if close == -1:
            return rest, ""  # "(Only patients who ... are eligible to" goes on below
        return rest[: close + 1], rest[close + 1:].strip().lstrip(":-–— ").strip()
    if ":" in rest:
        qualifier, _, content = rest.partition(":")
        return qualifier.strip(), content.strip()
    if re.match(r"(?i)(?:for|in|of|at|among|within)\b", rest):
        return rest, ""
    return "", rest


_ALTERNATIVES = re.compile(
    r"(?i)\b(?:diagnostic|diagnosis|defined|definition|evidenced|one of|either|any of|such as|as follows|"
    r"following)\b"
)
_INLINE_NUMBER = re.compile(r"(?:^|(?<=[\s,;.:]))\(?(\d{1,2})[).](?=\s*[A-Za-z(])")


def inline_items(text: str, heading: str) -> list[tuple[str, str, bool]]:
    """ "Diabetes group: 1) Age 30-70, 2) type 2 diabetes" -> one criterion a number.

    A record that lost its line breaks numbers its criteria inline ("... adenocarcinoma
    2.Locally advanced 3.Chemotherapy-naive"). Only a run of numbers counting up from 1 or 2
    is read that way; text before a "1)" that ends in ":" heads the parts. Returns (text,
    heading, whether it is the last part, which keeps the item's sub-items).
    """
    run: list[re.Match[str]] = []
    for match in _INLINE_NUMBER.finditer(text):
        number = int(match[1])
        if (not run and number in (1, 2)) or (run and number == int(run[-1][1]) + 1):
            run.append(match)
        elif run:
            break
    if len(run) < 2 or (int(run[0][1]) == 2 and run[0].start() == 0):
        return [(text, heading, True)]
    if _ALTERNATIVES.search(text[: run[0].start()]) or re.search(r"(?i)\b(?:or|and/or)\W*$", text):
        return [(text, heading, True)]  # "as evidenced by 1) ... and/or 2) ...": one criterion
    before = text[: run[0].start()].strip(" ,;")
    parts = [text[m.end(): n.start() if n else len(text)].strip(" ,;") for m, n in zip(run, [*run[1:], None], strict=True)]
    if int(run[0][1]) == 2:
        parts.insert(0, before)  # "X 2.Y 3.Z": the first criterion has no number
    elif before:
        heading = f"{heading}: {before}" if heading else before  # "Diabetes group: 1) ... 2) ..."
    parts = [p for p in parts if p]
    return [(part, heading, index == len(parts) - 1) for index, part in enumerate(parts)]
