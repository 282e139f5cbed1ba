"""Limits on the case file, checked before it is parsed: a case file from anyone must not exhaust
memory, the stack or the reader's patience. Each limit broken is one
:class:`~dossier.errors.CaseFileError` naming the file and, where there is one, the line.

The limits are far above any real case (the bundled one is 60 KB, 640 lines, nested 4 deep; a
synthetic million-quote case is ~400 MB of SQLite from ~100 MB of TOML):
"""

from __future__ import annotations

import re
from pathlib import Path

from dossier import sources
from dossier.errors import CaseFileError

MAX_CASE_BYTES = sources.MAX_CASE_BYTES
MAX_LINES = 5_000_000
"""Lines in a case file."""
MAX_LINE_CHARS = 1_000_000
"""Characters on one line of a case file (a quote of a whole article fits many times over)."""
MAX_DEPTH = 32
"""Arrays and inline tables inside each other (a record needs 4: a charge's history step's
evidence table). Python's TOML parser recurses once per level and fails at about 1,000 with
a ``RecursionError``."""

# What can hold a bracket that is not structure: strings (four kinds) and comments. Each is matched
# whole, so the scan below jumps over them in C and stops only at brackets.
_TOKENS = re.compile(
    r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""'  # multi-line basic string
    r"|'''[^']*(?:'(?!'')[^']*)*'''"  # multi-line literal string
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"'  # basic string
    r"|'[^'\n]*'"  # literal string
    r"|#[^\n]*"  # comment
    r"|[\[\]{}]",
    re.DOTALL,
)


def read_case_file(path: Path, shown: str) -> bytes:
    """The bytes of the case file: a regular file of at most :data:`MAX_CASE_BYTES`."""
    try:
        return sources.read_regular(path, MAX_CASE_BYTES, "case file")
    except sources.ReadError as exc:
        if path.is_dir():
            raise CaseFileError(f"{shown}: is a directory, not a case file") from None
        if exc.message.endswith(" not found"):
            raise CaseFileError(f"{shown}: case file not found") from None
        raise CaseFileError(f"{shown}: {exc.message}") from None


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_text(text: str, shown: str) -> None:
    """Refuse a case file with too many lines, too long a line, or values nested too deep."""
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise CaseFileError(f"{shown}: {lines:,} lines, more than the {MAX_LINES:,} allowed")
    if len(text) > MAX_LINE_CHARS:
        for number, row in enumerate(text.split("\n"), start=1):
            if len(row) > MAX_LINE_CHARS:
                raise CaseFileError(
                    f"{shown}:{number}: a line of {len(row):,} characters, more than the "
                    f"{MAX_LINE_CHARS:,} allowed"
                )
    if "[" not in text and "{" not in text:
        return
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise CaseFileError(
                    f"{shown}:{_line(text, match.start())}: values nested more than "
                    f"{MAX_DEPTH} deep (arrays or inline tables inside each other)"
                )
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)


def too_deep(shown: str) -> CaseFileError:
    """For a ``RecursionError`` the scan above did not foresee."""
    return CaseFileError(f"{shown}: values nested too deep to read")
