"""The dossier's tables, declared with SQLModel.

Two families of tables, both written by :mod:`dossier.build` and never edited afterwards:

* **Typed tables**, one per kind of record (``entity``, ``role``, ``charge``, ``sentence`` ...), after
  Popolo and FollowTheMoney: people and organisations, posts held, events with ISO partial dates
  that keep their precision (``<name>``, ``<name>_precision``, ``<name>_text``, ``<name>_rule``,
  ``<name>_approx``).
* **Read-model tables** that the app and the brief page through without knowing the kinds:
  ``record`` (every record's id, kind, title and home pane), ``listing`` (the rows of each pane, in
  order, with their cells; the Quotes pane lists ``quote`` itself, in ``pos`` order), ``link`` (every reference between records, both ways), ``evidence``
  (every cited span, after the W3C TextQuote/TextPosition selectors) and two FTS5 indexes.

Every record id is a slug, unique across kinds, so a user's pins and notes keyed by id survive a
rebuild.
"""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    key: str = Field(primary_key=True)
    value: str


class Source(SQLModel, table=True):
    id: str = Field(primary_key=True)
    title: str
    title_editorial: bool = False
    file: str
    published: str
    published_precision: str
    language: str
    sha256: str
    publisher: str | None = None
    url: str | None = None
    text: str


class Entity(SQLModel, table=True):
    """A person, group or organisation (state, legislature, embassy ...)."""

    id: str = Field(primary_key=True)
    kind: str  # person | organization
    type: str
    name: str
    description: str | None = None


class Alias(SQLModel, table=True):
    entity: str = Field(primary_key=True, foreign_key="entity.id")
    seq: int = Field(primary_key=True)
    alias: str
    editorial: bool = False


class Role(SQLModel, table=True):
    id: str = Field(primary_key=True)
    holder: str = Field(foreign_key="entity.id", index=True)
    title: str
    organization: str | None = Field(default=None, foreign_key="entity.id")
    of: str | None = Field(default=None, foreign_key="entity.id")
    status: str | None = None
    start: str | None = None
    start_precision: str | None = None
    start_text: str | None = None
    start_rule: str | None = None
    start_approx: bool = False
    end: str | None = None
    end_precision: str | None = None
    end_text: str | None = None
    end_rule: str | None = None
    end_approx: bool = False


class Charge(SQLModel, table=True):
    id: str = Field(primary_key=True)
    defendant: str = Field(foreign_key="entity.id", index=True)
    offence: str
    alleges: str | None = None
    plea: str | None = None
    status: str | None = None
    """The latest step of the charge's history."""
    date: str | None = None
    date_precision: str | None = None


class ChargeStatus(SQLModel, table=True):
    __tablename__ = "charge_status"

    charge: str = Field(primary_key=True, foreign_key="charge.id")
    seq: int = Field(primary_key=True)
    status: str
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False


class Sentence(SQLModel, table=True):
    id: str = Field(primary_key=True)
    defendant: str = Field(foreign_key="entity.id", index=True)
    kind: str  # requested | imposed
    by: str = Field(foreign_key="entity.id")
    charge: str | None = Field(default=None, foreign_key="charge.id")
    penalty: str
    term: str
    term_text: str
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False


class Custody(SQLModel, table=True):
    id: str = Field(primary_key=True)
    person: str = Field(foreign_key="entity.id", index=True)
    status: str
    start: str | None = None
    start_precision: str | None = None
    start_text: str | None = None
    start_rule: str | None = None
    start_approx: bool = False
    end: str | None = None
    end_precision: str | None = None
    end_text: str | None = None
    end_rule: str | None = None
    end_approx: bool = False


class Asylum(SQLModel, table=True):
    id: str = Field(primary_key=True)
    type: str
    person: str = Field(foreign_key="entity.id", index=True)
    state: str = Field(foreign_key="entity.id")
    embassy: str | None = Field(default=None, foreign_key="entity.id")
    description: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False


class Diplomatic(SQLModel, table=True):
    id: str = Field(primary_key=True)
    type: str
    actor: str = Field(foreign_key="entity.id")
    counterpart: str = Field(foreign_key="entity.id")
    by: str | None = Field(default=None, foreign_key="entity.id")
    description: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False


class Event(SQLModel, table=True):
    id: str = Field(primary_key=True)
    type: str
    title: str
    description: str | None = None
    date: str | None = None
    date_precision: str | None = None
    date_text: str | None = None
    date_rule: str | None = None
    date_approx: bool = False


class Quote(SQLModel, table=True):
    """A direct quote, reported statement or epithet. ``pos`` is its place in date order, so the
    Quotes pane pages by it and search can list newest first without sorting."""

    pos: int = Field(primary_key=True)
    """Place in date order, from 1; the table's rowid."""
    id: str = Field(unique=True)
    kind: str  # direct | reported | epithet
    text: str
    speaker_names: str
    """Display names of the speakers, or "unattributed"."""
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
    """Every name and alias of the speakers, for ``speaker:`` searches."""
    search_mentions: str
    """Every name and alias of the people the quote names, so any spelling finds it."""


class Note(SQLModel, table=True):
    id: str = Field(primary_key=True)
    kind: str  # discrepancy | editorial
    text: str
    basis: str | None = None


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


TYPED_TABLES = (
    Source,
    Entity,
    Alias,
    Role,
    Charge,
    ChargeStatus,
    Sentence,
    Custody,
    Asylum,
    Diplomatic,
    Event,
    Quote,
    Note,
)
READ_TABLES = (Record, Listing, Link, Evidence)
