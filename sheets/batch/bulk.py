"""The bulk download (``ctg-studies.json.zip``, one JSON file per study) read in place.

Owns walking a zip's central directory one entry at a time, and reading one member's bytes
when its sheet is made. zipfile would do neither: it lists every entry in memory when it opens
an archive (about 200 MB for 560,000 studies), and unpacking would need the disk twice over.

The archive is untrusted. Member names are only ever labels, never paths, so a name like
``../../x.json`` writes nothing anywhere. A member larger than a record file may be
(`MAX_RECORD_BYTES`) is refused from its listed size, and its data is inflated only up to that
limit whatever its header claims, then checked against its size and CRC-32. Only stored and
deflated members are read; an encrypted one, or one in another method, is that record's one
line. Each read opens the archive again (about 20 microseconds), so a member is a few numbers,
safe to keep or send to another process.
"""

from __future__ import annotations

import errno
import os
import stat
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from sheets.errors import RecordError
from sheets.sources.limits import MAX_RECORD_BYTES

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory
_LOCATOR = struct.Struct("<4sLQL")  # where the zip64 end record is
_EOCD64 = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # one entry of the central directory
_LOCAL = struct.Struct("<4s5H3L2H")  # the header before a member's data
_MAX_COMMENT = 65535
_STORED, _DEFLATED = 0, 8
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Member:
    """Where one member's data lies in the archive, from its central directory entry."""

    name: str  # shown to the user, never used as a path
    raw_name: bytes  # as stored, to check the member's own header names the same file
    offset: int  # of its local header
    method: int
    flags: int
    crc: int
    compressed: int
    size: int

    def problem(self) -> str:
        """Why this member cannot be read as a record, or ""; known from the listing alone."""
        if self.flags & 0x1:
            return "is encrypted; only plain archives are read"
        if self.method not in (_STORED, _DEFLATED):
            return f"is compressed in a way this reader does not read (method {self.method})"
        if self.size > MAX_RECORD_BYTES or self.compressed > 2 * MAX_RECORD_BYTES:
            return f"is too large for a study record (the limit is {MAX_RECORD_BYTES:,} bytes)"
        return ""

    def read(self, archive: Path) -> bytes:
        """The member's bytes, inflated within the record limit and checked; a damaged or
        changed archive is an `OSError` whose ``strerror`` says what is wrong."""
        if problem := self.problem():
            raise OSError(errno.EIO, problem)
        try:
            with _open_regular(archive, buffering=65536) as handle:
                handle.seek(self.offset)
                header = handle.read(_LOCAL.size)
                if len(header) < _LOCAL.size or _LOCAL.unpack(header)[0] != b"PK\x03\x04":
                    raise _damaged("its entry does not start where the archive's list says")
                name_length, extra_length = _LOCAL.unpack(header)[9:11]
                if handle.read(name_length) != self.raw_name:
                    raise _damaged("its entry names another file than the archive's list")
                handle.seek(extra_length, os.SEEK_CUR)
                data = handle.read(self.compressed)
        except RecordError as error:
            raise OSError(errno.EIO, error.problem, str(archive)) from None
        if len(data) < self.compressed:
            raise _damaged("the archive ends inside it (a download cut short?)")
        if self.method == _DEFLATED:
            data = _inflate(data)
        if len(data) != self.size or zlib.crc32(data) != self.crc:
            raise _damaged("its size or checksum is not the one listed (a damaged download?)")
        return data


def _inflate(data: bytes) -> bytes:
    inflater = zlib.decompressobj(-15)
    try:
        out = inflater.decompress(data, MAX_RECORD_BYTES + 1)
    except zlib.error:
        raise _damaged("its compressed data is damaged") from None
    if len(out) > MAX_RECORD_BYTES:
        problem = f"is too large for a study record (the limit is {MAX_RECORD_BYTES:,} bytes)"
        raise OSError(errno.EFBIG, problem)
    if not inflater.eof:
        raise _damaged("its compressed data ends early")
    return out


def _damaged(problem: str) -> OSError:
    return OSError(errno.EIO, f"the archive is damaged here: {problem}")


def members(archive: Path) -> Iterator[Member]:
    """Every file in the archive (folders left out), in the order its central directory lists
    them, read one entry at a time. An archive that is not a zip, or whose list is damaged, is
    a `RecordError` (after the members before the damage)."""
    with _open_regular(archive) as handle:
        count, size, offset = _directory(handle, archive)
        handle.seek(offset)
        left = size
        for _ in range(count):
            fixed = handle.read(_CENTRAL.size)
            if len(fixed) < _CENTRAL.size or left < _CENTRAL.size:
                raise RecordError(str(archive), "its list of files ends early (a damaged download?)")
            fields = _CENTRAL.unpack(fixed)
            if fields[0] != b"PK\x01\x02":
                raise RecordError(str(archive), "its list of files is damaged")
            flags, method, crc, compressed, full = fields[3], fields[4], *fields[7:10]
            name_length, extra_length, comment_length = fields[10:13]
            offset_here = fields[16]
            raw_name = handle.read(name_length)
            extra = handle.read(extra_length)
            handle.seek(comment_length, os.SEEK_CUR)
            left -= _CENTRAL.size + name_length + extra_length + comment_length
            full, compressed, offset_here = _zip64(extra, full, compressed, offset_here)
            if raw_name.endswith(b"/"):
                continue
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
            shown = "".join(ch for ch in name if ch.isprintable())[:200]
            yield Member(shown, raw_name, offset_here, method, flags, crc, compressed, full)


def _directory(handle: BinaryIO, archive: Path) -> tuple[int, int, int]:
    """(entries, size, offset) of the central directory, from the end record (zip64 too)."""
    end = handle.seek(0, os.SEEK_END)
    tail_start = max(0, end - _EOCD.size - _MAX_COMMENT)
    handle.seek(tail_start)
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise RecordError(str(archive), "is not a zip archive (or its end is missing)")
    _, disk, _, _, count, size, offset, _ = _EOCD.unpack_from(tail, at)
    if disk != 0:
        raise RecordError(str(archive), "is split over several files; join them first")
    if 0xFFFF in (count,) or 0xFFFFFFFF in (size, offset):
        where = tail_start + at - _LOCATOR.size
        handle.seek(max(where, 0))
        locator = handle.read(_LOCATOR.size)
        if where < 0 or _LOCATOR.unpack(locator)[0] != b"PK\x06\x07":
            raise RecordError(str(archive), "its zip64 end record is missing")
        handle.seek(_LOCATOR.unpack(locator)[2])
        record = handle.read(_EOCD64.size)
        if len(record) < _EOCD64.size or _EOCD64.unpack(record)[0] != b"PK\x06\x06":
            raise RecordError(str(archive), "its zip64 end record is damaged")
        count, size, offset = _EOCD64.unpack(record)[7:10]
    if offset + size > end:
        raise RecordError(str(archive), "its list of files lies past its end (a download cut short?)")
    return count, size, offset


def _zip64(extra: bytes, full: int, compressed: int, offset: int) -> tuple[int, int, int]:
    """The sizes and offset a zip64 extra field holds for the fields marked 0xFFFFFFFF."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if at + 4 + length > len(extra):
            break
        if kind == 0x0001:
            values = iter(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            full = next(values, full) if full == 0xFFFFFFFF else full
            compressed = next(values, compressed) if compressed == 0xFFFFFFFF else compressed
            offset = next(values, offset) if offset == 0xFFFFFFFF else offset
            break
        at += 4 + length
    return full, compressed, offset


def _open_regular(archive: Path, buffering: int = _CHUNK) -> BinaryIO:
    """The archive opened without blocking: a pipe or a device in its place is refused."""
    try:
        fd = os.open(archive, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise RecordError(str(archive), f"cannot read the file ({error.strerror or error})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        what = "is a folder, not a file" if stat.S_ISDIR(mode) else (
            "is not a regular file (a pipe, device or socket)")  # fmt: skip
        raise RecordError(str(archive), what)
    return os.fdopen(fd, "rb", buffering=buffering)
