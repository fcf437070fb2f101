"""What a request brings: its body read in memory within a limit, a form's fields and its
uploaded record, and the sheet options they choose.

An upload is kept as bytes in memory only: never written to disk (not even to a spooled
temporary file), never under a name the sender chose. Its file name serves only to name the
record in a message, as `sheets make` names a file: reduced to its last part, printable
characters, 80 at most. Options are built by `options.options_from_flags`, as the CLI builds
them, from the same names: paper, lang, large_print, fillable, near, secondary_outcomes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import parse_qsl

from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from sheets.errors import SheetsError
from sheets.i18n import BASE
from sheets.options import DEFAULT_LINK_TEMPLATE, SheetOptions, options_from_flags

MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # a record with a thousand sites is about 1 MB
MAX_FORM_BYTES = MAX_UPLOAD_BYTES * 2 + 64 * 1024  # an upload, or a kept one in base64, and fields
MAX_FIELD_CHARS = 200
MAX_PARTS = 16
OPTION_NAMES = ("paper", "lang", "large_print", "fillable", "near", "secondary_outcomes")
FLAGS = ("large_print", "fillable", "secondary_outcomes")
FIELD_NAMES = frozenset({"nct", "action", "kept_record", "kept_name", *OPTION_NAMES})
UPLOAD_FIELD = "record"
UPLOAD_LABEL = "the uploaded record"
_TRUE, _FALSE = {"1", "true", "on", "yes"}, {"", "0", "false", "off", "no"}


class TooLarge(SheetsError):
    """A request body over its limit (HTTP 413)."""


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    upload: bytes | None = None  # the record file chosen, or the one kept from a preview
    upload_name: str = UPLOAD_LABEL
    new_upload: bool | None = None  # True: a file chosen now; False: kept from a preview


async def read_body(request: Request, limit: int, what: str) -> bytes:
    """The whole body, refused as soon as it is known to be over ``limit`` bytes: by its
    Content-Length before reading, else while it streams in."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"{what} is too large ({int(declared):,} bytes; the limit is {limit:,})")
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise TooLarge(f"{what} is too large (over {limit:,} bytes)")
    except ClientDisconnect:
        raise SheetsError("the request ended before its body was sent") from None
    return bytes(body)


def parse_form(content_type: str, body: bytes) -> Form:
    """The fields and the record of a form sent as multipart/form-data (with a file) or as
    application/x-www-form-urlencoded (without one)."""
    kind, params = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("utf-8"), max_num_fields=MAX_PARTS)
        except (UnicodeDecodeError, ValueError):
            raise SheetsError("the form could not be read") from None
        form = Form({name: value for name, value in pairs if name in FIELD_NAMES})
    elif kind == b"multipart/form-data" and params.get(b"boundary"):
        form = _multipart(params[b"boundary"], body)
    else:
        raise SheetsError("the form must be sent as multipart/form-data")
    for name, value in form.fields.items():
        if len(value) > MAX_FIELD_CHARS and name != "kept_record":
            raise SheetsError(f"the form's {name} field is too long")
    if form.upload is None and form.fields.get("kept_record"):
        form.upload = _kept(form.fields["kept_record"])
        form.upload_name = upload_name(form.fields.get("kept_name", ""))
        form.new_upload = False
    return form


def _multipart(boundary: bytes, body: bytes) -> Form:
    parts: list[dict] = []
    header: list[bytes] = [b"", b""]

    def begin() -> None:
        parts.append({"headers": {}, "data": bytearray()})
        if len(parts) > MAX_PARTS:
            raise SheetsError("the form has too many fields")

    def end_header() -> None:
        parts[-1]["headers"][header[0].decode("latin-1").lower()] = header[1]
        header[:] = [b"", b""]

    callbacks = {
        "on_part_begin": begin,
        "on_header_field": lambda data, start, end: header.__setitem__(0, header[0] + data[start:end]),
        "on_header_value": lambda data, start, end: header.__setitem__(1, header[1] + data[start:end]),
        "on_header_end": end_header,
        "on_part_data": lambda data, start, end: parts[-1]["data"].extend(data[start:end]),
    }
    try:
        parser = MultipartParser(boundary, callbacks, max_size=len(body))  # type: ignore[arg-type]
        parser.write(body)
        parser.finalize()
    except MultipartParseError:
        raise SheetsError("the form could not be read (it is not valid multipart/form-data)") from None
    form = Form()
    for part in parts:
        _disposition, options = parse_options_header(part["headers"].get("content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options:
            if name != UPLOAD_FIELD:
                raise SheetsError(f"the form has an unexpected file field ({name[:40]!r})")
            if part["data"] or options[b"filename"]:  # a browser sends an empty part for no file
                form.upload = _upload(bytes(part["data"]))
                form.new_upload = True
                form.upload_name = upload_name(options[b"filename"].decode("utf-8", "replace"))
        elif name in FIELD_NAMES:
            try:
                form.fields[name] = part["data"].decode("utf-8")
            except UnicodeDecodeError:
                raise SheetsError(f"the form's {name} field is not UTF-8 text") from None
    return form


def _upload(data: bytes) -> bytes:
    if len(data) > MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"{UPLOAD_LABEL} is too large ({len(data):,} bytes; the limit is {MAX_UPLOAD_BYTES:,})"
        )
    if not data:
        raise SheetsError(f"{UPLOAD_LABEL} is empty")
    return data


def _kept(text: str) -> bytes:
    """The record a preview kept in its form, as base64, so Download PDF needs no new upload."""
    try:
        return _upload(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError):
        raise SheetsError("the form's kept record is damaged: choose the file again") from None


def keep(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def upload_name(filename: str) -> str:
    """A name for the record in messages: the file name's last part, printable, 80 at most."""
    last = PurePosixPath(filename.replace("\\", "/")).name
    shown = "".join(ch for ch in last if ch.isprintable()).strip()[:80]
    return shown or UPLOAD_LABEL


def options_from_fields(fields: Mapping[str, str]) -> SheetOptions:
    """The sheet options a form or a query chose, checked as `sheets make` checks its flags."""
    near = " ".join(fields.get("near", "").split())
    if len(near) > 100 or not near.isprintable():
        raise SheetsError("near: give a ZIP/postcode or a country (at most 100 characters)")
    flags: dict[str, object] = {
        "paper": fields.get("paper") or "letter",
        "link_template": DEFAULT_LINK_TEMPLATE,
        "near": near or None,
        "questions_file": None,
        "clinic_file": None,
        "lang": fields.get("lang") or BASE,
        "pdf_variant": None,
        "defaulted": frozenset(),
    }
    for name in FLAGS:
        value = fields.get(name, "").strip().lower()
        if value not in _TRUE | _FALSE:
            raise SheetsError(f"{name} must be true or false, not {value[:20]!r}")
        flags[name] = value in _TRUE
    return options_from_flags(flags)


def check_query(names: list[str], allowed: tuple[str, ...] = OPTION_NAMES) -> None:
    """A query names only known options (and each at most once): no path, nothing else."""
    for name in names:
        if name not in allowed:
            raise SheetsError(f"unknown option {name[:40]!r} (known: {', '.join(allowed)})")
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SheetsError(f"option {repeated[0]!r} is given more than once")
