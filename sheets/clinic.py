"""A clinic's configuration file (TOML): its name, logo, local contact, footer and templates.

Owns reading and checking the file, and turning the logo into a ``data:`` URL made here
from a checked PNG, JPEG or SVG file, so the PDF renderer never opens a path the user
named. It does not lay anything out (content.py, templates) and decides no sheet wording.

The file (every key optional; paths are relative to the file)::

    [clinic]
    name = "Riverside Cancer Center"
    logo = "logo.png"          # PNG, JPEG or SVG, at most 512 KB
    footer = "Riverside Cancer Center research office, 2nd floor"
    templates = "templates"    # a folder of templates that override the bundled ones

    [contact]                  # the clinic's own contact for every sheet
    name = "Research nurse line"
    phone = "+1 555 0100"
    email = "trials@riverside.example"
    mode = "add"               # "add" (above the study's contacts) or "replace" them

    [sheet]
    paper = "a4"
    link_template = "https://trials.riverside.example/{nct_id}"

    [doctor]
    questions = ["Can I be treated here at Riverside?"]
    [coordinator]
    questions = ["Is parking paid for?"]
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheets.errors import SheetsError
from sheets.files import read_regular
from sheets.model import Contact

MAX_LOGO_BYTES = 512 * 1024
MAX_TEXT = 300
CONTACT_MODES = ("add", "replace")
SECTIONS = {
    "clinic": ("name", "logo", "footer", "templates"),
    "contact": ("name", "phone", "email", "mode"),
    "sheet": ("paper", "link_template"),
    "doctor": ("questions",),
    "coordinator": ("questions",),
}
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
# In an SVG logo only same-document references (href="#id", url(#id)) are allowed.
_SVG_HREF = re.compile(r"""\b(?:xlink:)?href\s*=\s*["'](?!#)""", re.IGNORECASE)
_SVG_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)
_SVG_BANNED = re.compile(
    r"<!DOCTYPE|<!ENTITY|<\?xml-stylesheet|<script|<foreignObject|@import|\bsrc\s*=", re.IGNORECASE
)


@dataclass(frozen=True)
class Clinic:
    """What a clinic adds to every sheet. ``logo`` is a ``data:`` URL or empty."""

    name: str = ""
    logo: str = ""
    footer: str = ""
    contact: Contact | None = None  # the clinic's local contact: a phone or an email at least
    contact_mode: str = "add"
    templates: Path | None = None

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        return (self.templates,) if self.templates else ()


@dataclass(frozen=True)
class ClinicConfig:
    """A checked clinic file: the branding, and the sheet options it sets (flags win)."""

    clinic: Clinic
    options: dict[str, Any]  # SheetOptions fields: paper, link_template, extra questions


def load_clinic(path: Path | str) -> ClinicConfig:
    """Read and check a clinic file; any problem is one `SheetsError` naming file and key."""
    from sheets.options import PAPER_SIZES, check_link_template, questions_from_file, read_toml

    path = Path(path)
    data = read_toml(path, "clinic file")
    _check_keys(path, data)
    clinic, contact, sheet = (data.get(name, {}) for name in ("clinic", "contact", "sheet"))
    mode = _text(path, contact, "contact", "mode") or "add"
    if mode not in CONTACT_MODES:
        raise SheetsError(f'{path}: "contact.mode" must be "add" or "replace", not {mode!r}')
    phone, email = (_text(path, contact, "contact", key) for key in ("phone", "email"))
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise SheetsError(f'{path}: "contact.email" {email!r} is not an email address')
    if (contact.get("name") or mode == "replace") and not (phone or email):
        raise SheetsError(f'{path}: "[contact]" needs a phone or an email')
    logo = _text(path, clinic, "clinic", "logo")
    templates = _text(path, clinic, "clinic", "templates")
    options: dict[str, Any] = {}
    paper = _text(path, sheet, "sheet", "paper")
    if paper:
        if paper not in PAPER_SIZES:
            raise SheetsError(f'{path}: "sheet.paper" must be {" or ".join(PAPER_SIZES)}')
        options["paper"] = paper
    link = _text(path, sheet, "sheet", "link_template", limit=500)
    if link:
        try:
            check_link_template(link)
        except SheetsError as error:
            raise SheetsError(f'{path}: "sheet.link_template": {error}') from None
        options["link_template"] = link
    doctor, coordinator = questions_from_file(path)
    options["extra_doctor_questions"] = doctor
    options["extra_coordinator_questions"] = coordinator
    return ClinicConfig(
        Clinic(
            name=_text(path, clinic, "clinic", "name"),
            logo=logo_data_url(path.parent / logo, path) if logo else "",
            footer=_text(path, clinic, "clinic", "footer"),
            contact=Contact(name=_text(path, contact, "contact", "name"), phone=phone, email=email)
            if phone or email
            else None,
            contact_mode=mode,
            templates=_templates_dir(path, templates) if templates else None,
        ),
        options,
    )


def logo_data_url(logo: Path, config: Path) -> str:
    """The logo as a ``data:`` URL, after checking it is a small PNG, JPEG or harmless SVG."""
    from sheets.options import unreadable

    try:
        data = read_regular(logo, limit=MAX_LOGO_BYTES, what="logo")
    except SheetsError as error:
        raise SheetsError(f'{config}: "clinic.logo": {logo}: {unreadable("logo", logo, error)}') from None
    if data.startswith(_PNG):
        kind = "image/png"
    elif data.startswith(_JPEG):
        kind = "image/jpeg"
    else:
        _check_svg(data, logo, config)
        kind = "image/svg+xml"
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def _check_svg(data: bytes, logo: Path, config: Path) -> None:
    """An SVG logo may draw but not reach out: no external links, styles, scripts or entities."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if "<svg" not in text:
        raise SheetsError(f'{config}: "clinic.logo": {logo} is not a PNG, JPEG or SVG image')
    if _SVG_BANNED.search(text) or _SVG_HREF.search(text) or _SVG_URL.search(text):
        raise SheetsError(
            f'{config}: "clinic.logo": {logo} refers to other files, scripts or addresses; '
            "use a self-contained SVG, or a PNG"
        )
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException):
        raise SheetsError(f'{config}: "clinic.logo": {logo} is not a valid SVG file') from None
    if not root.tag.endswith("svg"):
        raise SheetsError(f'{config}: "clinic.logo": {logo} is not a PNG, JPEG or SVG image')


def _templates_dir(config: Path, name: str) -> Path:
    folder = (config.parent / name).resolve()
    if not folder.is_dir():
        raise SheetsError(f'{config}: "clinic.templates": {folder} is not a folder')
    return folder


def _check_keys(path: Path, data: dict[str, Any]) -> None:
    for section, value in data.items():
        if section not in SECTIONS:
            known = ", ".join(f"[{s}]" for s in SECTIONS)
            raise SheetsError(f"{path}: unknown section or key {section!r} (known: {known})")
        if not isinstance(value, dict):
            raise SheetsError(f'{path}: "{section}" must be a [{section}] table')
        for key in value:
            if key not in SECTIONS[section]:
                known = ", ".join(SECTIONS[section])
                raise SheetsError(f'{path}: unknown key "{section}.{key}" (known: {known})')


def _text(path: Path, table: dict[str, Any], section: str, key: str, limit: int = MAX_TEXT) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise SheetsError(f'{path}: "{section}.{key}" must be text in quotes')
    value = " ".join(value.split())
    if len(value) > limit:
        raise SheetsError(f'{path}: "{section}.{key}" is longer than {limit} characters')
    return value


def options_with_clinic(path: Path | str, fields: dict[str, Any], defaulted: frozenset[str]) -> dict:
    """SheetOptions fields with a clinic file applied: a flag the user typed wins over the
    file, the file wins over a default, and the file's questions come before other extras."""
    config = load_clinic(path)
    merged = dict(fields)
    for key, value in config.options.items():
        if key.startswith("extra_"):
            merged[key] = (*value, *merged.get(key, ()))
        elif key in defaulted or key not in merged:
            merged[key] = value
    merged["clinic"] = config.clinic
    return merged
