"""Generic plain wording: everyday words, "you" for "patients", long sentences split.

This is the path every criterion can take; the rule families in ``rules.py`` only give some
criteria a better lead. Nothing here drops text: words are swapped one for one, and a
sentence is only ever cut where a new one can start.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib.resources import files

MAX_WORDS = 14
APPLIES = "this is true for you:"  # leads a criterion that is a trait, not a clause
ITEM = "\x1f"  # marks a sentence that starts a line of its own (an item under a lead)


@cache
def _swaps() -> tuple[re.Pattern[str], dict[str, str]]:
    data = tomllib.loads((files("sheets") / "data" / "plain_words.toml").read_text("utf-8"))
    swaps = {k.lower(): v for k, v in data["swap"].items()}
    phrases = sorted(swaps, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in phrases) + r")(?![\w-])", re.I)
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
_AN_BEFORE_CONSONANT = re.compile(r"\b([Aa])n (?=[bcdfgjklmnpqrstvwxyz][a-z])")


def _fix_articles(text: str) -> str:
    """ "an appropriate partner" became "an right partner": the article follows its new word."""
    text = _A_BEFORE_VOWEL.sub(lambda m: m[1] + "n ", text)
    return _AN_BEFORE_CONSONANT.sub(lambda m: m[1] + " ", text)


_THEY = r"(?:they|he or she|he/she|she or he|s/he|the (?:patient|subject|participant|person))"
_WHO = (
    r"(?:(?:male or female|female or male|men or women|women or men|adult|healthy|all)\s+)?"
    r"(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?|adults?|"
    r"children|women|men|females?|males?|person|those)"
)
# Subjects that say nothing about who may join ("Patients without ..."), unlike "women" or "children".
_ANYONE = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|person|those)"
_VERBS = (  # what a criterion may start with, after its unwritten subject: "(Patient) agrees to ..."
    r"agree|accept|consent|understand|speak|read|live|reside|meet|fulfil|fulfill|provide|"
    r"sign|experience|complete|own|plan|intend|need|take|use|weigh|suffer|present|attend|"
    r"smoke|drink|sleep|work|walk|wear|report|receive|undergo|give|commit"
)
# "Patients treated with ..." were treated; "Patients refused ..." did the refusing themselves.
_PASSIVE = (
    r"(?:treated|diagnosed|admitted|hospitali[sz]ed|scheduled|referred|randomi[sz]ed|exposed|infected|"
    r"born|vaccinated|operated|enrolled|recruited|selected|assigned|included|excluded|transferred|"
    r"discharged|intubated|ventilated|prescribed|implanted|immuni[sz]ed|screened|followed|seen|"
    r"managed|evaluated|assessed|examined|tested|confirmed|identified|classified|considered|known|"
    r"planned|indicated|eligible|affected|listed|registered)"
)
_SUBJECT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (rf"^(?:who|{_THEY})\s+(?:are|is)\s+", "you are "),
        (rf"^(?:who|{_THEY})\s+(?:have|has)\s+", "you have "),
        (rf"^{_THEY}\s+(?:must|should|will|can)\s+", "you "),
        (rf"^(?:who|{_THEY})\s+", "you "),
        (rf"^{_WHO}\s+(?:who\s+)?(?:are|is)\s+not\s+", "you are not "),
        (rf"^{_WHO}\s+(?:who\s+)?(?:are|is)\s+", "you are "),
        (rf"^{_WHO}\s+(?:who\s+)?(?:have|has)\s+(?:a\s+)?(?:history of|had)\s+", "you have had "),
        (rf"^{_WHO}\s+(?:who\s+)?(?:have|has)\s+", "you have "),
        (rf"^{_WHO}\s+(?:with|having)\s+(?:a\s+)?(?:known\s+)?history of\s+", "you have had "),
        (rf"^{_WHO}\s+(?:with|having)\s+", "you have "),
        (rf"^{_ANYONE}\s+(?:suffering from|affected by|living with)\s+", "you have "),
        (rf"^{_ANYONE}\s+without\s+(?:a\s+)?(?:known\s+)?(?:history of|previous|prior)\s+", "you have not had "),
        (rf"^{_ANYONE}\s+without\s+", "you do not have "),
        (rf"^{_ANYONE}\s+(?:who\s+(?:are|is)\s+)?(?:unable|not able)\s+to\s+", "you cannot "),
        (rf"^{_ANYONE}\s+(?:cannot|can not)\s+", "you cannot "),
        (rf"^{_ANYONE}\s+(?=(?:able|willing|unwilling|not willing|capable|likely|unlikely|currently|older|younger|over|under)\b)", "you are "),
        (rf"^{_ANYONE}\s+(?:needing|requiring|who need|who require)\s+", "you need "),
        (rf"^{_ANYONE}\s+(?:taking part|participating)\s+in\s+", "you are taking part in "),
        (rf"^{_ANYONE}\s+(?:undergoing|receiving|getting)\s+", "you are getting "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+(?:not\s+)?be\s+", "you are "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+have\s+", "you have "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to)\s+", "you "),
        (rf"^{_WHO}\s+(?:who|that)\s+", "you "),
        (rf"^{_WHO}\s+(?:aged?|age)\s+", "you are aged "),
        (rf"^{_WHO}\s+(?={_PASSIVE}\b)", "you were "),
        (rf"^{_WHO}\s+(?=[a-z]+ed\b)", "you "),
        (rf"^{_WHO}\s+whose\s+", "your "),
        (r"^(?:a\s+)?(?:known\s+|documented\s+|previous\s+|prior\s+|past\s+)?history of\s+", "you have had "),
        (r"^(?:has|have|having)\s+(?:a\s+)?history of\s+", "you have had "),
        (r"^having\s+(?:the\s+)?ability\s+to\s+", "you can "),
        (r"^having\s+", "you have "),
        (r"^undergoing\s+", "you are having "),
        (r"^being\s+", "you are "),
        (r"^(?:the\s+)?presence\s+or\s+(?:a\s+)?history\s+of\s+", "you have or have had "),
        (r"^(?:the\s+)?presence\s+of\s+", "you have "),
        (r"^(?:a\s+)?lack\s+of\s+(?:the\s+)?(?:patient|subject|participant)'?s'?\s+consent\b", "you do not give your consent"),
        (r"^(?:a\s+)?lack\s+of\s+(?!(?:the\s+)?ability\b|(?:the\s+)?\w+'s?\b|\w+ing\b|compliance\b|adherence\b)", "you do not have "),
        (r"^(?:has|have)\s+(?:had\s+)?", "you have "),
        (r"^(?:is|are)\s+", "you are "),
        (r"^(?:must|should)\s+be\s+", "you are "),
        (r"^(?:must|should)\s+have\s+", "you have "),
        (r"^(?:must|should)\s+", "you "),
        (rf"^(?:the\s+)?{_ANYONE}\s+(?:does|do)\s+not\s+", "you do not "),
        (rf"^(?:the\s+)?{_ANYONE}\s+(?=(?:{_VERBS})(?:s|es)?\b)", "you "),
        (rf"^(?=(?:{_VERBS})s?\b)", "you "),
        (r"^be\s+", "you are "),
        (r"^(?:unable|inability|lack of (?:the )?ability|not able)\s+to\s+", "you cannot "),
        (r"^(?:(?:has|have)\s+)?(?:the\s+)?ability\s+to\s+", "you can "),
        (r"^(?:cannot|can not|could not)\s+", "you cannot "),
        (r"^(?:can)\s+", "you can "),
        (r"^(?=(?:able|willing|unwilling|capable|ready|likely|unlikely|expected)\b)", "you are "),
        (r"^(?:currently\s+)?(?=(?:pregnant|breastfeeding|breast-feeding|planning)\b)", "you are "),
        (r"^(?:diagnosis of|diagnosed with|found to have|a diagnosis of|confirmed diagnosis of)\s+", "a doctor has found that you have "),
        (r"^(?:suspected or (?:known|confirmed|documented)|(?:known|confirmed|documented) or suspected)\s+", "you have or may have "),
        (r"^suspected\s+", "you may have "),
        (r"^(?:known|documented|confirmed)\s+", "you have known "),
        (r"^(?:current|active|ongoing)\s+(?:use of|using|taking)\s+", "you now use "),
        (r"^current(?:ly)?\s+(?:smokers?|smoking)\b", "you smoke now"),
        (r"^(?:active\s+|cigarette\s+|tobacco\s+)?smokers?$", "you smoke"),
        (r"^(?:current|ongoing)\s+", "you now have "),
        (r"^(?:use of|using|taking(?! part\b)|intake of|on)\s+", "you use "),
        (r"^(?:prior|previous|past)\s+(?:participation|enrolment|enrollment)\s+in\s+", "you have taken part in "),
        (r"^(?:prior|previous|past)\s+(?:treatment|therapy)\s+with\s+", "you have had treatment with "),
        (r"^(?:prior|previous|past)\s+", "you have had "),
        (r"^(?:treatment|therapy)\s+with\s+", "you have had treatment with "),
        (r"^(?:participation|participating|enrolled|enrollment|enrolment)\s+in\s+", "you are taking part in "),
        (r"^(?=(?:any|other|another|active|severe|significant|serious|uncontrolled|major|concurrent|concomitant)\b)", "you have "),
        (r"^(?=(?:had|used|taken|received|undergone)\s+\w)", "you have "),
        (r"^currently\s+(?=(?:taking|using|receiving|being|enrolled|participating|seeking|undergoing|living|smoking|on)\b)", "you are now "),
        (r"^currently\s+(?=(?:have|has|use|uses|take|takes|smoke|smokes|live|lives)\b)", "you now "),
        (r"^regular\s+use\s+of\s+", "you regularly use "),
        (r"^not\s+agreeing\s+to\s+", "you do not agree to "),
        (r"^(?:a\s+)?refusal\s+to\s+", "you refuse to "),
        (r"^with\s+(?:a\s+)?(?:known\s+)?history of\s+", "you have had "),
        (r"^with\s+", "you have "),
        (r"^not\s+", "you are not "),
        (r"^no\s+", "you have no "),
    )
)
_PRONOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (r"\b(?:his/her|his or her|her or his|their)\b", "your"),
        (r"\b(?:he/she|he or she|she or he|s/he)\b", "you"),
        (r"\b(?:him/her|him or her|them)selves\b", "yourself"),
        (r"\bthe (?:patient|subject|participant|individual|person)'s\b", "your"),
        (r"\b(?:him/her|him or her|her or him)\b", "you"),
    )
)


_SUBJECT_WORD = re.compile(rf"(?i)^(?:{_WHO}|{_THEY}|age[sd]?|aged?)\b")
_ELIGIBLE_AT_END = re.compile(
    r"\s+(?:are|is|will be|would be)?\s*(?:can join|able to join|eligible|included|allowed)$", re.I
)


_MEASURE = re.compile(
    r"^(?P<name>(?![Yy]ou\b)[A-Za-z][\w/'’-]*(?:\s+(?!(?:is|are|was|were|has|have|had|be|been|with|who|if|you|or)\b)"
    r"[\w/'’()-]+){0,5}?)\s+(?P<cmp>at least|at most|more than|less than|between|from|of)\s+(?=\d)"
)


_DANGLING = frozenset("for of in with on to from by at during within than and or".split())


def _measure(text: str) -> re.Match[str] | None:
    """A measured thing and its comparison; not "diabetes for at least 6 months" (a duration)."""
    match = _MEASURE.match(text)
    if match and match["name"].split()[-1].lower() in _DANGLING:
        return None
    return match


def with_verb(text: str) -> str:
    """ "Platelet count at least 100" -> "Platelet count is at least 100": a sentence, not a label."""
    match = _measure(text)
    if not match or match["cmp"] in ("from", "of"):
        return text
    last = match["name"].split()[-1]
    abbreviation = last.isupper()  # "TPS", "PSA": one measure, whatever its last letter
    plural = (not abbreviation and last.lower().endswith("s") and not last.lower().endswith(("ss", "us", "is"))) or " and " in match["name"]
    verb = "are" if plural else "is"
    return f"{match['name']} {verb} {text[match.start('cmp'):]}"


def as_clause(text: str) -> str:
    """A criterion as the clause after "You may be able to join if" / "You cannot join if"."""
    text = _ELIGIBLE_AT_END.sub("", text.strip().rstrip(".;,"))
    for pattern, replacement in _SUBJECT_PATTERNS:
        match = pattern.search(text)
        if match:
            text = replacement + _lower_first(text[match.end():])
            break
    else:
        measured = _measure(text)
        if measured and measured["cmp"] not in ("from", "of") and not _SUBJECT_WORD.match(text):
            text = "your " + _lower_first(with_verb(text))
        elif _names_a_condition(text):
            text = "you have " + _lower_first(text)  # "Uncontrolled diabetes" -> "you have ..."
        else:
            text = f"{APPLIES} {_lower_first(text)}"
    return _AFTER_YOU.sub(lambda m: m[1] + _base_verb(m[2]), to_second_person(text))


def to_second_person(text: str) -> str:
    """ "his/her", "their", "the patient's" -> "your"; "he or she" -> "you"."""
    for pattern, replacement in _PRONOUNS:
        text = pattern.sub(replacement, text)
    return text


# "you has given consent", "you Understands Swedish": the trial's third-person verb, now after "you"
_THIRD_PERSON = {"has": "have", "is": "are", "was": "were", "does": "do", "be": "are", "goes": "go"}
_AFTER_YOU = re.compile(rf"(?i)(\byou )(has|is|was|does|be|goes|(?:{_VERBS})(?:es|s))\b")


def _base_verb(verb: str) -> str:
    lower = verb.lower()
    if lower in _THIRD_PERSON:
        return _THIRD_PERSON[lower]
    stem = lower[:-2] if lower.endswith("es") and re.fullmatch(_VERBS, lower[:-2]) else lower[:-1]
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
    r"diarrh(?:o)?ea|constipation|nausea|vomiting|insomnia|fatigue|cough|"
    r"[a-z]+itis|[a-z]+pathy|[a-z]+(?:a)?emia)$"
)
_CHUNK_END = re.compile(
    r"(?i)\s+(?:with|in|of|that|who|which|for|on|at|during|within|requiring|needing|causing|"
    r"including|such|defined|as|by|from|or|and|but|,|\()\b|[,;(:]"
)
_NOT_A_NOUN_START = re.compile(r"(?i)(?:with|without|in|for|of|at|on|to|from|by|if|when|after|before|during|verified)\b")


def _names_a_condition(text: str) -> bool:
    """Whether a bare noun phrase names an illness ("Severe heart disease requiring treatment")."""
    if _SUBJECT_WORD.match(text) or _NOT_A_NOUN_START.match(text):
        return False  # "Patients presenting ...", "With sepsis": not a bare illness
    chunk = _CHUNK_END.split(text, maxsplit=1)[0].strip()
    words = chunk.split()
    if re.search(r"(?i)\b(?:have|has|had|is|are|was|were)\b", chunk):
        return False  # "Currently have nausea" already has its verb
    return 0 < len(words) <= 6 and bool(_CONDITION_HEAD.search(words[-1]))


def clause(text: str) -> str:
    """The criterion as a clause after the frame, then in everyday words.

    The subject is found in the trial's own words ("Participation in ..."), before the
    everyday swaps change them ("taking part in ...").
    """
    return swap_words(as_clause(text))


def _lower_first(text: str) -> str:
    words = text.split(" ", 2)
    first = words[0] if text else ""
    if first[1:2].isupper() or any(ch.isdigit() for ch in first):
        return text  # an abbreviation or a code keeps its case
    if len(words) > 1 and words[1][:1].isupper():
        return text  # "United States", "Child-Pugh A": a name keeps its capitals
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def top_level_split(text: str, separator: str = ";") -> list[str]:
    """Split at separators outside brackets."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += char in "([" 
        depth -= char in ")]" and depth > 0
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip(" ,") for p in parts if p.strip(" ,.")]


_LONG_ASIDE = re.compile(r"\s*\(([^()]{20,})\)")
ASIDE_WORDS = 4


def lift_asides(sentence: str) -> list[str]:
    """A long bracketed aside becomes its own sentence right after the one it sat in."""
    asides = [a.strip() for a in _LONG_ASIDE.findall(sentence) if len(a.split()) >= ASIDE_WORDS]
    if not asides:
        return [sentence]
    main = _LONG_ASIDE.sub(lambda m: "" if len(m[1].split()) >= ASIDE_WORDS else m[0], sentence).strip()
    lifted = [upper_first(a) if re.match(r"(?i)(for example|that is|such as|including|e\.g|i\.e)", a) else f"Note: {a}" for a in asides]
    return [main, *lifted]


# Phrases that start a new sentence without changing what is said: "..., as judged by your
# doctor" -> "... . This is judged by your doctor".
_RESTATE = (
    (re.compile(r",?\s+\(?as (judged|set|measured|shown|confirmed|recorded|checked|found) (by|on|in)\s+"),
     r". This is \1 \2 "),
    (re.compile(r",?\s+(?:meaning|that is,)\s+(?=\w)"), ". This means "),
    (re.compile(r",?\s+\(?(?:as\s+)?defined\s+as\s+(?=\w)"), ". This means "),
    (re.compile(r",?\s+\(?(?:as\s+)?defined\s+by\s+(?=\w)"), ". This is set by "),
)
_BREAK = re.compile(r",\s+(?=(?:and|or|but|with|without|including|such as|for example|that is(?=,)|unless|except|if|which|who|where|when)\b)")


_OR_LIST = re.compile(
    r"^(?P<lead>.*\byou(?: now| also)?(?: have(?: had)?(?: treatment with)?| are| use| take| took| had(?: treatment with)?)"
    r"(?: an?| any)?)\s+"
    r"(?P<items>[^,;:()]{2,60}(?:,\s+[^,;:()]{2,60}){1,}),?\s+or\s+(?P<last>[^,;:()]{2,50})$"
)
_NOT_AN_ITEM = re.compile(r"(?i)^(?:or|and|of|in|to|for|from|with|at|by|as|than|but|not)\b")
_SHARED_HEAD = re.compile(r"(?i)^(?P<head>(?:[a-z-]+ ){0,2}[a-z-]+ (?:to|of|with|from|for|on))\s+(?P<rest>\S.*)$")
_ADJECTIVE = re.compile(r"(?i)^[a-z-]+(?:al|ic|ous|ive|ary|ar|ent|ant|ed)$")


def split_or_list(sentence: str) -> list[str] | None:
    """ "... if you have A, B, C or D." -> "... if you have any of these:" + one line each.

    Only lists joined by "or" become "any of these", which keeps their meaning exactly; "and"
    lists stay whole, since "all of these" would change what many criteria mean. A list of
    describing words ("neurologic, mental or other illnesses") shares its last noun, so it is
    not a list of things and stays whole too.
    """
    match = _OR_LIST.match(sentence.rstrip("."))
    if not match:
        return None
    items = [i.strip() for i in match["items"].split(",")] + [match["last"].strip()]
    if len(items) < 3 or any(len(i.split()) > 7 or _NOT_AN_ITEM.match(i) for i in items):
        return None
    if any(_ADJECTIVE.match(i) for i in items[:-1]):
        return None
    lead = match["lead"]
    shared = _SHARED_HEAD.match(items[0])
    if shared and all(len(i.split()) <= 3 for i in items[1:]):
        # "allergic to local anesthetics, fentanyl or hydromorphone": "allergic to" is shared
        lead, items[0] = f"{lead} {shared['head']}", shared["rest"]
    return [f"{lead} any of these:", *(f"{ITEM}{upper_first(i)}." for i in items)]


# A time window that closes a long sentence and only looks back: "... within 6 months before
# screening", "... in the last 3 months". Windows that may look forward ("within 6 months of
# the study") are left where they are, since "it was" would not fit them.
_PAST_WINDOW = re.compile(
    r"(?i),?\s+(?P<window>(?:(?:in|within|during|over)\s+(?:the\s+)?(?:last|past|previous|preceding)\s+"
    r"\d+(?:\.\d+)?\s+(?:days?|weeks?|months?|years?)"
    r"|within\s+(?:the\s+)?\d+(?:\.\d+)?\s+(?:days?|weeks?|months?|years?)\s+(?:before|prior to)\s+"
    r"(?:(?!for\b|with\b|in\b|or\b|and\b)[^\s,;:()]+\s*){1,6}?))"
    r"\.?$"
)
WINDOW_MIN_WORDS = 6  # words left before the window
WINDOW_SPLIT_WORDS = 18  # "You cannot join if you have had a heart attack in the last 3 months" stays whole


def split_window(sentence: str) -> list[str] | None:
    """ "You cannot join if you have had any past aesthetic procedure on the face within the past
    6 months" -> "... on the face." + "This counts if it was within the past 6 months."
    """
    match = _PAST_WINDOW.search(sentence)
    if not match:
        return None
    main = sentence[: match.start()].rstrip(" ,")
    if len(main.split()) < WINDOW_MIN_WORDS or re.search(r"(?i)\b(?:no|not|never|without|plan|will|intend)\b", main):
        return None  # "no surgery in the last 6 months": the window belongs to the "no"
    if re.search(r"(?i)\byou are\b|\b(?:is|are) taking\b", main):
        return None  # "you are taking part in a study within 24 weeks": "it was" would not fit
    if re.search(r"(?i),|\b(?:or|and)\b", main):
        return None  # "heart failure or a heart attack in the last 6 months": which one it bounds is unclear
    return [main, f"This counts if it was {match['window'][:1].lower()}{match['window'][1:]}"]


def split_long(sentence: str) -> list[str]:
    """Cut a sentence longer than MAX_WORDS where a new sentence can start; lists become lines."""
    listed = split_or_list(sentence)
    if listed:
        return listed
    if len(sentence.split()) <= MAX_WORDS:
        return [sentence]
    windowed = split_window(sentence) if len(sentence.split()) > WINDOW_SPLIT_WORDS else None
    if windowed:
        return [*split_long(windowed[0]), windowed[1]]
    for pattern, replacement in _RESTATE:
        restated = pattern.sub(replacement, sentence, count=1)
        if restated != sentence and len(restated.split(". ", 1)[0].split()) >= 5:
            first, second = restated.split(". This", 1)
            return [*split_long(first), *split_long("This" + second)]
    pieces = [p for p in _BREAK.split(sentence) if p.strip()]
    if len(pieces) == 1:
        pieces = [p for p in re.split(r"(?<=[a-z]),\s+(?=[a-z])", sentence) if p.strip()]
    if len(pieces) == 1:
        return [sentence]
    sentences, current = [], pieces[0]
    for piece in pieces[1:]:
        if len(current.split()) + len(piece.split()) <= MAX_WORDS:
            current = f"{current}, {piece}"
        else:
            sentences.append(current)
            current = piece
    sentences.append(current)
    return [upper_first(s.strip(" ,")) for s in sentences]
