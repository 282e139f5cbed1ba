"""Search the dossier with FTS5, safely: user text reaches MATCH only through :func:`fts_phrase`."""

from __future__ import annotations

import re

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 1000


def fts_phrase(text: str) -> str:
    """Quote ``text`` as one FTS5 string: the only way user text enters a MATCH expression."""
    return '"' + text.replace("\x00", "").replace('"', '""') + '"'


def words(text: str) -> list[str]:
    """The words FTS5's unicode61 tokenizer would see in ``text`` (letters and digits)."""
    return _TOKEN.findall(text.replace("\x00", " ")[:MAX_QUERY_CHARS])


def prefix_query(text: str) -> str | None:
    """Every word of ``text`` as a prefix, all required: for finding records by name as one types.

    ``None`` when ``text`` has no word to search for.
    """
    tokens = words(text)[:16]
    if not tokens:
        return None
    return " AND ".join(f"{fts_phrase(t)}*" for t in tokens)
