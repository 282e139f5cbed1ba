"""The case brief: the whole dossier as one Markdown document a reporter can paste into a memo.

Every factual line ends with GFM footnotes (``[^n]``); each footnote quotes the exact words of a source
with the source's title, publication date and the words' position, and identical citations share one
number. Values are escaped where they land (:mod:`dossier.markdown`), dates are shown at their
precision, and nothing is said that the dossier does not hold: the case file's summary and the
editorial notes are labelled as the analyst's.

The brief reads the typed tables, ``link``, ``evidence`` and the ``asylum`` pane's ``listing`` with the
standard library's ``sqlite3``; every list is streamed from a cursor in one query (related rows come
as JSON from correlated subqueries on indexed keys), so time grows linearly with the number of
records, and key quotes are a bounded selection. Same database, same brief, byte for byte: nothing in
it depends on the clock, and every query has an explicit order.

The brief from pins (``pins=``, the working set's pinned records) is the same brief narrowed the way
``persons`` narrows it, with the pinned records as seeds: each pinned record, and every record one link
away from it in either direction. It opens with the pinned records in the user's order, each with the
user's annotation as a *working note*: escaped, never footnoted (it is not evidence), and labelled apart
from the dossier's editorial notes. A pin whose record has left the dossier is listed as orphaned.

Never imports Textual: the app calls it from a worker thread.
"""

from __future__ import annotations

import bisect
import html
import json
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dossier import kinds, safetext, timeline
from dossier.dates import UNDATED, DateError, display_date, display_iso, parse_iso
from dossier.errors import DossierError
from dossier.kinds import KIND_LABEL
from dossier.markdown import cell, code, heading, inline, quote_marks, strong, table
from dossier.queries import Reader, timeline_items

if TYPE_CHECKING:
    from dossier.workset import WorkItem

KEY_QUOTES = 50
"""At most this many quotes are shown; the brief says how many more the dossier holds."""

SUMMARY_DEFENDANTS = 12
"""Defendants given a line in the summary; the rest are counted."""

# A citation is written as this marker while the brief is assembled; the markers are numbered in
# the order they appear once every section is written. Values can never contain them: escaping
# turns every control character into a space.
_MARK_OPEN, _MARK_CLOSE = "\x00", "\x01"
_MARK = re.compile("\x00(\\d+)\x01")

Span = tuple[str, int, int, str]
"""A cited span: source id, start, end (code points, half-open), exact words."""


class UnknownPersonError(DossierError):
    """``--person`` named an id that is no person or organisation of the dossier."""

    def __init__(self, person: str) -> None:
        super().__init__(
            f"--person {person!r}: no person or organisation with this id in the dossier"
        )
        self.person = person


class NothingPinnedError(DossierError):
    """The brief from pins was asked for, and nothing is pinned: an empty brief is of no use."""

    def __init__(self, where: str = "the working set") -> None:
        super().__init__(
            f"{where}: nothing pinned; pin records in the app (p) or with `dossier pins add ID`"
        )


WORKING_NOTE = "**Working note** (annotation, not from the sources):"
"""The label of a pinned record's annotation in the brief from pins."""


@dataclass(frozen=True, slots=True)
class Since:
    """``--since``: an ISO partial date; a date is kept when it is on or after it, compared at the
    coarser of the two precisions (``2025`` keeps ``2025-03``; ``2025-03`` keeps ``2025``)."""

    value: str
    precision: str

    @classmethod
    def parse(cls, value: str) -> Since:
        try:
            iso, precision = parse_iso(value.strip())
        except DateError as exc:
            raise DossierError(f"--since {value!r}: {exc}") from None
        return cls(iso, precision)

    def keeps(self, date: str | None) -> bool:
        if not date:
            return False
        n = min(len(date), len(self.value))
        return date[:n] >= self.value[:n]

    def display(self) -> str:
        return display_iso(self.value, self.precision)


def default_file_name(meta: dict[str, str], fmt: str = "md", *, pinned: bool = False) -> str:
    """``castillo-chavez-brief-2025-11-04.md``: the case id and the as-of date (the newest source);
    ``castillo-chavez-pinned-brief-2025-11-04.md`` for the brief from pins."""
    case_id = meta.get("case_id") or "dossier"
    as_of = meta.get("as_of")
    kind = "pinned-brief" if pinned else "brief"
    stem = f"{case_id}-{kind}-{as_of}" if as_of else f"{case_id}-{kind}"
    return f"{stem}.{fmt}"


# ---------------------------------------------------------------------------------------------------
# Public API


@contextmanager
def _borrow(source: Reader | sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    if isinstance(source, sqlite3.Connection):
        yield source
    else:
        with source.connection() as conn:
            yield conn


def brief_markdown(
    source: Reader | sqlite3.Connection,
    *,
    persons: Sequence[str] = (),
    since: str | Since | None = None,
    pins: Sequence[WorkItem] | None = None,
) -> str:
    """The case brief as Markdown (GFM with footnotes), ending with one newline.

    ``persons`` narrows it to those people or organisations and the records linked to them (an
    unknown id raises :class:`UnknownPersonError`); ``since`` to dated events from that date on.

    ``pins`` (the working set's pinned records, in their order) makes it the brief from pins: the
    pinned records and the records one link away from them, either way, opening with the pins and
    their annotations; with ``persons`` too, the union of both. No pins raises
    :class:`NothingPinnedError`; ``None`` is the whole case.
    """
    return safetext.safe(_render(source, persons, since, pins)[1])


def brief_html(
    source: Reader | sqlite3.Connection,
    *,
    persons: Sequence[str] = (),
    since: str | Since | None = None,
    pins: Sequence[WorkItem] | None = None,
) -> str:
    """The same brief as one standalone HTML page (UTF-8, a small inline stylesheet)."""
    title, text, chart = _render(source, persons, since, pins, html=True)
    page = markdown_to_html(text, title, keep=timeline.HTML_PLACEHOLDER)
    return timeline.insert_svg(page, chart) if chart is not None else page


def _render(
    source: Reader | sqlite3.Connection,
    persons: Sequence[str],
    since: str | Since | None,
    pins: Sequence[WorkItem] | None = None,
    *,
    html: bool = False,
) -> tuple[str, str, timeline.Timeline | None]:
    window = Since.parse(since) if isinstance(since, str) else since
    if pins is not None and not pins:
        raise NothingPinnedError()
    with _borrow(source) as conn:
        brief = _Brief(conn, persons, window, pins)
        brief.html = html
        return brief.title, brief.render(), brief.chart


STYLE = """\
body { font: 16px/1.5 Georgia, "Times New Roman", serif; color: #1b1b1b; background: #fff;
       max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1, h2, h3 { font-family: system-ui, sans-serif; line-height: 1.25; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .95rem; }
th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: left; vertical-align: top; }
blockquote { margin: 1rem 0 .3rem; padding: .2rem 1rem; border-left: 4px solid #999; color: #333; }
sup.footnote-ref { font-size: .75rem; }
section.footnotes { font-size: .9rem; color: #333; }
code { font-size: .9rem; word-break: break-all; }
"""


def markdown_to_html(text: str, title: str, *, keep: str | None = None) -> str:
    """Render brief Markdown with markdown-it-py (CommonMark, tables, footnotes; raw HTML off).
    Control characters are made visible, except in ``keep``: the brief's own placeholder (data
    never holds a raw control character: escaping made them spaces)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(footnote_plugin, inline=False)
    # Constructs a brief never writes (values are escaped): skipping their rules is a fifth faster
    # on a long brief and renders the same page.
    unused = "code fence hr lheading reference html_block html_inline autolink link image entity"
    md.disable([*unused.split(), "newline"])
    parts = text.split(keep) if keep else [text]
    body = md.render((keep or "").join(safetext.safe(part) for part in parts))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(safetext.line(title))}</title>\n<style>\n{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------------
# Helpers


def _when(
    value: str | None,
    precision: str | None,
    approx: Any = False,
    text: str | None = None,
    rule: str | None = None,
    *,
    how: bool = True,
) -> str:
    """A date at its precision ("about" when approximate); with ``how``, the source's words it was
    read from, since such a date is the analyst's reading of them."""
    shown, read = _when_parts(value, precision, approx, text, rule)
    return f"{shown} {read}" if how and read else shown


@lru_cache(maxsize=1 << 14)
def _when_parts(
    value: str | None,
    precision: str | None,
    approx: Any = False,
    text: str | None = None,
    rule: str | None = None,
) -> tuple[str, str]:
    """The date as shown, and how it was read ("(inferred from “Monday”)") or ""."""
    if not value:
        return UNDATED, ""
    shown = display_date(value, precision or "day", approx)
    if text:
        return shown, f"(inferred from “{text}”)"
    if rule:
        return shown, f"(inferred: {rule})"
    return shown, ""


def _dated_head(
    value: str | None,
    precision: str | None,
    approx: Any = False,
    text: str | None = None,
    rule: str | None = None,
) -> str:
    """A list item's date, bold, then how it was read: ``**March 2025** (inferred from “…”)``."""
    shown, read = _when_parts(value, precision, approx, text, rule)
    return strong(shown) + (f" {inline(read)}" if read else "")


def _json(value: str | None) -> list[Any]:
    if not value:
        return []
    items: list[Any] = json.loads(value)
    return (
        sorted(items, key=lambda item: item[0]) if items and isinstance(items[0], list) else items
    )


def _spans(value: str | None) -> list[Span]:
    """Evidence JSON (``[seq, source, start, end, exact]``) as spans in ``seq`` order."""
    return [(s, int(a), int(b), e) for _, s, a, b, e in _json(value)]


def _ev(alias: str) -> str:
    """SQL: a record's evidence as a JSON array, by the evidence primary key."""
    return (
        '(SELECT json_group_array(json_array(seq, source, start, "end", exact)) '
        f"FROM evidence WHERE record = {alias})"
    )


def _term(term_text: str, penalty: str | None) -> str:
    if not penalty:
        return term_text
    return f"{term_text} in prison" if penalty == "prison" else f"{term_text} ({penalty})"


def _plural(n: int, one: str, many: str | None = None, none: str | None = None) -> str:
    """``1 quote``, ``12 quotes``, ``no quotes`` (or ``none``, when zero reads otherwise)."""
    if not n:
        return none or f"no {many or one + 's'}"
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _sentence(text: str) -> str:
    """End Markdown text with a full stop unless it ends with punctuation already."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…”" else text + "."


def working_note(text: str | None) -> list[str]:
    """An annotation as the Markdown lines of a working note, or none for an empty one.

    The first line carries the :data:`WORKING_NOTE` label. Each line of the annotation is
    :func:`~dossier.markdown.inline`-escaped on its own, so that no line can open a block (a heading,
    a list, a quote, a table, HTML) or leave the list item the note is indented under; lines are
    kept with hard line breaks (a backslash at the end of the line), blank lines become paragraph
    breaks. The caller indents the lines under their list item."""
    paragraphs: list[list[str]] = [[]]
    for raw in (text or "").splitlines():
        line = inline(raw)
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    if not paragraphs[-1]:
        paragraphs.pop()
    if not paragraphs:
        return []  # nothing visible: blank, or control characters only
    paragraphs[0][0] = f"{WORKING_NOTE} {paragraphs[0][0]}"
    out: list[str] = []
    for para in paragraphs:
        if out:
            out.append("")
        out.extend(line + "\\" for line in para[:-1])
        out.append(para[-1])
    return out


class _Citations:
    """The spans cited so far; identical spans share one entry."""

    def __init__(self) -> None:
        self._index: dict[tuple[str, int, int], int] = {}
        self.spans: list[Span] = []

    def mark(self, spans: Sequence[Span]) -> str:
        out: list[str] = []
        seen: set[int] = set()
        for span in spans:
            key = (span[0], span[1], span[2])
            idx = self._index.get(key)
            if idx is None:
                idx = len(self.spans)
                self._index[key] = idx
                self.spans.append(span)
            if idx not in seen:
                seen.add(idx)
                out.append(f"{_MARK_OPEN}{idx}{_MARK_CLOSE}")
        return "".join(out)


@dataclass
class _Defendant:
    """What the summary says about one defendant, gathered while the sections are written."""

    name: str
    charges: list[tuple[str, Span | None]] = field(default_factory=list)
    sentences: dict[str, list[tuple[str, Span | None]]] = field(
        default_factory=lambda: {"requested": [], "imposed": []}
    )
    custody: tuple[str, Span | None] | None = None


@dataclass
class _Counts:
    people: int = 0
    organisations: int = 0
    defendants: int = 0
    charges: int = 0
    requested: int = 0
    imposed: int = 0
    custody: int = 0
    timeline: int = 0
    events: int = 0
    quotes: int = 0
    discrepancies: int = 0
    editorial: int = 0
    sources: int = 0


# ---------------------------------------------------------------------------------------------------
# The brief


class _Brief:
    def __init__(
        self,
        conn: sqlite3.Connection,
        persons: Sequence[str],
        since: Since | None,
        pins: Sequence[WorkItem] | None = None,
    ) -> None:
        self.conn = conn
        self.meta: dict[str, str] = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.title = self.meta.get("case_title") or "Case brief"
        self.since = since
        self.persons = tuple(dict.fromkeys(p.strip() for p in persons))
        self.cites = _Citations()
        self.counts = _Counts()
        self.defendants: dict[str, _Defendant] = {}
        self.latest: str | None = None
        self.html = False
        self.chart: timeline.Timeline | None = None
        self.shown: set[str] = set()
        """Records written in the brief so far: notes are kept when they are about one of them."""
        self.kept: set[str] | None = None
        """With ``persons``: those people and every record that links to them."""
        self.person_names: list[str] = []
        self.pins: list[WorkItem] | None = None
        """The brief from pins: the pinned records in the user's order (orphans included)."""
        self.pinned: dict[str, tuple[str, str]] = {}
        """Pinned records that are in the dossier: id → (kind, title)."""
        if pins is not None:
            self.pins = list({item.record: item for item in pins}.values())
            self.pinned = self._records([item.record for item in self.pins])
        if self.persons or self.pins is not None:
            self._narrow()

    # -- selection ------------------------------------------------------------------------------

    def _records(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" for _ in batch)
            for rid, kind, title in self.conn.execute(
                f"SELECT id, kind, title FROM record WHERE id IN ({marks})", batch
            ):
                found[rid] = (kind, title)
        return found

    def _narrow(self) -> None:
        """Keep the seeds — the ``persons`` and the pinned records — and every record one link away
        from a seed, either way. A person is never the source of a link, so for a person this is
        every record that refers to them."""
        names: list[str] = []
        for person in self.persons:
            row = self.conn.execute("SELECT name FROM entity WHERE id = ?", (person,)).fetchone()
            if row is None:
                raise UnknownPersonError(person)
            names.append(row[0])
        self.person_names = names
        seeds = list(dict.fromkeys([*self.persons, *self.pinned]))
        kept = set(seeds)
        for start in range(0, len(seeds), 500):
            batch = seeds[start : start + 500]
            marks = ",".join("?" for _ in batch)
            for (rid,) in self.conn.execute(
                f"SELECT src FROM link WHERE dst IN ({marks}) "
                f"UNION SELECT dst FROM link WHERE src IN ({marks})",
                [*batch, *batch],
            ):
                kept.add(rid)
        self.kept = kept

    def _in(self, record: str) -> bool:
        return self.kept is None or record in self.kept

    def _dated(self, *dates: str | None) -> bool:
        return self.since is None or any(self.since.keeps(d) for d in dates)

    @property
    def narrowed(self) -> bool:
        return self.kept is not None or self.since is not None

    @property
    def where(self) -> str:
        return "in this selection" if self.narrowed else "in the dossier"

    # -- assembling -----------------------------------------------------------------------------

    def render(self) -> str:
        # Written in the order each needs the one before: organisations are those the written
        # records refer to, notes those about a written record; the summary counts them all.
        charges = self._charges()
        sentences = self._sentences()
        custody = self._custody()
        timeline = self._timeline()
        events = self._events()
        chart = self._chart()
        quotes = self._quotes()
        people = self._people()
        notes = self._notes()
        sources = self._sources()
        # The pins are written last (each says where its record went), and read first.
        pinned = self._pinned() if self.pins is not None else []
        blocks = [*self._head(), *pinned, *self._summary()]
        for section in (
            people,
            charges,
            sentences,
            custody,
            timeline,
            events,
            chart,
            quotes,
            notes,
            sources,
        ):
            blocks.extend(section)
        text = "\n\n".join(blocks)
        numbers: dict[int, int] = {}

        def number(match: re.Match[str]) -> str:
            idx = int(match.group(1))
            n = numbers.get(idx)
            if n is None:
                n = numbers[idx] = len(numbers) + 1
            return f"[^{n}]"

        text = _MARK.sub(number, text)
        notes = self._footnotes(numbers)
        if notes:
            text += "\n\n" + "\n\n".join(notes)
        return text + "\n"

    def _footnotes(self, numbers: dict[int, int]) -> list[str]:
        sources = {
            sid: (title, display_iso(published, precision))
            for sid, title, published, precision in self.conn.execute(
                "SELECT id, title, published, published_precision FROM source ORDER BY rowid"
            )
        }
        lines: dict[str, list[int]] = {}
        out = []
        for idx, n in numbers.items():  # in the order of their numbers
            source, start, end, exact = self.cites.spans[idx]
            if source not in lines:
                row = self.conn.execute(
                    "SELECT text FROM source WHERE id = ?", (source,)
                ).fetchone()
                text = row[0] if row else ""
                lines[source] = [m.start() for m in re.finditer("\n", text)]
            line = bisect.bisect_left(lines[source], start) + 1
            title, published = sources.get(source, (source, UNDATED))
            out.append(
                f"[^{n}]: *{inline(title)}*, published {published}, line {line}, "
                f"characters {start}–{end}: “{inline(exact)}”"
            )
        return out

    # -- the pins -------------------------------------------------------------------------------

    def _pinned(self) -> list[str]:
        """The pinned records in the user's order, where the brief writes each, and the working
        notes on them: the user's annotations, escaped and labelled, never footnoted."""
        assert self.pins is not None
        blocks = [
            "## Pinned records and working notes",
            "The records pinned for this brief, in the order they were pinned, and the section "
            "that gives the facts about each, with their footnotes. A *working note* is the "
            "annotation written on a pinned record, copied as it was written: private notes, not "
            "from the sources and not evidence, so they carry no footnote. They are not the "
            "dossier's editorial notes, which are under Notes.",
        ]
        pinned = list(self.pinned)
        evidence: dict[str, list[Span]] = {}
        quotes: dict[str, str] = {}
        for start in range(0, len(pinned), 500):
            batch = pinned[start : start + 500]
            marks = ",".join("?" for _ in batch)
            for rid, spans in self.conn.execute(
                f"SELECT r.id, {_ev('r.id')} FROM record r WHERE r.id IN ({marks})", batch
            ):
                evidence[rid] = _spans(spans)
            for qid, speakers, text in self.conn.execute(
                f"SELECT id, speaker_names, text FROM quote WHERE id IN ({marks})", batch
            ):
                quotes[qid] = f"{speakers or 'unattributed'}: “{text}”"
        for n, item in enumerate(self.pins, start=1):
            marker = f"{n}."
            found = self.pinned.get(item.record)
            if found is None:
                line = (
                    f"{marker} **Orphaned pin** {code(item.record)}: no longer in the dossier, so "
                    "nothing in this brief is about it."
                )
                if item.title:
                    kind = KIND_LABEL.get(item.kind, item.kind).lower()
                    line += f" When it was pinned, it was {quote_marks(item.title)}"
                    line += f" ({inline(kind)})." if kind else "."
            else:
                kind, title = found
                label = inline(KIND_LABEL.get(kind, kind).lower())
                spans = evidence.get(item.record, [])
                if kind == "quote":
                    title, spans = quotes.get(item.record, title), spans[:1]
                line = f"{marker} {strong(title)} — {label}"
                spec = kinds.get(kind)
                section = spec.brief_section if spec is not None else None
                if item.record in self.shown and section:
                    line += f", under {section}."
                else:
                    line += f"; not in this brief: {self._left_out(kind)}."
                line += self.cites.mark(spans)
            lines = [line]
            note = working_note(item.annotation)
            if note:
                pad = " " * (len(marker) + 1)
                lines.append("")
                lines.extend(pad + text if text else "" for text in note)
            blocks.append("\n".join(lines))
        return blocks

    def _left_out(self, kind: str) -> str:
        if self.since is not None:
            return f"left out by the date limit, as it is not dated {self.since.display()} or later"
        if kind == "quote":
            return f"not among the {KEY_QUOTES:,} key quotes shown"
        return "not written in this brief"

    # -- title and summary ----------------------------------------------------------------------

    def _head(self) -> list[str]:
        as_of = self.meta.get("as_of")
        when = display_iso(as_of, self.meta.get("as_of_precision") or "day") if as_of else "no date"
        blocks = [
            heading(1, self.title),
            f"Case brief as of {when}, the publication date of the newest source. Every factual "
            "line ends with footnotes that quote the exact words of its source. Dates are given "
            "as precisely as the source gives them; a date the analyst read from the source's "
            "words (“Monday”, “this year”) says so. Editorial notes are the analyst's, not the "
            "source's, and are marked as such.",
        ]
        scope = []
        if self.pins is not None:
            one = len(self.pins) == 1
            line = f"Built from {_plural(len(self.pins), 'pinned record')} and the records " + (
                "it refers to or that refer to it" if one else "they refer to or that refer to them"
            )
            if self.person_names:
                names = _join([inline(n) for n in self.person_names])
                line += f", and from {names} and the records linked to them"
            scope.append(
                f"{line}. "
                + (
                    "The pinned record comes first, with the working note written on it."
                    if one
                    else "The pinned records come first, in the order they were pinned, with the "
                    "working notes written on them."
                )
            )
            orphans = len(self.pins) - len(self.pinned)
            if orphans:
                scope.append(
                    f"{'One pinned record is' if orphans == 1 else f'{orphans:,} pinned records are'}"
                    " no longer in the dossier."
                )
        elif self.person_names:
            scope.append(
                f"Narrowed to {_join([inline(n) for n in self.person_names])} and the records "
                "linked to them."
            )
        if self.since is not None:
            scope.append(
                f"Only events dated {self.since.display()} or later; undated events are left out. "
                "People, their roles, notes and sources are listed whatever their dates."
            )
        if scope:
            blocks.append(" ".join(scope))
        return blocks

    def _summary(self) -> list[str]:
        c = self.counts
        blocks = ["## Summary"]
        summary = self.meta.get("case_summary")
        if summary:
            blocks.append(f"*The case file's summary, written by the analyst:* {inline(summary)}")
        held = "This selection holds" if self.narrowed else "The dossier holds"
        figures = [
            (
                _plural(c.defendants, "defendant") + " facing " + _plural(c.charges, "charge")
                if c.defendants or c.charges
                else "no charges"
            ),
            f"{_plural(c.requested, 'sentence', none='no sentence')} requested by "
            f"prosecutors and {f'{c.imposed:,}' if c.imposed else 'none'} imposed by a court",
            _plural(c.custody, "custody record"),
            _plural(
                c.timeline,
                "asylum or diplomatic event",
                "asylum and diplomatic events",
                none="no asylum or diplomatic events",
            ),
            _plural(c.events, "other event"),
            _plural(c.quotes, "quote"),
            _plural(c.discrepancies, "discrepancy note")
            + " and "
            + _plural(c.editorial, "editorial note"),
            _plural(c.sources, "source"),
        ]
        blocks.append(f"{held} {'; '.join(figures)}.")
        items = []
        for d in self.defendants.values():
            parts = []
            spans: list[Span] = []
            if d.charges:
                parts.append("Charges: " + "; ".join(text for text, _ in d.charges) + ".")
                spans += [s for _, s in d.charges if s]
            for kind in ("requested", "imposed"):
                found = d.sentences[kind]
                if found:
                    parts.append(_sentence("; ".join(text for text, _ in found)))
                    spans += [s for _, s in found if s]
            if not d.sentences["imposed"]:
                parts.append("No sentence imposed by a court.")
            if d.custody:
                parts.append(f"Custody: {d.custody[0]}.")
                if d.custody[1]:
                    spans.append(d.custody[1])
            items.append(f"- {strong(d.name)} — {' '.join(parts)}{self.cites.mark(spans)}")
        more = c.defendants - len(self.defendants)
        if more > 0:
            items.append(f"- {_plural(more, 'more defendant')}: see Charges.")
        if self.latest:
            items.append(self.latest)
        if items:
            blocks.append("\n".join(items))
        return blocks

    # -- people ---------------------------------------------------------------------------------

    def _people(self) -> list[str]:
        roles = self.conn.execute(
            "SELECT e.rowid, r.id, r.title, o.name, f.name, r.status, "
            "r.start, r.start_precision, r.start_approx, r.start_text, r.start_rule, "
            'r."end", r.end_precision, r.end_approx, r.end_text, r.end_rule, '
            f"{_ev('r.id')} FROM role r JOIN entity e ON e.id = r.holder "
            "LEFT JOIN entity o ON o.id = r.organization LEFT JOIN entity f ON f.id = r.of "
            "ORDER BY e.rowid, r.rowid"
        )
        pending = next(roles, None)
        people: list[str] = []
        organisations: list[str] = []
        linked_orgs = self._linked_organisations()
        for rowid, eid, kind, etype, name, description, aliases, evidence in self.conn.execute(
            "SELECT e.rowid, e.id, e.kind, e.type, e.name, e.description, "
            "(SELECT json_group_array(json_array(seq, alias, editorial)) FROM alias "
            f"WHERE entity = e.id), {_ev('e.id')} FROM entity e ORDER BY e.rowid"
        ):
            own_roles = []
            while pending is not None and pending[0] == rowid:
                own_roles.append(pending)
                pending = next(roles, None)
            is_person = kind == "person"
            if (
                self.kept is not None
                and eid not in self.kept
                and (is_person or eid not in linked_orgs)
            ):
                continue
            self.shown.add(eid)
            printed = [a for _, a, ed in _json(aliases) if not ed]
            usual = [a for _, a, ed in _json(aliases) if ed]
            line = f"- {strong(name)}"
            if etype != "person":
                line += f" ({inline(etype)})"
            line += f": {_sentence(inline(description))}" if description else "."
            if printed:
                line += " Also written " + ", ".join(f"“{inline(a)}”" for a in printed) + "."
            if usual:
                line += (
                    " Usually written "
                    + ", ".join(f"“{inline(a)}”" for a in usual)
                    + " (editorial, not from the source)."
                )
            line += self.cites.mark(_spans(evidence))
            lines = [line]
            for role in own_roles:
                if not self._in(role[1]):
                    continue  # narrowed to a record that names the holder, not to the holder
                lines.append("  - " + self._role(role))
                self.shown.add(role[1])
            if is_person:
                people.append("\n".join(lines))
                self.counts.people += 1
            else:
                organisations.append("\n".join(lines))
                self.counts.organisations += 1
        blocks = ["## People"]
        blocks.append("\n".join(people) if people else f"No people {self.where}.")
        blocks.append("### Organisations and states")
        blocks.append(
            "\n".join(organisations) if organisations else f"No organisations {self.where}."
        )
        return blocks

    def _linked_organisations(self) -> set[str]:
        """With ``persons``: the organisations that the records written so far refer to."""
        if self.kept is None:
            return set()
        out: set[str] = set()
        for src, dst in self.conn.execute(
            "SELECT l.src, l.dst FROM link l JOIN entity e ON e.id = l.dst "
            "WHERE e.kind = 'organization' AND l.rel != 'about'"
        ):
            if src in self.shown:
                out.add(dst)
        return out

    def _role(self, row: tuple[Any, ...]) -> str:
        (_, _, title, org, of, status, s, sp, sa, st, sr, e, ep, ea, et, er, evidence) = row
        what = inline(title)
        if org and org.casefold() not in title.casefold():
            what += f", {inline(org)}"
        if of:
            what += f" for {inline(of)}"
        dates = []
        if s:
            dates.append("from " + inline(_when(s, sp, sa, st, sr)))
        if e:
            dates.append("until " + inline(_when(e, ep, ea, et, er)))
        when = ", ".join(dates) if dates else "dates not stated"
        state = f"{inline(status)}; " if status else ""
        return f"{what} — {state}{when}.{self.cites.mark(_spans(evidence))}"

    # -- charges --------------------------------------------------------------------------------

    def _charges(self) -> list[str]:
        rows = []
        defendants: set[str] = set()
        for cid, defendant, name, offence, alleges, plea, history, evidence in self.conn.execute(
            "SELECT c.id, c.defendant, e.name, c.offence, c.alleges, c.plea, "
            "(SELECT json_group_array(json_array(seq, status, date, date_precision, date_approx, "
            f"date_text, date_rule)) FROM charge_status WHERE charge = c.id), {_ev('c.id')} "
            "FROM charge c JOIN entity e ON e.id = c.defendant ORDER BY e.rowid, c.rowid"
        ):
            if not self._in(cid):
                continue
            steps = _json(history)
            if self.since is not None:
                steps = [step for step in steps if self.since.keeps(step[2])]
                if not steps:
                    continue
            self.shown.add(cid)
            self.counts.charges += 1
            if defendant not in defendants:
                defendants.add(defendant)
                self.counts.defendants += 1
            what = inline(offence)
            if alleges:
                what += f" — alleged: {_sentence(inline(alleges))}"
            status = (
                "; ".join(
                    f"{inline(st)}, {inline(_when(d, p, a, t, r))}"
                    for _, st, d, p, a, t, r in steps
                )
                if steps
                else "status not stated"
            )
            spans = _spans(evidence)
            rows.append(
                [cell(name), what, status, cell(plea or "not stated") + self.cites.mark(spans)]
            )
            if defendant in self.defendants or len(self.defendants) < SUMMARY_DEFENDANTS:
                d = self.defendants.setdefault(defendant, _Defendant(name))
                last = steps[-1] if steps else None
                latest = (
                    f"{last[1]} ({_when(last[2], last[3], last[4], how=False)})"
                    if last
                    else "status not stated"
                )
                d.charges.append(
                    (f"{inline(offence)}, {inline(latest)}", spans[0] if spans else None)
                )
        blocks = ["## Charges"]
        if rows:
            blocks.append("The status column lists each step of a charge's history, oldest first.")
            blocks.append("\n".join(table(["Defendant", "Charge", "Status", "Plea"], rows)))
        else:
            blocks.append(f"No charges {self.where}.")
        return blocks

    # -- sentences ------------------------------------------------------------------------------

    def _sentences(self) -> list[str]:
        blocks = [
            "## Sentences",
            "A sentence requested by prosecutors is a request, not a sentence: only a court "
            "imposes one. The two are listed apart.",
        ]
        for kind, head, none in (
            (
                "requested",
                "### Requested by prosecutors, not imposed",
                f"No sentence requested by prosecutors {self.where}.",
            ),
            (
                "imposed",
                "### Imposed by a court",
                f"No sentence imposed by a court {self.where}.",
            ),
        ):
            items = []
            for (
                sid,
                defendant,
                name,
                by,
                penalty,
                term,
                offence,
                d,
                p,
                a,
                t,
                r,
                evidence,
            ) in self.conn.execute(
                "SELECT s.id, s.defendant, e.name, b.name, s.penalty, s.term_text, c.offence, "
                "s.date, s.date_precision, s.date_approx, s.date_text, s.date_rule, "
                f"{_ev('s.id')} FROM sentence s JOIN entity e ON e.id = s.defendant "
                "JOIN entity b ON b.id = s.by LEFT JOIN charge c ON c.id = s.charge "
                "WHERE s.kind = ? ORDER BY e.rowid, s.date IS NULL, s.date, s.rowid",
                (kind,),
            ):
                if not self._in(sid) or not self._dated(d):
                    continue
                self.shown.add(sid)
                setattr(self.counts, kind, getattr(self.counts, kind) + 1)
                spans = _spans(evidence)
                words = inline(_term(term, penalty))
                line = f"- {strong(name)}: {words}, {kind} by {inline(by)}"
                if offence:
                    line += f", on the charge {inline(offence)}"
                line += f"; {inline(_when(d, p, a, t, r))}.{self.cites.mark(spans)}"
                items.append(line)
                if defendant in self.defendants:
                    self.defendants[defendant].sentences[kind].append(
                        (f"{inline(by)} {kind} {words}", spans[0] if spans else None)
                    )
            blocks.append(head)
            blocks.append("\n".join(items) if items else none)
        return blocks

    # -- custody --------------------------------------------------------------------------------

    def _custody(self) -> list[str]:
        rows = []
        for row in self.conn.execute(
            "SELECT c.id, c.person, e.name, c.status, "
            "c.start, c.start_precision, c.start_approx, c.start_text, c.start_rule, "
            'c."end", c.end_precision, c.end_approx, c.end_text, c.end_rule, '
            f"{_ev('c.id')} FROM custody c JOIN entity e ON e.id = c.person "
            "ORDER BY e.rowid, c.start IS NULL, c.start, c.rowid"
        ):
            cid, person, name, status, s, sp, sa, st, sr, e, ep, ea, et, er, evidence = row
            if not self._in(cid) or not self._dated(s, e):
                continue
            self.shown.add(cid)
            self.counts.custody += 1
            spans = _spans(evidence)
            since = _when(s, sp, sa, st, sr) if s else "not stated"
            until = _when(e, ep, ea, et, er) if e else "not stated"
            rows.append(
                [cell(name), cell(status), cell(since), cell(until) + self.cites.mark(spans)]
            )
            # The summary gives the latest dated custody (rows come oldest first, undated last).
            if person in self.defendants and (s or self.defendants[person].custody is None):
                brief_since = f" since {_when(s, sp, sa, how=False)}" if s else ""
                self.defendants[person].custody = (
                    inline(f"{status}{brief_since}"),
                    spans[0] if spans else None,
                )
        blocks = ["## Custody"]
        if rows:
            blocks.append("\n".join(table(["Person", "Status", "Since", "Until"], rows)))
        else:
            blocks.append(f"No custody records {self.where}.")
        return blocks

    # -- asylum and diplomacy -------------------------------------------------------------------

    def _timeline(self) -> list[str]:
        items = []
        for row in self.conn.execute(
            "SELECT l.record, r.kind, "
            "a.type, ap.name, ast.name, aem.name, a.description, "
            "a.date, a.date_precision, a.date_approx, a.date_text, a.date_rule, "
            "d.type, dac.name, dco.name, dby.name, d.description, "
            "d.date, d.date_precision, d.date_approx, d.date_text, d.date_rule, "
            f"{_ev('l.record')} FROM listing l JOIN record r ON r.id = l.record "
            "LEFT JOIN asylum a ON a.id = l.record "
            "LEFT JOIN entity ap ON ap.id = a.person LEFT JOIN entity ast ON ast.id = a.state "
            "LEFT JOIN entity aem ON aem.id = a.embassy "
            "LEFT JOIN diplomatic d ON d.id = l.record "
            "LEFT JOIN entity dac ON dac.id = d.actor LEFT JOIN entity dco ON dco.id = d.counterpart "
            "LEFT JOIN entity dby ON dby.id = d.by "
            "WHERE l.pane = 'asylum' ORDER BY l.pos"
        ):
            rid, kind = row[0], row[1]
            if kind == "asylum":
                atype, person, state, embassy, description = row[2:7]
                date = row[7:12]
                what = f"{inline(person)}: asylum {inline(atype)} ({inline(state)}"
                what += f"; at {inline(embassy)})" if embassy else ")"
                short = what
            elif kind == "diplomatic":
                dtype, actor, counterpart, by, description = row[12:17]
                date = row[17:22]
                what = f"{inline(actor)} → {inline(counterpart)}: {inline(dtype)}"
                if by:
                    what += f" (by {inline(by)})"
                short = what
            else:
                continue
            if not self._in(rid) or not self._dated(date[0]):
                continue
            self.shown.add(rid)
            self.counts.timeline += 1
            spans = _spans(row[22])
            items.append(
                f"- {_dated_head(*date)} — {_sentence(what)}"
                + (f" {_sentence(inline(description))}" if description else "")
                + self.cites.mark(spans)
            )
            if date[0]:
                self.latest = (
                    f"- Latest in the asylum and diplomatic timeline, "
                    f"{inline(_when(*date, how=False))} — {_sentence(short)}"
                    f"{self.cites.mark(spans[:1])}"
                )
        blocks = [
            "## Asylum and diplomatic timeline",
        ]
        if items:
            blocks.append("In date order; events with no date come last.")
            blocks.append("\n".join(items))
        else:
            blocks.append(f"No asylum or diplomatic events {self.where}.")
        return blocks

    # -- other events ---------------------------------------------------------------------------

    def _events(self) -> list[str]:
        items = []
        for row in self.conn.execute(
            "SELECT v.id, v.type, v.title, v.description, "
            "v.date, v.date_precision, v.date_approx, v.date_text, v.date_rule, "
            "(SELECT json_group_array(json_array(l.seq, e.name)) FROM link l "
            "JOIN entity e ON e.id = l.dst WHERE l.src = v.id AND l.rel = 'participants'), "
            f"{_ev('v.id')} FROM event v ORDER BY v.date IS NULL, v.date, v.rowid"
        ):
            vid, _type, title, description, d, p, a, t, r, participants, evidence = row
            if not self._in(vid) or not self._dated(d):
                continue
            self.shown.add(vid)
            self.counts.events += 1
            who = [inline(n) for _, n in _json(participants)]
            line = f"- {_dated_head(d, p, a, t, r)} — {_sentence(inline(title))}"
            if who:
                line += f" Involved: {_join(who)}."
            if description:
                line += f" {_sentence(inline(description))}"
            items.append(line + self.cites.mark(_spans(evidence)))
        blocks = ["## Other events"]
        if items:
            blocks.append("Events of the case that are not asylum or diplomacy, in date order.")
            blocks.append("\n".join(items))
        else:
            blocks.append(f"No other events {self.where}.")
        return blocks

    def _chart(self) -> list[str]:
        """The dated events as a picture (:mod:`dossier.timeline`): Mermaid here, SVG in HTML."""
        items = [
            i for i in timeline_items(self.conn) if self._in(i.record) and self._dated(i.start)
        ]
        self.chart = timeline.build(items, self.meta.get("as_of"))
        return timeline.brief_blocks(self.chart, html=self.html)

    # -- quotes ---------------------------------------------------------------------------------

    def _quote_matches(self, qid: str, date: str | None) -> bool:
        return self._in(qid) and self._dated(date)

    def _quotes(self) -> list[str]:
        chosen: list[int] = []
        pinned = [rid for rid, (kind, _) in self.pinned.items() if kind == "quote"]
        for start in range(0, len(pinned), 500):
            ids = pinned[start : start + 500]
            marks = ",".join("?" for _ in ids)
            for pos, qid, date in self.conn.execute(
                f"SELECT pos, id, date FROM quote WHERE id IN ({marks}) ORDER BY pos", ids
            ):
                if len(chosen) < KEY_QUOTES and self._quote_matches(qid, date):
                    chosen.append(pos)
        first = set(chosen)
        for sql in (
            "SELECT pos, id, date FROM quote WHERE kind != 'reported' ORDER BY pos",
            "SELECT pos, id, date FROM quote WHERE kind = 'reported' ORDER BY pos",
        ):
            if len(chosen) >= KEY_QUOTES:
                break
            for pos, qid, date in self.conn.execute(sql):
                if pos not in first and self._quote_matches(qid, date):
                    chosen.append(pos)
                    if len(chosen) >= KEY_QUOTES:
                        break
        if self.narrowed:
            total = sum(
                1
                for qid, date in self.conn.execute("SELECT id, date FROM quote")
                if self._quote_matches(qid, date)
            )
        else:
            total = int(self.conn.execute("SELECT count(*) FROM quote").fetchone()[0])
        self.counts.quotes = total
        blocks = ["## Key quotes"]
        if not chosen:
            blocks.append(f"No quotes {self.where}.")
            return blocks
        where = self.where
        if total > len(chosen):
            order = (
                "pinned quotes first, then direct quotes and epithets"
                if first
                else "direct quotes and epithets first"
            )
            blocks.append(
                f"{len(chosen):,} of the {total:,} quotes {where}, chosen {order}, then reported "
                f"statements; {total - len(chosen):,} more are not shown. In date order; quotes "
                "with no date come last."
            )
        else:
            blocks.append(
                f"{'The only quote' if total == 1 else f'All {total:,} quotes'} {where}, in date "
                "order; quotes with no date come last."
            )
        chosen.sort()
        for start in range(0, len(chosen), 500):
            batch = chosen[start : start + 500]
            marks = ",".join("?" for _ in batch)
            for row in self.conn.execute(
                "SELECT q.id, q.kind, q.text, coalesce(q.speaker_names, 'unattributed'), q.context, q.date, q.date_precision, "
                f"q.date_approx, q.date_text, q.date_rule, {_ev('q.id')} FROM quote q "
                f"WHERE q.pos IN ({marks}) ORDER BY q.pos",
                batch,
            ):
                qid, kind, text, speakers, context, d, p, a, t, r, evidence = row
                self.shown.add(qid)
                spans = _spans(evidence)
                said, about = spans[:1], spans[1:] or spans[:1]
                blocks.append(f"> {inline(text)}{self.cites.mark(said)}")
                line = (
                    f"— {inline(speakers)}; {inline(_when(d, p, a, t, r))}; "
                    f"{inline(kinds.quote_kind(kind, style='brackets'))}."
                )
                if context:
                    line += f" {_sentence(inline(context))}"
                blocks.append(line + self.cites.mark(about))
        return blocks

    # -- notes ----------------------------------------------------------------------------------

    def _notes(self) -> list[str]:
        blocks = [
            "## Notes",
            "Discrepancies are things inside the source that do not add up. Editorial notes are "
            "the analyst's knowledge from outside the source, never a sourced fact; each footnote "
            "shows the words the note is about.",
        ]
        for kind, head, none in (
            ("discrepancy", "### Discrepancies in the sources", "No discrepancies noted."),
            ("editorial", "### Editorial notes", "No editorial notes."),
        ):
            items = []
            for nid, text, basis, about, evidence in self.conn.execute(
                "SELECT n.id, n.text, n.basis, (SELECT json_group_array(json_array(l.seq, l.dst, "
                "r.title)) FROM link l JOIN record r ON r.id = l.dst WHERE l.src = n.id AND "
                f"l.rel = 'about'), {_ev('n.id')} FROM note n WHERE n.kind = ? ORDER BY n.rowid",
                (kind,),
            ):
                targets = _json(about)
                if (
                    self.narrowed
                    and nid not in self.pinned
                    and not any(dst in self.shown for _, dst, _ in targets)
                ):
                    continue
                self.shown.add(nid)
                if kind == "discrepancy":
                    self.counts.discrepancies += 1
                    line = f"- {_sentence(inline(text))}"
                else:
                    self.counts.editorial += 1
                    line = (
                        f"- **Editorial note (analyst, not from the source):** "
                        f"{_sentence(inline(text))}"
                    )
                    if basis:
                        line += f" Basis: {_sentence(inline(basis))}"
                if targets:
                    line += " About: " + _sentence("; ".join(inline(t) for _, _, t in targets))
                items.append(line + self.cites.mark(_spans(evidence)))
            blocks.append(head)
            blocks.append("\n".join(items) if items else none)
        return blocks

    # -- sources --------------------------------------------------------------------------------

    def _sources(self) -> list[str]:
        items = []
        for row in self.conn.execute(
            "SELECT s.id, s.title, s.title_editorial, s.file, s.published, s.published_precision, "
            f"s.language, s.sha256, s.publisher, s.url, length(s.text), {_ev('s.id')} "
            "FROM source s ORDER BY s.rowid"
        ):
            sid, title, editorial, file, pub, precision, language, sha, publisher, url, size = row[
                :11
            ]
            self.shown.add(sid)
            self.counts.sources += 1
            line = f"- {strong(title)}"
            if editorial:
                line += " (title supplied by the analyst: the source prints none)"
            line += f". Published {display_iso(pub, precision)}"
            if publisher:
                line += f" by {inline(publisher)}"
            line += f". Language: {inline(language)}."
            if url:
                line += f" Address: {code(url)}."
            line += (
                f" Text: {code(file)}, {size:,} characters, SHA-256 {code(sha)}."
                f"{self.cites.mark(_spans(row[11]))}"
            )
            items.append(line)
        blocks = ["## Sources"]
        blocks.append(
            "Each footnote quotes the exact words of a source with their line and character "
            "positions (code points from the start of the text, the end excluded)."
        )
        blocks.append("\n".join(items) if items else "No sources.")
        return blocks
