"""Sheets in other languages: complete catalogues, fallback to English, Spanish sheets.

A language is files in ``sheets/data/lang/<code>/``; these tests check each translation
against the English files key for key, and the Spanish sheet a user gets against the
English catalogue: no fixed English sentence may be left in it.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import replace
from datetime import date

import pytest
from click.testing import CliRunner
from conftest import FIXED_DAY, RECORDS, ROOT, SEED_RECORD
from pdfcheck import reader, text_of

from sheets import (
    SheetOptions,
    SheetsError,
    build_sheet,
    i18n,
    load_trial,
    render_html,
    render_pdf,
)
from sheets.cli import main
from sheets.content import labels as wording
from sheets.model import SiteContent
from sheets.plain.glossary import meanings_in

LANG = ROOT / "sheets" / "data" / "lang"
OTHER_LANGUAGES = sorted(p.name for p in LANG.iterdir() if p.is_dir() and p.name != "en")
ENGLISH_FILES = {
    "strings": LANG / "en" / "strings.toml",
    **{name: ROOT / "sheets" / "data" / f"{name}.toml" for name in i18n.DATA_FILES},
}


def _toml(path):
    return tomllib.loads(path.read_text("utf-8"))


def _pairs(english, translated, where=""):
    """(place, English string, translated string or None) for every string of ``english``."""
    if isinstance(english, dict):
        for key, value in english.items():
            if key in i18n.FROM_ENGLISH:
                continue
            other = translated.get(key) if isinstance(translated, dict) else None
            yield from _pairs(value, other, f"{where}.{key}")
    elif isinstance(english, list) and all(isinstance(item, dict) for item in english):
        by_identity = {i18n._identity(t): t for t in translated or [] if isinstance(t, dict)}
        for item in english:
            yield from _pairs(
                item,
                by_identity.get(i18n._identity(item)),
                f"{where}[{item.get('key') or item.get('term')}]",
            )
    elif isinstance(english, str):
        yield where, english, translated if isinstance(translated, str) else None


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
@pytest.mark.parametrize("name", list(ENGLISH_FILES))
def test_every_english_key_is_translated_with_the_same_placeholders(lang, name):
    path = LANG / lang / f"{name}.toml"
    assert path.is_file(), f"{lang} has no {name}.toml"
    problems = []
    for where, english, translated in _pairs(_toml(ENGLISH_FILES[name]), _toml(path)):
        if translated is None:
            problems.append(f"{where}: missing")
        elif i18n.placeholders(english) != i18n.placeholders(translated):
            problems.append(f"{where}: placeholders {sorted(i18n.placeholders(translated))}")
    assert not problems, f"{lang}/{name}.toml:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_translated_question_is_still_a_question(lang):
    data = i18n.data("questions", lang)
    texts = [w for w, *_ in _pairs(data, data) if w.endswith(".text")]
    assert texts
    for where, text, _ in _pairs(data, data):
        if where.endswith(
            ".text"
        ):  # {follow_up} is an outcome kind's question, itself ending in "?"
            assert text.rstrip().endswith(("?", "{follow_up}")), f"{lang} {where}: {text!r}"
    for kind in i18n.data("outcomes", lang)["kind"]:
        assert kind["question"].rstrip().endswith("?"), f"{lang} outcome {kind['key']}"


def test_each_language_is_named_in_its_own_tongue_and_offered_by_the_cli():
    assert i18n.languages() == {"en": "English", "es": "Español"}
    help_text = CliRunner().invoke(main, ["make", "--help"], terminal_width=200).output
    assert "es (Español)" in help_text


def test_a_missing_translation_falls_back_to_english_and_record_patterns_stay_english():
    base = {"a": "Yes", "b": {"c": "No {x}"}, "kind": [{"key": "k", "pattern": "re", "what": "w"}]}
    partial = {"a": "Sí", "kind": [{"key": "k", "pattern": "otro", "what": "q"}], "extra": "z"}
    assert i18n.merge(base, partial) == {
        "a": "Sí",
        "b": {"c": "No {x}"},
        "kind": [{"key": "k", "pattern": "re", "what": "q"}],
    }


def test_an_unknown_language_is_one_clear_error():
    with pytest.raises(SheetsError, match="language 'fr' is not available .*es \\(Español\\)"):
        SheetOptions(lang="fr")
    result = CliRunner().invoke(main, ["make", str(SEED_RECORD), "--lang", "fr"])
    assert result.exit_code == 2 and "'fr' is not one of 'en', 'es'" in result.output


def test_dates_and_numbers_are_written_for_the_language():
    with i18n.using("es"):
        assert wording.date_phrase("2026-06") == "junio de 2026"
        assert wording.date_phrase("2022-09-16") == "16 de septiembre de 2022"
        assert wording.count_phrase(12345, "person") == "12.345 personas"
        assert wording.age_range("18 Years", "75 Years") == "18 a 75 años"
    assert wording.date_phrase("2022-09-16") == "September 16, 2022"
    assert wording.count_phrase(12345, "person") == "12,345 people"
    assert wording.count_phrase(1, "site") == "1 site"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_sheets_own_sentences_never_say_a_word_twice(lang):
    # "Es para personas de de 18 a 80 años": the Spanish age range began with "de" and the
    # sentence around it said "de" too. The sheet's own sentences, for every test record.
    doubled = []
    for path in RECORDS:
        sheet = build_sheet(load_trial(path), SheetOptions(lang=lang, generated_on=FIXED_DAY))
        sentences = (*sheet.overview.about, *sheet.overview.taking_part, *sheet.doctor_questions,
                     *sheet.coordinator_questions, *sheet.notices, *(row.value for row in sheet.who))  # fmt: skip
        doubled += [(path.stem, s) for s in sentences if re.search(r"(?i)\b(\w+)\s+\1\b", s)]
    assert doubled == []
    if lang == "es":
        record = next(p for p in RECORDS if p.stem == "NCT06356129")  # 18 to 80 years
        sheet = build_sheet(load_trial(record), SheetOptions(lang="es", generated_on=FIXED_DAY))
        assert "Es para personas de 18 a 80 años." in sheet.overview.about


def _fragments(english: str) -> list[str]:
    """The fixed runs of an English string between its placeholders, 3 words or longer."""
    runs = re.split(r"\{\w*\}", english)
    return [r.strip(" .,:;()") for r in runs if len(r.split()) >= 3]


def _english_sentences(lang: str) -> list[str]:
    """Every fixed English run whose translation differs (what must not show in ``lang``)."""
    found = []
    for name, path in ENGLISH_FILES.items():
        if name == "glossary":
            continue  # the plain lines are English by design; the word list is checked below
        translated = i18n.data(name, lang)
        for _, english, other in _pairs(_toml(path), translated):
            if other is not None and other != english:
                found += _fragments(english)
    return found


@pytest.mark.parametrize("path", [SEED_RECORD, *RECORDS], ids=lambda p: p.stem)
def test_a_spanish_sheet_keeps_no_english_fixed_sentence(path):
    """Record text stays English, so a run that the record itself contains is not counted."""
    trial = load_trial(path)
    page = render_html(trial, SheetOptions(generated_on=FIXED_DAY, lang="es"))
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page[page.index("<body") :])).split())
    record = " ".join(path.read_text("utf-8").split()).lower()
    plain_lines = " ".join(
        c.plain for c in build_sheet(trial).inclusion + build_sheet(trial).exclusion
    )
    left = {
        run
        for run in _english_sentences("es")
        if run in text and run.lower() not in record and run not in plain_lines
    }
    assert not left, f"{path.name}: English left in the Spanish sheet: {sorted(left)}"


@pytest.fixture(scope="module")
def spanish_pdf() -> bytes:
    return render_pdf(load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY, lang="es"))


def test_the_spanish_pdf_has_the_spanish_headings_language_and_title(spanish_pdf):
    text = text_of(spanish_pdf)
    strings = i18n.data("strings", "es")["sheet"]
    for key in ("overview", "taking_part", "who", "fit", "doctor_questions", "coordinator_questions",
                "outcomes", "contacts_heading", "glossary", "summary_appendix", "groups_appendix",
                "originals", "disclaimer"):  # fmt: skip
        assert strings[key] in text, key
    assert "Hecha el 25 de noviembre de 2026" in text
    assert "Planea incluir a 46 personas." in text
    assert "Página 1 de" in text
    assert strings["record_language"] in text  # the note that the record's text stays English
    pdf = reader(spanish_pdf)
    assert pdf.trailer["/Root"]["/Lang"] == "es"
    assert (
        pdf.metadata.title
        == "Preguntas sobre el ensayo NCT07632209: " + load_trial(SEED_RECORD).title
    )


def test_the_spanish_word_list_gives_the_spanish_meanings():
    sheet = build_sheet(load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY, lang="es"))
    english = dict(
        build_sheet(load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY)).glossary
    )
    spanish = set(meanings_in("es").values())
    assert sheet.glossary and [t for t, _ in sheet.glossary] == list(english)
    for term, meaning in sheet.glossary:
        assert meaning in spanish and meaning != english[term], term


def test_questions_and_outcomes_are_spanish_and_keep_the_records_names():
    trial = load_trial(SEED_RECORD)
    generated = replace(trial, site_content=SiteContent())  # the rules' questions, not the site's
    sheet = build_sheet(generated, SheetOptions(generated_on=date(2026, 1, 2), lang="es"))
    questions = sheet.doctor_questions + sheet.coordinator_questions
    assert all(q.startswith("¿") or "¿" in q for q in questions), questions
    assert any("lomustine" in q.lower() for q in questions)  # the record's names stay as written
    assert sheet.outcomes[0].what.startswith("En cuántas personas")
    assert sheet.status_warning.startswith("Este ensayo")
