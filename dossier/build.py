"""Build a dossier database from a checked case: deterministic, atomic, provenance checked.

:func:`compile_case` turns a :class:`~dossier.casefile.Case` into rows for every table (pure, no
I/O); :func:`write_database` writes them to a temporary file beside the target and renames it into
place only once everything, FTS indexes included, is written and checked. A failed build leaves the
previous database untouched and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dossier import __version__, casefile, schema, store
from dossier.casefile import Case, Record
from dossier.dates import UNDATED, UNDATED_CELL, PartialDate
from dossier.errors import DossierError
from dossier.progress import QUIET, Reporter
from dossier.queries import clip as _clip
from dossier.store import check_replaceable

Row = dict[str, Any]


HOME_PANE = {
    "source": "sources",
    "person": "people",
    "organization": "people",
    "role": "people",
    "charge": "charges",
    "sentence": "sentences",
    "custody": "sentences",
    "asylum": "asylum",
    "diplomatic": "asylum",
    "event": "overview",
    "quote": "quotes",
    "note": "sources",
}


TIMELINE_ORDER = {
    "event": 0,
    "role": 1,
    "custody": 2,
    "asylum": 2,
    "charge": 3,
    "sentence": 4,
    "diplomatic": 5,
    "source": 6,
}
"""Within one date, the order the timeline lists kinds in: causes before consequences."""


BULK_COLUMNS: dict[str, tuple[str, ...]] = {
    "quote": (
        "pos", "id", "kind", "text", "speaker_names", "source", "start", "end", "context",
        "date", "date_precision", "date_text", "date_rule", "date_approx", "search_speakers",
        "search_mentions",
    ),
    "record": ("id", "kind", "title", "subtitle", "pane", "date", "date_precision"),
    "evidence": ("record", "seq", "source", "start", "end", "exact", "prefix", "suffix"),
    "link": ("src", "rel", "seq", "dst"),
    "listing": ("pane", "pos", "record", "c1", "c2", "c3", "c4", "c5"),
}  # fmt: skip
"""The tables with a row per record or more, kept as tuples in this column order: a dict per row
cost more than the rest of the build."""


@dataclass
class Compiled:
    """Every row of every table, in insertion order."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    """The typed tables other than ``quote``, a dict per row."""
    bulk: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in BULK_COLUMNS}
    )
    """The tables of :data:`BULK_COLUMNS`, a tuple per row."""
    record_fts: list[tuple[str, str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)


def _date_cols(prefix: str, date: PartialDate | None) -> Row:
    if date is None:
        return {
            f"{prefix}": None,
            f"{prefix}_precision": None,
            f"{prefix}_text": None,
            f"{prefix}_rule": None,
            f"{prefix}_approx": False,
        }
    return {
        prefix: date.value,
        f"{prefix}_precision": date.precision,
        f"{prefix}_text": date.text,
        f"{prefix}_rule": date.rule,
        f"{prefix}_approx": date.approx,
    }


def _shown(date: PartialDate | None) -> str:
    return date.display() if date else UNDATED


def _cell(date: PartialDate | None) -> str:
    """A date in a table cell: short (``3 Nov 2025``); the detail panel gives it whole."""
    return date.short() if date else UNDATED_CELL


def _date_key(date: PartialDate | None) -> tuple[int, str]:
    """Chronological, with undated items after every dated one."""
    return (0, date.value) if date else (1, "")


def compile_case(case: Case) -> Compiled:
    """Turn a checked case into table rows. Pure: same case, same rows, same order."""
    out = Compiled()
    t = out.tables
    recs = case.records
    order = {r.id: i for i, r in enumerate(recs)}
    by_id = {r.id: r for r in recs}

    labels: dict[str, str] = {}

    def name(rid: str | None) -> str:
        if rid is None:
            return ""
        label = labels.get(rid)
        if label is None:
            r = by_id[rid]
            label = labels[rid] = str(getattr(r, "name", None) or getattr(r, "title", None) or rid)
        return label

    def names(ids: Iterable[str]) -> str:
        return ", ".join(name(i) for i in ids)

    aliases: dict[str, list[str]] = {}
    for r in recs:
        if isinstance(r, casefile.Person | casefile.Organization):
            aliases[r.id] = [r.name, *r.aliases, *r.editorial_aliases]

    def all_names(ids: Iterable[str]) -> str:
        return " ".join(a for i in ids for a in aliases.get(i, [name(i)]))

    titles: dict[str, str] = {}
    subtitles: dict[str, str] = {}
    main_date: dict[str, PartialDate | None] = {}
    quotes: list[casefile.Quote] = []

    # ----------------------------------------------------------------------------- typed tables
    for r in recs:
        if type(r) is casefile.Quote:  # most records; their rows are made below, in date order
            quotes.append(r)
            continue
        if isinstance(r, casefile.Source):
            t["source"].append(
                {
                    "id": r.id,
                    "title": r.title,
                    "title_editorial": r.title_editorial,
                    "file": r.file,
                    "published": r.published.value,
                    "published_precision": r.published.precision,
                    "language": r.language,
                    "sha256": r.sha256,
                    "publisher": r.publisher,
                    "url": r.url,
                    "text": case.texts[r.id],
                }
            )
            titles[r.id] = r.title
            subtitles[r.id] = f"published {r.published.display()}"
            main_date[r.id] = r.published
        elif isinstance(r, casefile.Person | casefile.Organization):
            t["entity"].append(
                {
                    "id": r.id,
                    "kind": r.KIND,
                    "type": r.type,
                    "name": r.name,
                    "description": r.description,
                }
            )
            spellings = [(a, False) for a in r.aliases] + [(a, True) for a in r.editorial_aliases]
            for seq, (alias, editorial) in enumerate(spellings):
                t["alias"].append(
                    {"entity": r.id, "seq": seq, "alias": alias, "editorial": editorial}
                )
            titles[r.id] = r.name
            subtitles[r.id] = _clip(r.description, 90) if r.description else r.type
            main_date[r.id] = None
        elif isinstance(r, casefile.Role):
            t["role"].append(
                {
                    "id": r.id,
                    "holder": r.holder,
                    "title": r.title,
                    "organization": r.organization,
                    "of": r.of,
                    "status": r.status,
                    **_date_cols("start", r.start),
                    **_date_cols("end", r.end),
                }
            )
            titles[r.id] = f"{name(r.holder)} — {r.title}" + (f" of {name(r.of)}" if r.of else "")
            subtitles[r.id] = _role_subtitle(r)
            main_date[r.id] = r.start or r.end
        elif isinstance(r, casefile.Charge):
            last = r.history[-1] if r.history else None
            t["charge"].append(
                {
                    "id": r.id,
                    "defendant": r.defendant,
                    "offence": r.offence,
                    "alleges": r.alleges,
                    "plea": r.plea,
                    "status": last.status if last else None,
                    "date": last.date.value if last and last.date else None,
                    "date_precision": last.date.precision if last and last.date else None,
                }
            )
            for seq, step in enumerate(r.history):
                t["charge_status"].append(
                    {
                        "charge": r.id,
                        "seq": seq,
                        "status": step.status,
                        **_date_cols("date", step.date),
                    }
                )
            titles[r.id] = f"{name(r.defendant)} — {r.offence}"
            subtitles[r.id] = (
                f"{last.status} since {_shown(last.date)}"
                if last and last.date
                else (last.status if last else "status not stated")
            )
            main_date[r.id] = next((s.date for s in r.history if s.date), None)
        elif isinstance(r, casefile.Sentence):
            term_text = casefile.describe_term(r.term)
            t["sentence"].append(
                {
                    "id": r.id,
                    "defendant": r.defendant,
                    "kind": r.kind,
                    "by": r.by,
                    "charge": r.charge,
                    "penalty": r.penalty,
                    "term": r.term,
                    "term_text": term_text,
                    **_date_cols("date", r.date),
                }
            )
            titles[r.id] = (
                f"{name(r.defendant)} — {term_text} ({r.penalty}), {_sentence_kind(r.kind)}"
            )
            subtitles[r.id] = f"{r.kind} by {name(r.by)}"
            main_date[r.id] = r.date
        elif isinstance(r, casefile.Custody):
            t["custody"].append(
                {
                    "id": r.id,
                    "person": r.person,
                    "status": r.status,
                    **_date_cols("start", r.start),
                    **_date_cols("end", r.end),
                }
            )
            titles[r.id] = f"{name(r.person)} — {r.status}"
            subtitles[r.id] = f"since {_shown(r.start)}" if r.start else UNDATED
            main_date[r.id] = r.start
        elif isinstance(r, casefile.Asylum):
            t["asylum"].append(
                {
                    "id": r.id,
                    "type": r.type,
                    "person": r.person,
                    "state": r.state,
                    "embassy": r.embassy,
                    "description": r.description,
                    **_date_cols("date", r.date),
                }
            )
            titles[r.id] = f"{name(r.person)} — asylum {r.type} ({name(r.state)})"
            subtitles[r.id] = _shown(r.date)
            main_date[r.id] = r.date
        elif isinstance(r, casefile.Diplomatic):
            t["diplomatic"].append(
                {
                    "id": r.id,
                    "type": r.type,
                    "actor": r.actor,
                    "counterpart": r.counterpart,
                    "by": r.by,
                    "description": r.description,
                    **_date_cols("date", r.date),
                }
            )
            titles[r.id] = f"{name(r.actor)} → {name(r.counterpart)}: {r.type}"
            subtitles[r.id] = _shown(r.date)
            main_date[r.id] = r.date
        elif isinstance(r, casefile.Event):
            t["event"].append(
                {
                    "id": r.id,
                    "type": r.type,
                    "title": r.title,
                    "description": r.description,
                    **_date_cols("date", r.date),
                }
            )
            titles[r.id] = r.title
            subtitles[r.id] = f"{r.type} · {_shown(r.date)}"
            main_date[r.id] = r.date
        elif isinstance(r, casefile.Note):
            t["note"].append({"id": r.id, "kind": r.kind, "text": r.text, "basis": r.basis})
            titles[r.id] = _clip(r.text, 100)
            subtitles[r.id] = (
                "editorial note (not from the source)"
                if r.kind == "editorial"
                else ("discrepancy in the source")
            )
            main_date[r.id] = None

    # Quotes are numbered in date order, so that rowid order is chronological. Who said a quote
    # and whom it names repeat from quote to quote: their labels are made once per group.
    quotes.sort(key=lambda q: (_date_key(q.date), order[q.id]))
    speaker_labels: dict[tuple[str, ...], str] = {}
    speaker_names: dict[tuple[str, ...], str] = {}
    mention_names: dict[tuple[str, ...], str] = {}
    quote_rows = out.bulk["quote"]
    for pos, q in enumerate(quotes, start=1):
        speaker = speaker_labels.get(q.speakers)
        if speaker is None:
            speaker = speaker_labels[q.speakers] = names(q.speakers) or "unattributed"
        speaking = speaker_names.get(q.speakers)
        if speaking is None:
            speaking = speaker_names[q.speakers] = all_names(q.speakers) or "unattributed"
        named = mention_names.get(q.mentions)
        if named is None:
            named = mention_names[q.mentions] = all_names(q.mentions)
        date = q.date
        titles[q.id] = f"{speaker}: “{_clip(q.text, 80)}”"
        subtitles[q.id] = f"{q.kind} · {_shown(date)}"
        main_date[q.id] = date
        span = case.located[q.id][0]
        quote_rows.append(
            (
                pos,
                q.id,
                q.kind,
                q.text,
                speaker,
                span.source,
                span.span.start,
                span.span.end,
                q.context,
                *(
                    (date.value, date.precision, date.text, date.rule, date.approx)
                    if date
                    else (None, None, None, None, False)
                ),
                speaking,
                named,
            )
        )

    # ----------------------------------------------------------------------------- read model
    record_rows = out.bulk["record"]
    evidence_rows = out.bulk["evidence"]
    link_rows = out.bulk["link"]
    located = case.located
    for r in recs:
        rid = r.id
        kind = r.KIND
        date = main_date.get(rid)
        record_rows.append(
            (
                rid,
                kind,
                titles[rid],
                subtitles[rid],
                HOME_PANE[kind],
                date.value if date else None,
                date.precision if date else None,
            )
        )
        for seq, loc in enumerate(located[rid]):
            sp = loc.span
            evidence_rows.append(
                (rid, seq, loc.source, sp.start, sp.end, sp.exact, sp.prefix, sp.suffix)
            )
        for seq, (rel, target) in enumerate(_refs(r)):
            link_rows.append((rid, rel, seq, target))
        if kind != "quote":
            out.record_fts.append((rid, titles[rid], " ".join(aliases.get(rid, [])), _body(r)))

    _listings(case, out, name, order)

    sources = case.of(casefile.Source)
    newest = max(sources, key=lambda s: s.published.value) if sources else None
    out.meta = {
        "schema_version": str(schema.SCHEMA_VERSION),
        "format": str(casefile.FORMAT_VERSION),
        "built_by": f"dossier {__version__}",
        "case_id": case.info.id,
        "case_title": case.info.title,
        "case_summary": case.info.summary,
        "case_file": case.path.name,
        "case_sha256": case.sha256,
        "as_of": newest.published.value if newest else "",
        "as_of_precision": newest.published.precision if newest else "",
        "sources": json.dumps(
            [{"id": s.id, "file": s.file, "sha256": s.sha256} for s in sources], sort_keys=True
        ),
        "records": str(len(recs)),
        # How many records of each kind: counting them is a scan of the record table, half a
        # second at a million records, on the path to the first screen.
        **{f"kind:{kind}": str(n) for kind, n in sorted(Counter(r.KIND for r in recs).items())},
        **{
            f"count:{pane}": str(n)
            for pane, n in _pane_counts(out.bulk["listing"], len(quotes)).items()
        },
    }
    return out


def _pane_counts(listing: list[tuple[Any, ...]], quotes: int) -> dict[str, int]:
    counts = dict.fromkeys(schema.PANES, 0)
    for row in listing:
        counts[row[0]] += 1
    counts["quotes"] = quotes
    return counts


def _role_subtitle(r: casefile.Role) -> str:
    parts = [r.status] if r.status else []
    if r.start:
        parts.append(f"from {_shown(r.start)}")
    if r.end:
        parts.append(f"until {_shown(r.end)}")
    return ", ".join(parts) or "dates not stated"


def _sentence_kind(kind: str) -> str:
    return "requested by prosecutors" if kind == "requested" else "imposed by a court"


def _body(r: Record) -> str:
    """What the palette searches besides a record's title and names: its kind ("sentence",
    "custody"...) and its words."""
    parts = [r.KIND]
    for attr in ("description", "offence", "alleges", "text", "type", "status", "kind", "penalty"):
        value = getattr(r, attr, None)
        if isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


def _refs(r: Record) -> Iterator[tuple[str, str]]:
    for name, _ in casefile.ref_fields(type(r)):
        value = getattr(r, name)
        for target in value if isinstance(value, tuple) else (value,):
            if target is not None:
                yield name, target


def _listings(
    case: Case,
    out: Compiled,
    name: Callable[[str | None], str],
    order: dict[str, int],
) -> None:
    recs = case.records
    by_kind = {r.id: r.KIND for r in recs}
    rows: dict[str, list[tuple[Any, tuple[str, ...]]]] = defaultdict(list)

    def add(pane: str, key: Any, rid: str, *cells: str) -> None:
        if pane == "overview":  # same date: what happened first comes first
            key = (key[0], TIMELINE_ORDER[by_kind[rid]], key[1])
        rows[pane].append((key, (rid, *cells, "", "", "", "", "")[:6]))

    roles_of: dict[str, list[str]] = defaultdict(list)
    for r in recs:
        if isinstance(r, casefile.Role):
            prefix = "Former " if r.status == "former" else ""
            title = r.title if not prefix else r.title[0].lower() + r.title[1:]
            roles_of[r.holder].append(prefix + title)

    for r in recs:
        if type(r) is casefile.Quote:
            continue
        o = order[r.id]
        if isinstance(r, casefile.Person | casefile.Organization):
            group = 0 if isinstance(r, casefile.Person) else 1
            add(
                "people",
                (group, o),
                r.id,
                r.name,
                r.type,
                "; ".join(roles_of.get(r.id, [])),
                ", ".join([*r.aliases, *r.editorial_aliases]),
            )
        elif isinstance(r, casefile.Charge):
            last = r.history[-1] if r.history else None
            add(
                "charges",
                (order[r.defendant], o),
                r.id,
                name(r.defendant),
                r.offence,
                last.status if last else "",
                _cell(last.date) if last and last.date else "",
                r.plea or "",
            )
            for step in r.history:
                add(
                    "overview",
                    (_date_key(step.date), o),
                    r.id,
                    _cell(step.date),
                    f"{name(r.defendant)} {step.status}: {r.offence}",
                    "charge",
                )
        elif isinstance(r, casefile.Sentence):
            term = casefile.describe_term(r.term)
            add(
                "sentences",
                (order[r.defendant], 0, _date_key(r.date), o),
                r.id,
                name(r.defendant),
                r.kind,
                f"{term} ({r.penalty})",
                name(r.by),
                _cell(r.date),
            )
            if r.date:
                add(
                    "overview",
                    (_date_key(r.date), o),
                    r.id,
                    _cell(r.date),
                    f"{term} sentence {_sentence_kind(r.kind)} for {name(r.defendant)}",
                    "sentence",
                )
        elif isinstance(r, casefile.Custody):
            since = f"since {_cell(r.start)}" if r.start else ""
            add(
                "sentences",
                (order[r.person], 1, _date_key(r.start), o),
                r.id,
                name(r.person),
                "custody",
                r.status,
                since,
                _cell(r.end) if r.end else "",
            )
            if r.start:
                add(
                    "overview",
                    (_date_key(r.start), o),
                    r.id,
                    _cell(r.start),
                    f"{name(r.person)}: {r.status}",
                    "custody",
                )
        elif isinstance(r, casefile.Asylum):
            where = name(r.embassy) if r.embassy else name(r.state)
            add(
                "asylum",
                (_date_key(r.date), o),
                r.id,
                _cell(r.date),
                f"asylum {r.type}",
                name(r.person),
                where,
            )
            add(
                "overview",
                (_date_key(r.date), o),
                r.id,
                _cell(r.date),
                f"{name(r.person)}: asylum {r.type} ({name(r.state)})",
                "asylum",
            )
        elif isinstance(r, casefile.Diplomatic):
            who = name(r.actor) + (f" ({name(r.by)})" if r.by else "")
            add(
                "asylum",
                (_date_key(r.date), o),
                r.id,
                _cell(r.date),
                r.type,
                who,
                name(r.counterpart),
            )
            add(
                "overview",
                (_date_key(r.date), o),
                r.id,
                _cell(r.date),
                f"{name(r.actor)} → {name(r.counterpart)}: {r.type}",
                "diplomatic",
            )
        elif isinstance(r, casefile.Event):
            add("overview", (_date_key(r.date), o), r.id, _cell(r.date), r.title, r.type)
        elif isinstance(r, casefile.Role):
            for date, what in ((r.start, "becomes"), (r.end, "leaves office as")):
                if date:
                    add(
                        "overview",
                        (_date_key(date), o),
                        r.id,
                        _cell(date),
                        f"{name(r.holder)} {what} {r.title}",
                        "role",
                    )
        elif isinstance(r, casefile.Source):
            add("sources", (0, o), r.id, "source", r.title, r.published.short(), r.language)
            add(
                "overview",
                (_date_key(r.published), o),
                r.id,
                _cell(r.published),
                f"Source published: {r.title}",
                "source",
            )
        elif isinstance(r, casefile.Note):
            label = "editorial note" if r.kind == "editorial" else "discrepancy"
            add("sources", (1 if r.kind == "discrepancy" else 2, o), r.id, label, r.text)
    # The Quotes pane has no rows here: it lists the quote table itself (Reader.page).
    listing = out.bulk["listing"]
    for pane in schema.PANES:
        ordered = sorted(rows.get(pane, []), key=lambda kv: kv[0])
        listing.extend((pane, pos, *row) for pos, (_, row) in enumerate(ordered))


# ---------------------------------------------------------------------------------------------------
# Writing


FTS_DDL = f"""
CREATE VIRTUAL TABLE quote_fts USING fts5(
    text, search_speakers, search_mentions,
    content='quote', content_rowid='pos',
    tokenize='{schema.FTS_TOKENIZE}', prefix='2 3 4'
);
CREATE VIRTUAL TABLE record_fts USING fts5(
    id UNINDEXED, title, names, body,
    tokenize='{schema.FTS_TOKENIZE}', prefix='2 3'
);
"""

FTS_TRIGGERS = """
CREATE TRIGGER quote_fts_ai AFTER INSERT ON quote BEGIN
    INSERT INTO quote_fts(rowid, text, search_speakers, search_mentions)
    VALUES (new.pos, new.text, new.search_speakers, new.search_mentions);
END;
CREATE TRIGGER quote_fts_ad AFTER DELETE ON quote BEGIN
    INSERT INTO quote_fts(quote_fts, rowid, text, search_speakers, search_mentions)
    VALUES ('delete', old.pos, old.text, old.search_speakers, old.search_mentions);
END;
CREATE TRIGGER quote_fts_au AFTER UPDATE ON quote BEGIN
    INSERT INTO quote_fts(quote_fts, rowid, text, search_speakers, search_mentions)
    VALUES ('delete', old.pos, old.text, old.search_speakers, old.search_mentions);
    INSERT INTO quote_fts(rowid, text, search_speakers, search_mentions)
    VALUES (new.pos, new.text, new.search_speakers, new.search_mentions);
END;
"""
"""Keep the external-content index in step with later edits of ``quote``. Created after the bulk
load, whose rows are indexed in one 'rebuild' pass instead of one trigger call per row."""


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table in an empty database: the tables of :mod:`dossier.models` (written out
    in :data:`dossier.schema.TABLES_DDL`), then the FTS indexes. The secondary indexes come after
    the rows (:func:`create_indexes`)."""
    for statement in _statements(schema.TABLES_DDL + FTS_DDL):
        conn.execute(statement)


def create_indexes(conn: sqlite3.Connection) -> None:
    for statement in _statements(schema.INDEXES_DDL):
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """The statements of a DDL script (no semicolon inside a statement), for ``execute``: unlike
    ``executescript``, it leaves the transaction open."""
    return [s.strip() for s in script.split(";") if s.strip()]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


def insert_rows(conn: sqlite3.Connection, table: str, rows: Sequence[Row] | Iterable[Row]) -> int:
    """Insert dict rows into ``table`` in one executemany; missing keys are NULL."""
    cols = _columns(conn, table)
    names = ", ".join(f'"{c}"' for c in cols)
    marks = ", ".join("?" for _ in cols)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
    count = 0

    def tuples() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        for row in rows:
            count += 1
            yield tuple(row.get(c) for c in cols)

    conn.executemany(sql, tuples())
    return count


def fill(conn: sqlite3.Connection, compiled: Compiled) -> None:
    """Write compiled rows into a database that has the schema."""
    for table, rows in compiled.tables.items():
        insert_rows(conn, table, rows)
    for table, tuples in compiled.bulk.items():
        columns = BULK_COLUMNS[table]
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuples)
    conn.executemany(
        "INSERT INTO record_fts(id, title, names, body) VALUES (?, ?, ?, ?)", compiled.record_fts
    )
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted(compiled.meta.items()))


def write_database(out: Path, populate: Callable[[sqlite3.Connection], None]) -> None:
    """Create a dossier at ``out`` atomically: ``populate`` fills a temporary file beside it, which
    replaces ``out`` only when complete. On any error the temporary file is removed."""
    check_replaceable(out)
    folder = out.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise DossierError(f"{folder}: cannot write the database here ({exc.strerror})") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute(f"PRAGMA application_id={schema.APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={schema.SCHEMA_VERSION}")
            create_schema(conn)
            conn.execute("BEGIN")
            populate(conn)
            create_indexes(conn)
            conn.execute("INSERT INTO quote_fts(quote_fts) VALUES ('rebuild')")
            conn.execute("INSERT INTO quote_fts(quote_fts) VALUES ('optimize')")
            for trigger in FTS_TRIGGERS.split("END;")[:-1]:
                conn.execute(trigger + "END;")
            conn.execute("INSERT INTO record_fts(record_fts) VALUES ('optimize')")
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            problems = conn.execute("PRAGMA quick_check").fetchone()
            if problems is None or problems[0] != "ok":
                raise DossierError(f"{out}: the new database failed its integrity check")
        finally:
            conn.close()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        tmp.chmod(0o644)
        tmp.replace(out)
    except sqlite3.Error as exc:
        raise DossierError(f"{out}: database error while building ({exc})") from None
    except OSError as exc:
        raise DossierError(f"{out}: cannot write the database ({exc.strerror or exc})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def build(case_path: Path, out: Path, *, progress: Reporter = QUIET) -> Case:
    """Check the case file at ``case_path`` and build its dossier at ``out``; ``progress`` is told
    each step. Interrupted (Ctrl+C), it leaves ``out`` as it was."""
    case = casefile.load(case_path, progress=progress)
    progress.phase("compiling")
    compiled = compile_case(case)
    progress.phase("writing the database")
    write_database(out, lambda conn: fill(conn, compiled))
    return case


def ensure_built(
    case_path: Path = store.BUNDLED_CASE,
    out: Path = store.BUNDLED_DB,
    *,
    say: Callable[[str], None] | None = None,
) -> Path:
    """The bundled (or given) case's database, built first if it is missing or stale.

    ``say`` is told why a build happens (the CLI prints it on standard error)."""
    state = store.staleness(out, case_path)
    if state.stale:
        if say is not None:
            say(f"building {out.name} from {case_path.name} ({state.reason})")
        build(case_path, out)
    return out
