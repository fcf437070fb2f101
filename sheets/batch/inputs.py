"""What a batch reads: every INPUT the user names, expanded into one item per record.

Owns telling the kinds of input apart and splitting them into records; it does not parse
records (record.py, in the workers) or render. An input that cannot be read becomes an item
that carries its error, so the batch reports it and goes on with the rest.

Kinds, tried in this order:

- ``search:cond=melanoma&status=RECRUITING&max=50`` is a ClinicalTrials.gov search (keys
  ``cond``, ``term``, ``locn``, ``status`` (comma-separated), ``max``), run by ctgov.py;
- an NCT number is read from the record cache or fetched (sources.py);
- a folder: every ``*.json`` and ``*.xml`` record file in it and its subfolders;
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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from sheets.errors import RecordError, SheetsError
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
SEARCH_KEYS = {"cond": "condition", "term": "term", "locn": "location", "status": "status"}
RECORD_SUFFIXES = (".json", ".xml")
LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class RecordInput:
    """One record for the batch: its bytes (or the file that holds them), or why it has none."""

    label: str  # what the user recognises: a path, "list.jsonl line 3", an NCT number
    data: bytes | None = None
    path: Path | None = None
    error: str = ""

    def read(self) -> bytes:
        """The record's bytes; a file is read now, so a long batch does not hold them all. A
        file gone, or no longer a regular file of a record's size, is an `OSError` whose
        ``strerror`` says so (the batch reports it as the item's one line)."""
        if self.data is not None:
            return self.data
        assert self.path is not None
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
) -> list[RecordInput]:
    """Every record the inputs name, in the order given."""
    from sheets.sources.resolve import RecordSource

    items: list[RecordInput] = []
    with RecordSource(api_url=api_url, offline=offline, refresh=refresh) as source:
        for spec in specs:
            try:
                items.extend(_expand(spec, source))
            except SheetsError as error:
                items.append(RecordInput(spec, error=str(error)))
    return items


def _expand(spec: str, source) -> Iterator[RecordInput]:
    path = Path(spec)
    if spec.startswith(SEARCH_PREFIX) and not path.exists():
        yield from _search(spec, source)
    elif looks_like_nct(spec) and not path.exists():
        yield _by_number(spec, spec, source)
    elif path.is_dir():
        found = sorted(
            f for f in path.rglob("*")
            if f.suffix.lower() in RECORD_SUFFIXES and f.is_file()
            and not any(part.startswith(".") for part in f.relative_to(path).parts)
        )  # fmt: skip
        for found_file in found:
            yield from _file(found_file)
    elif not path.exists():
        yield RecordInput(spec, error=f"{spec}: no such file or folder")
    elif path.suffix.lower() == ".txt":
        yield from _number_list(path, source)
    elif path.suffix.lower() in LINES_SUFFIXES:
        yield from _json_lines(path)
    else:
        yield from _file(path)


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


def _number_list(path: Path, source) -> Iterator[RecordInput]:
    try:
        text = read_record(path, limit=MAX_LIST_BYTES).decode("utf-8-sig")
    except RecordError as error:
        yield RecordInput(str(path), error=str(error))
        return
    except UnicodeDecodeError:
        yield RecordInput(str(path), error=f"{path}: the list of NCT numbers is not UTF-8 text")
        return
    for number, line in enumerate(text.splitlines(), 1):
        spec = line.split("#", 1)[0].strip()
        if spec:
            yield _by_number(spec, f"{path} line {number}", source)


def _by_number(spec: str, label: str, source) -> RecordInput:
    try:
        study = source.study(spec)
    except SheetsError as error:
        return RecordInput(label, error=f"{label}: {error}")
    return RecordInput(label, data=json_bytes(study))


def _json_lines(path: Path) -> Iterator[RecordInput]:
    try:
        lines = read_record(path, limit=MAX_LIST_BYTES).split(b"\n")
    except RecordError as error:
        yield RecordInput(str(path), error=str(error))
        return
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield RecordInput(f"{path} line {number}", data=line)


def parse_search(spec: str) -> dict:
    """``search:cond=x&status=A,B&max=50`` -> keyword arguments for `ClinicalTrialsClient.search`."""
    query = spec[len(SEARCH_PREFIX) :]
    asked = dict(parse_qsl(query, keep_blank_values=True))
    wanted: dict = {}
    for key, value in asked.items():
        if key == "max":
            if not value.isdigit() or int(value) < 1:
                raise SheetsError(f"{spec}: max must be a whole number above 0, not {value!r}")
            wanted["max_studies"] = int(value)
        elif key in SEARCH_KEYS:
            wanted[SEARCH_KEYS[key]] = value.split(",") if key == "status" else value
        else:
            known = ", ".join([*SEARCH_KEYS, "max"])
            raise SheetsError(f"{spec}: unknown search key {key!r} (known: {known})")
    if not any(k in wanted for k in ("condition", "term", "location")):
        raise SheetsError(f"{spec}: a search needs cond=, term= or locn=")
    return wanted


def _search(spec: str, source) -> Iterator[RecordInput]:
    """Each study a search finds; the search is one client, paged by ctgov.py."""
    query = parse_search(spec)
    if source.offline:
        raise SheetsError(f"{spec}: a search needs the network, and --offline forbids it")
    with ClinicalTrialsClient(source.api_url) as client:
        for number, study in enumerate(client.search(**query), 1):
            yield RecordInput(f"{spec} #{number}", data=json_bytes(study))
