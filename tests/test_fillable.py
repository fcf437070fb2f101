"""--fillable: the sheet's note areas and tick boxes become PDF form fields a person can type in."""

from __future__ import annotations

import io
from collections import Counter

import pikepdf
import pytest
from conftest import FIXED_DAY, OPEN_RECORDS, RECORDS, SEED_RECORD

from sheets import SheetOptions, build_sheet, load_trial, render_pdf

FILL_IN = ("fill-in-appointment_date", "fill-in-doctor", "fill-in-my_name")


def fields(pdf: bytes) -> list[dict]:
    document = pikepdf.open(io.BytesIO(pdf))
    if "/AcroForm" not in document.Root:
        return []
    annotated = {annot.objgen for page in document.pages for annot in page.obj.get("/Annots", [])}
    return [
        {
            "type": str(field.FT),
            "name": str(field.T),
            "label": str(field.TU),
            "multiline": bool(int(field.get("/Ff", 0)) & (1 << 12)),
            "on_a_page": field.objgen in annotated,
        }
        for field in document.Root.AcroForm.Fields
    ]


@pytest.mark.parametrize("path", [SEED_RECORD, *OPEN_RECORDS[:4]], ids=lambda p: p.stem)
def test_one_text_field_per_note_area_and_a_checkbox_per_answer(path):
    trial = load_trial(path)
    options = SheetOptions(generated_on=FIXED_DAY, fillable=True)
    sheet = build_sheet(trial, options)
    found = fields(render_pdf(trial, options))
    texts = [f for f in found if f["type"] == "/Tx"]
    boxes = [f for f in found if f["type"] == "/Btn"]
    questions = len(sheet.doctor_questions) + len(sheet.coordinator_questions)
    assert [f["name"] for f in texts if f["name"] in FILL_IN] == list(FILL_IN)
    notes = [f for f in texts if f["name"] not in FILL_IN]
    assert len(notes) == questions
    assert all(f["multiline"] for f in notes)
    assert len(boxes) == 3 * len([c for c in sheet.inclusion + sheet.exclusion if not c.note])  # a note has none
    assert Counter(f["name"] for f in found).most_common(1)[0][1] == 1  # every name unique
    assert all(f["on_a_page"] for f in found)


def test_a_sheet_about_a_closed_trial_has_note_fields_and_no_tick_boxes():
    trial = load_trial(RECORDS[0])  # NCT00711542, stopped early
    options = SheetOptions(generated_on=FIXED_DAY, fillable=True)
    sheet = build_sheet(trial, options)
    found = fields(render_pdf(trial, options))
    assert not sheet.joining and sheet.doctor_questions
    assert [f["name"] for f in found] == [
        f"about-notes-{n}" for n in range(1, len(sheet.doctor_questions) + 1)
    ]


def test_fields_are_named_for_screen_readers_in_the_sheets_language():
    trial = load_trial(SEED_RECORD)
    sheet = build_sheet(trial, SheetOptions(generated_on=FIXED_DAY))
    english = {
        f["name"]: f["label"] for f in fields(render_pdf(trial, SheetOptions(fillable=True)))
    }
    assert english["I-1-yes"] == "I-1: Yes" and english["E-1-not_sure"] == "E-1: Not sure"
    assert english["doctor-notes-1"] == f"Your notes on: {sheet.doctor_questions[0]}"
    spanish = {
        f["name"]: f["label"]
        for f in fields(render_pdf(trial, SheetOptions(fillable=True, lang="es")))
    }
    assert (
        spanish["I-1-yes"] == "I-1: Sí"
        and spanish["fill-in-appointment_date"] == "Fecha de la cita"
    )


def test_an_ordinary_sheet_has_no_form(seed_pdf):
    assert fields(seed_pdf) == []


def test_large_print_fillable_sheets_keep_every_field():
    trial = load_trial(SEED_RECORD)
    options = SheetOptions(generated_on=FIXED_DAY, fillable=True, large_print=True)
    ordinary = fields(render_pdf(trial, SheetOptions(generated_on=FIXED_DAY, fillable=True)))
    assert [f["name"] for f in fields(render_pdf(trial, options))] == [f["name"] for f in ordinary]
