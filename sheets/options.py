"""What a user can choose about a sheet, checked once so later steps can trust it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sheets.errors import SheetsError
from sheets.files import read_regular

if TYPE_CHECKING:
    from sheets.clinic import Clinic

PAPER_SIZES = ("letter", "a4")
# Tagged PDF is always made; a variant adds a standard's claims: PDF/UA-1 (accessibility) or
# PDF/A-3b (archiving). Both are WeasyPrint variant names.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3b")
DEFAULT_LINK_TEMPLATE = "https://clinicaltrials.gov/study/{nct_id}"
MAX_TOML_BYTES = 1024 * 1024  # a clinic or questions file is a few hundred bytes


@dataclass(frozen=True)
class SheetOptions:
    paper: str = "letter"
    link_template: str = DEFAULT_LINK_TEMPLATE
    generated_on: date = field(default_factory=date.today)
    near: str | None = None  # a ZIP/postcode or country, to name the nearest site
    secondary_outcomes: bool = False
    extra_doctor_questions: tuple[str, ...] = ()
    extra_coordinator_questions: tuple[str, ...] = ()
    lang: str = "en"  # the language of the sheet's own words; the record's text stays as written
    large_print: bool = False  # American Council of the Blind sizes: 18 pt body, one column
    fillable: bool = False  # note areas and tick boxes become PDF form fields
    pdf_variant: str | None = None
    clinic: Clinic | None = None  # a clinic's name, logo, contact, footer and templates

    def __post_init__(self) -> None:
        from sheets.i18n import check_language

        if self.paper not in PAPER_SIZES:
            raise SheetsError(
                f"paper size {self.paper!r} is not supported (choose {' or '.join(PAPER_SIZES)})"
            )
        check_link_template(self.link_template)
        check_language(self.lang)
        if self.pdf_variant not in (None, *PDF_VARIANTS):
            raise SheetsError(
                f"PDF variant {self.pdf_variant!r} is not supported "
                f"(choose {' or '.join(PDF_VARIANTS)})"
            )

    def link_for(self, nct_id: str) -> str:
        return self.link_template.replace("{nct_id}", nct_id)

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """The clinic's templates folders, searched before the bundled templates."""
        return self.clinic.template_dirs if self.clinic else ()


def check_link_template(template: str) -> None:
    """A link template is an http(s) address with ``{nct_id}`` where the trial's number goes."""
    if "{nct_id}" not in template:
        raise SheetsError(f"link template {template!r} must contain {{nct_id}}")
    parts = urlsplit(template.replace("{nct_id}", "NCT00000000"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SheetsError(f"link template {template!r} must be an http:// or https:// address")
    if any(ch.isspace() for ch in template) or len(template) > 500:
        raise SheetsError(f"link template {template[:60]!r} is not a usable web address")


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """A small TOML file the user named (``what``: "clinic file", "questions file"), read as a
    regular file of at most 1 MiB, so a FIFO or /dev/zero is refused at once; any problem,
    nesting too deep for the parser included, is one `SheetsError` "{path}: ..."."""
    try:
        raw = read_regular(path, limit=MAX_TOML_BYTES, what=what)
    except SheetsError as error:
        if str(error).endswith(": no such file"):
            raise SheetsError(f"{path}: no such {what}") from None
        raise SheetsError(f"{path}: {unreadable(what, path, error)}") from None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SheetsError(f"{path}: cannot read the {what} ({error})") from None
    except RecursionError:
        raise SheetsError(f"{path}: cannot read the {what} (it is nested too deeply)") from None


def unreadable(what: str, path: Path, error: SheetsError) -> str:
    """`files.read_regular`'s "{what} {path}: problem", said of the file: "the logo is not a
    regular file (...)", "cannot read the logo (no such file)"."""
    problem = str(error).removeprefix(f"{what} {path}: ")
    if problem.startswith("is "):
        return f"the {what} {problem}"
    if problem.startswith("cannot read it (") and problem.endswith(")"):
        problem = problem.removeprefix("cannot read it (").removesuffix(")")
    return f"cannot read the {what} ({problem})"


def questions_from_file(path: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A clinic's own questions from TOML: ``[doctor] questions = [...]``, ``[coordinator] ...``."""
    data = read_toml(Path(path), "questions file")
    found = []
    for who in ("doctor", "coordinator"):
        section = data.get(who, {})
        questions = section.get("questions", []) if isinstance(section, dict) else None
        if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
            raise SheetsError(f'{path}: "[{who}] questions" must be a list of strings')
        for question in questions:
            if not question.strip().endswith("?"):
                raise SheetsError(f"{path}: {question[:60]!r} is not a question (it must end in '?')")
        found.append(tuple(q.strip() for q in questions))
    return found[0], found[1]


def options_from_flags(sheet_flags: dict) -> SheetOptions:
    """The one place options are built: the command's flags, its questions file and its
    clinic file (read once; its paper and link apply where a flag was left at its default)."""
    flags = dict(sheet_flags)
    defaulted = flags.pop("defaulted", frozenset())
    clinic_file = flags.pop("clinic_file", None)
    questions_file = flags.pop("questions_file")
    doctor, coordinator = questions_from_file(questions_file) if questions_file else ((), ())
    fields = {**flags, "extra_doctor_questions": doctor, "extra_coordinator_questions": coordinator}
    if clinic_file:
        from sheets.clinic import options_with_clinic

        fields = options_with_clinic(clinic_file, fields, defaulted)
    return SheetOptions(**fields)
