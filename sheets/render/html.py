"""Sheet content to HTML: the one place the Jinja environment is built.

Autoescaping is on (record text is untrusted and must stay text), undefined names fail
loudly (a blank field on a patient sheet is a bug), and a loader chain lets a clinic's folder
override bundled templates file by file; ``default:NAME`` always reaches the bundled one.

A clinic's templates are code from outside the project, so every template runs in Jinja's
sandbox (no ``__globals__`` or other underscored names, no changing data, no methods of the
paths, modules or files a sheet carries, no string repeated into gigabytes) and a clinic's
are read only through `confined.ConfinedLoader`, never outside its folder. A template that
fails is one `SheetsError` naming its file and line.
"""

from __future__ import annotations

import io
import traceback
from functools import cache
from pathlib import Path, PurePath
from types import ModuleType
from typing import Any

from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from sheets.content.sheet import Sheet
from sheets.errors import SheetsError
from sheets.i18n import Catalogue
from sheets.render.confined import ConfinedLoader
from sheets.render.qr import qr_svg
from sheets.resources import templates_dir
from sheets.version import __version__

SHEET_TEMPLATE = "sheet.html"
# The templates a clinic may replace that the product renders by name, checked before a batch.
ENTRY_TEMPLATES = ("sheet.html", "_macros.html", "booklet_cover.html")
QR_SIZE_MM = 30  # with its 4-module quiet zone; the issue asks for at least 25 mm
MAX_REPEAT = 100_000  # characters or items a template may make with "*"
_CLOSED = (PurePath, ModuleType, io.IOBase)  # objects whose attributes a template may not use


class SheetSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, closed also to the ways out it leaves open to the objects a
    sheet carries: a clinic's templates folder is a `Path`, and ``path.read_text()`` must
    not read a file; and to ``"x" * 10**10``, which would fill the memory."""

    intercepted_binops = frozenset({"*", "**"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, _CLOSED) or isinstance(value, (ModuleType, io.IOBase)):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            count, item = (right, left) if isinstance(right, int) else (left, right)
            if isinstance(count, int) and isinstance(item, (str, list, tuple)):
                if len(item) * count > MAX_REPEAT:
                    raise SecurityError(f"a repetition longer than {MAX_REPEAT:,} is not allowed")
        if operator == "**" and isinstance(right, int) and abs(right) > 1000:
            raise SecurityError("a power above 1,000 is not allowed")
        return super().call_binop(context, operator, left, right)


@cache
def environment(override_dirs: tuple[Path, ...] = ()) -> SheetSandbox:
    bundled = FileSystemLoader(str(templates_dir()))
    loaders = [ConfinedLoader(folder) for folder in override_dirs]
    loader = ChoiceLoader([*loaders, bundled, PrefixLoader({"default": bundled}, delimiter=":")])
    return SheetSandbox(
        loader=loader,
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, override_dirs: tuple[Path, ...], **context: Any) -> str:
    """Render one template, a clinic's if it has one; a failure is one `SheetsError`."""
    try:
        return environment(override_dirs).get_template(name).render(**context)
    except SheetsError:
        raise
    except Exception as error:  # noqa: BLE001 - a clinic template's own failure is the user's to fix
        problem = template_problem(error, override_dirs)
        if problem is None:
            raise
        raise problem from None


def check_templates(override_dirs: tuple[Path, ...]) -> None:
    """Compile a clinic's templates once, so a syntax error, a template that is not UTF-8 or a
    link out of its folder stops a batch before the first sheet, in one line."""
    for name in ENTRY_TEMPLATES:
        try:
            environment(override_dirs).get_template(name)
        except TemplateError as error:
            raise template_problem(error, override_dirs) or SheetsError(str(error)) from None


def render_html(sheet: Sheet) -> str:
    """The sheet's HTML, through the clinic's templates when it has them."""
    catalogue = Catalogue(sheet.lang)
    qr = qr_svg(sheet.link, size_mm=QR_SIZE_MM, title=catalogue("sheet.qr_title", link=sheet.link))
    return render_template(
        SHEET_TEMPLATE, sheet.template_dirs, sheet=sheet, qr=qr, version=__version__, t=catalogue
    )


def template_problem(error: BaseException, clinic_dirs: tuple[Path, ...]) -> SheetsError | None:
    """The one line for a template that failed: its file and line, and what went wrong.

    Jinja's own errors always count as the template's; any other exception only when it was
    raised in a clinic's template (``{{ 1 / 0 }}``); elsewhere it is a bug (None)."""
    folders = tuple(folder.resolve() for folder in clinic_dirs)
    filename, line = _innermost_template_line(error, folders)
    if isinstance(error, TemplateSyntaxError):
        filename, line = error.filename or error.name or filename, error.lineno
    inside_clinic = filename is not None and _inside(filename, folders)
    if not isinstance(error, (TemplateError, RecursionError)) and not inside_clinic:
        return None
    if isinstance(error, TemplateSyntaxError):
        problem = f"syntax error: {error.message}"
    elif isinstance(error, TemplateNotFound):
        problem = f"no template named {error.name!r}, in the clinic's folder or the bundled ones"
    elif isinstance(error, UndefinedError):
        problem = f"{error.message} (the sheet has no such name)"
    elif isinstance(error, SecurityError):
        problem = f"not allowed in a template: {error.message}"
    elif isinstance(error, RecursionError):
        problem = "the template includes, extends or calls itself without end"
    elif isinstance(error, TemplateError):
        problem = error.message or type(error).__name__
    else:
        problem = f"{type(error).__name__}: {error}"
    where = f"{filename}, line {line}" if filename and line else filename or "the sheet's template"
    return SheetsError(" ".join(f"{where}: {problem}".split()))


def _innermost_template_line(
    error: BaseException, clinic_dirs: tuple[Path, ...]
) -> tuple[str | None, int | None]:
    """The last line of a clinic's template in the traceback (Jinja rewrites its frames so
    they name the template), else the last of any template, else (None, None)."""
    frames = [
        frame for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.endswith(".py") and not frame.filename.startswith("<")
    ]  # fmt: skip
    ours = [frame for frame in frames if _inside(frame.filename, clinic_dirs)] or frames
    return (ours[-1].filename, ours[-1].lineno) if ours else (None, None)


def _inside(filename: str, folders: tuple[Path, ...]) -> bool:
    return any(Path(filename).is_relative_to(folder) for folder in folders)
