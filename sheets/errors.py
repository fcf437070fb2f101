"""The project's exceptions: messages a user can act on, raised by the library.

Only ``cli.py`` turns them into click errors, so other front-ends can reuse the library. They
pickle whole (class, message and attributes), so a batch worker process can raise them.
"""

from __future__ import annotations


class SheetsError(Exception):
    """A problem the user can fix; the message is one sentence that says what and where."""


class RecordError(SheetsError):
    """A record that cannot be read or does not describe a study."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")

    def __reduce__(self) -> tuple[type[RecordError], tuple[str, str], dict[str, object]]:
        # Exception pickles as cls(*self.args), and args holds the one joined message
        return type(self), (self.source, self.problem), self.__dict__
