"""The registry of record kinds: everything the dossier knows about a kind, declared once.

A :class:`KindSpec` holds a kind's case-file fields (its record class, with ``ref()``/``choice()``
metadata), its table and the columns derived from those fields, its home pane, its place on the
timeline, its labels (the kind, its relations both ways, its fields and dates), how its title,
subtitle and main date are made, the rows it adds to the panes and to the timeline, its brief section
and how a record of it reads in prose. The loader, the build, the read layer, the app and the brief
read these specs; none of them switches on a kind's name to know any of this.

Adding a kind that has no pane of its own (a court hearing shown on the timeline, say) is one
``register(KindSpec(...))`` call beside its record class: its table (one column per scalar field,
five per date, a join table per list of references) is derived from the fields, it is listed on the
timeline, shown in the detail with its links both ways, and written in the brief's "Other records"
section. ``tests/test_kinds.py`` does exactly that with a kind defined in the test.

Standard library only: the app reads the labels on its way to the first screen.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dossier import casefile, deferred, vocab
from dossier.casefile import Record
from dossier.dates import UNDATED, UNDATED_CELL, PartialDate, display_date

# ---------------------------------------------------------------------------------------------------
# What a spec produces.


@dataclass(frozen=True, slots=True)
class ListingRow:
    """A row a record adds to one of the panes: its sort key within the pane, and its cells."""

    pane: str
    key: tuple[Any, ...]
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """A row a record adds to the Overview's timeline: when, what happened, and the Kind cell."""

    date: PartialDate | None
    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a kind's table, derived from its fields (or declared as an extra)."""

    name: str
    type: type
    """``str``, ``bool`` or ``int``."""
    nullable: bool
    references: str | None = None
    """The table a reference column points at (its ``id``)."""


@dataclass(frozen=True, slots=True)
class Extra:
    """A column that is not a case-file field: computed from the record when the dossier is built."""

    name: str
    type: type
    nullable: bool
    value: Callable[[Any, Context], Any]
    after: str | None = None
    """Placed after this column (else at the end): the detail lists a record's fields in column
    order."""


@dataclass(frozen=True, slots=True)
class JoinTable:
    """A list of references stored as its own table with foreign keys (``event_participants``)."""

    name: str
    field: str
    owner: str
    """The owning table (the column holding the record's id has its name)."""
    target: str
    """The table the references point at (the column holding them has its name)."""


@dataclass(frozen=True, slots=True)
class Child:
    """Rows a record owns in a table of their own, declared in :mod:`dossier.models` (a charge's
    status history, a person's spellings): the table, the column naming the record, and the rows."""

    table: str
    key: str
    rows: Callable[[Any, Context], list[dict[str, Any]]]


DetailHook = Callable[
    [Mapping[str, Any], Mapping[str, list[Mapping[str, Any]]]], list[tuple[int | None, str, str]]
]
"""Kind-specific detail lines: from the record's row and its child rows, (position or None for the
end, label, value) — inserted among the fields read from its columns."""


def _no_rows(record: Any, ctx: Context) -> Iterable[Any]:
    return ()


def _no_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    return []


def _plain_prose(title: str, subtitle: str, when: str) -> str:
    return f"{title} — {subtitle}" if subtitle and subtitle != when else title


@dataclass(frozen=True, eq=False)
class KindSpec:
    """Everything about one kind of record. Only ``kind``, ``record``, ``label``, ``table``,
    ``title`` and ``subtitle`` have no default: a kind with no pane of its own is listed on the
    timeline, detailed and briefed from them."""

    kind: str
    record: type[Record]
    label: str
    """``Charge``: the kind as a heading; lower-cased in running text."""
    table: str
    title: Callable[[Any, Context], str]
    subtitle: Callable[[Any, Context], str]
    plural: str = ""
    """``charges``: the kind counted in running text (default: label lower-cased + "s")."""
    pane: str = "overview"
    """The pane a record of this kind is shown in (the Overview's timeline by default)."""
    main_date: Callable[[Any], PartialDate | None] = lambda r: getattr(r, "date", None)
    timeline_order: int = 0
    """Within one date, where the timeline lists this kind: causes before consequences."""
    timeline: Callable[[Any, Context], Iterable[TimelineEntry]] | None = None
    """The timeline rows of a record; ``None``: one row at its main date, its title."""
    listing: Callable[[Any, Context], Iterable[ListingRow]] = _no_rows
    """The rows of a record in its pane (the Overview's rows come from ``timeline``)."""
    rel_labels: Mapping[str, str] = field(default_factory=dict)
    """A reference field → how the detail labels its target (``defendant`` → "Defendant")."""
    reverse_labels: Mapping[str, str] = field(default_factory=dict)
    """A reference field → how the target's detail labels records of this kind pointing at it
    (``defendant`` → "Charges")."""
    field_labels: Mapping[str, str] = field(default_factory=dict)
    date_labels: Mapping[str, str] = field(default_factory=dict)
    extra_columns: tuple[Extra, ...] = ()
    children: tuple[Child, ...] = ()
    hidden_columns: frozenset[str] = frozenset()
    """Columns of its table the detail does not list (beyond ids, offsets and search columns)."""
    detail: DetailHook = _no_detail
    brief_section: str = "Other records"
    prose: Callable[[str, str, str], str] = _plain_prose
    """How the brief's section of this kind writes a record: from its title, subtitle and date."""
    search_text: Callable[[Any], str] | None = None
    """What the palette searches besides title and names (default: its kind and its words)."""
    notes_on: str | None = None
    """For a kind of note: the reference field naming what a note is about. A record's detail
    lists such notes as its notes, not as links; the note's detail lists them last."""
    anchor: str | None = None
    """A reference field whose target's row shows this record (a role is shown on its holder's
    row): following a link to it goes there."""
    claims: bool = True
    """Whether a record of it can be a party's claim: its table has the columns saying who says
    so (:data:`ATTRIBUTION_FIELDS`). Not a source's or a note's."""
    claim_cell: int = 1
    """Which cell of its pane rows says what it holds: who says so is added there."""
    custom_table: bool = False
    """Its table is declared by hand in :mod:`dossier.models` and filled by the build's own code
    (the quotes: a million rows, numbered in date order, with search columns)."""

    @property
    def plural_label(self) -> str:
        return self.plural or f"{self.label.lower()}s"

    def columns(self) -> tuple[Column, ...]:
        return table_columns(self)

    def join_tables(self) -> tuple[JoinTable, ...]:
        return join_tables(self)


# ---------------------------------------------------------------------------------------------------
# Building context: what the specs' functions may ask about other records.


class Context:
    """Names and order of the records of one case, for making titles, cells and rows."""

    def __init__(self, case: casefile.Case) -> None:
        self.case = case
        self.records = case.records
        self.by_id: dict[str, Record] = {r.id: r for r in case.records}
        self.order: dict[str, int] = {r.id: i for i, r in enumerate(case.records)}
        self._labels: dict[str, str] = {}
        self.aliases: dict[str, list[str]] = {}
        self.roles_of: dict[str, list[str]] = {}
        for r in case.records:
            if isinstance(r, casefile.Person | casefile.Organization):
                self.aliases[r.id] = [r.name, *r.aliases, *r.editorial_aliases]
            elif isinstance(r, casefile.Role):
                prefix = "Former " if r.status == "former" else ""
                title = r.title if not prefix else r.title[0].lower() + r.title[1:]
                self.roles_of.setdefault(r.holder, []).append(prefix + title)

    def name(self, rid: str | None) -> str:
        """A record's name (a person's name, an event's title), or "" for none."""
        if rid is None:
            return ""
        label = self._labels.get(rid)
        if label is None:
            r = self.by_id[rid]
            label = str(getattr(r, "name", None) or getattr(r, "title", None) or rid)
            self._labels[rid] = label
        return label

    def names(self, ids: Iterable[str]) -> str:
        return ", ".join(self.name(i) for i in ids)

    def all_names(self, ids: Iterable[str]) -> str:
        """Every spelling of each of ``ids``: what search matches them by."""
        return " ".join(a for i in ids for a in self.aliases.get(i, [self.name(i)]))


# ---------------------------------------------------------------------------------------------------
# The registry.

_REGISTRY: dict[str, KindSpec] = {}


def register(spec: KindSpec) -> KindSpec:
    """Add a kind (or replace one of the same name). Its record class must name the kind and the
    case file's array of tables (``KIND``, ``TABLE``)."""
    if spec.kind != spec.record.KIND:
        raise ValueError(f"{spec.record.__name__}.KIND is {spec.record.KIND!r}, not {spec.kind!r}")
    if not spec.record.TABLE:
        raise ValueError(f"{spec.record.__name__}.TABLE names no case-file table")
    _REGISTRY[spec.kind] = spec
    _GETTERS.clear()
    return spec


def unregister(kind: str) -> None:
    _REGISTRY.pop(kind, None)
    _GETTERS.clear()


def specs() -> tuple[KindSpec, ...]:
    """Every kind, in the order the case file lists them."""
    return tuple(_REGISTRY.values())


def spec(kind: str) -> KindSpec:
    return _REGISTRY[kind]


def get(kind: str) -> KindSpec | None:
    return _REGISTRY.get(kind)


def of(record: Record) -> KindSpec:
    return _REGISTRY[record.KIND]


def label(kind: str) -> str:
    found = _REGISTRY.get(kind)
    return found.label if found else kind


def by_case_table() -> dict[str, type[Record]]:
    """The case file's arrays of tables (``people``, ``charges``...) → their record class."""
    return {s.record.TABLE: s.record for s in _REGISTRY.values()}


class _Labels(Mapping[str, str]):
    """Kind → label, read from the registry as it is when asked (kinds may be added later)."""

    def __getitem__(self, kind: str) -> str:
        return _REGISTRY[kind].label

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)


KIND_LABEL: Mapping[str, str] = _Labels()


# ---------------------------------------------------------------------------------------------------
# Tables derived from fields.

_SKIPPED_FIELDS = frozenset({"id", "evidence", "source"})
"""Fields that are no column: the id is the key; evidence goes to ``evidence``; ``source`` is only
the default source of the record's evidence."""
ATTRIBUTION_FIELDS = ("according_to", "assertion", "via", "responds_to", "source_voice")
"""The fields of :class:`~dossier.casefile.Record` that say who asserts a record
(:mod:`dossier.claims`): every kind's table ends with their columns."""
_DATE_PARTS = (("", str), ("_precision", str), ("_text", str), ("_rule", str), ("_approx", bool))


def _strip_optional(hint: Any) -> tuple[Any, bool]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def target_table(kinds: tuple[str, ...]) -> str:
    """The table a reference to one of ``kinds`` points at: theirs when they share one, else the
    ``record`` table every record has a row in."""
    tables = {_REGISTRY[k].table for k in kinds if k in _REGISTRY}
    return tables.pop() if len(tables) == 1 and len(kinds) > 0 else "record"


def table_columns(s: KindSpec) -> tuple[Column, ...]:
    """The columns of a kind's table: ``id``, then one per scalar field in declaration order (five
    for a date: value, precision, the source's words, the rule that read them, approximate), with
    the extras placed where they say."""
    hints = typing.get_type_hints(s.record)
    cols: list[Column] = [Column("id", str, False)]
    # Who says so (the fields every record has) comes after the kind's own fields.
    own = [f for f in deferred.fields(s.record) if f.name not in ATTRIBUTION_FIELDS]
    said = [f for f in deferred.fields(s.record) if f.name in ATTRIBUTION_FIELDS]
    for f in (*own, *(said if s.claims else ())):
        if f.name in _SKIPPED_FIELDS:
            continue
        hint, optional = _strip_optional(hints[f.name])
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        nullable = optional or (not required and f.default is None)
        if typing.get_origin(hint) is tuple:
            continue  # lists: join tables (references), child tables (declared), or none
        if hint is PartialDate:
            for suffix, kind in _DATE_PARTS:
                cols.append(Column(f.name + suffix, kind, kind is str))
            continue
        refs = f.metadata.get("ref")
        cols.append(
            Column(f.name, hint, nullable, target_table(refs) if refs is not None else None)
        )
    for extra in s.extra_columns:
        col = Column(extra.name, extra.type, extra.nullable)
        names = [c.name for c in cols]
        at = names.index(extra.after) + 1 if extra.after in names else len(cols)
        cols.insert(at, col)
    return tuple(cols)


def join_tables(s: KindSpec) -> tuple[JoinTable, ...]:
    out = []
    for f in deferred.fields(s.record):
        refs = f.metadata.get("ref")
        if refs is not None and f.default == ():
            out.append(JoinTable(f"{s.table}_{f.name}", f.name, s.table, target_table(refs)))
    return tuple(out)


def ref_fields(cls: type[Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return casefile.ref_fields(cls)


def references(record: Record) -> Iterator[tuple[str, str]]:
    """(field, target id) of every reference a record makes, in field order."""
    for name, _ in casefile.ref_fields(type(record)):
        value = getattr(record, name)
        for target in value if isinstance(value, tuple) else (value,):
            if target is not None:
                yield name, target


Getter = Callable[[Any, "Context"], Any]
_GETTERS: dict[str, tuple[tuple[str, Getter], ...]] = {}


def row_of(s: KindSpec, record: Any, ctx: Context) -> dict[str, Any]:
    """A record's row in its kind's table: every column, none missing, none unknown."""
    getters = _GETTERS.get(s.kind)
    if getters is None:
        getters = _GETTERS[s.kind] = _getters(s)
    return {name: get(record, ctx) for name, get in getters}


def _getters(s: KindSpec) -> tuple[tuple[str, Getter], ...]:
    extras = {e.name: e.value for e in s.extra_columns}
    hints = typing.get_type_hints(s.record)
    dates = {n for n, h in hints.items() if _strip_optional(h)[0] is PartialDate}
    out: list[tuple[str, Getter]] = []
    for col in s.columns():
        if col.name in extras:
            out.append((col.name, extras[col.name]))
            continue
        for suffix, _ in reversed(_DATE_PARTS):
            base = col.name[: len(col.name) - len(suffix)] if suffix else col.name
            if col.name.endswith(suffix) and base in dates:
                out.append((col.name, _date_getter(base, suffix)))
                break
        else:
            out.append((col.name, _attr_getter(col.name)))
    return tuple(out)


def _date_getter(base: str, part: str) -> Getter:
    return lambda record, ctx: _date_value(getattr(record, base), part)


def _attr_getter(name: str) -> Getter:
    return lambda record, ctx: getattr(record, name)


def _date_value(date: PartialDate | None, part: str) -> Any:
    """One of a date's five columns (``part`` is the column's suffix)."""
    if date is None:
        return False if part == "_approx" else None
    if part == "":
        return date.value
    return getattr(date, part[1:])


# ---------------------------------------------------------------------------------------------------
# Labels shared by every kind (a spec's own labels come first).

FIELD_LABEL: dict[str, str] = {
    "name": "Name",
    "type": "Type",
    "description": "Description",
    "title": "Title",
    "status": "Status",
    "alleges": "Alleges",
    "plea": "Plea",
    "kind": "Kind",
    "penalty": "Penalty",
    "term_text": "Term",
    "term": "Term (ISO 8601)",
    "context": "Context",
    "text": "Text",
    "basis": "Basis",
    "assertion": "Assertion",
    "source_voice": "Source's own voice",
    "language": "Language",
    "file": "File",
    "sha256": "SHA-256",
    "publisher": "Publisher",
    "url": "URL",
}
REL_LABEL: dict[str, str] = {
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
    "according_to": "According to",
    "via": "In the words of",
    "responds_to": "Answers",
}
REVERSE_LABEL: dict[str, str] = {
    "according_to": "What it says (claims)",
    "via": "Claims resting on these words",
    "responds_to": "Answered by",
}
"""How any record's detail labels the records attributed to it, carried by it or answering it."""
DATE_LABEL: dict[str, str] = {
    "start": "From",
    "end": "Until",
    "published": "Published",
    "retrieved": "Retrieved",
}


def field_label(kind: str, name: str) -> str:
    s = _REGISTRY.get(kind)
    if s is not None and name in s.field_labels:
        return s.field_labels[name]
    return FIELD_LABEL.get(name, name.replace("_", " ").capitalize())


def rel_label(kind: str, rel: str) -> str:
    s = _REGISTRY.get(kind)
    if s is not None and rel in s.rel_labels:
        return s.rel_labels[rel]
    return REL_LABEL.get(rel, rel.replace("_", " ").capitalize())


def date_label(kind: str, name: str) -> str:
    s = _REGISTRY.get(kind)
    if s is not None and name in s.date_labels:
        return s.date_labels[name]
    return DATE_LABEL.get(name, "Date")


def reverse_label(kind: str, rel: str) -> str | None:
    """How a record's detail labels the records of ``kind`` that point at it through ``rel``."""
    s = _REGISTRY.get(kind)
    if s is not None and rel in s.reverse_labels:
        return s.reverse_labels[rel]
    return REVERSE_LABEL.get(rel) if s is not None else None


def reverse_order(kind: str, rel: str) -> tuple[int, int]:
    """Incoming link groups in registry order, then each kind's field order."""
    kinds = list(_REGISTRY)
    if kind not in _REGISTRY or rel not in _REGISTRY[kind].reverse_labels:
        return (len(kinds), list(REVERSE_LABEL).index(rel) if rel in REVERSE_LABEL else 0)
    return kinds.index(kind), list(_REGISTRY[kind].reverse_labels).index(rel)


# ---------------------------------------------------------------------------------------------------
# Vocabulary labels used in more than one place.

QUOTE_KIND: dict[str, tuple[str, str]] = {
    "direct": ("direct quote", "the speaker's own words"),
    "reported": ("reported statement", "the source's paraphrase"),
    "epithet": ("epithet", "a name given, not a statement"),
}
"""A quote's kind: its name and what it means (the detail joins them with a dash, the brief puts
the meaning in brackets)."""

SENTENCE_KIND = {"requested": "requested by prosecutors", "imposed": "imposed by a court"}


def quote_kind(kind: str, *, style: str = "dash") -> str:
    found = QUOTE_KIND.get(kind)
    if found is None:
        return kind
    name, meaning = found
    return f"{name} — {meaning}" if style == "dash" else f"{name} ({meaning})"


def sentence_kind(kind: str) -> str:
    return SENTENCE_KIND.get(kind, kind)


# ---------------------------------------------------------------------------------------------------
# Dates in cells.


def shown(date: PartialDate | None) -> str:
    return date.display() if date else UNDATED


def cell(date: PartialDate | None) -> str:
    """A date in a table cell: short (``3 Nov 2025``); the detail panel gives it whole."""
    return date.short() if date else UNDATED_CELL


def date_key(date: PartialDate | None) -> tuple[int, str]:
    """Chronological, with undated items after every dated one."""
    return (0, date.value) if date else (1, "")


def clip(text: str, limit: int = 240) -> str:
    """``text`` on one line (runs of whitespace made one space), cut to ``limit`` characters with
    an ellipsis."""
    # A printable text has no whitespace but the space (tabs, newlines and no-break spaces are
    # not printable): without double or outer spaces it is already as the join would leave it.
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return cut_words(text, limit - 1) + "…"


def cut_words(text: str, limit: int) -> str:
    """At most ``limit`` characters of ``text``, ending at a whole word: cut at the last space
    before the limit (a word longer than a third of the limit is cut where it must be)."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace():
        space = head.rfind(" ")
        if space >= limit * 2 // 3:
            head = head[:space]
    return head.rstrip(" ,;:—–-")


# ---------------------------------------------------------------------------------------------------
# The kinds of the case file, in its order.

S = casefile


def _role_subtitle(r: S.Role, ctx: Context) -> str:
    parts = [r.status] if r.status else []
    if r.start:
        parts.append(f"from {shown(r.start)}")
    if r.end:
        parts.append(f"until {shown(r.end)}")
    return ", ".join(parts) or "dates not stated"


def _source_listing(r: S.Source, ctx: Context) -> Iterable[ListingRow]:
    yield ListingRow(
        "sources", (0, ctx.order[r.id]), ("source", r.title, cell(r.published), r.language)
    )


def _source_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    out: list[tuple[int | None, str, str]] = []
    if row.get("title_editorial"):
        out.append((1, "Title note", "the title is editorial: the source prints none"))
    return out


register(
    KindSpec(
        kind="source",
        record=S.Source,
        label="Source",
        table="source",
        pane="sources",
        title=lambda r, ctx: r.title,
        subtitle=lambda r, ctx: f"published {shown(r.published)}",
        main_date=lambda r: r.published,
        timeline_order=6,
        timeline=lambda r, ctx: (
            [TimelineEntry(r.published, f"Source published: {r.title}", "source")]
            if r.published
            else []
        ),
        listing=_source_listing,
        extra_columns=(Extra("text", str, False, lambda r, ctx: ctx.case.texts[r.id]),),
        hidden_columns=frozenset({"title_editorial"}),
        detail=_source_detail,
        brief_section="Sources",
        claims=False,
    )
)


def _entity_listing(r: S.Person | S.Organization, ctx: Context) -> Iterable[ListingRow]:
    group = 0 if isinstance(r, S.Person) else 1
    yield ListingRow(
        "people",
        (group, ctx.order[r.id]),
        (
            r.name,
            r.type,
            "; ".join(ctx.roles_of.get(r.id, [])),
            spellings(r.aliases, r.editorial_aliases),
        ),
    )


EDITORIAL_SPELLING = "usual spelling, not in the source"


def spellings(printed: Iterable[str], editorial: Iterable[str]) -> str:
    """A name's other spellings: those the source prints, then the analyst's, marked as such
    (``Hugo de Zela, de Zela (usual spelling, not in the source)``)."""
    out = ", ".join(printed)
    outside = ", ".join(editorial)
    if outside:
        out += ("; " if out else "") + f"{outside} ({EDITORIAL_SPELLING})"
    return out


def _aliases(r: S.Person | S.Organization, ctx: Context) -> list[dict[str, Any]]:
    spellings = [(a, False) for a in r.aliases] + [(a, True) for a in r.editorial_aliases]
    return [
        {"entity": r.id, "seq": seq, "alias": alias, "editorial": editorial}
        for seq, (alias, editorial) in enumerate(spellings)
    ]


def _entity_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    aliases = children.get("alias", [])
    printed = [a["alias"] for a in aliases if not a["editorial"]]
    outside = [a["alias"] for a in aliases if a["editorial"]]
    out: list[tuple[int | None, str, str]] = []
    if printed:
        out.append((None, "Also written", ", ".join(printed)))
    if outside:
        out.append((None, "Usual spelling", f"{', '.join(outside)} ({EDITORIAL_SPELLING})"))
    return out


def _entity_subtitle(r: S.Person | S.Organization, ctx: Context) -> str:
    return clip(r.description, 90) if r.description else r.type


def _entity(kind: str, record: type[Record], label: str, plural: str, section: str) -> KindSpec:
    """People and organisations share the ``entity`` table (and so its columns)."""
    return KindSpec(
        kind=kind,
        record=record,
        label=label,
        plural=plural,
        table="entity",
        pane="people",
        title=lambda r, ctx: r.name,
        subtitle=_entity_subtitle,
        main_date=lambda r: None,
        timeline=lambda r, ctx: (),
        listing=_entity_listing,
        extra_columns=(Extra("kind", str, False, lambda r, ctx: r.KIND, after="id"),),
        children=(Child("alias", "entity", _aliases),),
        detail=_entity_detail,
        brief_section=section,
    )


register(_entity("person", S.Person, "Person", "people", "People"))
register(
    _entity(
        "organization", S.Organization, "Organisation", "organisations", "Organisations and states"
    )
)


def _role_timeline(r: S.Role, ctx: Context) -> Iterator[TimelineEntry]:
    for date, what in ((r.start, "becomes"), (r.end, "leaves office as")):
        if date:
            yield TimelineEntry(date, f"{ctx.name(r.holder)} {what} {r.title}", "role")


register(
    KindSpec(
        kind="role",
        record=S.Role,
        label="Role",
        table="role",
        pane="people",
        title=lambda r, ctx: (
            f"{ctx.name(r.holder)} — {r.title}" + (f" of {ctx.name(r.of)}" if r.of else "")
        ),
        subtitle=_role_subtitle,
        main_date=lambda r: r.start or r.end,
        timeline_order=1,
        timeline=_role_timeline,
        reverse_labels={"holder": "Roles", "organization": "Posts in it", "of": "Represented by"},
        anchor="holder",
        brief_section="People",
    )
)


def _charge_last(r: S.Charge) -> S.StatusStep | None:
    return r.history[-1] if r.history else None


def _charge_subtitle(r: S.Charge, ctx: Context) -> str:
    last = _charge_last(r)
    status = vocab.step_text(last.status, last.offence) if last else ""
    if last and last.date:
        at = "on" if last.status in vocab.VERDICT_STEPS else "since"
        return f"{status} {at} {shown(last.date)}"
    return status if last else "status not stated"


def _charge_listing(r: S.Charge, ctx: Context) -> Iterable[ListingRow]:
    last = _charge_last(r)
    yield ListingRow(
        "charges",
        (ctx.order[r.defendant], ctx.order[r.id]),
        (
            ctx.name(r.defendant),
            r.offence,
            vocab.step_text(last.status, last.offence) if last else "",
            cell(last.date) if last and last.date else "",
            r.plea or "",
        ),
    )


def _charge_timeline(r: S.Charge, ctx: Context) -> Iterator[TimelineEntry]:
    for step in r.history:
        what = (
            f"convicted of {step.offence} (charged: {r.offence})"
            if step.status == "convicted" and step.offence
            else f"{step.status}: {r.offence}"
        )
        yield TimelineEntry(step.date, f"{ctx.name(r.defendant)} {what}", "charge")


def _charge_steps(r: S.Charge, ctx: Context) -> list[dict[str, Any]]:
    rows = []
    first = len(r.evidence)  # a step's spans follow the charge's own in its evidence
    for seq, step in enumerate(r.history):
        rows.append(
            {
                "charge": r.id,
                "seq": seq,
                "status": step.status,
                **{f"date{suffix}": _date_value(step.date, suffix) for suffix, _ in _DATE_PARTS},
                "offence": step.offence,
                "words": " … ".join(e.quote for e in step.evidence) or None,
                "first_evidence": first,
                "evidence_count": len(step.evidence),
            }
        )
        first += len(step.evidence)
    return rows


def _charge_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    from dossier.dates import display_date

    history = []
    verdict = ""
    for step in children.get("charge_status", []):
        date = step["date"]
        when = (
            display_date(date, step["date_precision"] or "day", step["date_approx"])
            if date
            else UNDATED
        )
        text, rule = step["date_text"], step["date_rule"]
        how = f' ("{text}": {rule})' if text and rule else (f" ({rule})" if rule else "")
        what = vocab.step_text(step["status"], step.get("offence"), row.get("offence"))
        words = f" — “{step['words']}”" if step.get("words") else ""
        history.append(f"{what} — {when}{how}{words}")
        if step["status"] in vocab.VERDICT_STEPS:
            verdict = f"{what} — {when}"
    out: list[tuple[int | None, str, str]] = []
    if verdict:
        out.append((None, "Verdict", verdict))
    if history:
        out.append((None, "History", "; ".join(history)))
    return out


def _last_step(attr: str) -> Callable[[S.Charge, Context], Any]:
    def value(r: S.Charge, ctx: Context) -> Any:
        last = _charge_last(r)
        if attr == "status":
            return last.status if last else None
        date = last.date if last else None
        if date is None:
            return None
        return date.value if attr == "date" else date.precision

    return value


register(
    KindSpec(
        kind="charge",
        record=S.Charge,
        label="Charge",
        table="charge",
        pane="charges",
        title=lambda r, ctx: f"{ctx.name(r.defendant)} — {r.offence}",
        subtitle=_charge_subtitle,
        main_date=lambda r: next((s.date for s in r.history if s.date), None),
        timeline_order=3,
        timeline=_charge_timeline,
        listing=_charge_listing,
        reverse_labels={"defendant": "Charges"},
        field_labels={"offence": "Charge"},
        date_labels={"date": "Status since"},
        extra_columns=(
            Extra("status", str, True, _last_step("status")),
            Extra("date", str, True, _last_step("date")),
            Extra("date_precision", str, True, _last_step("date_precision")),
        ),
        children=(Child("charge_status", "charge", _charge_steps),),
        detail=_charge_detail,
        brief_section="Charges",
    )
)


def _term(r: S.Sentence) -> str:
    """The term in words; a sentence of parts: every part (a ban is a ban, not a second prison
    term; a projected end is said to be projected)."""
    return vocab.parts_text(r.parts) if r.parts else vocab.main_term(r)


def _term_penalty(r: S.Sentence) -> str:
    """``25 years (prison)``; only the term when the source does not say what penalty."""
    return f"{_term(r)} ({r.penalty})" if r.penalty else _term(r)


def _short_term(r: S.Sentence) -> str:
    """The parts without their descriptions and projected ends: for a title or a cell."""
    if not r.parts:
        return _term_penalty(r)
    return "; ".join(
        vocab.part_words(p.penalty, p.term, p.suspended, p.amount, p.currency, None)
        for p in r.parts
    )


def _sentence_parts(r: S.Sentence, ctx: Context) -> list[dict[str, Any]]:
    return [
        {
            "sentence": r.id,
            "seq": seq,
            "penalty": p.penalty,
            "term": p.term,
            "term_text": casefile.describe_term(p.term) if p.term else None,
            "suspended": p.suspended,
            "amount": p.amount,
            "currency": p.currency,
            "description": p.description,
            **{
                f"projected_end{suffix}": _date_value(p.projected_end, suffix)
                for suffix, _ in _DATE_PARTS
            },
            "words": " … ".join(e.quote for e in p.evidence) or None,
        }
        for seq, p in enumerate(r.parts)
    ]


def asylum_event(kind: str) -> str:
    """``asylum granted``; ``fled to the embassy`` (which is not, by itself, asking for asylum)."""
    return "fled to the embassy" if kind == "fled to embassy" else f"asylum {kind}"


def _sentence_listing(r: S.Sentence, ctx: Context) -> Iterable[ListingRow]:
    yield ListingRow(
        "sentences",
        (ctx.order[r.defendant], 0, date_key(r.date), ctx.order[r.id]),
        (ctx.name(r.defendant), r.kind, _short_term(r), ctx.name(r.by), cell(r.date)),
    )


def _sentence_timeline(r: S.Sentence, ctx: Context) -> Iterable[TimelineEntry]:
    if not r.date:
        return ()
    what = f"{_term(r)} sentence {sentence_kind(r.kind)} for {ctx.name(r.defendant)}"
    if r.parts:
        what = f"Sentence {sentence_kind(r.kind)} for {ctx.name(r.defendant)}: {_short_term(r)}"
    return (TimelineEntry(r.date, what, "sentence"),)


def _sentence_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    kind = sentence_kind(row["kind"])
    if row["kind"] == "requested":
        kind += " (not a court's sentence)"
    out: list[tuple[int | None, str, str]] = [(0, "Kind", kind)]
    for n, p in enumerate(children.get("sentence_part", []), start=1):
        end = p["projected_end"]
        projected = display_date(end, p["projected_end_precision"] or "day") if end else None
        what = vocab.part_words(
            p["penalty"], p["term"], p["suspended"], p["amount"], p["currency"],
            p["description"], projected,
        )  # fmt: skip
        words = f" — “{p['words']}”" if p["words"] else ""
        out.append((None, f"Part {n}", what + words))
    return out


register(
    KindSpec(
        kind="sentence",
        record=S.Sentence,
        label="Sentence",
        table="sentence",
        pane="sentences",
        claim_cell=2,
        title=lambda r, ctx: f"{ctx.name(r.defendant)} — {_short_term(r)}, {sentence_kind(r.kind)}",
        subtitle=lambda r, ctx: f"{r.kind} by {ctx.name(r.by)}",
        timeline_order=4,
        timeline=_sentence_timeline,
        listing=_sentence_listing,
        reverse_labels={
            "defendant": "Sentences",
            "by": "Sentences it sought or imposed",
            "charge": "Sentences",
        },
        extra_columns=(Extra("term_text", str, False, lambda r, ctx: _term(r), after="term"),),
        children=(Child("sentence_part", "sentence", _sentence_parts),),
        detail=_sentence_detail,
        brief_section="Sentences",
    )
)


def _appeal_defendant(r: S.Appeal, ctx: Context) -> str | None:
    target = ctx.by_id.get(r.charge or r.sentence or "")
    return getattr(target, "defendant", None)


def _appeal_what(r: S.Appeal, ctx: Context) -> str:
    """``the conviction (Rebellion) and the sentence``."""
    what = []
    charge = ctx.by_id.get(r.charge or "")
    if isinstance(charge, S.Charge):
        verdict = vocab.verdict_of(charge.history)
        name = {"convicted": "conviction", "acquitted": "acquittal"}.get(
            verdict.status if verdict else "", "verdict"
        )
        what.append(f"the {name} ({charge.offence})")
    if r.sentence:
        what.append("the sentence")
    return " and ".join(what)


def _appeal_title(r: S.Appeal, ctx: Context) -> str:
    status = f"appeal {r.status}" + (f": {r.outcome}" if r.outcome else "")
    return f"{ctx.name(r.by)} — {status} against {_appeal_what(r, ctx)}"


def _appeal_listing(r: S.Appeal, ctx: Context) -> Iterable[ListingRow]:
    defendant = _appeal_defendant(r, ctx)
    yield ListingRow(
        "charges",
        (ctx.order.get(defendant or "", 0), 1 << 30, ctx.order[r.id]),
        (
            ctx.name(defendant),
            f"appeal by {ctx.name(r.by)} against {_appeal_what(r, ctx)}",
            f"appeal {r.status}" + (f": {r.outcome}" if r.outcome else ""),
            cell(r.date) if r.date else "",
            "",
        ),
    )


register(
    KindSpec(
        kind="appeal",
        record=S.Appeal,
        label="Appeal",
        table="appeal",
        pane="charges",
        title=_appeal_title,
        subtitle=lambda r, ctx: f"{r.status} · {shown(r.date)}",
        timeline_order=5,
        timeline=lambda r, ctx: (
            [TimelineEntry(r.date, _appeal_title(r, ctx), "appeal")] if r.date else []
        ),
        listing=_appeal_listing,
        rel_labels={
            "by": "Appellant",
            "charge": "Verdict appealed",
            "sentence": "Sentence appealed",
            "court": "Court",
        },
        reverse_labels={
            "by": "Appeals",
            "charge": "Appeals",
            "sentence": "Appeals",
            "court": "Appeals heard",
        },
        field_labels={"status": "Appeal", "outcome": "Outcome"},
        brief_section="Charges",
        prose=lambda title, subtitle, when: title,
    )
)


def _custody_listing(r: S.Custody, ctx: Context) -> Iterable[ListingRow]:
    since = f"since {cell(r.start)}" if r.start else ""
    yield ListingRow(
        "sentences",
        (ctx.order[r.person], 1, date_key(r.start), ctx.order[r.id]),
        (ctx.name(r.person), "custody", r.status, since, cell(r.end) if r.end else ""),
    )


register(
    KindSpec(
        kind="custody",
        record=S.Custody,
        label="Custody",
        plural="custody records",
        table="custody",
        pane="sentences",
        claim_cell=2,
        title=lambda r, ctx: f"{ctx.name(r.person)} — {r.status}",
        subtitle=lambda r, ctx: f"since {shown(r.start)}" if r.start else UNDATED,
        main_date=lambda r: r.start,
        timeline_order=2,
        timeline=lambda r, ctx: (
            [TimelineEntry(r.start, f"{ctx.name(r.person)}: {r.status}", "custody")]
            if r.start
            else []
        ),
        listing=_custody_listing,
        reverse_labels={"person": "Custody"},
        date_labels={"start": "Since"},
        brief_section="Custody",
    )
)


def _asylum_listing(r: S.Asylum, ctx: Context) -> Iterable[ListingRow]:
    where = ctx.name(r.embassy) if r.embassy else ctx.name(r.state)
    yield ListingRow(
        "asylum",
        (date_key(r.date), ctx.order[r.id]),
        (cell(r.date), asylum_event(r.type), ctx.name(r.person), where),
    )


def legal_status_text(status: str, where: str | None, embassy: str | None) -> str:
    """``capture ordered in Peru and abroad``; ``sheltering in embassy (the embassy of …)``."""
    out = status + (f" {where}" if where else "")
    return out + (f" ({embassy})" if embassy else "")


def _legal_title(r: S.LegalStatus, ctx: Context) -> str:
    embassy = ctx.name(r.embassy) if r.embassy else None
    return f"{ctx.name(r.person)} — {legal_status_text(r.status, r.where, embassy)}"


def _legal_listing(r: S.LegalStatus, ctx: Context) -> Iterable[ListingRow]:
    since = f"since {cell(r.start)}" if r.start else ""
    embassy = ctx.name(r.embassy) if r.embassy else None
    yield ListingRow(
        "sentences",
        (ctx.order[r.person], 1, date_key(r.start), ctx.order[r.id]),
        (
            ctx.name(r.person),
            "status",  # beside "custody"; "legal status" does not fit at 80 columns
            legal_status_text(r.status, r.where, embassy),
            since,
            cell(r.end) if r.end else "",
        ),
    )


register(
    KindSpec(
        kind="legal_status",
        record=S.LegalStatus,
        label="Legal status",
        plural="legal status records",
        table="legal_status",
        pane="sentences",
        claim_cell=2,
        title=_legal_title,
        subtitle=lambda r, ctx: f"since {shown(r.start)}" if r.start else UNDATED,
        main_date=lambda r: r.start,
        timeline_order=2,
        timeline=lambda r, ctx: (
            [TimelineEntry(r.start, _legal_title(r, ctx).replace(" — ", ": ", 1), "status")]
            if r.start
            else []
        ),
        listing=_legal_listing,
        rel_labels={"by": "Ordered or requested by"},
        reverse_labels={
            "person": "Legal status",
            "by": "Legal status it ordered or requested",
            "embassy": "Sheltering here",
            "state": "Legal status involving it",
        },
        field_labels={"where": "Where"},
        date_labels={"start": "Since"},
        brief_section="Custody",
        prose=lambda title, subtitle, when: f"{title}, {subtitle}",
    )
)


register(
    KindSpec(
        kind="asylum",
        record=S.Asylum,
        label="Asylum event",
        table="asylum",
        pane="asylum",
        title=lambda r, ctx: f"{ctx.name(r.person)} — {asylum_event(r.type)} ({ctx.name(r.state)})",
        subtitle=lambda r, ctx: shown(r.date),
        timeline_order=2,
        timeline=lambda r, ctx: [
            TimelineEntry(
                r.date,
                f"{ctx.name(r.person)}: {asylum_event(r.type)} ({ctx.name(r.state)})",
                "asylum",
            )
        ],
        listing=_asylum_listing,
        reverse_labels={
            "person": "Asylum",
            "state": "Asylum it granted or was asked for",
            "embassy": "Asylum at this embassy",
        },
        brief_section="Asylum and diplomatic timeline",
    )
)


def _diplomatic_listing(r: S.Diplomatic, ctx: Context) -> Iterable[ListingRow]:
    who = ctx.name(r.actor) + (f" ({ctx.name(r.by)})" if r.by else "")
    yield ListingRow(
        "asylum",
        (date_key(r.date), ctx.order[r.id]),
        (cell(r.date), r.type, who, ctx.name(r.counterpart)),
    )


def _diplomatic_title(r: S.Diplomatic, ctx: Context) -> str:
    return f"{ctx.name(r.actor)} → {ctx.name(r.counterpart)}: {r.type}"


register(
    KindSpec(
        kind="diplomatic",
        record=S.Diplomatic,
        label="Diplomatic event",
        table="diplomatic",
        pane="asylum",
        title=_diplomatic_title,
        subtitle=lambda r, ctx: shown(r.date),
        timeline_order=5,
        timeline=lambda r, ctx: [TimelineEntry(r.date, _diplomatic_title(r, ctx), "diplomatic")],
        listing=_diplomatic_listing,
        reverse_labels={
            "actor": "Diplomatic actions taken",
            "counterpart": "Diplomatic actions against it",
            "by": "Diplomatic actions",
        },
        brief_section="Asylum and diplomatic timeline",
    )
)


def _event_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    if not row.get("scheduled"):
        return []
    return [(0, "Scheduled", "announced for a date after its source: not a past fact")]


register(
    KindSpec(
        kind="event",
        record=S.Event,
        label="Event",
        table="event",
        pane="overview",
        title=lambda r, ctx: f"{r.title} (scheduled)" if r.scheduled else r.title,
        subtitle=lambda r, ctx: (
            f"{r.type} · scheduled for {shown(r.date)}"
            if r.scheduled
            else f"{r.type} · {shown(r.date)}"
        ),
        timeline_order=0,
        timeline=lambda r, ctx: [
            TimelineEntry(r.date, f"Scheduled: {r.title}", "scheduled")
            if r.scheduled
            else TimelineEntry(r.date, r.title, r.type)
        ],
        hidden_columns=frozenset({"scheduled"}),
        detail=_event_detail,
        reverse_labels={"participants": "Events"},
        brief_section="Other events",
    )
)


def _quote_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    return [
        (0, "Speaker", row["speaker_names"] or "unattributed"),
        (1, "Kind", quote_kind(row["kind"])),
    ]


register(
    KindSpec(
        kind="quote",
        record=S.Quote,
        label="Quote",
        table="quote",
        pane="quotes",
        title=lambda r, ctx: f"{ctx.names(r.speakers) or 'unattributed'}: “{clip(r.text, 80)}”",
        subtitle=lambda r, ctx: f"{r.kind} · {shown(r.date)}",
        timeline=lambda r, ctx: (),
        reverse_labels={"speakers": "Quotes by", "mentions": "Quotes naming"},
        date_labels={"date": "Said on"},
        hidden_columns=frozenset({"speaker_names", "pos", "start", "end", "source"}),
        custom_table=True,
        detail=_quote_detail,
        brief_section="Key quotes",
    )
)


def _note_listing(r: S.Note, ctx: Context) -> Iterable[ListingRow]:
    label = "editorial note" if r.kind == "editorial" else "discrepancy"
    yield ListingRow(
        "sources", (1 if r.kind == "discrepancy" else 2, ctx.order[r.id]), (label, r.text)
    )


def _note_detail(
    row: Mapping[str, Any], children: Mapping[str, list[Mapping[str, Any]]]
) -> list[tuple[int | None, str, str]]:
    kind = (
        "editorial note — the analyst's, not from the source"
        if row["kind"] == "editorial"
        else "discrepancy inside the source"
    )
    return [(0, "Kind", kind)]


register(
    KindSpec(
        kind="note",
        record=S.Note,
        label="Note",
        table="note",
        pane="sources",
        title=lambda r, ctx: clip(r.text, 100),
        subtitle=lambda r, ctx: (
            "editorial note (not from the source)"
            if r.kind == "editorial"
            else "discrepancy in the source"
        ),
        main_date=lambda r: None,
        timeline=lambda r, ctx: (),
        listing=_note_listing,
        reverse_labels={"about": "Notes"},
        notes_on="about",
        detail=_note_detail,
        brief_section="Notes",
        claims=False,
    )
)


def is_note_link(kind: str, rel: str) -> bool:
    """Whether a link from a record of ``kind`` through ``rel`` is a note on its target."""
    s = _REGISTRY.get(kind)
    return s is not None and s.notes_on == rel


def missing_facets(s: KindSpec) -> list[str]:
    """What a kind's spec leaves unsaid that a reader would see as a raw name: an unlabelled
    column, a reference with no label either way, a pane or section that does not exist."""
    from dossier.schema import PANES

    missing: list[str] = []
    if not s.label.strip():
        missing.append("label")
    if s.pane not in PANES:
        missing.append(f"pane {s.pane!r} (not one of {', '.join(PANES)})")
    if not s.brief_section.strip():
        missing.append("brief_section")
    hidden = {"id", "kind", "search_speakers", "speaker_keys", "search_mentions"} | s.hidden_columns
    dates = {c.name[: -len("_precision")] for c in s.columns() if c.name.endswith("_precision")}
    parts = {d + suffix for d in dates for suffix, _ in _DATE_PARTS}
    for col in s.columns():
        if col.name in hidden or col.references is not None or col.name in parts - dates:
            continue
        if col.name in dates:
            if col.name not in s.date_labels and col.name not in DATE_LABEL and col.name != "date":
                missing.append(f"date label of {col.name!r}")
        elif col.name not in s.field_labels and col.name not in FIELD_LABEL:
            missing.append(f"field label of {col.name!r}")
    base = {f.name for f in deferred.fields(casefile.Record)}  # who says so: every kind's
    for name, _ in casefile.ref_fields(s.record):
        if name in base:
            continue
        if name not in s.rel_labels and name not in REL_LABEL:
            missing.append(f"label of reference {name!r}")
        if name not in s.reverse_labels:
            missing.append(f"reverse label of reference {name!r}")
    return missing


def timeline_of(s: KindSpec, record: Any, ctx: Context) -> Iterable[TimelineEntry]:
    """A record's rows on the timeline: its spec's, or one at its main date titled by its title
    (undated: listed last, "not stated")."""
    if s.timeline is not None:
        return s.timeline(record, ctx)
    return (TimelineEntry(s.main_date(record), s.title(record, ctx), s.label.lower()),)


BODY_FIELDS = ("description", "offence", "alleges", "text", "type", "status", "kind", "penalty")


def search_text(s: KindSpec, record: Any) -> str:
    """What the palette searches besides a record's title and names: its kind ("sentence",
    "custody"...) and its words."""
    if s.search_text is not None:
        return s.search_text(record)
    parts = [record.KIND]
    for attr in BODY_FIELDS:
        value = getattr(record, attr, None)
        if isinstance(value, str):
            parts.append(value)
    return " ".join(parts)
