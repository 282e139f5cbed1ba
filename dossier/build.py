"""Build a dossier database from a checked case: deterministic, atomic, provenance checked.

:func:`compile_case` turns a :class:`~dossier.casefile.Case` into rows for every table (pure, no
I/O); :func:`write_database` writes them to a temporary file beside the target and renames it into
place only once everything, FTS indexes included, is written and checked. A failed build leaves the
previous database untouched and no temporary file behind.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import field
from pathlib import Path
from typing import Any

from dossier import __version__, asof, casefile, claims, files, filtering, kinds, schema, store
from dossier.casefile import Case
from dossier.dates import PartialDate
from dossier.deferred import dataclass
from dossier.errors import DossierError
from dossier.progress import QUIET, Reporter
from dossier.store import check_replaceable

Row = dict[str, Any]

UNATTRIBUTED = "unattributed"
"""What a quote that names no speaker is said by, to search (``speaker:unattributed``)."""


BULK_COLUMNS: dict[str, tuple[str, ...]] = {
    "quote": (
        "id", "pos", "kind", "text", "speaker_names", "source", "start", "end", "context",
        "date", "date_precision", "date_text", "date_rule", "date_approx", "search_speakers",
        "speaker_keys", "search_mentions", "assertion", "responds_to",
    ),
    "record": (
        "id", "kind", "title", "subtitle", "pane", "date", "date_precision", "names", "body",
        "claim", "known",
    ),
    "evidence": ("record", "seq", "source", "start", "end", "exact", "prefix", "suffix"),
    "link": ("src", "rel", "seq", "dst"),
    "listing": ("pane", "pos", "record", "c1", "c2", "c3", "c4", "c5", "search"),
}  # fmt: skip
"""The tables with a row per record or more, kept as tuples in this column order (checked against
the declaration before writing): a dict per row cost more than the rest of the build."""


@dataclass
class Compiled:
    """Every row of every table, in insertion order."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    """The typed tables other than ``quote``, and the join and child tables, a dict per row."""
    bulk: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in BULK_COLUMNS}
    )
    """The tables of :data:`BULK_COLUMNS`, a tuple per row."""
    meta: dict[str, str] = field(default_factory=dict)


def compile_case(case: Case) -> Compiled:
    """Turn a checked case into table rows. Pure: same case, same rows, same order. Every kind's
    rows, titles, pane rows and timeline rows come from its spec in :mod:`dossier.kinds`."""
    out = Compiled()
    t = out.tables
    ctx = kinds.Context(case)
    recs = case.records
    order = ctx.order

    titles: dict[str, str] = {}
    subtitles: dict[str, str] = {}
    main_date: dict[str, PartialDate | None] = {}
    quotes: list[Any] = []
    # Who says so: a party's claim is never shown as the source's fact (dossier.claims).
    answers = claims.answers_to(recs)
    said = {r.id: claims.attribution(r, ctx.name, ctx.by_id, answers, case.located) for r in recs}
    short = {rid: a.short for rid, a in said.items() if a is not None and a.short}

    # ----------------------------------------------------------------------------- typed tables
    for r in recs:
        spec = kinds.of(r)
        titles[r.id] = spec.title(r, ctx) + (f" — {short[r.id]}" if r.id in short else "")
        for seq, (name, rule) in enumerate(claims.inferences(r)):
            t["inference"].append({"record": r.id, "seq": seq, "field": name, "rule": rule})
        first = len(case.located[r.id]) - len(r.disputed_evidence())
        for seq, v in enumerate(r.disputed):
            t["dispute"].append(
                {
                    "record": r.id,
                    "seq": seq,
                    "field": v.field,
                    "value": v.value,
                    "according_to": v.according_to,
                    "first_evidence": first,
                    "evidence_count": len(v.evidence),
                }
            )
            first += len(v.evidence)
        subtitles[r.id] = spec.subtitle(r, ctx)
        main_date[r.id] = spec.main_date(r)
        if spec.custom_table:  # the quotes: their rows are made below, in date order
            quotes.append(r)
            continue
        t[spec.table].append(kinds.row_of(spec, r, ctx))
        for child in spec.children:
            t[child.table].extend(child.rows(r, ctx))

    # Quotes are numbered in date order, so that their order is chronological. Who said a quote
    # and whom it names repeat from quote to quote: their search columns are made once per group.
    quotes.sort(key=lambda q: (kinds.date_key(q.date), order[q.id]))
    speaker_columns: dict[tuple[str, ...], tuple[str, str]] = {}
    mention_names: dict[tuple[str, ...], str] = {}
    # A key per speaker (0: nobody named), for speaker: filters (models.Speaker).
    speaking_ids = sorted({s for q in quotes for s in q.speakers})
    speaker_key = {sid: n for n, sid in enumerate(speaking_ids, start=1)}
    t["speaker"].append({"key": 0, "entity": None, "names": UNATTRIBUTED})
    t["speaker"].extend(
        {"key": n, "entity": sid, "names": ctx.all_names((sid,))} for sid, n in speaker_key.items()
    )
    quote_rows = out.bulk["quote"]
    for pos, q in enumerate(quotes, start=1):
        speakers = speaker_columns.get(q.speakers)
        if speakers is None:
            speakers = speaker_columns[q.speakers] = (
                ctx.all_names(q.speakers) or UNATTRIBUTED,
                " ".join(schema.speaker_key(speaker_key[s]) for s in q.speakers)
                or schema.speaker_key(0),
            )
        named = mention_names.get(q.mentions)
        if named is None:
            named = mention_names[q.mentions] = ctx.all_names(q.mentions)
        date = q.date
        span = case.located[q.id][0]
        quote_rows.append(
            (
                q.id,
                pos,
                q.kind,
                q.text,
                ctx.names(q.speakers) or None,
                span.source,
                span.span.start,
                span.span.end,
                q.context,
                *(
                    (date.value, date.precision, date.text, date.rule, date.approx)
                    if date
                    else (None, None, None, None, False)
                ),
                *speakers,
                named,
                q.assertion,
                q.responds_to,
            )
        )

    # ----------------------------------------------------------------------------- read model
    record_rows = out.bulk["record"]
    evidence_rows = out.bulk["evidence"]
    link_rows = out.bulk["link"]
    located = case.located
    joins = {s.kind: s.join_tables() for s in kinds.specs()}
    known = asof.record_known(case)
    for r in recs:
        rid = r.id
        spec = kinds.of(r)
        date = main_date.get(rid)
        quote = spec.custom_table
        record_rows.append(
            (
                rid,
                r.KIND,
                titles[rid],
                subtitles[rid],
                spec.pane,
                date.value if date else None,
                date.precision if date else None,
                None if quote else " ".join(ctx.aliases.get(rid, [])) or None,
                None if quote else kinds.search_text(spec, r),
                (said[rid].full or None) if said[rid] is not None else None,  # type: ignore[union-attr]
                known[rid] or None,
            )
        )
        for seq, loc in enumerate(located[rid]):
            sp = loc.span
            evidence_rows.append(
                (rid, seq, loc.source, sp.start, sp.end, sp.exact, sp.prefix, sp.suffix)
            )
        for seq, (rel, target) in enumerate(kinds.references(r)):
            link_rows.append((rid, rel, seq, target))
        for join in joins[r.KIND]:
            target_col = join.target if join.target != join.owner else "target"
            t[join.name].extend(
                {join.owner: rid, "seq": seq, target_col: dst}
                for seq, dst in enumerate(getattr(r, join.field))
            )

    _listings(case, out, ctx, short)

    sources = [s for s in case.of(casefile.Source) if s.published is not None]
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


def _listings(case: Case, out: Compiled, ctx: kinds.Context, said: dict[str, str]) -> None:
    """The rows of every pane, sorted: each kind's own pane rows, and the timeline's. A party's
    claim says whose it is in its pane's ``claim_cell`` and on the timeline (``said``)."""
    rows: dict[str, list[tuple[Any, tuple[str, ...]]]] = defaultdict(list)
    for r in case.records:
        spec = kinds.of(r)
        if spec.custom_table:
            continue  # the Quotes pane lists the quote table itself (Reader.page)
        o = ctx.order[r.id]
        who = f" — {said[r.id]}" if r.id in said else ""
        # What a pane's filter matches besides the cells: every spelling of the record and of the
        # people and organisations it refers to (filtering.py).
        spellings = [
            a for t in (r.id, *(t for _, t in kinds.references(r))) for a in ctx.aliases.get(t, ())
        ]
        for row in spec.listing(r, ctx):
            cells = list(row.cells)
            if who and 0 <= spec.claim_cell < len(cells):
                cells[spec.claim_cell] += who
            cells = (cells + [""] * 5)[:5]
            rows[row.pane].append(
                (row.key, (r.id, *cells, filtering.search_text([*cells, *spellings])))
            )
        for entry in kinds.timeline_of(spec, r, ctx):
            # Same date: what happened first comes first.
            key = (kinds.date_key(entry.date), spec.timeline_order, o)
            cells = [kinds.cell(entry.date), entry.text + who, entry.kind, "", ""]
            search = filtering.search_text([*cells, *spellings])
            rows["overview"].append((key, (r.id, *cells, search)))
    listing = out.bulk["listing"]
    for pane in schema.PANES:
        ordered = sorted(rows.get(pane, []), key=lambda kv: kv[0])
        listing.extend((pane, pos, *row) for pos, (_, row) in enumerate(ordered))


# ---------------------------------------------------------------------------------------------------
# Writing


FTS_DDL = f"""
CREATE VIRTUAL TABLE quote_fts USING fts5(
    text, search_speakers, search_mentions, speaker_keys,
    content="quote", content_rowid="pos",
    tokenize='{schema.FTS_TOKENIZE}', prefix='2 3 4'
);
CREATE VIRTUAL TABLE speaker_fts USING fts5(
    names,
    content="speaker", content_rowid="key",
    tokenize='{schema.FTS_TOKENIZE}', prefix='2 3'
);
CREATE VIRTUAL TABLE record_fts USING fts5(
    title, names, body,
    content="record",
    tokenize='{schema.FTS_TOKENIZE}', prefix='2 3'
);
"""
"""The full-text indexes, external-content tables over ``quote``, ``speaker`` and ``record``: declared with
double quotes (``content="quote"``), the form Datasette and sqlite-utils recognise."""

FTS_TRIGGERS = """
CREATE TRIGGER quote_fts_ai AFTER INSERT ON quote BEGIN
    INSERT INTO quote_fts(rowid, text, search_speakers, search_mentions, speaker_keys)
    VALUES (new.pos, new.text, new.search_speakers, new.search_mentions, new.speaker_keys);
END;
CREATE TRIGGER quote_fts_ad AFTER DELETE ON quote BEGIN
    INSERT INTO quote_fts(quote_fts, rowid, text, search_speakers, search_mentions, speaker_keys)
    VALUES ('delete', old.pos, old.text, old.search_speakers, old.search_mentions,
            old.speaker_keys);
END;
CREATE TRIGGER quote_fts_au AFTER UPDATE ON quote BEGIN
    INSERT INTO quote_fts(quote_fts, rowid, text, search_speakers, search_mentions, speaker_keys)
    VALUES ('delete', old.pos, old.text, old.search_speakers, old.search_mentions,
            old.speaker_keys);
    INSERT INTO quote_fts(rowid, text, search_speakers, search_mentions, speaker_keys)
    VALUES (new.pos, new.text, new.search_speakers, new.search_mentions, new.speaker_keys);
END;
"""
"""Keep the external-content index in step with later edits of ``quote``. Created after the bulk
load, whose rows are indexed in one 'rebuild' pass instead of one trigger call per row."""


class SchemaMismatchError(DossierError):
    """A row that does not fit its table: a column missing or unknown (a bug, never a NULL)."""


@dataclass(frozen=True)
class Schema:
    """The DDL of a dossier's tables, compiled from :mod:`dossier.models`, and their columns."""

    creates: list[str]
    indexes: list[str]
    columns: dict[str, tuple[str, ...]]


_SCHEMAS: dict[tuple[kinds.KindSpec, ...], Schema] = {}


def compiled_schema() -> Schema:
    """The schema of the registered kinds (imports SQLModel: the build pays for it, the app not)."""
    specs = kinds.specs()
    found = _SCHEMAS.get(specs)
    if found is None:
        from dossier import models

        creates, indexes = models.ddl(specs)
        found = _SCHEMAS[specs] = Schema(creates, indexes, models.column_names(specs))
    return found


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table in an empty database, then the FTS indexes. The secondary indexes come
    after the rows (:func:`create_indexes`)."""
    for statement in [*compiled_schema().creates, *_statements(FTS_DDL)]:
        conn.execute(statement)


def create_indexes(conn: sqlite3.Connection) -> None:
    for statement in compiled_schema().indexes:
        conn.execute(statement)


def _statements(script: str) -> list[str]:
    """The statements of a DDL script (no semicolon inside a statement), for ``execute``: unlike
    ``executescript``, it leaves the transaction open."""
    return [s.strip() for s in script.split(";") if s.strip()]


def insert_rows(conn: sqlite3.Connection, table: str, rows: Iterable[Row]) -> int:
    """Insert dict rows into ``table`` in one executemany. Strict: a row must give exactly the
    table's columns (a missing or unknown one raises :class:`SchemaMismatchError`)."""
    columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    if not columns:
        raise SchemaMismatchError(f"table {table!r}: not in the database")
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    expected = set(columns)
    count = 0

    def tuples() -> Iterator[tuple[Any, ...]]:
        nonlocal count
        for row in rows:
            count += 1
            if row.keys() != expected:
                missing = sorted(expected - row.keys())
                unknown = sorted(row.keys() - expected)
                what = (
                    f"missing column {missing[0]!r}"
                    if missing
                    else f"unknown column {unknown[0]!r}"
                )
                raise SchemaMismatchError(f"table {table!r}: row {count}: {what}")
            yield tuple(row[c] for c in columns)

    conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuples())
    return count


def fill(conn: sqlite3.Connection, compiled: Compiled) -> None:
    """Write compiled rows into a database that has the schema."""
    declared = compiled_schema().columns
    for table, rows in compiled.tables.items():
        if table not in declared:
            raise SchemaMismatchError(f"table {table!r}: not declared in dossier.models")
        insert_rows(conn, table, rows)
    for table, tuples in compiled.bulk.items():
        columns = BULK_COLUMNS[table]
        if set(columns) != set(declared[table]):
            raise SchemaMismatchError(
                f"table {table!r}: its bulk columns are not its declared ones"
            )
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuples)
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", sorted(compiled.meta.items()))


def write_database(out: Path, populate: Callable[[sqlite3.Connection], None]) -> None:
    """Create a dossier at ``out`` atomically: ``populate`` fills a temporary file beside it, which
    replaces ``out`` only when complete. On any error the temporary file is removed."""
    check_replaceable(out)
    with files.temp_beside(out) as tmp:  # removed on error, Ctrl+C, SIGTERM, SIGHUP
        _write_temp(out, tmp, populate)


def _write_temp(out: Path, tmp: Path, populate: Callable[[sqlite3.Connection], None]) -> None:
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
            conn.execute("INSERT INTO record_fts(record_fts) VALUES ('rebuild')")
            conn.execute("INSERT INTO speaker_fts(speaker_fts) VALUES ('rebuild')")
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
        aside = store.set_aside(out)  # damaged or not a dossier: kept, renamed, never deleted
        kept = f"; the old file is kept as {aside.name}" if aside is not None else ""
        if say is not None:
            say(f"building {out.name} from {case_path.name} ({state.reason}{kept})")
        build(case_path, out)
    return out
