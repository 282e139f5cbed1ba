"""The case brief: the whole dossier as one Markdown document a reporter can paste into a memo.

Every factual line ends with GFM footnotes (``[^n]``); each footnote quotes the exact words of a source
with the source's title, publication date and the words' position, and identical citations share one
number. Values are escaped where they land (:mod:`dossier.markdown`), dates are shown at their
precision, and nothing is said that the dossier does not hold: the case file's summary and the
editorial notes are labelled as the analyst's.

The brief is made in two steps. :func:`gather` reads what it will write — typed records from
:mod:`dossier.queries` and :mod:`dossier.records`, each list streamed from one query and kept only
when the selection keeps it — into a :class:`Gathered`; the ``render_*`` functions are pure
functions of that, one per section, and every count the brief states is counted from it. Time grows linearly with the number of records,
and key quotes are a bounded selection (a million quotes are never in memory). Same database, same
brief, byte for byte: nothing in it depends on the clock, and every query has an explicit order.

What the selection keeps of one section depends on another in two places, and each is passed along
as data: with ``persons`` or pins, the organisations listed are those the facts written refer to;
and notes are kept when they are about a record written in the sections before them.

Each kind of record has a section: its spec's ``brief_section`` in :mod:`dossier.kinds`. A kind with
no section of its own here (a kind added with a spec and nothing else) is written in a generic
section of that name, each record in its spec's ``prose`` and footnoted with its evidence.

The brief from pins (``pins=``, the working set's pinned records) is the same brief narrowed the way
``persons`` narrows it, with the pinned records as seeds: each pinned record, and every record one link
away from it in either direction. It opens with the pinned records in the user's order, each with the
user's annotation as a *working note*: escaped, never footnoted (it is not evidence), and labelled apart
from the dossier's editorial notes. A pin whose record has left the dossier is listed as orphaned.

Never imports Textual: the app calls it from a worker thread.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar

from dossier import kinds, queries, safetext, store, vocab
from dossier import records as read
from dossier import timeline as chart
from dossier.claims import VERB
from dossier.dates import UNDATED, DateError, PartialDate, display_iso, parse_iso
from dossier.errors import DossierError
from dossier.kinds import KIND_LABEL
from dossier.markdown import cell, code, heading, inline, quote_marks, strong, table
from dossier.queries import (
    SUMMARY_DEFENDANTS,
    Asylum,
    Charge,
    Custody,
    DefendantFigures,
    Reader,
    Said,
    Sentence,
    Span,
    timeline_items,
)
from dossier.records import (
    Diplomatic,
    Entity,
    Event,
    Note,
    OtherRecord,
    Quote,
    QuoteKey,
    RecordRef,
    Role,
    Source,
)
from dossier.words import join_and, plural

if TYPE_CHECKING:
    from typing import Any

    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from dossier.workset import WorkItem

__all__ = [
    "KEY_QUOTES",
    "SUMMARY_DEFENDANTS",
    "WORKING_NOTE",
    "NothingPinnedError",
    "Since",
    "UnknownPersonError",
    "brief_html",
    "brief_markdown",
    "brief_parts",
    "default_file_name",
    "gather",
    "markdown_to_html",
    "render",
    "working_note",
]

T = TypeVar("T")

KEY_QUOTES = 50
"""At most this many quotes are shown; the brief says how many more the dossier holds."""

# A citation is written as a marker naming its span (the source id in hexadecimal, whatever it holds)
# while the sections are rendered; the markers are numbered in the order they appear once every
# section is written. Values can never contain them: escaping turns every control character into a
# space.
_MARK_OPEN, _MARK_SEP, _MARK_CLOSE = "\x00", " ", "\x01"
_MARK = re.compile("\x00([0-9a-f]* [0-9]+ [0-9]+)\x01")

BESPOKE_KINDS = frozenset(
    {
        "source",
        "person",
        "organization",
        "role",
        "charge",
        "sentence",
        "custody",
        "asylum",
        "diplomatic",
        "event",
        "quote",
        "note",
    }
)
"""The kinds with a section of their own below; any other kind is written in a generic section."""


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
    return safetext.safe(_make(source, persons, since, pins)[1])


def brief_parts(
    source: Reader | sqlite3.Connection,
    *,
    persons: Sequence[str] = (),
    since: str | Since | None = None,
    pins: Sequence[WorkItem] | None = None,
) -> Iterator[str]:
    """:func:`brief_markdown` in pieces, its head first (see :func:`render_parts`): joined, the
    same text. For a preview that shows the top of a long brief at once."""
    window = Since.parse(since) if isinstance(since, str) else since
    if pins is not None and not pins:
        raise NothingPinnedError()
    with _borrow(source) as conn:
        gathered = gather(conn, persons=persons, since=window, pins=pins)
        for part in render_parts(gathered, lambda source_id: read.text_of(conn, source_id)):
            yield safetext.safe(part)


def brief_html(
    source: Reader | sqlite3.Connection,
    *,
    persons: Sequence[str] = (),
    since: str | Since | None = None,
    pins: Sequence[WorkItem] | None = None,
) -> str:
    """The same brief as one standalone HTML page (UTF-8, a small inline stylesheet)."""
    title, text, picture = _make(source, persons, since, pins, html=True)
    page = markdown_to_html(text, title, keep=chart.HTML_PLACEHOLDER)
    return chart.insert_svg(page, picture)


def _make(
    source: Reader | sqlite3.Connection,
    persons: Sequence[str],
    since: str | Since | None,
    pins: Sequence[WorkItem] | None = None,
    *,
    html: bool = False,
) -> tuple[str, str, chart.Timeline]:
    window = Since.parse(since) if isinstance(since, str) else since
    if pins is not None and not pins:
        raise NothingPinnedError()
    with _borrow(source) as conn:
        gathered = gather(conn, persons=persons, since=window, pins=pins)
        text = render(gathered, lambda source_id: read.text_of(conn, source_id), html=html)
        picture = gathered.picture
    return gathered.title, text, picture


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
    _typeset_notes(md)
    import html  # only here: with html.entities, 3 ms of every export otherwise

    parts = text.split(keep) if keep else [text]
    body = md.render((keep or "").join(safetext.safe(part) for part in parts))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(safetext.line(title))}</title>\n<style>\n{STYLE}</style>\n</head>\n"
        f"<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def backlink_letter(n: int) -> str:
    """The ``n``-th back-link's label (from 0): a … z, then aa, ab …, as a typesetter letters
    the places a note is referred to from."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _typeset_notes(md: MarkdownIt) -> None:
    """Footnotes as a typesetter sets them: every reference to a note shows the note's number
    (never ``[39:1]``), and a note referred to from several places has one back-link per place,
    lettered a, b, c after a single ↩ (never a row of ↩)."""

    def ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        meta = tokens[idx].meta
        n = meta["id"] + 1
        sub = meta.get("subId", -1)
        refid = f"{n}" if sub <= 0 else f"{n}-{backlink_letter(sub)}"
        # notes side by side are set apart by a comma (³⁵,³⁶), never run together (³⁵³⁶)
        comma = (
            '<sup class="footnote-sep">,</sup>'
            if idx and tokens[idx - 1].type == "footnote_ref"
            else ""
        )
        return f'{comma}<sup class="footnote-ref"><a href="#fn{n}" id="fnref{refid}">{n}</a></sup>'

    def item(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return f'<li id="fn{tokens[idx].meta["id"] + 1}" class="footnote-item">'

    def anchor(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        meta = tokens[idx].meta
        n, sub = meta["id"] + 1, meta.get("subId", 0)
        count = env["footnotes"]["list"][meta["id"]].get("count", 1)
        if count <= 1:
            return (
                f' <a href="#fnref{n}" class="footnote-backref" aria-label="back">\u21a9\ufe0e</a>'
            )
        letter = backlink_letter(sub)
        refid = f"{n}" if sub == 0 else f"{n}-{letter}"
        link = (
            f'<a href="#fnref{refid}" class="footnote-backref" '
            f'aria-label="back to reference {letter}"><sup>{letter}</sup></a>'
        )
        return f" \u21a9\ufe0e {link}" if sub == 0 else f" {link}"

    md.add_render_rule("footnote_ref", ref)
    md.add_render_rule("footnote_open", item)
    md.add_render_rule("footnote_anchor", anchor)


# ---------------------------------------------------------------------------------------------------
# Helpers


def _when(date: PartialDate | None, *, how: bool = True) -> str:
    """A date at its precision ("about" when approximate); with ``how``, the source's words it was
    read from, since such a date is the analyst's reading of them."""
    shown, read = _when_parts(date)
    return f"{shown} {read}" if how and read else shown


@lru_cache(maxsize=1 << 14)
def _when_parts(date: PartialDate | None) -> tuple[str, str]:
    """The date as shown, and how it was read ("(inferred from “Monday”)") or ""."""
    if date is None:
        return UNDATED, ""
    shown = date.display()
    if date.text:
        return shown, f"(inferred from “{date.text}”)"
    if date.rule:
        return shown, f"(inferred: {date.rule})"
    return shown, ""


def _dated_head(date: PartialDate | None) -> str:
    """A list item's date, bold, then how it was read: ``**March 2025** (inferred from “…”)``."""
    shown, read = _when_parts(date)
    return strong(shown) + (f" {inline(read)}" if read else "")


def _term(term_text: str, penalty: str | None) -> str:
    if not penalty:
        return term_text
    return f"{term_text} in prison" if penalty == "prison" else f"{term_text} ({penalty})"


COMMON_BODIES = frozenset(
    {
        "prosecutors",
        "prosecution",
        "the prosecution",
        "police",
        "the police",
        "judges",
        "the judges",
        "the court",
        "court",
        "defence",
        "the defence",
        "defense",
        "the defense",
        "lawyers",
        "government",
        "the government",
        "fiscalía",
        "la fiscalía",
        "fiscales",
    }
)
"""Names of bodies that are common nouns, not proper names: lower case inside a sentence
("requested by prosecutors"), as a typesetter writes them."""


def _by(name: str, *, start: bool = False) -> str:
    """Who requested or imposed a sentence, in sentence case: a common noun ("Prosecutors") in
    lower case unless it opens the sentence; a proper name as written."""
    if name.strip().casefold() in COMMON_BODIES:
        lower = name[:1].lower() + name[1:]
        return lower[:1].upper() + lower[1:] if start else lower
    return name


def _according(said: Said) -> str:
    """`` — according to Raul Nobresilla``: a party's claim, named as theirs; "" for the source."""
    return f" — {inline(said.claim)}" if said.claim else ""


def _sentence(text: str) -> str:
    """End Markdown text with a full stop unless it ends with punctuation already."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?…”" else text + "."


def _cite(spans: Iterable[Span]) -> str:
    """The footnote markers of ``spans``, each span once: :func:`render` numbers them."""
    out: list[str] = []
    seen: set[tuple[str, int, int]] = set()
    for span in spans:
        key = (span.source, span.start, span.end)
        if key not in seen:
            seen.add(key)
            out.append(
                f"{_MARK_OPEN}{span.source.encode().hex()}{_MARK_SEP}{span.start}{_MARK_SEP}"
                f"{span.end}{_MARK_CLOSE}"
            )
    return "".join(out)


_REQUESTED = kinds.sentence_kind("requested")
_IMPOSED = kinds.sentence_kind("imposed")
"""What a sentence of each kind is, as every output says it: "requested by prosecutors"."""


def _parts(*parts: tuple[str, list[str], str]) -> list[str]:
    """Blocks of (sub-)sections: each heading, then its items, or what to say when it has none."""
    out: list[str] = []
    for head, items, none in parts:
        out += [head, "\n".join(items) if items else none]
    return out


def _section(head: str, lines: list[str], none: str, intro: str | None = None) -> list[str]:
    """A section's blocks: its heading, then its introduction and its lines, or what to say when
    it has none."""
    if not lines:
        return [head, none]
    return [head, *([intro] if intro else []), "\n".join(lines)]


def _first(spans: Sequence[Span]) -> list[Span]:
    return list(spans[:1])


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


# ---------------------------------------------------------------------------------------------------
# Gathering: what the brief will write, read as typed records and kept by the selection.


@dataclass(frozen=True)
class Scope:
    """What the brief keeps: every record, or (``kept``) the seeds — the ``persons`` and the pinned
    records — and every record one link away from a seed; and (``since``) dated events from a date
    on."""

    kept: frozenset[str] | None = None
    since: Since | None = None
    person_names: tuple[str, ...] = ()
    """The names of the ``persons`` narrowed to."""

    def keeps(self, record: str) -> bool:
        return self.kept is None or record in self.kept

    def dated(self, *dates: PartialDate | None) -> bool:
        """No date limit, or one of ``dates`` is on or after it."""
        since = self.since
        return since is None or any(d is not None and since.keeps(d.value) for d in dates)

    @property
    def narrowed(self) -> bool:
        return self.kept is not None or self.since is not None

    @property
    def where(self) -> str:
        return "in this selection" if self.narrowed else "in the dossier"


@dataclass(frozen=True)
class Pin:
    """A pinned record as the brief lists it: ``record`` is ``None`` when it has left the dossier."""

    item: WorkItem
    record: RecordRef | None
    title: str
    """Its title; a quote's: the speakers and the words."""
    evidence: tuple[Span, ...]


@dataclass(frozen=True)
class QuoteChoice:
    """The key quotes: at most :data:`KEY_QUOTES`, in date order, and how many the selection has."""

    quotes: tuple[Quote, ...]
    total: int
    pinned_first: bool
    """Pinned quotes were chosen first."""


@dataclass(frozen=True)
class OtherSection:
    """A section of the kinds with none of their own that share a ``brief_section``."""

    title: str
    groups: tuple[tuple[kinds.KindSpec, tuple[OtherRecord, ...]], ...]
    """Each kind of the section (in registry order) and its records kept."""


class Later(Generic[T]):
    """A value read when it is first asked for: what the top of the brief does not need (people,
    sources) is read while the top is already shown. Read from the connection :func:`gather` was
    given, so only while it is open (as :func:`render` is, in :func:`brief_parts`)."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None

    @classmethod
    def now(cls, value: T) -> Later[T]:
        later: Later[T] = cls(lambda: value)
        later.get()
        return later

    def get(self) -> T:
        if self._make is not None:
            self._value, self._make = self._make(), None
        return self._value  # type: ignore[return-value]


@dataclass(frozen=True)
class Gathered:
    """Everything the brief writes, section by section, as the selection keeps it."""

    title: str
    meta: dict[str, str]
    scope: Scope
    pins: tuple[Pin, ...] | None
    """The brief from pins: the pinned records in the user's order, orphans included."""
    entities: Later[tuple[tuple[Entity, ...], tuple[Entity, ...]]]
    """The people, and the organisations (read when first asked for, for the whole case)."""
    charges: tuple[Charge, ...]
    requested: tuple[Sentence, ...]
    imposed: tuple[Sentence, ...]
    custody: tuple[Custody, ...]
    timeline: tuple[Asylum | Diplomatic, ...]
    events: tuple[Event, ...]
    other: tuple[OtherSection, ...]
    quotes: QuoteChoice
    discrepancies: tuple[Note, ...]
    editorial: tuple[Note, ...]
    source_list: Later[tuple[Source, ...]]
    source_count: int
    timeline_chart: Later[chart.Timeline]
    """The dated records kept, as lanes of spans and marks (:mod:`dossier.timeline`)."""
    legal: tuple[queries.LegalStatus, ...] = ()
    """Legal status beside custody (capture ordered, in an embassy...): for the summary, which
    no longer says a custody status they supersede."""

    @property
    def picture(self) -> chart.Timeline:
        return self.timeline_chart.get()

    @property
    def people(self) -> tuple[Entity, ...]:
        return self.entities.get()[0]

    @property
    def organisations(self) -> tuple[Entity, ...]:
        return self.entities.get()[1]

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.source_list.get()

    def written(self) -> set[str]:
        """Every record the brief writes."""
        out = _facts_written(
            self.charges,
            (*self.requested, *self.imposed),
            self.custody,
            self.timeline,
            self.events,
            self.quotes.quotes,
            self.other,
        )
        out |= _people_written(self.people, self.organisations)
        out.update(n.id for n in (*self.discrepancies, *self.editorial))
        out.update(s.id for s in self.sources)
        return out


def gather(
    conn: sqlite3.Connection,
    *,
    persons: Sequence[str] = (),
    since: Since | None = None,
    pins: Sequence[WorkItem] | None = None,
) -> Gathered:
    """Read what the brief writes (see :func:`brief_markdown` for ``persons``, ``since`` and
    ``pins``)."""
    meta = store.read_meta(conn)
    items = None if pins is None else list({item.record: item for item in pins}.values())
    pinned = read.record_refs(conn, [i.record for i in items]) if items is not None else {}
    scope = _scope(conn, persons, since, pinned, narrow=bool(persons) or items is not None)

    charges = tuple(_charges(conn, scope))
    sentences = [s for s in queries.sentences(conn) if scope.keeps(s.id) and scope.dated(s.date)]
    held = tuple(
        c for c in queries.custody(conn) if scope.keeps(c.id) and scope.dated(c.start, c.end)
    )
    timeline = tuple(
        r for r in read.asylum_and_diplomacy(conn) if scope.keeps(r.id) and scope.dated(r.date)
    )
    events = tuple(e for e in read.events(conn) if scope.keeps(e.id) and scope.dated(e.date))
    other = _other(conn, scope, meta)
    quotes = _choose_quotes(conn, scope, [r.id for r in pinned.values() if r.kind == "quote"])
    requested = tuple(s for s in sentences if s.kind == "requested")
    imposed = tuple(s for s in sentences if s.kind == "imposed")
    # With a selection, the organisations listed are those the facts written refer to; notes are
    # kept when they are about a record written before them.
    facts = _facts_written(
        charges, (*requested, *imposed), held, timeline, events, quotes.quotes, other
    )
    if scope.narrowed:  # the notes kept are those about a record written, people included
        entities = Later.now(_people(conn, scope, facts))
        people, organisations = entities.get()
        about = facts | _people_written(people, organisations)
    else:  # every note is kept: the people are read when their section is written
        entities = Later(lambda: _people(conn, scope, facts))
        about = set()
    discrepancies, editorial = _notes(conn, scope, pinned, about)
    return Gathered(
        title=meta.get("case_title") or "Case brief",
        meta=meta,
        scope=scope,
        pins=None if items is None else tuple(_pins(conn, items, pinned)),
        entities=entities,
        charges=charges,
        requested=requested,
        imposed=imposed,
        custody=held,
        timeline=timeline,
        events=events,
        other=other,
        quotes=quotes,
        discrepancies=discrepancies,
        editorial=editorial,
        source_list=Later(lambda: tuple(read.sources(conn))),
        source_count=read.source_count(conn),
        timeline_chart=Later(
            lambda: chart.build(
                [
                    i
                    for i in timeline_items(conn)
                    if scope.keeps(i.record) and (scope.since is None or scope.since.keeps(i.start))
                ],
                meta.get("as_of"),
            )
        ),
        legal=tuple(
            st
            for st in queries.legal_statuses(conn)
            if scope.keeps(st.id) and scope.dated(st.start, st.end)
        ),
    )


def _scope(
    conn: sqlite3.Connection,
    persons: Sequence[str],
    since: Since | None,
    pinned: dict[str, RecordRef],
    *,
    narrow: bool,
) -> Scope:
    """Keep the seeds — the ``persons`` and the pinned records — and every record one link away
    from a seed, either way. A person is never the source of a link, so for a person this is
    every record that refers to them."""
    if not narrow:
        return Scope(since=since)
    people = list(dict.fromkeys(p.strip() for p in persons))
    found = read.record_refs(conn, people)
    names: list[str] = []
    for person in people:
        ref = found.get(person)
        spec = kinds.get(ref.kind) if ref is not None else None
        if ref is None or spec is None or spec.table != "entity":
            raise UnknownPersonError(person)
        names.append(ref.title)
    seeds = list(dict.fromkeys([*people, *pinned]))
    kept = set(seeds) | read.linked(conn, seeds)
    return Scope(frozenset(kept), since, tuple(names))


def _charges(conn: sqlite3.Connection, scope: Scope) -> Iterator[Charge]:
    """The charges kept; with a date limit, each with the steps of its history it keeps, and
    only if it keeps one."""
    since = scope.since
    for charge in queries.charges(conn):
        if not scope.keeps(charge.id):
            continue
        if since is not None:
            steps = tuple(s for s in charge.history if s.date and since.keeps(s.date.value))
            if not steps:
                continue
            dropped = {
                span for step in charge.history if step not in steps for span in step.evidence
            }
            evidence = tuple(span for span in charge.evidence if span not in dropped)
            charge = replace(charge, history=steps, evidence=evidence)
        yield charge


def _other(
    conn: sqlite3.Connection, scope: Scope, meta: dict[str, str]
) -> tuple[OtherSection, ...]:
    """The records of the kinds with no section of their own that the dossier has, by their
    spec's ``brief_section`` (in registry order)."""
    counts = queries.kind_counts(conn, meta)
    sections: dict[str, list[tuple[kinds.KindSpec, tuple[OtherRecord, ...]]]] = {}
    for spec in kinds.specs():
        if spec.kind in BESPOKE_KINDS or not counts.get(spec.kind):
            continue
        records = tuple(
            r
            for r in read.other_records(conn, spec.kind)
            if scope.keeps(r.id) and scope.dated(r.date)
        )
        sections.setdefault(spec.brief_section, []).append((spec, records))
    return tuple(OtherSection(title, tuple(found)) for title, found in sections.items())


def _choose_quotes(conn: sqlite3.Connection, scope: Scope, pinned: Sequence[str]) -> QuoteChoice:
    """Pinned quotes first, then direct quotes and epithets, then reported statements, each in
    date order, up to :data:`KEY_QUOTES`: streamed, never all in memory."""

    kept, since = scope.kept, scope.since

    def keeps(key: QuoteKey) -> bool:
        return (kept is None or key.id in kept) and (since is None or since.keeps(key.date))

    limit = KEY_QUOTES
    chosen = [k.pos for k in read.quote_keys(conn, ids=pinned) if keeps(k)][:limit]
    first = set(chosen)
    for reported in (False, True):
        if len(chosen) >= limit:
            break
        for key in read.quote_keys(conn, reported=reported):
            if key.pos not in first and keeps(key):
                chosen.append(key.pos)
                if len(chosen) >= limit:
                    break
    if scope.narrowed:
        total = sum(1 for key in read.quote_keys(conn) if keeps(key))
    else:
        total = read.quote_count(conn)
    return QuoteChoice(tuple(read.quotes_at(conn, chosen)), total, bool(first))


def _facts_written(
    charges: Iterable[Charge],
    sentences: Iterable[Sentence],
    custody: Iterable[Custody],
    timeline: Iterable[Asylum | Diplomatic],
    events: Iterable[Event],
    quotes: Iterable[Quote],
    other: Iterable[OtherSection],
) -> set[str]:
    out: set[str] = set()
    for records in (charges, sentences, custody, timeline, events, quotes):
        out.update(r.id for r in records)
    out.update(r.id for section in other for _, records in section.groups for r in records)
    return out


def _people_written(people: Iterable[Entity], organisations: Iterable[Entity]) -> set[str]:
    out: set[str] = set()
    for entity in (*people, *organisations):
        out.add(entity.id)
        out.update(role.id for role in entity.roles)
    return out


def _people(
    conn: sqlite3.Connection, scope: Scope, facts: set[str]
) -> tuple[tuple[Entity, ...], tuple[Entity, ...]]:
    """People and organisations, each with the roles kept. With a selection: the people kept, and
    the organisations kept or referred to by the ``facts`` written."""
    linked = read.referred_organisations(conn, facts) if scope.kept is not None else set()
    people: list[Entity] = []
    organisations: list[Entity] = []
    for entity in read.entities(conn):
        is_person = entity.kind == "person"
        if (
            scope.kept is not None
            and entity.id not in scope.kept
            and (is_person or entity.id not in linked)
        ):
            continue
        # Narrowed to a record that names the holder, not to the holder: its other roles go.
        roles = tuple(role for role in entity.roles if scope.keeps(role.id))
        if len(roles) != len(entity.roles):
            entity = replace(entity, roles=roles)
        (people if is_person else organisations).append(entity)
    return tuple(people), tuple(organisations)


def _notes(
    conn: sqlite3.Connection, scope: Scope, pinned: dict[str, RecordRef], about: set[str]
) -> tuple[tuple[Note, ...], tuple[Note, ...]]:
    """Discrepancies and editorial notes; with a selection, those pinned or ``about`` a record
    written."""
    kept: dict[str, list[Note]] = {"discrepancy": [], "editorial": []}
    for note in read.notes(conn):
        if note.kind not in kept:
            continue
        if (
            scope.narrowed
            and note.id not in pinned
            and not any(target.id in about for target in note.about)
        ):
            continue
        kept[note.kind].append(note)
    return tuple(kept["discrepancy"]), tuple(kept["editorial"])


def _pins(
    conn: sqlite3.Connection, items: Sequence[WorkItem], pinned: dict[str, RecordRef]
) -> Iterator[Pin]:
    ids = list(pinned)
    evidence = read.evidence_of(conn, ids)
    positions = [
        k.pos for k in read.quote_keys(conn, ids=[i for i in ids if pinned[i].kind == "quote"])
    ]
    quotes = {
        q.id: f"{q.speakers or 'unattributed'}: “{q.text}”" for q in read.quotes_at(conn, positions)
    }
    for item in items:
        ref = pinned.get(item.record)
        if ref is None:
            yield Pin(item, None, item.title, ())
            continue
        spans = evidence.get(ref.id, ())
        title = ref.title
        if ref.kind == "quote":  # a quote is named by its words, and cited by where it is said
            title, spans = quotes.get(ref.id, title), spans[:1]
        yield Pin(item, ref, title, spans)


# ---------------------------------------------------------------------------------------------------
# Rendering: pure functions of the gathered records.


def render(g: Gathered, text_of: Callable[[str], str], *, html: bool = False) -> str:
    """The brief's Markdown from what :func:`gather` read; ``text_of`` gives a cited source's
    text (for the line numbers and words of the footnotes). ``html``: the timeline chart as a
    placeholder for the HTML page's inline SVG, instead of a Mermaid block."""
    return "".join(render_parts(g, text_of, html=html))


def render_parts(
    g: Gathered, text_of: Callable[[str], str], *, html: bool = False
) -> Iterator[str]:
    """:func:`render`'s text in pieces, in reading order: the head (title, pins, summary), then
    each section, then the footnotes. Footnotes are numbered in the order they appear, so each
    piece is final when it is given: a preview shows the top of a long brief before its end is
    written."""
    numbers: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        key = match.group(1)
        n = numbers.get(key)
        if n is None:
            n = numbers[key] = len(numbers) + 1
        return f"[^{n}]"

    head = [*render_head(g)]
    if g.pins is not None:
        head += render_pins(g)
    head += render_summary(g)
    yield _MARK.sub(number, "\n\n".join(head))
    for blocks in _section_blocks(g, html):
        if blocks:
            yield _MARK.sub(number, "\n\n" + "\n\n".join(blocks))
    notes = render_footnotes(numbers, g.sources, text_of)
    yield ("\n\n" + "\n\n".join(notes) if notes else "") + "\n"


def _section_blocks(g: Gathered, html: bool) -> Iterator[list[str]]:
    """Each section's blocks, in order, made as they are asked for; the kinds with no section of
    their own within the section of their name, or after the others."""
    standard: list[tuple[str, Callable[[Gathered], list[str]]]] = [
        ("People", render_people),
        ("Charges", render_charges),
        ("Sentences", render_sentences),
        ("Custody", render_custody),
        ("Asylum and diplomatic timeline", render_timeline),
        ("Other events", render_events),
    ]
    titles = {title for title, _ in standard}
    for title, make in standard:
        blocks = make(g)
        for other in g.other:
            if other.title == title:
                blocks.extend(render_other(other, g.scope, nested=True))
        yield blocks
    for other in g.other:
        if other.title not in titles:
            yield render_other(other, g.scope, nested=False)
    yield chart.brief_blocks(g.picture, html=html)
    yield render_quotes(g)
    yield render_notes(g)
    yield render_sources(g)


def render_footnotes(
    numbers: dict[str, int], sources: Sequence[Source], text_of: Callable[[str], str]
) -> list[str]:
    """One footnote per cited span, in the order of their numbers."""
    about = {s.id: (s.title, s.published.display() if s.published else UNDATED) for s in sources}
    lines: dict[str, tuple[str, list[int]]] = {}
    out = []
    for key, n in numbers.items():  # in the order of their numbers
        source_hex, start_text, end_text = key.split(_MARK_SEP)
        source = bytes.fromhex(source_hex).decode()
        start, end = int(start_text), int(end_text)
        if source not in lines:
            text = text_of(source)
            lines[source] = (text, [m.start() for m in re.finditer("\n", text)])
        text, breaks = lines[source]
        line = bisect.bisect_left(breaks, start) + 1
        title, published = about.get(source, (source, UNDATED))
        out.append(
            f"[^{n}]: *{inline(title)}*, published {published}, line {line}, "
            f"characters {start}–{end}: “{inline(text[start:end])}”"
        )
    return out


# -- title, pins and summary -------------------------------------------------------------------------


def render_head(g: Gathered) -> list[str]:
    as_of = g.meta.get("as_of")
    when = display_iso(as_of, g.meta.get("as_of_precision") or "day") if as_of else "no date"
    blocks = [
        heading(1, g.title),
        f"Case brief as of {when}, the publication date of the newest source. Every factual "
        "line ends with footnotes that quote the exact words of its source. Dates are given "
        "as precisely as the source gives them; a date the analyst read from the source's "
        "words (“Monday”, “this year”) says so. Editorial notes are the analyst's, not the "
        "source's, and are marked as such.",
    ]
    scope = []
    names = g.scope.person_names
    if g.pins is not None:
        one = len(g.pins) == 1
        line = f"Built from {plural(len(g.pins), 'pinned record')} and the records " + (
            "it refers to or that refer to it" if one else "they refer to or that refer to them"
        )
        if names:
            line += (
                f", and from {join_and([inline(n) for n in names])} and the records linked to them"
            )
        scope.append(
            f"{line}. "
            + (
                "The pinned record comes first, with the working note written on it."
                if one
                else "The pinned records come first, in the order of the pins list (as "
                "pinned, or as rearranged), with the working notes written on them."
            )
        )
        orphans = sum(1 for pin in g.pins if pin.record is None)
        if orphans:
            scope.append(
                f"{'One pinned record is' if orphans == 1 else f'{orphans:,} pinned records are'}"
                " no longer in the dossier."
            )
    elif names:
        scope.append(
            f"Narrowed to {join_and([inline(n) for n in names])} and the records linked to them."
        )
    if g.scope.since is not None:
        scope.append(
            f"Only events dated {g.scope.since.display()} or later; undated events are left out. "
            "People, their roles, notes and sources are listed whatever their dates."
        )
    if scope:
        blocks.append(" ".join(scope))
    return blocks


def render_pins(g: Gathered) -> list[str]:
    """The pinned records in the user's order, where the brief writes each, and the working
    notes on them: the user's annotations, escaped and labelled, never footnoted."""
    blocks = [
        "## Pinned records and working notes",
        "The records pinned for this brief, in the order of the pins list (as pinned, or as "
        "rearranged), and the section "
        "that gives the facts about each, with their footnotes. A *working note* is the "
        "annotation written on a pinned record, copied as it was written: private notes, not "
        "from the sources and not evidence, so they carry no footnote. They are not the "
        "dossier's editorial notes, which are under Notes.",
    ]
    written = g.written()
    for n, pin in enumerate(g.pins or (), start=1):
        marker = f"{n}."
        item, ref = pin.item, pin.record
        if ref is None:
            line = (
                f"{marker} **Orphaned pin** {code(item.record)}: no longer in the dossier, so "
                "nothing in this brief is about it."
            )
            if item.title:
                kind = KIND_LABEL.get(item.kind, item.kind).lower()
                line += f" When it was pinned, it was {quote_marks(item.title)}"
                line += f" ({inline(kind)})." if kind else "."
        else:
            label = inline(KIND_LABEL.get(ref.kind, ref.kind).lower())
            line = f"{marker} {strong(pin.title)} — {label}"
            spec = kinds.get(ref.kind)
            section = spec.brief_section if spec is not None else None
            if ref.id in written and section:
                line += f", under {section}."
            else:
                line += f"; not in this brief: {_left_out(ref.kind, g.scope)}."
            line += _cite(pin.evidence)
        lines = [line]
        note = working_note(item.annotation)
        if note:
            pad = " " * (len(marker) + 1)
            lines.append("")
            lines.extend(pad + text if text else "" for text in note)
        blocks.append("\n".join(lines))
    return blocks


def _left_out(kind: str, scope: Scope) -> str:
    if scope.since is not None:
        return f"left out by the date limit, as it is not dated {scope.since.display()} or later"
    if kind == "quote":
        return f"not among the {KEY_QUOTES:,} key quotes shown"
    return "not written in this brief"


def render_summary(g: Gathered) -> list[str]:
    blocks = ["## Summary"]
    summary = g.meta.get("case_summary")
    if summary:
        blocks.append(f"*The case file's summary, written by the analyst:* {inline(summary)}")
    held = "This selection holds" if g.scope.narrowed else "The dossier holds"
    defendants = len({c.defendant for c in g.charges} | {s.defendant for s in g.imposed})
    figures = [
        (
            plural(defendants, "defendant") + " facing " + plural(len(g.charges), "charge")
            if defendants or g.charges
            else "no charges"
        ),
        f"{plural(len(g.requested), 'sentence', none='no sentence')} {_REQUESTED} "
        f"and {f'{len(g.imposed):,}' if g.imposed else 'none'} {_IMPOSED}",
        plural(len(g.custody), "custody record"),
        plural(
            len(g.timeline),
            "asylum or diplomatic event",
            "asylum and diplomatic events",
            none="no asylum or diplomatic events",
        ),
        plural(len(g.events), "other event"),
        *(
            plural(len(records), spec.label.lower(), spec.plural_label)
            for section in g.other
            for spec, records in section.groups
        ),
        plural(g.quotes.total, "quote"),
        plural(len(g.discrepancies), "discrepancy note")
        + " and "
        + plural(len(g.editorial), "editorial note"),
        plural(g.source_count, "source"),
    ]
    blocks.append(f"{held} {'; '.join(figures)}.")
    shown = queries.key_figures(g.charges, (*g.requested, *g.imposed), g.custody, legal=g.legal)
    items = [_defendant_line(d) for d in shown]
    more = defendants - len(shown)
    if more > 0:
        items.append(f"- {plural(more, 'more defendant')}: see Charges.")
    latest = next((r for r in reversed(g.timeline) if r.date is not None), None)
    if latest is not None:
        items.append(
            f"- Latest in the asylum and diplomatic timeline, "
            f"{inline(_when(latest.date, how=False))} — {_sentence(_what_happened(latest))}"
            f"{_cite(_first(latest.evidence))}"
        )
    if items:
        blocks.append("\n".join(items))
    return blocks


def _marked(items: Sequence[tuple[str, str]]) -> str:
    """Clauses joined by semicolons and ended with a full stop, each clause's footnote marks after
    its punctuation, as a typesetter places them."""
    last = len(items) - 1
    return " ".join(
        f"{text}{'.' if n == last else ';'}{marks}" for n, (text, marks) in enumerate(items)
    )


def _defendant_line(d: DefendantFigures) -> str:
    """A defendant's key figures: each fact footnoted with the first span of its record."""
    parts = []
    if d.charges:
        texts = []
        for charge in d.charges:
            last = charge.last
            latest = (
                f"{vocab.step_text(last.status, last.offence)} ({_when(last.date, how=False)})"
                if last
                else "status not stated"
            )
            inferred = " (inferred)" if "offence" in charge.said.inferred else ""
            # the status is footnoted with the words that say it, else with the charge's own
            spans = _first(last.evidence) if last and last.evidence else _first(charge.evidence)
            texts.append(
                (
                    f"{inline(charge.offence)}{inferred}{_according(charge.said)}, "
                    f"{inline(latest)}",
                    _cite(spans),
                )
            )
        parts.append("Charges: " + _marked(texts))
    for found in (d.requested, d.imposed):
        if found:
            said = [
                (
                    f"{inline(_by(s.by, start=n == 0))} {s.kind} "
                    f"{inline(_term(s.term, s.penalty))}{_according(s.said)}",
                    _cite(_first(s.evidence)),
                )
                for n, s in enumerate(found)
            ]
            parts.append(_marked(said))
    if not d.imposed:
        parts.append(f"No sentence {_IMPOSED}.")
    if d.custody:
        c = d.custody
        since = f" since {_when(c.start, how=False)}" if c.start else ""
        parts.append(
            _marked([(f"Custody: {inline(f'{c.status}{since}')}{_according(c.said)}",
                      _cite(_first(c.evidence)))])
        )  # fmt: skip
    for st in d.legal:
        since = f" since {_when(st.start, how=False)}" if st.start else ""
        parts.append(
            _marked([(f"Legal status: {inline(f'{st.status}{since}')}{_according(st.said)}",
                      _cite(_first(st.evidence)))])
        )  # fmt: skip
    return f"- {strong(d.name)} — {' '.join(parts)}"


# -- people -------------------------------------------------------------------------------------------


def render_people(g: Gathered) -> list[str]:
    where = g.scope.where
    return _parts(
        ("## People", [_entity(e) for e in g.people], f"No people {where}."),
        (
            "### Organisations and states",
            [_entity(e) for e in g.organisations],
            f"No organisations {where}.",
        ),
    )


def _entity(e: Entity) -> str:
    line = f"- {strong(e.name)}"
    if e.type != "person":
        line += f" ({inline(e.type)})"
    line += f": {_sentence(inline(e.description))}" if e.description else "."
    if e.aliases:
        line += " Also written " + ", ".join(f"“{inline(a)}”" for a in e.aliases) + "."
    if e.usual:
        line += (
            " Usually written "
            + ", ".join(f"“{inline(a)}”" for a in e.usual)
            + " (usual spelling, not in the source)."
        )
    lines = [line + _cite(e.evidence)]
    lines.extend("  - " + _role(role) for role in e.roles)
    return "\n".join(lines)


def _role(r: Role) -> str:
    what = inline(r.title)
    if r.organization and r.organization.casefold() not in r.title.casefold():
        what += f", {inline(r.organization)}"
    if r.of:
        what += f" for {inline(r.of)}"
    dates = []
    if r.start:
        dates.append("from " + inline(_when(r.start)))
    if r.end:
        dates.append("until " + inline(_when(r.end)))
    when = ", ".join(dates) if dates else "dates not stated"
    state = f"{inline(r.status)}; " if r.status else ""
    return f"{what} — {state}{when}.{_cite(r.evidence)}"


# -- charges, sentences, custody ------------------------------------------------------------------------


_PLEA_WORDS = re.compile(
    r"(?i)\b(den(y|ies|ied|ial)|admit(s|ted)?|admission|plead(s|ed)?|pleas?|pled|guilty|"
    r"niega|niegan|negó|admite|admiten|admitió|culpable)\b"
)
"""Words that state a plea: a span of a charge's own evidence holding one supports its plea."""


def charge_citations(c: Charge) -> tuple[list[Span], list[list[Span]], list[Span]]:
    """A charge's footnotes by the cell they support: the charge itself, each step of its
    history (the words that say that step), and its plea (its own spans that state a plea)."""
    stepped = {span for step in c.history for span in step.evidence}
    own = [span for span in c.evidence if span not in stepped]
    plea = [span for span in own if _PLEA_WORDS.search(span.exact)] if c.plea else []
    charge = [span for span in own if span not in plea]
    return charge, [list(step.evidence) for step in c.history], plea


def render_charges(g: Gathered) -> list[str]:
    rows = []
    for c in g.charges:
        on_charge, on_steps, on_plea = charge_citations(c)
        what = inline(c.offence) + _according(c.said)
        if "offence" in c.said.inferred:
            what += " (inferred: the source does not name this charge)"
        if c.alleges:
            what += f" — alleged: {_sentence(inline(c.alleges))}"
        status = (
            "; ".join(
                f"{inline(vocab.step_text(step.status, step.offence))}, "
                f"{inline(_when(step.date))}{_cite(spans)}"
                for step, spans in zip(c.history, on_steps, strict=True)
            )
            if c.history
            else "status not stated"
        )
        rows.append(
            [
                cell(c.defendant_name),
                what + _cite(on_charge),
                status,
                cell(c.plea or "not stated") + _cite(on_plea),
            ]
        )
    return _section(
        "## Charges",
        table(["Defendant", "Charge", "Status", "Plea"], rows) if rows else [],
        f"No charges {g.scope.where}.",
        "The status column lists each step of a charge's history, oldest first; each cell's "
        "footnotes quote the words that say what it says.",
    )


def render_sentences(g: Gathered) -> list[str]:
    where = g.scope.where
    return [
        "## Sentences",
        f"A sentence {_REQUESTED} is a request, not a sentence: only a court imposes one. The two "
        "are listed apart.",
        *_parts(
            (
                f"### {_REQUESTED.capitalize()}, not imposed",
                [_sentence_item(s) for s in g.requested],
                f"No sentence {_REQUESTED} {where}.",
            ),
            (
                f"### {_IMPOSED.capitalize()}",
                [_sentence_item(s) for s in g.imposed],
                f"No sentence {_IMPOSED} {where}.",
            ),
        ),
    ]


def _sentence_item(s: Sentence) -> str:
    line = f"- {strong(s.defendant_name)}: {inline(_term(s.term, s.penalty))}, {s.kind} by "
    line += inline(_by(s.by)) + _according(s.said)
    if s.offence:
        line += f", on the charge {inline(s.offence)}"
        if "charge" in s.said.inferred:
            line += " (inferred: the source does not link them in so many words)"
    return line + f"; {inline(_when(s.date))}.{_cite(s.evidence)}"


def render_custody(g: Gathered) -> list[str]:
    rows = []
    for c in g.custody:
        since = _when(c.start) if c.start else "not stated"
        until = _when(c.end) if c.end else "not stated"
        rows.append(
            [
                cell(c.person_name),
                # the footnote on the state it gives (its dates come from the same words)
                cell(c.status + (f" — {c.said.claim}" if c.said.claim else "")) + _cite(c.evidence),
                cell(since),
                cell(until),
            ]
        )
    return _section(
        "## Custody",
        table(["Person", "Status", "Since", "Until"], rows) if rows else [],
        f"No custody records {g.scope.where}.",
    )


# -- events -------------------------------------------------------------------------------------------


ASYLUM_CLAUSE = {
    "granted": "had been granted asylum",
    "sought": "had sought asylum",
    "refused": "had been refused asylum",
    "intercepted": "had been stopped on the way to asylum",
    "safe conduct": "had been given safe conduct",
    "fled to embassy": "had fled to the embassy",
}
"""An asylum event as what a party said had happened (the brief's attributed prose)."""


def _what_happened(r: Asylum | Diplomatic) -> str:
    if isinstance(r, Asylum):
        what = f"{inline(r.person_name)}: {inline(kinds.asylum_event(r.type))} ({inline(r.state)}"
        what += f"; at {inline(r.embassy)})" if r.embassy else ")"
    else:
        what = f"{inline(r.actor)} → {inline(r.counterpart)}: {inline(r.type)}"
        what += f" (by {inline(r.by)})" if r.by else ""
    return what + (f" — {inline(r.said.claim)}" if r.said.party and r.said.claim else "")


def _said_that(said: Said, clause: str) -> str:
    """``Hugo de Zera said that …``: a party's claim as attributed prose."""
    verb = VERB.get(said.assertion or "states", ("said", "says"))[0]
    if verb in ("accused", "denied", "confirmed"):
        return f"{inline(said.party or '')} {verb}: {clause}"
    return f"{inline(said.party or '')} {verb} that {clause}"


def _other_sides(said: Said) -> str:
    """`` Other sides: Mexico: no immediate comment.``: the answers after the claim's footnote."""
    if not said.claim:
        return ""
    parts = said.claim.split("; ")
    others = parts[1:] if said.party else parts
    if not others:
        return ""
    text = inline("; ".join(others))
    return f" Other sides: {text}" + ("" if text.endswith(".") else ".")


def _timeline_item(r: Asylum | Diplomatic) -> str:
    """A timeline line; a party's claim written as what they said, the footnote on those words."""
    head = f"- {_dated_head(r.date)} — "
    if isinstance(r, Asylum) and r.said.party:
        clause = f"{inline(r.person_name)} {inline(ASYLUM_CLAUSE.get(r.type, 'asylum ' + r.type))}"
        clause += f" ({inline(r.state)}" + (f"; at {inline(r.embassy)})" if r.embassy else ")")
        return (
            head
            + _sentence(_said_that(r.said, clause))
            + _cite(r.evidence)
            + (f" {_sentence(inline(r.description))}" if r.description else "")
            + _other_sides(r.said)
        )
    what = _what_happened(r)
    return (
        head
        + _sentence(what)
        + (f" {_sentence(inline(r.description))}" if r.description else "")
        + _cite(r.evidence)
        + (_other_sides(r.said) if not r.said.party else "")
    )


def render_timeline(g: Gathered) -> list[str]:
    items = [_timeline_item(r) for r in g.timeline]
    return _section(
        "## Asylum and diplomatic timeline",
        items,
        f"No asylum or diplomatic events {g.scope.where}.",
        "In date order; events with no date come last.",
    )


def render_events(g: Gathered) -> list[str]:
    items = []
    for e in g.events:
        line = f"- {_dated_head(e.date)} — {_sentence(inline(e.title) + _according(e.said))}"
        if e.participants:
            line += f" Involved: {join_and([inline(n) for n in e.participants])}."
        if e.description:
            line += f" {_sentence(inline(e.description))}"
        items.append(line + _cite(e.evidence))
    return _section(
        "## Other events",
        items,
        f"No other events {g.scope.where}.",
        "Events of the case that are not asylum or diplomacy, in date order.",
    )


def render_other(section: OtherSection, scope: Scope, *, nested: bool = False) -> list[str]:
    """A section of kinds with none of their own: each record in its spec's prose, dated and
    footnoted; under a heading of its own, or (``nested``) within the section of that name."""
    blocks = [] if nested else [heading(2, section.title)]
    for spec, records in section.groups:
        if nested or len(section.groups) > 1:
            blocks.append(heading(3, spec.plural_label.capitalize()))
        if not records:
            blocks.append(f"No {inline(spec.plural_label)} {scope.where}.")
            continue
        blocks.append("In date order; records with no date come last.")
        items = []
        for r in records:
            when = r.date.display() if r.date else UNDATED
            prose = spec.prose(r.title, r.subtitle, when)
            items.append(f"- {_dated_head(r.date)} — {_sentence(inline(prose))}{_cite(r.evidence)}")
        blocks.append("\n".join(items))
    return blocks


# -- quotes, notes, sources ---------------------------------------------------------------------------


def render_quotes(g: Gathered) -> list[str]:
    choice, where = g.quotes, g.scope.where
    shown, total = len(choice.quotes), choice.total
    blocks = ["## Key quotes"]
    if not shown:
        blocks.append(f"No quotes {where}.")
        return blocks
    if total > shown:
        order = (
            "pinned quotes first, then direct quotes and epithets"
            if choice.pinned_first
            else "direct quotes and epithets first"
        )
        blocks.append(
            f"{shown:,} of the {total:,} quotes {where}, chosen {order}, then reported "
            f"statements; {total - shown:,} more are not shown. In date order; quotes "
            "with no date come last."
        )
    else:
        blocks.append(
            f"{'The only quote' if total == 1 else f'All {total:,} quotes'} {where}, in date "
            "order; quotes with no date come last."
        )
    for q in choice.quotes:
        # The words are footnoted once: the attribution line carries the other spans (who said
        # it, when), or none when the quote's own words are all the evidence.
        said = q.evidence[:1]
        about = [span for span in q.evidence[1:] if span not in said]
        blocks.append(f"> {inline(q.text)}{_cite(said)}")
        line = (
            f"— {inline(q.speakers or 'unattributed')}; {inline(_when(q.date))}; "
            f"{inline(kinds.quote_kind(q.kind, style='brackets'))}."
        )
        if q.context:
            line += f" {_sentence(inline(q.context))}"
        blocks.append(line + _cite(about))
    return blocks


def render_notes(g: Gathered) -> list[str]:
    return [
        "## Notes",
        "Discrepancies are things inside the source that do not add up. Editorial notes are "
        "the analyst's knowledge from outside the source, never a sourced fact; each footnote "
        "shows the words the note is about.",
        *_parts(
            (
                "### Discrepancies in the sources",
                [_note_item(n) for n in g.discrepancies],
                "No discrepancies noted.",
            ),
            ("### Editorial notes", [_note_item(n) for n in g.editorial], "No editorial notes."),
        ),
    ]


def _note_item(n: Note) -> str:
    if n.kind == "discrepancy":
        line = f"- {_sentence(inline(n.text))}"
    else:
        line = f"- **Editorial note (analyst, not from the source):** {_sentence(inline(n.text))}"
        if n.basis:
            line += f" Basis: {_sentence(inline(n.basis))}"
    if n.about:
        line += " About: " + _sentence("; ".join(inline(t.title) for t in n.about))
    return line + _cite(n.evidence)


def render_sources(g: Gathered) -> list[str]:
    items = []
    for s in g.sources:
        line = f"- {strong(s.title)}"
        if s.title_editorial:
            line += " (title supplied by the analyst: the source prints none)"
        line += f". Published {s.published.display() if s.published else UNDATED}"
        if s.publisher:
            line += f" by {inline(s.publisher)}"
        line += f". Language: {inline(s.language)}."
        if s.url:
            line += f" Address: {code(s.url)}."
        line += (
            f" Text: {code(s.file)}, {s.length:,} characters, SHA-256 {code(s.sha256)}."
            f"{_cite(s.evidence)}"
        )
        items.append(line)
    return [
        "## Sources",
        "Each footnote quotes the exact words of a source with their line and character "
        "positions (code points from the start of the text, the end excluded).",
        "\n".join(items) if items else "No sources.",
    ]
