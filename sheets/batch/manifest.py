"""What a batch already made: the manifest in the output folder, and the hashes it keys on.

A sheet is up to date when the hash of (record bytes, the sheet options, every file that
shapes the PDF: package code and data, templates, CSS, fonts, the clinic's templates, and
the package version) matches the one recorded when its PDF was written, and that PDF is
still there at the recorded size. The date a sheet was made is left out on purpose: a
nightly re-run of unchanged records keeps yesterday's PDFs instead of re-dating them all.

The manifest is JSON Lines, one line appended (and flushed) as each PDF lands, so a batch
killed at any moment loses at most the sheets in flight; a torn last line is ignored. At
the end of a run it is rewritten atomically with one line per trial.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import BinaryIO

from sheets.files import write_atomic
from sheets.options import SheetOptions
from sheets.resources import fonts_dir, templates_dir
from sheets.version import __version__

MANIFEST = ".sheets-batch.jsonl"


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
    return _folder_hash(Path(__file__).parent)


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
        self._by_hash: dict[str, dict] = {}
        self._log: BinaryIO | None = None
        self._read()

    def _read(self) -> None:
        try:
            lines = self.path.read_bytes().splitlines()
        except FileNotFoundError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
                self._remember(entry)
            except (ValueError, TypeError, KeyError):
                continue  # a line torn by a kill, or edited by hand: that sheet is made again

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
            size = (self.out_dir / entry["output"]).stat().st_size
        except OSError:
            return None
        return entry if size == entry["bytes"] else None

    def add(self, entry: dict) -> None:
        """Record a PDF that has just landed: one line, flushed before the next sheet."""
        self._remember(entry)
        if self._log is None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            self._log = self.path.open("ab")
        self._log.write(json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
        self._log.flush()

    def compact(self) -> None:
        """Rewrite the manifest atomically, one line per trial whose PDF is still there."""
        if self._log is not None:
            self._log.close()
            self._log = None
        kept = [e for e in self.entries.values() if (self.out_dir / e["output"]).is_file()]
        if kept or self.path.exists():
            lines = (json.dumps(e, ensure_ascii=False) + "\n" for e in kept)
            write_atomic(self.path, "".join(lines).encode("utf-8"))
