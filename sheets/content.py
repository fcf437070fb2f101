"""Sheet content: everything the sheet says about one trial, decided before any HTML exists.

Pure: a `Trial` and `SheetOptions` in, a `Sheet` out. Templates only lay this out; what
to say when the record is silent is decided here, so it can be tested without a renderer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import wording
from .eligibility import parse_criteria
from .model import Contact, PlainCriterion, Site, Trial
from .plain import inline_definitions, plain_criteria, reading_grade, sheet_glossary
from .options import SheetOptions
from .outcomes import plain_outcome
from .qr import qr_svg
from .questions import (
    coordinator_questions,
    doctor_questions,
    merge_questions,
    nearest_site,
    status_warning,
)

SITES_SHOWN = 5
COUNTRIES_SHOWN = 6
QR_SIZE_MM = 30  # with its 4-module quiet zone; the issue asks for at least 25 mm


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class NumberedCriterion:
    """A plain criterion with the reference ("I-3", "E-1") that links it to its wording."""

    ref: str
    plain: str
    original: str

    @property
    def lead(self) -> str:
        """The first line: the whole criterion, or the lead of a labelled item or list."""
        return self.plain.split("\n", 1)[0]

    @property
    def items(self) -> tuple[str, ...]:
        """The lines set below the lead: a trait, or the entries of an "any of these" list."""
        return tuple(self.plain.split("\n")[1:])


@dataclass(frozen=True)
class OutcomeLine:
    what: str
    when: str
    original: str
    original_when: str = ""
    secondary: bool = False


@dataclass(frozen=True)
class SiteLine:
    name: str
    place: str
    status: str


@dataclass(frozen=True)
class Sheet:
    nct_id: str
    title: str
    official_title: str
    status: str
    status_warning: str
    facts: tuple[Fact, ...]
    summary: tuple[str, ...]
    summary_is_plain: bool
    who: tuple[Fact, ...]
    inclusion: tuple[NumberedCriterion, ...]
    exclusion: tuple[NumberedCriterion, ...]
    doctor_questions: tuple[str, ...]
    coordinator_questions: tuple[str, ...]
    outcomes: tuple[OutcomeLine, ...]
    contacts: tuple[Contact, ...]
    contacts_are_officials: bool
    site_count: int
    sites: tuple[SiteLine, ...]
    countries: tuple[str, ...]
    link: str
    qr: str
    generated: str
    last_updated: str
    paper: str
    glossary: tuple[tuple[str, str], ...] = ()
    criteria_grade: float | None = None
    lang: str = "en"

    @property
    def has_criteria(self) -> bool:
        return bool(self.inclusion or self.exclusion)

    @property
    def document_title(self) -> str:
        return f"Questions to ask about {self.nct_id}: {self.title}"

    @property
    def subject(self) -> str:
        return (
            f"An appointment question sheet for the clinical trial {self.nct_id}: "
            "key facts, who can take part, questions for your doctor and the trial team."
        )


def build_sheet(trial: Trial, options: SheetOptions | None = None) -> Sheet:
    options = options or SheetOptions()
    link = options.link_for(trial.nct_id)
    criteria = criteria_for(trial)
    inclusion, exclusion = _numbered(criteria)
    contacts, are_officials = _contacts(trial)
    plain_lines = [c.plain for c in criteria]
    return Sheet(
        nct_id=trial.nct_id,
        title=trial.title,
        official_title=(
            trial.official_title if trial.official_title not in ("", trial.brief_title) else ""
        ),
        status=wording.status_label(trial.status),
        status_warning=status_warning(trial) or "",
        facts=_facts(trial),
        summary=_paragraphs(trial.site_content.plain_summary or trial.brief_summary),
        summary_is_plain=bool(trial.site_content.plain_summary),
        who=_who(trial),
        inclusion=inclusion,
        exclusion=exclusion,
        doctor_questions=merge_questions(
            doctor_questions(trial),
            site=trial.site_content.doctor_questions,
            extra=options.extra_doctor_questions,
        ),
        coordinator_questions=merge_questions(
            coordinator_questions(trial, near=options.near),
            site=trial.site_content.coordinator_questions,
            extra=options.extra_coordinator_questions,
        ),
        outcomes=_outcomes(trial, options.secondary_outcomes),
        contacts=contacts,
        contacts_are_officials=are_officials,
        site_count=len(trial.sites),
        sites=tuple(_site_line(s) for s in _sites_to_show(trial.sites, options.near)),
        countries=_countries(trial.sites),
        link=link,
        qr=qr_svg(link, size_mm=QR_SIZE_MM, title=f"QR code linking to {link}"),
        generated=wording.today_phrase(options.generated_on),
        last_updated=wording.date_phrase(trial.last_updated),
        paper=options.paper,
        glossary=sheet_glossary(plain_lines, context=trial.eligibility.criteria_text),
        criteria_grade=reading_grade(plain_lines) if plain_lines else None,
    )


def criteria_for(trial: Trial) -> tuple[PlainCriterion, ...]:
    """Site-written plain criteria win; otherwise the engine's plain lines."""
    if trial.site_content.plain_criteria:
        return trial.site_content.plain_criteria
    record_text = "\n".join((trial.brief_summary, trial.detailed_description))
    return plain_criteria(
        parse_criteria(trial.eligibility.criteria_text), defined=inline_definitions(record_text)
    )


def _numbered(
    criteria: tuple[PlainCriterion, ...],
) -> tuple[tuple[NumberedCriterion, ...], tuple[NumberedCriterion, ...]]:
    groups: dict[str, list[NumberedCriterion]] = {"inclusion": [], "exclusion": []}
    for criterion in criteria:
        group = groups[criterion.kind]
        prefix = "I" if criterion.kind == "inclusion" else "E"
        group.append(
            NumberedCriterion(
                ref=f"{prefix}-{len(group) + 1}",
                plain=criterion.plain,
                original=criterion.original,
            )
        )
    return tuple(groups["inclusion"]), tuple(groups["exclusion"])


def _outcomes(trial: Trial, secondary: bool) -> tuple[OutcomeLine, ...]:
    chosen = [(o, False) for o in trial.primary_outcomes]
    if secondary:
        chosen += [(o, True) for o in trial.secondary_outcomes]
    lines = []
    for outcome, is_secondary in chosen:
        plain = plain_outcome(outcome)
        lines.append(OutcomeLine(plain.what, plain.when, plain.original, plain.original_when, is_secondary))
    return tuple(lines)


def _facts(trial: Trial) -> tuple[Fact, ...]:
    facts = [Fact("Status", wording.status_label(trial.status) or "Not given in the record")]
    if trial.why_stopped:
        facts.append(Fact("Why it stopped", trial.why_stopped))
    phase = wording.phase_label(trial.phases)
    if phase:
        meaning = wording.phase_meaning(trial.phases)
        facts.append(Fact("Phase", f"{phase}: {meaning}" if meaning else phase))
    elif trial.study_type:
        facts.append(Fact("Kind of study", wording.study_type_label(trial.study_type)))
    if trial.enrollment is not None:
        people = wording.count_phrase(trial.enrollment, "person", "people")
        planned = " (planned)" if trial.enrollment_is_estimate else ""
        facts.append(Fact("Size", f"{people}{planned}"))
    if trial.start_date:
        facts.append(Fact("Start date", wording.date_phrase(trial.start_date)))
    if trial.conditions:
        facts.append(Fact("Condition", "; ".join(trial.conditions)))
    interventions = "; ".join(i.name for i in trial.interventions)
    if interventions:
        facts.append(Fact("Studies", interventions))
    facts.append(Fact("Sponsor", trial.sponsor or "Not given in the record"))
    facts.append(Fact("Where", _where(trial.sites)))
    return tuple(facts)


def _where(sites: tuple[Site, ...]) -> str:
    if not sites:
        return "The record lists no study sites"
    countries = {s.country for s in sites if s.country}
    places = wording.count_phrase(len(sites), "site")
    if len(countries) == 1:
        return f"{places} in {next(iter(countries))}"
    if countries:
        return f"{places} in {wording.count_phrase(len(countries), 'country', 'countries')}"
    return places


def _who(trial: Trial) -> tuple[Fact, ...]:
    eligibility = trial.eligibility
    ages = wording.age_range(eligibility.minimum_age, eligibility.maximum_age)
    who = [
        Fact("Ages", ages or "No age limits given in the record"),
        Fact("Sex", wording.sex_label(eligibility.sex) or "Not given in the record"),
    ]
    if eligibility.gender_description:
        who.append(Fact("About sex or gender", eligibility.gender_description))
    healthy = {True: "Yes", False: "No", None: "Not given in the record"}
    who.append(Fact("Healthy volunteers", healthy[eligibility.healthy_volunteers]))
    return tuple(who)


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = (" ".join(block.split()) for block in text.replace("\r", "").split("\n\n"))
    return tuple(block for block in blocks if block)


def _contacts(trial: Trial) -> tuple[tuple[Contact, ...], bool]:
    central = tuple(c for c in trial.central_contacts if c.name or c.phone or c.email)
    if central:
        return central, False
    return tuple(c for c in trial.officials if c.name), True


def _sites_to_show(sites: tuple[Site, ...], near: str | None) -> list[Site]:
    """The nearest site first when the user said where they are, then recruiting ones."""
    ordered = sorted(sites, key=lambda s: s.status != "RECRUITING")
    nearest = nearest_site(sites, near) if near else None
    if nearest is not None:
        ordered = [nearest, *(s for s in ordered if s is not nearest)]
    return ordered[:SITES_SHOWN]


def _site_line(site: Site) -> SiteLine:
    place = ", ".join(p for p in (site.city, site.state, site.country) if p)
    return SiteLine(
        name=site.facility or place or "Site name not given",
        place=place if site.facility else "",
        status=wording.status_label(site.status),
    )


def _countries(sites: tuple[Site, ...]) -> tuple[str, ...]:
    counts = Counter(s.country for s in sites if s.country)
    if len(counts) < 2:
        return ()
    shown = [f"{country} ({n:,})" for country, n in counts.most_common(COUNTRIES_SHOWN)]
    others = len(counts) - COUNTRIES_SHOWN
    if others > 0:
        shown.append(f"{others} more {'country' if others == 1 else 'countries'}")
    return tuple(shown)
