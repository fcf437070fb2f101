"""The questions a sheet suggests for the trial coordinator: visits, sites, costs,
screening, procedures, rights and what happens after the study.

Built like the doctor's (``questions.py``: wording and weights in ``data/questions.toml``,
the same chooser), from the record's schedule (``schedule.py``) and sites (``places.py``).
"""

from __future__ import annotations

from sheets import i18n
from sheets.content import facts, places, schedule
from sheets.content.facts import join_names
from sheets.content.labels import count_phrase, span_phrase
from sheets.content.overview import procedures_named
from sheets.content.places import nearest_site
from sheets.content.questions import Question, ask, choose
from sheets.model import Trial

COORDINATOR_RANGE = (5, 6)


def coordinator_questions(trial: Trial, *, near: str | None = None) -> tuple[str, ...]:
    """5 to 6 questions on logistics and rights, using the record's schedule and sites.

    ``near`` is a ZIP code, postcode, city or country the user gave; with it the question
    about sites names the nearest one.
    """
    observational = facts.is_observational(trial)
    candidates = [
        _visits_question(trial),
        _where_question(trial, near),
        ask("coordinator.costs", trial),
        ask("coordinator.screening", trial),
        _procedures_question(trial),
        ask("coordinator.own_doctor", trial),
        ask("coordinator.leaving", trial),
        _after_question(trial),
        ask("coordinator.extra_tests", trial)
        if observational
        else ask("coordinator.injury", trial),
        ask(
            "coordinator.privacy_observational" if observational else "coordinator.privacy", trial
        ),
    ]
    return choose(candidates, *COORDINATOR_RANGE)


def _procedures_question(trial: Trial) -> Question | None:
    """Biopsies, scans, infusions, hospital stays ... that the record mentions: what the study adds."""
    things = procedures_named(trial)
    if not things:
        return None
    return ask("coordinator.procedures", trial, things=join_names(things, limit=len(things)))


def _visits_question(trial: Trial) -> Question:
    cycle, every, span = schedule.cycle_days(trial), schedule.check_every(trial), schedule.follow_up(trial)
    every, span = span_phrase(every), span_phrase(span)
    if cycle and span:
        return ask("coordinator.visits_cycle_span", trial, cycle=cycle, span=span)
    if cycle:
        return ask("coordinator.visits_cycle", trial, cycle=cycle)
    arms = len(trial.arms)
    if arms >= 2 and span:
        return ask("coordinator.visits_groups_span", trial, arms=arms, span=span)
    if arms >= 2:
        return ask("coordinator.visits_groups", trial, arms=arms)
    if every and span:
        return ask("coordinator.visits_every_span", trial, every=every, span=span)
    if span:
        return ask("coordinator.visits_span", trial, span=span)
    return ask("coordinator.visits", trial)


def _where_question(trial: Trial, near: str | None) -> Question:
    sites = trial.sites
    if not sites:
        return ask("coordinator.where_none", trial)
    if len(sites) == 1:
        site = sites[0]
        country = places.country_phrase(site.country) if site.country else ""
        place = ", ".join(p for p in (site.facility, site.city, country) if p)
        return ask("coordinator.where_one", trial, site=place or i18n.text("words.one_site"))
    countries = sorted({s.country for s in sites if s.country})
    where = count_phrase(len(sites), "site")
    if len(countries) == 1:
        place = places.country_phrase(countries[0])
        where = i18n.text("trial_facts.sites_in", sites=where, place=place)
    elif countries:
        place = count_phrase(len(countries), "country")
        where = i18n.text("trial_facts.sites_in", sites=where, place=place)
    near = " ".join((near or "").split())
    if not near:
        return ask("coordinator.where_many", trial, sites=where)
    nearest = nearest_site(sites, near)
    if nearest is None:
        return ask("coordinator.where_not_near", trial, sites=where, near=near)
    name = ", ".join(p for p in (nearest.facility, nearest.city) if p)
    name = name or i18n.text("words.one_of_them")
    return ask("coordinator.where_near", trial, sites=where, near=near, nearest=name)


def _after_question(trial: Trial) -> Question:
    names = join_names(facts.tested_and_background(trial)[0])
    if facts.is_observational(trial) or not names:
        return ask("coordinator.after", trial)
    key = {
        "device": "after_keep_using",
        "program": "after_support",
        "procedure": "after_follow_up",
    }.get(facts.treatment_kind(trial), "after_keep_getting")
    return ask(f"coordinator.{key}", trial, treatment=names)
