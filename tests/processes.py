"""The processes of a command started in its own session, read from /proc: what a kill -9
test needs to say that nothing was left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def session_processes(session: int) -> list[str]:
    """The live processes (not zombies) of a session, from /proc: pid, state and command."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == session and fields[0] != "Z":
            found.append(f"{entry} {fields[0]} {command[:120]}")
    return found


def kill_leaves_nothing(process: subprocess.Popen, *, wait: float) -> list[str]:
    """kill -9 the command alone (its children are not told), then what of its session is
    still alive after ``wait`` seconds: [] when everything went with it."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + wait
    while session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return session_processes(process.pid)


def end_session(process: subprocess.Popen) -> None:
    """Whatever a failed test left of the session, ended."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
