"""The routes: the page (a plain HTML form that works without JavaScript, a preview, the PDF)
and the API beside it (``/sheets/{nct}.pdf``, ``/sheets/{nct}.json``, ``POST /sheets``).

Every route that makes a sheet or fetches a record counts against the client's rate, reads
options only from known names, and answers a problem with the CLI's one line: on the page in
a ``role="alert"`` region, from the API as ``{"error": ...}`` (or as the page, to a browser
that asks for HTML), with the status `app.status_for` gives.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from sheets.errors import SheetsError
from sheets.i18n import languages
from sheets.render.html import render_template
from sheets.resources import fonts_dir, templates_dir
from sheets.version import __version__
from sheets.web.app import json_problem, message_of, retry_headers, status_for
from sheets.web.forms import (
    MAX_FORM_BYTES,
    MAX_UPLOAD_BYTES,
    OPTION_NAMES,
    Form,
    check_query,
    keep,
    options_from_fields,
    parse_form,
    read_body,
)
from sheets.web.pool import Bug
from sheets.web.records import record_bytes

router = APIRouter()
FONTS = {  # the page's own type, the sheet's: fixed names, never a path from the request
    "atkinson-regular.ttf": "AtkinsonHyperlegible-Regular.ttf",
    "atkinson-bold.ttf": "AtkinsonHyperlegible-Bold.ttf",
}
POSTED = "the posted record"
_NCT = re.compile(r"NCT\d{8}")
Problem = (SheetsError, Bug)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    return page(request)


@router.get("/style.css")
async def stylesheet() -> Response:
    css = (templates_dir() / "web" / "web.css").read_bytes()
    return Response(css, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/fonts/{name}")
async def font(name: str) -> Response:
    if name not in FONTS:
        return Response(status_code=404)
    data = (fonts_dir() / FONTS[name]).read_bytes()
    return Response(data, media_type="font/ttf", headers={"Cache-Control": "public, max-age=86400"})


@router.post("/sheet")
async def sheet_form(request: Request) -> Response:
    """The form: Preview shows the sheet's content on the page, Download PDF sends the PDF."""
    form, kept = Form(), None
    try:
        _count(request)
        body = await read_body(request, MAX_FORM_BYTES, "the form")
        form = parse_form(request.headers.get("content-type", ""), body)
        action = form.fields.get("action") or "preview"
        if action not in ("preview", "pdf"):
            raise SheetsError(f"the form asked for {action[:20]!r}: choose Preview or Download PDF")
        options = options_from_fields(form.fields)
        number = form.fields.get("nct", "").strip()
        if number and form.new_upload:
            raise SheetsError("give a trial number or a record file, not both")
        if number:
            source, data = await _record(request, number)
            form.fields["nct"] = source
        elif form.upload is not None:
            source, data = form.upload_name, form.upload
            kept = {"record": keep(data), "name": source}
        else:
            raise SheetsError("type a trial number (NCT followed by 8 digits) or choose a record file")
        pool = request.app.state.pool
        if action == "pdf":
            return pdf_response(*await pool.run("pdf", data, options, source))
        preview = await pool.run("preview", data, options, source)
    except Problem as error:
        if form.new_upload is False:  # a record kept from a preview stays for the next try
            kept = {"record": form.fields.get("kept_record", ""), "name": form.upload_name}
        elif form.new_upload:
            kept = None
        return page(request, status_code=status_for(error), error=message_of(error),
                    fields=form.fields, kept=kept, headers=retry_headers(error))  # fmt: skip
    if kept is None:
        query = {name: form.fields[name] for name in OPTION_NAMES if form.fields.get(name)}
        preview["download"] = f"/sheets/{preview['nct_id']}.pdf" + (f"?{urlencode(query)}" if query else "")
    else:
        kept["nct_id"] = preview["nct_id"]
    return page(request, fields=form.fields, kept=kept, preview=preview)


@router.get("/sheets/{nct}.pdf")
async def sheet_pdf(request: Request, nct: str) -> Response:
    """The sheet's PDF, as ``sheets make NCT... --paper ... --lang ...`` makes it."""
    try:
        options = _api_options(request)
        source, data = await _record(request, nct)
        return pdf_response(*await request.app.state.pool.run("pdf", data, options, source))
    except Problem as error:
        return problem(request, error)


@router.get("/sheets/{nct}.json")
async def sheet_json(request: Request, nct: str) -> Response:
    """What the sheet says, as JSON: the content the PDF is drawn from."""
    try:
        options = _api_options(request)
        source, data = await _record(request, nct)
        content = await request.app.state.pool.run("content", data, options, source)
    except Problem as error:
        return problem(request, error)
    return Response(content, media_type="application/json")


@router.post("/sheets")
async def post_sheet(request: Request) -> Response:
    """A record in the body (JSON or XML, as a file holds it): its PDF, or with
    ``?format=json`` its content."""
    try:
        options = _api_options(request, extra=("format",))
        wanted = request.query_params.get("format", "pdf")
        if wanted not in ("pdf", "json"):
            raise SheetsError(f"format must be pdf or json, not {wanted[:20]!r}")
        data = await read_body(request, MAX_UPLOAD_BYTES, POSTED)
        if not data:
            raise SheetsError(f"{POSTED} is empty: send a study record as the request body")
        pool = request.app.state.pool
        if wanted == "json":
            return Response(await pool.run("content", data, options, POSTED), media_type="application/json")
        return pdf_response(*await pool.run("pdf", data, options, POSTED))
    except Problem as error:
        return problem(request, error)


def _count(request: Request) -> None:
    client = request.client.host if request.client else "unknown"
    request.app.state.rate.take(client)


def _api_options(request: Request, extra: tuple[str, ...] = ()) -> Any:
    _count(request)
    check_query([name for name, _ in request.query_params.multi_items()], (*OPTION_NAMES, *extra))
    return options_from_fields(request.query_params)


async def _record(request: Request, number: str) -> tuple[str, bytes]:
    settings = request.app.state.settings
    return await run_in_threadpool(
        record_bytes, number, api_url=settings.api_url, offline=settings.offline,
        max_age=settings.max_age,
    )  # fmt: skip


def pdf_response(nct_id: str, pdf: bytes) -> Response:
    name = nct_id if _NCT.fullmatch(nct_id) else "sheet"
    headers = {"Content-Disposition": f'attachment; filename="{name}.pdf"', "Cache-Control": "no-store"}
    return Response(pdf, media_type="application/pdf", headers=headers)


def problem(request: Request, error: BaseException) -> Response:
    """The API's answer to a problem: JSON, or the page for a browser that asks for HTML."""
    if "text/html" in request.headers.get("accept", ""):
        return page(request, status_code=status_for(error), error=message_of(error),
                    headers=retry_headers(error))  # fmt: skip
    return json_problem(error)


def page(
    request: Request, *, status_code: int = 200, error: str = "", fields: dict[str, str] | None = None,
    kept: dict[str, str] | None = None, preview: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The page: the form (as it was sent), and a problem or a preview under it."""
    fields = fields or {}
    html = render_template(
        "web/page.html", (), fields=fields, kept=kept, error=error, languages=languages(),
        preview={**preview, "html": Markup(preview["html"])} if preview else None,
        version=__version__, max_upload_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    )  # fmt: skip
    return HTMLResponse(html, status_code=status_code, headers=headers)
