"""Legacy ClinicalTrials.gov XML (``<clinical_study>``, the old AllPublicXML format) -> `Trial`.

Owns the XML mapping only; reading the file is record.py's job. Parsed with defusedxml with
DTDs refused outright, so entity tricks ("billion laughs", external entities) are a
`RecordError`, never a hang or a file read; so are nesting deeper than `MAX_DEPTH` and an
encoding Python does not know. Values are given the API v2 spellings the rest of the project
reads (`v2_code`, `v2_date`, which classic_json.py shares): "Phase 1/Phase 2" -> ("PHASE1",
"PHASE2"), "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING", "Parallel Assignment" ->
"PARALLEL", "June 2026" -> "2026-06", "June 15, 2026" -> "2026-06-15"; arms list their
interventions as "Drug: Name", as in v2.
Text blocks keep their line structure (only the common indentation goes), because the
criteria parser reads indentation to tell sub-items from items.
"""

from __future__ import annotations

import re
import textwrap
from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from sheets.errors import RecordError
from sheets.model import Arm, Contact, Design, Eligibility, Intervention, Outcome, Site, Trial
from sheets.sources.limits import MAX_DEPTH

NCT_ID = re.compile(r"NCT\d{8}")

# Where the XML's words differ from the API v2 codes by more than spelling.
_RENAMED = {
    "UNKNOWN_STATUS": "UNKNOWN",
    "BOTH": "ALL",
    "N_A": "NA",
    "PARALLEL_ASSIGNMENT": "PARALLEL",
    "SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP",
    "CROSSOVER_ASSIGNMENT": "CROSSOVER",
    "FACTORIAL_ASSIGNMENT": "FACTORIAL",
    "SEQUENTIAL_ASSIGNMENT": "SEQUENTIAL",
    "OPEN_LABEL": "NONE",  # masking, as older records word it
    "SINGLE_BLIND": "SINGLE",
    "DOUBLE_BLIND": "DOUBLE",
    "SUBJECT": "PARTICIPANT",
    "CAREGIVER": "CARE_PROVIDER",
    "NOT_APPLICABLE": "NA",  # phase, as the classic JSON words it
}


def trial_from_xml(data: bytes, source: str) -> Trial:
    """Map one ``<clinical_study>`` document onto `Trial`; raise RecordError when it is not one."""
    try:
        parser = DefusedXMLParser(target=_ShallowTreeBuilder(), forbid_dtd=True)
        parser.feed(data)
        root = parser.close()
    except DefusedXmlException:
        raise RecordError(source, "unsafe XML refused (it declares a DTD or entities)") from None
    except _TooDeep:
        problem = f"the XML nests deeper than {MAX_DEPTH} levels (real records nest fewer than 10)"
        raise RecordError(source, problem) from None
    except LookupError as error:  # <?xml encoding="..."?> naming no encoding Python knows
        if type(error) is not LookupError:
            raise  # a KeyError or IndexError is a bug here, not the record's fault
        shown = "".join(ch for ch in str(error)[:80] if ch.isprintable())
        problem = f"the XML declares an encoding that cannot be read ({shown})"
        raise RecordError(source, problem) from None
    except (ParseError, ValueError) as error:
        raise RecordError(source, f"not valid XML ({str(error)[:120]})") from None
    if root.tag != "clinical_study":
        raise RecordError(
            source, f"not a ClinicalTrials.gov study (root element <{root.tag[:40]}>)"
        )
    nct_id = _text(root, "id_info/nct_id").upper()
    if not NCT_ID.fullmatch(nct_id):
        raise RecordError(source, "the record has no NCT number (id_info/nct_id)")
    label = source if nct_id in source else f"{source} ({nct_id})"
    design = root.find("study_design_info")
    masking, _, masked = _text(design, "masking").partition("(")
    enrollment = root.find("enrollment")
    return Trial(
        nct_id=nct_id,
        brief_title=_text(root, "brief_title"),
        official_title=_text(root, "official_title"),
        acronym=_text(root, "acronym"),
        status=v2_code(_text(root, "overall_status")),
        why_stopped=_text(root, "why_stopped"),
        study_type=_study_type(_text(root, "study_type")),
        phases=_phases(_text(root, "phase")),
        enrollment=_count(enrollment),
        enrollment_is_estimate=enrollment is not None
        and enrollment.get("type") in ("Anticipated", "Estimated"),
        start_date=v2_date(_text(root, "start_date")),
        primary_completion_date=v2_date(_text(root, "primary_completion_date")),
        completion_date=v2_date(_text(root, "completion_date")),
        planned_dates=frozenset(
            name
            for name in ("start_date", "primary_completion_date", "completion_date")
            if _attribute(root, name, "type") in ("Anticipated", "Estimated")
        ),
        has_results=root.find("clinical_results") is not None,
        first_posted=v2_date(
            _text(root, "study_first_posted") or _text(root, "study_first_submitted")
        ),
        last_updated=v2_date(
            _text(root, "last_update_posted") or _text(root, "last_update_submitted")
        ),
        sponsor=_text(root, "sponsors/lead_sponsor/agency"),
        collaborators=tuple(_all(root, "sponsors/collaborator/agency")),
        conditions=tuple(_all(root, "condition")),
        keywords=tuple(_all(root, "keyword")),
        brief_summary=_block(root, "brief_summary/textblock"),
        detailed_description=_block(root, "detailed_description/textblock"),
        design=Design(
            allocation=v2_code(_text(design, "allocation")),
            intervention_model=v2_code(_text(design, "intervention_model")),
            primary_purpose=v2_code(_text(design, "primary_purpose")),
            masking=v2_code(masking),  # "Double (Participant, Investigator)"
            who_masked=tuple(
                code
                for code in (v2_code(who) for who in masked.rstrip(")").split(","))
                if code not in ("", "NONE")
            ),
        ),
        arms=_arms(root),
        interventions=tuple(
            Intervention(
                name=_text(i, "intervention_name"),
                type=v2_code(_text(i, "intervention_type")),
                description=_block(i, "description"),
                other_names=tuple(_all(i, "other_name")),
            )
            for i in root.findall("intervention")
            if _text(i, "intervention_name")
        ),
        eligibility=Eligibility(
            criteria_text=_block(root, "eligibility/criteria/textblock"),
            sex=v2_code(_text(root, "eligibility/gender")),
            minimum_age=_age(_text(root, "eligibility/minimum_age")),
            maximum_age=_age(_text(root, "eligibility/maximum_age")),
            healthy_volunteers=_healthy(_text(root, "eligibility/healthy_volunteers")),
            gender_description=_block(root, "eligibility/gender_description"),
        ),
        primary_outcomes=_outcomes(root, "primary_outcome"),
        secondary_outcomes=_outcomes(root, "secondary_outcome"),
        central_contacts=tuple(
            _contact(c, role="CONTACT")
            for c in [*root.findall("overall_contact"), *root.findall("overall_contact_backup")]
        ),
        officials=tuple(_contact(o) for o in root.findall("overall_official")),
        sites=tuple(
            _site(location)
            for location in root.findall("location")
            if v2_code(_text(location, "status")) != "WITHDRAWN"  # never took part: no place to go
        ),
        source=label,
    )


class _TooDeep(Exception):
    pass


class _ShallowTreeBuilder(TreeBuilder):
    """Builds the tree, refusing nesting past `MAX_DEPTH` as it goes: expat sets no limit, and
    a deep tree would overflow the recursion of whatever walks it later."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def start(self, tag: Any, attrs: Any) -> Element:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        return super().start(tag, attrs)

    def end(self, tag: Any) -> Element:
        self.depth -= 1
        return super().end(tag)


def _text(element: Element | None, path: str) -> str:
    """The text under ``path``, whitespace folded to single spaces."""
    found = element.find(path) if element is not None else None
    return " ".join("".join(found.itertext()).split()) if found is not None else ""


def _block(element: Element, path: str) -> str:
    """A text block with its lines and relative indentation kept, common indentation removed."""
    found = element.find(path)
    if found is None:
        return ""
    lines = [line.rstrip() for line in "".join(found.itertext()).strip("\n").splitlines()]
    return textwrap.dedent("\n".join(lines)).strip()


def _attribute(element: Element, path: str, name: str) -> str:
    found = element.find(path)
    return (found.get(name) or "").strip() if found is not None else ""


def _all(element: Element, path: str) -> list[str]:
    return [
        t for t in (" ".join("".join(e.itertext()).split()) for e in element.findall(path)) if t
    ]


def v2_code(text: str) -> str:
    """ "Active, not recruiting" -> "ACTIVE_NOT_RECRUITING", "N/A" -> "NA", as in API v2."""
    code = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_")
    return _RENAMED.get(code, code)


def _study_type(text: str) -> str:
    """ "Observational [Patient Registry]" is OBSERVATIONAL in API v2; "N/A" is no type."""
    code = v2_code(text.split("[")[0])
    return "" if code == "NA" else code


def _phases(text: str) -> tuple[str, ...]:
    """ "Phase 1/Phase 2" -> ("PHASE1", "PHASE2"); "Early Phase 1" -> ("EARLY_PHASE1",)."""
    if text.strip() == "N/A":
        return ("NA",)
    early = ["EARLY_PHASE1"] if "Early Phase 1" in text else []
    numbers = re.findall(r"Phase (\d)", text.replace("Early Phase 1", ""))
    return tuple(early + [f"PHASE{n}" for n in numbers])


def v2_date(text: str) -> str:
    """ "June 15, 2026" -> "2026-06-15", "June 2026" -> "2026-06"; anything else as written."""
    for fmt, out in (("%B %d, %Y", "%Y-%m-%d"), ("%B %Y", "%Y-%m")):
        try:
            return datetime.strptime(text, fmt).strftime(out)
        except ValueError:
            continue
    return text


def _age(text: str) -> str:
    return "" if text in ("N/A", "") else text


def _count(element: Element | None) -> int | None:
    text = (element.text or "").strip() if element is not None else ""
    return int(text) if text.isdigit() else None


def _healthy(text: str) -> bool | None:
    if text in ("Accepts Healthy Volunteers", "Yes"):
        return True
    if text == "No":
        return False
    return None


def _arms(root: Element) -> tuple[Arm, ...]:
    """Arms, each naming its interventions as "Type: Name" (the XML lists it the other way)."""
    uses: dict[str, list[str]] = {}
    for intervention in root.findall("intervention"):
        name = _text(intervention, "intervention_name")
        named = f"{_text(intervention, 'intervention_type')}: {name}".lstrip(": ")
        for label in _all(intervention, "arm_group_label"):
            uses.setdefault(label, []).append(named)
    return tuple(
        Arm(
            label=_text(arm, "arm_group_label"),
            type=v2_code(_text(arm, "arm_group_type")),
            description=_block(arm, "description"),
            intervention_names=tuple(uses.get(_text(arm, "arm_group_label"), ())),
        )
        for arm in root.findall("arm_group")
        if _text(arm, "arm_group_label")
    )


def _outcomes(root: Element, tag: str) -> tuple[Outcome, ...]:
    return tuple(
        Outcome(
            measure=_text(o, "measure"),
            time_frame=_text(o, "time_frame"),
            description=_block(o, "description"),
        )
        for o in root.findall(tag)
        if _text(o, "measure")
    )


def _site(location: Element) -> Site:
    contacts = [*location.findall("contact"), *location.findall("contact_backup")]
    return Site(
        facility=_text(location, "facility/name"),
        city=_text(location, "facility/address/city"),
        state=_text(location, "facility/address/state"),
        zip=_text(location, "facility/address/zip"),
        country=_text(location, "facility/address/country"),
        status=v2_code(_text(location, "status")),
        contacts=tuple(
            [_contact(c, role="CONTACT") for c in contacts]
            + [_contact(i) for i in location.findall("investigator")]
        ),
    )


def _contact(element: Element, role: str = "") -> Contact:
    """A person. Newer records keep the whole name, degrees too, in ``last_name``."""
    ext = _text(element, "phone_ext")
    phone = " ".join(p for p in (_text(element, "phone"), f"ext. {ext}" if ext else "") if p)
    name = " ".join(_text(element, part) for part in ("first_name", "middle_name", "last_name"))
    degrees = _text(element, "degrees")
    return Contact(
        name=" ".join(name.split()) + (f", {degrees}" if degrees else ""),
        role=role or v2_code(_text(element, "role")),
        phone=phone,
        email=_text(element, "email"),
        affiliation=_text(element, "affiliation"),
    )
