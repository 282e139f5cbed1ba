"""The case as of a date or a source, and what changed since: every statement is known from a date.

A statement of the dossier — a record, a step of a charge's history, another party's value for a
field — is **known from** the earliest publication date of the sources its evidence cites. A source
published with a partial date ("2025-11") is known from the *end* of its period (30 November 2025):
it reports events of that month, so it sorts after them, and a day-precise source of the same month
comes before it.

The sources, ordered by that date, are the points in time the app steps through (``[`` and ``]``)
and that ``dossier export --as-of`` and ``--changes-since`` accept (a date or a source id):

* :func:`restrict` is the case as it stood then: the records, history steps, disputed values and
  evidence known by that date, and no other. :func:`build_snapshot` builds it with the same build
  as the whole case, so every pane, the Overview's figures (a charge's status then, custody then),
  the detail and the brief read it with the same code as "now".
* :func:`changes_since` lists what is new, what changed (a new step of a charge's history, another
  party's value) and what was superseded (a charge's status, a person's custody) since then, each
  with the source that says so; :func:`changes_markdown` writes it as a "what's new" brief.

Pure data layer: the standard library and the dossier's own data modules, never a UI toolkit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from dossier import casefile, kinds, sources, vocab
from dossier.casefile import Case, Charge, Custody, Event, Located, Quote, Record, Source
from dossier.dates import DateError, PartialDate, days_in_month, display_iso, parse_iso
from dossier.deferred import dataclass
from dossier.errors import DossierError

if TYPE_CHECKING:
    from dossier.queries import Reader

ALWAYS = ""
"""The known-from key of a statement that cites no source (known from the start)."""


def end_of(value: str, precision: str) -> str:
    """The last day of a partial date's period, ``YYYY-MM-DD``: what a source dated so is known
    from (``2025-11`` → ``2025-11-30``, ``2025`` → ``2025-12-31``)."""
    parts = value.split("-")
    year = int(parts[0])
    if precision == "year" or len(parts) == 1:
        return f"{year:04d}-12-31"
    month = int(parts[1])
    if precision == "month" or len(parts) == 2:
        return f"{year:04d}-{month:02d}-{days_in_month(year, month):02d}"
    return value


def known_key(date: PartialDate) -> str:
    return end_of(date.value, date.precision)


def key_display(key: str) -> str:
    """A known-from key as the reader sees it (``4 November 2025``)."""
    return display_iso(key, "day") if key else "the start"


# ---------------------------------------------------------------------------------------------------
# The points in time: the sources, by publication date.


@dataclass(frozen=True)
class Moment:
    """A source as a point in time: the case as of its publication."""

    source: str
    title: str
    published: PartialDate
    key: str
    """When it is known from (:func:`end_of` its publication date)."""

    @property
    def when(self) -> str:
        return self.published.display()

    @property
    def label(self) -> str:
        """``4 November 2025 — Peru severs relations``: what the header says after "as of"."""
        return f"{self.when} — {self.title}"


class Dated(Protocol):
    """A source as the case file or the dossier holds it: what a point in time needs."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def known_from(self) -> PartialDate:
        """Its publication date, else its retrieval date."""
        ...


def moments(sources: Iterable[Dated]) -> tuple[Moment, ...]:
    """The sources as points in time, oldest first (same date: case-file order)."""
    listed = [(known_key(s.known_from), i, s) for i, s in enumerate(sources)]
    listed.sort(key=lambda t: (t[0], t[1]))
    return tuple(Moment(s.id, s.title, s.known_from, k) for k, _, s in listed)


def points_of(reader: Reader) -> tuple[Moment, ...]:
    """The points in time of a built dossier, read from its ``source`` table (no case file)."""
    from dossier import records

    with reader.connection() as conn:
        return moments(records.sources(conn))


@dataclass(frozen=True)
class Cutoff:
    """A resolved "as of": every statement known by ``key``; ``moment`` is the newest source then."""

    key: str
    moment: Moment
    given: str
    """What the user typed (a date or a source id)."""

    @property
    def label(self) -> str:
        return self.moment.label

    @classmethod
    def at(cls, moment: Moment) -> Cutoff:
        return cls(moment.key, moment, moment.source)


def is_whole(cutoff: Cutoff, points: Sequence[Moment]) -> bool:
    """Whether everything is known by ``cutoff``: as of the newest source is the case now (every
    statement cites a source), and the dossier itself is the snapshot."""
    return not points or cutoff.key >= points[-1].key


def resolve(spec: str, points: Sequence[Moment], option: str = "--as-of") -> Cutoff:
    """A date (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``: as of the end of it) or a source id → the
    cutoff. One-line :class:`DossierError` for a malformed date, an unknown source id, or a date
    before every source."""
    text = spec.strip()
    if not points:
        raise DossierError(f"{option} {spec!r}: the case has no sources")
    for m in points:
        if m.source == text:
            return Cutoff(m.key, m, text)
    try:
        value, precision = parse_iso(text)
    except DateError as exc:
        why = str(exc).split(" ", 1)[1] if text[:1].isdigit() else "is no source id of the case"
        raise DossierError(
            f"{option} {spec!r}: {why}; give a source id or a date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ) from None
    key = end_of(value, precision)
    known = [m for m in points if m.key <= key]
    if not known:
        first = points[0]
        raise DossierError(
            f"{option} {spec!r}: before the first source ({first.source}, published "
            f"{first.when}); nothing was known then"
        )
    return Cutoff(key, known[-1], text)


# ---------------------------------------------------------------------------------------------------
# Known from: per record, per history step.


@dataclass(frozen=True)
class _Parts:
    """A record's located evidence, cut into the parts its ``evidence_items`` lists in order: a
    quote's words, its own evidence, the evidence of each item of its lists of items that cite
    (a charge's history steps, a sentence's parts), then of each disputed value."""

    own: tuple[Located, ...]
    nested: tuple[tuple[str, tuple[tuple[Located, ...], ...]], ...]
    """(field, each item's spans) for every list of items with their own evidence."""
    disputed: tuple[tuple[Located, ...], ...]
    text: tuple[Located, ...] = ()
    """A quote's own words (its first span)."""

    def items(self, name: str) -> tuple[tuple[Located, ...], ...]:
        return next((spans for field, spans in self.nested if field == name), ())


def nested_fields(record: Record) -> list[str]:
    """The record's lists of items that cite evidence of their own (``history``, ``parts``), in
    field order: the order ``evidence_items`` lists their spans in, between the record's own and
    the disputed values'."""
    names = _FIELDS.get(type(record))
    if names is None:
        names = _FIELDS[type(record)] = tuple(
            f.name for f in dataclasses.fields(record) if f.name not in ("evidence", "disputed")
        )
    out = []
    for name in names:
        value = getattr(record, name)
        if value and type(value) is tuple and hasattr(value[0], "evidence"):
            out.append(name)
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}


def _parts(record: Record, located: Sequence[Located]) -> _Parts | None:
    """Cut ``located`` along the record's fields; None when a kind lists its evidence in an order
    this module does not know (then the record is kept or left out whole)."""
    at = 0
    text: tuple[Located, ...] = ()
    if isinstance(record, Quote):
        text, at = tuple(located[:1]), 1
    own = tuple(located[at : at + len(record.evidence)])
    at += len(record.evidence)
    nested: list[tuple[str, tuple[tuple[Located, ...], ...]]] = []
    for name in nested_fields(record):
        spans: list[tuple[Located, ...]] = []
        for item in getattr(record, name):
            spans.append(tuple(located[at : at + len(item.evidence)]))
            at += len(item.evidence)
        nested.append((name, tuple(spans)))
    disputed: list[tuple[Located, ...]] = []
    for v in record.disputed:
        disputed.append(tuple(located[at : at + len(v.evidence)]))
        at += len(v.evidence)
    if at != len(located) or len(record.evidence_items()) != len(located):
        return None
    return _Parts(own, tuple(nested), tuple(disputed), text)


class Knowledge:
    """When each statement of a case is known from, and from which source."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.sources: dict[str, Source] = {s.id: s for s in case.of(Source)}
        self.points = moments(self.sources.values())
        self.source_key: dict[str, str] = {m.source: m.key for m in self.points}
        self._parts: dict[str, _Parts | None] = {}
        self.record_key: dict[str, str] = {}
        self.quotes: set[str] = set()
        for r in case.records:
            located = case.located.get(r.id, ())
            if isinstance(r, Source):
                self.record_key[r.id] = self.source_key[r.id]
            elif isinstance(r, Quote) and located:
                self.quotes.add(r.id)
                self.record_key[r.id] = self.first(located[:1])[0]
            else:
                self.record_key[r.id] = self.first(located)[0]

    def part(self, record: Record) -> _Parts | None:
        """The record's evidence cut along its fields (made when first asked: the build needs
        only the records' dates)."""
        if record.id not in self._parts:
            self._parts[record.id] = _parts(record, self.case.located.get(record.id, ()))
        return self._parts[record.id]

    def first(self, located: Iterable[Located]) -> tuple[str, str | None]:
        """The earliest known-from key of these spans' sources, and that source."""
        best: tuple[str, str | None] = (ALWAYS, None)
        for loc in located:
            key = self.source_key.get(loc.source, ALWAYS)
            if best[1] is None or key < best[0]:
                best = (key, loc.source)
        return best

    def step_keys(self, charge: Charge) -> list[tuple[str, str | None]]:
        """Each history step's known-from key and source."""
        return self.item_keys(charge, "history")

    def item_keys(self, record: Record, name: str) -> list[tuple[str, str | None]]:
        """Each item's known-from key and source, of a list of items with evidence of their own
        (``history``, ``parts``); an item citing nothing is known with its record."""
        parts = self.part(record)
        own = (self.record_key[record.id], self._source_of(record.id))
        items = getattr(record, name)
        if parts is None:
            return [own for _ in items]
        return [self.first(p) if p else own for p in parts.items(name)]

    def _source_of(self, rid: str) -> str | None:
        located = self.case.located.get(rid, ())
        if rid in self.quotes:
            located = located[:1]
        return self.first(located)[1]

    def source_of(self, rid: str) -> str | None:
        """The earliest source a record's evidence cites."""
        return self._source_of(rid)

    def known(self, rid: str) -> str:
        return self.record_key.get(rid, ALWAYS)


def record_known(case: Case) -> dict[str, str]:
    """Record id → the date (``YYYY-MM-DD``) it is known from; "" when it cites no source. The
    build writes it in the ``record`` table's ``known`` column."""
    return dict(Knowledge(case).record_key)


# ---------------------------------------------------------------------------------------------------
# The case as of a cutoff.


def _keep(located: Sequence[Located], know: Knowledge, key: str) -> tuple[Located, ...]:
    return tuple(loc for loc in located if know.source_key.get(loc.source, ALWAYS) <= key)


def _restrict_record(r: Record, know: Knowledge, key: str) -> tuple[Record, tuple[Located, ...]]:
    """The record as it stood by ``key`` (already known then), and its evidence then."""
    located = know.case.located.get(r.id, ())
    parts = know.part(r)
    if parts is None or isinstance(r, Source):
        return r, tuple(located)
    evidence = tuple(
        e for e, loc in zip(r.evidence, parts.own, strict=True) if _keep([loc], know, key)
    )
    out: list[Located] = [*parts.text, *_keep(parts.own, know, key)]
    changes: dict[str, Any] = {"evidence": evidence}
    for name, spans in parts.nested:
        items = []
        for item, (ikey, _), iloc in zip(
            getattr(r, name), know.item_keys(r, name), spans, strict=True
        ):
            if ikey > key:
                continue  # a step, a part, not yet stated
            kept = [
                (e, loc)
                for e, loc in zip(item.evidence, iloc, strict=True)
                if _keep([loc], know, key)
            ]
            items.append(dataclasses.replace(item, evidence=tuple(e for e, _ in kept)))
            out.extend(loc for _, loc in kept)
        changes[name] = tuple(items)
    variants = []
    for v, vloc in zip(r.disputed, parts.disputed, strict=True):
        kept_v = [
            (e, loc) for e, loc in zip(v.evidence, vloc, strict=True) if _keep([loc], know, key)
        ]
        if vloc and not kept_v:
            continue  # another party's value not yet stated
        variants.append(dataclasses.replace(v, evidence=tuple(e for e, _ in kept_v)))
        out.extend(loc for _, loc in kept_v)
    changes["disputed"] = tuple(variants)
    return dataclasses.replace(r, **changes), tuple(out)


def restrict(case: Case, key: str, know: Knowledge | None = None) -> Case:
    """The case as it stood by ``key`` (``YYYY-MM-DD``): the records known by then, each with the
    history steps, disputed values and evidence known by then. A record that refers to one not yet
    known is left out too (a note about a record of a later source)."""
    know = know or Knowledge(case)
    kept: dict[str, Record] = {}
    located: dict[str, tuple[Located, ...]] = {}
    for r in case.records:
        if know.known(r.id) > key:
            continue
        rec, locs = _restrict_record(r, know, key)
        if not locs:
            continue
        kept[r.id] = rec
        located[r.id] = locs
    changed = True
    while changed:  # leave out what refers to what is left out, until nothing does
        changed = False
        for rid, rec in list(kept.items()):
            if any(target not in kept for _, target in kinds.references(rec)):
                del kept[rid]
                changed = True
    # An event dated after every source known then was still to come (dossier.vocab).
    records = vocab.mark_scheduled(list(kept.values()), case.info.default_source)
    summary = tuple(s for s in case.info.statements if know.first(s.located)[0] <= key)
    info = case.info
    if case.info.statements:
        info = dataclasses.replace(
            case.info, summary=" ".join(s.text for s in summary), statements=summary
        )

    return dataclasses.replace(
        case,
        info=info,
        records=tuple(records),
        located={rid: located[rid] for rid in kept},
    )


def snapshot_name(case: Case, key: str) -> str:
    digest = sources.sha256_hex(f"{case.sha256}:{key}".encode())[:16]
    return f"{case.info.id}-as-of-{key}-{digest}.db"


def build_snapshot(case: Case, cutoff: Cutoff, folder: Path, know: Knowledge | None = None) -> Path:
    """Build the case as of ``cutoff`` into a dossier in ``folder`` (once: a snapshot of the same
    case file and date is reused), with the same build as the whole case. Its ``as_of`` is the
    newest source known then; ``as_of_source`` names it."""
    from dossier import build

    out = folder / snapshot_name(case, cutoff.key)
    if out.exists():
        return out
    compiled = build.compile_case(restrict(case, cutoff.key, know))
    compiled.meta["as_of_source"] = cutoff.moment.source
    compiled.meta["as_of_cutoff"] = cutoff.key
    build.write_database(out, lambda conn: build.fill(conn, compiled))
    return out


def snapshot_folder() -> Path:
    """A private folder for this process's snapshots (the caller removes it)."""
    import tempfile  # here: `dossier check` imports this module, and never needs it

    return Path(tempfile.mkdtemp(prefix="dossier-asof-"))


def case_of(db: Path, meta: Mapping[str, str]) -> Case:
    """The case file a dossier was built from (beside it, as ``meta['case_file']``), loaded and
    checked to be the one built: as of a date is built from it."""
    name = meta.get("case_file", "")
    path = db.parent / name
    if not name or not path.is_file():
        raise DossierError(
            f"{db}: the case file it was built from ({name or 'unknown'}) is not beside it; "
            "as of a date is built from the case file"
        )
    case = casefile.load(path)
    if meta.get("case_sha256") and case.sha256 != meta["case_sha256"]:
        raise DossierError(
            f"{path}: changed since {db.name} was built; rebuild it (`dossier build`) first"
        )
    return case


def summary_staleness(case: Case, know: Knowledge | None = None) -> str | None:
    """Why the case summary may be stale, or None: its dated statements cite nothing of the
    newest source although records do; or it is free text and the case has several sources."""
    know = know or Knowledge(case)
    if len(know.points) < 2:
        return None
    newest = know.points[-1]
    if not case.info.statements:
        return (
            f"the case summary is free text, dated by nothing, and the case has "
            f"{len(know.points)} sources (the newest {newest.source}, {newest.when}); write it "
            "as [[case.summary]] statements with evidence so that it is shown as of a date"
        )
    cited = {loc.source for st in case.info.statements for loc in st.located}
    if newest.source in cited:
        return None
    said = [r.id for r in case.records if know.known(r.id) == newest.key and r.id != newest.source]
    if not said:
        return None
    return (
        f"the case summary may be stale: none of its statements cites the newest source "
        f"{newest.source} ({newest.when}), which {len(said)} record(s) cite first"
    )


# ---------------------------------------------------------------------------------------------------
# What changed since a cutoff.

ChangeKind = Literal["new", "changed", "superseded"]


@dataclass(frozen=True)
class Change:
    """One new, changed or superseded fact, and the source that says so."""

    what: ChangeKind
    record: str
    kind: str
    """The record's kind label (``Charge``)."""
    title: str
    text: str
    """What is new or changed, in words."""
    source: str | None
    source_title: str
    source_date: str
    key: str


@dataclass(frozen=True)
class Changes:
    cutoff: Cutoff
    sources: tuple[Moment, ...]
    """The sources published since."""
    items: tuple[Change, ...]

    def of(self, what: ChangeKind) -> list[Change]:
        return [c for c in self.items if c.what == what]


def _current_custody(records: Iterable[Custody], order: Mapping[str, int]) -> dict[str, Custody]:
    """Each person's custody as the Overview shows it: the last dated, else the first listed."""
    by_person: dict[str, list[Custody]] = {}
    for c in records:
        by_person.setdefault(c.person, []).append(c)
    out: dict[str, Custody] = {}
    for person, cs in by_person.items():
        dated = sorted(
            ((c.start.value, order[c.id], c) for c in cs if c.start is not None),
            key=lambda t: t[:2],
        )
        out[person] = dated[-1][2] if dated else cs[0]
    return out


STANDING_KINDS = frozenset({"custody", "legal_status"})
"""The kinds that say where a person stands (custody; a legal status beside it): a later one
supersedes an earlier custody."""


def _after(date: PartialDate | None, than: PartialDate | None) -> bool:
    """Whether ``date`` is later than ``than`` (an undated ``than``: any dated one is)."""
    if date is None:
        return than is None
    return than is None or end_of(date.value, date.precision) > end_of(than.value, than.precision)


def _singular(name: str) -> str:
    return name[:-1] if name.endswith("s") else name


def _describe(item: object) -> str:
    """An item of a record's list (a sentence's part): its first telling fields."""
    said = [
        str(value)
        for name in ("status", "penalty", "kind", "term", "amount", "currency", "description")
        if (value := getattr(item, name, None)) not in (None, "", False)
    ]
    return " ".join(said[:3]) or "an item"


def _when(date: PartialDate | None) -> str:
    return f" ({date.display()})" if date is not None else ""


def changes_since(case: Case, cutoff: Cutoff, know: Knowledge | None = None) -> Changes:
    """What the sources published after ``cutoff`` added: new records, new steps of a charge's
    history and other parties' values (changed), and each charge status and custody they replace
    (superseded), in source order, each with its source."""
    know = know or Knowledge(case)
    key = cutoff.key
    items: list[Change] = []

    def add(what: ChangeKind, r: Record, text: str, source: str | None, skey: str) -> None:
        m = know.sources.get(source) if source else None
        title = _title(r, case)
        items.append(
            Change(
                what,
                r.id,
                kinds.label(r.KIND),
                title,
                text or title,
                source,
                m.title if m else "",
                m.known_from.display() if m else "",
                skey,
            )
        )

    order = {r.id: i for i, r in enumerate(case.records)}
    for r in case.records:
        if isinstance(r, Source):
            continue
        rkey = know.known(r.id)
        if rkey > key:
            add("new", r, "", know.source_of(r.id), rkey)
            continue
        parts = know.part(r)
        if isinstance(r, Charge):
            steps = list(zip(r.history, know.step_keys(r), strict=True))
            before = [s for s, (k, _) in steps if k <= key]
            for step, (skey, src) in steps:
                if skey > key:
                    add("changed", r, f"new step: {step.status}{_when(step.date)}", src, skey)
            if (
                before
                and before[-1] is not r.history[-1]
                and before[-1].status != r.history[-1].status
            ):
                last, (lkey, lsrc) = steps[-1]
                add(
                    "superseded",
                    r,
                    f"status {before[-1].status}{_when(before[-1].date)} → now {last.status}"
                    f"{_when(last.date)}",
                    lsrc,
                    lkey,
                )
        for name in nested_fields(r):
            if name == "history" and isinstance(r, Charge):
                continue
            for item, (ikey, src) in zip(getattr(r, name), know.item_keys(r, name), strict=True):
                if ikey > key:
                    add("changed", r, f"new {_singular(name)}: {_describe(item)}", src, ikey)
        if isinstance(r, Event) and r.date is not None and not r.scheduled:
            then_sources = {k: v for k, v in know.sources.items() if know.source_key[k] <= key}
            was = _restrict_record(r, know, key)[0]
            if vocab.after_its_source(was, then_sources, case.info.default_source):  # type: ignore[arg-type]
                reported = [
                    loc for loc in case.located.get(r.id, ()) if loc.source not in then_sources
                ]
                lkey, lsrc = know.first(reported)
                add("changed", r, f"no longer scheduled: took place{_when(r.date)}", lsrc, lkey)
        if parts is not None:
            for v, vloc in zip(r.disputed, parts.disputed, strict=True):
                vkey, vsrc = know.first(vloc)
                if vloc and vkey > key:
                    add("changed", r, f"{v.field} also stated as {v.value!r}", vsrc, vkey)
    then = _current_custody((c for c in case.of(Custody) if know.known(c.id) <= key), order)
    standing: dict[str, list[Record]] = {}
    for r in case.records:
        if r.KIND in STANDING_KINDS and know.known(r.id) > key:
            standing.setdefault(getattr(r, "person", ""), []).append(r)
    for person, old in then.items():
        # A person's custody is superseded by a later custody, or a later legal status (a
        # capture ordered, sheltering in an embassy) stated since.
        later = [
            r
            for r in standing.get(person, ())
            if r.id != old.id and _after(getattr(r, "start", None), old.start)
        ]
        if not later:
            continue
        later.sort(key=lambda r: (getattr(r, "start", None) or PartialDate("", "year")).value)
        now = "; ".join(
            f"{getattr(r, 'status', '')}{_when(getattr(r, 'start', None))}" for r in later
        )
        newest = later[-1]
        add(
            "superseded",
            old,
            f"superseded by {now}",
            know.source_of(newest.id),
            know.known(newest.id),
        )
    items.sort(
        key=lambda c: (
            c.key,
            c.source or "",
            ("new", "changed", "superseded").index(c.what),
            order[c.record],
        )
    )
    since = tuple(m for m in know.points if m.key > key)
    return Changes(cutoff, since, tuple(items))


def _title(r: Record, case: Case) -> str:
    spec = kinds.of(r)
    return spec.title(r, _context(case))


_CONTEXTS: dict[int, kinds.Context] = {}


def _context(case: Case) -> kinds.Context:
    ctx = _CONTEXTS.get(id(case))
    if ctx is None or ctx.case is not case:
        _CONTEXTS.clear()
        ctx = _CONTEXTS[id(case)] = kinds.Context(case)
    return ctx


HEADS: dict[ChangeKind, str] = {
    "new": "New",
    "changed": "Changed",
    "superseded": "Superseded",
}


def changes_markdown(changes: Changes, case_title: str) -> str:
    """The "what's new" brief: the sources since, then the new, changed and superseded facts, each
    with its source. Every value from the data is escaped (:mod:`dossier.markdown`)."""
    from dossier.markdown import code, heading, inline

    c = changes.cutoff
    out = [
        heading(1, f"What changed since {c.moment.when}"),
        "",
        f"{inline(case_title)}: what the sources published after {inline(c.label)} "
        f"(as of {inline(key_display(c.key))}) add to the case.",
        "",
        heading(2, "Sources since"),
        "",
    ]
    if changes.sources:
        out += [f"- {inline(m.title)} ({inline(m.when)}) {code(m.source)}" for m in changes.sources]
    else:
        out.append("No source was published since.")
    for what, head in HEADS.items():
        listed = changes.of(what)
        out += ["", heading(2, f"{head} ({len(listed)})"), ""]
        if not listed:
            out.append("Nothing.")
        for ch in listed:
            said = f" — {inline(ch.text)}" if ch.text != ch.title else ""
            src = (
                f" *Source:* {inline(ch.source_title)} ({inline(ch.source_date)})"
                if ch.source
                else ""
            )
            out.append(f"- **{inline(ch.kind)}:** {inline(ch.title)}{said}.{src} {code(ch.record)}")
    return "\n".join(out) + "\n"
