"""Generic plain wording: everyday words, "you" for "patients", long sentences split.

This is the path every criterion can take; the rule families in ``rules.py`` only give some
criteria a better lead. Nothing here drops text: words are swapped one for one, and a
sentence is only ever cut where a new one can start.
"""

from __future__ import annotations

import re
from functools import cache

from sheets import i18n

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


_THEY = r"(?:they|he or she|he/she|she or he|s/he|the (?:patient|subject|participant|person))"
_WHO = (  # subjects that only say "the person who joins"; "adult" or "healthy" say more
    r"(?:(?:male or female|female or male|men or women|women or men|men and women|women and men|all)\s+)?"
    r"(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?|person|those)"
)
# Subjects that also say who may join: kept in the line ("you are an adult with ...").
_WHO_KIND = {
    "adult": "an adult", "adults": "an adult", "women": "a woman", "woman": "a woman",
    "female": "a woman", "females": "a woman", "men": "a man", "man": "a man", "male": "a man",
    "males": "a man", "healthy": "healthy", "healthy volunteers": "a healthy volunteer",
    "healthy volunteer": "a healthy volunteer", "healthy adults": "a healthy adult",
    "healthy adult": "a healthy adult",
}
_KIND_OF_WHO = re.compile(
    r"(?i)^(?P<kind>healthy (?:volunteers?|adults?)|healthy|adults?|women|woman|females?|men|man|males?)"
    r"(?:\s+(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?))?\s+"
    r"(?:(?P<with>with|having)\s+(?!a\s+history|(?:a\s+)?known\s+history)|who\s+(?P<be>are|is)\s+(?!not\b))"
)
# Subjects that say nothing about who may join ("Patients without ..."), unlike "women" or "children".
_ANYONE = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|person|those)"
_VERBS = (  # what a criterion may start with, after its unwritten subject: "(Patient) agrees to ..."
    r"agree|accept|consent|understand|speak|read|live|reside|meet|fulfil|fulfill|provide|"
    r"sign|experience|complete|own|plan|intend|need|take|use|weigh|suffer|present(?!\s+(?:medical|diagnosis|history|"
    r"condition|illness|disease|or|and)\b)|attend|want|wish|"
    r"smoke|drink|sleep|work|walk|wear|report|receive|undergo|give|commit"
)
# "Patients treated with ..." were treated; "Patients refused ..." did the refusing themselves.
_PASSIVE = (  # something done to the person once: "you were treated with insulin"
    r"(?:treated|diagnosed|referred|randomi[sz]ed|exposed|infected|born|vaccinated|operated|"
    r"recruited|selected|assigned|transferred|discharged|intubated|prescribed|implanted|"
    r"immuni[sz]ed|screened|seen|evaluated|assessed|examined|tested|confirmed|identified|classified)"
)
_STATE = (  # a state that lasts: "Patients enrolled in other trials" are enrolled now
    r"(?:admitted|hospitali[sz]ed|scheduled|enrolled|included|excluded|ventilated|followed|managed|"
    r"considered|known|planned|indicated|eligible|affected|listed|registered|deemed|judged|thought)"
)
_SUBJECT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (rf"^{_WHO}\s+(?:will|shall|would|may)\s+(?:not\s+)?be\s+(?:excluded|included|eligible|enrolled|considered)"
         rf"\s+(?:if|when|who)\s+(?:they\s+)?(?=(?:are|is|have|has|had|were|was)\b)", "you "),
        (rf"^(?:who|{_THEY})\s+(?:are|is)\s+", "you are "),
        (rf"^(?:who|{_THEY})\s+(?:have|has)\s+", "you have "),
        (rf"^{_THEY}\s+(?:need|needs|have|has)\s+to\s+be\s+", "you are "),
        (rf"^{_THEY}\s+(?:need|needs|have|has)\s+to\s+have\s+", "you have "),
        (rf"^{_THEY}\s+(?:must|should|will|can)\s+", "you "),
        (rf"^(?:who|{_THEY})\s+(?!\d)", "you "),
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
        (rf"^{_ANYONE}\s+(?=(?:able|willing|unwilling|not willing|capable|likely|unlikely|currently|older|younger|over|under|"
         r"allergic|hypersensitive|intolerant|unable|pregnant|breastfeeding)\b)", "you are "),
        (rf"^{_ANYONE}\s+(?:needing|requiring|who need|who require)\s+", "you need "),
        (rf"^{_ANYONE}\s+(?=(?!being\b|having\b)[a-z]+ing\b)", "you are "),
        (rf"^{_ANYONE}\s+(?:taking part|participating)\s+in\s+", "you are taking part in "),
        (rf"^{_ANYONE}\s+(?:undergoing|receiving|getting)\s+", "you are getting "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+not\s+be\s+", "you are not "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+not\s+have\s+", "you do not have "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+be\s+", "you are "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to|to)\s+have\s+", "you have "),
        (rf"^{_WHO}\s+(?:must|should|will|shall|need to)\s+(?!not\b)", "you "),
        (rf"^{_WHO}\s+(?:who|that)\s+", "you "),
        (rf"^{_WHO}\s+(?:aged?|age)\s+", "you are aged "),
        (rf"^{_WHO}\s+(?={_PASSIVE}\b)", "you were "),
        (rf"^{_WHO}\s+(?={_STATE}\b)", "you are "),
        (rf"^{_WHO}\s+(?=[a-z]+ed\b)", "you "),
        (rf"^{_WHO}\s+whose\s+", "your "),
        (r"^(?:a\s+)?(?:known\s+|documented\s+|previous\s+|prior\s+|past\s+)?history of\s+", "you have had "),
        (r"^(?:has|have|having)\s+(?:a\s+)?history of\s+", "you have had "),
        (r"^having\s+(?:the\s+)?ability\s+to\s+", "you can "),
        (r"^having\s+", "you have "),
        (r"^undergoing\s+", "you are having "),
        (r"^(?:currently\s+)?experiencing\s+", "you are having "),
        (r"^(?:receiving|getting)\s+", "you are getting "),
        (r"^(?:a\s+|any\s+|known\s+)?contraindications?\s+(?:to|for|against)\s+(?:the\s+)?(?:use of\s+|taking\s+|receiving\s+)?",
         "you have a medical reason not to have "),
        (r"^being\s+", "you are "),
        (r"^(?:the\s+)?presence\s+or\s+(?:a\s+)?history\s+of\s+", "you have or have had "),
        (r"^(?:the\s+)?presence\s+of\s+", "you have "),
        (r"^(?:a\s+)?lack\s+of\s+(?:the\s+)?(?:patient|subject|participant)'?s'?\s+consent\b", "you do not give your consent"),
        (r"^(?:a\s+)?lack\s+of\s+(?!(?:the\s+)?ability\b|(?:the\s+)?\w+'s?\b|\w+ing\b|compliance\b|adherence\b)", "you do not have "),
        (r"^(?:has|have)\s+had\s+", "you have had "),
        (r"^(?:has|have)\s+", "you have "),
        (r"^(?:is|are)\s+", "you are "),
        (r"^(?:must|should)\s+be\s+", "you are "),
        (r"^(?:must|should)\s+have\s+", "you have "),
        (r"^(?:must|should)\s+not\s+be\s+", "you are not "),
        (r"^(?:must|should)\s+not\s+have\s+", "you do not have "),
        (r"^(?:must|should)\s+(?!not\b)", "you "),
        (rf"^(?:the\s+)?{_ANYONE}\s+(?:does|do)\s+not\s+", "you do not "),
        (rf"^(?:the\s+)?{_ANYONE}\s+(?=(?:{_VERBS})(?:s|es)?\b)", "you "),
        (rf"^(?=(?:{_VERBS})s?\b(?!\s+(?:for|of)\b))", "you "),
        (r"^be\s+", "you are "),
        (r"^(?:females?|wom[ae]n)$", "you are a woman"),
        (r"^(?:males?|m[ae]n)$", "you are a man"),
        (r"^healthy$", "you are healthy"),
        (r"^(?:current\s+)?(?:smoking|smokers?)$", "you smoke"),
        (r"^(?:current\s+)?smokers?\s*(?=\()", "you smoke "),
        (r"^(?:a\s+)?fear\s+of\s+", "you have a fear of "),
        (r"^smokers?\s+of\s+", "you smoke "),
        (r"^(?:administered|given)\s+", "you were given "),
        (r"^(?:partake|participate)\s+in\s+", "you take part in "),
        (r"^(?=(?:intentionally|regularly|routinely|habitually|frequently|deliberately)\s+(?:restrict|eat|drink|"
         r"smoke|use|take|exercise|consume|practi[cs]e|play|attend|work|live|visit|wear)\b)", "you "),
        (r"^(?:do|does)\s+not\s+", "you do not "),
        (r"^to\s+(?=(?:accept|agree|sign|give|provide|participate|comply|complete|follow|attend)\b)", "you "),
        (r"^willingness\s+and\s+ability\s+to\s+", "you are willing and able to "),
        (r"^(?:the\s+)?ability\s+of\s+(?:the\s+)?(?:subject|patient|participant|person)\s+to\s+", "you can "),
        (r"^(?=(?:cognitively|physically|mentally|medically|clinically|systemically)\s+(?:able|unable|fit|stable|"
         r"healthy|unqualified|qualified|well)\b)", "you are "),
        (r"^(?:lack of compliance with|not meeting|failure to meet|not fulfilling)\s+(?:any\s+(?:of\s+)?)?(?:the\s+)?"
         r"inclusion criteria$", "you do not meet every rule to join"),
        (r"^(?:acceptation|acceptance)\s+of\s+(?:an?\s+|the\s+)?(?:informed\s+)?consent$",
         "you agree to take part and sign the consent form"),
        (r"^(?:the\s+)?absence\s+of\s+", "you do not have "),
        (r"^(?:in\s+)?(?=good\s+(?:general\s+)?health\b)", "you are in "),
        (r"^(?:the\s+)?(?:willingness|willing)\s+to\s+", "you are willing to "),
        (r"^(?:unwillingness|unwilling|not willing)\s+to\s+", "you are not willing to "),
        (r"^non-?smokers?(?=\s+or\b|$)", "you do not smoke"),
        (r"^(?:a\s+)?native\s+speakers?\s+of\s+", "you are a native speaker of "),
        (r"^(?:a\s+)?fluent\s+speakers?\s+of\s+", "you are a fluent speaker of "),
        (r"^fluent\s+in\s+", "you are fluent in "),
        (r"^(?:clinically\s+)?diagnosed\s+(?:with\s+)?(?=[a-z])(?!(?:and|or|by|at|in|as|within|before|after)\b)",
         "a doctor has found that you have "),
        (r"^(?=(?:scheduled|candidates?\s+for|referred|admitted|hospitali[sz]ed)\b)", "you are "),
        (r"^(?:evidence|signs?)\s+of\s+", "you have signs of "),
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
        (r"^(?:current|ongoing)\s+or\s+(?:prior|previous|past|recent)\s+(?:use of\s+|usage of\s+)?", "you have or have had "),
        (r"^(?:concomitant|concurrent)\s+(?:use|usage)\s+of\s+", "you now use "),
        (r"^(?:current|active|ongoing)\s+(?:use of|usage of|using|taking)\s+", "you now use "),
        (r"^current(?:ly)?\s+(?:smokers?|smoking)\b", "you smoke now"),
        (r"^(?:active\s+|cigarette\s+|tobacco\s+)?smokers?$", "you smoke"),
        (r"^(?:current|ongoing)\s+", "you now have "),
        (r"^on\s+", "you are on "),
        (r"^(?:use of|using|taking(?! part\b)|intake of)\s+", "you use "),
        (r"^(?=(?:any|other|another|concomitant|concurrent)\s+(?:[\w-]+\s+){0,4}(?:medications?|medicines?|drugs?)\b)",
         "you use "),
        (r"^(?:prior|previous|past)\s+(?:participation|enrolment|enrollment)\s+in\s+", "you have taken part in "),
        (r"^(?:prior|previous|past)\s+(?:treatment|therapy)\s+with\s+", "you have had treatment with "),
        (r"^(?:previous|prior|past|former)\s+(?:participants?|subjects?|patients?|members?)\s+(?:in|of)\s+",
         "you have taken part in "),
        (r"^(?:prior|previous|past)\s+(?!to\b|\d|(?:day|week|month|year|decade)s?\b|(?:participants?|subjects?|"
         r"patients?|users?|smokers?|members?|donors?)\b)", "you have had "),
        (r"^(?:treatment|therapy)\s+with\s+", "you have had treatment with "),
        (r"^(?:participation|participating)\s+in\s+(?=[^;]*\b(?:within|in the (?:last|past|previous))\b)",
         "you have taken part in "),
        # "Participation in X" says now or before only with a word for when: "another", "current"
        (r"^(?:participation|participating|enrolled|enrollment|enrolment)\s+in\s+(?=(?:another|other|any other|a concurrent|"
         r"an ongoing|a current|concurrent|ongoing|current)\b)", "you are taking part in "),
        (r"^(?=(?:any|other|another|active|severe|significant|serious|uncontrolled|major|concurrent|concomitant)\b)", "you have "),
        (r"^had\s+(?=already\b)", "you had "),
        (r"^(?=(?:had|used|taken|received|undergone)\s+\w)", "you have "),
        (r"^currently\s+(?=(?:taking|using|receiving|being|enrolled|participating|seeking|undergoing|living|smoking|on)\b)", "you are now "),
        (r"^currently\s+(?=(?:have|has|use|uses|take|takes|smoke|smokes|live|lives|participate|work|attend|"
         r"practi[cs]e|play)\b)", "you now "),
        (r"^regular\s+use\s+of\s+", "you regularly use "),
        (r"^not\s+agreeing\s+to\s+", "you do not agree to "),
        (r"^(?:a\s+)?refusal\s+to\s+", "you refuse to "),
        (r"^with\s+(?:a\s+)?(?:known\s+)?history of\s+", "you have had "),
        (r"^with\s+", "you have "),
        (r"^not\s+(?=(?:signed|given|received|completed|provided|taken|had|undergone|used)\b)", "you have not "),
        (r"^not\s+", "you are not "),
        (r"^no\s+(?:informed\s+|written\s+|signed\s+)*consent$", "you do not give consent"),
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


_SUBJECT_WORD = re.compile(
    rf"(?i)^(?:{_WHO}|{_THEY}|age[sd]?|aged?|adults?|women|woman|females?|men|man|males?|children|child|healthy|"
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
    text = re.sub(rf"(?i)^(?:any|all)\s+(?={_ANYONE}\b)", "", text)  # "Any patient who ..."
    text = re.sub(rf"(?i)^if\s+(?=(?:the\s+)?{_ANYONE}\b|{_THEY}\b)", "", text)  # "If the patient is ..."
    shaped = _noun_phrase_clause(text)
    if shaped:
        return shaped
    speaks = re.match(r"(?i)^(non-?)?([a-z]+)[- ]speaking$", text)
    if speaks:  # "Non-English speaking" -> "you do not speak English"
        return f"you {'do not ' if speaks[1] else ''}speak {speaks[2].capitalize()}"
    kind = _KIND_OF_WHO.match(text)
    if kind:
        who, rest = _WHO_KIND[kind["kind"].lower()], lower_first(text[kind.end():])
        if kind["be"]:
            text = f"you are {who} who is {rest}"
        elif who == "healthy":
            text = f"you are healthy and have {rest}"
        else:
            text = f"you are {who} with {rest}"
        return to_second_person(text)
    for pattern, replacement in _SUBJECT_PATTERNS:
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
        if 0 < len(words) <= 6 and _CONDITION_HEAD.search(words[-1]):
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
