"""What a batch remembers of every record, kept on disk so its memory stays flat.

A result is a JSON line in an anonymous temporary file (gone with the process, whatever ends
it); memory holds only each result's input position and offset (16 bytes) and the counts by
status. The records and trials already seen (to name a duplicate's first copy) are a
temporary SQLite table. A registry's 560,000 records cost the batch about 9 MB instead of
about 450 MB as objects. Read back, the results come in input order, as the report lists them.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import weakref
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import overload


@dataclass
class SheetResult:
    """What happened to one record."""

    record: str
    status: str
    output: str = ""
    error: str = ""
    seconds: float = 0.0
    nct_id: str = ""
    title: str = ""
    worker: int = 0  # the worker's process id, and its memory after the sheet (KiB)
    worker_rss_kib: int = 0


class ResultLog(Sequence[SheetResult]):
    """The results of one batch, in input order, read from disk when asked for."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the log
        weakref.finalize(self, self._file.close)  # closed with the log, without a warning
        self._positions = array("q")  # input position of each result, in landing order
        self._offsets = array("q")  # where its line starts in the file
        self._order: list[int] | None = None  # landing indices sorted by input position
        self.counts: Counter[str] = Counter()

    def add(self, position: int, result: SheetResult) -> None:
        self._file.seek(0, 2)
        self._offsets.append(self._file.tell())
        self._positions.append(position)
        # ASCII-only JSON: a lone surrogate in a file name cannot break the line
        self._file.write(json.dumps(asdict(result), ensure_ascii=True).encode("ascii") + b"\n")
        self.counts[result.status] += 1
        self._order = None

    def __len__(self) -> int:
        return len(self._offsets)

    @overload
    def __getitem__(self, index: int) -> SheetResult: ...
    @overload
    def __getitem__(self, index: slice) -> list[SheetResult]: ...
    def __getitem__(self, index: int | slice) -> SheetResult | list[SheetResult]:
        order = self._sorted()
        if isinstance(index, slice):
            return [self._read(landing) for landing in order[index]]
        return self._read(order[index])

    def __iter__(self) -> Iterator[SheetResult]:
        for landing in self._sorted():
            yield self._read(landing)

    def _sorted(self) -> list[int]:
        if self._order is None:
            self._order = sorted(range(len(self._positions)), key=self._positions.__getitem__)
        return self._order

    def _read(self, landing: int) -> SheetResult:
        self._file.seek(self._offsets[landing])
        return SheetResult(**json.loads(self._file.readline()))


class LabelIndex:
    """key -> the label of the first record that had it (a record's hash, a trial's number),
    in a temporary SQLite file with a small cache: the run's "seen before?" checks."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="sheets-batch-")
        self._db = sqlite3.connect(Path(self._folder.name) / "seen.db", isolation_level=None,
                                   check_same_thread=False)  # fmt: skip
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-2000", "temp_store=FILE"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute("CREATE TABLE labels (key TEXT PRIMARY KEY, label BLOB) WITHOUT ROWID")
        weakref.finalize(self, _close, self._db, self._folder)

    def get(self, key: str) -> str | None:
        row = self._db.execute("SELECT label FROM labels WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0].decode("utf-8", "surrogateescape")

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __getitem__(self, key: str) -> str:
        label = self.get(key)
        if label is None:
            raise KeyError(key)
        return label

    def __setitem__(self, key: str, label: str) -> None:
        # bytes: a label from a file name that is not UTF-8 keeps its escapes exactly
        self._db.execute("INSERT OR REPLACE INTO labels VALUES (?, ?)", (key, label.encode("utf-8", "surrogateescape")))


def _close(db: sqlite3.Connection, folder: tempfile.TemporaryDirectory) -> None:
    db.close()
    folder.cleanup()
