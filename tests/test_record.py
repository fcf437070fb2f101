"""Reading v2 study records into the Trial model, and refusing what is not a study."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, RECORDS, SEED_RECORD

from sheets import RecordError, load_trial
from sheets.sources.record import trial_from_study


def write(tmp_path, obj, name="record.json"):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return path


def test_every_real_record_maps_to_a_trial_with_its_nct_number():
    assert len(RECORDS) >= 15
    for path in RECORDS:
        trial = load_trial(path)
        assert trial.nct_id == path.stem


def test_a_full_record_maps_the_facts_a_sheet_needs():
    trial = load_trial(DATA / "records" / "NCT05607199.json")
    assert trial.status == "RECRUITING"
    assert trial.phases == ("PHASE1",)
    assert trial.enrollment == 80 and trial.enrollment_is_estimate
    assert trial.start_date == "2022-09-16"
    assert trial.last_updated == "2024-01-31"
    assert trial.sponsor == "Aurigene Discovery Technologies Limited"
    assert trial.eligibility.minimum_age == "18 Years"
    assert trial.eligibility.healthy_volunteers is False
    assert trial.interventions[0].name == "AUR103"
    assert trial.primary_outcomes[0].time_frame == "up to 16 weeks"
    assert trial.central_contacts[0].email == "akhil_k@aurigene.com"
    assert len(trial.sites) == 5 and trial.sites[0].city == "Surat"


def test_a_minimal_record_gives_empty_fields_not_errors():
    trial = load_trial(DATA / "records" / "NCT03453554.json")
    assert trial.status == "" and trial.sites == () and trial.primary_outcomes == ()
    assert trial.eligibility.criteria_text == "" and trial.enrollment is None


def test_a_search_response_with_one_study_is_accepted(tmp_path):
    study = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
    trial = load_trial(write(tmp_path, {"studies": [study], "nextPageToken": "x"}))
    assert trial.nct_id == "NCT06171568"


def test_a_search_response_with_two_studies_is_refused(tmp_path):
    study = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
    with pytest.raises(RecordError, match="exactly one study.*holds 2"):
        load_trial(write(tmp_path, {"studies": [study, study]}))


def test_the_seed_example_carries_site_written_questions():
    trial = load_trial(SEED_RECORD)
    assert trial.nct_id == "NCT07632209"
    assert len(trial.site_content.doctor_questions) == 5
    assert len(trial.site_content.coordinator_questions) == 6
    assert trial.status == "NOT_YET_RECRUITING" and trial.phases == ("PHASE2",)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "the file is empty"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "not a ClinicalTrials.gov study"),
        ('{"hello": 1}', 'no "protocolSection"'),
        ('{"protocolSection": {}}', "has no NCT number"),
        ('{"protocolSection": {"identificationModule": {"nctId": "12345"}}}', "is not an NCT number"),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT12345678"}, "statusModule": 7}}',
         '"protocolSection.statusModule" is not an object'),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT12345678"}}, "trialSheet": []}',
         '"trialSheet" must be an object'),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT12345678"}},'
         ' "trialSheet": {"doctorQuestions": "one"}}', "must be a list of strings"),
        ('{"protocolSection": {"identificationModule": {"nctId": "NCT12345678"}},'
         ' "trialSheet": {"plainCriteria": [{"kind": "maybe", "plain": "x"}]}}',
         '"inclusion" or "exclusion"'),
    ],
)  # fmt: skip
def test_a_broken_record_gives_one_line_naming_the_file_and_the_problem(tmp_path, content, problem):
    path = write(tmp_path, content)
    with pytest.raises(RecordError) as caught:
        load_trial(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and problem in message
    assert "\n" not in message


def test_a_missing_file_and_a_folder_are_refused(tmp_path):
    with pytest.raises(RecordError, match="no such file"):
        load_trial(tmp_path / "absent.json")
    with pytest.raises(RecordError, match="is a folder"):
        load_trial(tmp_path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"a": "caf\u00e9"}'.encode("latin-1"))
    with pytest.raises(RecordError, match="not UTF-8"):
        load_trial(path)


def test_wrongly_typed_fields_are_ignored_not_crashed_on():
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "nct12345678", "briefTitle": ["not", "text"]},
            "designModule": {"phases": "PHASE2", "enrollmentInfo": {"count": "many"}},
            "contactsLocationsModule": {"locations": [None, 3, {"facility": "Real Site"}]},
            "eligibilityModule": {"healthyVolunteers": "yes"},
        }
    }
    trial = trial_from_study(study, "test")
    assert trial.nct_id == "NCT12345678"
    assert trial.brief_title == "" and trial.phases == () and trial.enrollment is None
    assert [s.facility for s in trial.sites] == ["Real Site"]
    assert trial.eligibility.healthy_volunteers is None


def test_markdown_escapes_in_record_text_read_as_the_characters_they_escape():
    trial = load_trial(DATA / "records" / "NCT04613596.json")
    summary = " ".join((trial.brief_summary, trial.detailed_description))
    assert "TPS >=50%" in summary
    assert "\\>" not in summary and "\\<" not in summary


@pytest.mark.parametrize(
    ("phone", "ext", "printed"),
    [("01.49.95.81.69", "+33", "+33 01.49.95.81.69"), ("555-0100", "2832", "555-0100 ext. 2832"),
     ("555-0100", "", "555-0100"), ("+1 555-0100", "+1", "+1 555-0100 ext. +1")],
)  # fmt: skip
def test_a_country_code_given_as_the_extension_goes_before_the_number(phone, ext, printed):
    study = json.loads((DATA / "records" / "NCT06171568.json").read_text("utf-8"))
    contact = {"name": "Site", "phone": phone, **({"phoneExt": ext} if ext else {})}
    study["protocolSection"]["contactsLocationsModule"]["centralContacts"] = [contact]
    assert trial_from_study(study, "test").central_contacts[0].phone == printed
