"""The rule families' builders: what each family makes of a criterion it recognises.

Each builder takes the family's match and the criterion and returns a `Built` (the clause
after "if", items below it, notes on its words), or None to step aside. ``rules.py`` holds
the table of patterns that picks a builder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets.plain.wording import swap_words, to_second_person, upper_first, with_verb

NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}
CMP = r"(?:at least|at most|more than|less than|no more than|no less than|up to|over|under|greater than|fewer than)"

ECOG_MEANINGS = (
    "0 means you are fully active",
    "1 means you can do light work but not hard physical work",
    "2 means you can care for yourself but cannot work, and you are up more than half the day",
    "3 means you can only partly care for yourself and spend more than half the day in bed or a chair",
    "4 means you cannot care for yourself and stay in bed or a chair",
)
KARNOFSKY_MEANINGS = (
    (90, "90 or more means normal activity with only minor signs of illness"),
    (80, "80 means normal activity with some effort"),
    (70, "70 means you can care for yourself but cannot do normal activity or work"),
    (60, "60 means you need help now and then but can do most things for yourself"),
    (50, "50 means you need a lot of help and often need medical care"),
    (0, "40 or less means you need special care and help"),
)


@dataclass(frozen=True)
class Built:
    """What a rule makes of a criterion: the clause after "if", items below it, word notes."""

    clause: str
    items: tuple[str, ...] = ()
    notes: tuple[tuple[str, str], ...] = ()



# What may follow a rule's words and still belong to its clause: a time, a reason, a place.
_CARRIES_ON = re.compile(
    r"(?i)^(?:within|in the|in (?:\d|one|two|three|six)|during|for (?:at least |more than |the |\d)|"
    r"requiring|needing|that|which|at (?:the time of|the start|screening|study entry|baseline|enrol|inclusion|the first)|"
    r"on (?:the )?(?:day|screening)|since|before|after|prior to|as (?:judged|determined|assessed|defined|"
    r"confirmed|documented|measured|shown)|according to|by (?:the )?(?:investigator|physician|doctor)|"
    r"per\b|using|throughout|until|from the|of (?:the )?study|of at least)"
)


def _rest(text: str, match: re.Match[str]) -> str:
    return text[match.end():].strip(" ,.;:")


def _with_rest(clause: str, text: str, match: re.Match[str], items: tuple[str, ...] = (),
               notes: tuple[tuple[str, str], ...] = ()) -> Built | None:  # fmt: skip
    """The rule's clause with what follows it, or None when the rest says something new.

    A rest that carries on the clause ("within 6 months", "as judged by the doctor") or
    sits in brackets stays in it; anything else ("or planning a pregnancy") may change what
    the whole criterion means, so the rule steps aside rather than strand it.
    """
    rest = _rest(text, match)
    if not rest:
        return Built(clause, items, notes)
    if items:
        return None  # words after a list would be stranded below it
    bracketed = re.fullmatch(r"\(([^()]*)\)", rest)
    if bracketed:
        return Built(f"{clause} ({swap_words(bracketed[1])})", items, notes)
    if _CARRIES_ON.match(rest):
        return Built(f"{clause} {swap_words(rest)}", items, notes)
    return None


def age(m: re.Match[str], text: str) -> Built | None:
    said = m[0].lower()
    if not re.search(r"\bage|years|months|old", said) or len(m[0].split()) < 2:
        return None  # a bare number is not an age
    span = re.sub(r"\s+", " ", m["span"]).strip()
    span = re.sub(r"\b(?:years? of age|years? old|years?|months?)\b", "", span).strip(" ,")
    span = re.sub(r"\s+", " ", span)
    span = re.sub(r"\s+", " ", re.sub(r"(?i)\b(?:old|age[sd]?)\b", "", span)).strip()
    span = span[:1].lower() + span[1:]  # "From 18 to 25" inside the clause
    both = re.fullmatch(r"at least (\d+(?:\.\d+)?) (?:and|to) (?:at most|less than) (\d+(?:\.\d+)?)", span)
    if both and "less than" not in span:
        span = f"{both[1]} to {both[2]}"
    unit = (m["unit"] or ("months" if "month" in said else "years")).lower()
    unit = unit if unit.endswith("s") else unit + "s"
    kinds = [w for w in re.findall(r"(?i)\b(healthy|males?|females?|men|women)\b", m["who"] or "")]
    if len({k.lower().rstrip("s") in ("male", "men") for k in kinds if k.lower() != "healthy"}) > 1:
        kinds = [k for k in kinds if k.lower() == "healthy"]  # "male or female": anyone
    who = " ".join(dict.fromkeys(
        {"males": "man", "male": "man", "men": "man", "females": "woman", "female": "woman",
         "women": "woman"}.get(k.lower(), k.lower()) for k in kinds))  # fmt: skip
    if who:
        article = "" if who == "healthy" else "a "
        clause = f"you are {article}{who}, aged {span} {unit}"
    else:
        clause = f"you are {span} {unit} old"
    if m["older"]:
        clause += " or older"
    elif m["younger"]:
        clause += " or younger"
    rest = _rest(text, m)
    if re.fullmatch(r"(?i)(?:without|no|regardless of|of any|any) (?:gender|sex)(?: restrictions?)?|(?:male|men) (?:or|and) (?:female|women)s?|(?:female|women) (?:or|and) (?:male|men)s?", rest):
        return Built(clause + ", with no limit on sex")
    return _with_rest(clause, text, m)


def ecog(m: re.Match[str], text: str) -> Built | None:
    scores = [int(s) for s in re.findall(r"\b[0-5]\b", m["scores"])]
    top = max(scores) if scores else 1
    if re.search(r"at least|more than|greater than", m["scores"]):
        meanings = ECOG_MEANINGS[min(scores):]
    else:
        meanings = ECOG_MEANINGS[: min(top, 4) + 1]
    clause = f"your ECOG score is {m['scores'].strip()}"
    return _with_rest(clause, text, m, notes=(("ECOG score", ". ".join(upper_first(x) for x in meanings)),))


def karnofsky(m: re.Match[str], text: str) -> Built | None:
    value = int(m["value"])
    meaning = next(text_ for floor, text_ in KARNOFSKY_MEANINGS if value >= floor)
    after = f" {m['after'].strip()}" if m["after"] else ""
    clause = f"your Karnofsky score is {m['cmp'] + ' ' if m['cmp'] else ''}{value}{after}"
    return _with_rest(clause, text, m, notes=(("Karnofsky score", upper_first(meaning)),))


def diagnosis(m: re.Match[str], text: str) -> Built | None:
    if re.search(r"(?i)radiolog|clinical|imaging", m[0]):
        return None  # "radiologically confirmed": not a lab test on tissue
    what = swap_words(m["what"].strip(" ,.;"))
    said = m[0].lower()
    tissue, cells = re.search(r"histolog|patholog|biops", said), "cytolog" in said
    sample = "tissue or cells" if tissue and cells else "cells" if cells else "tissue"
    return Built(f"lab tests on a sample of {sample} have confirmed that you have {what}")


def lines(m: re.Match[str], text: str) -> Built | None:
    count = NUMBER_WORDS.get(m["count"].lower(), m["count"])
    cmp = f"{m['cmp']} " if m["cmp"] else ""
    more = " or more" if m["more"] else ""
    return _with_rest(
        f"you have already had {cmp}{count}{more} courses of treatment for this illness "
        "(doctors call these lines of treatment)", text, m
    )


def measurable(m: re.Match[str], text: str) -> Built | None:
    version = f" {m['version']}" if m["version"] else ""
    return _with_rest(
        f"you have at least one tumor that can be measured on scans, using the RECIST{version} rules",
        text, m, notes=(("RECIST", "the rules doctors use to measure tumors on scans"),),
    )


_LAB_ITEM_END = re.compile(r";\s*|(?<=[A-Za-z²³)%])\.\s+(?=[A-Z])")
_SUB_HEADING = re.compile(r"^(?P<head>[A-Z][\w ,/-]{2,40}):\s+(?P<body>.+)$")


def organ_function(m: re.Match[str], text: str) -> Built | None:
    """ "Adequate organ function: ANC ≥ 1.5; platelets ≥ 100" -> one line per test."""
    if not re.search(r"(?i)function|reserve|values|parameters|results", m["what"]) and not m[0].endswith(":"):
        return None  # "Normal blood pressure < 140/90": one measure, not a panel of tests
    items = []
    for part in _LAB_ITEM_END.split(text[m.end():].strip(" ,.;:")):
        part = part.strip(" ,.;")
        if not part:
            continue
        sub = _SUB_HEADING.match(part)
        if sub:
            items.append(f"{upper_first(swap_words(sub['head']))}: {with_verb(swap_words(sub['body']))}")
        else:
            items.append(upper_first(with_verb(swap_words(part))))
    what = m["what"].strip()
    lead = f"tests show you have {swap_words(what[:1].lower() + what[1:])}"
    return Built(lead + ":" if items else lead, tuple(items))


def life(m: re.Match[str], text: str) -> Built | None:
    cmp = m["cmp"] or "at least"
    return _with_rest(f"your doctor expects you to live {cmp} {m['n']} {m['unit']}", text, m)


QUALIFIERS = {
    "untreated": "not yet treated", "active": "active", "uncontrolled": "not under control",
    "symptomatic": "causing symptoms", "unstable": "not stable", "progressive": "growing",
}


def brain(m: re.Match[str], text: str) -> Built | None:
    said = [QUALIFIERS[w] for w in re.findall(r"\w+", m[0].lower()) if w in QUALIFIERS]
    if re.search(r"(?i)\band\b", m[0]):
        return None  # "untreated and symptomatic": both must hold; keep the study's words
    where = "brain or spinal cord" if re.search(r"(?i)\bCNS\b|central nervous|leptomening", m[0]) else "brain"
    clause = f"you have cancer that has spread to the {where}"  # "brain metastases" says brain only
    if said:
        clause += f" and it is {' or '.join(dict.fromkeys(said))}"
    return _with_rest(clause, text, m)


def pregnant(m: re.Match[str], text: str) -> Built | None:
    said = m["states"].lower()
    states = [word for key, word in (("pregnan", "pregnant"), ("breast", "breastfeeding"),
                                     ("lactat", "breastfeeding"), ("nursing", "breastfeeding")) if key in said]
    clause = f"you are {' or '.join(dict.fromkeys(states))}"
    if m["suspected"]:
        clause += " or may be pregnant"
    if m["plan"]:
        clause += " or plan to become pregnant"
        if m["when"]:
            clause += f" {swap_words(m['when'].strip())}"
    return _with_rest(clause, text, m)


def contraception(m: re.Match[str], text: str) -> Built | None:
    method = re.split(r"(?i)\b(?:use|practice|practise)\s+", m[0], maxsplit=1)[-1]
    return _with_rest(f"you agree to use {swap_words(method)}", text, m)


def consent(m: re.Match[str], text: str) -> Built | None:
    """Consent, keeping what the study asks of the reader: to be able, to be willing, or to sign.

    "Ability to give informed consent" is about capacity (it decides who qualifies in a
    memory study), so it never becomes "you agree to take part".
    """
    said = m[0].lower()
    able = re.search(r"\b(?:able|ability|capable|capacity)\b", said)
    willing = re.search(r"\bwilling", said)
    act = "sign the consent form" if re.search(r"\b(?:sign|written)", said) else "give your consent to take part"
    if able or willing:
        how = " and ".join(w for w, on in (("able", able), ("willing", willing)) if on)
        clause = f"you are {how} to {act}"
    else:
        clause = "you agree to take part and sign the consent form"
    if m["when"]:
        clause += f" {swap_words(m['when'].strip())}"
    rest = re.sub(r"(?i)^(?:and|,)\s+", "", _rest(text, m))
    if not rest or re.fullmatch(
        r"(?i)(?:to|for)\s+(?:participat\w*|take part|taking part)(?:\s+in\s+(?:the|this)\s+(?:study|trial|research))?", rest
    ):
        return Built(clause)  # "... to participate in the study" says no more
    if re.match(r"(?i)(?:for|to|of|from|in|on|by|with)\b", rest):  # "consent for their child to ..."
        return Built(f"{clause} {swap_words(to_second_person(rest))}")
    return _with_rest(clause, text, m)


def comply(m: re.Match[str], text: str) -> Built | None:
    visits = " and come to the visits" if "visit" in m[0].lower() else ""
    return _with_rest(f"you are willing and able to follow the study plan{visits}", text, m)


def other_cancer(m: re.Match[str], text: str) -> Built | None:
    words = m[0].lower().split()
    rest = _rest(text, m)
    past = words[0] in ("prior", "previous") or re.match(r"(?i)(?:within|in the (?:last|past))", rest)
    kinds = [w for w in words[1:-1] if w in ("active", "invasive", "primary")]
    clause = f"you {'have had' if past else 'have'} another {' '.join(kinds + ['cancer'])}"
    return _with_rest(clause, text, m)


def nyha(m: re.Match[str], text: str) -> Built | None:
    return _with_rest(
        f"you have heart failure of NYHA class {m['cls']}", text, m,
        notes=(("NYHA class", "how much heart failure limits you: class I means no limits in daily "
                "activity; class II means slight limits; class III means daily activity is limited; "
                "class IV means symptoms even at rest"),),
    )


HEART_EVENTS = {
    "myocardial infarction": "a heart attack",
    "heart attack": "a heart attack",
    "unstable angina": "unstable angina (chest pain that can come at rest)",
    "stroke": "a stroke",
    "cerebrovascular accident": "a stroke",
    "transient ischemic attack": "a mini-stroke (TIA)",
}


def heart_attack(m: re.Match[str], text: str) -> Built | None:
    if re.search(r"(?i)\band\b", m[0]):
        return None  # "heart attack and stroke": joined by "and", which "or" would change
    events = [HEART_EVENTS[e.lower()] for e in re.findall("|".join(HEART_EVENTS), m[0], re.I)]
    named = " or ".join(dict.fromkeys(events))
    ongoing = all(e.startswith("unstable angina") for e in events)  # a state, not an event
    return _with_rest(f"you {'have' if ongoing else 'have had'} {named}", text, m)


def surgery(m: re.Match[str], text: str) -> Built | None:
    return _with_rest(f"you had major surgery in the last {m['n']} {m['unit']}", text, m)


def allergy(m: re.Match[str], text: str) -> Built | None:
    if m["other"]:
        return None  # "allergy or contraindication to": the second reason must not be lost
    what = text[m.end():].strip(" .;")
    return Built("you are allergic to " + swap_words(what)) if what else None


def other_study(m: re.Match[str], text: str) -> Built | None:
    what = re.split(r"(?i)\bin\s+", m[0], maxsplit=1)[-1]
    return _with_rest(f"you are taking part in {swap_words(what)}", text, m)


INFECTIONS = {
    "hiv": "HIV", "human immunodeficiency virus": "HIV", "aids": "AIDS",
    "hepatitis b": "hepatitis B", "hbv": "hepatitis B", "hepatitis c": "hepatitis C", "hcv": "hepatitis C",
    "tuberculosis": "tuberculosis (TB)", "tb": "tuberculosis (TB)",
}  # fmt: skip
INFECTION_NAMES = r"human immunodeficiency virus|hepatitis\s+[BC]|HIV|AIDS|HBV|HCV|tuberculosis|TB"
_INFECTION_NAME = re.compile(rf"(?i)\b(?:{INFECTION_NAMES})\b")


_INFECTION_GOES_ON = re.compile(r"(?i)^(?:$|[,.;(]|within|in the|requiring|needing|that|which|who|with|or|and|as|by|defined|positive|infection|virus)")


def infection(m: re.Match[str], text: str) -> Built | None:
    if not _INFECTION_GOES_ON.match(text[m.end():].strip()):
        return None  # "Tuberculosis contacts" are not people who have tuberculosis
    if re.search(r"\([^()]*\)", m[0]) or re.search(r"(?i)\band\b", m[0]):
        return None  # an aside or an "and" list: the study's words say it exactly
    named = [INFECTIONS[" ".join(found.lower().split())] for found in _INFECTION_NAME.findall(m[0])]
    if re.search(r"(?i)hepatitis\s+B\s*(?:,|or|/)\s*C\b", m[0]):
        named.append("hepatitis C")  # "hepatitis B or C"
    how_words = re.findall(r"(?i)\b(known|active|uncontrolled|untreated|chronic|latent|current|"
                           r"documented|history of|evidence of|positive (?:test )?for)\b", m["how"] or "")
    if any(w.lower() not in ("known", "active", "uncontrolled", "untreated", "chronic", "latent") for w in how_words):
        return None  # "history of", "positive test for": the study's words say it exactly
    qualifiers = [q.lower() for q in how_words if q.lower() != "known"]
    how = " or ".join(dict.fromkeys(qualifiers))
    names = " or ".join(dict.fromkeys(named))
    return _with_rest(f"you have {how + ' ' if how else ''}{names}", text, m)


def qt(m: re.Match[str], text: str) -> Built | None:
    return _with_rest(
        f"a heart tracing (ECG) shows your QT time is {m['cmp']} {m['n']} ms", text, m,
        notes=(("QT time", "how long your heart takes to reset between beats. A long QT time can "
                "make the heart beat in a dangerous way"),),
    )


def lvef(m: re.Match[str], text: str) -> Built | None:
    return _with_rest(
        f"a heart scan shows your heart pumps out {m['cmp']} {m['n']}% of its blood with each beat (LVEF)",
        text, m, notes=(("LVEF", "how much blood your heart pumps out with each beat. A healthy "
                          "heart pumps out about 50 to 70%"),),
    )  # fmt: skip


_EVENTS = (
    (r"randomi[sz]ation", "the study puts you in a group"),
    (r"enrol+ment|study entry|study start|inclusion|registration|day 1", "you start the study"),
    (r"screening", "your first study visit"),
    (r".*", "your first dose of the study treatment"),
)


def washout(m: re.Match[str], text: str) -> Built | None:
    event = next(plain for pattern, plain in _EVENTS if re.fullmatch(pattern, m["event"].strip(), re.I))
    what = m["what"].strip()
    what = what[:1].lower() + what[1:] if what[1:2].islower() else what
    when = f"in the {m['n']} {m['unit']} before {event}"
    items = [i.strip() for i in re.split(r"\s*,\s*(?:or\s+|and/or\s+)?|\s+(?:or|and/or)\s+", what) if i.strip()]
    if re.search(r"(?i)\band\b|\bnot\b|\bno\b", what):
        return None
    shared_noun = any(re.fullmatch(r"(?i)(?:any\s+)?[a-z-]+(?:al|ic|ous|ive|ary|ar|ent|ant|ed)", i) for i in items[:-1])
    names_people = re.match(r"(?i)(?:patients?|subjects?|participants?|people|those|who)\b", items[0])
    if names_people:
        return None  # "Patients on any topical ...": the subject is not a treatment
    if len(items) >= 2 and all(len(i.split()) <= 5 for i in items) and not shared_noun:
        return _with_rest(f"you had any of these {when}:", text, m,
                          items=tuple(upper_first(swap_words(i)) for i in items))
    return _with_rest(f"you had {swap_words(what)} {when}", text, m)


ROMAN = {"IV": "4", "III": "3", "II": "2", "I": "1", "0": "0"}


def _arabic(stage: str) -> str:
    """ "IIIB" -> "3B": the number a reader knows, with the letter kept."""
    match = re.match(r"(IV|I{1,3}|0)(.*)", stage)
    return ROMAN[match[1]] + match[2] if match else stage


def stage(m: re.Match[str], text: str) -> Built | None:
    stages = re.sub(r"\b(?:IV|I{1,3}|0)[A-C]?\d?\b", lambda s: _arabic(s[0]), m["stages"])
    stages = re.sub(r"\s*(?:-|through|/)\s*", " to ", stages)
    what = swap_words(m["what"].strip(" .;"))
    return Built(f"you have stage {stages} {what}", notes=(
        ("stage", "how far the illness has grown or spread. A higher number means it is further along"),))


def language(m: re.Match[str], text: str) -> Built | None:
    skills = re.sub(r"(?i)^(?:(?:is|are)\s+)?(?:able|ability)\s+to\s+", "", m[0])
    return _with_rest(f"you can {skills}", text, m)


def age_or_more(m: re.Match[str], text: str) -> Built | None:
    unit = (m["unit"] or "years").lower().rstrip("s") + "s"
    return _with_rest(f"you are {m['n']} {unit} old or older", text, m)
