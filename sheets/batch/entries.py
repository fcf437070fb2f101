"""A manifest entry checked before it is trusted, from the database or an old JSON Lines file.

Owns what a good entry is (an NCT number, a hash the batch writes, a path where some layout
puts that trial's sheet, inside the output folder, a size, a date) and reading the legacy JSON
Lines manifest line by line within bounds; manifest.py owns storing entries.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any, BinaryIO

from sheets.batch.layout import is_sheet_path

MAX_LINE_BYTES = 1024 * 1024  # of a legacy line; a real one is about 300 bytes
_NCT = re.compile(r"NCT\d{8}", re.ASCII)
_HASH = re.compile(r"[0-9a-f]{64}")


def legacy_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The legacy manifest's non-blank lines with their numbers, each read within
    MAX_LINE_BYTES: an over-long line comes back cut (and is refused), and is skipped whole."""
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
            while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                pass
        if line.strip():
            yield number, line


def storable(value: Any) -> Any:
    """Text SQLite can store: a lone surrogate (a file name that is not UTF-8) becomes ?."""
    return value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value


def printable(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable())


_KINDS: dict[str, type] = {"nct_id": str, "hash": str, "output": str, "bytes": int}
_TEXT = ("title", "record", "valid_until")  # optional


def checked_entry(line: bytes) -> tuple[dict | None, str]:
    """A legacy manifest line as an entry the batch can trust, or None and what is wrong."""
    if len(line) > MAX_LINE_BYTES:
        return None, f"is longer than {MAX_LINE_BYTES:,} bytes"
    try:
        entry: Any = json.loads(line)
    except RecursionError:
        return None, "is nested too deeply"
    except ValueError:
        return None, "is not JSON (a batch stopped while writing it?)"
    if not isinstance(entry, dict):
        return None, "is not a JSON object"
    return checked_fields(entry)


def checked_fields(entry: dict, *, text_ok: bool = False) -> tuple[dict | None, str]:
    """An entry (a legacy line's object, or a row) checked field by field. ``text_ok``: its
    text is known to encode (SQLite's, decoded with replacement), so it is not re-encoded."""
    for key, kind in _KINDS.items():
        value = entry.get(key)
        if not isinstance(value, kind) or isinstance(value, bool):
            return None, f'"{key}" is missing or not {"a number" if kind is int else "text"}'
    for key in _TEXT:
        if not isinstance(entry.get(key, ""), str):
            return None, f'"{key}" is not text'
    if not _NCT.fullmatch(entry["nct_id"]) or not _HASH.fullmatch(entry["hash"]):
        return None, "its NCT number or hash is not one the batch writes"
    if not is_sheet_path(entry["output"], entry["nct_id"]) or entry["bytes"] < 0:
        return None, f'"output" is not where a batch puts {entry["nct_id"]}.pdf, or "bytes" is below 0'
    until = entry.get("valid_until", "")
    if until:
        try:
            date.fromisoformat(until)
        except ValueError:
            return None, '"valid_until" is not a date'
    kept = {key: entry[key] for key in _KINDS}
    for key in _TEXT:  # shown, never trusted: a lone surrogate becomes ?
        kept[key] = entry.get(key, "") if text_ok else storable(entry.get(key, ""))
    return kept, ""
