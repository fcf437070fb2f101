"""The classic ClinicalTrials.gov JSON (the retired API's ``FullStudiesResponse`` and
``FullStudy``, still found in archives) -> an API v2 study object, which record.py maps.

Owns the renaming only. The classic names are the v2 ones in PascalCase with the module's
words repeated (``NCTId``, ``LeadSponsorName``, ``CentralContactEMail``) and lists wrapped in
an object (``ConditionList.Condition``), as the classic API's StudyStructure defines them. Its
values are the words the legacy XML uses ("Active, not recruiting", "Phase 1", "June 15,
2026", "Anticipated", "Accepts Healthy Volunteers"), so they take the v2 codes through
legacy_xml.py's converters. What a sheet does not read (results, references, MeSH terms) is
left behind.
"""

from __future__ import annotations

from typing import Any

from sheets.errors import RecordError
from sheets.sources.legacy_xml import NCT_ID, v2_code, v2_date

_PLANNED = ("ANTICIPATED", "ESTIMATE", "ESTIMATED")  # a date or count not yet reached
_PLACE = ("Facility", "City", "State", "Zip", "Country")  # LocationFacility -> facility
_DATES = ("Start", "PrimaryCompletion", "Completion", "StudyFirstPost", "LastUpdatePost")


def v2_study(classic: dict[str, Any], source: str) -> dict[str, Any]:
    """The API v2 study object for one classic ``Study`` (the object holding
    ``ProtocolSection``); a document without an NCT number is a `RecordError`."""
    protocol = _object(classic.get("ProtocolSection"))

    def module(name: str) -> dict[str, Any]:
        return _object(protocol.get(f"{name}Module"))

    ident, sponsors = module("Identification"), module("SponsorCollaborators")
    if not NCT_ID.fullmatch(_word(ident.get("NCTId")).strip().upper()):
        raise RecordError(
            source,
            "this is the classic ClinicalTrials.gov JSON, and it has no NCT number "
            "(ProtocolSection.IdentificationModule.NCTId)",
        )
    description, conditions = module("Description"), module("Conditions")
    outcomes = module("Outcomes")
    return {
        "protocolSection": {
            "identificationModule": {
                "nctId": ident.get("NCTId"),
                "briefTitle": ident.get("BriefTitle"),
                "officialTitle": ident.get("OfficialTitle"),
                "acronym": ident.get("Acronym"),
                "organization": {"fullName": _object(ident.get("Organization")).get("OrgFullName")},
            },
            "statusModule": _status(module("Status")),
            "sponsorCollaboratorsModule": {
                "leadSponsor": {
                    "name": _object(sponsors.get("LeadSponsor")).get("LeadSponsorName")
                },
                "collaborators": [
                    {"name": c.get("CollaboratorName")}
                    for c in _objects(sponsors, "CollaboratorList", "Collaborator")
                ],
            },
            "descriptionModule": {
                "briefSummary": description.get("BriefSummary"),
                "detailedDescription": description.get("DetailedDescription"),
            },
            "conditionsModule": {
                "conditions": _items(conditions, "ConditionList", "Condition"),
                "keywords": _items(conditions, "KeywordList", "Keyword"),
            },
            "designModule": _design(module("Design")),
            "armsInterventionsModule": _arms(module("ArmsInterventions")),
            "outcomesModule": {
                f"{kind.lower()}Outcomes": [
                    {
                        "measure": o.get(f"{kind}OutcomeMeasure"),
                        "timeFrame": o.get(f"{kind}OutcomeTimeFrame"),
                        "description": o.get(f"{kind}OutcomeDescription"),
                    }
                    for o in _objects(outcomes, f"{kind}OutcomeList", f"{kind}Outcome")
                ]
                for kind in ("Primary", "Secondary")
            },
            "eligibilityModule": _eligibility(module("Eligibility")),
            "contactsLocationsModule": _contacts(module("ContactsLocations")),
        },
        "hasResults": isinstance(classic.get("ResultsSection"), dict),
    }


def _status(status: dict[str, Any]) -> dict[str, Any]:
    access = _object(status.get("ExpandedAccessInfo"))
    return {
        "overallStatus": _code(status.get("OverallStatus")),
        "whyStopped": status.get("WhyStopped"),
        "expandedAccessInfo": {"hasExpandedAccess": _yes(access.get("HasExpandedAccess"))},
        **{f"{key[0].lower()}{key[1:]}DateStruct": _date(status, key) for key in _DATES},
        "lastUpdateSubmitDate": v2_date(_word(status.get("LastUpdateSubmitDate")).strip()),
    }


def _design(design: dict[str, Any]) -> dict[str, Any]:
    info = _object(design.get("DesignInfo"))
    masking = _object(info.get("DesignMaskingInfo"))
    enrollment = _object(design.get("EnrollmentInfo"))
    return {
        "studyType": _code(design.get("StudyType")),
        # "Phase 1" -> PHASE_1 -> PHASE1; "Not Applicable" -> NA
        "phases": [
            _code(p).replace("PHASE_", "PHASE") for p in _items(design, "PhaseList", "Phase")
        ],
        "designInfo": {
            "allocation": _code(info.get("DesignAllocation")),
            "interventionModel": _code(info.get("DesignInterventionModel")),
            "primaryPurpose": _code(info.get("DesignPrimaryPurpose")),
            "maskingInfo": {  # "None (Open Label)": the words before the bracket
                "masking": _code(_word(masking.get("DesignMasking")).partition("(")[0]),
                "whoMasked": [
                    _code(who) for who in _items(masking, "DesignWhoMaskedList", "DesignWhoMasked")
                ],
            },
        },
        "enrollmentInfo": {
            "count": enrollment.get("EnrollmentCount"),  # a number in a string: "3000"
            "type": _date_type(enrollment.get("EnrollmentType")),
        },
    }


def _arms(arms: dict[str, Any]) -> dict[str, Any]:
    return {
        "armGroups": [
            {
                "label": a.get("ArmGroupLabel"),
                "type": _code(a.get("ArmGroupType")),
                "description": a.get("ArmGroupDescription"),
                "interventionNames": _items(
                    a, "ArmGroupInterventionList", "ArmGroupInterventionName"
                ),  # "Drug: Name", as in v2
            }
            for a in _objects(arms, "ArmGroupList", "ArmGroup")
        ],
        "interventions": [
            {
                "name": i.get("InterventionName"),
                "type": _code(i.get("InterventionType")),
                "description": i.get("InterventionDescription"),
                "otherNames": _items(i, "InterventionOtherNameList", "InterventionOtherName"),
            }
            for i in _objects(arms, "InterventionList", "Intervention")
        ],
    }


def _eligibility(eligibility: dict[str, Any]) -> dict[str, Any]:
    return {
        "eligibilityCriteria": eligibility.get("EligibilityCriteria"),
        "sex": _code(eligibility.get("Gender")),
        "genderDescription": eligibility.get("GenderDescription"),
        "minimumAge": eligibility.get("MinimumAge"),
        "maximumAge": eligibility.get("MaximumAge"),
        "healthyVolunteers": _yes(eligibility.get("HealthyVolunteers")),
    }


def _contacts(places: dict[str, Any]) -> dict[str, Any]:
    return {
        "centralContacts": [
            _person(c, "CentralContact")
            for c in _objects(places, "CentralContactList", "CentralContact")
        ],
        "overallOfficials": [
            _person(o, "OverallOfficial")
            for o in _objects(places, "OverallOfficialList", "OverallOfficial")
        ],
        "locations": [
            {
                **{key.lower(): s.get(f"Location{key}") for key in _PLACE},
                "status": _code(s.get("LocationStatus")),
                "contacts": [
                    _person(c, "LocationContact")
                    for c in _objects(s, "LocationContactList", "LocationContact")
                ],
            }
            for s in _objects(places, "LocationList", "Location")
        ],
    }


def _person(raw: dict[str, Any], prefix: str) -> dict[str, Any]:
    """``CentralContactName``, ``LocationContactEMail``, ``OverallOfficialAffiliation``..."""
    return {
        "name": raw.get(f"{prefix}Name"),
        "role": _code(raw.get(f"{prefix}Role")),
        "phone": raw.get(f"{prefix}Phone"),
        "phoneExt": raw.get(f"{prefix}PhoneExt"),
        "email": raw.get(f"{prefix}EMail"),
        "affiliation": raw.get(f"{prefix}Affiliation"),
    }


def _date(status: dict[str, Any], key: str) -> dict[str, str]:
    """``StartDateStruct: {StartDate: "June 15, 2026", StartDateType: "Anticipated"}`` ->
    ``{"date": "2026-06-15", "type": "ESTIMATED"}``."""
    struct = _object(status.get(f"{key}DateStruct"))
    return {
        "date": v2_date(_word(struct.get(f"{key}Date")).strip()),
        "type": _date_type(struct.get(f"{key}DateType")),
    }


def _date_type(value: Any) -> str:
    code = _code(value)
    return "ESTIMATED" if code in _PLANNED else code


def _yes(value: Any) -> bool | None:
    """ "Yes" and "Accepts Healthy Volunteers" are true, "No" false, anything else unknown."""
    word = _word(value).strip()
    return (
        True if word in ("Yes", "Accepts Healthy Volunteers") else False if word == "No" else None
    )


def _code(value: Any) -> str:
    return v2_code(_word(value))


def _word(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _items(parent: dict[str, Any], list_key: str, item_key: str) -> list[Any]:
    """``ConditionList: {Condition: [...]}``: the classic API wraps each list in an object."""
    items = _object(parent.get(list_key)).get(item_key)
    return items if isinstance(items, list) else []


def _objects(parent: dict[str, Any], list_key: str, item_key: str) -> list[dict[str, Any]]:
    return [item for item in _items(parent, list_key, item_key) if isinstance(item, dict)]
