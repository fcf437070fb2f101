"""Safe file reads and atomic writes: nothing unbounded or unexpected is read, and a reader, or a
crash, never sees half a PDF."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from sheets.errors import SheetsError


def write_atomic(path: Path, data: bytes, *, what: str = "") -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it, then rename it over.

    A failure leaves no file and raises `SheetsError` "cannot write {what}{path}: {reason}"
    (``what``: "the booklet ", say), the one line a user is shown."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as error:
        raise SheetsError(f"cannot write {what}{path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise SheetsError(f"cannot write {what}{path}: {error.strerror or error}") from None
        raise


def not_regular(fd: int, limit: int | None = None) -> str:
    """Why an open file may not be read, in words ("is a folder, not a file"), or "" when it is
    a regular file of at most ``limit`` bytes: the one check every bounded reader makes."""
    info = os.fstat(fd)
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a file"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (a pipe, device or socket)"
    if limit is not None and info.st_size > limit:
        return f"is too large ({info.st_size:,} bytes; the limit is {limit:,})"
    return ""


def read_regular(path: Path | str, *, limit: int, what: str = "the file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, read without blocking.

    A FIFO, a device such as /dev/zero, a folder or a socket is refused before any read (it
    is opened non-blocking, so a FIFO with no writer cannot hang the run), and a file is read
    only up to ``limit`` + 1 bytes, so one that grows while read is refused too. Raises
    `SheetsError` "{what} {path}: {problem}"; callers that own a richer error catch it."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise SheetsError(f"{what} {path}: no such file") from None
    except IsADirectoryError:
        raise SheetsError(f"{what} {path}: is a folder, not a file") from None
    except OSError as error:
        raise SheetsError(f"{what} {path}: cannot read it ({error.strerror or error})") from None
    try:
        if problem := not_regular(fd, limit):
            raise SheetsError(f"{what} {path}: {problem}")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise SheetsError(f"{what} {path}: cannot read it ({error.strerror or error})") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise SheetsError(f"{what} {path}: is too large (more than {limit:,} bytes)")
    return data
