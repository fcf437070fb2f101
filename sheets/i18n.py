"""Languages: the words a sheet uses in each language, read from data files, English the base.

A language is a folder ``data/lang/<code>/``: ``strings.toml`` holds the fixed words of the
template and the code and the language's own name; ``labels.toml``, ``questions.toml``,
``outcomes.toml`` and ``glossary.toml`` translate the English data files key for key. Any
key a translation lacks falls back to English, and fields that match record text (regular
expressions, topics, weights, glossary terms) always come from English, so adding a language
is adding files, never code. Dates and numbers are written with Babel for the language's
locale.

The language a sheet is being built in is a context variable that ``build_sheet`` sets
(``using``); the wording modules ask for ``current()`` instead of threading a language
argument through every question rule. It does not choose what a sheet says.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from sheets.errors import SheetsError

BASE = "en"
DATA_FILES = ("labels", "questions", "outcomes", "glossary")
# Fields that match or sort record text, so a translation never replaces them.
FROM_ENGLISH = frozenset(
    {"pattern", "context", "term", "category", "asks", "weight", "key", "source", "generic",
     "facts", "frequency", "numbers"}
)  # fmt: skip
_PLACEHOLDER = re.compile(r"\{(\w*)\}")

_current: ContextVar[str] = ContextVar("sheets_language", default=BASE)


def _lang_root():
    return files("sheets") / "data" / "lang"


@cache
def languages() -> dict[str, str]:
    """Language code -> the language's name in its own tongue, English first."""
    found = {}
    for folder in sorted(_lang_root().iterdir(), key=lambda f: (f.name != BASE, f.name)):
        if (folder / "strings.toml").is_file():
            found[folder.name] = _read(folder.name, "strings")["language"]["name"]
    return found


def check_language(code: str) -> str:
    if code not in languages():
        choices = ", ".join(f"{c} ({name})" for c, name in languages().items())
        raise SheetsError(f"language {code!r} is not available (choose {choices})")
    return code


@contextmanager
def using(lang: str) -> Iterator[None]:
    """Words looked up inside this block come from ``lang``."""
    token = _current.set(check_language(lang))
    try:
        yield
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


@cache
def _read(lang: str, name: str) -> dict[str, Any]:
    """One file as written: the English base or a translation ({} when it has none)."""
    if lang == BASE and name != "strings":
        path = files("sheets") / "data" / f"{name}.toml"
    else:
        path = _lang_root() / lang / f"{name}.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SheetsError(
            f"the {lang} language file {name}.toml is not valid TOML ({error})"
        ) from None


def packaged(name: str) -> dict[str, Any]:
    """A data file the package ships, ``sheets/data/{name}.toml``, as written: the one way
    the code reads its TOML (a broken file is one `SheetsError` naming it)."""
    return _read(BASE, name)


def data(name: str, lang: str | None = None) -> dict[str, Any]:
    """The data file ``name`` in ``lang`` (default: the current language), English filling gaps."""
    return _merged(name, lang or current())


@cache
def _merged(name: str, lang: str) -> dict[str, Any]:
    base = _read(BASE, name)
    return base if lang == BASE else merge(base, _read(lang, name))


def merge(base: Any, other: Any) -> Any:
    """``base`` with the translated strings of ``other`` where they exist and fit."""
    if isinstance(base, dict) and isinstance(other, dict):
        return {
            key: value if key in FROM_ENGLISH or key not in other else merge(value, other[key])
            for key, value in base.items()
        }
    if isinstance(base, list) and isinstance(other, list):
        if all(isinstance(item, dict) for item in base):
            translated = {_identity(item): item for item in other if isinstance(item, dict)}
            return [merge(item, translated.get(_identity(item), {})) for item in base]
        return other if len(other) == len(base) and all(isinstance(i, str) for i in other) else base
    if isinstance(base, str) and isinstance(other, str) and other:
        return other
    return base


def _identity(entry: dict[str, Any]) -> tuple:
    """What names one entry of a list across languages: its key, or its term and senses."""
    if "key" in entry:
        return ("key", entry["key"])
    return (entry.get("term"), entry.get("category"), tuple(entry.get("context", ())))


def placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def text(key: str, lang: str | None = None, /, **values: object) -> str:
    """The fixed string ``key`` ("sheet.kicker") in ``lang``, its {placeholders} filled."""
    entry: Any = data("strings", lang)
    for part in key.split("."):
        entry = entry[part]
    return entry.format(**values) if values else entry


def count(number: int, thing: str, lang: str | None = None) -> str:
    """ "1 site", "1,234 people": the number written for the language, the noun agreeing."""
    return f"{format_number(number, lang)} {noun(number, thing, lang)}"


def noun(number: int, thing: str, lang: str | None = None) -> str:
    """The word for ``thing`` (a key of ``[count]``) that goes with ``number``."""
    forms = data("strings", lang)["count"][thing]
    return forms["one"] if number == 1 else forms["other"]


def locale(lang: str | None = None) -> str:
    return data("strings", lang)["language"]["locale"]


def format_number(number: float, lang: str | None = None) -> str:
    from babel.numbers import format_decimal

    return format_decimal(number, locale=locale(lang))


def format_day(day: date, lang: str | None = None) -> str:
    """ "November 25, 2026"; "25 de noviembre de 2026"."""
    from babel.dates import format_date

    return format_date(day, format="long", locale=locale(lang))


def format_month(year: int, month: int, lang: str | None = None) -> str:
    """ "June 2026"; "junio de 2026"."""
    from babel.dates import format_skeleton

    return format_skeleton("yMMMM", date(year, month, 1), locale=locale(lang))


class Catalogue:
    """The template's view of one language: ``t("sheet.kicker")``, ``t.lang``, ``t.name``."""

    def __init__(self, lang: str):
        self.lang = check_language(lang)
        self.name = languages()[lang]

    def __call__(self, key: str, **values: object) -> str:
        return text(key, self.lang, **values)

    def number(self, number: float) -> str:
        return format_number(number, self.lang)
