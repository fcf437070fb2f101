"""Legacy ClinicalTrials.gov XML (``<clinical_study>``, the old AllPublicXML format) -> `Trial`.

Parsed with defusedxml: entity declarations, external entities and DTDs are refused, so a
"billion laughs" file is a clear error, not a hang. Dates such as "June 2026" become
"2026-06", and coded values match the API v2 spellings ("Phase 2" -> "PHASE2").
"""

from __future__ import annotations

import re
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .errors import RecordError
from .model import Arm, Contact, Design, Eligibility, Intervention, Outcome, Site, Trial


def trial_from_xml(data: bytes, source: str) -> Trial:
    try:
        root = fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ValueError) as error:
        raise RecordError(source, f"unsafe XML refused ({type(error).__name__})") from None
    except ParseError as error:
        raise RecordError(source, f"not valid XML ({error})") from None
    if root.tag != "clinical_study":
        raise RecordError(source, f"not a ClinicalTrials.gov study (root element <{root.tag}>)")
    nct_id = _text(root, "id_info/nct_id").upper()
    if not re.fullmatch(r"NCT\d{8}", nct_id):
        raise RecordError(source, "the record has no NCT number (id_info/nct_id)")
    label = f"{source} ({nct_id})" if nct_id not in source else source
    enrollment = root.find("enrollment")
    return Trial(
        nct_id=nct_id,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        status=_code(_text(root, "overall_status")),
        why_stopped=_text(root, "why_stopped"),
        study_type=_code(_text(root, "study_type")),
        phases=_phases(_text(root, "phase")),
        enrollment=int(enrollment.text) if enrollment is not None and (enrollment.text or "").strip().isdigit() else None,
        enrollment_is_estimate=enrollment is not None and enrollment.get("type") in ("Anticipated", "Estimated"),
        start_date=_date(_text(root, "start_date")),
        primary_completion_date=_date(_text(root, "primary_completion_date")),
        completion_date=_date(_text(root, "completion_date")),
        first_posted=_date(_text(root, "study_first_posted")),
        last_updated=_date(_text(root, "last_update_posted") or _text(root, "last_update_submitted")),
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=tuple(_text(c, "agency") for c in root.findall("sponsors/collaborator")),
        conditions=tuple(_all(root, "condition")),
        keywords=tuple(_all(root, "keyword")),
        brief_summary=_text(root, "brief_summary/textblock"),
        detailed_description=_text(root, "detailed_description/textblock"),
        design=Design(
            allocation=_code(_text(root, "study_design_info/allocation")),
            intervention_model=_code(_text(root, "study_design_info/intervention_model")),
            primary_purpose=_code(_text(root, "study_design_info/primary_purpose")),
            masking=_code(_text(root, "study_design_info/masking").split(" (")[0]),
        ),
        arms=tuple(
            Arm(label=_text(a, "arm_group_label"), type=_code(_text(a, "arm_group_type")),
                description=_text(a, "description"))  # fmt: skip
            for a in root.findall("arm_group")
        ),
        interventions=tuple(
            Intervention(name=_text(i, "intervention_name"), type=_code(_text(i, "intervention_type")),
                         description=_text(i, "description"), other_names=tuple(_all(i, "other_name")))  # fmt: skip
            for i in root.findall("intervention")
            if _text(i, "intervention_name")
        ),
        eligibility=Eligibility(
            criteria_text=_text(root, "eligibility/criteria/textblock"),
            sex=_code(_text(root, "eligibility/gender")),
            minimum_age="" if _text(root, "eligibility/minimum_age") == "N/A" else _text(root, "eligibility/minimum_age"),
            maximum_age="" if _text(root, "eligibility/maximum_age") == "N/A" else _text(root, "eligibility/maximum_age"),
            healthy_volunteers=_healthy(_text(root, "eligibility/healthy_volunteers")),
        ),
        primary_outcomes=_outcomes(root, "primary_outcome"),
        secondary_outcomes=_outcomes(root, "secondary_outcome"),
        central_contacts=tuple(_contact(c) for c in root.findall("overall_contact") + root.findall("overall_contact_backup")),
        officials=tuple(_contact(o) for o in root.findall("overall_official")),
        sites=tuple(
            Site(
                facility=_text(loc, "facility/name"), city=_text(loc, "facility/address/city"),
                state=_text(loc, "facility/address/state"), zip=_text(loc, "facility/address/zip"),
                country=_text(loc, "facility/address/country"), status=_code(_text(loc, "status")),
                contacts=tuple(_contact(c) for c in loc.findall("contact")),
            )  # fmt: skip
            for loc in root.findall("location")
        ),
        source=label,
    )


def _text(element: Element, path: str) -> str:
    found = element.find(path)
    if found is None:
        return ""
    text = "".join(found.itertext())
    lines = [line.strip() for line in text.strip("\n").split("\n")]
    return "\n".join(lines).strip()


def _all(element: Element, path: str) -> list[str]:
    return [t for t in ("".join(e.itertext()).strip() for e in element.findall(path)) if t]


def _code(text: str) -> str:
    """ "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING", "Non-Randomized" -> "NON_RANDOMIZED"."""
    return re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")


def _phases(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if text.strip() == "N/A":
        return ("NA",)
    early = "EARLY_PHASE1" if "Early Phase 1" in text else None
    numbers = re.findall(r"Phase (\d)", text.replace("Early Phase 1", ""))
    return tuple(([early] if early else []) + [f"PHASE{n}" for n in numbers])


def _date(text: str) -> str:
    for fmt, out in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return datetime.strptime(text.strip(), fmt).strftime(out)
        except ValueError:
            continue
    return text.strip()


def _healthy(text: str) -> bool | None:
    if text.startswith("Accepts"):
        return True
    if text == "No":
        return False
    return None


def _outcomes(root: Element, tag: str) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(measure=_text(o, "measure"), time_frame=_text(o, "time_frame"), description=_text(o, "description"))
        for o in root.findall(tag)
        if _text(o, "measure")
    )


def _contact(element: Element) -> Contact:
    ext = _text(element, "phone_ext")
    phone = " ".join(p for p in (_text(element, "phone"), f"ext. {ext}" if ext else "") if p)
    return Contact(
        name=_text(element, "last_name"), role=_text(element, "role"), phone=phone,
        email=_text(element, "email"), affiliation=_text(element, "affiliation"),
    )  # fmt: skip
