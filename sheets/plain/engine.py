"""The plain-English rewrite of one sheet's criteria: faithful first, plain second.

Deterministic: the same criteria give the same lines. Per criterion, from the plainest to
the safest, the first form that passes the checks is printed:
1. a rule family's clause ("you are 18 to 65 years old"), covering the whole criterion;
2. the criterion's own words after a recognised subject ("Patients with X" -> "you have X"),
   in everyday words, a true "or" list set out as items;
3. the criterion as a trait under a plain lead ("this is true for you:"), in everyday words;
4. the study's own words, symbols spelled out, marked as such.
Each form must keep every number, negation and comparison of the original (`checks`).
Explanations of terms never go inside a line: they are the line's ``words``, printed under
it. A criterion about someone else (a caregiver, staff) keeps the study's words under its
label; in a trial of children the sheet speaks to the parent ("Your child ...").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from sheets.model import Criterion, PlainCriterion
from sheets.plain import checks, people, rules
from sheets.plain.explain import LINE, Explainer
from sheets.plain.glossary import glossary, inline_definitions
from sheets.plain.people import Audience
from sheets.plain.structure import Shape, shape_of
from sheets.plain.wording import (
    APPLIES,
    clause,
    lower_first,
    split_or_list,
    swap_words,
    to_second_person,
    upper_first,
)

FRAMES = {
    ("inclusion", "you"): "You may be able to join if",
    ("exclusion", "you"): "You cannot join if",
    ("inclusion", "child"): "Your child may be able to join if",
    ("exclusion", "child"): "Your child cannot join if",
}
TRAIT = {"you": "this is true for you:", "child": "this is true for your child:"}
AS_WRITTEN = "this is true (in the study's words):"
NOTHING = "The study lists nothing here."
NOTE = "A note from the study, nothing to tick:"
COUNTED = 'This line counts toward "{lead}":'
ASK = ("The study lists this among the reasons you cannot join, but words it as something you need. "
       "Ask the study team what it means:")
STUDY_RULE = "A rule while you are in the study, not a reason to tick:"
ALLOWED = "However,"  # leads a sentence that allows rather than requires
JOINS = {  # a criterion that is only "OR" or "AND" between two others
    "or": 'The study joins the lines before and after this one with "or": one of them may be enough.',
    "and": 'The study joins the lines before and after this one with "and": both apply.',
}

def plain_criteria(
    criteria: Sequence[Criterion],
    *,
    defined: Mapping[str, str] | None = None,
    audience: Audience | None = None,
) -> tuple[PlainCriterion, ...]:
    """Each criterion as a plain line, in order; terms explained the first time they appear."""
    return rewrite_all(criteria, defined, audience)[0]


def rewrite_all(
    criteria: Sequence[Criterion],
    defined: Mapping[str, str] | None = None,
    audience: Audience | None = None,
) -> tuple[tuple[PlainCriterion, ...], Explainer, list[str]]:
    """Like `plain_criteria`, also returning the explainer and each line's form."""
    originals = [c.full_text for c in criteria]
    document = "\n".join(originals)
    explainer = Explainer(glossary(), {**inline_definitions(document), **(defined or {})}, document)
    audience = audience or people.audience_of(criteria)
    forms: list[str] = []
    lines = tuple(_rewrite(c, explainer, audience, forms) for c in criteria)
    return lines, explainer, forms


def _rewrite(criterion: Criterion, explainer: Explainer, audience: Audience, forms: list[str]) -> PlainCriterion:
    shape = shape_of(criterion, explainer.defined)
    fixed = _fixed_line(shape)
    if fixed:  # a note, a counted item, a rule for later, a line to ask about, nothing listed
        form, plain, explained, note = fixed
        forms.append(form)
        words = explainer.words(plain, context=criterion.full_text) if explained else ()
        return PlainCriterion.of(criterion.kind, plain, criterion.full_text, words=words, label=shape.label, note=note)
    form, lines, notes = _first_faithful(shape, FRAMES[(criterion.kind, audience)], audience)
    lines += [_sentence(f"{ALLOWED} {lower_first(swap_words(sentence))}") for sentence in shape.allowed]
    forms.append(form)
    explainer.explained.update(term for term, _ in notes)
    for term in rules.EXPLAINS.get(form, ()):
        explainer.explained.update((term, term.lower()))
    words = (*notes, *explainer.words(LINE.join(lines), context=criterion.full_text))
    lead, *items = lines
    return PlainCriterion(criterion.kind, lead, criterion.full_text, tuple(items), words=words, label=shape.label)


def _fixed_line(shape: Shape) -> tuple[str, str, bool, bool] | None:
    """(form, plain line, whether its words are explained, whether it is a note) for a criterion
    whose shape alone decides its line; None for one the engine rewrites."""
    own_words, plainer = _sentence(upper_first(shape.text)), _sentence(upper_first(swap_words(shape.text)))
    if shape.notice:  # "Some details are purposely omitted ...": a note, not a rule to tick
        return "note from the study", f"{NOTE} {own_words}", False, True
    if shape.counted:  # one of "at least 2 of the following": counted, not a reason on its own
        return "one of a counted list", f"{COUNTED.format(lead=shape.counted)}\n{plainer}", True, False
    if shape.rule_during_study:  # a rule to keep while in the study, not a reason to tick
        return "rule during the study", f"{STUDY_RULE} {plainer}", True, True
    if shape.reads_as_requirement:
        return "ask the study team", f"{ASK}\n{own_words}", True, False
    if shape.nothing:
        return "nothing listed", NOTHING, False, False
    if shape.connector:
        return "joins two lines", JOINS[shape.connector], False, False
    return None


def _first_faithful(
    shape: Shape, frame: str, audience: Audience
) -> tuple[str, list[str], tuple[tuple[str, str], ...]]:
    """(form, lines, notes) of the plainest form that keeps everything the criterion says.

    The form is a rule family's name, "clause", "clause with list", "trait" or "study's words".
    """
    text = shape.text
    for form, clause_, items, notes in () if shape.about_someone_else else _candidates(text):
        body = [clause_, *items]
        if checks.problems(text, " ".join(body)) or _JOIN.search(clause_) and not _JOIN.search(text):
            continue  # lost something, or "you cannot join" said inside the line
        if any(broken.search(clause_) for broken in _BROKEN):
            continue
        if re.search(r"(?i)\bboth\b", clause_) and _INCLUDES.search(text):
            continue  # "Patients with both benign and malignant X will be included": either kind, not both
        if audience == "child":
            converted = [people.for_child(line) for line in body]
            if any(line is None for line in converted):
                continue
            body = converted
        if clause_.startswith(APPLIES):  # a trait: its words go on a line of their own
            lead, items = f"{frame} {TRAIT[audience]}", [body[0][len(APPLIES):].strip(), *body[1:]]
        else:
            lead, items = f"{frame} {body[0]}", body[1:]
        return form, [_sentence(lead), *(_sentence(upper_first(i)) for i in items)], notes
    return "study's words", [f"{frame} {AS_WRITTEN}", _sentence(upper_first(text))], ()


_INCLUDES = re.compile(r"(?i)\b(?:will be|are|is|were)\s+(?:included|eligible|enrolled|accepted)\b")
_JOIN = re.compile(r"(?i)\b(?:cannot|can not|can|able to|may)\s+join\b")
# Shapes a subject swap can leave that no longer read as a sentence; the next form is tried.
_BROKEN = (
    re.compile(r"(?i)^you\b[^;]*\b(?:and|or|,)\s*who\b"),  # "you desire X and who have Y"
    re.compile(  # "you have stroke symptoms who have a scan": "who" after a thing, not a person
        r"(?i)^you (?:have|are)\b[^;]*?\b(?!(?:relatives?|child(?:ren)?|partners?|parents?|siblings?|"
        r"someone|persons?|people|members?|mothers?|fathers?|sisters?|brothers?|friends?|spouses?|"
        r"carers?|caregivers?|contacts?|doctors?|physicians?)\s)\w+\s+who\b"
    ),
    re.compile(r"(?i)^you (?:have|are)\b[^.;]*\b(?:or|and)\s+(?:taking|using|receiving|getting|having|undergoing)\b"),
    re.compile(r"(?i)^(?:you|a doctor)\b[^;]*\band (?:were|was)\b"),  # "you have X and were confirmed by CT"
    re.compile(r"(?i)^you (?:died|die|are deceased|were deceased)\b"),  # said to a reader, it makes no sense
    re.compile(r"(?i)^you have (?:both|either|any|all) (?:sexes|sex|genders?)\b"),  # "Patients with both sexes"
    re.compile(r"(?i)^you have (?:an? )?(?:fetal|foetal)\b"),  # the unborn baby's, not the mother's
    # "Unable to insert the NG-tube": the team cannot do it to you, not you yourself
    re.compile(r"(?i)^you cannot (?:perform|insert|place|obtain|acquire|measure|collect|visuali[sz]e|image|"
               r"cannulate|intubate|do an?|get an?)\b(?!\s+(?:the\s+)?(?:tests?|tasks?|exercises?|questionnaires?))"),
    re.compile(r"(?i)^you have\b[^;]*\b(?:maternal|paternal)\s+or\s+(?:infant|baby|child|fetal|neonatal)\b"),
    re.compile(r"(?i)^you\b[^;]*\b(?:and|or)\s+(?:patients|subjects|participants)\s+with\b"),  # two groups
    re.compile(r"(?i)^you (?:now )?have (?:[a-z-]+ ){0,2}(?:men|women|males|females|adults|children|people|volunteers|"
               r"users|patients|clients|residents)\b"),
    re.compile(r"(?i)^you have (?:never )?had [^;]*\b(?:or|and) (?:use|intake|taking) of\b"),  # "had X or use of Y"
    re.compile(r"(?i)^you have\b[^;]*\b(?:women|men|patients|subjects|people|children)\W*$"),  # "you have ... women"
    # "a doctor has found that you have ... OR healthy subjects": a list of groups, not illnesses
    re.compile(r"(?i)^a doctor has found that you have [^;]*\b(?:healthy|subjects?|patients?|controls?|volunteers?)\b"),
    # "you use X is prohibited", "you have no age limits were imposed": the study's verb left over
    re.compile(r"(?i)^you \w+\b(?:(?!\b(?:that|which|who|whom|whose|when|where|if|because|while|as|after|"
               r"before|until|unless|since)\b)[^;()])*?\b(?:were|was|is|are)\b"),
)
_TRAILING_PERSON = re.compile(
    r"(?i)(?<=^you are )(?!(?:a|an|the)\s)((?:(?!\b(?:a|an|the|with|who|of)\b)[\w,-]+\s+)*?[\w-]+)\s+(?:women|woman|females?|patients?|mothers?)\.?$"
)
_PLURAL_AFTER_ARE = re.compile(r"^you are ((?:(?!a\b|an\b|the\b)[a-z-]+ ){0,3}?)([a-z]+er)s\b")


def _singular(clause_: str) -> str:
    """ "you are current cigarette smokers" -> "you are a current cigarette smoker"."""
    clause_ = _TRAILING_PERSON.sub(r"\1", clause_)  # "you are pregnant or breastfeeding women"
    match = _PLURAL_AFTER_ARE.match(clause_)
    if not match:
        return clause_
    words = f"{match[1]}{match[2]}"
    article = "an" if words[:1] in "aeio" else "a"
    return f"you are {article} {words}{clause_[match.end():]}"


_HAVE_THEN_WINDOW = re.compile(
    r"^you have (?!had\b|or\b|no\b|not\b|never\b|been\b|\w+ed\b|taken\b|undergone\b|given\b|seen\b|done\b|"
    r"shown\b|known\b|begun\b|gotten\b)(?=[^;]*\b(?:within|in the (?:last|past|previous)|during the "
    r"(?:last|past|previous))\s+(?:\d|one|two|three|four|six|twelve|year|month|week|day)\b)"
)
_PAST_WINDOW = (
    r"(?=[^;]*\b(?:(?:within|in|during) the (?:last|past|previous)\b|within \d+ (?:days?|weeks?|months?|years?) "
    r"(?:before|prior)\b))"
)
_FOUND_THEN_DURATION = re.compile(  # "... found that you have CD for at least 3 months": had it that long
    r"^a doctor has found that you have (?!had\b)(?=[^;]*\bfor (?:at least |more than |over |the (?:last|past) )?\d)"
)
_TAKING_PART_THEN_WINDOW = re.compile(rf"^you are taking part in {_PAST_WINDOW}")
_TAKING_THEN_WINDOW = re.compile(rf"^you are taking (?!part\b){_PAST_WINDOW}")
_ARE_THEN_WINDOW = re.compile(  # "you are in the hospital ... in the past three months": were, some time then
    r"^you are (?=(?:in the hospital|admitted|hospitali[sz]ed|enrolled)\b[^;,()]{0,60}\b"
    r"(?:within|in|during) the (?:last|past|previous)\b)"
)
_NEEDS_ARTICLE = re.compile(
    r"^(you (?:now )?have(?: had)?) (?!a |an |the |any |no |other |another |some |more |your )"
    r"((?:(?!(?:a|an|the|had|any|no|your)\b)[a-z-]+ ){0,2}?)"
    r"(disorder|condition|stroke|scan|tumou?r|injury|fracture|ulcer|infection|wound|amputation|implant|"
    r"pacemaker|catheter|seizure disorder|heart attack|transplant|allergy|diagnosis|history|problem|increase|"
    r"decrease|reduction|change|improvement|worsening|score|fear|episode)\b(?!s\b)"
)


def _tidy(clause_: str) -> str:
    """Tense and articles a subject swap leaves: "you have a stroke within 6 months" reads
    "you have had a stroke within 6 months"; "you have bleeding disorder" gets its "a"."""
    clause_ = _HAVE_THEN_WINDOW.sub("you have had ", clause_)
    clause_ = _FOUND_THEN_DURATION.sub("a doctor has found that you have had ", clause_)
    clause_ = _TAKING_PART_THEN_WINDOW.sub("you have taken part in ", clause_)
    clause_ = _TAKING_THEN_WINDOW.sub("you have taken ", clause_)
    clause_ = _ARE_THEN_WINDOW.sub("you have been ", clause_)
    match = _NEEDS_ARTICLE.match(clause_)
    if match and not re.search(r"(?i)\b(?:or|and),?\s*$", match[2]):
        words = match[2] + match[3]
        article = "an" if words[:1] in "aeiou" else "a"
        clause_ = f"{match[1]} {article} {words}{clause_[match.end():]}"
    return clause_


def _candidates(text: str):
    """The plain forms of a criterion, plainest first: (form, clause, items, notes)."""
    ruled = rules.apply(text)
    if ruled:
        family, built = ruled
        ruled_clause = _tidy(built.clause)
        listed = split_or_list(ruled_clause) if family == "allergy" else None
        if listed:
            yield family, listed[0], listed[1], built.notes
        yield family, ruled_clause, list(built.items), built.notes
    worded = _tidy(_singular(clause(text)))
    if not worded.startswith(APPLIES):
        listed = split_or_list(worded)
        if listed:
            yield "clause with list", listed[0], listed[1], ()
        yield "clause", worded, [], ()
    # A trait keeps its own subject ("the patients"), so "their" stays theirs beside it.
    # "... and their spouses" are someone else's spouses; a leading "Their record" is the reader's.
    others = re.search(r"(?i)\b(?:and|with|or)\s+their\b", text)
    trait = text if _THIRD_PERSON.search(text) or others else to_second_person(text)
    yield "trait", f"{APPLIES} {swap_words(trait)}", [], ()


_THIRD_PERSON = re.compile(
    r"(?i)\b(?:patients?|subjects?|participants?|they|individuals?|persons?|people|newborns?|neonates?|"
    r"infants?|babies|baby|children|child|volunteers?)\b"
)
_DOUBLED = re.compile(r"\b([a-z]+)\s+\1\b")  # "the the"; never "as AS" (a word and an abbreviation)


def _sentence(line: str) -> str:
    line = _DOUBLED.sub(r"\1", line.strip().rstrip(",;").rstrip())
    return line if line.endswith((".", "?", "!", ":")) else line + "."
