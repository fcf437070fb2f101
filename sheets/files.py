"""Atomic file writes: a reader, or a crash, never sees half a PDF."""

from __future__ import annotations

import os
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
