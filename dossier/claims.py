"""Who says so: every record is asserted by the source in its own voice or by a party of the dossier.

A record's attribution is three fields every kind has (:class:`dossier.casefile.Record`):
``according_to`` (the party), ``assertion`` (states, claims, accuses, denies, confirms, declines to
comment) and ``via`` (the quote whose words carry it). The case file may give them; when it does not,
:func:`attribute` reads them from the evidence: a record whose every cited span lies inside the words
of one quote or reported statement is that quote's speaker's claim, not the source's. A record marked
``source_voice = true`` whose every span is inside a quote is an error: the source does not say it.

:func:`attribution` then says it in words for the build — "according to Hugo de Zera (3 Nov 2025);
Mexico: no immediate comment" — and the build puts those words wherever the record is shown (its
title, its row, its timeline row, the Overview's key figures, the detail and the brief).

Standard library only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from dossier.casefile import ENTITY, Located, Note, Quote, Record, Source, parse_term
from dossier.deferred import dataclass

UNATTRIBUTED_KINDS = frozenset({"source", "quote", "note"})
"""Kinds that are no claim of their own: a source, a quote (its speaker says it) and a note."""
NAMED_KINDS = frozenset({"person", "organization"})
"""Kinds a quote's words may name without making them anyone's claim: that someone is named in a
quote says they exist, not what they did. The case file may still attribute one explicitly."""

VERB = {
    "states": ("said", "says"),
    "claims": ("claimed", "claims"),
    "accuses": ("accused", "accuses"),
    "denies": ("denied", "denies"),
    "confirms": ("confirmed", "confirms"),
    "declines to comment": ("declined to comment", "declines to comment"),
}
"""An assertion's verb in the past (the brief's prose) and the present (a label)."""

RESPONSE = {
    "denies": "denies",
    "confirms": "confirms",
    "declines to comment": "no comment",
}


def _inside(span: Located, carrier: Located) -> bool:
    return (
        span.source == carrier.source
        and carrier.span.start <= span.span.start
        and span.span.end <= carrier.span.end
    )


def quote_carrying(
    spans: Sequence[Located], quotes: Sequence[tuple[Quote, Located]]
) -> Quote | None:
    """The quote inside whose words every one of ``spans`` lies (the first in case order), else
    None: a record with one span outside every quote is, at least in part, the source's own."""
    if not spans:
        return None
    for quote, words in quotes:
        if all(_inside(s, words) for s in spans):
            return quote
    return None


def attribute(
    records: list[Record],
    located: Mapping[str, tuple[Located, ...]],
    where: Callable[[Record], Any],
) -> list[Record]:
    """The records with their attribution filled in from the quotes whose words carry them.

    ``where(record)`` gives the place for an error (``.fail(key, message)``)."""
    quotes = [(r, located[r.id][0]) for r in records if isinstance(r, Quote)]
    by_id = {q.id: q for q, _ in quotes}
    kinds = {r.id: r.KIND for r in records}
    out: list[Record] = []
    for r in records:
        _check_disputed(r, kinds, where)
        if isinstance(r, Quote):
            if r.according_to is not None:
                raise where(r).fail(
                    "according_to", "a quote's speakers say who asserts it: use speakers"
                )
            out.append(r)
            continue
        if isinstance(r, Source | Note):
            if r.according_to or r.assertion or r.via or r.responds_to or r.source_voice:
                key = next(
                    k
                    for k in ("according_to", "assertion", "via", "responds_to", "source_voice")
                    if getattr(r, k)
                )
                raise where(r).fail(key, f"a {r.KIND} is no one's claim: {key} does not apply")
            out.append(r)
            continue
        carrier = quote_carrying(own_spans(r, located), quotes)
        if r.source_voice:
            if r.according_to is not None:
                raise where(r).fail(
                    "source_voice", "source_voice and according_to: say one of them, not both"
                )
            if carrier is not None:
                who = _speakers(carrier)
                raise where(r).fail(
                    "source_voice",
                    f"marked as the source's own voice, but every span of its evidence is inside "
                    f"quote {carrier.id!r} ({who}'s words): set according_to, or cite the source's "
                    "own words",
                )
            out.append(r)
            continue
        via = by_id.get(r.via) if r.via else None
        if via is None and r.according_to is None and r.KIND not in NAMED_KINDS:
            via = carrier
        if via is None:
            out.append(r)
            continue
        party = r.according_to or (via.speakers[0] if via.speakers else None)
        out.append(
            dataclasses.replace(
                r,
                via=via.id,
                according_to=party,
                assertion=r.assertion or via.assertion or ("states" if party else None),
            )
        )
    return out


def own_spans(r: Record, located: Mapping[str, tuple[Located, ...]]) -> tuple[Located, ...]:
    """A record's spans without those of the other values it records as disputed (they come
    last)."""
    spans = located[r.id]
    return spans[: len(spans) - len(r.disputed_evidence())]


def variant_spans(
    r: Record, located: Mapping[str, tuple[Located, ...]]
) -> list[tuple[Located, ...]]:
    """The spans of each of a record's disputed values, in order."""
    spans = located[r.id]
    at = len(spans) - len(r.disputed_evidence())
    out = []
    for v in r.disputed:
        out.append(spans[at : at + len(v.evidence)])
        at += len(v.evidence)
    return out


def _check_disputed(r: Record, kinds: Mapping[str, str], where: Callable[[Record], Any]) -> None:
    names = {f.name for f in dataclasses.fields(r)} - {
        "id", "evidence", "source", "disputed", "inferred", "source_voice",
    }  # fmt: skip
    for v in r.disputed:
        if v.field not in names:
            raise where(r).fail("disputed", f"disputed: {v.field!r} is not a field of this record")
        if not v.evidence:
            raise where(r).fail(
                "disputed", f"disputed {v.field}: the other value needs evidence of its own"
            )
        if v.field == "term":
            try:
                parse_term(v.value)
            except ValueError as exc:
                raise where(r).fail("disputed", f"disputed term: {exc}") from None
        if v.according_to is not None and kinds.get(v.according_to) not in ENTITY:
            raise where(r).fail(
                "disputed",
                f"disputed {v.field}: according_to {v.according_to!r} is not a person or "
                "organisation of the dossier",
            )


def _speakers(q: Quote) -> str:
    return ", ".join(q.speakers) or "an unattributed speaker"


# ---------------------------------------------------------------------------------------------------
# Saying it in words.


@dataclass(frozen=True)
class Attribution:
    """Who says a record, in words, for every place it is shown."""

    party: str | None
    """The party's name; None: the source in its own voice."""
    assertion: str | None
    when: str
    """The date of the statement that carries it, short (``3 Nov 2025``), or ""."""
    responses: tuple[str, ...]
    """Other parties' answers: ``Mexico: no immediate comment``."""
    disputes: tuple[str, ...] = ()
    """Values stated otherwise elsewhere: ``term disputed: 34 years (Report A); 35 years (Report
    B)``."""

    @property
    def short(self) -> str:
        """``according to Hugo de Zera``: what a table cell or a title adds; "" for the source."""
        said = f"according to {self.party}" if self.party is not None else ""
        if self.disputes:
            return f"{said}; disputed" if said else "disputed"
        return said

    @property
    def head(self) -> str:
        """``according to Hugo de Zera``, ``an accusation by Peru``: with the kind of assertion."""
        if self.party is None:
            return ""
        if self.disputes:
            return f"according to {self.party}"
        return {
            "accuses": f"an accusation by {self.party}",
            "denies": f"denied by {self.party}",
            "confirms": f"confirmed by {self.party}",
            "declines to comment": f"{self.party} declines to comment",
        }.get(self.assertion or "", self.short)

    @property
    def full(self) -> str:
        """``according to Hugo de Zera (3 Nov 2025); Mexico: no immediate comment``."""
        parts = []
        if self.party is not None:
            parts.append(self.head + (f" ({self.when})" if self.when else ""))
        parts.extend(self.responses)
        parts.extend(self.disputes)
        return "; ".join(parts)

    @property
    def who_says(self) -> str:
        """The detail's "Who says so" line."""
        if self.party is None:
            head = "the source, in its own voice"
        else:
            verb = VERB.get(self.assertion or "states", ("said", "says"))[1]
            head = f"{self.party} {verb} so" + (f" ({self.when})" if self.when else "")
            head += " — not stated by the source itself"
        return "; ".join([head, *self.responses, *self.disputes])


def attribution(
    record: Record,
    name: Callable[[str | None], str],
    by_id: Mapping[str, Record],
    answers: Mapping[str, list[Record]],
    located: Mapping[str, tuple[Located, ...]] | None = None,
) -> Attribution | None:
    """How ``record`` is attributed, in words; None for a kind that is no claim (a quote)."""
    if record.KIND in UNATTRIBUTED_KINDS:
        return None
    via = by_id.get(record.via) if record.via else None
    date = getattr(via, "date", None)
    when = date.short() if date is not None else ""
    responses = tuple(response(a, name) for a in answers.get(record.id, ()))
    party = name(record.according_to) if record.according_to else None
    return Attribution(party, record.assertion, when, responses, disputes(record, name, located))


def value_text(field: str, value: Any, name: Callable[[str | None], str]) -> str:
    """A field's value as the dossier shows it (a term in words, a reference by name)."""
    if field == "term" and isinstance(value, str):
        from dossier.casefile import describe_term

        return describe_term(value)
    return str(value)


def disputes(
    record: Record,
    name: Callable[[str | None], str],
    located: Mapping[str, tuple[Located, ...]] | None,
) -> tuple[str, ...]:
    """``term disputed: 34 years (source-a) against 35 years (source-b)``: each value with the
    sources (and the party, if any) that state it."""
    if not record.disputed or located is None:
        return ()
    own = sorted({s.source for s in own_spans(record, located)})
    out = []
    for v, spans in zip(record.disputed, variant_spans(record, located), strict=True):
        theirs = sorted({s.source for s in spans})
        mine = value_text(v.field, getattr(record, v.field), name)
        other = value_text(v.field, v.value, name)
        by = f", according to {name(v.according_to)}" if v.according_to else ""
        out.append(
            f"{v.field} disputed: {mine} ({', '.join(map(name, own))}) against {other} "
            f"({', '.join(map(name, theirs))}{by})"
        )
    return tuple(out)


def response(record: Record, name: Callable[[str | None], str]) -> str:
    """How an answer to a claim reads beside it: ``Mexico: no comment``, ``Raul Nobresilla:
    “…did not know whether she had applied for asylum”``."""
    if isinstance(record, Quote):
        who = ", ".join(name(s) for s in record.speakers) or "unattributed"
        words = record.text
        if len(words) > 70:  # its last words, from a whole word on
            tail = words[-69:]
            if not words[-70].isspace() and " " in tail[: 69 // 3]:
                tail = tail[tail.index(" ") :]
            words = "…" + tail.lstrip()
        return f"{who}: “{words}”"
    party = name(record.according_to) if record.according_to else None
    title = str(getattr(record, "title", "") or getattr(record, "description", "") or record.id)
    if party is None:
        return title
    said = RESPONSE.get(record.assertion or "", record.assertion or "says")
    return f"{party}: {said}"


def answers_to(records: Sequence[Record]) -> dict[str, list[Record]]:
    """Record id → the records that answer it (``responds_to``), in case order."""
    out: dict[str, list[Record]] = {}
    for r in records:
        if r.responds_to:
            out.setdefault(r.responds_to, []).append(r)
    return out


def inferences(record: Record) -> tuple[tuple[str, str], ...]:
    """(field, rule) of every field the analyst derived: the case file's, and each date read from
    the source's words by a rule."""
    return record.inferred
