"""The project's exceptions: messages a user can act on, raised by the library.

Only ``cli.py`` turns them into click errors, so other front-ends can reuse the library.
"""


class SheetsError(Exception):
    """A problem the user can fix; the message is one sentence that says what and where."""


class RecordError(SheetsError):
    """A record that cannot be read or does not describe a study."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
