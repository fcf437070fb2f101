"""The subjects a criterion starts with, and what each becomes when the sheet speaks to the reader.

"Patients with X" -> "you have X", "Subjects who are able to" -> "you are able to": an ordered
table of patterns, the first that matches wins. Data for ``wording.as_clause`` and
``wording.to_second_person``, kept apart so the wording code reads in one screen.
"""

from __future__ import annotations

import re

THEY = r"(?:they|he or she|he/she|she or he|s/he|the (?:patient|subject|participant|person))"
WHO = (  # subjects that only say "the person who joins"; "adult" or "healthy" say more
    r"(?:(?:male or female|female or male|men or women|women or men|men and women|women and men|all)\s+)?"
    r"(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?|person|those)"
)
# Subjects that also say who may join: kept in the line ("you are an adult with ...").
WHO_KIND = {
    "adult": "an adult", "adults": "an adult", "women": "a woman", "woman": "a woman",
    "female": "a woman", "females": "a woman", "men": "a man", "man": "a man", "male": "a man",
    "males": "a man", "healthy": "healthy", "healthy volunteers": "a healthy volunteer",
    "healthy volunteer": "a healthy volunteer", "healthy adults": "a healthy adult",
    "healthy adult": "a healthy adult",
}
KIND_OF_WHO = re.compile(
    r"(?i)^(?P<kind>healthy (?:volunteers?|adults?)|healthy|adults?|women|woman|females?|men|man|males?)"
    r"(?:\s+(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?))?\s+"
    r"(?:(?P<with>with|having)\s+(?!a\s+history|(?:a\s+)?known\s+history)|who\s+(?P<be>are|is)\s+(?!not\b))"
)
# Subjects that say nothing about who may join ("Patients without ..."), unlike "women" or "children".
ANYONE = r"(?:patients?|subjects?|participants?|individuals?|persons?|people|person|those)"
VERBS = (  # what a criterion may start with, after its unwritten subject: "(Patient) agrees to ..."
    r"agree|accept|consent|understand|speak|read|live|reside|meet|fulfil|fulfill|provide|"
    r"sign|experience|complete|own|plan|intend|need|take|use|weigh|suffer|present(?!\s+(?:medical|diagnosis|history|"
    r"condition|illness|disease|or|and)\b)|attend|want|wish|"
    r"smoke|drink|sleep|work|walk|wear|report|receive|undergo|give|commit"
)
# "Patients treated with ..." were treated; "Patients refused ..." did the refusing themselves.
PASSIVE = (  # something done to the person once: "you were treated with insulin"
    r"(?:treated|diagnosed|referred|randomi[sz]ed|exposed|infected|born|vaccinated|operated|"
    r"recruited|selected|assigned|transferred|discharged|intubated|prescribed|implanted|"
    r"immuni[sz]ed|screened|seen|evaluated|assessed|examined|tested|confirmed|identified|classified)"
)
STATE = (  # a state that lasts: "Patients enrolled in other trials" are enrolled now
    r"(?:admitted|hospitali[sz]ed|scheduled|enrolled|included|excluded|ventilated|followed|managed|"
    r"considered|known|planned|indicated|eligible|affected|listed|registered|deemed|judged|thought)"
)
SUBJECT_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (rf"^{WHO}\s+(?:will|shall|would|may)\s+(?:not\s+)?be\s+(?:excluded|included|eligible|enrolled|considered)"
         rf"\s+(?:if|when|who)\s+(?:they\s+)?(?=(?:are|is|have|has|had|were|was)\b)", "you "),
        (rf"^(?:who|{THEY})\s+(?:are|is)\s+", "you are "),
        (rf"^(?:who|{THEY})\s+(?:have|has)\s+", "you have "),
        (rf"^{THEY}\s+(?:need|needs|have|has)\s+to\s+be\s+", "you are "),
        (rf"^{THEY}\s+(?:need|needs|have|has)\s+to\s+have\s+", "you have "),
        (rf"^{THEY}\s+(?:must|should|will|can)\s+", "you "),
        (rf"^(?:who|{THEY})\s+(?!\d)", "you "),
        (rf"^{WHO}\s+(?:who\s+)?(?:are|is)\s+not\s+", "you are not "),
        (rf"^{WHO}\s+(?:who\s+)?(?:are|is)\s+", "you are "),
        (rf"^{WHO}\s+(?:who\s+)?(?:have|has)\s+(?:a\s+)?(?:history of|had)\s+", "you have had "),
        (rf"^{WHO}\s+(?:who\s+)?(?:have|has)\s+", "you have "),
        (rf"^{WHO}\s+(?:with|having)\s+(?:a\s+)?(?:known\s+)?history of\s+", "you have had "),
        (rf"^{WHO}\s+(?:with|having)\s+", "you have "),
        (rf"^{ANYONE}\s+(?:suffering from|affected by|living with)\s+", "you have "),
        (rf"^{ANYONE}\s+without\s+(?:a\s+)?(?:known\s+)?(?:history of|previous|prior)\s+", "you have not had "),
        (rf"^{ANYONE}\s+without\s+", "you do not have "),
        (rf"^{ANYONE}\s+(?:who\s+(?:are|is)\s+)?(?:unable|not able)\s+to\s+", "you cannot "),
        (rf"^{ANYONE}\s+(?:cannot|can not)\s+", "you cannot "),
        (rf"^{ANYONE}\s+(?=(?:able|willing|unwilling|not willing|capable|likely|unlikely|currently|older|younger|over|under|"
         r"allergic|hypersensitive|intolerant|unable|pregnant|breastfeeding)\b)", "you are "),
        (rf"^{ANYONE}\s+(?:needing|requiring|who need|who require)\s+", "you need "),
        (rf"^{ANYONE}\s+(?=(?!being\b|having\b)[a-z]+ing\b)", "you are "),
        (rf"^{ANYONE}\s+(?:taking part|participating)\s+in\s+", "you are taking part in "),
        (rf"^{ANYONE}\s+(?:undergoing|receiving|getting)\s+", "you are getting "),
        (rf"^{WHO}\s+(?:must|should|will|shall|need to|to)\s+not\s+be\s+", "you are not "),
        (rf"^{WHO}\s+(?:must|should|will|shall|need to|to)\s+not\s+have\s+", "you do not have "),
        (rf"^{WHO}\s+(?:must|should|will|shall|need to|to)\s+be\s+", "you are "),
        (rf"^{WHO}\s+(?:must|should|will|shall|need to|to)\s+have\s+", "you have "),
        (rf"^{WHO}\s+(?:must|should|will|shall|need to)\s+(?!not\b)", "you "),
        (rf"^{WHO}\s+(?:who|that)\s+", "you "),
        (rf"^{WHO}\s+(?:aged?|age)\s+", "you are aged "),
        (rf"^{WHO}\s+(?={PASSIVE}\b)", "you were "),
        (rf"^{WHO}\s+(?={STATE}\b)", "you are "),
        (rf"^{WHO}\s+(?=[a-z]+ed\b)", "you "),
        (rf"^{WHO}\s+whose\s+", "your "),
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
        (rf"^(?:the\s+)?{ANYONE}\s+(?:does|do)\s+not\s+", "you do not "),
        (rf"^(?:the\s+)?{ANYONE}\s+(?=(?:{VERBS})(?:s|es)?\b)", "you "),
        (rf"^(?=(?:{VERBS})s?\b(?!\s+(?:for|of)\b))", "you "),
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
PRONOUNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), replacement)
    for pattern, replacement in (
        (r"\b(?:his/her|his or her|her or his|their)\b", "your"),
        (r"\b(?:he/she|he or she|she or he|s/he)\b", "you"),
        (r"\b(?:him/her|him or her|them)selves\b", "yourself"),
        (r"\bthe (?:patient|subject|participant|individual|person)'s\b", "your"),
        (r"\b(?:him/her|him or her|her or him)\b", "you"),
    )
)
