"""A criterion's structure, found before any word of it changes.

The rewrite works on this, not on the raw string: the criterion's own words (its heading
joined when it reads on, symbols spelled out, the abbreviations it defines in brackets
dropped), whom or which part of the study it is for, whether its subject is someone other
than the reader, and how it hangs on its neighbours ("... OR" at its end, "And; ..." at its
start, or only "OR" between two lines). Nothing found here is dropped: a connector becomes
the line's label, a group heading too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sheets.model import Criterion
from sheets.plain import people, rules
from sheets.plain.headings import is_section_heading
from sheets.plain.normalise import spell_out

JOINED_LABELS = {"or": "This line or the one before", "and": "This line and the one before"}
JOINS_NEXT_LABELS = {"or": "This line or the next one", "and": "This line and the next one"}
ALREADY_MEANT = {"inclusion": "and", "exclusion": "or"}  # every reason to join, any reason not to


@dataclass(frozen=True)
class Shape:
    text: str  # the criterion's own words, symbols spelled out
    label: str = ""  # whom or which part of the study it is for, or how it joins its neighbours
    about_someone_else: bool = False  # a caregiver, a partner, study staff: not the reader
    connector: str = ""  # "or" / "and" when the criterion is only that word between two lines
    nothing: bool = False  # "None", "N/A": the study lists nothing here
    notice: bool = False  # a note about the list ("details are omitted"), not a rule to tick
    allowed: tuple[str, ...] = ()  # sentences that allow, not require: "Those on a stable dose may continue"
    counted: str = ""  # the lead this line is one of: "at least 2 of the following risk factors"
    reads_as_requirement: bool = False  # an exclusion worded as a requirement: "No history of X"
    rule_during_study: bool = False  # "Use of THC is prohibited during the study": kept, not ticked


def shape_of(criterion: Criterion, defined: Mapping[str, str]) -> Shape:
    """The criterion's structure; ``defined`` are the abbreviations the trial spells out."""
    if _COUNTED.search(criterion.heading):
        # "Residents with at least 2 of the following risk factors:" then one factor a line:
        # a line alone is no reason to join, only one of those counted.
        lead = _without_inline_definitions(spell_out(criterion.heading.rstrip(": ")), defined)
        text = _without_inline_definitions(spell_out(" ".join((criterion.original, "; ".join(criterion.details)))), defined)
        return Shape(text.strip(), counted=lead)
    group = people.group_label(criterion.heading)
    text = _without_inline_definitions(spell_out(_as_written(criterion, group)), defined)
    text = _DANGLING_EXAMPLES.sub("", text)
    if _NOTHING.match(text):
        return Shape(text, group, nothing=True)
    labels = [group] if group else []
    joined = _JOINED.match(text)
    if joined and not text[joined.end():].strip():
        return Shape(text, group, connector=_word(joined["word"]))
    if joined:  # "Or; more than two weeks after ...": an alternative to the line before
        labels.insert(0, JOINED_LABELS[_word(joined["word"])])
        text = text[joined.end():]
    else:
        joins_next = _JOINS_NEXT.search(text)
        if joins_next:  # "... OR" at the end: this line or the next one
            word = _word(joins_next["word"])
            deliberate = joins_next["word"].isupper() or ";" in joins_next[0]  # not the ", and" of a list
            if deliberate and word != ALREADY_MEANT[criterion.kind]:  # "; AND" between reasons to join says nothing new
                labels.insert(0, JOINS_NEXT_LABELS[word])
            text = text[: joins_next.start()]
    label = labels[0] + (f" ({labels[1]})" if len(labels) > 1 else "") if labels else ""
    other = people.about_someone_else(text) or people.label_is_people(group)
    if _NOTICE.search(text):
        return Shape(text, label, about_someone_else=other, notice=True)
    inline = _INLINE_LABEL.match(text)
    if inline and not label and _NAMES_A_GROUP.search(inline["label"]) and rules.apply(text) is None:
        # "Diabetes group: type 2 diabetes", "Hematologic: ANC ..." lead with whom or what the
        # line is about: that is its label, and the rest is the criterion.
        named = re.sub(r"(?i)^(?:exclude|include)d?\s+", "", inline["label"])  # "Exclude special populations"
        topic = re.fullmatch(r"[A-Za-z]+(?:ic|al)", named)  # "Hematologic": what, not whom
        label = people.group_label(named) or (named if topic else f"For {named[:1].lower()}{named[1:]}")
        text = inline["body"]
    if _STUDY_RULE.search(text):
        return Shape(text, label, rule_during_study=True)
    if criterion.kind == "exclusion" and (_REQUIREMENT.match(text) or _MUST_NOT.search(text)):
        # "No history of Crohn's disease" listed among reasons you cannot join: read as written
        # it excludes nearly everyone; read the other way it guesses. The study team can say.
        return Shape(text, label, about_someone_else=other, reads_as_requirement=True)
    first, *more = _SENTENCES.split(text)
    if _ALLOWS_ALL.match(first) and not more:
        # "Patients in post-marketing studies will be allowed to enroll": it allows, it asks nothing
        return Shape(text, label, about_someone_else=other, notice=True)
    # Only the sentences that close the criterion and allow (outside brackets) are set apart:
    # "Hemoglobin > 9 g/dL (transfusion is allowed)" mid-list still requires, in its place.
    trailing = len(more)
    while trailing and _ALLOWS.search(re.sub(r"\([^()]*\)", "", more[trailing - 1])):
        trailing -= 1
    allowed = tuple(more[trailing:])
    if any(re.match(r"(?i)(?:instead|however|but|therefore|then|thus|this|these|they)\b", sentence)
           for sentence in more if sentence not in allowed):
        allowed = ()  # "... will not be excluded. Instead, ...": the sentences lean on each other
    if allowed:
        text = " ".join([first, *(sentence for sentence in more if sentence not in allowed)])
    return Shape(text, label, about_someone_else=other, allowed=allowed)


def _word(connector: str) -> str:
    return "or" if connector.lower().startswith("or") or connector.lower() == "and/or" else "and"


_NOTICE = re.compile(  # a note that opens the line; one glued after a criterion leaves it a criterion
    r"(?i)^(?:(?:some|the|all|full|other|additional|more)\b[^.]{0,80}?(?:(?:purposely|deliberately|intentionally) "
    r"(?:omitted|withheld)|\bwill be (?:posted|published|disclosed)\b|\b(?:criteria|details) (?:are|is) "
    r"(?:omitted|withheld|not (?:listed|disclosed|shown)))"
    r"|(?:both (?:sexes|genders)|(?:men|males) and (?:women|females)|all (?:ages|genders|sexes))"
    r"\s+(?:are|will be)\s+(?:included|eligible|accepted)\W*$"
    r"|(?:sex|gender)\s*:\s*(?:all|both|any)\W*$"
    r"|(?:other|additional|more)\b[^.]*\bcriteria\b[^.]*\b(?:apply|applies|defined|described|listed|in the protocol)\b"
    r"|no inclusion if\b"
    # a definition, not a rule: "A female of childbearing potential is a sexually mature female who: ..."
    r"|(?:a|an)\s+(?:female|woman|male|man|person|participant|subject|patient)\s+(?:of|with)\s+"
    r"(?:child-?bearing|reproductive)\s+potential\s+(?:\([A-Z]+\)\s+)?(?:is|means)\b"
    r"|(?:women|females|males|men|participants)\s+(?:of|with)\s+(?:child-?bearing|reproductive)\s+potential"
    r"\s+(?:\([A-Z]+\)\s+)?(?:are|is)\s+defined\s+as\b"
    r"|the (?:above|foregoing) (?:information|list|criteria)\b[^.]{0,40}\bnot (?:intended|meant) to\b"
    r"|(?:for\s+)?(?:patients|subjects|participants|those)\s+who\s+(?:refuse|decline)\w*\b[^.]*\bwill be "
    r"(?:consented|recruited|enrolled|randomi[sz]ed|assigned|allocated|offered)\b)"
)
# "Patients with brain lesions must not have any of the following: ..." among reasons you cannot
# join: ticked "yes, true for me", it would say the opposite of what it means.
_MUST_NOT = re.compile(  # the criterion's own rule, not a clause about a thing ("... that should not be ended")
    r"(?i)(?<!that )(?<!which )\b(?:must|should|shall) not (?:have|be|show|meet|receive|use|take|present)\b"
)
_REQUIREMENT = re.compile(  # "No history of X", "No food allergies" among reasons you cannot join
    r"(?i)^(?:there (?:is|are|must be) )?(?:(?:absence of|without|free (?:of|from)|not having)\s+"
    r"(?:(?:known|prior|previous|personal|past|current|active|significant|clinically significant|documented|"
    r"or|and)\s+)*(?:history|diagnosis|evidence|presence|signs?|symptoms?|record)s?\b"
    r"|no\s+(?!(?:informed\s+|written\s+|signed\s+)*consent\b|access\b|availability\b|available\b|ability\b|means\b|"
    r"(?:tele)?phone\b|transport|internet\b|fixed\b|permanent\b|more\b|less\b|longer\b|later\b|earlier\b|other\b))"
)
_INLINE_LABEL = re.compile(
    r"^(?P<label>[A-Z][A-Za-z'’/ -]{2,40}?):\s+(?P<body>(?![<>≤≥=~(]|\d(?!\))|at least|at most|more than|less than|"
    r"between|under|over|up to|from\b)\S.*)$"
)
_NAMES_A_GROUP = re.compile(  # "Diabetes group", "Healthy subjects", "Hematologic": whom or what a line is about
    r"(?i)(?:\b(?:group|groups|cohort|arm|populations?|subjects|participants|patients|volunteers|controls|"
    r"children|adults|parents|caregivers|partners|women|men)|^[a-z]+(?:ic|al))$"
)
_STUDY_RULE = re.compile(
    r"(?i)\b(?:is|are|will be)\s+(?:prohibited|forbidden|not (?:allowed|permitted))\s+(?:during|throughout|while|for the)\b"
)
_ALLOWS_ALL = re.compile(  # the whole line allows: "Patients in other studies will be allowed to enroll"
    r"(?i)^(?:patients|subjects|participants|those|people|women|men)\b[^()]*\b(?:will be|are|is) allowed to\b"
)
_SENTENCES = re.compile(r"(?<=[.;])\s+(?=[A-Z])")
# A sentence that allows rather than requires: under "You cannot join if" it must not read as a reason.
_ALLOWS = re.compile(
    r"(?i)\b(?:may|can|(?:will be|are|is) allowed to)\s+(?:continue|join|participate|take part|be included|"
    r"be enrolled|enrol+|register|remain|stay|enter|keep)\b|\b(?:are|is|will be)\s+(?:allowed|permitted|acceptable|not excluded)\b"
    r"|\b(?:will|are|is)\s+not\s+be\s+excluded\b|\b(?:are|is)\s+not\s+excluded\b"
)
_JOINED = re.compile(r"(?i)^(?P<word>and/or|or|and)\b\s*[;,:.]?\s*")
# "...; or" and "... OR" join a line to the next; "Free of disease or" is a phrase cut short.
_JOINS_NEXT = re.compile(r"(?:[.,;:]\s*|\s+(?=[A-Z]{2}))\b(?P<word>OR|or|AND|and|AND/OR|and/or)\s*[.:]?$")
_DANGLING_EXAMPLES = re.compile(r"(?i)[.,;:]?\s*\b(?:such as|including|for example|e\.g)\W*$")
_NOTHING = re.compile(
    r"(?i)^\W*(?:none|n/?a|not applicable|no(?:ne)? (?:specific )?(?:exclusion|inclusion) criteria"
    r"|there (?:are|is) no (?:specific )?(?:exclusion|inclusion) criteria"
    r"|(?:this|the) (?:[\w-]+ )*(?:study|trial) (?:does not have|has no) (?:any )?(?:specific )?(?:exclusion|inclusion) criteria)\W*$"
)
_NAMES_THE_LIST = re.compile(r"(?i)\b(?:inclusion|exclusion|eligibility)\s+criteri(?:a|on)\b")
_COUNTED = re.compile(  # not "any of the following": then each line counts on its own
    r"(?i)\b(?:at least|more than|at most|\d+|one|two|three|four|five)\s+(?:or more\s+)?of\s+(?:the\s+)?"
    r"(?:following|these|below)\b"
)
_BE_BEFORE_VERB = re.compile(
    r"(?i)\b(must|should|will|shall) be (?=(?:agree|have|has|sign|use|provide|understand|live|speak|"
    r"take|give|meet|complete|attend|undergo|receive)\b)"
)
_JOINS_HEADING = re.compile(
    r"(?i)(?:\b(?:must|should|will|shall|need to)\s+(?:be|have)|\b(?:are|is|have|has|with|who|if|be)|:\s*-)\s*:?$"
)


def _as_written(criterion: Criterion, group: str) -> str:
    """The criterion with its heading: "Participants must be:" + "healthy" reads as one.

    A heading that names a group or a part is the line's label instead, and one that only
    says the kind ("Exclusions") says nothing the frame does not.
    """
    body = " ".join((criterion.original, "; ".join(criterion.details))).strip()
    heading = criterion.heading
    if group or is_section_heading(heading) or _NAMES_THE_LIST.search(heading):
        heading = ""  # "Newly added exclusion criteria in version 2.0" says nothing to a patient
    if heading and _JOINS_HEADING.search(heading):
        joined = f"{heading.rstrip(':- ')} {body[:1].lower() + body[1:] if body[1:2].islower() else body}"
        return _BE_BEFORE_VERB.sub(r"\1 ", joined)  # "must be:" + "agree to ..." -> "must agree"
    return f"{heading}: {body}" if heading else body


def _without_inline_definitions(text: str, defined: Mapping[str, str]) -> str:
    """ "absolute neutrophil count (ANC)" -> "absolute neutrophil count": the words already say it.

    Only the abbreviations this text puts in brackets are tried, so the work grows with the
    text, not with the text times every definition the record makes."""
    bracketed = {short.lower() for short in re.findall(r"\(([^()]{1,40})\)", text)}
    for short, long in defined.items():
        if short.lower() not in bracketed or any(ch.isdigit() for ch in short):
            continue  # "ICD-10" carries a number the sheet must keep
        if not _spelled_by_initials(long, short):
            continue  # "Anesthesia classification (ASA)": the words do not say ASA, so keep it
        text = re.sub(rf"({re.escape(long)})\s*\({re.escape(short)}\)", r"\1", text, flags=re.I)
    return text


def _spelled_by_initials(words: str, short: str) -> bool:
    """Whether each word of the full form starts a letter of the short form, in order:
    "temporomandibular joint" spells TMJ, "Anesthesia classification" does not spell ASA."""
    small = {"of", "and", "the", "for", "in", "to", "with", "by", "on", "or"}
    initials = [w[0] for w in re.findall(r"[a-z]+", words.lower()) if w not in small]
    letters = iter(re.sub(r"[^a-z]", "", short.lower()))
    return bool(initials) and short[:1].lower() == initials[0] and all(i in letters for i in initials)
