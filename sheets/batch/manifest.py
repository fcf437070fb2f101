"""What a batch already made: the manifest in the output folder, and the hashes it keys on.

A sheet is up to date when the hash of (record bytes, the sheet options, every file that
shapes the PDF: package code and data, templates, CSS, fonts, the clinic's templates, and
the package version) matches the one recorded when its PDF was written, and that PDF is
still there at the recorded size, where the batch's layout puts it. The date a sheet was made
is left out on purpose: a nightly re-run of unchanged records keeps yesterday's PDFs instead
of re-dating them all.

The manifest is an SQLite database (``.sheets-batch.db``), one row per trial, because a
registry-wide batch has 560,000 of them: JSON Lines took 8 s and 544 MB just to load. Opening
it reads nothing; each skip check is one indexed lookup. Each PDF is recorded in its own
transaction once it has landed, in write-ahead-log mode, so a batch killed at any moment loses
at most the sheets in flight, and the next run makes only those. An old JSON Lines manifest is
moved in once, then renamed ``.sheets-batch.jsonl.migrated``.

It is read as untrusted: a row is checked when it is looked up, and a bad one (a hand edit, a
wrong type, a path that is not the sheet's) is dropped with a one-line warning, so its sheet is
made again. It is never written through a link: a link, pipe or device in the place of the
database or its journals is removed first (with a warning) and the files SQLite opened are
checked to be the ones meant; a folder there is left alone and the batch keeps no manifest. One
batch at a time holds it (SQLite's exclusive lock), so two batches cannot mix their records.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path

from sheets.batch.entries import checked_entry, checked_fields, legacy_lines, printable, storable
from sheets.batch.layout import FLAT, SHARDED, sheet_path
from sheets.errors import SheetsError
from sheets.options import SheetOptions
from sheets.resources import fonts_dir, templates_dir
from sheets.version import __version__

MANIFEST = ".sheets-batch.db"
LEGACY_MANIFEST = ".sheets-batch.jsonl"
MIGRATED = ".migrated"  # the legacy manifest's suffix once it has been moved in
JOURNALS = ("-wal", "-shm", "-journal")  # files SQLite keeps beside the database
MAX_LINE_WARNINGS = 20
_COLUMNS = ("hash", "nct_id", "output", "bytes", "title", "record", "valid_until")
# Keyed by the hash, so a skip check is one descent of one b-tree that holds the whole row;
# one row per trial (a new sheet replaces the trial's old row).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sheets (
    hash TEXT NOT NULL PRIMARY KEY, nct_id TEXT NOT NULL UNIQUE, output TEXT NOT NULL,
    bytes INTEGER NOT NULL, title TEXT NOT NULL DEFAULT '', record TEXT NOT NULL DEFAULT '',
    valid_until TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
"""
_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM sheets"
_INSERT = f"INTO sheets ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
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


class _NoManifest(Exception):
    """A folder sits where the manifest goes: the batch goes on without one."""


class Manifest:
    """NCT number -> the hash, file and size of its PDF, for one output folder and layout."""

    def __init__(self, out_dir: Path, layout: str = FLAT):
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / MANIFEST
        self._root = str(self.out_dir)
        self.layout = layout
        sheet_path("NCT00000000", layout)  # an unknown layout is one line now, not per sheet
        self.warnings: list[str] = []  # one line each, for the user
        self.keep = True  # False when a folder sits where the manifest goes
        self._db: sqlite3.Connection | None = None
        self._cursor: sqlite3.Cursor | None = None  # one, reused: a skip check makes none
        self._bad = 0
        self._unsaved: list[tuple] = []  # entries a failed write left for the end of the run
        self.out_dir.mkdir(parents=True, exist_ok=True)
        try:
            try:
                self._db = self._ready()
            except sqlite3.DatabaseError as error:  # not SQLite, or not our table
                self._set_aside(error)
                self._db = self._ready()
        except _NoManifest:
            self.keep = False
            return
        except (sqlite3.DatabaseError, OSError) as error:
            raise SheetsError(f"cannot use the manifest {self.path}: {error}") from None
        self._cursor = self._db.cursor()
        try:
            self._migrate()
        except sqlite3.Error as error:  # a full disk, say: the old file stays for next time
            self.warn(f"cannot move {LEGACY_MANIFEST} into {self.path} ({error}); it is left as it is")

    def warn(self, line: str) -> None:
        self.warnings.append(line)

    # Opening, never through a link

    def _ready(self) -> sqlite3.Connection:
        for path in (self.path, *(Path(f"{self.path}{suffix}") for suffix in JOURNALS)):
            self._clear(path)
        db = self._connect()
        try:
            db.execute("PRAGMA locking_mode=EXCLUSIVE")  # no -shm file, and one batch at a time
            db.execute("PRAGMA journal_mode=WAL")  # the first read: the lock is taken here
            db.execute("PRAGMA synchronous=NORMAL")  # a killed process loses nothing committed
            db.execute("PRAGMA cache_size=-32768")  # 32 MiB: the hash index of 560,000 sheets
            db.executescript(_SCHEMA)
            if [row[1] for row in db.execute("PRAGMA table_info(sheets)")] != list(_COLUMNS):
                raise sqlite3.DatabaseError("its table of sheets has other columns")
            self._check_journals()
        except sqlite3.OperationalError as error:
            db.close()
            if "locked" in str(error):
                raise SheetsError(
                    f"{self.out_dir} is in use by another batch (its manifest {self.path} is"
                    " locked): wait for it to finish, or write into another folder"
                ) from None
            raise
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self, error: sqlite3.DatabaseError) -> None:
        aside = Path(f"{self.path}.damaged")
        os.replace(self.path, aside)
        for suffix in JOURNALS:
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.warn(f"{self.path} is not a manifest this batch can read ({error}); it is kept as"
                  f" {aside.name}, and every sheet is made again")  # fmt: skip

    def _clear(self, path: Path) -> None:
        """Remove whatever is not a regular file where SQLite will open one (a link, a pipe)."""
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISREG(mode):
            return
        if stat.S_ISDIR(mode):
            self.warn(f"{path} is a folder; it is left alone, and this batch keeps no manifest")
            raise _NoManifest
        if stat.S_ISLNK(mode):
            self.warn(f"{path} is a link; it is not followed, and a new manifest replaces it")
        else:
            self.warn(f"{path} is not a regular file; a new manifest replaces it")
        path.unlink()

    def _connect(self) -> sqlite3.Connection:
        """SQLite opened on the file this process made or checked, not on one a link leads to:
        the database is opened (or made) here first without following links, and SQLite's
        file must be that same file before anything is read or written."""
        flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as error:
            raise SheetsError(f"cannot open the manifest {self.path}: {error.strerror}") from None
        try:
            mine = os.fstat(fd)
            db = sqlite3.connect(self.path, timeout=1.0, isolation_level=None, check_same_thread=False)
            now = os.lstat(self.path)
        finally:
            os.close(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino):
            db.close()
            raise SheetsError(f"the manifest {self.path} was replaced while it was opened")
        db.text_factory = functools.partial(bytes.decode, encoding="utf-8", errors="replace")
        return db

    def _check_journals(self) -> None:
        for suffix in JOURNALS:
            path = Path(f"{self.path}{suffix}")
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(mode):
                raise SheetsError(f"{path} was replaced while the manifest was opened")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        assert self._db is not None
        self._db.execute("BEGIN")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # The old JSON Lines manifest, moved in once

    def _migrate(self) -> None:
        """Every good line of a JSON Lines manifest into the database, then the file renamed so
        it is never read twice. The lines go to a temporary table first, then into the sheets
        in hash order (a 560,000-line manifest in seconds, not a minute of random inserts),
        the last line of a trial winning as it did in the old manifest, a row already in the
        database winning over both. Killed half-way, it is simply done again."""
        legacy = self.out_dir / LEGACY_MANIFEST
        try:
            fd = os.open(legacy, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW | _CLOEXEC)
        except FileNotFoundError:
            return
        except OSError as error:
            if not legacy.is_dir():
                self.warn(f"{legacy} cannot be read ({error.strerror}); it is left as it is")
            return
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            self.warn(f"{legacy} is not a regular file; it is left as it is")
            return
        assert self._db is not None
        columns = ", ".join(_COLUMNS)
        self._db.execute("DROP TABLE IF EXISTS temp.legacy")
        self._db.execute(f"CREATE TEMP TABLE legacy ({columns})")
        rows: list[tuple] = []
        with os.fdopen(fd, "rb") as handle:
            for number, line in legacy_lines(handle):
                entry, problem = checked_entry(line)
                if entry is not None:
                    rows.append(tuple(entry[key] for key in _COLUMNS))
                else:
                    self._warn_bad(f"{legacy} line {number}: {problem}; that sheet is made again")
                if len(rows) >= 10_000:
                    self._stage(rows)
            self._stage(rows)
        with self._transaction() as db:
            db.execute(f"INSERT OR IGNORE INTO sheets ({columns}) SELECT {columns} FROM legacy WHERE"
                       " rowid IN (SELECT max(rowid) FROM legacy GROUP BY nct_id) ORDER BY hash")  # fmt: skip
        self._db.execute("DROP TABLE temp.legacy")
        os.replace(legacy, f"{legacy}{MIGRATED}")

    def _stage(self, rows: list[tuple]) -> None:
        with self._transaction() as db:
            db.executemany(f"INSERT INTO temp.legacy VALUES ({', '.join('?' * len(_COLUMNS))})", rows)
        rows.clear()

    def _warn_bad(self, line: str) -> None:
        self._bad += 1
        if self._bad <= MAX_LINE_WARNINGS:
            self.warn(line)

    # The batch's questions and answers

    def up_to_date(self, digest: str, today: date | None = None) -> dict | None:
        """The entry of a PDF made from exactly this record and set-up, if it is still there,
        where this layout puts it, and still right on ``today``: a sheet made before its record
        went stale (or before its planned start or end passed) lacks the banner it needs now,
        so it is made again. One indexed lookup and one lstat."""
        for entry in self._rows("WHERE hash = ?", (digest,)):
            valid_until = entry["valid_until"]
            if today is not None and valid_until and today.isoformat() >= valid_until:
                continue
            if ("/" in entry["output"]) != (self.layout == SHARDED):  # checked: one of the two
                continue  # made in the other layout: made again in this one
            try:
                info = os.lstat(os.path.join(self._root, entry["output"]))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_size == entry["bytes"]:
                return entry
        return None

    def entry(self, nct_id: str) -> dict | None:
        """What the manifest holds for one trial, checked."""
        found = self._rows("WHERE nct_id = ?", (nct_id,))
        return found[0] if found else None

    def entries(self) -> Iterator[dict]:
        """Every good entry in NCT order, 1,000 at a time (a registry's worth is never held)."""
        after = ""
        while chunk := self._rows("WHERE nct_id > ? ORDER BY nct_id LIMIT 1000", (after,), raw=True):
            after = str(chunk[-1][1])  # its NCT number
            yield from (entry for entry in map(self._checked_row, chunk) if entry is not None)

    def _rows(self, where: str, values: tuple, *, raw: bool = False) -> list:
        """The rows a query finds, each checked (``raw``: as they are); a bad one is dropped
        with a warning. Fetched whole, so no statement stays open between calls."""
        if self._db is None or self._cursor is None:
            return []
        try:
            rows = self._cursor.execute(f"{_SELECT} {where}", values).fetchall()
            return rows if raw else [e for e in map(self._checked_row, rows) if e is not None]
        except sqlite3.DatabaseError as error:
            self._fail(error)
            return []

    def _checked_row(self, row: tuple) -> dict | None:
        entry, problem = checked_fields(dict(zip(_COLUMNS, row, strict=True)), text_ok=True)
        if entry is None and self._db is not None:
            shown = printable(str(row[1]))[:20] or "a sheet"
            self._warn_bad(f"{self.path}: the entry for {shown} {problem}; that sheet is made again")
            self._db.execute("DELETE FROM sheets WHERE hash = ?", (row[0],))
        return entry

    def add(self, entry: dict) -> None:
        """Record a PDF that has just landed, in its own transaction, before the next sheet."""
        row = tuple(entry[key] if key == "bytes" else storable(entry.get(key, "")) for key in _COLUMNS)
        if self._db is None:
            return
        try:
            self._db.execute(f"INSERT OR REPLACE {_INSERT}", row)
        except sqlite3.Error as error:  # a full disk, say
            if not self._unsaved:
                self.warn(f"cannot add to {self.path} ({error}); it is tried again at the end")
            self._unsaved.append(row)

    def compact(self) -> None:
        """Record what a failed write left over, fold the write-ahead log into the database and
        close it. (The name is the JSON Lines manifest's, whose end-of-run rewrite this was.)"""
        if self._db is None:
            return
        try:
            if self._unsaved:
                with self._transaction() as db:
                    db.executemany(f"INSERT OR REPLACE {_INSERT}", self._unsaved)
                self._unsaved.clear()
        except sqlite3.Error as error:
            left = len(self._unsaved)
            self.warn(f"cannot add to {self.path} ({error}); {left} sheets are made again next time")
        finally:
            self._db.close()
            self._db = None
        if self._bad > MAX_LINE_WARNINGS:
            self.warn(f"{self.path}: {self._bad - MAX_LINE_WARNINGS} more bad entries dropped")

    def _fail(self, error: sqlite3.DatabaseError) -> None:
        """A database damaged under a running batch: it goes on without it."""
        self.warn(f"cannot read {self.path} ({error}); the rest of this batch keeps no manifest")
        if self._db is not None:
            self._db.close()
            self._db = None
