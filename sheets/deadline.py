"""A time limit for making one sheet, so no record or clinic template holds a run for ever.

SIGALRM, in the main thread, interrupts whatever Python code is running (Jinja, WeasyPrint's
layout) with an exception derived from BaseException, so no ``except Exception`` on the way
swallows it; the limit turns it into a `SheetTimeout`, one line like any `SheetsError`.
Where there is no SIGALRM (Windows) or the code runs outside the main thread, the limit is
not kept here; a batch's main process also ends a worker that overruns by far
(batch/worker.py), for code stuck where no signal reaches it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sheets.errors import SheetsError

SHEET_SECONDS = 120.0  # a sheet takes about half a second; the largest records a few seconds


class SheetTimeout(SheetsError):
    """Making one sheet took longer than its time limit."""


class _Expired(BaseException):
    pass


@contextmanager
def time_limit(seconds: float, message: str) -> Iterator[None]:
    """Raise `SheetTimeout` (``message``) if the block runs longer than ``seconds``."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Expired

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, seconds)
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Expired:
        raise SheetTimeout(message) from None
    finally:
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def over_time(label: str, seconds: float) -> str:
    """The one line for a sheet stopped at its time limit."""
    return (
        f"{label}: making the sheet took longer than {seconds:g} s, so it was stopped "
        "(a very large record, or a clinic template that loops?)"
    )
