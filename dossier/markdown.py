"""Write values into Markdown so that they stay values: pure functions, no I/O.

A value (a name, a charge, a quote) is escaped where it lands, so that it can never become structure:

* :func:`inline` for text inside a paragraph, list item, footnote or heading: ``\\`` first, then
  every character that starts inline syntax (emphasis ``*`` ``_``, code ````` ``, links and footnote
  references ``[`` ``]``, raw HTML and autolinks ``<``, strikethrough ``~``, table pipes ``|``),
  entity references (``&copy;``), and what a GFM renderer would turn into a link (``https://``,
  ``www.``, ``name@host.tld``). Line breaks, tabs and control characters become single spaces, so a
  value cannot end a line, a list item or a table row; and the value's first characters are escaped
  when they could open a block (``#``, ``>``, ``-``, ``+``, ``=``, ``1.``) wherever it lands.
* :func:`cell` for a table cell (an empty value shows as an em dash), :func:`heading_text` for a
  heading (no trailing punctuation, after markdownlint's MD026), :func:`code` for a file name or digest.

Every escape is a backslash escape of ASCII punctuation (CommonMark §2.4), so it renders as the
character itself and costs the reader of the raw text one backslash.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from dossier.safetext import line

_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
"""Runs of whitespace, line and paragraph separators and control characters."""

_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_SCHEME = re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,31}):(?=//)")
_WWW = re.compile(r"(?i)\b(www)\.")
_EMAIL = re.compile(r"@(?=[0-9A-Za-z-]+\.)")
_BLOCK_START = re.compile(r"^(#|=|\+|-|\d{1,9}(?=[.)]))")
_STARTERS = frozenset("#=+-0123456789")
_TRAILING_PUNCT = re.compile(r"[\s.,;:!。，；：！]+$")


def plain(text: str) -> str:
    """One line: every run of whitespace or control characters becomes one space; ends trimmed;
    bidi controls made visible (:func:`dossier.safetext.line`)."""
    if text.isprintable() and "  " not in text and text == text.strip():
        return text  # the common case, without a regex
    return line(_SPACE.sub(" ", text).strip())


# A backslash before each of these; a regex, as str.translate with a table of strings takes
# three times as long on a paragraph of non-ASCII text (37 µs against 12).
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~])")


@lru_cache(maxsize=1 << 16)
def inline(text: str, *, also: str = "") -> str:
    """``text`` escaped to read as itself anywhere inline, as one line. ``also``: more ASCII
    punctuation to escape everywhere in it (a heading escapes ``#``).

    Cached: a brief writes the same names, titles and statuses many times."""
    out = _ESCAPE.sub(r"\\\1", plain(text))
    if also:
        out = re.sub(f"([{re.escape(also)}])", r"\\\1", out)
    if "&" in out:
        out = _ENTITY.sub(r"\\&", out)
    if "://" in out:
        out = _SCHEME.sub(r"\1\\:", out)
    if "." in out and "www." in out.lower():
        out = _WWW.sub(r"\1\\.", out)
    if "@" in out:
        out = _EMAIL.sub(r"\\@", out)
    if out and out[0] in _STARTERS:
        match = _BLOCK_START.match(out)
        if match:
            lead = match.group(1)
            # "1." → "1\." (the digits stay, the list marker goes); "#" → "\#"
            out = lead + "\\" + out[len(lead) :] if lead[0].isdigit() else "\\" + out
    return out


def cell(text: str | None) -> str:
    """A table cell: :func:`inline` (pipes escaped, one line); empty shows as an em dash."""
    value = inline(text or "")
    return value or "—"


def heading_text(text: str) -> str:
    """A heading's text: inline-escaped, without the trailing punctuation MD026 forbids."""
    out = inline(_TRAILING_PUNCT.sub("", plain(text)), also="#")
    return out or "Untitled"


def heading(level: int, text: str) -> str:
    return "#" * level + " " + heading_text(text)


def code(text: str) -> str:
    """A code span for a file name or a digest, fenced by more backticks than the text holds in a
    row (CommonMark §6.1), so backticks inside stay text."""
    value = plain(text)
    if not value:
        return "—"
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def strong(text: str) -> str:
    value = inline(text)
    return f"**{value}**" if value else ""


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GFM table. ``header`` and the cells of ``rows`` are Markdown already (see :func:`cell`)."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    for row in rows:
        lines.append(table_row(row))
    return lines


def table_row(row: Sequence[str]) -> str:
    return "| " + " | ".join(row) + " |"


def quote_marks(text: str) -> str:
    """Inline-escaped text between curly quotes."""
    return f"“{inline(text)}”"
