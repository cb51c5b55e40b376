"""Errors a user can act on: each names the file and line and says what to do."""

from __future__ import annotations


class KbError(Exception):
    """A user-facing error. The CLI prints it as one line, never as a traceback."""


class NoteError(KbError):
    """A problem in one file, reported as ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line}: {message}")
