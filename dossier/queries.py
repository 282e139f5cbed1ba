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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from dossier import store
from dossier.dates import UNDATED_CELL, PartialDate, Precision, display_date, display_iso
from dossier.deferred import dataclass
from dossier.schema import PANES
from dossier.timeline import CASE_LANE, TimelineItem

if TYPE_CHECKING:
    from dossier import kinds
    from dossier.views import View

# ---------------------------------------------------------------------------------------------------
# What the panes show.


@dataclass(frozen=True)
class Column:
    label: str
    width: int
    """Minimum width in cells."""
    grow: int = 0
    """Share of the spare width (0: fixed)."""
    hide_below: int = 0
    """Left out when the table is narrower than this many cells (the detail still shows it), so
    that the columns before it are read whole."""


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
    "overview": (Column("Date", 13), Column("What happened", 30, 1), Column("Kind", 18)),
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
        # Wide enough for "asylum granted — according to Hugo de Zera" from 80 columns up: the
        # place (in the detail) makes room for it below 110.
        Column("Event", 16, 4),
        Column("Who", 12, 1),
        Column("Where / with", 14, 1, hide_below=110),
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

HIDDEN_COLUMNS = frozenset(
    {
        "id",
        "kind",
        "search_speakers",
        "speaker_keys",
        "search_mentions",
        "source_voice",
        "assertion",
    }
)
"""Columns no detail lists: the key, the kind (said by the heading) and search helpers. A kind's
own hidden columns are in its spec; reference columns are shown as links instead."""
LINKS_PER_GROUP = 25
SPANS_PER_SOURCE = 5000


# ---------------------------------------------------------------------------------------------------
# Rows handed to the UI.


@dataclass(frozen=True)
class CaseHeader:
    title: str
    summary: str
    as_of: str
    """The newest source's publication date, shown at its precision."""
    case_id: str
    counts: dict[str, int]
    """Record kind → number of records."""
    pane_counts: dict[str, int]


@dataclass(frozen=True)
class RowData:
    pos: int
    record: str
    kind: str
    cells: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class LinkRef:
    record: str
    title: str
    subtitle: str
    kind: str


@dataclass(frozen=True)
class LinkGroup:
    label: str
    links: tuple[LinkRef, ...]
    more: int = 0
    """How many further links the group has beyond those listed."""


@dataclass(frozen=True)
class NoteRef:
    id: str
    kind: str
    text: str
    basis: str | None

    @property
    def editorial(self) -> bool:
        return self.kind == "editorial"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Place:
    """Where a record is shown: its pane and its row there."""

    pane: str
    pos: int
    record: str


@dataclass(frozen=True)
class SourceSpan:
    start: int
    end: int
    record: str
    kind: str
    title: str = ""
    """The citing record's title (the Sources pane lists the records citing each span)."""


@dataclass(frozen=True)
class SourceText:
    id: str
    title: str
    title_editorial: bool
    published: str
    text: str
    spans: tuple[SourceSpan, ...]
    more_spans: int = 0


@dataclass(frozen=True)
class RecordHit:
    """A record found by name, alias or words, for the command palette."""

    id: str
    kind: str
    title: str
    subtitle: str


# ---------------------------------------------------------------------------------------------------
# Typed records: the Overview's key figures and the brief's summary are made of these. Each reader
# below streams them from a cursor in one query, in the order the brief lists them (related rows
# come as JSON from correlated subqueries on indexed keys), so a caller's time grows linearly with
# the records it reads, and it holds only those it keeps. The records of the other kinds, which only
# the brief reads, are in :mod:`dossier.records`.


@dataclass(frozen=True)
class Span:
    """A cited span of a source: ``exact`` is the source's text from ``start`` to ``end`` (code
    points, half-open)."""

    source: str
    start: int
    end: int
    exact: str


@dataclass(frozen=True)
class Said:
    """Who says a record (:mod:`dossier.claims`): the party, how, and the words that say it
    wherever the record is shown; and the fields the analyst inferred."""

    party: str | None = None
    """The party's name; None: the source, in its own voice."""
    assertion: str | None = None
    claim: str | None = None
    """``according to Hugo de Zera (3 Nov 2025); Mexico: no immediate comment``; None for the
    source's own word, uncontested."""
    inferred: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        """`` — according to …`` to put after the fact, or ""."""
        return f" — {self.claim}" if self.claim else ""


SOURCE_SAYS = Said()


def said_sql(alias: str) -> str:
    """SQL: the four columns of :func:`said_of` for the record ``alias``."""
    return (
        f"(SELECT claim FROM record WHERE id = {alias}.id), "
        f"(SELECT name FROM entity WHERE id = {alias}.according_to), {alias}.assertion, "
        f"(SELECT group_concat(field, ',') FROM inference WHERE record = {alias}.id)"
    )


def said_of(
    claim: str | None, party: str | None, assertion: str | None, inferred: str | None
) -> Said:
    if not (claim or party or inferred):
        return SOURCE_SAYS
    return Said(party, assertion, claim, tuple(inferred.split(",")) if inferred else ())


@dataclass(frozen=True)
class StatusStep:
    status: str
    date: PartialDate | None
    offence: str | None = None
    """For a conviction: the offence convicted of, when the source names it."""
    evidence: tuple[Span, ...] = ()
    """The words that say this step (a part of the charge's evidence)."""


@dataclass(frozen=True)
class Charge:
    id: str
    defendant: str
    defendant_name: str
    offence: str
    alleges: str | None
    plea: str | None
    history: tuple[StatusStep, ...]
    """Oldest first: the last step is the charge's status."""
    evidence: tuple[Span, ...]
    said: Said = SOURCE_SAYS

    @property
    def last(self) -> StatusStep | None:
        return self.history[-1] if self.history else None


@dataclass(frozen=True)
class Sentence:
    id: str
    kind: str
    """``requested`` (by prosecutors: not a sentence) or ``imposed`` (by a court)."""
    defendant: str
    defendant_name: str
    by: str
    """The name of who requested or imposed it."""
    penalty: str | None
    term: str
    """The term in words: ``34 years``."""
    offence: str | None
    """The offence of the charge it is for, if one is named."""
    date: PartialDate | None
    evidence: tuple[Span, ...]
    said: Said = SOURCE_SAYS


@dataclass(frozen=True)
class Custody:
    id: str
    person: str
    person_name: str
    status: str
    start: PartialDate | None
    end: PartialDate | None
    evidence: tuple[Span, ...]
    said: Said = SOURCE_SAYS


@dataclass(frozen=True)
class Asylum:
    id: str
    person: str
    person_name: str
    type: str
    state: str
    """The state's name."""
    embassy: str | None
    """The embassy's name."""
    description: str | None
    date: PartialDate | None
    evidence: tuple[Span, ...]
    order: int
    """Place in the case file: the order of records with the same date."""
    said: Said = SOURCE_SAYS


@dataclass(frozen=True)
class LegalStatus:
    """Beside custody: capture ordered, wanted abroad, sheltering in an embassy, extradition
    requested (:mod:`dossier.vocab`)."""

    id: str
    person: str
    person_name: str
    status: str
    """In words: ``capture ordered in Peru and abroad``."""
    start: PartialDate | None
    end: PartialDate | None
    evidence: tuple[Span, ...]
    said: Said = SOURCE_SAYS


@dataclass(frozen=True)
class DefendantFigures:
    """The key figures of one defendant: their charges, the sentences requested and imposed, and
    their latest custody and asylum (the last dated, else the first listed)."""

    id: str
    name: str
    charges: tuple[Charge, ...]
    requested: tuple[Sentence, ...]
    imposed: tuple[Sentence, ...]
    custody: Custody | None = None
    asylum: Asylum | None = None
    legal: tuple[LegalStatus, ...] = ()
    """Legal statuses in force, latest first; a custody status older than them is superseded and
    is not ``custody``."""
    appeals: tuple[str, ...] = ()
    """Appeals of their verdicts or sentences, in words (``appeal filed against …``)."""


SUMMARY_DEFENDANTS = 12
"""Defendants given key figures; the rest are counted."""


def key_figures(
    charges: Iterable[Charge],
    sentences: Iterable[Sentence] = (),
    custody: Iterable[Custody] = (),
    asylum: Iterable[Asylum] = (),
    legal: Iterable[LegalStatus] = (),
    appeals: Iterable[tuple[str, str]] = (),
    *,
    limit: int = SUMMARY_DEFENDANTS,
) -> tuple[DefendantFigures, ...]:
    """The key figures of the first ``limit`` defendants, in the order of ``charges`` (each list in
    the order given: the readers below give them as the brief lists them). The Overview shows
    them for the whole dossier; the brief's summary for the records it writes."""
    names: dict[str, str] = {}
    charged: dict[str, list[Charge]] = {}
    for charge in charges:
        found = charged.get(charge.defendant)
        if found is None:
            if len(charged) >= limit:
                continue
            found = charged[charge.defendant] = []
            names[charge.defendant] = charge.defendant_name
        found.append(charge)
    asked: dict[str, list[Sentence]] = {}
    given: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        if (
            sentence.kind == "imposed"
            and sentence.defendant not in charged
            and len(charged) < limit
        ):
            # sentenced with no charge in the dossier: a defendant all the same (a sentence
            # only requested makes no one a defendant)
            charged[sentence.defendant] = []
            names[sentence.defendant] = sentence.defendant_name
        if sentence.defendant in charged:
            into = given if sentence.kind == "imposed" else asked
            into.setdefault(sentence.defendant, []).append(sentence)
    held: dict[str, Custody] = {}
    for c in custody:
        if c.person in charged and (c.start is not None or c.person not in held):
            held[c.person] = c
    sought: dict[str, Asylum] = {}
    for a in asylum:
        if a.person in charged and (a.date is not None or a.person not in sought):
            sought[a.person] = a
    appealed: dict[str, list[str]] = {}
    for defendant, text in appeals:
        if defendant in charged:
            appealed.setdefault(defendant, []).append(text)
    standing: dict[str, list[LegalStatus]] = {}
    for status in legal:
        if status.person in charged and status.end is None:
            standing.setdefault(status.person, []).append(status)
    for pid, found_legal in standing.items():
        found_legal.sort(key=lambda x: x.start.value if x.start else "", reverse=True)
        latest = found_legal[0].start
        kept = held.get(pid)
        if kept is not None and latest is not None and _later(latest, kept.start):
            del held[pid]  # superseded by a later legal status: no longer "since …"
    return tuple(
        DefendantFigures(
            pid,
            names[pid],
            tuple(found),
            tuple(asked.get(pid, ())),
            tuple(given.get(pid, ())),
            held.get(pid),
            sought.get(pid),
            tuple(standing.get(pid, ())),
            tuple(appealed.get(pid, ())),
        )
        for pid, found in charged.items()
    )


def _later(date: PartialDate, than: PartialDate | None) -> bool:
    """Whether ``date`` begins after ``than`` could have (an undated ``than``: yes)."""
    if than is None:
        return True
    return date.value > than.value and not date.value.startswith(than.value)


@dataclass(frozen=True)
class Overview:
    header: CaseHeader
    defendants: tuple[DefendantFigures, ...]
    """Key figures: of the first defendants (:data:`SUMMARY_DEFENDANTS`)."""
    scheduled: tuple[Field, ...] = ()
    """Events announced for a date after their source: ``Scheduled: hearing`` → its title and
    date."""

    @property
    def figures(self) -> tuple[Field, ...]:
        """The key figures as the Overview lists them: labelled lines, by defendant, then what is
        scheduled."""
        return (*(f for d in self.defendants for f in _figure_lines(d)), *self.scheduled)


EARLY_STATUSES = frozenset({"charged", "indicted"})
"""A charge whose last known step is one of these: the source gives no later status (it may be
on trial under another name), which the Overview says rather than implying it is not."""

OVERVIEW_CHARGES = 6
"""Charges of a defendant the Overview lists."""


def _figure_lines(d: DefendantFigures) -> Iterator[Field]:
    from dossier import kinds

    parts = []
    for charge in d.charges[:OVERVIEW_CHARGES]:
        last = charge.last
        status = step_phrase(last) if last else "status not stated"
        if last and last.status in EARLY_STATUSES:
            status += "; no later status in the source"
        how = "charge inferred; " if "offence" in charge.said.inferred else ""
        parts.append(f"{charge.offence} ({how}{status}){charge.said.suffix}")
    yield Field(f"{d.name}: charges", "; ".join(parts) or "no charge in the dossier")
    for s in d.requested:
        yield Field(f"{d.name}: sentence requested", f"{term_phrase(s)} by {s.by}{s.said.suffix}")
    for s in d.imposed:
        yield Field(f"{d.name}: sentence imposed", f"{term_phrase(s)} ({s.by}){s.said.suffix}")
    if d.custody:
        c = d.custody
        yield Field(f"{d.name}: custody", since_phrase(c.status, c.start) + c.said.suffix)
    for text in d.appeals:
        yield Field(f"{d.name}: appeal", text)
    if d.legal:
        yield Field(
            f"{d.name}: legal status",
            "; ".join(since_phrase(st.status, st.start) + st.said.suffix for st in d.legal),
        )
    if d.asylum:
        a = d.asylum
        when = f", {a.date.display()}" if a.date else ""
        what = kinds.asylum_event(a.type)
        yield Field(f"{d.name}: asylum", f"{what} ({a.state}){when}{a.said.suffix}")


def term_phrase(s: Sentence) -> str:
    """``25 years (prison)``: the term, with the penalty when the source names it."""
    return f"{s.term} ({s.penalty})" if s.penalty else s.term


def step_phrase(step: StatusStep, *, short: bool = False) -> str:
    """``convicted of conspiracy to commit rebellion on 27 November 2025``, ``on trial since
    March 2025``: a charge's step and its date (a verdict is on a day, a status is since one)."""
    from dossier import vocab

    at = " on" if step.status in vocab.VERDICT_STEPS else " since"
    when = f"{at} {display_iso(step.date.value, step.date.precision, short)}" if step.date else ""
    return vocab.step_text(step.status, step.offence) + when


def since_phrase(status: str, start: PartialDate | None, *, short: bool = False) -> str:
    """``released on bail since September 2025``: a custody or legal status and its start."""
    return f"{status} since {display_iso(start.value, start.precision, short)}" if start else status


# -- reading them -----------------------------------------------------------------------------------


def evidence_sql(alias: str) -> str:
    """SQL: a record's evidence as a JSON array, by the evidence primary key."""
    return (
        '(SELECT json_group_array(json_array(seq, source, start, "end", exact)) '
        f"FROM evidence WHERE record = {alias})"
    )


def json_rows(value: str | None) -> list[Any]:
    """A JSON array of arrays from a correlated subquery, sorted by their first member (``seq``)."""
    if not value:
        return []
    items: list[Any] = json.loads(value)
    items.sort(key=lambda item: item[0])
    return items


def spans_of(value: str | None) -> tuple[Span, ...]:
    return tuple(Span(s, int(a), int(b), e) for _, s, a, b, e in json_rows(value))


def partial_date(
    value: str | None,
    precision: str | None,
    approx: Any = False,
    text: str | None = None,
    rule: str | None = None,
) -> PartialDate | None:
    if not value:
        return None
    return PartialDate(value, cast(Precision, precision or "day"), text, rule, bool(approx))


def date_sql(alias: str, name: str = "date") -> str:
    """SQL: the five columns of a date, in :func:`partial_date`'s order."""
    c = f"{alias}.{name}" if name != "end" else f'{alias}."end"'
    return (
        f"{c}, {alias}.{name}_precision, {alias}.{name}_approx, {alias}.{name}_text, "
        f"{alias}.{name}_rule"
    )


def among(column: str, ids: Sequence[str] | None) -> tuple[str, tuple[str, ...]]:
    """SQL: a condition keeping rows whose ``column`` is one of ``ids`` (``None``: every row)."""
    if ids is None:
        return "1", ()
    return f"{column} IN ({','.join('?' for _ in ids)})", tuple(ids)


def charges(conn: sqlite3.Connection, defendants: Sequence[str] | None = None) -> Iterator[Charge]:
    """Charges by defendant (in case-file order), then in case-file order."""
    where, params = among("c.defendant", defendants)
    for cid, defendant, name, offence, alleges, plea, history, evidence, *said in conn.execute(
        "SELECT c.id, c.defendant, e.name, c.offence, c.alleges, c.plea, "
        "(SELECT json_group_array(json_array(seq, status, offence, first_evidence, "
        "evidence_count, date, date_precision, date_approx, date_text, date_rule)) "
        f"FROM charge_status WHERE charge = c.id), {evidence_sql('c.id')}, "
        f"{said_sql('c')} "
        f"FROM charge c JOIN entity e ON e.id = c.defendant WHERE {where} ORDER BY e.rowid, c.rowid",
        params,
    ):
        spans = spans_of(evidence)
        steps = tuple(
            StatusStep(st, partial_date(*date), step_offence, spans[first : first + count])
            for _, st, step_offence, first, count, *date in json_rows(history)
        )
        yield Charge(cid, defendant, name, offence, alleges, plea, steps, spans, said_of(*said))


def sentences(
    conn: sqlite3.Connection, defendants: Sequence[str] | None = None
) -> Iterator[Sentence]:
    """Sentences by defendant (in case-file order), then by date (undated last)."""
    where, params = among("s.defendant", defendants)
    for sid, kind, defendant, name, by, penalty, term, offence, *rest in conn.execute(
        "SELECT s.id, s.kind, s.defendant, e.name, b.name, s.penalty, s.term_text, c.offence, "
        f"{date_sql('s')}, {evidence_sql('s.id')}, {said_sql('s')} FROM sentence s "
        "JOIN entity e ON e.id = s.defendant JOIN entity b ON b.id = s.by "
        f"LEFT JOIN charge c ON c.id = s.charge WHERE {where} "
        "ORDER BY e.rowid, s.date IS NULL, s.date, s.rowid",
        params,
    ):
        yield Sentence(
            sid,
            kind,
            defendant,
            name,
            by,
            penalty,
            term,
            offence,
            partial_date(*rest[:5]),
            spans_of(rest[5]),
            said_of(*rest[6:]),
        )


def custody(conn: sqlite3.Connection, people: Sequence[str] | None = None) -> Iterator[Custody]:
    """Custody by person (in case-file order), then from the earliest (undated last)."""
    where, params = among("c.person", people)
    for cid, person, name, status, *dates in conn.execute(
        f"SELECT c.id, c.person, e.name, c.status, {date_sql('c', 'start')}, "
        f"{date_sql('c', 'end')}, {evidence_sql('c.id')}, {said_sql('c')} FROM custody c "
        f"JOIN entity e ON e.id = c.person WHERE {where} "
        "ORDER BY e.rowid, c.start IS NULL, c.start, c.rowid",
        params,
    ):
        yield Custody(
            cid,
            person,
            name,
            status,
            partial_date(*dates[:5]),
            partial_date(*dates[5:10]),
            spans_of(dates[10]),
            said_of(*dates[11:]),
        )


def legal_statuses(
    conn: sqlite3.Connection, people: Sequence[str] | None = None
) -> Iterator[LegalStatus]:
    """Legal status by person (in case-file order), then from the earliest (undated last)."""
    from dossier import kinds

    where, params = among("l.person", people)
    for lid, person, name, status, place, embassy, *dates in conn.execute(
        f'SELECT l.id, l.person, e.name, l.status, l."where", m.name, {date_sql("l", "start")}, '
        f"{date_sql('l', 'end')}, {evidence_sql('l.id')}, {said_sql('l')} FROM legal_status l "
        "JOIN entity e ON e.id = l.person LEFT JOIN entity m ON m.id = l.embassy "
        f"WHERE {where} ORDER BY e.rowid, l.start IS NULL, l.start, l.rowid",
        params,
    ):
        yield LegalStatus(
            lid,
            person,
            name,
            kinds.legal_status_text(status, place, embassy),
            partial_date(*dates[:5]),
            partial_date(*dates[5:10]),
            spans_of(dates[10]),
            said_of(*dates[11:]),
        )


def appeals(
    conn: sqlite3.Connection, people: Sequence[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(defendant, the appeal in words) of appeals of a verdict or sentence, in case-file order."""
    where, params = among("d", people)
    for defendant, title in conn.execute(
        "SELECT d, title FROM (SELECT coalesce(c.defendant, s.defendant) AS d, r.title AS title, "
        "a.rowid AS n FROM appeal a JOIN record r ON r.id = a.id "
        "LEFT JOIN charge c ON c.id = a.charge LEFT JOIN sentence s ON s.id = a.sentence) "
        f"WHERE {where} ORDER BY n",
        params,
    ):
        yield defendant, title.split(" — ", 1)[-1]


def scheduled(conn: sqlite3.Connection) -> Iterator[Field]:
    """Events announced for a date after their source, soonest first."""
    for title, kind, date, precision in conn.execute(
        "SELECT title, type, date, date_precision FROM event WHERE scheduled "
        "ORDER BY date IS NULL, date, rowid"
    ):
        when = f" — {display_iso(date, precision or 'day')}" if date else ""
        yield Field(f"Scheduled: {kind}", f"{title}{when}")


def asylum(conn: sqlite3.Connection, people: Sequence[str] | None = None) -> Iterator[Asylum]:
    """Asylum sought, granted, refused... by date (undated last), then in case-file order."""
    where, params = among("a.person", people)
    for row in conn.execute(
        "SELECT a.id, a.person, p.name, a.type, s.name, m.name, a.description, "
        f"{date_sql('a')}, {evidence_sql('a.id')}, r.rowid, {said_sql('a')} FROM asylum a "
        "JOIN record r ON r.id = a.id JOIN entity p ON p.id = a.person "
        "JOIN entity s ON s.id = a.state LEFT JOIN entity m ON m.id = a.embassy "
        f"WHERE {where} ORDER BY a.date IS NULL, a.date, r.rowid",
        params,
    ):
        aid, person, name, atype, state, embassy, description, *date = row[:12]
        evidence, order, *said = row[12:]
        yield Asylum(
            aid, person, name, atype, state, embassy, description, partial_date(*date),
            spans_of(evidence), order, said_of(*said),
        )  # fmt: skip


def kind_counts(conn: sqlite3.Connection, meta: Mapping[str, str]) -> dict[str, int]:
    """Record kind → number of records, as the build counted them (counted now for a dossier
    built before it did)."""
    counts = {k[5:]: int(v) for k, v in meta.items() if k.startswith("kind:")}
    if not counts and meta.get("records") != "0":
        counts = dict(conn.execute("SELECT kind, count(*) FROM record GROUP BY kind").fetchall())
    return counts


# ---------------------------------------------------------------------------------------------------


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
            counts = kind_counts(conn, m)
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
        """The case header and the key figures of the first defendants (:func:`key_figures`)."""
        header = self.header()
        with self.connection() as conn:
            ids = [
                pid
                for (pid,) in conn.execute(
                    "SELECT e.id FROM entity e WHERE e.id IN (SELECT defendant FROM charge "
                    "UNION SELECT defendant FROM sentence WHERE kind = 'imposed') "
                    "ORDER BY e.rowid LIMIT ?",
                    (SUMMARY_DEFENDANTS,),
                )
            ]
            figures = key_figures(
                charges(conn, ids),
                sentences(conn, ids),
                custody(conn, ids),
                asylum(conn, ids),
                legal_statuses(conn, ids),
                appeals(conn, ids),
            )
            coming = tuple(scheduled(conn))
        return Overview(header, figures, coming)

    # -- panes --------------------------------------------------------------------------------

    def _pane_count(self, conn: sqlite3.Connection, pane: str) -> int:
        key = f"count:{pane}"
        if key in self.meta:
            return int(self.meta[key])
        if pane == "quotes":
            return int(conn.execute("SELECT count(*) FROM quote").fetchone()[0])
        row = conn.execute("SELECT count(*) FROM listing WHERE pane=?", (pane,)).fetchone()
        return int(row[0])

    def view_page(self, pane: str, view: View, offset: int, limit: int) -> list[RowData]:
        """Rows ``offset`` to ``offset + limit`` of a pane filtered and sorted (:mod:`.views`)."""
        from dossier import views

        if not view.active:
            return self.page(pane, offset, limit)
        with self.connection() as conn:
            return views.page(conn, pane, view, offset, limit)

    def view_count(self, pane: str, view: View, cap: int | None = None) -> int:
        """How many rows of a pane ``view`` keeps (of the quotes, at most ``cap``)."""
        from dossier import views

        with self.connection() as conn:
            if not view.filter.active:
                return self._pane_count(conn, pane)
            return views.count(conn, pane, view, cap)

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
        from dossier.kinds import clip

        with self.connection() as conn:
            rows = rows_in_one_step(
                conn,
                "SELECT json_group_array(json_array(pos - 1, id, date, date_precision, "
                "date_approx, coalesce(speaker_names, 'unattributed'), kind, text)) FROM "
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
        from dossier import kinds

        with self.connection() as conn:
            found = conn.execute("SELECT kind, pane FROM record WHERE id=?", (record,)).fetchone()
            if found is None:
                return None
            kind, pane = found
            anchor = record
            spec = kinds.get(kind)
            if spec is not None and spec.anchor is not None:
                found_anchor = conn.execute(
                    "SELECT dst FROM link WHERE src=? AND rel=?", (record, spec.anchor)
                ).fetchone()
                anchor = found_anchor[0] if found_anchor else record
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
        from dossier import kinds

        rec = conn.execute("SELECT * FROM record WHERE id=?", (record,)).fetchone()
        if rec is None:
            return None
        kind = rec["kind"]
        spec = kinds.get(kind)
        row = None
        if spec is not None:
            row = conn.execute(f'SELECT * FROM "{spec.table}" WHERE id=?', (record,)).fetchone()
        fields = self._fields(conn, spec, row) if spec is not None and row is not None else []
        fields.extend(self._attribution(conn, rec))
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

    def _fields(
        self, conn: sqlite3.Connection, spec: kinds.KindSpec, row: sqlite3.Row
    ) -> list[Field]:
        """A record's fields in its table's column order (dates whole, with how they were read),
        then what its spec adds from its row and its child rows."""
        from dossier import kinds

        kind = spec.kind
        keys = row.keys()
        refs = {c.name for c in spec.columns() if c.references is not None}
        hidden = HIDDEN_COLUMNS | spec.hidden_columns | refs
        out: list[Field] = []
        done: set[str] = set()
        for key in keys:
            is_date = f"{key}_precision" in keys
            if not is_date and (key in done or key in hidden):
                continue
            value = row[key]
            if is_date:
                done.update(k for k in keys if k.startswith(f"{key}_"))
                out.append(Field(kinds.date_label(kind, key), self._date_field(row, key)))
                continue
            if key.endswith(("_precision", "_text", "_rule", "_approx")):
                continue
            if value is None or value == "":
                continue
            if key == "text" and kind == "source":
                out.append(Field("Length", f"{len(value):,} characters"))
                continue
            out.append(Field(kinds.field_label(kind, key), str(value)))
        children: dict[str, list[Mapping[str, Any]]] = {
            child.table: [
                dict(r)
                for r in conn.execute(
                    f'SELECT * FROM "{child.table}" WHERE "{child.key}" = ? ORDER BY seq',
                    (row["id"],),
                )
            ]
            for child in spec.children
        }
        for at, label, value in spec.detail(dict(row), children):
            field_ = Field(label, value)
            if at is None:
                out.append(field_)
            else:
                out.insert(at, field_)
        return out

    @staticmethod
    def _attribution(conn: sqlite3.Connection, rec: sqlite3.Row) -> list[Field]:
        """Who says so (for every record that can be a claim), and each field the analyst
        inferred, with its rule."""
        from dossier import kinds
        from dossier.claims import UNATTRIBUTED_KINDS

        out = []
        if rec["kind"] not in UNATTRIBUTED_KINDS:
            out.append(Field("Who says so", rec["claim"] or "the source, in its own voice"))
        for name, rule in conn.execute(
            "SELECT field, rule FROM inference WHERE record = ? ORDER BY seq", (rec["id"],)
        ):
            label = kinds.field_label(rec["kind"], name)
            if name in kinds.REL_LABEL:
                label = kinds.rel_label(rec["kind"], name)
            out.append(Field(f"{label}: inferred", f"not stated by the source; {rule}"))
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
        """The records this one refers to, by field; those referring to it, by kind and field, a
        page of each; and last, for a note, the records it is about (a note pointing here is
        among the record's notes, not its links)."""
        from dossier import kinds

        kind_row = conn.execute("SELECT kind FROM record WHERE id = ?", (record,)).fetchone()
        own = kinds.get(kind_row[0]) if kind_row else None
        notes_on = own.notes_on if own is not None else None
        groups: list[LinkGroup] = []
        outgoing: dict[str, list[LinkRef]] = {}
        for rel, dst, title, subtitle, kind in conn.execute(
            "SELECT l.rel, l.dst, r.title, r.subtitle, r.kind FROM link l "
            "JOIN record r ON r.id = l.dst WHERE l.src = ? ORDER BY l.seq",
            (record,),
        ):
            outgoing.setdefault(rel, []).append(LinkRef(dst, title, subtitle, kind))
        own_kind = own.kind if own is not None else ""
        for rel, links in outgoing.items():
            if rel != notes_on:
                groups.append(LinkGroup(kinds.rel_label(own_kind, rel), tuple(links)))
        # Incoming links, grouped by the kind and field that point here, a page of each.
        counts = [
            (kind, rel, total)
            for kind, rel, total in conn.execute(
                "SELECT r.kind, l.rel, count(*) FROM link l JOIN record r ON r.id = l.src "
                "WHERE l.dst = ? GROUP BY r.kind, l.rel",
                (record,),
            )
            if not kinds.is_note_link(kind, rel)
        ]
        for kind, rel, total in sorted(counts, key=lambda c: kinds.reverse_order(c[0], c[1])):
            links = [
                LinkRef(src, title, subtitle, kind)
                for src, title, subtitle in conn.execute(
                    "SELECT l.src, r.title, r.subtitle FROM link l JOIN record r ON r.id = l.src "
                    "WHERE l.dst = ? AND l.rel = ? AND r.kind = ? ORDER BY l.rowid LIMIT ?",
                    (record, rel, kind, LINKS_PER_GROUP),
                )
            ]
            label = kinds.reverse_label(kind, rel) or f"{kinds.label(kind)} ({rel})"
            groups.append(LinkGroup(label, tuple(links), max(total - len(links), 0)))
        if notes_on is not None and notes_on in outgoing:
            groups.append(LinkGroup(kinds.rel_label(own_kind, notes_on), tuple(outgoing[notes_on])))
        return groups

    def _notes(self, conn: sqlite3.Connection, record: str) -> list[NoteRef]:
        from dossier import kinds

        return [
            NoteRef(nid, kind, text, basis)
            for nid, kind, text, basis in conn.execute(
                "SELECT n.id, n.kind, n.text, n.basis FROM link l JOIN note n ON n.id = l.src "
                "WHERE l.dst = ? AND l.rel = ? ORDER BY n.kind, l.rowid LIMIT 50",
                (record, kinds.spec("note").notes_on),
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
                "SELECT e.start, e.end, e.record, r.kind, r.title FROM evidence e "
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
                    "JOIN record r ON r.rowid = f.rowid WHERE record_fts MATCH ? "
                    "ORDER BY bm25(record_fts, 10.0, 8.0, 1.0) LIMIT ?",
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
        from dossier.records import record_refs

        with self.connection() as conn:
            return {rid: (ref.title, ref.kind) for rid, ref in record_refs(conn, ids).items()}

    def timeline_items(self) -> list[TimelineItem]:
        """Every dated (and undated) item of the timeline chart: see :func:`timeline_items`."""
        with self.connection() as conn:
            return timeline_items(conn)


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


# ---------------------------------------------------------------------------------------------------
# The timeline chart's items.

TIMELINE_SPAN_STATUS = frozenset(
    {"preventive detention", "released on bail", "house arrest", "in prison", "on trial"}
)
"""Custody statuses and charge steps that last until the next one; the others are moments."""
EMBASSY_STAY_ENDS = frozenset({"safe conduct", "refused", "intercepted", "left"})


def timeline_items(conn: sqlite3.Connection) -> list[TimelineItem]:
    """The items of the timeline chart (:mod:`dossier.timeline`), lane by lane: the case's events,
    then defendants in the order of their charges, then everyone else, then states' diplomacy.

    Spans: a custody status that lasts (detention, bail, prison), a charge's time "on trial", a term
    of office with a start (to its end, or open while the role is not former), and a stay at an
    embassy after asylum was sought there. Marks: every other dated step."""
    from dossier import kinds, vocab
    from dossier.kinds import clip

    names = dict(conn.execute("SELECT id, name FROM entity"))
    rank: dict[str, int] = {CASE_LANE: 0}
    for n, (pid,) in enumerate(
        conn.execute(
            "SELECT defendant FROM charge GROUP BY defendant ORDER BY min(rowid)"
        ).fetchall()
    ):
        rank[pid] = 1 + n
    base = len(rank) + 1
    for n, (eid,) in enumerate(conn.execute("SELECT id FROM entity ORDER BY rowid").fetchall()):
        rank.setdefault(eid, base + n)
    items: list[TimelineItem] = []

    def add(lane: str, **kw: Any) -> None:
        items.append(TimelineItem(lane=lane, lane_name=names.get(lane, lane), **kw))

    for rid, title, typ, d, p, a in conn.execute(
        "SELECT id, title, type, date, date_precision, date_approx FROM event ORDER BY rowid"
    ):
        items.append(
            TimelineItem(
                rid,
                "event",
                clip(title, 60),
                f"{title} ({typ})",
                CASE_LANE,
                "",
                d,
                p,
                approx=bool(a),
            )
        )
    for rid, person, status, s, sp, sa, e, ep in conn.execute(
        'SELECT id, person, status, start, start_precision, start_approx, "end", end_precision '
        "FROM custody ORDER BY rowid"
    ):
        who = names.get(person, person)
        add(
            person,
            record=rid,
            kind="custody",
            label=status,
            title=f"{who}: {status}",
            start=s,
            start_precision=sp,
            end=e,
            end_precision=ep,
            span=status in TIMELINE_SPAN_STATUS,
            chain=f"custody:{person}",
            approx=bool(sa),
        )
    for lid, person, status, place, embassy, s, sp, sa, e, ep in conn.execute(
        'SELECT id, person, status, "where", embassy, start, start_precision, start_approx, '
        '"end", end_precision FROM legal_status ORDER BY rowid'
    ):
        label = kinds.legal_status_text(status, place, names.get(embassy) if embassy else None)
        add(
            person,
            record=lid,
            kind="legal status",
            label=status,
            title=f"{names.get(person, person)}: {label}",
            start=s,
            start_precision=sp,
            end=e,
            end_precision=ep,
            span=True,
            chain=f"legal:{lid}",
            approx=bool(sa),
        )
    for cid, defendant, offence, status, convicted, d, p, a in conn.execute(
        "SELECT c.id, c.defendant, c.offence, s.status, s.offence, s.date, s.date_precision, "
        "s.date_approx FROM charge_status s JOIN charge c ON c.id = s.charge "
        "ORDER BY c.rowid, s.seq"
    ):
        who = names.get(defendant, defendant)
        add(
            defendant,
            record=cid,
            kind="charge",
            label=vocab.step_text(status, convicted),
            title=f"{who} {vocab.step_text(status, convicted, offence)}: {offence}",
            start=d,
            start_precision=p,
            span=status in TIMELINE_SPAN_STATUS,
            chain=f"charge:{cid}",
            approx=bool(a),
        )
    for sid, defendant, kind, term, d, p, a in conn.execute(
        "SELECT id, defendant, kind, term_text, date, date_precision, date_approx FROM sentence "
        "ORDER BY rowid"
    ):
        who = names.get(defendant, defendant)
        first = term.split("; ")[0].split(" — ")[0]  # of parts: the first, the others counted
        more = f" and {term.count('; ')} more" if "; " in term else ""
        label = f"{first}{more} {'imposed' if kind == 'imposed' else 'requested'}"
        add(
            defendant,
            record=sid,
            kind="sentence",
            label=label,
            title=f"{who}: {term} sentence {kinds.sentence_kind(kind)}",
            start=d,
            start_precision=p,
            approx=bool(a),
        )
    for aid, typ, person, state, embassy, d, p, a, according in conn.execute(
        "SELECT id, type, person, state, embassy, date, date_precision, date_approx, "
        "according_to FROM asylum ORDER BY rowid"
    ):
        who = names.get(person, person)
        at = f" at {names.get(embassy, embassy)}" if embassy else ""
        what = typ if typ == "fled to embassy" else f"asylum {typ}"
        title = f"{who}: {what} ({names.get(state, state)}{at})"
        # Who says so: a party's claim is drawn as theirs, never as a bare fact.
        claimed = f", per {names.get(according, according)}" if according else ""
        title += f" — according to {names.get(according, according)}" if according else ""
        add(
            person,
            record=aid,
            kind="asylum",
            label=f"{what}{claimed}",
            title=title,
            start=d,
            start_precision=p,
            chain=f"asylum:{person}",
            approx=bool(a),
        )
        if embassy and typ in ("sought", "fled to embassy") and d:
            add(
                person,
                record=aid,
                kind="asylum",
                label=f"at {names.get(embassy, embassy)}",
                title=f"{who}: at {names.get(embassy, embassy)} after seeking asylum",
                start=d,
                start_precision=p,
                span=True,
                chain=f"embassy:{person}",
                approx=bool(a),
            )
    for did, typ, actor, counterpart, d, p, a in conn.execute(
        "SELECT id, type, actor, counterpart, date, date_precision, date_approx FROM diplomatic "
        "ORDER BY rowid"
    ):
        title = f"{names.get(actor, actor)} → {names.get(counterpart, counterpart)}: {typ}"
        add(
            actor,
            record=did,
            kind="diplomatic",
            label=typ,
            title=title,
            start=d,
            start_precision=p,
            approx=bool(a),
        )
    for rid, holder, title, status, s, sp, sa, e, ep in conn.execute(
        "SELECT id, holder, title, status, start, start_precision, start_approx, "
        '"end", end_precision FROM role ORDER BY rowid'
    ):
        who = names.get(holder, holder)
        if s and (e or status != "former"):
            add(
                holder,
                record=rid,
                kind="role",
                label=title,
                title=f"{who}: {title}",
                start=s,
                start_precision=sp,
                end=e,
                end_precision=ep,
                span=True,
                approx=bool(sa),
            )
            continue
        if s:
            add(
                holder,
                record=rid,
                kind="role",
                label=f"becomes {title}",
                title=f"{who} becomes {title}",
                start=s,
                start_precision=sp,
                approx=bool(sa),
            )
        if e:
            add(
                holder,
                record=rid,
                kind="role",
                label=f"leaves office as {title}",
                title=f"{who} leaves office as {title}",
                start=e,
                start_precision=ep,
            )
    # The embassy stay ends with the person's next asylum step that takes them out of it.
    leaving = {
        (i.chain.partition(":")[2], i.start)
        for i in items
        if i.kind == "asylum"
        and not i.span
        and i.label.removeprefix("asylum ") in EMBASSY_STAY_ENDS
    }
    out = []
    for i in items:
        if i.span and i.chain.startswith("embassy:"):
            person = i.chain.partition(":")[2]
            ends = sorted(d for p, d in leaving if p == person and d and i.start and d > i.start)
            if ends:
                i = replace(i, end=ends[0], end_precision=None)
        out.append(i)
    out.sort(key=lambda i: rank.get(i.lane, len(rank) + 1))
    return out
