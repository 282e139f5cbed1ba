"""Read and check the case file: a human-edited TOML document that holds the whole case.

Loading turns the TOML into typed, frozen records (:class:`Case`) and checks everything that can be
checked without a database: field names and types, required fields, ids, references between records,
dates, and that every cited span is found exactly once in its source. Every error names the place as
``file:line`` and the record id, in one line.

The field declarations of the dataclasses below *are* the case-file format: the README documents
them, and the loader reads them to know which keys each kind of record takes.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, ClassVar

from dossier import bounded, deferred, sources
from dossier.dates import DateError, PartialDate, known_from
from dossier.deferred import dataclass
from dossier.errors import CaseFileError
from dossier.errors import shown as shown_path
from dossier.evidence import Span, SpanError, SpanFinder
from dossier.progress import QUIET, Reporter, counted
from dossier.words import did_you_mean

FORMAT_VERSION = 1
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


# --------------------------------------------------------------------------------------------------
# Field helpers: metadata tells the loader what a field refers to or which values it allows.


def ref(*kinds: str, required: bool = True) -> Any:
    """A reference to the id of a record of one of ``kinds``."""
    meta = {"ref": kinds}
    return field(metadata=meta) if required else field(default=None, metadata=meta)


def refs(*kinds: str) -> Any:
    return field(default=(), metadata={"ref": kinds})


def choice(*values: str, default: str | None = None, required: bool = True) -> Any:
    meta = {"choices": values}
    if required and default is None:
        return field(metadata=meta)
    return field(default=default, metadata=meta)


def pairs() -> Any:
    """A table of strings keyed by field name (``inferred = { penalty = "the rule" }``)."""
    return field(default=(), metadata={"pairs": True})


def doc(text: str, default: Any = dataclasses.MISSING) -> Any:
    return field(default=default, metadata={"doc": text})


# --------------------------------------------------------------------------------------------------
# Values inside records.


@dataclass(frozen=True)
class Evidence:
    """A cited span: the exact words, and optionally the words just before/after to pick one."""

    quote: str
    source: str | None = None
    prefix: str | None = None
    suffix: str | None = None


VERDICTS = ("convicted", "acquitted", "dismissed", "time-barred")
"""The steps of a charge's history that are a court's verdict on it (an appeal is of one)."""


@dataclass(frozen=True)
class StatusStep:
    """One step in a charge's history: charged, indicted, on trial, a verdict (convicted,
    acquitted, dismissed, time-barred), appealed."""

    status: str = choice("charged", "indicted", "on trial", *VERDICTS[:3], "appealed", VERDICTS[3])
    date: PartialDate | None = None
    offence: str | None = None
    """For a conviction: the offence the defendant was convicted of, when the source names it
    (``"conspiracy to commit rebellion"`` on a charge of rebellion)."""
    evidence: tuple[Evidence, ...] = ()
    """The words that support this step ("acquitted her of abuse of authority")."""


PENALTIES = ("prison", "disqualification", "fine", "civil damages")
"""The parts a sentence is made of: a term (prison, disqualification) or an amount (fine, civil
damages)."""


@dataclass(frozen=True)
class SentencePart:
    """One part of a sentence: a prison term (suspended or not), a disqualification for a term, a
    fine or civil damages as an amount in a currency."""

    penalty: str = choice(*PENALTIES)
    term: str | None = None
    """An ISO 8601 duration (``P2Y``): required for prison and disqualification."""
    suspended: bool = False
    """A prison term the person does not serve unless the terms of the suspension are broken."""
    amount: int | None = None
    """A fine or civil damages, in whole units of ``currency``: S/12 million is ``12000000``."""
    currency: str | None = None
    """The ISO 4217 code of the amount's currency (``PEN``, ``USD``, ``EUR``): required with it."""
    description: str | None = None
    """What it bars from, who pays whom, as the source says it (``from holding public office``)."""
    projected_end: PartialDate | None = None
    """When the term would end, as computed by the court or the source: shown as projected,
    never as a fact."""
    evidence: tuple[Evidence, ...] = ()
    """The words that state this part."""


@dataclass(frozen=True)
class Variant:
    """Another value stated for one field of a record (by another source, or another party): the
    record is disputed, and both values are kept, each with its evidence."""

    field: str
    value: str
    evidence: tuple[Evidence, ...] = ()
    according_to: str | None = None


@dataclass(frozen=True)
class Located:
    """An evidence item resolved against its source."""

    source: str
    span: Span


ENTITY = ("person", "organization")
ASSERTIONS = ("states", "claims", "accuses", "denies", "confirms", "declines to comment")
"""How a party asserts what a record holds (:mod:`dossier.claims` says it in words)."""


# --------------------------------------------------------------------------------------------------
# Records. ``TABLE`` is the TOML array-of-tables name; ``KIND`` the kind stored in the database.


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Record:
    """What every record kind has. A plain dataclass, made at import, unlike the kinds (made at
    their first instance, :mod:`dossier.deferred`): a kind declared elsewhere with
    :func:`dataclasses.dataclass` (a test's, a plug-in's) finds its fields here."""

    TABLE: ClassVar[str] = ""
    KIND: ClassVar[str] = ""

    id: str
    evidence: tuple[Evidence, ...] = ()
    source: str | None = None
    """Default source for this record's evidence items (else the case's ``default_source``)."""
    # Who says so (:mod:`dossier.claims`): every kind has these; the build fills them in for a
    # record whose evidence lies inside a quote's words.
    according_to: str | None = ref(*ENTITY, required=False)
    """The party that asserts this record; none: the source, in its own voice."""
    assertion: str | None = choice(*ASSERTIONS, required=False)
    """How the party asserts it (states, claims, accuses...)."""
    via: str | None = ref("quote", required=False)
    """The quote or reported statement whose words carry this record."""
    responds_to: str | None = ref(required=False)
    """Another party's claim that this record answers (a denial, a "no comment")."""
    source_voice: bool = False
    """Said explicitly: the source states this itself (an error when every span is a quote's)."""
    inferred: tuple[tuple[str, str], ...] = pairs()
    """Fields the analyst derived rather than read, each with its rule: ``{ charge = "…" }``."""
    disputed: tuple[Variant, ...] = ()
    """Other values stated for its fields (``[{ field = "term", value = "P35Y", evidence = […] }]``):
    their evidence comes after the record's own."""

    def evidence_items(self) -> tuple[Evidence, ...]:
        return self.evidence + self.disputed_evidence()

    def disputed_evidence(self) -> tuple[Evidence, ...]:
        return tuple(e for v in self.disputed for e in v.evidence)


@dataclass(frozen=True, kw_only=True)
class Source(Record):
    """A text file in seeds/, checked against its sha256; its evidence (words showing what it
    is: its title, its date) is in itself unless it names another source."""

    TABLE: ClassVar[str] = "sources"
    KIND: ClassVar[str] = "source"

    title: str
    title_editorial: bool = False
    """True when the title is the analyst's, because the source prints none."""
    file: str
    published: PartialDate | None = None
    """Publication date, as far as the source states it; left out when it states none (then
    ``retrieved`` says when it was read)."""
    language: str
    sha256: str
    publisher: str | None = None
    url: str | None = None
    retrieved: PartialDate | None = None
    """When the text was retrieved (saved) from ``url``: a source may be read long after, or
    before a correction of, its publication."""

    @property
    def known_from(self) -> PartialDate:
        """From when what it says is known: its publication, else its retrieval."""
        return known_from(self.id, self.published, self.retrieved)


@dataclass(frozen=True, kw_only=True)
class Person(Record):
    TABLE: ClassVar[str] = "people"
    KIND: ClassVar[str] = "person"

    type: str = choice("person", "group", default="person")
    name: str
    aliases: tuple[str, ...] = ()
    """Other spellings the sources print (each must occur in a source)."""
    editorial_aliases: tuple[str, ...] = ()
    """Spellings from outside the sources (the usual spelling of a misspelt name)."""
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Organization(Record):
    TABLE: ClassVar[str] = "organizations"
    KIND: ClassVar[str] = "organization"

    type: str = choice(
        "state",
        "government",
        "legislature",
        "prosecution",
        "court",
        "embassy",
        "media",
        "organisation",
        default="organisation",
    )
    name: str
    aliases: tuple[str, ...] = ()
    editorial_aliases: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class Role(Record):
    TABLE: ClassVar[str] = "roles"
    KIND: ClassVar[str] = "role"

    holder: str = ref(*ENTITY)
    title: str
    organization: str | None = ref("organization", required=False)
    of: str | None = ref(*ENTITY, required=False)
    """For a role held for someone: the lawyer *of* a client."""
    status: str | None = choice("current", "former", required=False)
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Charge(Record):
    TABLE: ClassVar[str] = "charges"
    KIND: ClassVar[str] = "charge"

    defendant: str = ref("person")
    offence: str
    alleges: str | None = None
    plea: str | None = choice("denies", "admits", required=False)
    history: tuple[StatusStep, ...] = ()

    def evidence_items(self) -> tuple[Evidence, ...]:
        steps = tuple(e for step in self.history for e in step.evidence)
        return self.evidence + steps + self.disputed_evidence()


@dataclass(frozen=True, kw_only=True)
class Sentence(Record):
    TABLE: ClassVar[str] = "sentences"
    KIND: ClassVar[str] = "sentence"

    defendant: str = ref("person")
    kind: str = choice("requested", "imposed")
    """``requested`` by prosecutors, or ``imposed`` by a court: never to be confused."""
    by: str = ref(*ENTITY)
    charge: str | None = ref("charge", required=False)
    """The charge it is for: one of the defendant's own."""
    penalty: str | None = None
    """Only when the source says it ("a 25-year prison sentence")."""
    term: str | None = None
    """An ISO 8601 duration: ``P34Y``, ``P11Y5M15D``. Required unless the sentence has ``parts``."""
    date: PartialDate | None = None
    parts: tuple[SentencePart, ...] = ()
    """The sentence as parts: ``[{ penalty = "prison", term = "P4Y", suspended = true },
    { penalty = "disqualification", term = "P2Y" }, { penalty = "civil damages",
    amount = 12000000, currency = "PEN" }]``."""

    def evidence_items(self) -> tuple[Evidence, ...]:
        parts = tuple(e for part in self.parts for e in part.evidence)
        return self.evidence + parts + self.disputed_evidence()


@dataclass(frozen=True, kw_only=True)
class Custody(Record):
    TABLE: ClassVar[str] = "custody"
    KIND: ClassVar[str] = "custody"

    person: str = ref("person")
    status: str = choice(
        "arrested",
        "preventive detention",
        "released on bail",
        "house arrest",
        "released",
        "in prison",
    )
    start: PartialDate | None = None
    end: PartialDate | None = None


LEGAL_STATUSES = (
    "capture ordered",
    "wanted abroad",
    "sheltering in embassy",
    "extradition requested",
)


@dataclass(frozen=True, kw_only=True)
class LegalStatus(Record):
    TABLE: ClassVar[str] = "legal_status"
    KIND: ClassVar[str] = "legal_status"

    person: str = ref("person")
    status: str = choice(*LEGAL_STATUSES)
    """Beside custody: a capture ordered, wanted abroad (an Interpol notice), sheltering in an
    embassy, extradition requested. A later one supersedes an earlier custody status."""
    where: str | None = None
    """Where it holds, as the source says it (``in Peru and abroad``)."""
    by: str | None = ref(*ENTITY, required=False)
    """Who ordered or requested it (a court, a government, Interpol)."""
    embassy: str | None = ref("organization", required=False)
    """Where the person shelters."""
    state: str | None = ref("organization", required=False)
    """The state asked to extradite, or whose embassy it is."""
    start: PartialDate | None = None
    end: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Appeal(Record):
    TABLE: ClassVar[str] = "appeals"
    KIND: ClassVar[str] = "appeal"

    by: str = ref(*ENTITY)
    """Who appeals (the defendant, the prosecution)."""
    charge: str | None = ref("charge", required=False)
    """The charge whose verdict is appealed: it must have one (convicted, acquitted...)."""
    sentence: str | None = ref("sentence", required=False)
    """The imposed sentence appealed."""
    court: str | None = ref("organization", required=False)
    """The court that hears the appeal."""
    status: str = choice("announced", "filed", "pending", "decided")
    outcome: str | None = choice("upheld", "overturned", "modified", required=False)
    """Only for a decided appeal: the verdict or sentence upheld, overturned or modified."""
    date: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Asylum(Record):
    TABLE: ClassVar[str] = "asylum"
    KIND: ClassVar[str] = "asylum"

    type: str = choice(
        "sought", "fled to embassy", "intercepted", "granted", "refused", "safe conduct"
    )
    person: str = ref(*ENTITY)
    state: str = ref("organization")
    embassy: str | None = ref("organization", required=False)
    description: str | None = None
    date: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Diplomatic(Record):
    TABLE: ClassVar[str] = "diplomatic"
    KIND: ClassVar[str] = "diplomatic"

    type: str = choice(
        "ambassador expelled",
        "ambassador recalled",
        "relations severed",
        "relations deteriorated",
        "relations restored",
        "protest",
    )
    actor: str = ref("organization")
    counterpart: str = ref("organization")
    by: str | None = ref("person", required=False)
    description: str | None = None
    date: PartialDate | None = None


@dataclass(frozen=True, kw_only=True)
class Event(Record):
    TABLE: ClassVar[str] = "events"
    KIND: ClassVar[str] = "event"

    type: str
    title: str
    participants: tuple[str, ...] = refs(*ENTITY)
    description: str | None = None
    date: PartialDate | None = None
    scheduled: bool = False
    """Announced for a later date than its source's publication: shown as scheduled, not as a
    past fact. An event dated after every source citing it is scheduled without saying so."""


@dataclass(frozen=True, kw_only=True)
class Quote(Record):
    TABLE: ClassVar[str] = "quotes"
    KIND: ClassVar[str] = "quote"

    kind: str = choice("direct", "reported", "epithet")
    text: str
    """The words themselves, exactly as the source prints them; cited automatically."""
    speakers: tuple[str, ...] = refs(*ENTITY)
    """Who said it; empty for an unattributed quote or epithet."""
    mentions: tuple[str, ...] = refs(*ENTITY)
    """Who it names or is about."""
    date: PartialDate | None = None
    context: str | None = None

    def evidence_items(self) -> tuple[Evidence, ...]:
        return (Evidence(quote=self.text, source=self.source), *self.evidence_items_of_record())

    def evidence_items_of_record(self) -> tuple[Evidence, ...]:
        return self.evidence + self.disputed_evidence()


@dataclass(frozen=True, kw_only=True)
class Note(Record):
    TABLE: ClassVar[str] = "notes"
    KIND: ClassVar[str] = "note"

    kind: str = choice("discrepancy", "editorial")
    """``discrepancy``: inside the sources; ``editorial``: the analyst's, from outside them."""
    text: str
    about: tuple[str, ...] = refs()
    basis: str | None = None
    """For an editorial note: where the analyst's knowledge comes from."""


def record_kinds() -> dict[str, type[Record]]:
    """The case file's arrays of tables (``people``, ``charges``...) → their record class: every
    kind of the registry (:mod:`dossier.kinds`), in its order."""
    from dossier import kinds

    return kinds.by_case_table()


@dataclass(frozen=True)
class SummaryStatement:
    """One dated statement of the case summary (``[[case.summary]]``): its words, and the evidence
    that dates it (:mod:`dossier.asof` shows the summary as of a date from them)."""

    text: str
    evidence: tuple[Evidence, ...]
    source: str | None = None
    line: int = 0
    located: tuple[Located, ...] = ()


@dataclass(frozen=True)
class CaseInfo:
    id: str
    title: str
    summary: str
    """The summary's words: the free text, or the dated statements joined."""
    default_source: str | None = None
    statements: tuple[SummaryStatement, ...] = ()
    """The summary as dated statements, when written as ``[[case.summary]]`` tables."""


@dataclass(frozen=True)
class Case:
    """A loaded, checked case file."""

    path: Path
    sha256: str
    info: CaseInfo
    records: tuple[Record, ...]
    texts: Mapping[str, str]
    """Source id → the source's text."""
    located: Mapping[str, tuple[Located, ...]]
    """Record id → its evidence, resolved to spans."""
    lines: Mapping[str, int]
    """Record id → the case-file line where it starts."""

    def of(self, kind: type[Record]) -> list[Any]:
        return [r for r in self.records if isinstance(r, kind)]

    def by_id(self) -> dict[str, Record]:
        return {r.id: r for r in self.records}


# --------------------------------------------------------------------------------------------------
# Where things are in the TOML text, for file:line messages.


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


class _Lines:
    """Line numbers of each ``[[table]]`` occurrence and of each key inside it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers: dict[tuple[str, int], int] = {}
        self.keys: dict[tuple[str, int, str], int] = {}
        counts: dict[str, int] = {}
        current: tuple[str, int] = ("", 0)
        in_string = False
        for number, line in enumerate(text.splitlines(), start=1):
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                if in_string:
                    in_string = False
                    continue
                in_string = True
                key = _KEY.match(line)
                if key:
                    self.keys.setdefault((*current, key.group(1)), number)
                continue
            if in_string:
                continue
            header = _HEADER.match(line)
            if header:
                name = header.group(2)
                index = counts.get(name, 0) if header.group(1) == "[[" else 0
                counts[name] = index + 1
                current = (name, index)
                self.headers[current] = number
                continue
            key = _KEY.match(line)
            if key:
                self.keys.setdefault((*current, key.group(1)), number)

    def line(self, table: str, index: int, key: str | None = None) -> int:
        if key is not None and (table, index, key) in self.keys:
            return self.keys[(table, index, key)]
        return self.headers.get((table, index), 1)

    def item_line(self, table: str, index: int, key: str, item: int) -> int:
        """The line where item ``item`` of the array ``key = [ … ]`` starts (a history step, an
        evidence item); the key's line when it cannot be told. Read only for an error message."""
        start = self.line(table, index, key)
        if (table, index, key) not in self.keys:
            return start
        from dossier.authoring import array_item_lines

        found = array_item_lines(self.text, start)
        return found[item] if item < len(found) else start


# --------------------------------------------------------------------------------------------------
# Conversion of TOML values to the declared field types.


_ITEM_KEY = re.compile(r"([A-Za-z0-9_]+)\[(\d+)\]")


class _Where:
    def __init__(
        self,
        path: str,
        lines: _Lines,
        table: str,
        index: int,
        rid: str | None,
        item: tuple[str, int] | None = None,
    ) -> None:
        self.path, self.lines, self.table, self.index, self.rid = path, lines, table, index, rid
        self.item = item
        """(key, position) of the array item this place is inside (a history step)."""

    def at(self, key: str, position: int) -> _Where:
        """The place of item ``position`` of the array ``key`` (its errors name its own line)."""
        if self.item is not None:  # an item inside an item: its enclosing item's line
            return self
        return _Where(self.path, self.lines, self.table, self.index, self.rid, (key, position))

    def fail(self, key: str | None, message: str) -> CaseFileError:
        """The error at ``key``'s line; ``key`` may name an item of an array (``parts[1]``, the
        second part), whose own line it then gives."""
        item = _ITEM_KEY.fullmatch(key) if key is not None and self.item is None else None
        if item is not None:
            return self.at(item.group(1), int(item.group(2))).fail(item.group(1), message)
        if self.item is not None:
            line = self.lines.item_line(self.table, self.index, *self.item)
        else:
            line = self.lines.line(self.table, self.index, key)
        who = (
            f"[[{self.table}]] {self.rid!r}" if self.rid else f"[[{self.table}]] #{self.index + 1}"
        )
        return CaseFileError(f"{self.path}:{line}: {who}: {message}")


def _type_name(value: Any) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


def _strip_optional(hint: Any) -> tuple[Any, bool]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0], True
    return hint, False


def _date(value: Any, where: _Where, key: str) -> PartialDate:
    try:
        if isinstance(value, str):
            return PartialDate.parse(value)
        if isinstance(value, dict):
            unknown = set(value) - {"value", "text", "rule", "approx"}
            if unknown:
                bad = sorted(unknown)[0]
                near = did_you_mean(bad, ("value", "text", "rule", "approx"))
                raise where.fail(
                    key,
                    f"date has unknown key {bad!r}{near}; a date takes: value, text, rule, approx",
                )
            if not isinstance(value.get("value"), str):
                raise where.fail(key, 'date table needs value = "YYYY[-MM[-DD]]"')
            for k in ("text", "rule"):
                if k in value and not isinstance(value[k], str):
                    raise where.fail(key, f"date {k} must be a string")
            approx = value.get("approx", False)
            if not isinstance(approx, bool):
                raise where.fail(key, "date approx must be true or false")
            return PartialDate.parse(value["value"], value.get("text"), value.get("rule"), approx)
    except DateError as exc:
        raise where.fail(key, f"{key}: {exc}") from None
    raise where.fail(key, f"{key} must be a date string or table, not {_type_name(value)}")


def _evidence(value: Any, where: _Where, key: str) -> Evidence:
    if isinstance(value, str):
        return Evidence(quote=value)
    if isinstance(value, dict):
        allowed = {"quote", "source", "prefix", "suffix"}
        unknown = set(value) - allowed
        if unknown:
            bad = sorted(unknown)[0]
            near = did_you_mean(bad, allowed)
            raise where.fail(
                key,
                f"evidence has unknown key {bad!r}{near}; "
                "an evidence item takes: quote, source, prefix, suffix",
            )
        if not isinstance(value.get("quote"), str):
            raise where.fail(key, 'evidence table needs quote = "the exact words"')
        for k in ("source", "prefix", "suffix"):
            if k in value and not isinstance(value[k], str):
                raise where.fail(key, f"evidence {k} must be a string")
        return Evidence(
            quote=value["quote"],
            source=value.get("source"),
            prefix=value.get("prefix"),
            suffix=value.get("suffix"),
        )
    raise where.fail(
        key, f"each evidence item must be a string or a table, not {_type_name(value)}"
    )


def _convert(value: Any, hint: Any, where: _Where, key: str) -> Any:
    hint, _ = _strip_optional(hint)
    if hint is str:
        if not isinstance(value, str):
            raise where.fail(key, f"{key} must be a string, not {_type_name(value)}")
        if not value.strip():
            raise where.fail(key, f"{key} is empty")
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise where.fail(key, f"{key} must be true or false, not {_type_name(value)}")
        return value
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise where.fail(key, f"{key} must be a whole number, not {_type_name(value)}")
        return value
    if hint is PartialDate:
        return _date(value, where, key)
    if typing.get_origin(hint) is tuple:
        (item,) = typing.get_args(hint)[:1]
        if not isinstance(value, list):
            raise where.fail(key, f"{key} must be a list, not {_type_name(value)}")
        if item is str:
            out = []
            for v in value:
                if not isinstance(v, str) or not v.strip():
                    raise where.fail(key, f"{key} must be a list of non-empty strings")
                out.append(v)
            return tuple(out)
        if item is Evidence:
            return tuple(_evidence(v, where.at(key, i), key) for i, v in enumerate(value))
        if isinstance(item, type) and deferred.is_dataclass(item):  # a step, a disputed value
            return tuple(_table(item, v, where.at(key, i), key) for i, v in enumerate(value))
    raise AssertionError(f"unsupported field type {hint!r}")  # pragma: no cover


_SHAPES: dict[type[Any], tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]] = {}
_REFS: dict[type[Any], tuple[tuple[str, tuple[str, ...]], ...]] = {}


def _shape(cls: type[Any]) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """Type hints and fields of a record class, computed once per class, not once per record."""
    if cls not in _SHAPES:
        _SHAPES[cls] = typing.get_type_hints(cls), {f.name: f for f in deferred.fields(cls)}
    return _SHAPES[cls]


def ref_fields(cls: type[Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(field name, kinds it may refer to) of every reference field of a record class."""
    if cls not in _REFS:
        _REFS[cls] = tuple(
            (f.name, f.metadata["ref"]) for f in deferred.fields(cls) if "ref" in f.metadata
        )
    return _REFS[cls]


def _table(cls: type[Any], raw: Any, where: _Where, key: str | None) -> Any:
    if not isinstance(raw, dict):
        raise where.fail(key, f"{key or cls.TABLE} must be a table, not {_type_name(raw)}")
    hints, fields = _shape(cls)
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name not in fields:
            near = did_you_mean(name, fields)
            table = getattr(cls, "TABLE", "")
            what = f"{key} item" if key else f"[[{table}]]" if table else cls.__name__
            base = _shape(Record)[1] if isinstance(cls, type) and issubclass(cls, Record) else {}
            own = [n for n in fields if n not in base]  # the kind's own fields first
            allowed = ", ".join([*own, *(n for n in fields if n in base)])
            raise where.fail(
                key or name, f"unknown field {name!r}{near}; a {what} takes: {allowed}"
            )
        f = fields[name]
        if f.metadata.get("pairs"):
            values[name] = _pairs(value, fields, where, key or name)
            continue
        values[name] = _convert(value, hints[name], where, key or name)
        choices = f.metadata.get("choices")
        if choices and values[name] not in choices:
            allowed = ", ".join(repr(c) for c in choices)
            near = did_you_mean(values[name], choices)
            raise where.fail(key or name, f"{name} {values[name]!r} is not one of {allowed}{near}")
    for name, f in fields.items():
        missing = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if missing and name not in values:
            raise where.fail(key, f"missing required field {name!r}")
    return cls(**values)


def _pairs(
    value: Any, fields: Mapping[str, Any], where: _Where, key: str
) -> tuple[tuple[str, str], ...]:
    """``{ field = "rule" }``: each key a field of the record, each rule a non-empty string."""
    if not isinstance(value, dict):
        raise where.fail(key, f'{key} must be a table of field = "rule", not {_type_name(value)}')
    out = []
    for name, rule in value.items():
        if name not in fields or name in {"id", "evidence", "source", key}:
            near = did_you_mean(name, fields)
            raise where.fail(key, f"{key}: {name!r} is not a field of this record{near}")
        if not isinstance(rule, str) or not rule.strip():
            raise where.fail(key, f"{key}: the rule for {name!r} must be a non-empty string")
        out.append((name, rule))
    return tuple(out)


# --------------------------------------------------------------------------------------------------
# Loading and checking.


def parse_term(term: str) -> tuple[int, int, int]:
    """``P34Y`` → (34, 0, 0). Raises ValueError for anything else."""
    match = _ISO_DURATION.match(term)
    if not match or term == "P":
        raise ValueError(f"term {term!r} is not an ISO 8601 duration like P34Y or P11Y5M15D")
    y, m, d = (int(g) if g else 0 for g in match.groups())
    return y, m, d


def describe_term(term: str) -> str:
    """``P34Y`` → ``34 years``; ``P11Y5M15D`` → ``11 years, 5 months and 15 days``."""
    from dossier.words import join_and, plural

    units = zip(parse_term(term), ("year", "month", "day"), strict=True)
    return join_and([plural(n, unit) for n, unit in units if n]) or "no term"


def load(path: Path, *, root: Path | None = None, progress: Reporter = QUIET) -> Case:
    """Read, convert and check the case file at ``path``; sources are read relative to ``root``
    (by default the folder above the case file's folder, the project root). ``progress`` is told
    how the evidence check goes (:mod:`dossier.progress`)."""
    shown = shown_path(path)
    progress.phase("reading the case file")
    raw_bytes, text = _read_case_file(path, shown)
    data = _parse_toml(text, shown)
    lines = _Lines(text)
    root = root if root is not None else path.resolve().parent.parent
    tables = record_kinds()
    info = _check_top(data, shown, lines, tables)
    records, record_lines = _convert_records(data, shown, lines, tables)
    placed = _Placement(shown, lines, records)
    _check_references(records, placed)
    if info.default_source is not None and placed.kinds.get(info.default_source) != "source":
        raise _top_fail(
            shown,
            lines,
            "default_source",
            f"default_source {info.default_source!r} is not a source id",
        )
    from dossier import vocab  # verdicts, sentence parts, appeals, scheduled events

    for record in records:
        vocab.check(record, placed.by_id, placed.of(record), info.default_source)
    texts = _read_sources(records, placed, root)
    located = _locate_evidence(records, placed, texts, info, progress)
    info = _locate_summary(info, texts, shown)
    from dossier import claims

    records = claims.attribute(records, located, placed.of)
    records = vocab.mark_scheduled(list(records), info.default_source)
    return Case(
        path=path,
        sha256=sources.sha256_hex(raw_bytes),
        info=info,
        records=tuple(records),
        texts=texts,
        located=located,
        lines=record_lines,
    )


def _top_fail(shown: str, lines: _Lines, key: str, message: str) -> CaseFileError:
    return CaseFileError(f"{shown}:{lines.line('', 0, key)}: {message}")


def _read_case_file(path: Path, shown: str) -> tuple[bytes, str]:
    raw_bytes = bounded.read_case_file(path, shown)  # a regular file, of bounded size
    try:
        return raw_bytes, raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        raise CaseFileError(f"{shown}:{line}: the case file is not UTF-8 text") from None


def _parse_toml(text: str, shown: str) -> dict[str, Any]:
    import tomllib  # here: the brief and the app import this module, and never parse

    bounded.check_text(text, shown)  # lines, line length, nesting depth
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError(
            f"{shown}:{_toml_line(exc)}: malformed TOML: {_toml_msg(exc)}"
        ) from None
    except RecursionError:
        raise bounded.too_deep(shown) from None


def _check_top(
    data: Mapping[str, Any], shown: str, lines: _Lines, tables: Mapping[str, type[Record]]
) -> CaseInfo:
    """The top level: known tables only, the format version, and the ``[case]`` table."""
    known_top = {"format", "case", *tables}
    for key in data:
        if key not in known_top:
            raise _top_fail(
                shown,
                lines,
                key,
                f"unknown table or key {key!r}{did_you_mean(key, known_top)}",
            )
    if data.get("format") != FORMAT_VERSION:
        raise _top_fail(
            shown,
            lines,
            "format",
            f"format must be {FORMAT_VERSION} (this program reads format {FORMAT_VERSION})",
        )
    case_raw = data.get("case")
    if not isinstance(case_raw, dict):
        raise _top_fail(shown, lines, "case", "missing [case] table with id, title and summary")
    return _case_info(case_raw, shown, lines)


def _convert_records(
    data: Mapping[str, Any], shown: str, lines: _Lines, tables: Mapping[str, type[Record]]
) -> tuple[list[Record], dict[str, int]]:
    """Every ``[[table]]`` to its record class, in the registry's order; ids are unique slugs."""
    records: list[Record] = []
    record_lines: dict[str, int] = {}
    for table, cls in tables.items():
        rows = data.get(table, [])
        if not isinstance(rows, list):
            raise _top_fail(shown, lines, table, f"{table} must be written as [[{table}]] tables")
        for index, raw in enumerate(rows):
            rid = raw.get("id") if isinstance(raw, dict) else None
            where = _Where(shown, lines, table, index, rid if isinstance(rid, str) else None)
            record = _table(cls, raw, where, None)
            if not SLUG.match(record.id):
                raise where.fail(
                    "id", f"id {record.id!r} is not a slug (lower-case words joined by -)"
                )
            if record.id in record_lines:
                raise where.fail(
                    "id",
                    f"duplicate id {record.id!r} (first defined at line {record_lines[record.id]})",
                )
            record_lines[record.id] = lines.line(table, index, "id")
            records.append(record)
    return records, record_lines


class _Placement:
    """Where each record is in the case file, for its errors; and each id's kind."""

    def __init__(self, shown: str, lines: _Lines, records: list[Record]) -> None:
        self.shown, self.lines = shown, lines
        self.by_id = {r.id: r for r in records}
        self.kinds = {r.id: r.KIND for r in records}
        self.index = {r.id: (r.TABLE, idx) for r, idx in _indexed(records)}

    def of(self, record: Record) -> _Where:
        table, idx = self.index[record.id]
        return _Where(self.shown, self.lines, table, idx, record.id)


def _check_references(records: list[Record], placed: _Placement) -> None:
    """Every reference names a record of an allowed kind; terms and editorial bases are there."""
    for record in records:
        w = placed.of(record)
        for name, kinds in ref_fields(type(record)):
            value = getattr(record, name)
            for target in value if isinstance(value, tuple) else (value,):
                if target is None:
                    continue
                if target not in placed.kinds:
                    near = did_you_mean(
                        target,
                        {k: v for k, v in placed.kinds.items() if not kinds or v in kinds},
                    )
                    raise w.fail(name, f"{name} refers to unknown id {target!r}{near}")
                if kinds and placed.kinds[target] not in kinds:
                    want = " or ".join(kinds)
                    raise w.fail(
                        name, f"{name} {target!r} is a {placed.kinds[target]}, expected a {want}"
                    )
        if isinstance(record, Sentence) and record.term is not None:
            try:
                parse_term(record.term)
            except ValueError as exc:
                raise w.fail("term", str(exc)) from None
        if isinstance(record, Source) and record.published is None and record.retrieved is None:
            raise w.fail(
                None,
                "a source needs published (as far as it states it) or, when it states no date, "
                "retrieved (when its text was saved)",
            )
        if isinstance(record, Note) and record.kind == "editorial" and not record.basis:
            raise w.fail(
                "basis", "an editorial note needs a basis: where the analyst's knowledge comes from"
            )


def _read_sources(records: list[Record], placed: _Placement, root: Path) -> dict[str, str]:
    """Every source's text: the file is there, unchanged (its sha256), and UTF-8."""
    texts: dict[str, str] = {}
    for source in (r for r in records if isinstance(r, Source)):
        w = placed.of(source)
        try:  # a regular file inside seeds/, of bounded size, or one line saying why not
            content = sources.read_source(root, source.file)
        except sources.ReadError as exc:
            raise w.fail(exc.key, exc.message) from None
        actual = sources.sha256_hex(content)
        if actual != source.sha256:
            raise w.fail(
                "sha256",
                f"{source.file} has sha256 {actual[:12]}…, the case file records "
                f"{source.sha256[:12]}… (the source changed; review it, then update sha256)",
            )
        try:
            texts[source.id] = content.decode("utf-8")
        except UnicodeDecodeError:
            raise w.fail("file", f"source file {source.file} is not UTF-8 text") from None
    return texts


def _locate_evidence(
    records: list[Record],
    placed: _Placement,
    texts: Mapping[str, str],
    info: CaseInfo,
    progress: Reporter = QUIET,
) -> dict[str, tuple[Located, ...]]:
    """Every record cites at least one span, each found exactly once in its source; the words a
    date was read from are inside a span; every printed spelling is printed in a source. Spans
    are found through one index per source (:class:`SpanFinder`), not one scan per span."""
    finder = SpanFinder(texts, _wanted(records, info.default_source, texts))
    located: dict[str, tuple[Located, ...]] = {}
    progress.phase("checking evidence", len(records))
    for record in counted(records, progress):
        w = placed.of(record)
        items = record.evidence_items()
        if not items:
            raise w.fail(
                "evidence", "no evidence: every record cites at least one span of a source"
            )
        found: list[Located] = []
        places = _evidence_places(record)
        for ev in items:
            place = places.get(id(ev))
            wi = w.at(*place) if place is not None else w
            sid = ev.source or record.source or _own_source(record) or info.default_source
            if sid is None:
                raise wi.fail(
                    "evidence", "evidence names no source and the case has no default_source"
                )
            if sid not in texts:
                near = did_you_mean(sid, texts)
                raise wi.fail("evidence", f"evidence cites unknown source {sid!r}{near}")
            try:
                span = finder.locate(sid, ev.quote, ev.prefix, ev.suffix)
            except SpanError as exc:
                message = f"evidence in {sid!r}: {exc}"
                if len(texts) > 1 and not finder.occurrences(sid, ev.quote):
                    from dossier.authoring import elsewhere

                    message = elsewhere(finder, sid, ev.quote, message)
                raise wi.fail(
                    "text"
                    if isinstance(record, Quote) and ev.quote == getattr(record, "text", None)
                    else "evidence",
                    message,
                ) from None
            found.append(Located(sid, span))
        located[record.id] = tuple(found)
        _check_date_words(record, found, w)
        for alias in (*getattr(record, "aliases", ()), getattr(record, "name", None)):
            if alias is None or isinstance(record, Source):
                continue
            if not finder.printed(alias):
                raise w.fail(
                    "aliases",
                    f"{alias!r} is not printed in any source; an outside spelling belongs in "
                    "editorial_aliases",
                )
    return located


def _own_source(record: Record) -> str | None:
    """A source's own words are the default source of its evidence (its title, its date)."""
    return record.id if isinstance(record, Source) else None


def _evidence_places(record: Record) -> dict[int, tuple[str, int]]:
    """Where each evidence item of a record is written: (the array's key, the item's position),
    by the item's identity — an item of ``evidence``, or inside a history step or a disputed
    value (the step's position), so that an error names its own line."""
    places: dict[int, tuple[str, int]] = {}
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if not isinstance(value, tuple):
            continue
        for i, item in enumerate(value):
            if isinstance(item, Evidence):
                places[id(item)] = (f.name, i)
            elif dataclasses.is_dataclass(item):
                for ev in getattr(item, "evidence", ()):
                    if isinstance(ev, Evidence):
                        places[id(ev)] = (f.name, i)
    return places


def _wanted(
    records: list[Record], default: str | None, texts: Mapping[str, str]
) -> Iterator[tuple[str, str]]:
    """(source id, words) of every span and printed name the checks will look for."""
    for record in records:
        for ev in record.evidence_items():
            sid = ev.source or record.source or _own_source(record) or default
            if sid is not None:
                yield sid, ev.quote
                if ev.prefix or ev.suffix:
                    yield sid, (ev.prefix or "") + ev.quote + (ev.suffix or "")
        if not isinstance(record, Source):
            for alias in (*getattr(record, "aliases", ()), getattr(record, "name", None)):
                if isinstance(alias, str):
                    yield from ((sid, alias) for sid in texts)


def _indexed(records: list[Record]) -> Iterator[tuple[Record, int]]:
    counts: dict[str, int] = {}
    for r in records:
        i = counts.get(r.TABLE, 0)
        counts[r.TABLE] = i + 1
        yield r, i


def _dates_of(record: Record) -> Iterator[tuple[str, PartialDate, int | None]]:
    """(key, date, position of the item of the array ``key`` it is in, or None) of every date of
    a record, those of its history steps (and any other items) included."""
    for f in dataclasses.fields(record):
        value = getattr(record, f.name)
        if isinstance(value, PartialDate):
            yield f.name, value, None
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if dataclasses.is_dataclass(item) and not isinstance(item, Evidence):
                    for g in dataclasses.fields(item):
                        date = getattr(item, g.name)
                        if isinstance(date, PartialDate):
                            yield f.name, date, i


def _check_date_words(record: Record, found: list[Located], w: _Where) -> None:
    """A date's ``text`` (the source's own words for it) must be in one of the record's spans."""
    for key, date, position in _dates_of(record):
        if not date.text:
            continue
        if not any(date.text in loc.span.exact for loc in found):
            raise (w.at(key, position) if position is not None else w).fail(
                key,
                f"{key} text {date.text!r} is not inside any of this record's evidence spans "
                f'(cite the words that hold it: dossier cite "{date.text}")',
            )


def _case_info(raw: dict[str, Any], shown: str, lines: _Lines) -> CaseInfo:
    where = _Where(shown, lines, "case", 0, None)
    allowed = {"id", "title", "summary", "default_source"}
    statements: tuple[SummaryStatement, ...] = ()
    for key, value in raw.items():
        if key not in allowed:
            raise where.fail(key, f"unknown field {key!r}{did_you_mean(key, allowed)}")
        if key == "summary" and isinstance(value, list):
            statements = _summary_statements(value, shown, lines)
            continue
        if not isinstance(value, str) or not value.strip():
            raise where.fail(key, f"{key} must be a non-empty string")
    for key in ("id", "title", "summary"):
        if key not in raw:
            raise where.fail(None, f"missing required field {key!r}")
    if not SLUG.match(raw["id"]):
        raise where.fail("id", f"id {raw['id']!r} is not a slug")
    summary = " ".join(st.text for st in statements) if statements else raw["summary"]
    return CaseInfo(raw["id"], raw["title"], summary, raw.get("default_source"), statements)


def _summary_statements(
    value: list[Any], shown: str, lines: _Lines
) -> tuple[SummaryStatement, ...]:
    """``[[case.summary]]`` tables: ``text`` and ``evidence`` (and optionally ``source``)."""
    out: list[SummaryStatement] = []
    if not value:
        raise _Where(shown, lines, "case", 0, None).fail("summary", "summary has no statements")
    for index, item in enumerate(value):
        where = _Where(shown, lines, "case.summary", index, None)
        if not isinstance(item, dict):
            raise where.fail(None, "each summary statement must be a table with text and evidence")
        for key in item:
            if key not in ("text", "evidence", "source"):
                raise where.fail(
                    key,
                    f"unknown field {key!r} (a summary statement has text, evidence and source)",
                )
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise where.fail("text", 'a summary statement needs text = "…"')
        evidence = item.get("evidence")
        if not isinstance(evidence, list) or not evidence:
            raise where.fail(
                "evidence", "a summary statement needs evidence: the words that date it"
            )
        source = item.get("source")
        if source is not None and not isinstance(source, str):
            raise where.fail("source", "source must be a source id")
        out.append(
            SummaryStatement(
                " ".join(text.split()),
                tuple(_evidence(e, where, "evidence") for e in evidence),
                source,
                lines.line("case.summary", index, None),
            )
        )
    return tuple(out)


def _locate_summary(info: CaseInfo, texts: Mapping[str, str], shown: str) -> CaseInfo:
    """Find each summary statement's evidence in its sources, as a record's is."""
    if not info.statements:
        return info
    wanted = [
        (e.source or st.source or info.default_source or "", e.quote)
        for st in info.statements
        for e in st.evidence
    ]
    finder = SpanFinder(texts, wanted)
    located = []
    for st in info.statements:
        found = []
        for ev in st.evidence:
            sid = ev.source or st.source or info.default_source
            where = f"{shown}:{st.line}: case summary"
            if sid is None:
                raise CaseFileError(
                    f"{where}: evidence names no source and the case has no default_source"
                )
            if sid not in texts:
                raise CaseFileError(f"{where}: evidence cites unknown source {sid!r}")
            try:
                span = finder.locate(sid, ev.quote, ev.prefix, ev.suffix)
            except SpanError as exc:
                raise CaseFileError(f"{where}: evidence in {sid!r}: {exc}") from None
            found.append(Located(sid, span))
        located.append(dataclasses.replace(st, located=tuple(found)))
    return dataclasses.replace(info, statements=tuple(located))


def _toml_line(exc: ValueError) -> int:  # a tomllib.TOMLDecodeError
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def _toml_msg(exc: ValueError) -> str:  # a tomllib.TOMLDecodeError
    msg = getattr(exc, "msg", None) or str(exc)
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(msg))
