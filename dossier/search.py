"""Search the dossier's quotes with FTS5, safely and fast.

User text reaches a MATCH expression only through :func:`fts_phrase`, which quotes it as one FTS5
string; operators (``AND``, ``OR``, ``NOT``, parentheses, column filters, ``*``) are written by this
module, never taken from the user. Any input — unbalanced quotes, a lone ``-``, ``AND (``, NUL,
emoji, 10,000 characters — parses into a query, into nothing to search for (with a hint), or into a
query that finds nothing; it never raises.

Query syntax, as :func:`parse` reads it:

* ``castillo`` — a word, in the quote's words, its speakers' names and aliases, or the names and
  aliases of the people it mentions; case and accents do not matter either way (``chavez`` finds
  "Chávez", ``Perú`` finds "Peru", ``Peru's`` finds "Peru’s").
* The word being typed — the last one, with no space after it — matches as a prefix (``cast``
  finds "Castillo"), so results follow the keyboard; ``word*`` makes any word a prefix. A
  one-letter prefix is matched as a whole word (it would mean every word with that letter).
* ``"first poor president"`` — a phrase, matched exactly (``"…"*`` makes its last word a prefix).
  A phrase whose closing quote is missing runs to the end of the query.
* ``-word``, ``-"a phrase"``, ``NOT word`` — leave out quotes that match (whole words, or
  ``-word*``).
* ``a OR b`` — either; words without ``OR`` between them are all required (``AND`` is allowed and
  changes nothing).
* ``speaker:zera``, ``speaker:"de zera"`` — said by someone with that name or alias (the words
  within one speaker's names); ``speaker:unattributed`` — said by no one named.

Ranking: bm25 of the quote's own words, best first; ties (and quotes that match only by a speaker's
or a mentioned person's name) newest first, undated quotes last.

Speed on a dossier of a million quotes: bm25 costs time in proportion to the number of matches
(over a second for ``de``), while listing matches in rowid order (= date order) costs almost
nothing. So a search reads the newest :data:`CAP` + 1 matches without scoring them; only when no
more than :data:`CAP` match does it score and rank them, otherwise it shows the newest first and
says so (``ranked=False``, "1,000+"). A prefix of five letters or more is beyond the index's
prefix sizes (``prefix='2 3 4'``): FTS5 then merges every matching word's postings before the first
match, whatever the LIMIT, so only the word being typed is a prefix. Snippets are made in Python
from the quotes shown, not with FTS5's ``snippet()``, which would run the MATCH again (once per
quote for ``rowid IN (…)``). A ``speaker:`` filter is looked up among the speakers first
(``speaker_fts``, a row per speaker), then found in the quotes' index as the keys of the speakers it
names, one token each (``quote.speaker_keys``): for ``speaker:"de zela" asilo`` at a million
quotes, matching the phrase in every quote's speakers took 25 ms, the key 9 ms. A
:class:`Searcher` can be interrupted from another thread when the user types on.

Standard library only: no Textual, no ORM (this module is on the app's path to its first screen).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier import schema, store
from dossier.dates import UNDATED, display_date
from dossier.deferred import dataclass
from dossier.errors import DossierError
from dossier.words import plural

if TYPE_CHECKING:
    from rich.text import Text

_TOKEN = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_CHARS = 1000
"""Longer queries are cut to this many characters (with a hint)."""
MAX_TERMS = 24
"""Words, phrases and filters searched at most (with a hint beyond)."""
CAP = 1000
"""Up to this many matches are counted exactly and ranked best first; beyond, newest first."""
DEFAULT_LIMIT = 50
MAX_LIMIT = CAP

MARK_START = "\ue000"
"""Put before a matched word in :attr:`QuoteHit.snippet` (a private-use character)."""
MARK_END = "\ue001"
"""Put after a matched word in :attr:`QuoteHit.snippet`."""
ELLIPSIS = "…"

SPEAKER_COLUMN = "search_speakers"
KEYS_COLUMN = "speaker_keys"
RANK_EXPR = "bm25(quote_fts, 1.0, 0.0, 0.0, 0.0)"
"""bm25 of the quote's own words only. The name columns repeat each person's name in every
spelling, and FTS5's bm25 scores a row as one document, so weighting them in would rank "The two
deny the charges." (said by Chávez, five spellings) above a quote that says "Chávez"; quotes that
match only by a name score 0 and follow, newest first."""


MAX_SPEAKERS = 64
"""A ``speaker:`` filter that names more speakers than this (``speaker:ma`` as one types) is
matched as words in the quotes' speakers' names instead of by their keys: then, as before the keys,
a phrase may also match across the names of two speakers of one quote."""

_UNSAID = re.compile("[\x00\ue000-\uf8ff]")
"""NUL, and the private-use characters: the match marks and the speakers' keys are made of them."""


def fts_phrase(text: str) -> str:
    """Quote ``text`` as one FTS5 string: the only way user text enters a MATCH expression. It
    never holds a private-use character, so it cannot name a speaker's key."""
    return '"' + _UNSAID.sub("", text).replace('"', '""') + '"'


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


# ---------------------------------------------------------------------------------------------------
# Parsing


@dataclass(frozen=True)
class Term:
    """One word or phrase of a query, as the user wrote it (FTS5 tokenizes it again)."""

    text: str
    prefix: bool = False
    """Whether the last word matches as a prefix."""
    speaker: bool = False
    """Whether it must match a speaker's name or alias (``speaker:``)."""

    def fts(self) -> str:
        phrase = fts_phrase(self.text) + ("*" if self.prefix else "")
        return f"{SPEAKER_COLUMN} : {phrase}" if self.speaker else phrase


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match (a group is terms joined by ``OR``), no exclusion
    may."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    hint: str | None = None

    @property
    def expression(self) -> str | None:
        """The FTS5 MATCH expression, or ``None`` when there is nothing to search for.
        ``speaker:`` filters are matched as words in the speakers' names (a :class:`Searcher`
        looks them up by key instead)."""
        return self.expression_with(Term.fts)

    def expression_with(self, write: Callable[[Term], str | None]) -> str | None:
        """The MATCH expression with each term as ``write`` writes it (``None``: the term matches
        no quote). ``None`` when there is nothing to search for, :data:`NO_MATCH` when nothing
        can match."""
        if not self.groups:
            return None
        required = []
        for group in self.groups:
            either = [e for e in map(write, group) if e is not None]
            if not either:
                return NO_MATCH
            required.append(either[0] if len(either) == 1 else "(" + " OR ".join(either) + ")")
        excluded = [e for e in map(write, self.excluded) if e is not None]
        if not excluded:
            return " AND ".join(required)
        return f"({' AND '.join(required)}) NOT ({' OR '.join(excluded)})"


NO_MATCH = ""
"""The expression of a query that no quote can match (a ``speaker:`` filter that names nobody)."""


HINT_EMPTY = 'Type a word to search for, a "phrase", -word to leave out, or speaker:name.'
HINT_NO_WORDS = 'Nothing to search for: type a word, a "phrase" or speaker:name.'
HINT_ONLY_EXCLUDED = "Add a word to search for: -word only leaves quotes out."


def _clean(text: str) -> str:
    """Drop what SQLite cannot take: NUL, and lone surrogates (from undecodable command lines);
    and the private-use characters of the match marks and speakers' keys (:data:`_UNSAID`)."""
    text = _UNSAID.sub("", text.replace("\x00", " "))
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        text = text.encode("utf-8", "ignore").decode("utf-8")
    return text


def _is_word_char(ch: str) -> bool:
    """Letters, digits, combining marks and private-use characters: what unicode61 keeps."""
    cat = unicodedata.category(ch)
    return cat[0] in "LNM" or cat == "Co"


def _last_word_length(text: str) -> int:
    """Letters and digits in the last word of ``text`` (0 when it has no word)."""
    end = len(text)
    while end and not _is_word_char(text[end - 1]):
        end -= 1
    n = 0
    while end and _is_word_char(text[end - 1]):
        if unicodedata.category(text[end - 1])[0] != "M":
            n += 1
        end -= 1
    return n


def _term(text: str, *, prefix: bool, speaker: bool) -> Term | None:
    last = _last_word_length(text)
    if last == 0:
        return None  # only punctuation, symbols or emoji: nothing FTS5 would index
    # A one-letter prefix would merge the postings of every word with that letter: match it whole.
    return Term(text, prefix=prefix and last >= 2, speaker=speaker)


_OPERATORS = ("OR", "AND", "NOT")


def parse(text: str) -> Query:
    """Read a user's query; never raises. See the module's docstring for the syntax."""
    hints: list[str] = []
    text = _clean(text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        hints.append(f"Only the first {MAX_QUERY_CHARS:,} characters were searched.")
    if not text.strip():
        return Query(hint=HINT_EMPTY)

    # (term, excluded, prefix only because it is the word being typed) or an operator
    items: list[tuple[Term, bool, bool] | str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negate = False
        if text[i] == "-":
            while i < n and text[i] == "-":
                i += 1
            if i == n or text[i].isspace():
                continue  # a lone "-"
            negate = True
        speaker = False
        if text[i : i + 8].lower() == "speaker:":
            i += 8
            if i == n or text[i].isspace():
                continue  # "speaker:" with nothing after it (yet)
            speaker = True
        if text[i] == '"':
            close = text.find('"', i + 1)
            if close == -1:  # unbalanced: the phrase runs to the end
                # Not a prefix: a prefix inside a phrase makes FTS5 merge the positions of every
                # word it begins, for every quote (0.1-0.2 s on a million quotes).
                body, i, star, typing = text[i + 1 :], n, False, False
            else:
                body, i, star, typing = text[i + 1 : close], close + 1, False, False
                if i < n and text[i] == "*":
                    star = True
                    i += 1
        else:
            start = i
            while i < n and not text[i].isspace() and text[i] != '"':
                i += 1
            body = text[start:i]
            if not negate and not speaker and body in _OPERATORS:
                items.append(body)
                continue
            star = body.endswith("*")
            body = body.rstrip("*")
            typing = i == n  # the last word, not followed by a space: still being typed
        term = _term(body, prefix=star or typing, speaker=speaker)
        if term is not None:
            items.append((term, negate, typing and not star))

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    pending_or = pending_not = False
    used = 0
    for item in items:
        if isinstance(item, str):
            if item == "OR":
                pending_or = bool(groups)
            elif item == "NOT":
                pending_not = True
            continue
        if used == MAX_TERMS:
            hints.append(f"Only the first {MAX_TERMS} words and phrases were searched.")
            break
        used += 1
        term, negate, typing = item
        if negate or pending_not:
            # Leave out only whole words until the user says otherwise ("-cha*"): excluding
            # every word that starts with what is typed so far would empty the list at each key.
            excluded.append(Term(term.text, False, term.speaker) if typing else term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = pending_not = False

    if not groups:
        hints.insert(0, HINT_ONLY_EXCLUDED if excluded else HINT_NO_WORDS)
    return Query(
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        hint=" ".join(hints) or None,
    )


# ---------------------------------------------------------------------------------------------------
# Results


MATCH_STYLE = "bold reverse"
"""Matched words in a snippet: the style the detail panel gives cited words."""


@dataclass(frozen=True)
class QuoteHit:
    """One quote found, with what a result list shows and where the quote is in its source."""

    id: str
    speaker: str
    """The speakers' names, or "unattributed"."""
    date: str
    """The date at its precision ("3 November 2025", "February 2023"), or "date not stated"."""
    date_iso: str | None
    kind: str
    """direct, reported or epithet."""
    text: str
    snippet: str
    """Words of the quote around the matches, each match between :data:`MARK_START` and
    :data:`MARK_END`, cut with "…"."""
    source: str
    start: int
    end: int

    def highlights(self) -> tuple[str, tuple[tuple[int, int], ...]]:
        """The snippet without marks, and the (start, end) of each match in it."""
        return split_marks(self.snippet)

    def marked(self, style: str = MATCH_STYLE) -> Text:
        """The snippet as a :class:`rich.text.Text` (plain text, never markup), each match in
        ``style``: what the command line prints and the app lists."""
        from rich.text import Text

        from dossier.safetext import line

        plain, spans = self.highlights()
        text = Text(line(plain))  # control characters visible, one for one: spans stay valid
        for start, end in spans:
            text.stylize(style, start, end)
        return text


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[QuoteHit, ...] = ()
    total: int = 0
    """How many quotes match, at most :data:`CAP`."""
    capped: bool = False
    """More than :data:`CAP` quotes match."""
    ranked: bool = True
    """Hits are best first (bm25, ties newest first); ``False``: newest first, unranked."""
    hint: str | None = None
    expression: str | None = field(default=None, repr=False)
    """The FTS5 expression searched (for debugging); when a ``speaker:`` filter names nobody,
    nothing is searched and this is the query's expression by names (:attr:`Query.expression`)."""

    @property
    def count_label(self) -> str:
        """ "1 quote", "12 quotes", "1,000+ quotes", "no quotes"."""
        if self.capped:
            return f"{self.total:,}+ quotes"
        return plural(self.total, "quote")

    @property
    def order_label(self) -> str:
        return "best first" if self.ranked else "too many to rank: newest first"


def split_marks(snippet: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Remove the match marks from ``snippet``; return the plain text and the marked spans."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    opened: int | None = None
    for ch in snippet:
        if ch == MARK_START:
            opened = at
        elif ch == MARK_END:
            if opened is not None and at > opened:
                spans.append((opened, at))
            opened = None
        else:
            plain.append(ch)
            at += 1
    return "".join(plain), tuple(spans)


_SCAN_SQL = (
    "SELECT rowid, {score} FROM quote_fts WHERE quote_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
)
_FIND_SQL = _SCAN_SQL.format(score="0.0")
_RANK_SQL = _SCAN_SQL.format(score=RANK_EXPR)
_SPEAKERS_SQL = "SELECT rowid FROM speaker_fts WHERE speaker_fts MATCH ? ORDER BY rowid LIMIT ?"
_QUOTE_SQL = (
    "SELECT pos, id, coalesce(speaker_names, 'unattributed'), date, date_precision, date_approx, kind, text, source, "
    'start, "end" FROM quote WHERE pos IN ({marks})'
)


# ---------------------------------------------------------------------------------------------------
# Snippets

SNIPPET_CHARS = 160
"""About two lines of a result list: a longer quote is cut to this many characters around its
matches."""

_WORDS = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """``text`` lower-cased without diacritics, as ``remove_diacritics 2`` folds Latin letters."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class _FoldTable(dict[int, str]):
    """For ``str.translate``: each character folded, when that keeps it one character."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code))
        value = folded if len(folded) == 1 else chr(code)
        self[code] = value
        return value


_FOLD = _FoldTable()


def highlighter(query: Query) -> re.Pattern[str] | None:
    """A pattern that finds, in a quote's folded words, what ``query`` matched there (its words
    and phrases; not ``speaker:`` filters or exclusions)."""
    alternatives = []
    for group in query.groups:
        for term in group:
            parts = _WORDS.findall(unicodedata.normalize("NFC", term.text).translate(_FOLD))
            if term.speaker or not parts:
                continue
            body = r"[\W_]+".join(re.escape(p) for p in parts)
            tail = r"[^\W_]*" if term.prefix else r"(?![^\W_])"
            alternatives.append(rf"(?<![^\W_]){body}{tail}")
    return re.compile("|".join(alternatives)) if alternatives else None


def make_snippet(text: str, pattern: re.Pattern[str] | None, size: int = SNIPPET_CHARS) -> str:
    """``text`` on one line, cut to about ``size`` characters around its best run of matches, each
    match between :data:`MARK_START` and :data:`MARK_END`, with "…" where it was cut.

    FTS5 decides which quotes match; this only shows where. (FTS5's ``snippet()`` would need the
    MATCH to run again for the quotes shown, which can cost as much as the search itself.)
    """
    text = " ".join(unicodedata.normalize("NFC", text).split())
    text = text.replace(MARK_START, "").replace(MARK_END, "")  # ours alone mark matches
    found = [m.span() for m in pattern.finditer(text.translate(_FOLD))] if pattern else []
    start, end = 0, len(text)
    if end > size:
        if found:  # the window that holds the most matches, a little context before them
            lead = size // 4
            first = max(
                (a for a, _ in found),
                key=lambda at: (
                    sum(1 for a, b in found if at - lead <= a and b <= at - lead + size),
                    -at,
                ),
            )
            start = min(max(first - lead, 0), end - size)
            if start:  # begin at a word, not after the first match
                space = text.find(" ", start - 1, first)
                start = space + 1 if space != -1 else start
        stop = start + size
        if stop < end:  # end at a word
            space = text.rfind(" ", start + size // 2, stop + 1)
            end = space if space != -1 else stop
    pieces = [ELLIPSIS if start else ""]
    at = start
    for a, b in found:
        a, b = max(a, at), min(b, end)
        if a >= b:
            continue
        pieces += [text[at:a], MARK_START, text[a:b], MARK_END]
        at = b
    pieces.append(text[at:end])
    if end < len(text):
        pieces.append(ELLIPSIS)
    return "".join(pieces)


def _hit(row: tuple[Any, ...], pattern: re.Pattern[str] | None) -> QuoteHit:
    (_, qid, speaker, date, precision, approx, kind, text, source, start, end) = row
    if isinstance(date, str) and date:
        shown = display_date(date, str(precision or "day"), approx)
        iso: str | None = date
    else:
        shown, iso = UNDATED, None
    return QuoteHit(
        id=str(qid),
        speaker=str(speaker),
        date=shown,
        date_iso=iso,
        kind=str(kind),
        text=str(text),
        snippet=make_snippet(str(text), pattern),
        source=str(source),
        start=int(start),
        end=int(end),
    )


# ---------------------------------------------------------------------------------------------------
# Searching


class SearchCancelled(Exception):
    """The search was interrupted by :meth:`Searcher.cancel` (the user typed on)."""


class SearchError(DossierError):
    """The dossier could not be searched (for instance, it is damaged); one line naming it."""


class Searcher:
    """Searches one dossier's quotes on a read-only connection of its own.

    :meth:`search` may run in a worker thread while another thread calls :meth:`cancel`: the
    running query is interrupted (``sqlite3.Connection.interrupt``, and a progress handler for a
    cancel that falls between two statements) and :meth:`search` raises :class:`SearchCancelled`.
    Searches on one ``Searcher`` run one at a time.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._last_dated = 0
        self._lock = threading.Lock()
        self._generation = 0
        self._running = 0
        self._closed = False
        self._speakers: dict[Term, str | None] = {}
        """How each ``speaker:`` filter searched so far is written (:meth:`_write`)."""

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = store.connect_readonly(self.path)
            # Quotes are numbered in date order with the undated ones last: where do those start?
            row = conn.execute(
                "SELECT pos FROM quote WHERE date IS NOT NULL ORDER BY pos DESC LIMIT 1"
            ).fetchone()
            self._last_dated = int(row[0]) if row else 0
            conn.set_progress_handler(self._stale, 1000)
            self._conn = conn
        return self._conn

    def _write(self, conn: sqlite3.Connection, term: Term) -> str | None:
        """``term`` as it is searched: a ``speaker:`` filter as the keys of the speakers it names
        (``None`` if it names nobody); the rest as written."""
        if not term.speaker:
            return term.fts()
        if term in self._speakers:
            return self._speakers[term]
        phrase = fts_phrase(term.text) + ("*" if term.prefix else "")
        try:
            keys = [k for (k,) in conn.execute(_SPEAKERS_SQL, (phrase, MAX_SPEAKERS + 1))]
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            written: str | None = term.fts()  # no speakers' index (a table dropped): by name
        else:
            # In their own column: a quote's words may hold a private-use character too.
            tokens = [f'"{schema.speaker_key(k)}"' for k in keys]
            if len(tokens) > MAX_SPEAKERS:
                written = term.fts()
            elif tokens:
                written = f"{KEYS_COLUMN} : ({' OR '.join(tokens)})"
            else:
                written = None
        if len(self._speakers) >= 256:
            self._speakers.clear()
        self._speakers[term] = written
        return written

    def _stale(self) -> bool:
        return self._running != self._generation

    def cancel(self) -> None:
        """Stop the search that is running, if any. Safe to call from any thread."""
        self._generation += 1
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile
                conn.interrupt()

    def close(self) -> None:
        self.cancel()
        with self._lock:
            self._closed = True
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Searcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def search(self, text: str, limit: int = DEFAULT_LIMIT) -> SearchResult:
        """The quotes that match ``text``: ranked best first when at most :data:`CAP` match, else
        the newest first. Raises :class:`SearchCancelled` if :meth:`cancel` stopped it, and
        :class:`SearchError` if the dossier cannot be read."""
        ticket = self._generation
        query = parse(text)
        expression = query.expression
        if expression is None:
            return SearchResult(text, hint=query.hint)
        limit = max(1, min(limit, MAX_LIMIT))
        with self._lock:
            if self._closed or ticket != self._generation:
                raise SearchCancelled
            self._running = ticket
            try:
                conn = self._connect()
                searched = query.expression_with(lambda term: self._write(conn, term))
                if searched == NO_MATCH:  # a speaker: filter that names nobody
                    return SearchResult(text, hint=query.hint, expression=expression)
                result = self._search(conn, text, query, searched or expression, limit)
            except sqlite3.OperationalError as exc:
                if ticket != self._generation or "interrupt" in str(exc):
                    raise SearchCancelled from None
                raise SearchError(f"{self.path}: cannot search the quotes ({exc})") from None
            except sqlite3.DatabaseError as exc:
                raise SearchError(f"{self.path}: cannot search the quotes ({exc})") from None
            if ticket != self._generation:  # cancelled too late to interrupt: the result is stale
                raise SearchCancelled
            return result

    def _search(
        self, conn: sqlite3.Connection, text: str, query: Query, expression: str, limit: int
    ) -> SearchResult:
        # The newest CAP + 1 matches, unscored: one pass of the index, cheap however many match.
        rows: list[tuple[int, float]] = conn.execute(_FIND_SQL, (expression, CAP + 1)).fetchall()
        if not rows:
            return SearchResult(text, hint=query.hint, expression=expression)
        capped = len(rows) > CAP
        undated = self._last_dated
        if capped:
            # Newest first; undated quotes (numbered after the dated ones) last.
            chosen = [pos for pos, _ in rows if pos <= undated]
            chosen += [pos for pos, _ in rows if pos > undated]
        else:
            # Few enough to rank: score them all (bm25 costs in proportion to the matches).
            rows = conn.execute(_RANK_SQL, (expression, CAP + 1)).fetchall()
            rows.sort(key=lambda r: (r[1], r[0] > undated, -r[0]))
            chosen = [pos for pos, _ in rows]
        chosen = chosen[:limit]
        found = conn.execute(
            _QUOTE_SQL.format(marks=",".join("?" * len(chosen))), chosen
        ).fetchall()
        by_pos = {r[0]: r for r in found}
        pattern = highlighter(query)
        hits = tuple(_hit(by_pos[pos], pattern) for pos in chosen if pos in by_pos)
        return SearchResult(
            query=text,
            hits=hits,
            total=min(len(rows), CAP),
            capped=capped,
            ranked=not capped,
            hint=query.hint,
            expression=expression,
        )


def search_quotes(db: Path, text: str, limit: int = DEFAULT_LIMIT) -> SearchResult:
    """Search the dossier at ``db`` once (the CLI's way; the app keeps a :class:`Searcher`)."""
    with Searcher(db) as searcher:
        return searcher.search(text, limit)
