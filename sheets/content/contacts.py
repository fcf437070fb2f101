"""Whom to call and where the trial runs: the one contact page 1 names, the contacts and
sites the sheet lists (the nearest first when the user says where they are), with phones.

Read by build.py from a `Trial` and `SheetOptions`; plain data out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from sheets import i18n
from sheets.content import labels as wording
from sheets.content.places import nearest_site
from sheets.content.sheet import SiteLine
from sheets.model import Contact, Site, Trial
from sheets.options import SheetOptions

if TYPE_CHECKING:
    from sheets.clinic import Clinic

SITES_SHOWN = 5
COUNTRIES_SHOWN = 6


def one_to_call(trial: Trial, options: SheetOptions) -> Contact | None:
    """The one contact page 1 names: the clinic's own, else the nearest site's (with
    ``--near``), else the trial's central contact, else the first recruiting site's; None
    when no one has a phone or email."""
    if options.clinic is not None and options.clinic.contact is not None:
        return options.clinic.contact
    nearest = nearest_site(trial.sites, options.near) if options.near else None
    if nearest is not None and (contact := _site_contact(nearest)) is not None:
        return contact
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


def contacts_of(trial: Trial, clinic: Clinic | None = None) -> tuple[tuple[Contact, ...], bool]:
    if clinic is not None and clinic.contact is not None and clinic.contact_mode == "replace":
        return (), False  # the clinic's own contact, shown by the template, stands alone
    central = tuple(c for c in trial.central_contacts if c.name or c.phone or c.email)
    if central:
        return central, False
    return tuple(c for c in trial.officials if c.name), True


def sites_to_show(sites: tuple[Site, ...], near: str | None) -> list[Site]:
    """The nearest site first when the user said where they are, then recruiting ones."""
    ordered = sorted(sites, key=lambda s: s.status != "RECRUITING")
    nearest = nearest_site(sites, near) if near else None
    if nearest is not None:
        ordered = [nearest, *(s for s in ordered if s is not nearest)]
    return ordered[:SITES_SHOWN]


def site_line(site: Site) -> SiteLine:
    place = ", ".join(p for p in (site.city, site.state, site.country) if p)
    return SiteLine(
        name=site.facility or place or i18n.text("trial_facts.site_name_not_given"),
        place=place if site.facility else "",
        status=wording.status_label(site.status),
        phone=next((c.phone for c in site.contacts if c.phone), ""),
    )


def countries_of(sites: tuple[Site, ...]) -> tuple[str, ...]:
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
