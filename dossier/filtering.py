"""What a pane's filter matches: words folded (no case, no accents), found in SQL without operators.

A pane's filter is plain text typed by the user. It is cut into words of letters and digits
(quotes, ``*``, ``%``, ``AND``, NUL and the like are never operators: they are dropped, or matched
as the plain words they are), and a row is kept when every word starts a word of the row:

* in a record pane (the ``listing`` table), of the row's ``search`` column: its cells and every
  spelling of the record and of the people and organisations it refers to, folded
  (:func:`fold`: lower case, no accents) when the dossier is built. A word is looked for with
  ``instr`` — never ``LIKE`` or ``MATCH`` — so no character of it means anything to SQLite;
* in the Quotes pane, with the quotes' FTS5 index, like search: the quote's words, its speakers'
  and the people it names, in every spelling (each word quoted by :func:`dossier.search.fts_phrase`).

Standard library only: the build, the app's read layer and the CLI import it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from dossier.deferred import dataclass
from dossier.search import fts_phrase

_WORD = re.compile(r"\w+", re.UNICODE)

MAX_WORDS = 16
"""A filter uses its first 16 words: a 10 kB paste narrows nothing more than they do."""
MAX_CHARS = 1000
"""…and its first 1,000 characters."""


def fold(text: str) -> str:
    """``text`` as a filter compares it: lower case, accents removed, its words separated by one
    space, with a space before the first (so `` chav`` finds a word starting "chav")."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " " + " ".join(_WORD.findall(plain.casefold()))


def search_text(parts: Iterable[str]) -> str:
    """The ``listing.search`` column of a row: ``parts`` (its cells and spellings) folded, each
    word once, in the order first met."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in fold(part).split():
            seen.setdefault(word)
    return " " + " ".join(seen) + " " if seen else ""


@dataclass(frozen=True)
class Filter:
    """A pane's filter as typed: :attr:`text` as shown in the pane's title."""

    text: str

    @property
    def words(self) -> list[str]:
        """The folded words a row must each have the start of a word for (empty: no filter)."""
        return fold(self.text[:MAX_CHARS]).split()[:MAX_WORDS]

    @property
    def active(self) -> bool:
        return bool(self.words)

    def listing_sql(self, column: str = "l.search") -> tuple[str, tuple[str, ...]]:
        """SQL: a condition on ``column`` keeping the rows with every word (``"1"``: none)."""
        found = self.words
        if not found:
            return "1", ()
        return " AND ".join(f"instr({column}, ?) > 0" for _ in found), tuple(f" {w}" for w in found)

    def fts_expression(self) -> str | None:
        """An FTS5 MATCH expression for the quotes' index: every word, as a prefix when it has two
        letters or more (one letter is a whole word: a one-letter prefix means almost every
        quote, and is beyond the index's prefix sizes)."""
        found = self.words
        if not found:
            return None
        return " AND ".join(fts_phrase(w) + ("*" if len(w) > 1 else "") for w in found)
