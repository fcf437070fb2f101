"""Where a trial runs: countries as the sheet words them, and the site nearest to what the
reader typed (a ZIP or postcode, a city, a country).
"""

from __future__ import annotations

import os

from sheets import i18n
from sheets.content.facts import facts_data
from sheets.model import Site


def country_phrase(country: str) -> str:
    with_the = country in facts_data()["countries_with_the"]
    return i18n.text("words.the_country", country=country) if with_the else country


def country_of(near: str) -> str:
    """The country name records use for what someone typed ("UK" -> "United Kingdom")."""
    wanted = " ".join(near.split())
    return facts_data()["country_aliases"].get(wanted.lower(), wanted)


def nearest_site(sites: tuple[Site, ...], near: str) -> Site | None:
    """The site whose ZIP or postcode shares the most leading characters (at least 2) with
    ``near``; else the first recruiting site in that city or country."""
    wanted = near.strip().lower()
    if not wanted:
        return None
    best, best_score = None, 1
    for site in sites:
        code = site.zip.strip().lower()
        score = len(os.path.commonprefix([code, wanted])) if code else 0
        if score > best_score:
            best, best_score = site, score
    if best is not None:
        return best
    country = country_of(near).lower()
    recruiting_first = sorted(sites, key=lambda s: s.status != "RECRUITING")
    return next(
        (
            s
            for s in recruiting_first
            if country in (s.country.lower(), s.city.lower(), s.state.lower())
        ),
        None,
    )
