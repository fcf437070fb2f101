"""Reading a templates folder without ever leaving it: the one way templates, stylesheets,
fonts and images are read from a clinic's folder (and from the bundled ones).

A clinic's folder is set by the person running the command, but its files may come from
anywhere, so a name in it is only a name: a link that leads outside the folder is refused,
and so is a FIFO, a device or a file too large to be a template or a font. The path is
resolved first (a link to another file inside the folder is fine) and checked to stay
inside; then it is opened part by part from the folder with O_NOFOLLOW, so a link swapped in
after the check is refused too rather than followed.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, Environment, TemplateNotFound
from jinja2.loaders import split_template_path

from sheets.errors import SheetsError

MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_ASSET_BYTES = 32 * 1024 * 1024  # a stylesheet, font or image; the largest bundled font is 4 MB
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


def read_inside(folder: Path, name: str | Path, *, limit: int) -> bytes:
    """The bytes of the regular file ``name`` inside ``folder``, at most ``limit`` of them.

    Raises FileNotFoundError when there is no such file (callers fall back to a bundled
    one), and `SheetsError` "{folder/name}: {problem}" for a file that leads outside the
    folder, is not a regular file, is too large or cannot be read."""
    root = folder.resolve()
    shown = folder / name
    target = (root / name).resolve()
    if not target.is_relative_to(root):
        raise SheetsError(f"{shown}: leads outside its folder {root} (to {target}); it is not read")
    if target == root:
        raise SheetsError(f"{shown}: is a folder, not a file")
    try:
        fd = _open_from(root, target.relative_to(root).parts)
    except FileNotFoundError:
        raise
    except OSError as error:
        if os.path.islink(target) or error.errno == getattr(os, "ELOOP", -1):
            raise SheetsError(f"{shown}: leads outside its folder {root}; it is not read") from None
        raise SheetsError(f"{shown}: cannot read it ({error.strerror or error})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SheetsError(f"{shown}: is not a regular file (a folder, pipe, device or socket)")
        if info.st_size > limit:
            raise SheetsError(f"{shown}: is too large ({info.st_size:,} bytes; the limit is {limit:,})")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise SheetsError(f"{shown}: is too large (more than {limit:,} bytes)")
    return data


def _open_from(root: Path, parts: tuple[str, ...]) -> int:
    """Open ``root/parts`` read-only, following no link on the way (where the OS allows)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC
    if os.open not in os.supports_dir_fd:  # no openat(): the resolved path, its last part unfollowed
        return os.open(root.joinpath(*parts), flags)
    folder = os.open(root, os.O_RDONLY | _DIRECTORY | _CLOEXEC)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], flags, dir_fd=folder)
    finally:
        os.close(folder)


class ConfinedLoader(BaseLoader):
    """Jinja templates from one folder only: each a regular UTF-8 file inside it, at most
    1 MiB. A missing template falls through to the next loader (the bundled ones); a refused
    or unreadable one is an error naming the file, never a silent fall-back."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        relative = "/".join(split_template_path(template))  # refuses ".." as not found
        path = self.folder / relative
        try:
            data = read_inside(self.folder, relative, limit=MAX_TEMPLATE_BYTES)
        except FileNotFoundError:
            raise TemplateNotFound(template) from None
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise SheetsError(f"{path}, line {line}: the template is not UTF-8 text") from None
        changed = _mtime(path)
        return source, str(path), lambda: _mtime(path) == changed

    def list_templates(self) -> list[str]:
        found = []
        for folder, _, files in os.walk(self.folder):
            found += [Path(folder, name).relative_to(self.folder).as_posix() for name in files]
        return sorted(found)


def _mtime(path: Path) -> float:
    try:
        return os.lstat(path).st_mtime
    except OSError:
        return -1.0
