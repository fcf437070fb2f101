"""What a batch already made: the manifest in the output folder, and the hashes it keys on.

A sheet is up to date when the hash of (record bytes, the sheet options, every file that
shapes the PDF: package code and data, templates, CSS, fonts, the clinic's templates, and
the package version) matches the one recorded when its PDF was written, and that PDF is
still there at the recorded size. The date a sheet was made is left out on purpose: a
nightly re-run of unchanged records keeps yesterday's PDFs instead of re-dating them all.

The manifest is JSON Lines, one line appended (and flushed) as each PDF lands, so a batch
killed at any moment loses at most the sheets in flight. At the end of a run it is rewritten
atomically with one line per trial. It is read as untrusted: every entry is checked, and a
bad one (a torn last line, a hand edit, a wrong type, a name that is not the sheet's) is
dropped with a one-line warning, so its sheet is made again. It is never written through a
link: a link, pipe or device in its place is replaced (with a warning), a folder is left
alone and the batch keeps no manifest.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import stat
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from sheets.files import write_atomic
from sheets.options import SheetOptions
from sheets.resources import fonts_dir, templates_dir
from sheets.version import __version__

MANIFEST = ".sheets-batch.jsonl"
MAX_MANIFEST_BYTES = 256 * 1024 * 1024  # about 300 bytes a trial
MAX_LINE_WARNINGS = 20
_NCT = re.compile(r"NCT\d{8}")
_HASH = re.compile(r"[0-9a-f]{64}")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def options_fingerprint(options: SheetOptions) -> str:
    """Everything except the record that decides a sheet's PDF, as one hash."""
    digest = hashlib.sha256(__version__.encode() + _code_hash().encode())
    digest.update(repr(dataclasses.replace(options, generated_on=date.min)).encode())
    for folder in (templates_dir(), fonts_dir(), *options.template_dirs):
        digest.update(_folder_hash(folder).encode())
    return digest.hexdigest()


@cache
def _code_hash() -> str:
    """The package's code and data as this process loaded them (a code change re-makes sheets)."""
    return _folder_hash(Path(__file__).resolve().parent.parent)  # sheets/, not only sheets/batch/


def _folder_hash(folder: Path) -> str:
    """A hash of every file under ``folder`` (names and contents), caches left out."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def record_hash(data: bytes, fingerprint: str) -> str:
    return hashlib.sha256(fingerprint.encode() + b"\0" + data).hexdigest()


class Manifest:
    """NCT number -> the hash, file and size of its PDF, for one output folder."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / MANIFEST
        self.entries: dict[str, dict] = {}
        self.warnings: list[str] = []  # one line each, for the user
        self.keep = True  # False when a folder sits where the manifest goes
        self._appending = True  # False after an append failed: the end of the run tries again
        self._by_hash: dict[str, dict] = {}
        self._log: BinaryIO | None = None
        self._read()

    def _read(self) -> None:
        data = self._read_bytes()
        bad = 0
        for number, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            entry, problem = checked_entry(line)
            if entry is not None:
                self._remember(entry)
                continue
            bad += 1
            if bad <= MAX_LINE_WARNINGS:
                self.warn(f"{self.path} line {number}: {problem}; that sheet is made again")
        if bad > MAX_LINE_WARNINGS:
            self.warn(f"{self.path}: {bad - MAX_LINE_WARNINGS} more bad lines dropped")

    def _read_bytes(self) -> bytes:
        """The manifest's bytes, or nothing (with a warning) when it is not a regular file."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return b""
        except OSError as error:
            if self.path.is_symlink():
                self.warn(f"{self.path} is a link; it is not followed, and a new manifest replaces it")
            else:
                self.warn(f"cannot read {self.path} ({error.strerror}); every sheet is made again")
            return b""
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            os.close(fd)
            if stat.S_ISDIR(mode):
                self.keep = False
                self.warn(f"{self.path} is a folder; it is left alone, and this batch keeps no manifest")
            else:
                self.warn(f"{self.path} is not a regular file; a new manifest replaces it")
            return b""
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_MANIFEST_BYTES + 1)
        if len(data) > MAX_MANIFEST_BYTES:
            self.warn(f"{self.path} is larger than {MAX_MANIFEST_BYTES:,} bytes; every sheet is made again")
            return b""
        return data

    def warn(self, line: str) -> None:
        self.warnings.append(line)

    def _remember(self, entry: dict) -> None:
        old = self.entries.get(entry["nct_id"])
        if old is not None:
            self._by_hash.pop(old["hash"], None)
        self.entries[entry["nct_id"]] = entry
        self._by_hash[entry["hash"]] = entry

    def up_to_date(self, digest: str, today: date | None = None) -> dict | None:
        """The entry of a PDF made from exactly this record and set-up, if it is still there
        and still right on ``today``: a sheet made before its record went stale (or before its
        planned start or end passed) lacks the banner it needs now, so it is made again."""
        entry = self._by_hash.get(digest)
        if entry is None:
            return None
        valid_until = entry.get("valid_until", "")
        if today is not None and valid_until and today.isoformat() >= valid_until:
            return None
        try:
            info = os.lstat(self.out_dir / entry["output"])
        except OSError:
            return None
        return entry if stat.S_ISREG(info.st_mode) and info.st_size == entry["bytes"] else None

    def add(self, entry: dict) -> None:
        """Record a PDF that has just landed: one line, flushed before the next sheet."""
        self._remember(entry)
        if not (self.keep and self._appending):
            return
        try:
            if self._log is None:
                self._log = self._open_log()
            self._log.write(_line(entry))
            self._log.flush()
        except OSError as error:  # a full disk, say
            self.warn(f"cannot add to {self.path} ({error.strerror or error}); it is rewritten at the end")
            self._appending = False
            self._close_log()

    def _open_log(self) -> BinaryIO:
        """The manifest opened to append, never through a link: whatever is not a regular
        file in its place (a link, a pipe) is removed first."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for _ in range(3):
            try:
                fd = os.open(self.path, flags, 0o644)
            except OSError:
                if not _replaceable(self.path):
                    raise
            else:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    return os.fdopen(fd, "ab")
                os.close(fd)
            self.path.unlink()
        raise OSError(f"{self.path} keeps being replaced")

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def compact(self) -> None:
        """Rewrite the manifest atomically, one line per trial whose PDF is still there."""
        self._close_log()
        if not self.keep:
            return
        kept = [e for e in self.entries.values() if (self.out_dir / e["output"]).is_file()]
        if kept or os.path.lexists(self.path):
            write_atomic(self.path, b"".join(_line(e) for e in kept), what="the manifest ")


def _replaceable(path: Path) -> bool:
    """A link, pipe, socket or device where the manifest goes: not ours, so not kept."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _line(entry: dict) -> bytes:
    """One entry as a line; ASCII, so no text (a lone surrogate in a title) can fail to encode."""
    return json.dumps(entry, ensure_ascii=True).encode("ascii") + b"\n"


_KINDS: dict[str, type] = {"nct_id": str, "hash": str, "output": str, "bytes": int}
_TEXT = ("title", "record", "valid_until")  # optional


def checked_entry(line: bytes) -> tuple[dict | None, str]:
    """A manifest line as an entry the batch can trust, or None and what is wrong with it."""
    try:
        entry: Any = json.loads(line)
    except RecursionError:
        return None, "is nested too deeply"
    except ValueError:
        return None, "is not JSON (a batch stopped while writing it?)"
    if not isinstance(entry, dict):
        return None, "is not a JSON object"
    for key, kind in _KINDS.items():
        value = entry.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            return None, f'"{key}" is missing or not {"a number" if kind is int else "text"}'
    for key in _TEXT:
        if not isinstance(entry.get(key, ""), str):
            return None, f'"{key}" is not text'
    if not _NCT.fullmatch(entry["nct_id"]) or not _HASH.fullmatch(entry["hash"]):
        return None, "its NCT number or hash is not one the batch writes"
    if entry["output"] != f"{entry['nct_id']}.pdf" or entry["bytes"] < 0:
        return None, f'"output" is not {entry["nct_id"]}.pdf, or "bytes" is below 0'
    until = entry.get("valid_until", "")
    if until:
        try:
            date.fromisoformat(until)
        except ValueError:
            return None, '"valid_until" is not a date'
    kept = {key: entry[key] for key in _KINDS}
    for key in _TEXT:  # shown, never trusted: a lone surrogate becomes ?
        kept[key] = entry.get(key, "").encode("utf-8", "replace").decode("utf-8")
    return kept, ""
