"""The dossier's tables, declared with SQLModel: the one declaration of the schema.

Two families of tables, both written by :mod:`dossier.build` and never edited afterwards:

* **Typed tables**, one per kind of record (``entity``, ``role``, ``charge``, ``sentence`` ...), after
  Popolo and FollowTheMoney. They are not written out here: :func:`kind_model` makes each kind's
  SQLModel class from its case-file fields in the kinds registry (:mod:`dossier.kinds`) — a column per
  scalar field, ISO partial dates as five columns that keep their precision (``<name>``,
  ``<name>_precision``, ``<name>_text``, ``<name>_rule``, ``<name>_approx``), a foreign key per
  reference, and a join table with foreign keys per list of references (``event_participants``,
  ``note_about``). The tables a kind owns beyond that (a charge's status history, a person's
  spellings) and the quotes, filled by the build's own code, are declared below.
* **Read-model tables** that the app and the brief page through without knowing the kinds:
  ``record`` (every record's id, kind, title and home pane, and what the palette searches),
  ``listing`` (the rows of each pane, in order, with their cells; the Quotes pane lists ``quote``
  itself, in ``pos`` order), ``link`` (every reference between records), ``evidence`` (every cited
  span, after the W3C TextQuote/TextPosition selectors) and two FTS5 indexes.

Every record id is a slug, unique across kinds, and the primary key of its table, so a user's pins
and notes — and a Datasette URL — keyed by id survive a rebuild.

Importing this module imports SQLModel and SQLAlchemy (half a second): only the build does. The app
reads with the standard library's ``sqlite3``.
"""

from __future__ import annotations

import types
from typing import Any

from sqlalchemy import Index, Table
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Field, SQLModel

from dossier import kinds


class Meta(SQLModel, table=True):
    """What the dossier is: its case, schema version, newest source and counts."""

    key: str = Field(primary_key=True)
    value: str


class Alias(SQLModel, table=True):
    """A spelling of a person's or organisation's name; ``editorial`` when not printed in a source."""

    entity: str = Field(primary_key=True, foreign_key="entity.id")
    seq: int = Field(primary_key=True)
    alias: str
    editorial: bool = False


class ChargeStatus(SQLModel, table=True):
    """One step of a charge's history: charged, indicted, on trial..."""

    __tablename__ = "charge_status"

    charge: str = Field(primary_key=True, foreign_key="charge.id")
    seq: int = Field(primary_key=True)
    status: str
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False
    offence: str | None = None
    """For a conviction: the offence convicted of, when not the one charged."""
    words: str | None = None
    """The step's own cited words (its spans are the charge's ``evidence`` rows from
    ``first_evidence`` on, ``evidence_count`` of them)."""
    first_evidence: int = 0
    evidence_count: int = 0


class SentencePart(SQLModel, table=True):
    """One part of a sentence: a prison term (suspended or not), a disqualification for a term,
    a fine or civil damages as an amount in an ISO 4217 currency."""

    __tablename__ = "sentence_part"

    sentence: str = Field(primary_key=True, foreign_key="sentence.id")
    seq: int = Field(primary_key=True)
    penalty: str
    term: str | None = None
    term_text: str | None = None
    suspended: bool = False
    amount: int | None = None
    currency: str | None = None
    description: str | None = None
    projected_end: str | None = None
    """When the term would end: projected, never a fact."""
    projected_end_precision: str | None = None
    projected_end_text: str | None = None
    projected_end_rule: str | None = None
    projected_end_approx: bool = False
    words: str | None = None


class Quote(SQLModel, table=True):
    """A direct quote, reported statement or epithet. ``pos`` is its place in date order, so the
    Quotes pane pages by it and search can list newest first without sorting."""

    # The Quotes pane sorted by speaker or kind pages through these (filtering.py).
    __table_args__ = (
        Index("ix_quote_speaker", "speaker_names", "pos"),
        Index("ix_quote_kind", "kind", "pos"),
    )

    id: str = Field(primary_key=True)
    pos: int = Field(unique=True)
    """Place in date order, from 1: the quote index's rowid."""
    kind: str  # direct | reported | epithet
    text: str
    speaker_names: str | None = None
    """Display names of the speakers; NULL when unattributed."""
    source: str = Field(foreign_key="source.id")
    start: int
    end: int
    context: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False
    search_speakers: str
    """Every name and alias of the speakers, so that a word finds what they said."""
    speaker_keys: str
    """The speakers' keys in ``speaker`` (``unattributed``'s when none), one search token each
    (:func:`dossier.schema.speaker_key`): what a ``speaker:`` filter looks for."""
    search_mentions: str
    """Every name and alias of the people the quote names, so any spelling finds it."""
    assertion: str | None = None
    """How the speakers assert it (states, claims, accuses, denies...; :mod:`dossier.claims`)."""
    responds_to: str | None = Field(default=None, foreign_key="record.id")
    """Another party's claim these words answer."""


class Speaker(SQLModel, table=True):
    """Everyone who speaks in the quotes, and a row for the unattributed ones, with every spelling
    of their name. A ``speaker:`` filter looks the name up here (``speaker_fts``), then finds the
    quotes by ``key`` in ``quote.speaker_keys``: one token per speaker, where the names' words
    would have to be matched as a phrase in every quote."""

    key: int = Field(primary_key=True)
    entity: str | None = Field(default=None, foreign_key="entity.id")
    """NULL for the row of the unattributed quotes."""
    names: str


class Dispute(SQLModel, table=True):
    """Another value stated for a field of a record, by another source or party: the record is
    disputed and both values are kept. Its evidence is the record's ``evidence`` rows from
    ``first_evidence`` on (``evidence_count`` of them)."""

    record: str = Field(primary_key=True, foreign_key="record.id")
    seq: int = Field(primary_key=True)
    field: str
    value: str
    according_to: str | None = Field(default=None, foreign_key="entity.id")
    first_evidence: int
    evidence_count: int


class Inference(SQLModel, table=True):
    """A field of a record that the analyst derived rather than read, and the rule that derived it
    (a sentence request linked to a charge the source does not name)."""

    record: str = Field(primary_key=True, foreign_key="record.id")
    seq: int = Field(primary_key=True)
    field: str
    rule: str


# ---------------------------------------------------------------------------------------------------
# Read model


class Record(SQLModel, table=True):
    """Every record of every kind: what the palette searches and links point at."""

    id: str = Field(primary_key=True)
    kind: str
    title: str
    subtitle: str
    pane: str
    """The pane that shows this record; following a link goes there."""
    date: str | None = None
    date_precision: str | None = None
    names: str | None = None
    """Every name and spelling of a person or organisation, for the palette."""
    body: str | None = None
    """The record's kind and words, for the palette."""
    claim: str | None = None
    """Who says so, when not the source in its own voice, and the other parties' answers:
    "according to Hugo de Zera (3 Nov 2025); Mexico: no immediate comment" (:mod:`dossier.claims`)."""
    known: str | None = Field(default=None, index=True)
    """The date (``YYYY-MM-DD``) it is known from: the earliest publication of the sources its
    evidence cites, a partial date counting from the end of its period (:mod:`dossier.asof`)."""


class Listing(SQLModel, table=True):
    """The rows of a pane in display order; ``pos`` is dense from 0 so any page is a range scan.

    Not the Quotes pane's: its rows are the ``quote`` table's (row ``pos - 1``), which a dossier of
    a million quotes would otherwise hold twice."""

    pane: str = Field(primary_key=True)
    pos: int = Field(primary_key=True)
    record: str = Field(foreign_key="record.id", index=True)
    c1: str = ""
    c2: str = ""
    c3: str = ""
    c4: str = ""
    c5: str = ""
    search: str = ""
    """What the pane's filter matches: the cells and every spelling of the record and of those it
    refers to, lower case without accents (:mod:`dossier.filtering`)."""


class Link(SQLModel, table=True):
    """A reference from one record to another, named by the field that holds it."""

    src: str = Field(primary_key=True, foreign_key="record.id")
    rel: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    dst: str = Field(foreign_key="record.id", index=True)


class Evidence(SQLModel, table=True):
    """A cited span: ``exact`` is ``source.text[start:end]`` (code points, half-open)."""

    record: str = Field(primary_key=True, foreign_key="record.id")
    seq: int = Field(primary_key=True)
    source: str = Field(foreign_key="source.id", index=True)
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


FIXED_TABLES: tuple[type[SQLModel], ...] = (
    Meta, Alias, ChargeStatus, SentencePart, Quote, Inference, Dispute,
)  # fmt: skip
READ_TABLES: tuple[type[SQLModel], ...] = (Record, Listing, Link, Evidence)
CUSTOM_KIND_TABLES: dict[str, type[SQLModel]] = {"quote": Quote}
"""Kinds whose table is declared above instead of derived from their fields."""


# ---------------------------------------------------------------------------------------------------
# The kinds' tables, from the registry.

_MADE: dict[tuple[str, tuple[kinds.Column, ...]], type[SQLModel]] = {}


def _annotation(col: kinds.Column) -> Any:
    return col.type | None if col.nullable else col.type


def _class_name(table: str) -> str:
    return "".join(part.capitalize() for part in table.split("_")) + "Table"


def _make(table: str, columns: tuple[kinds.Column, ...], keys: tuple[str, ...]) -> type[SQLModel]:
    """An SQLModel table class with ``columns`` in order, keyed by ``keys``."""
    found = _MADE.get((table, columns))
    if found is not None:
        return found
    if table in SQLModel.metadata.tables:
        # A kind registered again with other fields (a test defining its own kind of the same
        # name): its new declaration replaces the old one.
        SQLModel.metadata.remove(SQLModel.metadata.tables[table])
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__tablename__": table, "__annotations__": annotations}
    for col in columns:
        annotations[col.name] = _annotation(col)
        options: dict[str, Any] = {}
        if col.name in keys:
            options["primary_key"] = True
        if col.references is not None:
            options["foreign_key"] = f"{col.references}.id"
        if col.nullable:
            options["default"] = None
        elif col.type is bool:
            # A row written without it (by an outsider, or an older writer) is false.
            options["default"] = False
            options["sa_column_kwargs"] = {"server_default": "0"}
        namespace[col.name] = Field(**options)
    name = _class_name(table) + (f"{len(_MADE)}" if any(t == table for t, _ in _MADE) else "")
    cls = types.new_class(name, (SQLModel,), {"table": True}, lambda ns: ns.update(namespace))
    _MADE[(table, columns)] = cls
    return cls


def kind_model(spec: kinds.KindSpec) -> type[SQLModel]:
    """The SQLModel class of a kind's table."""
    custom = CUSTOM_KIND_TABLES.get(spec.kind)
    if custom is not None:
        return custom
    return _make(spec.table, spec.columns(), ("id",))


def join_model(join: kinds.JoinTable) -> type[SQLModel]:
    """The table of one list of references: (owner id, place in the list, target id)."""
    target = join.target if join.target != join.owner else "target"
    columns = (
        kinds.Column(join.owner, str, False, join.owner),
        kinds.Column("seq", int, False),
        kinds.Column(target, str, False, join.target),
    )
    return _make(join.name, columns, (join.owner, "seq"))


def tables(specs: tuple[kinds.KindSpec, ...] | None = None) -> list[Table]:
    """Every table of a dossier of these kinds (default: every registered kind), in an order where
    each comes after the tables it refers to."""
    specs = kinds.specs() if specs is None else specs
    out: list[Table] = [Record.__table__]  # type: ignore[attr-defined]
    seen: set[str] = {"record"}
    for spec in specs:
        table: Table = kind_model(spec).__table__  # type: ignore[attr-defined]
        if table.name not in seen:
            seen.add(table.name)
            out.append(table)
    for model in (
        Meta,
        Alias,
        Speaker,
        ChargeStatus,
        SentencePart,
        Inference,
        Dispute,
        Listing,
        Link,
        Evidence,
    ):
        out.append(model.__table__)  # type: ignore[union-attr]
    for spec in specs:
        for join in spec.join_tables():
            if join.name not in seen:
                seen.add(join.name)
                out.append(join_model(join).__table__)  # type: ignore[attr-defined]
    return out


def _indexes(table: Table) -> list[Index]:
    """The secondary indexes: declared ones, and one on each typed table's first reference (how a
    person's charges, roles or custody are found) and on each join table's target."""
    found = list(table.indexes)
    declared = {tuple(c.name for c in ix.columns) for ix in found}
    refs = [c for c in table.columns if c.foreign_keys and not c.primary_key]
    if refs and table.name not in {"link", "evidence", "listing", "quote", "record"}:
        col = refs[0]
        if (col.name,) not in declared:
            found.append(Index(f"ix_{table.name}_{col.name}", col))
    return found


def ddl(specs: tuple[kinds.KindSpec, ...] | None = None) -> tuple[list[str], list[str]]:
    """``CREATE TABLE`` statements for every table, and ``CREATE INDEX`` statements for their
    secondary indexes (made after the rows are in), compiled for SQLite from the declarations."""
    dialect = sqlite.dialect()
    creates, indexes = [], []
    for table in tables(specs):
        creates.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(_indexes(table), key=lambda ix: str(ix.name)):
            indexes.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return creates, indexes


def column_names(specs: tuple[kinds.KindSpec, ...] | None = None) -> dict[str, tuple[str, ...]]:
    """Table → its columns in order: what a strict insert must give, no more, no less."""
    return {t.name: tuple(c.name for c in t.columns) for t in tables(specs)}
