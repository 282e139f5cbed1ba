"""The one exception type that reaches the user: a one-line message naming the place, exit code 2."""

from __future__ import annotations


class DossierError(Exception):
    """An error caused by input the user gave: printed as one line, never as a traceback."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = " ".join(message.split()) if "\n" in message else message

    def __str__(self) -> str:
        return self.message


class CaseFileError(DossierError):
    """The case file or one of its sources is wrong; the message starts with ``file:line:``."""


class NotADossierError(DossierError):
    """A path that is missing, not SQLite, or SQLite without a dossier in it."""


class SchemaTooNewError(DossierError):
    """A dossier written by a newer version of this program."""


class SchemaTooOldError(NotADossierError):
    """A dossier written by an older version: rebuild it."""


def read_failure(error: BaseException | None, db_name: str) -> str:
    """One line for a failure while reading the dossier ``db_name`` (a worker's error)."""
    import sqlite3

    if isinstance(error, sqlite3.Error):
        return f"Cannot read the dossier {db_name}: {error}"
    if isinstance(error, DossierError):
        return error.message
    return f"Something went wrong: {error!r}"


def shown(path: object) -> str:
    """A path as the user would write it: relative to the working folder when inside it."""
    from pathlib import Path

    p = Path(str(path))
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)
