"""What a render worker process does: warm WeasyPrint once, then make one thing per job.

A job is ``(kind, record bytes, options, source)``: "pdf" gives the number and PDF bytes, "preview" the
sheet's content as an HTML fragment for the page, "content" the same content as JSON bytes;
all three come from the one `Sheet` the PDF is drawn from. A job runs under the sheet time
limit (deadline.py). The answer is ``("ok", payload)``, ``("error", SheetsError)`` (pickled
whole: the message is the CLI's one line) or ``("bug", "TypeError")``; a bug or a timeout also
asks to retire the worker, so no half-finished state reaches the next record.

Nothing of a record is logged: a bug's log line has the exception's type and the code's
frames, never its message, which may quote the record.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import threading
import traceback
from multiprocessing.connection import Connection
from typing import Any

from sheets.deadline import SheetTimeout, over_time, time_limit
from sheets.errors import SheetsError
from sheets.options import SheetOptions

LOGGER = logging.getLogger("sheets.web")
KINDS = ("pdf", "preview", "content")
# Fields of a `Sheet` that say how to render it, not what it says: left out of its JSON.
RENDER_ONLY = ("template_dirs", "clinic", "fillable", "large_print", "pdf_variant")
# A record small enough to render in a moment, so the first person's sheet is warm too.
WARM_UP = b'{"protocolSection": {"identificationModule": {"nctId": "NCT00000000", "briefTitle": "Warm-up"}}}'

Job = tuple[str, bytes, SheetOptions, str]


def serve(conn: Connection, lifeline: Connection, seconds: float) -> None:
    """A worker's life: warm up, say "ready", then one job at a time until its pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when workers stop
    threading.Thread(target=_exit_with_server, args=(lifeline,), daemon=True).start()
    from sheets.pipeline import render_record

    render_record(WARM_UP, SheetOptions(), source="warm-up")  # fonts, stylesheets, layout code
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        answer = run_job(job, seconds)
        try:
            conn.send(answer)
        except OSError:
            return


def _exit_with_server(lifeline: Connection) -> None:
    """The server holds the only write end of ``lifeline``: its end of file means the server
    is gone (however it ended, kill -9 included), so the worker goes too."""
    try:
        lifeline.poll(None)
    finally:
        os._exit(0)


def run_job(job: Job, seconds: float) -> tuple[str, Any] | tuple[str, Any, bool]:
    kind, data, options, source = job
    try:
        with time_limit(seconds, over_time(source, seconds)):
            return "ok", make(kind, data, options, source)
    except SheetTimeout as error:
        return "error", error, True
    except SheetsError as error:
        return "error", error
    except Exception as error:  # noqa: BLE001 - a bug: one request fails, the server goes on
        frames = "".join(traceback.format_tb(error.__traceback__))
        LOGGER.error("unexpected %s while making a sheet:\n%s", type(error).__name__, frames)
        return "bug", type(error).__name__, True


def make(kind: str, data: bytes, options: SheetOptions, source: str) -> Any:
    """"pdf": (NCT number, PDF bytes), from `pipeline.render_record` (the number
    names the download); "content": JSON bytes; "preview": the number, title and HTML."""
    from sheets.content.build import build_sheet
    from sheets.pipeline import render_record
    from sheets.sources.record import trial_from_bytes

    if kind == "pdf":
        rendered = render_record(data, options, source=source)
        return rendered.trial.nct_id, rendered.pdf
    sheet = build_sheet(trial_from_bytes(data, source), options)
    if kind == "content":
        return json.dumps(sheet_content(sheet), ensure_ascii=False).encode("utf-8")
    if kind == "preview":
        return {"nct_id": sheet.nct_id, "title": sheet.title, "html": preview_html(sheet)}
    raise ValueError(f"no such job: {kind!r}")


def sheet_content(sheet: Any) -> dict[str, Any]:
    """What the sheet says, as JSON: the `Sheet`'s fields but those that only shape the PDF."""
    content = {
        field.name: _plain(getattr(sheet, field.name))
        for field in dataclasses.fields(sheet)
        if field.name not in RENDER_ONLY
    }
    content["glossary"] = [{"term": term, "meaning": meaning} for term, meaning in sheet.glossary]
    content["group_texts"] = [{"group": name, "text": text} for name, text in sheet.group_texts]
    content["document_title"] = sheet.document_title
    return content


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def preview_html(sheet: Any) -> str:
    """The sheet's content as an accessible HTML fragment, in the sheet's language."""
    from sheets.i18n import Catalogue
    from sheets.render.html import render_template

    return render_template("web/preview.html", (), sheet=sheet, t=Catalogue(sheet.lang))
