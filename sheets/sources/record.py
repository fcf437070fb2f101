"""Read a ClinicalTrials.gov study record into the `Trial` model.

This module owns telling a record's format and the API v2 JSON mapping with the site-written
content key; legacy XML (legacy_xml.py) and classic JSON (classic_json.py) pass through here.
Files are read, and JSON checked, by limits.py before anything here trusts them. It knows
nothing of the sheet: what a record does not give stays empty in the model, and later steps
decide how to show that.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sheets.errors import RecordError
from sheets.model import (
    Arm,
    Contact,
    Design,
    Eligibility,
    Intervention,
    Outcome,
    PlainCriterion,
    Site,
    SiteContent,
    Trial,
)
from sheets.sources.limits import MAX_RECORD_BYTES, parse_json, read_record

#: Top-level key where a publishing site puts content it wrote for the trial.
SITE_CONTENT_KEY = "trialSheet"

NCT_ID = re.compile(r"NCT\d{8}")
HEAD_BYTES = 512  # enough of a file to tell its format (`limits.read_head`, then `record_format`)
_BOM = b"\xef\xbb\xbf"


def load_trial(path: Path | str) -> Trial:
    """Read a record file: a v2 study object, a search response holding exactly one study, a
    classic ClinicalTrials.gov JSON document, or a legacy XML record."""
    path = Path(path)
    return trial_from_bytes(read_record(path), str(path))


def record_format(head: bytes) -> str:
    """ "xml", "json" or "" (neither) from a file's first bytes, past a UTF-8 BOM and blank
    space: the one rule every reader of record files uses."""
    start = head.removeprefix(_BOM).lstrip(b" \t\r\n")[:1]
    return "xml" if start == b"<" else "json" if start == b"{" else ""


def trial_from_bytes(data: bytes, source: str) -> Trial:
    """Parse record bytes; XML records go to the legacy mapper, JSON is checked by
    `parse_json` before it is trusted."""
    if len(data) > MAX_RECORD_BYTES:
        size = f"{len(data):,} bytes; the limit is {MAX_RECORD_BYTES:,}"
        raise RecordError(source, f"is too large for a study record ({size})")
    if record_format(data[:HEAD_BYTES]) == "xml":
        from sheets.sources.legacy_xml import trial_from_xml

        return trial_from_xml(data, source)
    if not data[:HEAD_BYTES].removeprefix(_BOM).strip() and not data.removeprefix(_BOM).strip():
        raise RecordError(source, "the file is empty")
    return trial_from_document(parse_json(data, source), source)


def trial_from_document(obj: Any, source: str) -> Trial:
    """A parsed JSON record: a v2 study, a search response holding one, or classic JSON."""
    study = unwrap_search_response(obj, source)
    classic = classic_study(study)
    if classic is not None:
        from sheets.sources.classic_json import v2_study

        study = v2_study(classic, source)
    return trial_from_study(study, source)


def search_studies(obj: Any, source: str) -> list[Any] | None:
    """The studies of a search response, API v2 (``{"studies": [...]}``) or classic
    (``{"FullStudiesResponse": {"FullStudies": [...]}}``); None when ``obj`` is not one."""
    if isinstance(obj, dict) and "studies" in obj and "protocolSection" not in obj:
        studies, where = obj["studies"], '"studies"'
    elif isinstance(obj, dict) and "FullStudiesResponse" in obj:
        response = obj["FullStudiesResponse"]
        studies = response.get("FullStudies") if isinstance(response, dict) else None
        where = '"FullStudiesResponse.FullStudies"'
    else:
        return None
    if not isinstance(studies, list):
        raise RecordError(source, f"{where} is not a list")
    return studies


def unwrap_search_response(obj: Any, source: str) -> Any:
    """Accept a search response that holds exactly one study."""
    studies = search_studies(obj, source)
    if studies is None:
        return obj
    if len(studies) != 1:
        raise RecordError(
            source,
            f"a search response must hold exactly one study to make one sheet "
            f"(it holds {len(studies)})",
        )
    return studies[0]


def classic_study(obj: Any) -> dict[str, Any] | None:
    """The ``Study`` of a classic ClinicalTrials.gov JSON document (``{"FullStudy": {"Study":
    ...}}``, one entry of ``FullStudies``, or the ``Study`` itself); None for anything else."""
    if isinstance(obj, dict) and isinstance(obj.get("FullStudy"), dict):
        obj = obj["FullStudy"]
    if isinstance(obj, dict) and isinstance(obj.get("Study"), dict):
        obj = obj["Study"]
    if isinstance(obj, dict) and "ProtocolSection" in obj and "protocolSection" not in obj:
        return obj
    return None


def trial_from_study(study: Any, source: str) -> Trial:
    """Map one API v2 study object onto `Trial`; raise RecordError when it is not a study."""
    if not isinstance(study, dict):
        raise RecordError(source, "not a ClinicalTrials.gov study (expected a JSON object)")
    protocol = study.get("protocolSection")
    if not isinstance(protocol, dict):
        raise RecordError(source, 'not a ClinicalTrials.gov study (no "protocolSection")')
    fields = _Fields(protocol, source)
    ident = fields.module("identificationModule")
    nct_id = _text(ident.get("nctId")).strip().upper()
    if not nct_id:
        raise RecordError(source, "the record has no NCT number (identificationModule.nctId)")
    if not NCT_ID.fullmatch(nct_id):
        raise RecordError(source, f"{nct_id[:40]!r} is not an NCT number (NCT + 8 digits)")
    source_label = f"{source} ({nct_id})" if nct_id not in source else source

    status = fields.module("statusModule")
    sponsors = fields.module("sponsorCollaboratorsModule")
    description = fields.module("descriptionModule")
    conditions = fields.module("conditionsModule")
    design = fields.module("designModule")
    arms = fields.module("armsInterventionsModule")
    outcomes = fields.module("outcomesModule")
    eligibility = fields.module("eligibilityModule")
    contacts = fields.module("contactsLocationsModule")
    design_info = _dict(design.get("designInfo"))
    masking = _dict(design_info.get("maskingInfo"))
    enrollment = _dict(design.get("enrollmentInfo"))

    return Trial(
        nct_id=nct_id,
        brief_title=_text(ident.get("briefTitle")),
        official_title=_text(ident.get("officialTitle")),
        acronym=_text(ident.get("acronym")),
        status=_text(status.get("overallStatus")),
        why_stopped=_text(status.get("whyStopped")),
        study_type=_text(design.get("studyType")),
        phases=_texts(design.get("phases")),
        enrollment=_count(enrollment.get("count")),
        enrollment_is_estimate=_text(enrollment.get("type")) == "ESTIMATED",
        start_date=_date(status.get("startDateStruct")),
        primary_completion_date=_date(status.get("primaryCompletionDateStruct")),
        completion_date=_date(status.get("completionDateStruct")),
        planned_dates=frozenset(
            name
            for name, key in PLANNED_DATES.items()
            if _text(_dict(status.get(key)).get("type")).upper() in ("ESTIMATED", "ANTICIPATED")
        ),
        has_results=study.get("hasResults") is True or "resultsSection" in study,
        expanded_access=_bool(_dict(status.get("expandedAccessInfo")).get("hasExpandedAccess")),
        first_posted=_date(status.get("studyFirstPostDateStruct")),
        last_updated=_date(status.get("lastUpdatePostDateStruct"))
        or _text(status.get("lastUpdateSubmitDate")),
        sponsor=_text(_dict(sponsors.get("leadSponsor")).get("name"))
        or _text(_dict(ident.get("organization")).get("fullName")),
        collaborators=tuple(
            _text(c.get("name")) for c in _dicts(sponsors.get("collaborators")) if c.get("name")
        ),
        conditions=_texts(conditions.get("conditions")),
        keywords=_texts(conditions.get("keywords")),
        brief_summary=_text(description.get("briefSummary")),
        detailed_description=_text(description.get("detailedDescription")),
        design=Design(
            allocation=_text(design_info.get("allocation")),
            intervention_model=_text(design_info.get("interventionModel")),
            primary_purpose=_text(design_info.get("primaryPurpose")),
            masking=_text(masking.get("masking")),
            who_masked=_texts(masking.get("whoMasked")),
        ),
        arms=tuple(
            Arm(
                label=_text(a.get("label")),
                type=_text(a.get("type")),
                description=_text(a.get("description")),
                intervention_names=_texts(a.get("interventionNames")),
            )
            for a in _dicts(arms.get("armGroups"))
        ),
        interventions=tuple(
            Intervention(
                name=_text(i.get("name")),
                type=_text(i.get("type")),
                description=_text(i.get("description")),
                other_names=_texts(i.get("otherNames")),
            )
            for i in _dicts(arms.get("interventions"))
            if i.get("name")
        ),
        eligibility=Eligibility(
            criteria_text=_text(eligibility.get("eligibilityCriteria")),
            sex=_text(eligibility.get("sex")),
            minimum_age=_text(eligibility.get("minimumAge")),
            maximum_age=_text(eligibility.get("maximumAge")),
            healthy_volunteers=_bool(eligibility.get("healthyVolunteers")),
            gender_description=_text(eligibility.get("genderDescription")),
        ),
        primary_outcomes=_outcomes(outcomes.get("primaryOutcomes")),
        secondary_outcomes=_outcomes(outcomes.get("secondaryOutcomes")),
        central_contacts=tuple(_contact(c) for c in _dicts(contacts.get("centralContacts"))),
        officials=tuple(_contact(c) for c in _dicts(contacts.get("overallOfficials"))),
        sites=tuple(
            Site(
                facility=_text(s.get("facility")),
                city=_text(s.get("city")),
                state=_text(s.get("state")),
                zip=_text(s.get("zip")),
                country=_text(s.get("country")),
                status=_text(s.get("status")),
                contacts=tuple(_contact(c) for c in _dicts(s.get("contacts"))),
            )
            for s in _dicts(contacts.get("locations"))
            if _text(s.get("status")) != "WITHDRAWN"  # a site that never took part is no place to go
        ),
        site_content=site_content_from(study.get(SITE_CONTENT_KEY), source_label),
        source=source_label,
    )


def site_content_from(raw: Any, source: str) -> SiteContent:
    """Read the site-written block; its shape is checked because a site may get it wrong."""
    if raw is None:
        return SiteContent()
    if not isinstance(raw, dict):
        raise RecordError(source, f'"{SITE_CONTENT_KEY}" must be an object')

    def strings(key: str) -> tuple[str, ...]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RecordError(source, f'"{SITE_CONTENT_KEY}.{key}" must be a list of strings')
        return tuple(v.strip() for v in value if v.strip())

    criteria = []
    plain_criteria = raw.get("plainCriteria", [])
    if not isinstance(plain_criteria, list):
        raise RecordError(source, f'"{SITE_CONTENT_KEY}.plainCriteria" must be a list')
    for number, item in enumerate(plain_criteria, 1):
        where = f'"{SITE_CONTENT_KEY}.plainCriteria" item {number}'
        if not isinstance(item, dict):
            raise RecordError(source, f"{where} must be an object")
        kind = item.get("kind")
        if kind not in ("inclusion", "exclusion"):
            raise RecordError(source, f'{where} needs "kind": "inclusion" or "exclusion"')
        plain, original = item.get("plain"), item.get("original", "")
        if not isinstance(plain, str) or not plain.strip() or not isinstance(original, str):
            raise RecordError(source, f'{where} needs a non-empty "plain" text')
        criteria.append(PlainCriterion.of(kind, plain.strip(), original.strip()))
    summary = raw.get("plainSummary", "")
    if not isinstance(summary, str):
        raise RecordError(source, f'"{SITE_CONTENT_KEY}.plainSummary" must be a string')
    return SiteContent(
        plain_summary=summary.strip(),
        plain_criteria=tuple(criteria),
        doctor_questions=strings("doctorQuestions"),
        coordinator_questions=strings("coordinatorQuestions"),
    )


class _Fields:
    """Access to protocol modules that tolerates absent ones and rejects wrong types."""

    def __init__(self, protocol: Mapping[str, Any], source: str):
        self.protocol = protocol
        self.source = source

    def module(self, name: str) -> dict[str, Any]:
        value = self.protocol.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise RecordError(self.source, f'"protocolSection.{name}" is not an object')
        return value


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return unescape_markdown(str(value)).strip()


def _texts(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (_text(v) for v in value) if t)


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


PLANNED_DATES = {  # Trial field -> the statusModule date that may be an estimate
    "start_date": "startDateStruct",
    "primary_completion_date": "primaryCompletionDateStruct",
    "completion_date": "completionDateStruct",
}


def _date(struct: Any) -> str:
    return _text(_dict(struct).get("date"))


def _contact(raw: dict[str, Any]) -> Contact:
    return Contact(
        name=_text(raw.get("name")),
        role=_text(raw.get("role")),
        phone=_phone(raw),
        email=_text(raw.get("email")),
        affiliation=_text(raw.get("affiliation")),
    )


def _phone(raw: dict[str, Any]) -> str:
    """The number with its extension; a "phoneExt" that is a country code ("+33") goes first."""
    phone, ext = _text(raw.get("phone")), _text(raw.get("phoneExt"))
    if re.fullmatch(r"\+\d{1,4}", ext) and phone and not phone.startswith("+"):
        return f"{ext} {phone}"
    return " ".join(p for p in (phone, f"ext. {ext}" if ext else "") if p)


def _outcomes(value: Any) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(
            measure=_text(o.get("measure")),
            time_frame=_text(o.get("timeFrame")),
            description=_text(o.get("description")),
        )
        for o in _dicts(value)
        if _text(o.get("measure"))
    )


_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # "\>=", "\[", "\&": any escaped ASCII punctuation


def unescape_markdown(text: str) -> str:
    """ClinicalTrials.gov writes record text as Markdown: "TPS \\>=50%" means "TPS >=50%"."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)
