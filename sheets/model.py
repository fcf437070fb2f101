"""The one normalised trial model that every input format maps to.

Templates, rules and the CLI read only these dataclasses, never raw record JSON or XML.
Every field has a harmless empty default, so a sparse record is still a valid ``Trial``:
what a record does not give is an empty string, an empty tuple or ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

CriterionKind = Literal["inclusion", "exclusion"]


@dataclass(frozen=True)
class Criterion:
    """One eligibility criterion as the record words it.

    ``details`` holds nested sub-items that belong to this criterion (lab lists, "any of
    the following"); ``heading`` is the in-list heading it falls under, if any.
    """

    kind: CriterionKind
    original: str
    details: tuple[str, ...] = ()
    heading: str = ""

    @property
    def full_text(self) -> str:
        """The criterion as written, with its heading and sub-items, as one passage."""
        text = f"{self.heading}: {self.original}" if self.heading else self.original
        return " ".join((text, "; ".join(self.details))).strip()


@dataclass(frozen=True)
class PlainCriterion:
    """A criterion ready for the sheet: the patient-facing line and the wording it came from.

    ``lead`` is its first line; ``items`` are the lines set below it (a trait, or the entries
    of an "any of these" list). Explanations of its words never sit inside it: they are
    ``words``, (term, meaning) pairs printed under it. ``label`` says whom or which part of
    the study the line is for ("For caregivers").
    """

    kind: CriterionKind
    lead: str
    original: str
    items: tuple[str, ...] = ()
    words: tuple[tuple[str, str], ...] = ()
    label: str = ""
    note: bool = False  # a note the study put among its criteria: shown, never ticked

    @classmethod
    def of(cls, kind: CriterionKind, text: str, original: str, **rest: Any) -> PlainCriterion:
        """From text that writes the lead and its items one per line (site-written criteria,
        the engine's fixed lines)."""
        lead, *items = text.split("\n")
        return cls(kind, lead, original, tuple(items), **rest)

    @property
    def plain(self) -> str:
        """The lead and its items, one per line: how reports, checks and golden files read it."""
        return "\n".join((self.lead, *self.items))


@dataclass(frozen=True)
class Eligibility:
    criteria_text: str = ""
    sex: str = ""  # ALL, FEMALE, MALE
    minimum_age: str = ""  # as written, e.g. "18 Years"
    maximum_age: str = ""
    healthy_volunteers: bool | None = None
    gender_description: str = ""


@dataclass(frozen=True)
class Outcome:
    measure: str
    time_frame: str = ""
    description: str = ""


@dataclass(frozen=True)
class Intervention:
    name: str
    type: str = ""  # DRUG, DEVICE, BEHAVIORAL, ...
    description: str = ""
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Arm:
    label: str
    type: str = ""  # EXPERIMENTAL, PLACEBO_COMPARATOR, ...
    description: str = ""
    intervention_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Design:
    allocation: str = ""  # RANDOMIZED, NON_RANDOMIZED, NA
    intervention_model: str = ""
    primary_purpose: str = ""
    masking: str = ""  # NONE, SINGLE, DOUBLE, TRIPLE, QUADRUPLE
    who_masked: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    affiliation: str = ""


@dataclass(frozen=True)
class Site:
    facility: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    country: str = ""
    status: str = ""
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class SiteContent:
    """Content a publishing site wrote for this trial; each part replaces generated content."""

    plain_summary: str = ""
    plain_criteria: tuple[PlainCriterion, ...] = ()
    doctor_questions: tuple[str, ...] = ()
    coordinator_questions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trial:
    nct_id: str
    brief_title: str = ""
    official_title: str = ""
    acronym: str = ""
    status: str = ""  # overallStatus code, e.g. RECRUITING
    why_stopped: str = ""
    study_type: str = ""  # INTERVENTIONAL, OBSERVATIONAL, EXPANDED_ACCESS
    phases: tuple[str, ...] = ()  # e.g. ("PHASE2",), ("PHASE2", "PHASE3"), ("NA",)
    enrollment: int | None = None
    enrollment_is_estimate: bool = False
    start_date: str = ""  # ISO-like, "2026-06" or "2026-06-15"
    primary_completion_date: str = ""
    completion_date: str = ""
    planned_dates: frozenset[str] = frozenset()  # which of the three are estimates, by name
    has_results: bool = False  # results are posted on ClinicalTrials.gov
    expanded_access: bool | None = None  # the record says whether there is an expanded access program
    first_posted: str = ""
    last_updated: str = ""
    sponsor: str = ""
    collaborators: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    brief_summary: str = ""
    detailed_description: str = ""
    design: Design = field(default_factory=Design)
    arms: tuple[Arm, ...] = ()
    closed_arms: tuple[Arm, ...] = ()  # set aside by `open_arms`: no one joins them, yet they
    # still show what the trial compares (a closed chemotherapy-only arm)
    interventions: tuple[Intervention, ...] = ()
    eligibility: Eligibility = field(default_factory=Eligibility)
    primary_outcomes: tuple[Outcome, ...] = ()
    secondary_outcomes: tuple[Outcome, ...] = ()
    central_contacts: tuple[Contact, ...] = ()
    officials: tuple[Contact, ...] = ()
    sites: tuple[Site, ...] = ()  # where it runs (sites withdrawn before taking part left out)
    site_content: SiteContent = field(default_factory=SiteContent)
    source: str = ""  # where the record came from, for messages

    @property
    def title(self) -> str:
        return self.brief_title or self.official_title or self.nct_id
