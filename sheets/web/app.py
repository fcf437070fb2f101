"""The FastAPI application: its settings, the render pool's life, the security headers, and
how every problem becomes a page or a JSON error with the right status.

`serve` runs it with uvicorn, in one process whose event loop only waits: records are fetched
in threads and sheets are made in the pool's processes. The access log is off, since a
request's address can carry a person's ZIP code (``near=``); nothing of an upload is logged.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sheets.deadline import SheetTimeout
from sheets.errors import RecordError, SheetsError
from sheets.sources.ctgov import FetchError
from sheets.version import __version__
from sheets.web.forms import TooLarge
from sheets.web.limits import SECURITY_HEADERS, RateLimit, TooMany
from sheets.web.pool import Bug, Busy, RenderPool, Unavailable
from sheets.web.records import MAX_AGE

# The problems the client and the cache name for a study that is not there to be had.
MISSING = ("no such study", "not in the record cache")


@dataclass(frozen=True)
class WebSettings:
    workers: int = os.cpu_count() or 1  # render processes
    queue: int = 32  # renders that may wait for a worker before the server answers 503
    render_seconds: float = 60.0  # a sheet's time limit
    rate_limit: int = 60  # sheets and previews a client may ask for a minute
    api_url: str | None = None
    offline: bool = False
    max_age: float = MAX_AGE  # seconds a cached record is used before it is fetched again


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The application; its render pool starts and stops with it (its lifespan)."""
    from sheets.web.routes import router

    settings = settings or WebSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with RenderPool(settings.workers, queue=settings.queue,
                              seconds=settings.render_seconds) as pool:  # fmt: skip
            app.state.pool = pool
            yield

    app = FastAPI(
        title="trial-sheets", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None,  # their pages load scripts from a CDN
    )  # fmt: skip
    app.state.settings = settings
    app.state.rate = RateLimit(settings.rate_limit)
    app.include_router(router)
    app.add_exception_handler(HTTPException, _http_problem)
    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds `limits.SECURITY_HEADERS` to every answer (a route's own values stand)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def status_for(error: BaseException) -> int:
    """The HTTP status that says what went wrong: 404 no such study, 413 too large, 422 a
    record or an option that cannot be used, 429 too many, 502 the registry failed, 503 the
    server is busy, a render overran or a worker stopped, 500 a bug."""
    if isinstance(error, (Busy, Unavailable, SheetTimeout)):
        return 503
    if isinstance(error, TooMany):
        return 429
    if isinstance(error, FetchError):
        return 502
    if isinstance(error, TooLarge):
        return 413
    if isinstance(error, RecordError) and error.problem.startswith(MISSING):
        return 404
    if isinstance(error, SheetsError):
        return 422
    if isinstance(error, Bug):
        return 500
    raise error


def message_of(error: BaseException) -> str:
    """The one line a person reads: the CLI's for a `SheetsError`, a bug's type otherwise."""
    if isinstance(error, Bug):
        return (
            f"unexpected failure ({error}); this is a bug in trial-sheets, "
            "please tell the people who run this page"
        )
    return " ".join(str(error).split())


def retry_headers(error: BaseException) -> dict[str, str]:
    seconds = getattr(error, "retry_after", None)
    if seconds is None and isinstance(error, (Unavailable, SheetTimeout)):
        seconds = 5
    return {"Retry-After": str(seconds)} if seconds is not None else {}


def json_problem(error: BaseException) -> JSONResponse:
    return JSONResponse(
        {"error": message_of(error)}, status_code=status_for(error), headers=retry_headers(error)
    )


async def _http_problem(request: Request, error: Any) -> Response:
    """Starlette's own answers (no such page, wrong method) in the page's two voices."""
    problem = "no such page here" if error.status_code == 404 else str(error.detail)
    if request.url.path.startswith("/sheets"):
        return JSONResponse({"error": problem}, status_code=error.status_code)
    from sheets.web.routes import page

    return page(request, status_code=error.status_code, error=problem)


def serve(settings: WebSettings, *, host: str, port: int) -> None:
    """Run the page until interrupted (Ctrl-C or SIGTERM end it cleanly)."""
    import uvicorn

    uvicorn.run(create_app(settings), host=host, port=port, access_log=False, log_level="info",
                server_header=False, timeout_graceful_shutdown=30)  # fmt: skip
