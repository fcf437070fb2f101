"""Reading v2 study records into the Trial model, and refusing what is not a study."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from conftest import DATA, RECORDS, SEED_RECORD

from sheets import RecordError, load_trial
from sheets.model import Contact, Design
from sheets.sources.record import trial_from_bytes, trial_from_study


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


# The classic ClinicalTrials.gov JSON (the retired API, still in archives such as AACT)


def _words(code: str) -> str:
    """A v2 code as the classic API wrote it: RECRUITING -> "Recruiting", PHASE1 -> "Phase 1"."""
    if code == "NA":
        return "Not Applicable"
    return code.replace("PHASE", "PHASE ").replace("_", " ").strip().capitalize()


def _when(iso: str) -> str:
    """ "2022-09-16" -> "September 16, 2022", "2022-09" -> "September 2022"."""
    day = date.fromisoformat(iso if len(iso) > 7 else f"{iso}-01")
    return day.strftime("%B %-d, %Y" if len(iso) > 7 else "%B %Y")


def _listed(name: str, values: list | None, item: str | None = None) -> dict:
    return {f"{name}List": {item or name: values}} if values else {}


def classic(study: dict) -> dict:
    """A v2 study as the classic API served it (``{"FullStudy": {"Study": ...}}``): module and
    field names in PascalCase with the module's words repeated, lists wrapped in objects, codes
    and dates in words. Names from the classic API's StudyStructure."""
    p = study["protocolSection"]
    ident, status, sponsors, description, conditions, design, arms, outcomes, eligibility, places = (
        p.get(f"{name}Module", {}) for name in ("identification", "status", "sponsorCollaborators", "description",
                                               "conditions", "design", "armsInterventions", "outcomes", "eligibility",
                                               "contactsLocations"))  # fmt: skip
    info, enrollment = design.get("designInfo", {}), design.get("enrollmentInfo", {})
    masking = info.get("maskingInfo", {})
    kind = {"ESTIMATED": "Anticipated", "ACTUAL": "Actual"}

    def dated(v2: str, name: str) -> dict:
        struct = status.get(f"{v2}DateStruct")
        return {f"{name}DateStruct": {f"{name}Date": _when(struct["date"]),
                                      f"{name}DateType": kind.get(struct.get("type"), "")}} if struct else {}  # fmt: skip

    def person(raw: dict, prefix: str) -> dict:
        names = {"name": "Name", "role": "Role", "phone": "Phone", "phoneExt": "PhoneExt", "email": "EMail",
                 "affiliation": "Affiliation"}  # fmt: skip
        return {
            f"{prefix}{names[k]}": _words(v) if k == "role" else v
            for k, v in raw.items()
            if k in names
        }

    def outcome(o: dict, which: str) -> dict:
        return {f"{which}OutcomeMeasure": o.get("measure"), f"{which}OutcomeTimeFrame": o.get("timeFrame"),
                f"{which}OutcomeDescription": o.get("description")}  # fmt: skip

    model = info.get("interventionModel")
    protocol = {
        "IdentificationModule": {
            "NCTId": ident["nctId"], "BriefTitle": ident.get("briefTitle"), "OfficialTitle": ident.get("officialTitle"),
            "Acronym": ident.get("acronym"), "Organization": {"OrgFullName": ident.get("organization", {}).get("fullName")},
        },
        "StatusModule": {
            "OverallStatus": _words(status.get("overallStatus", "")), "WhyStopped": status.get("whyStopped"),
            "ExpandedAccessInfo": {"HasExpandedAccess": {True: "Yes", False: "No"}.get(
                status.get("expandedAccessInfo", {}).get("hasExpandedAccess"))},
            **dated("start", "Start"), **dated("primaryCompletion", "PrimaryCompletion"),
            **dated("completion", "Completion"), **dated("studyFirstPost", "StudyFirstPost"),
            **dated("lastUpdatePost", "LastUpdatePost"),
            "LastUpdateSubmitDate": _when(status["lastUpdateSubmitDate"]) if "lastUpdateSubmitDate" in status else None,
        },
        "SponsorCollaboratorsModule": {
            "LeadSponsor": {"LeadSponsorName": sponsors.get("leadSponsor", {}).get("name")},
            **_listed("Collaborator", [{"CollaboratorName": c["name"]} for c in sponsors.get("collaborators", [])]),
        },
        "DescriptionModule": {"BriefSummary": description.get("briefSummary"),
                              "DetailedDescription": description.get("detailedDescription")},
        "ConditionsModule": {**_listed("Condition", conditions.get("conditions")),
                             **_listed("Keyword", conditions.get("keywords"))},
        "DesignModule": {
            "StudyType": _words(design.get("studyType", "")),
            **_listed("Phase", [_words(phase) for phase in design.get("phases", [])]),
            "DesignInfo": {
                "DesignAllocation": _words(info.get("allocation", "")),
                "DesignInterventionModel": f"{_words(model)} Assignment" if model else None,
                "DesignPrimaryPurpose": _words(info.get("primaryPurpose", "")),
                "DesignMaskingInfo": {
                    "DesignMasking": "None (Open Label)" if masking.get("masking") == "NONE" else _words(masking.get("masking", "")),
                    **_listed("DesignWhoMasked", [_words(who) for who in masking.get("whoMasked", [])]),
                },
            },
            "EnrollmentInfo": {"EnrollmentCount": str(enrollment["count"]) if "count" in enrollment else None,
                               "EnrollmentType": kind.get(enrollment.get("type"))},
        },
        "ArmsInterventionsModule": {
            **_listed("ArmGroup", [
                {"ArmGroupLabel": a.get("label"), "ArmGroupType": _words(a.get("type", "")),
                 "ArmGroupDescription": a.get("description"),
                 **_listed("ArmGroupIntervention", a.get("interventionNames"), "ArmGroupInterventionName")}
                for a in arms.get("armGroups", [])
            ]),
            **_listed("Intervention", [
                {"InterventionName": i.get("name"), "InterventionType": _words(i.get("type", "")),
                 "InterventionDescription": i.get("description"), **_listed("InterventionOtherName", i.get("otherNames"))}
                for i in arms.get("interventions", [])
            ]),
        },
        "OutcomesModule": {
            **_listed("PrimaryOutcome", [outcome(o, "Primary") for o in outcomes.get("primaryOutcomes", [])]),
            **_listed("SecondaryOutcome", [outcome(o, "Secondary") for o in outcomes.get("secondaryOutcomes", [])]),
        },
        "EligibilityModule": {
            "EligibilityCriteria": eligibility.get("eligibilityCriteria"), "Gender": _words(eligibility.get("sex", "")),
            "GenderDescription": eligibility.get("genderDescription"), "MinimumAge": eligibility.get("minimumAge"),
            "MaximumAge": eligibility.get("maximumAge"),
            "HealthyVolunteers": {True: "Accepts Healthy Volunteers", False: "No"}.get(eligibility.get("healthyVolunteers")),
        },
        "ContactsLocationsModule": {
            **_listed("CentralContact", [person(c, "CentralContact") for c in places.get("centralContacts", [])]),
            **_listed("OverallOfficial", [person(c, "OverallOfficial") for c in places.get("overallOfficials", [])]),
            **_listed("Location", [
                {**{f"Location{key.capitalize()}": s.get(key) for key in ("facility", "city", "state", "zip", "country")},
                 "LocationStatus": _words(s.get("status", "")),
                 **_listed("LocationContact", [person(c, "LocationContact") for c in s.get("contacts", [])])}
                for s in places.get("locations", [])
            ]),
        },
    }  # fmt: skip
    results = {"ResultsSection": {}} if study.get("hasResults") or "resultsSection" in study else {}
    return {"FullStudy": {"Rank": 1, "Study": {"ProtocolSection": protocol, **results}}}


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_a_classic_json_study_reads_into_the_same_trial_as_its_v2_record(tmp_path, path):
    v2 = load_trial(path)
    trial = load_trial(write(tmp_path, classic(json.loads(path.read_text("utf-8")))))
    assert replace(trial, source=v2.source) == v2
    assert trial.source == f"{tmp_path / 'record.json'} ({v2.nct_id})"


def test_classic_json_words_become_the_v2_codes_a_sheet_reads(tmp_path):
    study = {  # the shape and words of a real classic record (NCT04341441, April 2020)
        "ProtocolSection": {
            "IdentificationModule": {"NCTId": "NCT04341441", "BriefTitle": "Will Hydroxychloroquine Impede or Prevent COVID-19"},
            "StatusModule": {
                "OverallStatus": "Active, not recruiting",
                "StartDateStruct": {"StartDate": "April 7, 2020", "StartDateType": "Actual"},
                "PrimaryCompletionDateStruct": {"PrimaryCompletionDate": "June 30, 2020", "PrimaryCompletionDateType": "Anticipated"},
                "LastUpdatePostDateStruct": {"LastUpdatePostDate": "April 15, 2020", "LastUpdatePostDateType": "Actual"},
            },
            "DesignModule": {
                "StudyType": "Interventional", "PhaseList": {"Phase": ["Phase 2", "Phase 3"]},
                "DesignInfo": {"DesignAllocation": "Non-Randomized", "DesignInterventionModel": "Parallel Assignment",
                               "DesignPrimaryPurpose": "Supportive Care",
                               "DesignMaskingInfo": {"DesignMasking": "Triple", "DesignWhoMaskedList": {
                                   "DesignWhoMasked": ["Participant", "Care Provider", "Outcomes Assessor"]}}},
                "EnrollmentInfo": {"EnrollmentCount": "3000", "EnrollmentType": "Anticipated"},
            },
            "ArmsInterventionsModule": {"InterventionList": {"Intervention": [
                {"InterventionType": "Dietary Supplement", "InterventionName": "Vitamin D"}, "not an object"]}},
            "EligibilityModule": {"Gender": "All", "HealthyVolunteers": "Accepts Healthy Volunteers", "MinimumAge": "18 Years"},
            "ContactsLocationsModule": {"LocationList": {"Location": [
                {"LocationFacility": "Henry Ford Hospital", "LocationStatus": "Not yet recruiting", "LocationCountry": "United States",
                 "LocationContactList": {"LocationContact": [{"LocationContactName": "A. Nurse", "LocationContactRole": "Contact",
                                                              "LocationContactPhone": "313-555-0100", "LocationContactPhoneExt": "12",
                                                              "LocationContactEMail": "a.nurse@example.org"}]}},
                {"LocationFacility": "Closed site", "LocationStatus": "Withdrawn"}]}},
        }
    }  # fmt: skip
    response = {
        "FullStudiesResponse": {"NStudiesReturned": 1, "FullStudies": [{"Rank": 1, "Study": study}]}
    }
    trial = load_trial(write(tmp_path, response))
    assert (trial.nct_id, trial.status) == ("NCT04341441", "ACTIVE_NOT_RECRUITING")
    assert (trial.study_type, trial.phases) == ("INTERVENTIONAL", ("PHASE2", "PHASE3"))
    assert (trial.start_date, trial.primary_completion_date) == ("2020-04-07", "2020-06-30")
    assert trial.last_updated == "2020-04-15" and trial.planned_dates == {"primary_completion_date"}
    assert (trial.enrollment, trial.enrollment_is_estimate) == (3000, True)
    assert trial.design == Design(
        allocation="NON_RANDOMIZED", intervention_model="PARALLEL", primary_purpose="SUPPORTIVE_CARE",
        masking="TRIPLE", who_masked=("PARTICIPANT", "CARE_PROVIDER", "OUTCOMES_ASSESSOR"),
    )  # fmt: skip
    assert [(i.type, i.name) for i in trial.interventions] == [("DIETARY_SUPPLEMENT", "Vitamin D")]
    assert trial.eligibility.sex == "ALL" and trial.eligibility.healthy_volunteers is True
    (site,) = trial.sites  # the withdrawn one never took part
    assert (site.facility, site.status) == ("Henry Ford Hospital", "NOT_YET_RECRUITING")
    assert site.contacts == (
        Contact(
            name="A. Nurse",
            role="CONTACT",
            phone="313-555-0100 ext. 12",
            email="a.nurse@example.org",
        ),
    )


def test_open_label_and_not_applicable_read_as_their_v2_codes(tmp_path):
    study = {"Study": {"ProtocolSection": {
        "IdentificationModule": {"NCTId": "nct01234567"},
        "DesignModule": {"PhaseList": {"Phase": ["Not Applicable"]}, "DesignInfo": {
            "DesignAllocation": "N/A", "DesignMaskingInfo": {"DesignMasking": "None (Open Label)"}}},
    }}}  # fmt: skip
    trial = load_trial(write(tmp_path, study))
    assert (trial.nct_id, trial.phases) == ("NCT01234567", ("NA",))
    assert (trial.design.allocation, trial.design.masking) == ("NA", "NONE")


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"FullStudy": {"Study": {"ProtocolSection": {"IdentificationModule": {"BriefTitle": "x"}}}}},
         "this is the classic ClinicalTrials.gov JSON, and it has no NCT number (ProtocolSection.IdentificationModule.NCTId)"),
        ({"FullStudiesResponse": {"FullStudies": []}},
         "a search response must hold exactly one study to make one sheet (it holds 0)"),
        ({"FullStudiesResponse": {"FullStudies": "none"}}, '"FullStudiesResponse.FullStudies" is not a list'),
    ],
)  # fmt: skip
def test_classic_json_that_cannot_make_one_sheet_says_why(tmp_path, document, problem):
    path = write(tmp_path, document)
    with pytest.raises(RecordError) as caught:
        load_trial(path)
    assert str(caught.value) == f"{path}: {problem}"


def test_a_batch_splits_a_classic_search_response_into_its_studies(tmp_path):
    from sheets.batch.inputs import expand_inputs

    studies = [classic(json.loads(p.read_text("utf-8")))["FullStudy"] for p in RECORDS[:3]]
    path = write(
        tmp_path,
        {"FullStudiesResponse": {"NStudiesReturned": 3, "FullStudies": studies}},
        "search.json",
    )
    items = list(expand_inputs([str(path)]))
    assert [i.label for i in items] == [f"{path} study {n}" for n in (1, 2, 3)]
    assert [trial_from_bytes(i.read(), i.label).nct_id for i in items] == [
        p.stem for p in RECORDS[:3]
    ]
