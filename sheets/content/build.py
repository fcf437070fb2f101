"""Sheet content: everything the sheet says about one trial, decided before any HTML exists.

Pure: a `Trial` and `SheetOptions` in, a `Sheet` out. Templates only lay this out; what
to say when the record is silent is decided here, so it can be tested without a renderer.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import groupby
from typing import TYPE_CHECKING

from sheets import i18n
from sheets.content import labels as wording
from sheets.content.contacts import (
    contacts_of,
    countries_of,
    one_to_call,
    site_line,
    sites_to_show,
)
from sheets.content.coordinator import coordinator_questions
from sheets.content.facts import child_ages, children_and_adults, open_arms
from sheets.content.key_facts import facts_of, who_of
from sheets.content.lab_panels import MIN_RUN, condensed_line, in_order, limit_panels, panels_of
from sheets.content.outcomes import plain_outcome
from sheets.content.overview import Overview, overview_of
from sheets.content.questions import (
    about_questions,
    doctor_questions,
    merge_questions,
    status_warning,
)
from sheets.content.sheet import NumberedCriterion, OutcomeLine, Sheet
from sheets.content.standing import Standing, age_conflict, last_day, standing_of
from sheets.model import PlainCriterion, Trial
from sheets.options import SheetOptions
from sheets.plain import inline_definitions, plain_criteria, sheet_glossary
from sheets.plain.criteria import parse_criteria
from sheets.plain.glossary import meanings_in
from sheets.plain.people import audience_of

if TYPE_CHECKING:
    pass


def build_sheet(trial: Trial, options: SheetOptions | None = None) -> Sheet:
    """The sheet's content, every fixed word in ``options.lang``."""
    options = options or SheetOptions()
    with i18n.using(options.lang):
        return _build_sheet(trial, options)


def _build_sheet(trial: Trial, options: SheetOptions) -> Sheet:
    link = options.link_for(trial.nct_id)
    standing = standing_of(trial, options.generated_on)
    contacts, are_officials = contacts_of(trial, options.clinic)
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
    call = one_to_call(trial, options)
    official = next((c for c in trial.officials if c.name), None)
    overview = overview_of(joinable) if standing.joining else Overview()
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
        facts=facts_of(
            trial,
            joining=standing.joining,
            said_above=bool(overview.about),
            in_doubt=standing.in_doubt or bool(standing.stale_since),
        ),
        summary=_paragraphs(trial.site_content.plain_summary or trial.brief_summary),
        summary_is_plain=bool(trial.site_content.plain_summary),
        who=who_of(trial),
        inclusion=inclusion,
        exclusion=exclusion,
        doctor_questions=doctor,
        coordinator_questions=coordinator,
        outcomes=_outcomes(trial, options.secondary_outcomes),
        contacts=contacts,
        contacts_are_officials=are_officials,
        site_count=len(trial.sites),
        sites=tuple(site_line(s) for s in sites_to_show(trial.sites, options.near)),
        countries=countries_of(trial.sites),
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
    explained = (term for c in criteria for term, _ in c.words)
    return _in_sheet_language(sheet_glossary(texts, context=context, explained=explained))


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
    counts = {"inclusion": 0, "exclusion": 0}
    numbered = []  # (criterion, its reference, the panels it sets one limit on)
    for criterion in criteria:
        counts[criterion.kind] += 1
        ref = f"{'I' if criterion.kind == 'inclusion' else 'E'}-{counts[criterion.kind]}"
        numbered.append((criterion, ref, limit_panels(criterion) if condense else ()))
    rows: dict[str, list[NumberedCriterion]] = {"inclusion": [], "exclusion": []}
    # consecutive one-line lab limits of one kind and label form a run
    for (kind, _, limits), group in groupby(numbered, key=lambda n: (n[0].kind, n[0].label, bool(n[2]))):
        members = list(group)
        if limits and len(members) >= MIN_RUN:
            panels = in_order(*(keys for _, _, keys in members))
            rows[kind].append(_condensed([(c, ref) for c, ref, _ in members], panels))
            continue
        for criterion, ref, _ in members:
            panels = panels_of(criterion) if condense and not criterion.note else ()
            rows[kind].append(_condensed([(criterion, ref)], panels) if panels else _row(criterion, ref))
    return tuple(rows["inclusion"]), tuple(rows["exclusion"])


def _row(criterion: PlainCriterion, ref: str) -> NumberedCriterion:
    return NumberedCriterion(
        ref=ref,
        lead=criterion.lead,
        original=criterion.original,
        items=criterion.items,
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
        lead=condensed_line(first, panels, ref),
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


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = (" ".join(block.split()) for block in text.replace("\r", "").split("\n\n"))
    return tuple(block for block in blocks if block)
