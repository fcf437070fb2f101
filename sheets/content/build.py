"""Sheet content: everything the sheet says about one trial, decided before any HTML exists.

Pure: a `Trial` and `SheetOptions` in, a `Sheet` out. Templates only lay this out; what
to say when the record is silent is decided here, so it can be tested without a renderer.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sheets import i18n
from sheets.content import labels as wording
from sheets.content.facts import child_ages, children_and_adults, closed_arms, open_arms
from sheets.content.lab_panels import MIN_RUN, condensed_line, in_order, limit_panels, panels_of
from sheets.content.outcomes import plain_outcome
from sheets.content.overview import Overview, overview_of
from sheets.content.questions import (
    about_questions,
    coordinator_questions,
    doctor_questions,
    merge_questions,
    nearest_site,
    status_warning,
)
from sheets.content.sheet import Fact, NumberedCriterion, OutcomeLine, Sheet, SiteLine
from sheets.content.standing import Standing, age_conflict, last_day, standing_of
from sheets.model import Contact, PlainCriterion, Site, Trial
from sheets.options import SheetOptions
from sheets.plain import inline_definitions, plain_criteria, sheet_glossary
from sheets.plain.criteria import parse_criteria
from sheets.plain.glossary import meanings_in
from sheets.plain.people import audience_of

if TYPE_CHECKING:
    from sheets.clinic import Clinic

SITES_SHOWN = 5
COUNTRIES_SHOWN = 6


def build_sheet(trial: Trial, options: SheetOptions | None = None) -> Sheet:
    """The sheet's content, every fixed word in ``options.lang``."""
    options = options or SheetOptions()
    with i18n.using(options.lang):
        return _build_sheet(trial, options)


def _build_sheet(trial: Trial, options: SheetOptions) -> Sheet:
    link = options.link_for(trial.nct_id)
    standing = standing_of(trial, options.generated_on)
    contacts, are_officials = _contacts(trial, options.clinic)
    joinable = open_arms(trial)  # a group closed to new people is no group to join
    if standing.joining:
        criteria = criteria_for(trial)
        doctor = merge_questions(
            doctor_questions(joinable, standing),
            site=trial.site_content.doctor_questions,
            extra=options.extra_doctor_questions,
        )
        coordinator = merge_questions(
            coordinator_questions(joinable, near=options.near),
            site=trial.site_content.coordinator_questions,
            extra=options.extra_coordinator_questions,
        )
    else:  # no one can join: no tick list, no screening questions
        criteria = ()
        doctor = merge_questions(about_questions(trial), extra=options.extra_doctor_questions)
        coordinator = ()
    inclusion, exclusion = _numbered(criteria, condense=not trial.site_content.plain_criteria)
    call = _one_to_call(trial, options)
    official = next((c for c in trial.officials if c.name), None)
    overview = overview_of(joinable, closed=closed_arms(trial)) if standing.joining else Overview()
    return Sheet(
        nct_id=trial.nct_id,
        title=trial.title,
        official_title=(
            trial.official_title if trial.official_title not in ("", trial.brief_title) else ""
        ),
        status=wording.status_label(trial.status),
        status_warning=status_warning(trial) or "",
        # an "about" sheet says why it stopped under "what happened", and a joining sheet how
        # many sites recruit; page 1's overview sentences say its size, condition, treatments
        facts=_facts(
            trial,
            joining=standing.joining,
            said_above=bool(overview.about),
            in_doubt=standing.in_doubt or bool(standing.stale_since),
        ),
        summary=_paragraphs(trial.site_content.plain_summary or trial.brief_summary),
        summary_is_plain=bool(trial.site_content.plain_summary),
        who=_who(trial),
        inclusion=inclusion,
        exclusion=exclusion,
        doctor_questions=doctor,
        coordinator_questions=coordinator,
        outcomes=_outcomes(trial, options.secondary_outcomes),
        contacts=contacts,
        contacts_are_officials=are_officials,
        site_count=len(trial.sites),
        sites=tuple(_site_line(s) for s in _sites_to_show(trial.sites, options.near)),
        countries=_countries(trial.sites),
        link=link,
        generated=wording.today_phrase(options.generated_on),
        last_updated=wording.date_phrase(trial.last_updated),
        paper=options.paper,
        clinic=options.clinic,
        glossary=_glossary(trial, inclusion + exclusion, overview, (*doctor, *coordinator))
        if standing.joining
        else (),
        joining=standing.joining,
        notices=_notices(standing, options.generated_on) + _age_notice(trial, criteria),
        call=call or (None if standing.joining else official),
        call_is_official=call is None and official is not None and not standing.joining,
        call_is_site=call is not None and call not in trial.central_contacts
        and not (options.clinic is not None and call == options.clinic.contact),
        for_child=bool(child_ages(trial)),
        both_voices=children_and_adults(trial),
        criteria_cut_off=trial.eligibility.criteria_text.rstrip().endswith(("...", "…")),
        happened=() if standing.joining else _happened(trial),
        overview=overview,
        group_texts=tuple(
            (arm.label, " ".join(arm.description.split())) for arm in trial.arms if arm.description
        ) if standing.joining else (),
        lang=options.lang,
        fillable=options.fillable,
        large_print=options.large_print,
        pdf_variant=options.pdf_variant,
        template_dirs=options.template_dirs,
    )


def _one_to_call(trial: Trial, options: SheetOptions) -> Contact | None:
    """The one contact page 1 names: the clinic's own, else the nearest site's (with
    ``--near``), else the trial's central contact, else the first recruiting site's; None
    when no one has a phone or email."""
    if options.clinic is not None and options.clinic.contact is not None:
        return options.clinic.contact
    nearest = nearest_site(trial.sites, options.near) if options.near else None
    if nearest is not None and _site_contact(nearest) is not None:
        return _site_contact(nearest)
    central = next((c for c in trial.central_contacts if c.phone or c.email), None)
    if central is not None:
        return central
    # no central contact: the first recruiting site that gives a phone or email
    recruiting_first = sorted(trial.sites, key=lambda s: s.status != "RECRUITING")
    return next((c for c in map(_site_contact, recruiting_first) if c is not None), None)


def _site_contact(site: Site) -> Contact | None:
    """A site's first contact with a phone or email, named with the site."""
    reachable = [c for c in site.contacts if c.phone or c.email]
    if not reachable:
        return None
    return replace(reachable[0], affiliation=reachable[0].affiliation or site.facility)


def _notices(standing: Standing, on: date) -> tuple[str, ...]:
    """One sentence for each thing the record's dates put in doubt, most pressing first."""
    t = i18n.text
    notices = []
    if standing.late_start:
        years = (on - (last_day(standing.late_start) or on)).days // 365
        key = "sheet.late_start_years" if years >= 2 else "sheet.late_start_year" if years else "sheet.late_start"
        notices.append(t(key, date=wording.date_phrase(standing.late_start), years=years))
    if standing.past_end:
        notices.append(t("sheet.past_end", date=wording.date_phrase(standing.past_end)))
    if standing.stale_since:
        years = (on - (last_day(standing.stale_since) or on)).days // 365
        key = "sheet.stale_years" if years >= 2 else "sheet.stale"
        notices.append(t(key, date=wording.date_phrase(standing.stale_since), years=years))
    elif standing.undated:
        notices.append(t("sheet.undated"))
    return tuple(notices)


def _age_notice(trial: Trial, criteria: tuple[PlainCriterion, ...]) -> tuple[str, ...]:
    """An "ask the study team" note when the record states its age limits two ways."""
    said = age_conflict(trial, criteria)
    if not said:
        return ()
    ages = wording.age_range(trial.eligibility.minimum_age, trial.eligibility.maximum_age)
    key = "sheet.age_conflict_child" if child_ages(trial) else "sheet.age_conflict"
    return (i18n.text(key, ages=ages, criterion=" ".join(said.split()).rstrip(".;, ")),)


def _happened(trial: Trial) -> tuple[str, ...]:
    """What an "about" sheet says of a closed trial: the reason it stopped, its results."""
    lines = []
    why = " ".join(trial.why_stopped.split())
    if why:
        lines.append(i18n.text("sheet.reason_given", why=why))
    lines.append(i18n.text("sheet.results_posted" if trial.has_results else "sheet.results_not_posted"))
    return tuple(lines)


def _glossary(
    trial: Trial,
    criteria: tuple[NumberedCriterion, ...],
    overview: Overview,
    questions: tuple[str, ...],
) -> tuple[tuple[str, str], ...]:
    """The words the sheet uses outside its criteria lines (title, overview, groups,
    outcomes, questions) and any a criterion uses without explaining it under itself, with
    their meanings in the sheet's language. A word explained under its line is not repeated."""
    texts = [
        trial.title,
        *trial.conditions,
        *overview.about,
        *overview.taking_part,
        *(f"{g.name} {g.gets}" for g in overview.groups),
        *(o.measure for o in trial.primary_outcomes),
        *questions,
        *(c.plain for c in criteria),
    ]
    context = "\n".join((trial.eligibility.criteria_text, trial.brief_summary, trial.title))
    explained = {term.lower() for c in criteria for term, _ in c.words}
    words = sheet_glossary(texts, context=context)
    return _in_sheet_language(tuple((t, m) for t, m in words if t.lower() not in explained))


def _in_sheet_language(words: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """(term, English meaning) pairs with each meaning in the sheet's language, where known."""
    if i18n.current() == i18n.BASE:
        return words
    meanings = meanings_in(i18n.current())
    return tuple(
        (term, meanings.get((term.lower(), meaning)) or meanings.get(("", meaning), meaning))
        for term, meaning in words
    )


def criteria_for(trial: Trial) -> tuple[PlainCriterion, ...]:
    """Site-written plain criteria win; otherwise the engine's plain lines."""
    if trial.site_content.plain_criteria:
        return trial.site_content.plain_criteria
    record_text = "\n".join((trial.brief_summary, trial.detailed_description))
    criteria = parse_criteria(trial.eligibility.criteria_text)
    return plain_criteria(
        criteria,
        defined=inline_definitions(record_text),
        audience=audience_of(criteria, _years(trial.eligibility.maximum_age)),
    )


def _years(age: str) -> float | None:
    """ "17 Years" -> 17.0, "6 Months" -> 0.5: the record's age limit in years, if it has one."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)", age.lower())
    if not match:
        return None
    per_year = {"year": 1, "month": 12, "week": 52, "day": 365, "hour": 8766, "minute": 525960}
    return float(match[1]) / per_year[match[2]]


def _numbered(
    criteria: tuple[PlainCriterion, ...], *, condense: bool = True
) -> tuple[tuple[NumberedCriterion, ...], tuple[NumberedCriterion, ...]]:
    """Reference numbers (I-1, E-1) for the criteria; with ``condense``, a lab-value criterion,
    or a run of one-line lab limits, becomes one line naming its panels (lab_panels.py), the
    limits kept in the appendix under each criterion's own number."""
    rows: dict[str, list[NumberedCriterion]] = {"inclusion": [], "exclusion": []}
    run: list[tuple[PlainCriterion, str, tuple[str, ...]]] = []  # one-line lab limits in a row

    def end_run() -> None:
        kind = run[0][0].kind
        if len(run) >= MIN_RUN:
            members = [(c, ref) for c, ref, _ in run]
            rows[kind].append(_condensed(members, in_order(*(keys for _, _, keys in run))))
        else:
            rows[kind].extend(_row(c, ref) for c, ref, _ in run)
        run.clear()

    counts = {"inclusion": 0, "exclusion": 0}
    for criterion in criteria:
        counts[criterion.kind] += 1
        ref = f"{'I' if criterion.kind == 'inclusion' else 'E'}-{counts[criterion.kind]}"
        limits = limit_panels(criterion) if condense else ()
        same_run = run and (criterion.kind, criterion.label) == (run[0][0].kind, run[0][0].label)
        if run and not (limits and same_run):
            end_run()
        if limits:
            run.append((criterion, ref, limits))
            continue
        panels = panels_of(criterion) if condense and not criterion.note else ()
        rows[criterion.kind].append(
            _condensed([(criterion, ref)], panels) if panels else _row(criterion, ref)
        )
    if run:
        end_run()
    return tuple(rows["inclusion"]), tuple(rows["exclusion"])


def _row(criterion: PlainCriterion, ref: str) -> NumberedCriterion:
    return NumberedCriterion(
        ref=ref,
        plain=criterion.plain,
        original=criterion.original,
        words=_in_sheet_language(criterion.words),
        label=criterion.label,
        note=criterion.note,
    )


def _condensed(members: list[tuple[PlainCriterion, str]], panels: tuple[str, ...]) -> NumberedCriterion:
    """One row for lab-value criteria: their panels named, each one's wording kept for the
    appendix under its own number."""
    first, first_ref = members[0]
    ref = first_ref if len(members) == 1 else f"{first_ref}–{members[-1][1]}"
    return NumberedCriterion(
        ref=ref,
        plain=condensed_line(first, panels, ref),
        original=first.original,
        label=first.label,
        panels=panels,
        merged=tuple(_row(c, r) for c, r in members) if len(members) > 1 else (),
    )


def _outcomes(trial: Trial, secondary: bool) -> tuple[OutcomeLine, ...]:
    chosen = [(o, False) for o in trial.primary_outcomes]
    if secondary:
        chosen += [(o, True) for o in trial.secondary_outcomes]
    lines = []
    for outcome, is_secondary in chosen:
        plain = plain_outcome(outcome)
        # The plain time frame is English rewritten from the record; other languages show
        # the record's own time frame beside the measure instead.
        when = plain.when if i18n.current() == i18n.BASE else ""
        lines.append(
            OutcomeLine(plain.what, when, plain.original, plain.original_when, is_secondary)
        )
    return tuple(lines)


_DATE_LABELS = {"completion_date": "end_date", "primary_completion_date": "results_date"}


def _facts(
    trial: Trial, *, joining: bool = True, said_above: bool = False, in_doubt: bool = False
) -> tuple[Fact, ...]:
    t = i18n.text
    not_given = t("trial_facts.not_given")
    status = wording.status_label(trial.status) or not_given
    if in_doubt:  # the record's own dates put its status in doubt: a note on page 1 says why
        status = t("trial_facts.status_in_doubt", status=status)
    facts = [Fact(t("trial_facts.status"), status)]
    if trial.why_stopped and joining:
        facts.append(Fact(t("trial_facts.why_stopped"), trial.why_stopped))
    phase = wording.phase_label(trial.phases)
    if phase:
        meaning = wording.phase_meaning(trial.phases)
        facts.append(Fact(t("trial_facts.phase"), f"{phase}: {meaning}" if meaning else phase))
    elif trial.study_type:
        kind = wording.study_type_label(trial.study_type)
        facts.append(Fact(t("trial_facts.kind_of_study"), kind))
    if trial.enrollment is not None and not said_above:
        people = wording.count_phrase(trial.enrollment, "person")
        size = t("trial_facts.planned", people=people) if trial.enrollment_is_estimate else people
        facts.append(Fact(t("trial_facts.size"), size))
    # the end of the whole study; else, labelled as such, the date its main results are due
    end = "completion_date" if trial.completion_date else "primary_completion_date"
    for field, label in (("start_date", "start_date"), (end, _DATE_LABELS[end])):
        day = getattr(trial, field)
        if day:
            phrase = wording.date_phrase(day)
            planned = field in trial.planned_dates
            value = t("trial_facts.planned_date", date=phrase) if planned else phrase
            facts.append(Fact(t(f"trial_facts.{label}"), value))
    if trial.conditions and not said_above:
        facts.append(Fact(t("trial_facts.condition"), "; ".join(trial.conditions)))
    interventions = "; ".join(i.name for i in trial.interventions)
    if interventions and not said_above:
        facts.append(Fact(t("trial_facts.studies"), interventions))
    facts.append(Fact(t("trial_facts.sponsor"), trial.sponsor or not_given))
    facts.append(Fact(t("trial_facts.where"), _where(trial.sites, joining=joining)))
    return tuple(facts)


def _where(sites: tuple[Site, ...], *, joining: bool = False) -> str:
    """ "608 sites in 44 countries"; on a sheet for joining, how many of them recruit, when the
    record says of each site and not all of them do (250 of KRYSTAL-7's 608)."""
    if not sites:
        return i18n.text("trial_facts.no_sites")
    countries = {s.country for s in sites if s.country}
    places = wording.count_phrase(len(sites), "site")
    if len(countries) == 1:
        where = i18n.text("trial_facts.sites_in", sites=places, place=next(iter(countries)))
    elif countries:
        place = wording.count_phrase(len(countries), "country")
        where = i18n.text("trial_facts.sites_in", sites=places, place=place)
    else:
        where = places
    recruiting = [s for s in sites if s.status == "RECRUITING"]
    if joining and all(s.status for s in sites) and 0 < len(recruiting) < len(sites):
        open_countries = len({s.country for s in recruiting if s.country})
        return i18n.text(
            "trial_facts.sites_recruiting",
            where=where,
            count=i18n.format_number(len(recruiting)),
            countries=wording.count_phrase(open_countries, "country"),
        )
    return where


def _who(trial: Trial) -> tuple[Fact, ...]:
    eligibility = trial.eligibility
    ages = wording.age_range(eligibility.minimum_age, eligibility.maximum_age)
    t = i18n.text
    not_given = t("trial_facts.not_given")
    who = [
        Fact(t("trial_facts.ages"), ages or t("trial_facts.no_age_limits")),
        Fact(t("trial_facts.sex"), wording.sex_label(eligibility.sex) or not_given),
    ]
    if eligibility.gender_description:
        who.append(Fact(t("trial_facts.about_sex"), eligibility.gender_description))
    healthy = {True: t("trial_facts.yes"), False: t("trial_facts.no"), None: not_given}
    who.append(Fact(t("trial_facts.healthy_volunteers"), healthy[eligibility.healthy_volunteers]))
    return tuple(who)


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = (" ".join(block.split()) for block in text.replace("\r", "").split("\n\n"))
    return tuple(block for block in blocks if block)


def _contacts(trial: Trial, clinic: Clinic | None = None) -> tuple[tuple[Contact, ...], bool]:
    if clinic is not None and clinic.contact is not None and clinic.contact_mode == "replace":
        return (), False  # the clinic's own contact, shown by the template, stands alone
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
        name=site.facility or place or i18n.text("trial_facts.site_name_not_given"),
        place=place if site.facility else "",
        status=wording.status_label(site.status),
        phone=next((c.phone for c in site.contacts if c.phone), ""),
    )


def _countries(sites: tuple[Site, ...]) -> tuple[str, ...]:
    counts = Counter(s.country for s in sites if s.country)
    if len(counts) < 2:
        return ()
    shown = [
        f"{country} ({i18n.format_number(n)})" for country, n in counts.most_common(COUNTRIES_SHOWN)
    ]
    others = len(counts) - COUNTRIES_SHOWN
    if others > 0:
        countries = i18n.noun(others, "country")
        shown.append(i18n.text("trial_facts.more_countries", count=others, countries=countries))
    return tuple(shown)
