"""Limits on record input, and the readers that check them before the input is trusted.

A record comes from a file, the cache or the API, and any of them may be damaged or hostile.
A record file is read only if it is a regular file of bounded size (`read_record`,
`read_head`): a FIFO or /dev/zero is refused unread, without blocking. Python's json module
fails three ways a record must never reach: nesting past about 1,000 levels raises
RecursionError, an integer over 4,300 digits raises ValueError, and a lone surrogate escape
("\\ud800") becomes a string no encoder can write, so the renderer, the cache or a batch
fails on it later. `parse_json` refuses the first two as a `RecordError` before it parses,
and replaces lone surrogates with U+FFFD as the input is read. The limits are far above any
real record's, and are named here once.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Any

from sheets.errors import RecordError, SheetsError
from sheets.files import not_regular, read_regular

#: A record file, a cached record, one line of a .jsonl file.
MAX_RECORD_BYTES = 32 * 1024 * 1024
#: A file a batch splits into records: a saved search response, a .jsonl or .txt list.
MAX_LIST_BYTES = 512 * 1024 * 1024
#: Levels of nesting in a JSON or XML record; real records nest fewer than 10.
MAX_DEPTH = 64
#: Characters in one JSON number (digits, sign, point, exponent); real records need under 20.
MAX_NUMBER_LENGTH = 100

# A JSON string, escapes included; one left open runs to the end, so every match is linear.
_STRING = re.compile(r'"[^"\\]*+(?:\\.?[^"\\]*+)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEPS = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})
_LONG_NUMBER = re.compile(rf"[-+.\deE]{{{MAX_NUMBER_LENGTH + 1},}}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def read_record(path: Path, *, limit: int = MAX_RECORD_BYTES) -> bytes:
    """A record file's bytes, read by `read_regular`: a FIFO, a device or a folder is refused
    before any read, and so is a file over ``limit`` bytes, each as a `RecordError`."""
    try:
        return read_regular(path, limit=limit, what="the record")
    except SheetsError as error:
        raise RecordError(str(path), str(error).removeprefix(f"the record {path}: ")) from None


def read_head(path: Path, size: int) -> bytes:
    """The first ``size`` bytes of a record file, to tell its format. The file is opened
    without blocking, so a FIFO cannot hang the run; anything but a regular file is a
    `RecordError`."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise RecordError(str(path), f"cannot read the file ({error.strerror or error})") from None
    try:
        if problem := not_regular(fd):
            raise RecordError(str(path), problem)
        with open(fd, "rb", closefd=False) as handle:
            return handle.read(size)
    finally:
        os.close(fd)


def parse_json(data: bytes | str, source: str) -> Any:
    """The JSON value in ``data``, checked before it is trusted; any problem is one `RecordError`
    naming ``source``: not UTF-8, nested deeper than `MAX_DEPTH`, a number longer than
    `MAX_NUMBER_LENGTH`, or not valid JSON. Lone surrogates in any text come back as U+FFFD."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RecordError(source, "the file is not UTF-8 text") from None
    bare = _STRING.sub("", data)  # what is left is structure: brackets, numbers, words
    if _depth(bare) > MAX_DEPTH:
        raise RecordError(
            source,
            f"the JSON nests deeper than {MAX_DEPTH} levels (real records nest fewer than 10)",
        )
    if number := _LONG_NUMBER.search(bare):
        raise RecordError(
            source,
            f"the JSON holds a number {len(number.group()):,} characters long "
            f"(at most {MAX_NUMBER_LENGTH} are read)",
        )
    try:
        value = json.loads(data)
    except json.JSONDecodeError as error:
        raise RecordError(
            source, f"not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    return replace_lone_surrogates(value, source) if _SURROGATE_ESCAPE.search(data) else value


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of JSON ``text`` nest, found without parsing it."""
    return _depth(_STRING.sub("", text))


def _depth(bare: str) -> int:
    """The deepest nesting of JSON with its strings removed: each bracket steps the depth up
    or down, in one linear pass."""
    steps = _NOT_BRACKET.sub("", bare).translate(_STEPS).encode("latin-1")
    return max(accumulate(array("b", steps)), default=0)


def replace_lone_surrogates(value: Any, source: str, depth: int = 0) -> Any:
    """``value`` with every lone surrogate in its text (keys too) replaced by U+FFFD, for JSON
    parsed elsewhere (an API answer); nesting deeper than `MAX_DEPTH` is a `RecordError`."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if depth > MAX_DEPTH:
        raise RecordError(source, f"the JSON nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, list):
        return [replace_lone_surrogates(item, source, depth + 1) for item in value]
    if isinstance(value, dict):
        return {
            _SURROGATE.sub("\ufffd", key): replace_lone_surrogates(item, source, depth + 1)
            for key, item in value.items()
        }
    return value


def json_bytes(value: Any, *, indent: int | None = None) -> bytes:
    """``value`` as UTF-8 JSON, text kept readable (not \\u-escaped); a lone surrogate becomes
    U+FFFD instead of failing the write."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _SURROGATE.sub("\ufffd", text).encode("utf-8")
