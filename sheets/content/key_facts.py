"""The key facts beside the QR code, and "Who can take part": status (as the record says,
and in doubt when its dates say so), phase, size, planned dates, sponsor, where it runs.

Read by build.py from a `Trial`; plain `Fact` lines out, every word in the sheet's language.
"""

from __future__ import annotations

from sheets import i18n
from sheets.content import labels as wording
from sheets.content.sheet import Fact
from sheets.model import Site, Trial

_DATE_LABELS = {"completion_date": "end_date", "primary_completion_date": "results_date"}


def facts_of(
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
    facts.append(Fact(t("trial_facts.where"), where_of(trial.sites, joining=joining)))
    return tuple(facts)


def where_of(sites: tuple[Site, ...], *, joining: bool = False) -> str:
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
        if open_countries == len(countries):  # "in 2 countries" once is enough
            return i18n.text("trial_facts.sites_recruiting_all_countries", where=where,
                             count=i18n.format_number(len(recruiting)))  # fmt: skip
        return i18n.text(
            "trial_facts.sites_recruiting",
            where=where,
            count=i18n.format_number(len(recruiting)),
            countries=wording.count_phrase(open_countries, "country"),
        )
    return where


def who_of(trial: Trial) -> tuple[Fact, ...]:
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
