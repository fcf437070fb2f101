"""Generic plain wording: everyday words, "you" for "patients", long sentences split.

This is the path every criterion can take; the rule families in ``rules.py`` only give some
criteria a better lead. Nothing here drops text: words are swapped one for one, and a
sentence is only ever cut where a new one can start.
"""

from __future__ import annotations

import re
from functools import cache

from sheets import i18n
from sheets.plain.subjects import (
    ANYONE,
    KIND_OF_WHO,
    PRONOUNS,
    SUBJECT_PATTERNS,
    THEY,
    VERBS,
    WHO,
    WHO_KIND,
)

APPLIES = "this is true for you:"  # leads a criterion that is a trait, not a clause


@cache
def _swaps() -> tuple[re.Pattern[str], dict[str, str]]:
    swaps = {k.lower(): v for k, v in i18n.packaged("plain_words")["swap"].items()}
    phrases = sorted(swaps, key=len, reverse=True)
    # A name kept whole is kept before a hyphen too ("human immunodeficiency virus-infected");
    # a swap never reaches into a hyphenated word.
    ends = {p: r"(?!\w)" if swaps[p].lower() == p and " " in p else r"(?![\w-])" for p in phrases}
    alternatives = "|".join(re.escape(p) + ends[p] for p in phrases)
    pattern = re.compile(r"(?<![\w-])(?:" + alternatives + ")", re.I)
    return pattern, swaps


def swap_words(text: str) -> str:
    pattern, swaps = _swaps()

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        starts_sentence = not text[: match.start()].strip() or re.search(r"[.:;!?(]\s*$", text[: match.start()])
        if found[:1].isupper() and not starts_sentence:
            return found  # a capitalised word mid-sentence is part of a name: keep it
        new = swaps[found.lower()]
        return new[:1].upper() + new[1:] if found[:1].isupper() and found[1:2].islower() else new

    return _fix_articles(pattern.sub(replace, text))


_A_BEFORE_VOWEL = re.compile(r"\b([Aa]) (?=(?:[aeio]|un(?!i))[a-z])")
_AN_BEFORE_CONSONANT = re.compile(r"\b([Aa])n (?=[bcdfgjklmnpqrstvwxyz][a-z]|uni(?!n)|use|usu|eu|one\b)")


def _fix_articles(text: str) -> str:
    """ "an elevated INR" became "an raised INR": the article follows its new word.

    A capital "A" after a word is a name's letter ("toxin A injections"), not an article.
    """

    def fixed(match: re.Match[str], article: str) -> str:
        named = match[1] == "A" and re.search(r"[\w,]\s$", text[: match.start()])
        return match[0] if named else article

    text = _A_BEFORE_VOWEL.sub(lambda m: fixed(m, m[1] + "n "), text)
    return _AN_BEFORE_CONSONANT.sub(lambda m: fixed(m, m[1] + " "), text)


_SUBJECT_WORD = re.compile(
    rf"(?i)^(?:{WHO}|{THEY}|age[sd]?|aged?|adults?|women|woman|females?|men|man|males?|children|child|healthy|"
    r"infants?|newborns?|neonates?|babies|baby|boys?|girls?|adolescents?|teenagers?|families|family|mothers?)\b"
)
_ELIGIBLE_AT_END = re.compile(  # not "... before being included in the study": a time, not a verdict
    r"(?<!\bbeing)(?<!\bbeen)(?<!\bbefore)(?<!\bafter)(?<!\bwhen)(?<!\bonce)(?<!\buntil)"
    r"\s+(?:are|is|will be|would be|were|was)?\s*(?:can join|able to join|eligible|included|allowed|enrolled)"
    r"(?:\s+in\s+(?:the|this)\s+(?:study|trial))?$", re.I
)


_MEASURE = re.compile(
    r"^(?P<name>(?![Yy]ou\b)[A-Za-z][\w/'’-]*(?:\s+(?!(?:is|are|was|were|has|have|had|be|been|with|who|if|you|or|in|for|at|on|to|from|by)\b)"
    r"(?:[\w/'’-]+|\([\w-]+\))){0,5}?)\s+(?P<cmp>at least|at most|more than|less than|between|under|over|above|"
    r"below|from|of)\s+(?=\d)"
)


_MEASURE_LABEL = re.compile(
    r"(?i)^(?:an?\s+)?((?!you\b)[a-z][\w /-]{1,40}?)(?:\s*:|\s+of)\s+(?=(?:at least|at most|more than|less than|between|up to)\s+\d)"
)
_PEOPLE = frozenset("patients subjects participants people adults women men children volunteers".split())
_DANGLING = frozenset("for of in with on to from by at during within than and or".split())


def _measure(text: str) -> re.Match[str] | None:
    """A measured thing and its comparison; not "diabetes for at least 6 months" (a duration),
    not "Conscious adult patients: at least 18" (people), not "Epileptic seizure < 2 years"
    (when something happened, not how much of it there is)."""
    match = _MEASURE.match(text)
    if not match:
        return None
    last = match["name"].split()[-1].lower()
    if last in _DANGLING or last in _PEOPLE:
        return None
    after = text[match.end():]
    if re.match(r"\d+(?:[.,]\d+)?\s*(?:days?|weeks?|months?|years?)\b", after) and not re.search(
        r"(?i)\b(?:age|duration|length|time|period|interval|years|stay|history)\b", match["name"]
    ):
        return None
    return match


def _two_measures(name: str) -> bool:
    """ "ALT and AST", "alanine transaminase and aspartate transaminase": two things measured;
    "shoulder pain and disability index score" is one score's name."""
    if " and " not in name:
        return False
    left, right = name.rsplit(" and ", 1)
    left_last, right_last = left.split()[-1], right.split()[-1]
    both_short = left_last.isupper() and right_last.isupper()
    return both_short or left_last.lower() == right_last.lower()


def with_verb(text: str) -> str:
    """ "Platelet count at least 100" -> "Platelet count is at least 100": a sentence, not a label."""
    match = _measure(text)
    if not match or match["cmp"] in ("from", "of"):
        return text
    last = match["name"].split(" of ")[0].split()[-1]  # "duration of diabetes": the duration
    abbreviation = last.isupper()  # "TPS", "PSA": one measure, whatever its last letter
    plural = (not abbreviation and last.lower().endswith("s") and not last.lower().endswith(("ss", "us", "is"))) \
        or _two_measures(match["name"])
    verb = "are" if plural else "is"
    return f"{match['name']} {verb} {text[match.start('cmp'):]}"


_ANOTHER_PERSON = re.compile(
    r"(?i)\b(?:mother|father|husband|wife|partner|son|daughter|brother|sister|parent|caregiver|guardian|"
    r"doctor|physician|child|spouse|he|she)\b"
)


def as_clause(text: str) -> str:
    """A criterion as the clause after "You may be able to join if" / "You cannot join if"."""
    one_person = bool(re.match(r"(?i)(?:the\s+)?(?:patient|subject|participant)\b(?!s)", text.strip()))
    text = _ELIGIBLE_AT_END.sub("", text.strip().rstrip(".;,"))
    text = re.sub(rf"(?i)^(?:any|all)\s+(?={ANYONE}\b)", "", text)  # "Any patient who ..."
    text = re.sub(rf"(?i)^if\s+(?=(?:the\s+)?{ANYONE}\b|{THEY}\b)", "", text)  # "If the patient is ..."
    shaped = _noun_phrase_clause(text)
    if shaped:
        return shaped
    speaks = re.match(r"(?i)^(non-?)?([a-z]+)[- ]speaking$", text)
    if speaks:  # "Non-English speaking" -> "you do not speak English"
        return f"you {'do not ' if speaks[1] else ''}speak {speaks[2].capitalize()}"
    kind = KIND_OF_WHO.match(text)
    if kind:
        who, rest = WHO_KIND[kind["kind"].lower()], lower_first(text[kind.end():])
        if kind["be"]:
            text = f"you are {who} who is {rest}"
        elif who == "healthy":
            text = f"you are healthy and have {rest}"
        else:
            text = f"you are {who} with {rest}"
        return to_second_person(text)
    for pattern, replacement in SUBJECT_PATTERNS:
        match = pattern.search(text)
        if match:
            text = replacement + lower_first(text[match.end():])
            break
    else:
        labelled = _MEASURE_LABEL.sub(r"\1 ", text)  # "BMI: more than 18", "A platelet count of less than 50"
        measured = _measure(labelled)
        if measured and measured["cmp"] not in ("from", "of") and not _SUBJECT_WORD.match(text):
            text = "your " + lower_first(with_verb(labelled))
        elif _names_a_condition(text):
            text = "you have " + lower_first(text)  # "Uncontrolled diabetes" -> "you have ..."
        else:
            text = f"{APPLIES} {lower_first(text)}"
    text = _AFTER_YOU.sub(lambda m: m[1] + _base_verb(m[2]), to_second_person(text))
    if one_person and not _ANOTHER_PERSON.search(text):  # "Patient giving consent for his data"
        text = re.sub(r"\bhis\b(?=\s+[a-z])", "your", text)
    return text


_ADVERB = {"regular": "regularly", "daily": "daily", "current": "now", "frequent": "often", "heavy": "heavily"}


def _noun_phrase_clause(text: str) -> str | None:
    """Noun phrases that say a clause: "Raynaud's disease diagnosis" -> "a doctor has found that
    you have Raynaud's disease"; "Chronic pain history" -> "you have a history of chronic pain";
    "Regular marijuana use" -> "you regularly use marijuana"; "Critically ill patients" ->
    "you are critically ill". Each only when its head word says what the phrase is."""
    match = re.match(r"(?i)^((?:[\w'’-]+ ){0,4}?([\w'’-]+)) diagnosis$", text)
    if match and _CONDITION_HEAD.search(match[2]) and not re.search(
        r"(?i)\b(?:first|new|newly|initial|recent|prior|previous|second|primary|confirmed|suspected)\b", match[1]
    ):  # "First primary cancer diagnosis" says when, not only what
        return f"a doctor has found that you have {lower_first(match[1])}"
    match = re.match(r"(?i)^((?:[\w'’-]+ ){0,4}?([\w'’-]+)) history\b(?P<rest>.*)$", text)
    if match and _CONDITION_HEAD.search(match[2]):
        return f"you have a history of {lower_first(match[1])}{match['rest']}"
    match = re.match(r"(?i)^(regular|daily|current|frequent|heavy) ([\w -]{2,40}?) use$", text)
    if match:
        return f"you {_ADVERB[match[1].lower()]} use {match[2]}"
    match = re.match(r"(?i)^((?:[\w-]+ ){0,2}?[\w-]*(?:ic|al|ed|ill|ive|ous|ant|ent)) (?:patients|subjects|participants|individuals)$", text)
    if match and not _SUBJECT_WORD.match(text):
        return f"you are {lower_first(match[1])}"
    return None


def to_second_person(text: str) -> str:
    """ "his/her", "their", "the patient's" -> "your"; "he or she" -> "you"."""
    for pattern, replacement in PRONOUNS:
        text = pattern.sub(replacement, text)
    return text


# "you has given consent", "you Understands Swedish": the trial's third-person verb, now after "you"
_THIRD_PERSON = {"has": "have", "is": "are", "was": "were", "does": "do", "be": "are", "goes": "go"}
_AFTER_YOU = re.compile(rf"(?i)(\byou )(has|is|was|does|be|goes|(?:{VERBS})(?:es|s))\b")


def _base_verb(verb: str) -> str:
    lower = verb.lower()
    if lower in _THIRD_PERSON:
        return _THIRD_PERSON[lower]
    stem = lower[:-2] if lower.endswith("es") and re.fullmatch(VERBS, lower[:-2]) else lower[:-1]
    return stem  # "understands" -> "understand", "undergoes" -> "undergo", "resides" -> "reside"


_CONDITION_HEAD = re.compile(
    r"(?i)(?:disease|diseases|disorder|disorders|infection|infections|cancer|cancers|tumou?rs?|"
    r"failure|syndrome|injury|injuries|pain|allerg(?:y|ies)|conditions?|illness(?:es)?|diabetes|"
    r"hypertension|asthma|arthritis|fractures?|bleeding|an(?:a)?emia|insufficiency|dysfunction|"
    r"deficiency|impairment|abnormalit(?:y|ies)|malignanc(?:y|ies)|metastas[ei]s|ulcers?|"
    r"thrombosis|embolism|stroke|seizures?|epilepsy|dementia|depression|obesity|hepatitis|"
    r"cirrhosis|lymphoma|leukemia|carcinoma|neuropathy|psychosis|schizophrenia|addiction|"
    r"regurgitation|stenosis|fibrillation|arrhythmias?|hernias?|edema|oedema|lesions?|symptoms|fever|"
    r"palsy|migraines?|headaches?|apnea|apnoea|incontinence|trauma|wounds?|fistulas?|aneurysms?|"
    r"hemorrhage|haemorrhage|infarction|ischemia|ischaemia|pneumonia|sepsis|psoriasis|eczema|"
    r"glaucoma|cataracts?|hypotension|alcoholism|autism|endometriosis|osteoporosis|osteoarthritis|"
    r"diarrh(?:o)?ea|constipation|nausea|vomiting|insomnia|fatigue|cough|deficits?|instability|"
    r"complications?|delirium|menopause|infertility|pregnancy loss|miscarriages?|misuse|abuse|dependence|"
    r"addiction|risk|obstruction|disabilit(?:y|ies)|polyps?|"
    r"[a-z]+itis|[a-z]+pathy|[a-z]+(?:a)?emia|[a-z]+phobia)$"
)
_PHRASE_ENDS = (  # words after which a noun phrase has ended: "Severe heart disease | requiring ..."
    "with|in|of|that|who|which|for|on|at|during|within|requiring|needing|causing|including|such|defined|as|by|from"
)
_CHUNK_END = re.compile(rf"(?i)\s+(?:{_PHRASE_ENDS}|or|and|but|,|\()\b|[,;(:]")
_CHUNK_END_NOT_A_LIST = re.compile(rf"(?i)\s+(?:{_PHRASE_ENDS}|but|\()\b|[,;(:]")  # "or"/"and" carry a list on
_NOT_A_NOUN_START = re.compile(
    r"(?i)(?:(?:with|without|in|for|of|at|on|to|from|by|if|when|after|before|during|verified)\b"
    r"|(?:more|less|greater|fewer|over|under|up to)\s+(?:than\s+)?\d|\d)"  # "more than 6 months post-stroke"
)


_ILLNESS_ING = frozenset("bleeding swelling wheezing vomiting snoring stuttering".split())


def _names_a_condition(text: str) -> bool:
    """Whether a bare noun phrase names an illness ("Severe heart disease requiring treatment").

    "Kidney or liver disease" shares its last word: the phrase up to a comma or bracket is
    tried too, not only its first part.
    """
    if _SUBJECT_WORD.match(text) or _NOT_A_NOUN_START.match(text):
        return False  # "Patients presenting ...", "With sepsis": not a bare illness
    first = text.split(" ", 1)[0].lower()
    if first.endswith("ing") and first not in _ILLNESS_ING:
        return False  # "Experiencing raised symptoms": a verb, not an illness
    for chunk in (_CHUNK_END.split(text, maxsplit=1)[0], _CHUNK_END_NOT_A_LIST.split(text, maxsplit=1)[0]):
        words = chunk.strip().split()
        if re.search(r"(?i)\b(?:have|has|had|is|are|was|were)\b", chunk):
            return False  # "Currently have nausea" already has its verb
        # A head ends the word and is short, so its last 40 letters settle it: searching a
        # 30,000-letter "word" whole would retry "[a-z]+itis" from every letter (quadratic).
        if 0 < len(words) <= 6 and _CONDITION_HEAD.search(words[-1][-40:]):
            return True
    return False


def clause(text: str) -> str:
    """The criterion as a clause after the frame, then in everyday words.

    The subject is found in the trial's own words ("Participation in ..."), before the
    everyday swaps change them ("taking part in ...").
    """
    return swap_words(as_clause(text))


def lower_first(text: str) -> str:
    """The text to follow other words: "Patients with" -> "patients with"; names keep capitals."""
    words = text.split(" ", 2)
    first = words[0] if text else ""
    if first[1:2].isupper() or any(ch.isdigit() for ch in first):
        return text  # an abbreviation or a code keeps its case
    if len(words) > 1 and words[1][:1].isupper():
        return text  # "United States", "Child-Pugh A": a name keeps its capitals
    if re.search(r"[’']s$", first):
        return text  # "Parkinson's disease": named for a person
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_OR_LIST = re.compile(
    r"^(?P<lead>.*\byou(?: now| also)?(?: have(?: had)?(?: treatment with)?| are| use| take| took| had(?: treatment with)?)"
    r"(?: an?| any)?)\s+"
    r"(?P<items>[^,;:()]{2,60}(?:,\s+[^,;:()]{2,60}){1,}),?\s+or\s+(?P<last>[^,;:()]{2,50})$"
)
_NOT_AN_ITEM = re.compile(r"(?i)^(?:or|and|of|in|to|for|from|with|at|by|as|than|but|not)\b")
_SHARED_HEAD = re.compile(r"(?i)^(?P<head>(?:[a-z-]+ ){0,2}[a-z-]+ (?:to|of|with|from|for|on))\s+(?P<rest>\S.*)$")
_ADJECTIVE = re.compile(r"(?i)^[a-z-]+(?:al|ic|ous|ive|ary|ar|ent|ant|ed)$")


_QUALIFIES_ALL = re.compile(
    r"(?i)\b(?:within|in the|for the|during|before|after|prior|since|at least|at most|that|which|"
    r"who|whose|requiring|needing|if|unless|when|except|per|over the|last|past|and)\b|\d"
)
_COMPARATIVE = re.compile(r"(?i)(?:worse|better|higher|lower|more|less|greater|above|below|older|younger)")
_EXAMPLES = re.compile(r"(?i)\b(?:such as|including|includes|for example|like|other than|except|apart from)\b")


def split_or_list(clause: str) -> tuple[str, list[str]] | None:
    """ "you have A, B, C or D" -> ("you have any of these:", [A, B, C, D]).

    Only a true top-level list of alternatives joined by "or" becomes "any of these", which
    keeps its meaning exactly; "and" lists and examples ("such as", "including") stay whole.
    A last item that carries a qualifier ("... or D in the past year") may qualify the whole
    list, so that list stays whole too, as does a list of describing words ("neurologic,
    mental or other illnesses"), which share their last noun.
    """
    match = _OR_LIST.match(clause.rstrip("."))
    if not match or _EXAMPLES.search(match["lead"]):
        return None
    items = [i.strip() for i in match["items"].split(",")] + [match["last"].strip()]
    if len(items) < 3 or any(len(i.split()) > 5 or _NOT_AN_ITEM.match(i) for i in items):
        return None
    if any(_ADJECTIVE.match(i) for i in items[:-1]) or _QUALIFIES_ALL.search(match["last"]):
        return None
    if any(_EXAMPLES.search(i) or " or " in i for i in items):
        return None
    if re.search(r"\b(?:a|an)$", match["lead"]) or any(_COMPARATIVE.fullmatch(i) for i in items):
        return None  # "a liver problem, Child-Pugh B or worse": one thing and how bad, not a list
    lead = match["lead"]
    shared = _SHARED_HEAD.match(items[0])
    shared = shared if shared and all(len(i.split()) <= 3 for i in items[1:]) else None
    if not shared and re.search(r"(?i)\b(?:for|of|with|to|from|on|in)\b", items[0]):
        return None  # "having keyhole surgery for A, B or C": the surgery is shared, not a list item
    if shared:
        # "allergic to local anesthetics, fentanyl or hydromorphone": "allergic to" is shared
        lead, items[0] = f"{lead} {shared['head']}", shared["rest"]
    return f"{lead} any of these:", [upper_first(i) for i in items]
