"""What a user can choose about a sheet, checked once so later steps can trust it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

from .errors import SheetsError

PAPER_SIZES = ("letter", "a4")
DEFAULT_LINK_TEMPLATE = "https://clinicaltrials.gov/study/{nct_id}"


@dataclass(frozen=True)
class SheetOptions:
    paper: str = "letter"
    link_template: str = DEFAULT_LINK_TEMPLATE
    generated_on: date = field(default_factory=date.today)

    def __post_init__(self) -> None:
        if self.paper not in PAPER_SIZES:
            raise SheetsError(
                f"paper size {self.paper!r} is not supported (choose {' or '.join(PAPER_SIZES)})"
            )
        check_link_template(self.link_template)

    def link_for(self, nct_id: str) -> str:
        return self.link_template.replace("{nct_id}", nct_id)


def check_link_template(template: str) -> None:
    """A link template is an http(s) address with ``{nct_id}`` where the trial's number goes."""
    if "{nct_id}" not in template:
        raise SheetsError(f"link template {template!r} must contain {{nct_id}}")
    parts = urlsplit(template.replace("{nct_id}", "NCT00000000"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SheetsError(f"link template {template!r} must be an http:// or https:// address")
    if any(ch.isspace() for ch in template) or len(template) > 500:
        raise SheetsError(f"link template {template[:60]!r} is not a usable web address")
