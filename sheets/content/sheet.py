"""The `Sheet`: everything one sheet says, as the templates read it. A template designer
reads this file, and only this file, to know what a sheet holds.

Built by `build.py` from a `Trial`; laid out by sheets.render. Plain data: no record parsing,
no layout, no HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets import i18n
from sheets.content.overview import Overview
from sheets.model import Contact

if TYPE_CHECKING:
    from sheets.clinic import Clinic

LONG_ROW_CHARACTERS = 300  # about 3 lines of a criterion
LONG_ROW_ITEMS = 4


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class NumberedCriterion:
    """A plain criterion with the reference ("I-3", "E-1") that links it to its wording."""

    ref: str
    lead: str  # the first line: the whole criterion, or the lead of a labelled item or list
    original: str
    items: tuple[str, ...] = ()  # the lines below the lead: a trait, or an "any of these" list
    words: tuple[tuple[str, str], ...] = ()  # this line's terms, explained under it
    label: str = ""  # whom or which part of the study it is for: "For caregivers"
    note: bool = False  # a note the study put among its criteria: no tick boxes
    panels: tuple[str, ...] = ()  # a lab-value criterion condensed: the panels it names
    merged: tuple[NumberedCriterion, ...] = ()  # one-line lab limits this row stands for

    @property
    def as_written(self) -> tuple[tuple[str, str], ...]:
        """(reference, wording) of each criterion this row stands for, for the appendix."""
        if self.merged:
            return tuple(pair for row in self.merged for pair in row.as_written)
        return ((self.ref, self.original),)

    @property
    def long(self) -> bool:
        """Longer than about three lines, or a note with no boxes to keep beside it: it may
        break across pages rather than leave one mostly empty (shorter rows stay whole, with
        their tick boxes)."""
        if self.note:
            return True
        words = sum(len(term) + len(meaning) for term, meaning in self.words)
        return len(self.plain) + words > LONG_ROW_CHARACTERS or len(self.items) > LONG_ROW_ITEMS

    @property
    def plain(self) -> str:
        """The lead and its items, one per line."""
        return "\n".join((self.lead, *self.items))

    @property
    def inline(self) -> bool:
        """One item after a lead that introduces it ("... if this is true for you:"): printed
        on the lead's line, not below it, so a short criterion takes one line, not two. A
        labelled one ("For caregivers: ...") keeps its item on a line of its own."""
        return len(self.items) == 1 and self.lead.endswith(":") and not self.label


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
    phone: str = ""  # the site's own contact, when the record gives one


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
    link: str  # the live trial page; the renderer draws its QR code
    generated: str
    last_updated: str
    paper: str
    glossary: tuple[tuple[str, str], ...] = ()
    clinic: Clinic | None = None  # the clinic's name, logo, local contact and footer
    joining: bool = True  # the sheet for joining; else the short "about this trial" sheet
    notices: tuple[str, ...] = ()  # what the record's dates put in doubt, said on page 1
    call: Contact | None = None  # the one contact page 1 names
    call_is_official: bool = False  # no one to call: the person leading the study instead
    call_is_site: bool = False  # one site's contact (the nearest, or the first recruiting one)
    for_child: bool = False  # the trial only takes children: the sheet speaks to a parent
    both_voices: bool = False  # it takes children and adults: "I" may be read as "my child"
    criteria_cut_off: bool = False  # the record's eligibility text ends mid-way ("...")
    happened: tuple[str, ...] = ()  # on an "about" sheet: why it stopped, its results
    overview: Overview = Overview()  # page 1's plain sentences (a joining sheet's)
    group_texts: tuple[tuple[str, str], ...] = ()  # each group's description as written
    lang: str = "en"
    fillable: bool = False  # note areas and tick boxes are form fields
    # How to render it, so that the renderer takes the sheet and nothing else:
    large_print: bool = False
    pdf_variant: str | None = None  # also claim "pdf/ua-1" or "pdf/a-3b"
    template_dirs: tuple[Path, ...] = ()  # a clinic's templates, laid over the bundled ones

    @property
    def has_criteria(self) -> bool:
        return bool(self.inclusion or self.exclusion)

    @property
    def originals(self) -> tuple[tuple[str, str], ...]:
        """(reference, the criterion as the record words it), for the reference part."""
        return tuple(pair for c in self.inclusion + self.exclusion for pair in c.as_written)

    @property
    def document_title(self) -> str:
        return i18n.text("sheet.document_title", self.lang, nct_id=self.nct_id, title=self.title)

    @property
    def subject(self) -> str:
        return i18n.text("sheet.subject", self.lang, nct_id=self.nct_id)
