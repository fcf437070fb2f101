"""Shared fixtures: real records, a rendered seed sheet, and a guard against WeasyPrint logs."""

from __future__ import annotations

import json
import logging
from datetime import date
from functools import cache
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
SEED_RECORD = ROOT / "examples" / "NCT07632209.json"
RECORDS = sorted((DATA / "records").glob("*.json"))
# Records of trials open or about to open: the ones that get the sheet for joining.
OPEN_RECORDS = [
    path for path in RECORDS
    if json.loads(path.read_text("utf-8"))["protocolSection"].get("statusModule", {}).get("overallStatus")
    in ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION", "AVAILABLE")
]  # fmt: skip
FIXED_DAY = date(2026, 11, 25)
SECTION_HEADINGS = (  # in the order the sheet for joining shows them
    "What this trial is about",
    "What taking part involves",
    "For you to fill in",
    "Questions for your doctor",
    "Questions for the trial coordinator",
    "Who can take part",
    "Does this trial fit me?",
    "What the trial measures",
    "Where it runs and whom to contact",
    "Words on this sheet",
    "About this trial, in the study team's words",
    "The groups, in the study team's words",
    "The study's own wording",
)


class WeasyPrintLogGuard(logging.Handler):
    """Collects every WeasyPrint log record at WARNING or above."""

    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def fail_on_weasyprint_warnings(request):
    """Any WeasyPrint warning fails the test, unless the test asks to read them itself."""
    guard = WeasyPrintLogGuard()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(guard)
    yield guard
    logger.removeHandler(guard)
    if "expects_weasyprint_warnings" not in request.keywords:
        assert guard.messages == [], f"WeasyPrint warned: {guard.messages}"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Tests never touch the real user's cache or config folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("SHEETS_CACHE_DIR", str(base / "cache"))
    monkeypatch.setenv("SHEETS_CONFIG_DIR", str(base / "config"))
    monkeypatch.delenv("SHEETS_API_URL", raising=False)


@cache
def default_pdf(path: Path) -> bytes:
    """The sheet a record gets with default options on FIXED_DAY, rendered once per run and
    shared by every test that reads it (layout, empty pages, QR, large print's comparison)."""
    from sheets import SheetOptions, load_trial, render_pdf

    return render_pdf(load_trial(path), SheetOptions(generated_on=FIXED_DAY))


@pytest.fixture(scope="session")
def seed_pdf() -> bytes:
    from sheets import SheetOptions, load_trial, render_pdf

    return render_pdf(load_trial(SEED_RECORD), SheetOptions(generated_on=FIXED_DAY))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "expects_weasyprint_warnings: the test inspects WeasyPrint warnings itself"
    )
