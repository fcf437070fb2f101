"""What a batch reads: every INPUT the user names, expanded into one item per record, lazily.

Owns telling the kinds of input apart and splitting them into records; it does not parse
records (record.py, in the workers) or render. An input that cannot be read becomes an item
that carries its error, so the batch reports it and goes on with the rest.

`expand_inputs` is a generator and every kind is streamed, because a registry-wide batch has
560,000 records: folders are walked, lists read line by line, a search fetched page by page as
the batch reaches it, the bulk download's members read one at a time (bulk.py). A file or a
bulk member is an item that holds no bytes until the batch reads it. Only a saved search
response is read whole, as JSON must be.

Kinds, tried in this order:

- ``search:cond=melanoma&status=RECRUITING&max=50`` is a ClinicalTrials.gov search (keys
  ``cond``, ``term``, ``locn``, ``status`` (comma-separated), ``updated-since`` and
  ``updated-until`` (dates, the record's last update), ``max``), run by ctgov.py;
- an NCT number is read from the record cache or fetched (sources.py);
- a folder: every ``*.json`` and ``*.xml`` record file in it and its subfolders;
- ``*.zip``: the bulk download, every ``*.json`` and ``*.xml`` member;
- ``*.txt``: NCT numbers, one a line (``#`` starts a comment);
- ``*.jsonl`` / ``*.ndjson``: one record (a study object) a line;
- ``*.json`` holding a search response (``{"studies": [...]}``): each study;
- any other file: one record file (API v2 JSON, classic JSON or legacy XML).

Files are read as records are (limits.py): only regular files, opened without
blocking (a FIFO cannot hang the batch), of bounded size; a list or a search response may be
larger than one record (`MAX_LIST_BYTES`), each record in it no larger than one record file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO
from urllib.parse import parse_qsl

from sheets.batch.bulk import Member, members
from sheets.errors import RecordError, SheetsError
from sheets.files import not_regular
from sheets.sources.ctgov import ClinicalTrialsClient, looks_like_nct
from sheets.sources.limits import (
    MAX_LIST_BYTES,
    MAX_RECORD_BYTES,
    json_bytes,
    parse_json,
    read_head,
    read_record,
)
from sheets.sources.record import search_studies

SEARCH_PREFIX = "search:"
SEARCH_KEYS = {"cond": "condition", "term": "term", "locn": "location", "status": "status",
               "updated-since": "updated_since", "updated-until": "updated_until"}  # fmt: skip
RECORD_SUFFIXES = (".json", ".xml")
LINES_SUFFIXES = (".jsonl", ".ndjson")
BULK_SUFFIX = ".zip"


@dataclass(frozen=True)
class RecordInput:
    """One record for the batch: its bytes, or where to read them (a file, a member of the
    bulk download), or why it has none."""

    label: str  # what the user recognises: a path, "list.jsonl line 3", an NCT number
    data: bytes | None = None
    path: Path | None = None  # the record file, or the bulk download that holds ``member``
    error: str = ""
    member: Member | None = None

    def read(self) -> bytes:
        """The record's bytes; a file or a member is read now, so a long batch does not hold
        them all. A file gone, no longer a regular file of a record's size, or a damaged
        member, is an `OSError` whose ``strerror`` says so (the item's one line)."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        if self.member is not None:
            return self.member.read(self.path)
        try:
            return read_record(self.path)
        except RecordError as error:
            raise OSError(errno.EIO, error.problem, str(self.path)) from None


def expand_inputs(
    specs: Iterable[str],
    *,
    api_url: str | None = None,
    offline: bool = False,
    refresh: bool = False,
) -> Iterator[RecordInput]:
    """Every record the inputs name, in the order given, one at a time as the caller asks
    (a generator: iterate it once; call again for another pass)."""
    from sheets.sources.resolve import RecordSource

    with RecordSource(api_url=api_url, offline=offline, refresh=refresh) as source:
        for spec in specs:
            try:
                yield from _expand(spec, source)
            except SheetsError as error:
                yield RecordInput(spec, error=str(error))


def _expand(spec: str, source) -> Iterator[RecordInput]:
    path = Path(spec)
    if spec.startswith(SEARCH_PREFIX) and not path.exists():
        yield from _search(spec, source)
    elif looks_like_nct(spec) and not path.exists():
        yield _by_number(spec, spec, source)
    elif path.is_dir():
        for found_file in _walk(path):
            yield from _file(found_file)
    elif not path.exists():
        yield RecordInput(spec, error=f"{spec}: no such file or folder")
    elif path.suffix.lower() == BULK_SUFFIX:
        yield from _bulk(path)
    elif path.suffix.lower() == ".txt":
        yield from _number_list(path, source)
    elif path.suffix.lower() in LINES_SUFFIXES:
        yield from _json_lines(path)
    else:
        yield from _file(path)


def _walk(folder: Path) -> Iterator[Path]:
    """Record files under ``folder`` in sorted path order, hidden names and linked folders
    left out; each folder's names are listed, never the whole tree. Whatever is named like a
    record goes on, so one that is not a regular file is reported, not silently passed over."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path)
        elif path.suffix.lower() in RECORD_SUFFIXES:
            yield path  # a pipe or device named like a record is one failed line, not skipped


def _bulk(path: Path) -> Iterator[RecordInput]:
    """Each record in the bulk download, read in place (bulk.py); nothing is unpacked."""
    for member in members(path):
        hidden = any(  # as in a folder; ".." is only part of a label here, never a path
            (part.startswith(".") and part not in (".", "..")) or part == "__MACOSX"
            for part in member.name.split("/")
        )
        if member.name.lower().endswith(RECORD_SUFFIXES) and not hidden:
            label = f"{path} {member.name}"
            problem = member.problem()
            yield RecordInput(label, error=f"{label}: {problem}") if problem else RecordInput(
                label, path=path, member=member)  # fmt: skip


def _file(path: Path) -> Iterator[RecordInput]:
    """A record file, or each study of a search response saved to a file (API v2 or classic)."""
    try:
        head = read_head(path, 2048)  # a FIFO or a device is refused here, unread
        studies = _saved_search(path, head)
        size = path.stat().st_size
    except RecordError as error:
        yield RecordInput(str(path), error=str(error))
        return
    except OSError as error:  # gone since
        yield RecordInput(str(path), error=f"{path}: cannot read the file ({error.strerror})")
        return
    if studies is None or len(studies) <= 1:
        if size > MAX_RECORD_BYTES:
            problem = f"is too large for a study record (the limit is {MAX_RECORD_BYTES:,} bytes)"
            yield RecordInput(str(path), error=f"{path}: {problem}")
        else:
            yield RecordInput(str(path), path=path)
        return
    for number, study in enumerate(studies, 1):
        yield RecordInput(f"{path} study {number}", data=json_bytes(study))


def _saved_search(path: Path, head: bytes) -> list | None:
    """The studies of a search response saved to ``path`` (API v2 or classic), or None when
    its first bytes show it is not one (a study's own keys come before any "studies")."""
    v2 = b'"studies"' in head and b'"protocolSection"' not in head.split(b'"studies"')[0]
    if not v2 and b'"FullStudiesResponse"' not in head:
        return None
    source = str(path)
    return search_studies(parse_json(read_record(path, limit=MAX_LIST_BYTES), source), source)


def _open_list(path: Path) -> BinaryIO:
    """A list file opened to be read line by line: a regular file (opened without blocking)
    of at most `MAX_LIST_BYTES`, else a `RecordError` as `read_record` words it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise RecordError(str(path), f"cannot read it ({error.strerror or error})") from None
    if problem := not_regular(fd, MAX_LIST_BYTES):
        os.close(fd)
        raise RecordError(str(path), problem)
    return os.fdopen(fd, "rb")


def _lines(path: Path, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(number, line) for each line of a list, each read within ``limit`` bytes; a longer
    line is (number, None) and skipped whole. The file is read past `MAX_LIST_BYTES` never."""
    with _open_list(path) as handle:
        number, total = 0, 0
        while (line := handle.readline(limit + 1)) and total <= MAX_LIST_BYTES:
            number += 1
            total += len(line)
            if len(line) > limit and not line.endswith(b"\n"):
                while (rest := handle.readline(limit)) and not rest.endswith(b"\n"):
                    total += len(rest)
                yield number, None
            else:
                yield number, line


def _number_list(path: Path, source) -> Iterator[RecordInput]:
    try:
        for number, line in _lines(path, 4096):
            label = f"{path} line {number}"
            try:
                text = "" if line is None else line.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield RecordInput(str(path), error=f"{path}: the list of NCT numbers is not UTF-8 text")
                return
            spec = text.split("#", 1)[0].strip() if line is not None else "(a line too long)"
            if spec:
                yield _by_number(spec, label, source)
    except RecordError as error:
        yield RecordInput(str(path), error=str(error))


def _by_number(spec: str, label: str, source) -> RecordInput:
    try:
        study = source.study(spec)
    except SheetsError as error:
        return RecordInput(label, error=f"{label}: {error}")
    return RecordInput(label, data=json_bytes(study))


def _json_lines(path: Path) -> Iterator[RecordInput]:
    try:
        for number, line in _lines(path, MAX_RECORD_BYTES):
            label = f"{path} line {number}"
            if line is None:
                problem = f"is too large for a study record (the limit is {MAX_RECORD_BYTES:,} bytes)"
                yield RecordInput(label, error=f"{label}: {problem}")
            elif line.strip():
                yield RecordInput(label, data=line.rstrip(b"\r\n"))
    except RecordError as error:
        yield RecordInput(str(path), error=str(error))


def parse_search(spec: str) -> dict:
    """``search:cond=x&status=A,B&updated-since=2026-12-01&max=50`` -> keyword arguments for
    `ClinicalTrialsClient.search`."""
    query = spec[len(SEARCH_PREFIX) :]
    asked = dict(parse_qsl(query, keep_blank_values=True))
    wanted: dict = {}
    for key, value in asked.items():
        if key == "max":
            if not value.isdigit() or int(value) < 1:
                raise SheetsError(f"{spec}: max must be a whole number above 0, not {value!r}")
            wanted["max_studies"] = int(value)
        elif key.startswith("updated-") and key in SEARCH_KEYS:
            try:
                wanted[SEARCH_KEYS[key]] = date.fromisoformat(value.strip())
            except ValueError:
                raise SheetsError(f"{spec}: {key} must be a date (YYYY-MM-DD), not {value!r}") from None
        elif key == "status":
            wanted["status"] = [code for code in value.split(",") if code.strip()]
        elif key in SEARCH_KEYS:
            wanted[SEARCH_KEYS[key]] = value
        else:
            known = ", ".join([*SEARCH_KEYS, "max"])
            raise SheetsError(f"{spec}: unknown search key {key!r} (known: {known})")
    since, until = wanted.get("updated_since"), wanted.get("updated_until")
    if since and until and since > until:
        raise SheetsError(f"{spec}: updated-since is after updated-until, so nothing can match")
    if not any(wanted.get(k) for k in ("condition", "term", "location", "status", "updated_since")):
        raise SheetsError(
            f"{spec}: a search needs cond=, term=, locn=, status= or updated-since= (for every"
            " study, give the bulk download, ctg-studies.json.zip)"
        )
    return wanted


def _search(spec: str, source) -> Iterator[RecordInput]:
    """Each study a search finds, page by page as the batch reaches it (ctgov.py pages)."""
    query = parse_search(spec)
    if source.offline:
        raise SheetsError(f"{spec}: a search needs the network, and --offline forbids it")
    with ClinicalTrialsClient(source.api_url) as client:
        for number, study in enumerate(client.search(**query), 1):
            yield RecordInput(f"{spec} #{number}", data=json_bytes(study))
