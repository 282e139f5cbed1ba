"""Whole records of every kind, typed and streamed: what the brief writes.

The other half of the read layer (:mod:`dossier.queries` has the half the app's first screen needs,
the key figures' records among them): frozen dataclasses, and one reader per kind that streams them
from a cursor in one query, in the order the brief lists them (related rows come as JSON from
correlated subqueries on indexed keys). A caller's time grows linearly with the records it reads, and
it holds only those it keeps. Kept apart from :mod:`dossier.queries` so that the app's start-up does
not define classes only the brief uses (a millisecond each).

Standard library only.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import starmap

from dossier.dates import PartialDate, known_from
from dossier.queries import (
    SOURCE_SAYS,
    Asylum,
    Said,
    Span,
    among,
    asylum,
    date_sql,
    evidence_sql,
    json_rows,
    partial_date,
    said_of,
    said_sql,
    spans_of,
)


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record named by another (the records a note is about, a pinned record)."""

    id: str
    kind: str
    title: str


@dataclass(frozen=True, slots=True)
class Role:
    """A role a person holds (a post, a lawyer's brief), as the brief lists it."""

    id: str
    holder: str
    title: str
    organization: str | None
    """The organisation's name."""
    of: str | None
    """The name of whom the role is for (a lawyer's client)."""
    status: str | None
    start: PartialDate | None
    end: PartialDate | None
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Entity:
    """A person or an organisation, with its spellings and the roles it holds."""

    id: str
    kind: str
    """``person`` or ``organization``."""
    type: str
    name: str
    description: str | None
    aliases: tuple[str, ...]
    """Spellings printed in a source."""
    usual: tuple[str, ...]
    """The usual spellings, the analyst's (editorial)."""
    evidence: tuple[Span, ...]
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True, slots=True)
class Diplomatic:
    """A diplomatic act (an asylum, a safe-conduct, a break of relations): who acted, towards whom."""

    id: str
    type: str
    actor: str
    """Names, as the asylum's: of the actor, its counterpart and who acted for the actor."""
    counterpart: str
    by: str | None
    description: str | None
    date: PartialDate | None
    evidence: tuple[Span, ...]
    order: int
    said: Said = SOURCE_SAYS


@dataclass(frozen=True, slots=True)
class Event:
    """An event of the case, with who took part."""

    id: str
    type: str
    title: str
    description: str | None
    date: PartialDate | None
    participants: tuple[str, ...]
    """Their names."""
    evidence: tuple[Span, ...]
    said: Said = SOURCE_SAYS


@dataclass(frozen=True, slots=True)
class QuoteKey:
    """What choosing a quote needs, without its words: a million of these are read one by one."""

    pos: int
    id: str
    date: str | None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quote, its speakers and its place in the source."""

    id: str
    pos: int
    kind: str
    text: str
    speakers: str | None
    """The speakers' names; ``None``: unattributed."""
    context: str | None
    date: PartialDate | None
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Note:
    """A note on records: a discrepancy in the source, or the analyst's own."""

    id: str
    kind: str
    """``discrepancy`` (in the source) or ``editorial`` (the analyst's)."""
    text: str
    basis: str | None
    about: tuple[RecordRef, ...]
    evidence: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class Source:
    """A source: its title, publication and the file its text is read from."""

    id: str
    title: str
    title_editorial: bool
    file: str
    published: PartialDate | None
    language: str
    sha256: str
    publisher: str | None
    url: str | None
    length: int
    """Characters of text."""
    evidence: tuple[Span, ...]
    retrieved: PartialDate | None = None

    @property
    def known_from(self) -> PartialDate:
        """From when what it says is known: its publication, else its retrieval."""
        return known_from(self.id, self.published, self.retrieved)


@dataclass(frozen=True, slots=True)
class OtherRecord:
    """A record of any kind, as the ``record`` table has it: for a kind with no reader of its own."""

    id: str
    kind: str
    title: str
    subtitle: str
    date: PartialDate | None
    evidence: tuple[Span, ...]


def entities(conn: sqlite3.Connection) -> Iterator[Entity]:
    """People and organisations in case-file order, each with the roles they hold."""
    roles = conn.execute(
        f"SELECT e.rowid, r.id, r.holder, r.title, o.name, f.name, r.status, {date_sql('r', 'start')}, "
        f"{date_sql('r', 'end')}, {evidence_sql('r.id')} FROM role r "
        "JOIN entity e ON e.id = r.holder LEFT JOIN entity o ON o.id = r.organization "
        "LEFT JOIN entity f ON f.id = r.of ORDER BY e.rowid, r.rowid"
    )
    pending = next(roles, None)
    for rowid, eid, kind, etype, name, description, aliases, evidence in conn.execute(
        "SELECT e.rowid, e.id, e.kind, e.type, e.name, e.description, "
        "(SELECT json_group_array(json_array(seq, alias, editorial)) FROM alias "
        f"WHERE entity = e.id), {evidence_sql('e.id')} FROM entity e ORDER BY e.rowid"
    ):
        own: list[Role] = []
        while pending is not None and pending[0] == rowid:
            _, rid, holder, title, org, of, status, *dates, spans = pending
            own.append(
                Role(rid, holder, title, org, of, status, partial_date(*dates[:5]), partial_date(*dates[5:]),
                     spans_of(spans))
            )  # fmt: skip
            pending = next(roles, None)
        spellings = json_rows(aliases)
        yield Entity(
            eid,
            kind,
            etype,
            name,
            description,
            tuple(a for _, a, editorial in spellings if not editorial),
            tuple(a for _, a, editorial in spellings if editorial),
            spans_of(evidence),
            tuple(own),
        )


def diplomatic(conn: sqlite3.Connection) -> Iterator[Diplomatic]:
    """Diplomatic events by date (undated last), then in case-file order."""
    for row in conn.execute(
        "SELECT d.id, d.type, a.name, c.name, b.name, d.description, "
        f"{date_sql('d')}, {evidence_sql('d.id')}, r.rowid, {said_sql('d')} FROM diplomatic d "
        "JOIN record r ON r.id = d.id JOIN entity a ON a.id = d.actor "
        "JOIN entity c ON c.id = d.counterpart LEFT JOIN entity b ON b.id = d.by "
        "ORDER BY d.date IS NULL, d.date, r.rowid"
    ):
        did, dtype, actor, counterpart, by, description, *date = row[:11]
        evidence, order, *said = row[11:]
        yield Diplomatic(
            did,
            dtype,
            actor,
            counterpart,
            by,
            description,
            partial_date(*date),
            spans_of(evidence),
            order,
            said_of(*said),
        )


def _in_time(record: Asylum | Diplomatic) -> tuple[bool, str, int]:
    return (record.date is None, record.date.value if record.date else "", record.order)


def asylum_and_diplomacy(conn: sqlite3.Connection) -> Iterator[Asylum | Diplomatic]:
    """Asylum and diplomatic events together, as the Asylum pane lists them: by date (undated
    last), then in case-file order."""
    return heapq.merge(asylum(conn), diplomatic(conn), key=_in_time)


def events(conn: sqlite3.Connection) -> Iterator[Event]:
    """Events by date (undated last), then in case-file order."""
    for vid, vtype, title, description, *rest in conn.execute(
        "SELECT v.id, v.type, v.title || CASE WHEN v.scheduled THEN ' (scheduled)' ELSE '' END, "
        f"v.description, {date_sql('v')}, "
        "(SELECT json_group_array(json_array(l.seq, e.name)) FROM link l "
        "JOIN entity e ON e.id = l.dst WHERE l.src = v.id AND l.rel = 'participants'), "
        f"{evidence_sql('v.id')}, {said_sql('v')} FROM event v "
        "ORDER BY v.date IS NULL, v.date, v.rowid"
    ):
        date, participants, evidence, said = rest[:5], rest[5], rest[6], rest[7:]
        who = tuple(n for _, n in json_rows(participants))
        yield Event(
            vid, vtype, title, description, partial_date(*date), who, spans_of(evidence),
            said_of(*said),
        )  # fmt: skip


def quote_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM quote").fetchone()[0])


def quote_keys(
    conn: sqlite3.Connection, *, reported: bool | None = None, ids: Sequence[str] | None = None
) -> Iterator[QuoteKey]:
    """Quotes in date order (their ``pos``), without their words: every quote; or, ``reported``,
    the reported statements (``False``: the direct quotes and epithets); or those of ``ids``."""
    if ids is not None:
        for start in range(0, len(ids), BATCH):
            where, params = among("id", ids[start : start + BATCH])
            yield from starmap(
                QuoteKey,
                conn.execute(f"SELECT pos, id, date FROM quote WHERE {where} ORDER BY pos", params),
            )
        return
    where = "1" if reported is None else ("kind = 'reported'" if reported else "kind != 'reported'")
    yield from starmap(
        QuoteKey, conn.execute(f"SELECT pos, id, date FROM quote WHERE {where} ORDER BY pos")
    )


def quotes_at(conn: sqlite3.Connection, positions: Sequence[int]) -> Iterator[Quote]:
    """The quotes at ``positions`` (their ``pos``), in date order."""
    ordered = sorted(positions)
    for start in range(0, len(ordered), BATCH):
        batch = ordered[start : start + BATCH]
        marks = ",".join("?" for _ in batch)
        for qid, pos, kind, text, speakers, context, *date, evidence in conn.execute(
            "SELECT q.id, q.pos, q.kind, q.text, q.speaker_names, q.context, "
            f"{date_sql('q')}, {evidence_sql('q.id')} FROM quote q "
            f"WHERE q.pos IN ({marks}) ORDER BY q.pos",
            batch,
        ):
            yield Quote(
                qid, pos, kind, text, speakers, context, partial_date(*date), spans_of(evidence)
            )


def notes(conn: sqlite3.Connection) -> Iterator[Note]:
    """Discrepancy and editorial notes in case-file order, with the records they are about."""
    for nid, kind, text, basis, about, evidence in conn.execute(
        "SELECT n.id, n.kind, n.text, n.basis, (SELECT json_group_array(json_array(l.seq, l.dst, "
        "r.kind, r.title)) FROM link l JOIN record r ON r.id = l.dst WHERE l.src = n.id AND "
        f"l.rel = 'about'), {evidence_sql('n.id')} FROM note n ORDER BY n.rowid"
    ):
        targets = tuple(RecordRef(*t[1:]) for t in json_rows(about))
        yield Note(nid, kind, text, basis, targets, spans_of(evidence))


def _published(value: str | None, precision: str | None) -> PartialDate | None:
    return PartialDate(value, precision or "day") if value else None  # type: ignore[arg-type]


def sources(conn: sqlite3.Connection) -> Iterator[Source]:
    """Sources in case-file order, without their text (its length instead)."""
    for row in conn.execute(
        "SELECT s.id, s.title, s.title_editorial, s.file, s.published, s.published_precision, "
        f"s.language, s.sha256, s.publisher, s.url, length(s.text), {evidence_sql('s.id')}, "
        "s.retrieved, s.retrieved_precision FROM source s ORDER BY s.rowid"
    ):
        sid, title, editorial, file, published, precision, language, sha, publisher, url = row[:10]
        yield Source(
            sid, title, bool(editorial), file, _published(published, precision), language, sha,
            publisher, url, row[10], spans_of(row[11]), _published(row[12], row[13]),
        )  # fmt: skip


def source_count(conn: sqlite3.Connection) -> int:
    """How many sources the dossier holds."""
    return int(conn.execute("SELECT count(*) FROM source").fetchone()[0])


def text_of(conn: sqlite3.Connection, source: str) -> str:
    """A source's whole text ("" for no such source)."""
    row = conn.execute("SELECT text FROM source WHERE id = ?", (source,)).fetchone()
    return str(row[0]) if row else ""


def other_records(conn: sqlite3.Connection, kind: str) -> Iterator[OtherRecord]:
    """The records of ``kind`` as the ``record`` table has them, by their main date (undated last),
    then in case-file order; the main date with how it was read, from the date columns of the
    kind's table that hold it."""
    from dossier import kinds

    spec = kinds.get(kind)
    names = [c.name for c in spec.columns()] if spec is not None else []
    dates = [n for n in names if f"{n}_precision" in names and f"{n}_text" in names]
    parts = [date_sql("t", name) for name in dates]
    join = f'LEFT JOIN "{spec.table}" t ON t.id = r.id' if spec is not None and dates else ""
    for rid, title, subtitle, date, precision, evidence, *columns in conn.execute(
        f"SELECT r.id, r.title, r.subtitle, r.date, r.date_precision, {evidence_sql('r.id')}"
        f"{''.join(', ' + p for p in parts)} FROM record r {join} WHERE r.kind = ? "
        "ORDER BY r.date IS NULL, r.date, r.rowid",
        (kind,),
    ):
        main = partial_date(date, precision)
        for at in range(0, len(columns), 5):  # the first date column that is the main date
            value, col_precision, approx, text, rule = columns[at : at + 5]
            if main is not None and (value, col_precision) == (date, precision):
                main = partial_date(value, col_precision, approx, text, rule)
                break
        yield OtherRecord(rid, kind, title, subtitle, main, spans_of(evidence))


BATCH = 500
"""Ids per ``IN (...)`` list: well under SQLite's limit on parameters."""


def record_refs(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, RecordRef]:
    """Those of ``ids`` that are records of the dossier."""
    found: dict[str, RecordRef] = {}
    for start in range(0, len(ids), BATCH):
        where, params = among("id", ids[start : start + BATCH])
        for rid, kind, title in conn.execute(
            f"SELECT id, kind, title FROM record WHERE {where}", params
        ):
            found[rid] = RecordRef(rid, kind, title)
    return found


def evidence_of(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, tuple[Span, ...]]:
    """The evidence of each of ``ids`` (in its order)."""
    found: dict[str, tuple[Span, ...]] = {}
    for start in range(0, len(ids), BATCH):
        where, params = among("r.id", ids[start : start + BATCH])
        for rid, evidence in conn.execute(
            f"SELECT r.id, {evidence_sql('r.id')} FROM record r WHERE {where}", params
        ):
            found[rid] = spans_of(evidence)
    return found


def linked(conn: sqlite3.Connection, ids: Sequence[str]) -> set[str]:
    """Every record one link away from one of ``ids``, either way."""
    found: set[str] = set()
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        marks = ",".join("?" for _ in batch)
        for (rid,) in conn.execute(
            f"SELECT src FROM link WHERE dst IN ({marks}) "
            f"UNION SELECT dst FROM link WHERE src IN ({marks})",
            [*batch, *batch],
        ):
            found.add(rid)
    return found


def referred_organisations(conn: sqlite3.Connection, sources: set[str]) -> set[str]:
    """The organisations that records of ``sources`` refer to (not counting what notes are
    about)."""
    return {
        dst
        for src, dst in conn.execute(
            "SELECT l.src, l.dst FROM link l JOIN entity e ON e.id = l.dst "
            "WHERE e.kind = 'organization' AND l.rel != 'about'"
        )
        if src in sources
    }
