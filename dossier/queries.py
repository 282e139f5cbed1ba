"""Read a dossier: pages of rows, record details, links, evidence in context, the case overview.

The app and the CLI read through :class:`Reader`, which returns plain frozen dataclasses (never live
rows) and pages every list in SQL, so that a dossier of a million quotes reads as fast as a small one.
Only the standard library's ``sqlite3`` is used: this module is on the app's path to its first screen.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import store
from dossier.dates import UNDATED, UNDATED_CELL, PartialDate, display_date
from dossier.schema import PANES

# ---------------------------------------------------------------------------------------------------
# What the panes show.


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    width: int
    """Minimum width in cells."""
    grow: int = 0
    """Share of the spare width (0: fixed)."""


PANE_TITLES = {
    "overview": "Overview",
    "people": "People",
    "charges": "Charges",
    "sentences": "Sentences",
    "asylum": "Asylum",
    "quotes": "Quotes",
    "sources": "Sources",
    "pinned": "Pinned",
}

PANE_COLUMNS: dict[str, tuple[Column, ...]] = {
    "overview": (Column("Date", 13), Column("What happened", 30, 1), Column("Kind", 10)),
    "people": (
        Column("Name", 18, 1),
        Column("Type", 11),
        Column("Roles", 20, 2),
        Column("Also written", 14, 1),
    ),
    "charges": (
        Column("Defendant", 14, 1),
        Column("Charge", 16, 2),
        Column("Status", 9),
        Column("Since", 13),
        Column("Plea", 6),
    ),
    "sentences": (
        Column("Person", 14, 1),
        Column("Kind", 10),
        Column("Term / status", 16, 2),
        Column("By / since", 14, 1),
        Column("Date", 11),
    ),
    "asylum": (
        Column("Date", 13),
        Column("Event", 16, 1),
        Column("Who", 14, 1),
        Column("Where / with", 14, 1),
    ),
    "quotes": (
        Column("Date", 13),
        Column("Speaker", 16),
        Column("Kind", 8),
        Column("Words", 24, 1),
    ),
    "sources": (Column("Kind", 14), Column("Title / note", 30, 1), Column("Date", 13)),
    "pinned": (
        Column("#", 4),
        Column("Record", 30, 2),
        Column("Kind", 12),
        Column("By", 10),
        Column("Note", 16, 1),
    ),
}

KIND_TABLE = {
    "source": "source",
    "person": "entity",
    "organization": "entity",
    "role": "role",
    "charge": "charge",
    "sentence": "sentence",
    "custody": "custody",
    "asylum": "asylum",
    "diplomatic": "diplomatic",
    "event": "event",
    "quote": "quote",
    "note": "note",
}

KIND_LABEL = {
    "source": "Source",
    "person": "Person",
    "organization": "Organisation",
    "role": "Role",
    "charge": "Charge",
    "sentence": "Sentence",
    "custody": "Custody",
    "asylum": "Asylum event",
    "diplomatic": "Diplomatic event",
    "event": "Event",
    "quote": "Quote",
    "note": "Note",
}

REL_LABEL = {
    "holder": "Held by",
    "organization": "Organisation",
    "of": "For",
    "defendant": "Defendant",
    "by": "By",
    "charge": "Charge",
    "person": "Person",
    "state": "State",
    "embassy": "Embassy",
    "actor": "Actor",
    "counterpart": "Counterpart",
    "participants": "Participants",
    "speakers": "Speaker",
    "mentions": "Names",
    "about": "About",
}

REVERSE_LABEL = {
    ("role", "holder"): "Roles",
    ("role", "organization"): "Posts in it",
    ("role", "of"): "Represented by",
    ("charge", "defendant"): "Charges",
    ("sentence", "defendant"): "Sentences",
    ("sentence", "by"): "Sentences it sought or imposed",
    ("sentence", "charge"): "Sentences",
    ("custody", "person"): "Custody",
    ("asylum", "person"): "Asylum",
    ("asylum", "state"): "Asylum it granted or was asked for",
    ("asylum", "embassy"): "Asylum at this embassy",
    ("diplomatic", "actor"): "Diplomatic actions taken",
    ("diplomatic", "counterpart"): "Diplomatic actions against it",
    ("diplomatic", "by"): "Diplomatic actions",
    ("event", "participants"): "Events",
    ("quote", "speakers"): "Quotes by",
    ("quote", "mentions"): "Quotes naming",
}

REVERSE_ORDER = list(REVERSE_LABEL)

FIELD_LABEL = {
    "name": "Name",
    "type": "Type",
    "description": "Description",
    "title": "Title",
    "status": "Status",
    "offence": "Charge",
    "alleges": "Alleges",
    "plea": "Plea",
    "kind": "Kind",
    "penalty": "Penalty",
    "term_text": "Term",
    "term": "Term (ISO 8601)",
    "context": "Context",
    "text": "Text",
    "basis": "Basis",
    "language": "Language",
    "file": "File",
    "sha256": "SHA-256",
    "publisher": "Publisher",
    "url": "URL",
    "speaker_names": "Speaker",
}

HIDDEN_COLUMNS = {
    "id",
    "kind",
    "pos",
    "search_speakers",
    "search_mentions",
    "start",
    "end",
    "source",
    "title_editorial",
    "speaker_names",
}
REF_COLUMNS = {
    "holder",
    "organization",
    "of",
    "defendant",
    "by",
    "charge",
    "person",
    "state",
    "embassy",
    "actor",
    "counterpart",
}
DATE_FIELDS = ("date", "start", "end", "published")
LINKS_PER_GROUP = 25
SPANS_PER_SOURCE = 5000


# ---------------------------------------------------------------------------------------------------
# Rows handed to the UI.


@dataclass(frozen=True, slots=True)
class CaseHeader:
    title: str
    summary: str
    as_of: str
    """The newest source's publication date, shown at its precision."""
    case_id: str
    counts: dict[str, int]
    """Record kind → number of records."""
    pane_counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class RowData:
    pos: int
    record: str
    kind: str
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class LinkRef:
    record: str
    title: str
    subtitle: str
    kind: str


@dataclass(frozen=True, slots=True)
class LinkGroup:
    label: str
    links: tuple[LinkRef, ...]
    more: int = 0
    """How many further links the group has beyond those listed."""


@dataclass(frozen=True, slots=True)
class NoteRef:
    id: str
    kind: str
    text: str
    basis: str | None

    @property
    def editorial(self) -> bool:
        return self.kind == "editorial"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    source: str
    source_title: str
    start: int
    end: int
    exact: str
    before: str
    """The source's words just before the span, back to the start of the sentence."""
    after: str
    line: int


@dataclass(frozen=True, slots=True)
class RecordDetail:
    id: str
    kind: str
    title: str
    subtitle: str
    pane: str
    fields: tuple[Field, ...]
    links: tuple[LinkGroup, ...]
    notes: tuple[NoteRef, ...]
    evidence: tuple[EvidenceView, ...]

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.kind, self.kind)

    def all_links(self) -> list[LinkRef]:
        return [link for group in self.links for link in group.links]


@dataclass(frozen=True, slots=True)
class Place:
    """Where a record is shown: its pane and its row there."""

    pane: str
    pos: int
    record: str


@dataclass(frozen=True, slots=True)
class SourceSpan:
    start: int
    end: int
    record: str
    kind: str


@dataclass(frozen=True, slots=True)
class SourceText:
    id: str
    title: str
    title_editorial: bool
    published: str
    text: str
    spans: tuple[SourceSpan, ...]
    more_spans: int = 0


@dataclass(frozen=True, slots=True)
class RecordHit:
    """A record found by name, alias or words, for the command palette."""

    id: str
    kind: str
    title: str
    subtitle: str


@dataclass(frozen=True, slots=True)
class Overview:
    header: CaseHeader
    figures: tuple[Field, ...]
    """Key figures: one line per defendant, and the case's main numbers."""
    defendants: tuple[str, ...] = field(default=())


# ---------------------------------------------------------------------------------------------------


LISTING_TEXT_MAX = 240
"""Longest text of a table cell (a quote's words, a note), in characters."""


def clip(text: str, limit: int = LISTING_TEXT_MAX) -> str:
    """``text`` on one line (runs of whitespace made one space), cut to ``limit`` characters with
    an ellipsis."""
    # A printable text has no whitespace but the space (tabs, newlines and no-break spaces are
    # not printable): without double or outer spaces it is already as the join would leave it.
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date_text(value: str | None, precision: str | None, approx: bool | int | None = False) -> str:
    return display_date(value, precision or "day", approx) if value else ""


def _date_cell(value: str | None, precision: str | None, approx: bool | int | None) -> str:
    return display_date(value, precision or "day", approx, short=True) if value else UNDATED_CELL


def _sentence_start(text: str) -> int:
    """Index just after the last sentence end (". ", newline) in ``text``, else 0."""
    best = 0
    for mark in (". ", "\n", "? ", "! ", "” "):
        at = text.rfind(mark)
        if at != -1:
            best = max(best, at + len(mark))
    return best


def _sentence_end(text: str) -> int:
    ends = [at + 1 for mark in (".", "\n", "?", "!") if (at := text.find(mark)) != -1]
    return min(ends) if ends else len(text)


def rows_in_one_step(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> list[Any]:
    """The rows of ``sql``, a ``SELECT json_group_array(json_array(...)) FROM (... ORDER BY
    pos)``, as lists, sorted by their first column.

    One row, one step of SQLite: a worker thread gives up and takes back the GIL around every
    step, and while the UI thread draws, each taking back waits for it to let go. A page of 100
    quotes fetched row by row took ~140 ms while the app drew the pane it was for, against 1 ms
    alone; as one JSON array it takes one step."""
    (text,) = conn.execute(sql, tuple(params)).fetchone()
    rows: list[Any] = json.loads(text) if text else []
    rows.sort(key=lambda row: row[0])
    return rows


class Reader:
    """Read access to one dossier database, safe to use from several worker threads at once.

    Each call borrows a connection from a small pool, so a slow query in one worker does not hold
    up another; every connection is read-only.
    """

    def __init__(self, path: Path, *, meta: dict[str, str] | None = None) -> None:
        self.path = path
        self.meta = meta if meta is not None else store.validate(path)
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False

    # -- connections ---------------------------------------------------------------------------

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = self._pool.get_nowait()
        except queue.Empty:
            conn = store.connect_readonly(self.path)
            with self._lock:
                self._all.append(conn)
        try:
            yield conn
        finally:
            with self._lock:
                if self._closed:  # closed while this one was out: close it now that it is free
                    conn.close()
                    self._all.remove(conn)
                else:
                    self._pool.put(conn)

    def close(self) -> None:
        """Close the connections not in use; one still in use is closed when it is given back.
        (Closing a connection while a worker thread runs a query on it crashed the process with
        a segmentation fault when the app quit during loading.)"""
        with self._lock:
            self._closed = True
            while True:
                try:
                    conn = self._pool.get_nowait()
                except queue.Empty:
                    break
                conn.close()
                self._all.remove(conn)

    # -- the case -----------------------------------------------------------------------------

    def header(self) -> CaseHeader:
        m = self.meta
        with self.connection() as conn:
            counts = {k[5:]: int(v) for k, v in m.items() if k.startswith("kind:")}
            if not counts and m.get("records") != "0":  # built before these were kept: count them
                counts = dict(
                    conn.execute("SELECT kind, count(*) FROM record GROUP BY kind").fetchall()
                )
            pane_counts = {pane: self._pane_count(conn, pane) for pane in PANE_TITLES}
        return CaseHeader(
            title=m.get("case_title", self.path.stem),
            summary=m.get("case_summary", ""),
            as_of=_date_text(m.get("as_of"), m.get("as_of_precision")) or "no sources",
            case_id=m.get("case_id", ""),
            counts=counts,
            pane_counts=pane_counts,
        )

    def overview(self) -> Overview:
        header = self.header()
        figures: list[Field] = []
        defendants: list[str] = []
        with self.connection() as conn:
            rows = conn.execute(
                "SELECT e.id, e.name FROM entity e WHERE e.id IN (SELECT defendant FROM charge) "
                "ORDER BY (SELECT min(rowid) FROM charge c WHERE c.defendant = e.id) LIMIT 12"
            ).fetchall()
            for pid, name in rows:
                defendants.append(pid)
                charges = conn.execute(
                    "SELECT offence, status, date, date_precision FROM charge WHERE defendant=? "
                    "ORDER BY rowid LIMIT 6",
                    (pid,),
                ).fetchall()
                parts = []
                for offence, status, date, precision in charges:
                    since = f" since {_date_text(date, precision)}" if date else ""
                    parts.append(f"{offence} ({status or 'status not stated'}{since})")
                figures.append(Field(f"{name}: charges", "; ".join(parts)))
                for kind, term, by in conn.execute(
                    "SELECT s.kind, s.term_text, e.name FROM sentence s JOIN entity e ON e.id = s.by "
                    "WHERE s.defendant=? ORDER BY s.kind DESC, s.rowid",
                    (pid,),
                ):
                    label = "sentence imposed" if kind == "imposed" else "sentence requested"
                    who = f" by {by}" if kind == "requested" else f" ({by})"
                    figures.append(Field(f"{name}: {label}", f"{term}{who}"))
                custody = conn.execute(
                    "SELECT status, start, start_precision FROM custody WHERE person=? "
                    "ORDER BY start DESC NULLS LAST, rowid DESC LIMIT 1",
                    (pid,),
                ).fetchone()
                if custody:
                    status, start, precision = custody
                    since = f" since {_date_text(start, precision)}" if start else ""
                    figures.append(Field(f"{name}: custody", f"{status}{since}"))
                asylum = conn.execute(
                    "SELECT a.type, s.name, a.date, a.date_precision, a.date_approx FROM asylum a "
                    "JOIN entity s ON s.id = a.state WHERE a.person=? "
                    "ORDER BY a.date DESC NULLS LAST, a.rowid DESC LIMIT 1",
                    (pid,),
                ).fetchone()
                if asylum:
                    kind, state, date, precision, approx = asylum
                    when = f", {_date_text(date, precision, approx)}" if date else ""
                    figures.append(Field(f"{name}: asylum", f"{kind} ({state}){when}"))
        return Overview(header, tuple(figures), tuple(defendants))

    # -- panes --------------------------------------------------------------------------------

    def _pane_count(self, conn: sqlite3.Connection, pane: str) -> int:
        key = f"count:{pane}"
        if key in self.meta:
            return int(self.meta[key])
        if pane == "quotes":
            return int(conn.execute("SELECT count(*) FROM quote").fetchone()[0])
        row = conn.execute("SELECT count(*) FROM listing WHERE pane=?", (pane,)).fetchone()
        return int(row[0])

    def count(self, pane: str) -> int:
        with self.connection() as conn:
            return self._pane_count(conn, pane)

    def page(self, pane: str, offset: int, limit: int) -> list[RowData]:
        """Rows ``offset`` to ``offset + limit`` of a pane: a range scan of its primary key."""
        if pane == "quotes":
            return self._quote_page(offset, limit)
        with self.connection() as conn:
            rows = rows_in_one_step(
                conn,
                "SELECT json_group_array(json_array(pos, record, kind, c1, c2, c3, c4, c5)) FROM "
                "(SELECT l.pos AS pos, l.record AS record, r.kind AS kind, l.c1 AS c1, l.c2 AS c2,"
                " l.c3 AS c3, l.c4 AS c4, l.c5 AS c5 FROM listing l JOIN record r "
                "ON r.id = l.record WHERE l.pane = ? AND l.pos >= ? AND l.pos < ? ORDER BY l.pos)",
                (pane, offset, offset + limit),
            )
        ncols = len(PANE_COLUMNS.get(pane, ()))
        return [RowData(r[0], r[1], r[2], tuple(r[3 : 3 + ncols])) for r in rows]

    def _quote_page(self, offset: int, limit: int) -> list[RowData]:
        """The Quotes pane lists the ``quote`` table itself, in date order (``pos`` is its rowid,
        from 1): its rows are not repeated in ``listing``."""
        with self.connection() as conn:
            rows = rows_in_one_step(
                conn,
                "SELECT json_group_array(json_array(pos - 1, id, date, date_precision, "
                "date_approx, speaker_names, kind, text)) FROM "
                "(SELECT * FROM quote WHERE pos > ? AND pos <= ? ORDER BY pos)",
                (offset, offset + limit),
            )
        return [
            RowData(
                pos,
                qid,
                "quote",
                (_date_cell(date, precision, approx), speakers, kind, clip(text)),
            )
            for pos, qid, date, precision, approx, speakers, kind, text in rows
        ]

    def place(self, record: str) -> Place | None:
        """The pane and row where ``record`` is shown (a role: its holder's row)."""
        with self.connection() as conn:
            found = conn.execute("SELECT kind, pane FROM record WHERE id=?", (record,)).fetchone()
            if found is None:
                return None
            kind, pane = found
            anchor = record
            if kind == "role":
                holder = conn.execute(
                    "SELECT dst FROM link WHERE src=? AND rel='holder'", (record,)
                ).fetchone()
                anchor = holder[0] if holder else record
            if pane == "quotes":
                pos = conn.execute("SELECT pos - 1 FROM quote WHERE id=?", (anchor,)).fetchone()
                pos = pos[0] if pos else None
            else:
                pos = conn.execute(
                    "SELECT min(pos) FROM listing WHERE pane=? AND record=?", (pane, anchor)
                ).fetchone()[0]
        return Place(pane, int(pos) if pos is not None else 0, anchor)

    # -- one record ---------------------------------------------------------------------------

    def detail(self, record: str) -> RecordDetail | None:
        with self.connection() as conn:
            conn.row_factory = sqlite3.Row
            try:
                return self._detail(conn, record)
            finally:
                conn.row_factory = None

    def _detail(self, conn: sqlite3.Connection, record: str) -> RecordDetail | None:
        rec = conn.execute("SELECT * FROM record WHERE id=?", (record,)).fetchone()
        if rec is None:
            return None
        kind = rec["kind"]
        table = KIND_TABLE[kind]
        row = conn.execute(f'SELECT * FROM "{table}" WHERE id=?', (record,)).fetchone()
        fields = self._fields(conn, kind, row) if row is not None else []
        return RecordDetail(
            id=record,
            kind=kind,
            title=rec["title"],
            subtitle=rec["subtitle"],
            pane=rec["pane"],
            fields=tuple(fields),
            links=tuple(self._links(conn, record)),
            notes=tuple(self._notes(conn, record)),
            evidence=tuple(self._evidence(conn, record)),
        )

    def _fields(self, conn: sqlite3.Connection, kind: str, row: sqlite3.Row) -> list[Field]:
        keys = row.keys()
        out: list[Field] = []
        done: set[str] = set()
        for key in keys:
            is_date = key in DATE_FIELDS and f"{key}_precision" in keys
            if not is_date and (key in done or key in HIDDEN_COLUMNS or key in REF_COLUMNS):
                continue  # (a quote's start/end are offsets; a role's or custody's are dates)
            value = row[key]
            if is_date:
                done.update(k for k in keys if k.startswith(f"{key}_"))
                out.append(Field(_date_label(kind, key), self._date_field(row, key)))
                continue
            if key.endswith(("_precision", "_text", "_rule", "_approx")):
                continue
            if value is None or value == "":
                continue
            if kind == "source" and key == "text":
                out.append(Field("Length", f"{len(value):,} characters"))
                continue
            label = FIELD_LABEL.get(key, key.replace("_", " ").capitalize())
            out.append(Field(label, str(value)))
        if kind == "source" and row["title_editorial"]:
            out.insert(1, Field("Title note", "the title is editorial: the source prints none"))
        if kind == "quote":
            out.insert(0, Field("Speaker", row["speaker_names"]))
            out.insert(1, Field("Kind", _quote_kind(row["kind"])))
        if kind == "sentence":
            out.insert(0, Field("Kind", _sentence_kind(row["kind"])))
        if kind in ("person", "organization"):
            aliases = conn.execute(
                "SELECT alias, editorial FROM alias WHERE entity=? ORDER BY seq", (row["id"],)
            ).fetchall()
            printed = [a for a, ed in aliases if not ed]
            outside = [a for a, ed in aliases if ed]
            if printed:
                out.append(Field("Also written", ", ".join(printed)))
            if outside:
                out.append(
                    Field("Usual spelling", f"{', '.join(outside)} (editorial, not in the source)")
                )
        if kind == "note":
            out.insert(
                0,
                Field(
                    "Kind",
                    "editorial note — the analyst's, not from the source"
                    if row["kind"] == "editorial"
                    else "discrepancy inside the source",
                ),
            )
        if kind == "charge":
            steps = conn.execute(
                "SELECT status, date, date_precision, date_approx, date_text, date_rule "
                "FROM charge_status WHERE charge=? ORDER BY seq",
                (row["id"],),
            ).fetchall()
            history = []
            for status, date, precision, approx, text, rule in steps:
                when = _date_text(date, precision, approx) or UNDATED
                how = f' ("{text}": {rule})' if text and rule else (f" ({rule})" if rule else "")
                history.append(f"{status} — {when}{how}")
            if history:
                out.append(Field("History", "; ".join(history)))
        return out

    @staticmethod
    def _date_field(row: sqlite3.Row, key: str) -> str:
        value = row[key]
        if not value:
            return "not stated in the source"
        keys = row.keys()
        precision = row[f"{key}_precision"]
        date = PartialDate(
            value,
            precision,
            row[f"{key}_text"] if f"{key}_text" in keys else None,
            row[f"{key}_rule"] if f"{key}_rule" in keys else None,
            bool(row[f"{key}_approx"]) if f"{key}_approx" in keys else False,
        )
        return date.explain()

    def _links(self, conn: sqlite3.Connection, record: str) -> list[LinkGroup]:
        groups: list[LinkGroup] = []
        outgoing: dict[str, list[LinkRef]] = {}
        for rel, dst, title, subtitle, kind in conn.execute(
            "SELECT l.rel, l.dst, r.title, r.subtitle, r.kind FROM link l "
            "JOIN record r ON r.id = l.dst WHERE l.src = ? AND l.rel != 'about' ORDER BY l.seq",
            (record,),
        ):
            outgoing.setdefault(rel, []).append(LinkRef(dst, title, subtitle, kind))
        for rel, links in outgoing.items():
            groups.append(LinkGroup(REL_LABEL.get(rel, rel.capitalize()), tuple(links)))
        # Incoming links, grouped by the kind and field that point here, a page of each.
        counts = conn.execute(
            "SELECT r.kind, l.rel, count(*) FROM link l JOIN record r ON r.id = l.src "
            "WHERE l.dst = ? AND l.rel != 'about' GROUP BY r.kind, l.rel",
            (record,),
        ).fetchall()
        ordered = sorted(
            counts,
            key=lambda c: (
                REVERSE_ORDER.index((c[0], c[1])) if (c[0], c[1]) in REVERSE_LABEL else 99
            ),
        )
        for kind, rel, total in ordered:
            links = [
                LinkRef(src, title, subtitle, kind)
                for src, title, subtitle in conn.execute(
                    "SELECT l.src, r.title, r.subtitle FROM link l JOIN record r ON r.id = l.src "
                    "WHERE l.dst = ? AND l.rel = ? AND r.kind = ? ORDER BY l.rowid LIMIT ?",
                    (record, rel, kind, LINKS_PER_GROUP),
                )
            ]
            label = REVERSE_LABEL.get((kind, rel), f"{KIND_LABEL.get(kind, kind)} ({rel})")
            groups.append(LinkGroup(label, tuple(links), max(total - len(links), 0)))
        # Records a note is about are links too.
        about = [
            LinkRef(dst, title, subtitle, kind)
            for dst, title, subtitle, kind in conn.execute(
                "SELECT l.dst, r.title, r.subtitle, r.kind FROM link l JOIN record r "
                "ON r.id = l.dst WHERE l.src = ? AND l.rel = 'about' ORDER BY l.seq",
                (record,),
            )
        ]
        if about:
            groups.append(LinkGroup("About", tuple(about)))
        return groups

    def _notes(self, conn: sqlite3.Connection, record: str) -> list[NoteRef]:
        return [
            NoteRef(nid, kind, text, basis)
            for nid, kind, text, basis in conn.execute(
                "SELECT n.id, n.kind, n.text, n.basis FROM link l JOIN note n ON n.id = l.src "
                "WHERE l.dst = ? AND l.rel = 'about' ORDER BY n.kind, l.rowid LIMIT 50",
                (record,),
            )
        ]

    def _evidence(self, conn: sqlite3.Connection, record: str) -> list[EvidenceView]:
        out = []
        for source, title, start, end, exact, before, after, line in conn.execute(
            "SELECT e.source, s.title, e.start, e.end, e.exact, "
            "substr(s.text, max(e.start - 199, 1), min(e.start, 200)), "
            "substr(s.text, e.end + 1, 200), "
            "(length(substr(s.text, 1, e.start)) - "
            " length(replace(substr(s.text, 1, e.start), char(10), ''))) + 1 "
            "FROM evidence e JOIN source s ON s.id = e.source WHERE e.record = ? ORDER BY e.seq",
            (record,),
        ):
            before = before[_sentence_start(before) :]
            after = after[: _sentence_end(after)]
            out.append(EvidenceView(source, title, start, end, exact, before, after, line))
        return out

    # -- sources ------------------------------------------------------------------------------

    def source_text(self, source: str) -> SourceText | None:
        with self.connection() as conn:
            row = conn.execute(
                "SELECT id, title, title_editorial, published, published_precision, text "
                "FROM source WHERE id=?",
                (source,),
            ).fetchone()
            if row is None:
                return None
            spans = conn.execute(
                "SELECT e.start, e.end, e.record, r.kind FROM evidence e "
                "JOIN record r ON r.id = e.record WHERE e.source = ? "
                "ORDER BY e.start, e.end LIMIT ?",
                (source, SPANS_PER_SOURCE + 1),
            ).fetchall()
        more = max(len(spans) - SPANS_PER_SOURCE, 0)
        return SourceText(
            id=row[0],
            title=row[1],
            title_editorial=bool(row[2]),
            published=_date_text(row[3], row[4]),
            text=row[5],
            spans=tuple(SourceSpan(*s) for s in spans[:SPANS_PER_SOURCE]),
            more_spans=more,
        )

    def record_source(self, record: str) -> str | None:
        """The source a record's first evidence cites, or the record itself if it is a source."""
        with self.connection() as conn:
            row = conn.execute(
                "SELECT CASE WHEN r.kind = 'source' THEN r.id ELSE "
                "(SELECT source FROM evidence WHERE record = r.id ORDER BY seq LIMIT 1) END "
                "FROM record r WHERE r.id = ?",
                (record,),
            ).fetchone()
        return row[0] if row else None

    # -- finding records ----------------------------------------------------------------------

    def find_records(self, text: str, limit: int = 20) -> list[RecordHit]:
        """Records whose title, names, aliases or words match ``text`` (accent- and
        case-insensitive, each word a prefix), best first; quotes after other records."""
        from dossier.search import prefix_query

        query = prefix_query(text)
        if query is None:
            return []
        with self.connection() as conn:
            hits = [
                RecordHit(*row)
                for row in conn.execute(
                    "SELECT r.id, r.kind, r.title, r.subtitle FROM record_fts f "
                    "JOIN record r ON r.id = f.id WHERE record_fts MATCH ? "
                    "ORDER BY bm25(record_fts, 0.0, 10.0, 8.0, 1.0) LIMIT ?",
                    (query, limit),
                )
            ]
            room = limit - len(hits)
            if room > 0:
                hits.extend(
                    RecordHit(*row)
                    for row in conn.execute(
                        "SELECT r.id, r.kind, r.title, r.subtitle FROM "
                        "(SELECT rowid FROM quote_fts WHERE quote_fts MATCH ? LIMIT ?) f "
                        "JOIN quote q ON q.pos = f.rowid JOIN record r ON r.id = q.id",
                        (query, room),
                    )
                )
        return hits

    def records(self, ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Id → (title, kind) for those of ``ids`` that are in the dossier."""
        if not ids:
            return {}
        with self.connection() as conn:
            marks = ",".join("?" for _ in ids)
            return {
                rid: (title, kind)
                for rid, title, kind in conn.execute(
                    f"SELECT id, title, kind FROM record WHERE id IN ({marks})", tuple(ids)
                )
            }

    def titles(self, ids: Sequence[str]) -> dict[str, str]:
        with self.connection() as conn:
            marks = ",".join("?" for _ in ids)
            return dict(
                conn.execute(f"SELECT id, title FROM record WHERE id IN ({marks})", tuple(ids))
            )


def _date_label(kind: str, key: str) -> str:
    if key == "start":
        return "Since" if kind == "custody" else "From"
    if key == "end":
        return "Until"
    if key == "published":
        return "Published"
    if kind == "charge":
        return "Status since"
    return "Said on" if kind == "quote" else "Date"


def _quote_kind(kind: str) -> str:
    return {
        "direct": "direct quote — the speaker's own words",
        "reported": "reported statement — the source's paraphrase",
        "epithet": "epithet — a name given, not a statement",
    }.get(kind, kind)


def _sentence_kind(kind: str) -> str:
    return (
        "requested by prosecutors (not a court's sentence)"
        if kind == "requested"
        else "imposed by a court"
    )


PAGE_ROWS = 100
"""Rows in a page of a pane's table: what one read of :meth:`Reader.page` asks for."""


@dataclass(frozen=True)
class Opening:
    """What the app shows first: the case overview and the first page of every pane."""

    overview: Overview
    first_pages: dict[str, list[RowData]]


def read_opening(reader: Reader) -> Opening:
    """The case overview and the first page of each pane, read together before the first screen
    (a few milliseconds, even at a million quotes): no pane waits for a read when first opened."""
    pages = {pane: reader.page(pane, 0, PAGE_ROWS) for pane in PANES}
    return Opening(reader.overview(), pages)
