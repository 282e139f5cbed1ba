"""The vocabulary of a case that moves: verdicts on charges, sentences imposed as parts (prison,
suspended or not; disqualification; a fine or civil damages in an ISO 4217 currency; a projected
end), appeals, legal status beside custody, scheduled events.

Two things live here: the checks the loader runs on these fields (:func:`check`, each failure one
``file:line`` line through the record's ``fail``), and the words every output uses for them
(:func:`part_text`, :func:`verdict_text`...), so that the Overview, the panes, the detail, the
timeline and the brief say a ban as a ban, never as a second prison term, and a projected end as
projected. Standard library only: :mod:`dossier.kinds` reads it on the app's way to the first
screen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from dossier import casefile
from dossier.dates import PartialDate, days_in_month
from dossier.words import did_you_mean

Fail = Callable[[str | None, str], Exception]


class Place(Protocol):
    """Where a record is in the case file (the loader's): its errors name its line, or the line
    of one item of an array (a history step, a sentence part)."""

    def fail(self, key: str | None, message: str) -> Exception: ...

    def at(self, key: str, position: int) -> Place: ...


ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN
    BWP BYN BZD CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUC CUP CVE CZK DJF DKK DOP DZD EGP ERN
    ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD
    JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU
    MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
    RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY
    TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XAG XAU XBA XBB XBC XBD XCD
    XCG XDR XOF XPD XPF XPT XSU XUA YER ZAR ZMW ZWG ZWL""".split()  # noqa: SIM905 (a list to read, not to format)
)
"""The ISO 4217 currency codes in use (2025; the test code ``XTS`` and ``XXX`` left out)."""

VERDICT_STEPS = frozenset(casefile.VERDICTS)
TERM_PENALTIES = frozenset({"prison", "disqualification"})
AMOUNT_PENALTIES = frozenset({"fine", "civil damages"})


# ---------------------------------------------------------------------------------------------------
# Words


def money(amount: int, currency: str) -> str:
    """``PEN 12,000,000``: the ISO code, then the amount in whole units."""
    return f"{currency} {amount:,}"


def part_text(part: casefile.SentencePart, *, projected: bool = True) -> str:
    """One part of a sentence in words: ``11 years in prison (projected to end 12 May 2037)``,
    ``4 years in prison, suspended``, ``disqualification for 2 years (from holding public
    office)``, ``civil damages of PEN 12,000,000 (jointly…)``."""
    return part_words(
        part.penalty,
        part.term,
        part.suspended,
        part.amount,
        part.currency,
        part.description,
        part.projected_end.display() if projected and part.projected_end else None,
    )


def part_words(
    penalty: str,
    term: str | None,
    suspended: bool | int | None,
    amount: int | None,
    currency: str | None,
    description: str | None,
    projected_end: str | None = None,
) -> str:
    """:func:`part_text` from a part's columns (the read layer's and the brief's)."""
    span = casefile.describe_term(term) if term else ""
    if penalty == "prison":
        out = f"{span} in prison" + (", suspended" if suspended else "")
    elif penalty == "disqualification":
        out = f"disqualification for {span}"
    else:
        out = f"{penalty} of {money(amount, currency)}" if amount and currency else penalty
    if description:
        out += f" ({description})"
    if projected_end:
        out += f" — projected to end {projected_end}, not a fact"
    return out


def parts_text(parts: Iterable[casefile.SentencePart]) -> str:
    return "; ".join(part_text(p) for p in parts)


def main_term(record: casefile.Sentence) -> str:
    """The term a sentence is known by: its term, else its first prison part's (suspended said),
    else its first part's words."""
    if record.term:
        return casefile.describe_term(record.term)
    for part in record.parts:
        if part.penalty == "prison" and part.term:
            suffix = " suspended" if part.suspended else ""
            return casefile.describe_term(part.term) + suffix
    return part_text(record.parts[0], projected=False) if record.parts else "no term"


def step_text(status: str, offence: str | None, charged: str | None = None) -> str:
    """``convicted of conspiracy to commit rebellion (charged: rebellion)``; ``acquitted``."""
    if status == "convicted" and offence:
        also = f" (charged: {charged})" if charged and charged.lower() != offence.lower() else ""
        return f"convicted of {offence}{also}"
    return status


def verdict_of(history: Iterable[casefile.StatusStep]) -> casefile.StatusStep | None:
    """The last verdict in a charge's history (convicted, acquitted, dismissed, time-barred)."""
    found = None
    for step in history:
        if step.status in casefile.VERDICTS:
            found = step
    return found


# ---------------------------------------------------------------------------------------------------
# Dates


def first_day(date: PartialDate) -> int:
    parts = [int(p) for p in date.value.split("-")]
    return dt.date(
        parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
    ).toordinal()


def last_day(date: PartialDate) -> int:
    parts = [int(p) for p in date.value.split("-")]
    year = parts[0]
    month = parts[1] if len(parts) > 1 else 12
    day = parts[2] if len(parts) > 2 else days_in_month(year, month)
    return dt.date(year, month, day).toordinal()


def announcing_source(
    record: casefile.Record, by_id: Mapping[str, casefile.Record], default_source: str | None
) -> casefile.Source | None:
    """The latest-published source a record's evidence cites: what the dossier last knows of it."""
    found: casefile.Source | None = None
    for ev in record.evidence_items():
        source = by_id.get(ev.source or record.source or default_source or "")
        if isinstance(source, casefile.Source) and (
            found is None or first_day(source.known_from) > first_day(found.known_from)
        ):
            found = source
    return found


def after_its_source(
    event: casefile.Event, by_id: Mapping[str, casefile.Record], default_source: str | None
) -> bool:
    """Whether an event is dated after the publication of every source citing it: announced,
    not yet happened (as far as the dossier knows)."""
    source = announcing_source(event, by_id, default_source)
    return (
        event.date is not None
        and source is not None
        and first_day(event.date) > last_day(source.known_from)
    )


def mark_scheduled(
    records: list[casefile.Record], default_source: str | None
) -> list[casefile.Record]:
    """Events dated after every source citing them are scheduled, said or not."""
    by_id = {r.id: r for r in records}
    return [
        dataclasses.replace(r, scheduled=True)
        if isinstance(r, casefile.Event)
        and not r.scheduled
        and after_its_source(r, by_id, default_source)
        else r
        for r in records
    ]


# ---------------------------------------------------------------------------------------------------
# Checks


def check(
    record: casefile.Record,
    by_id: Mapping[str, casefile.Record],
    where: Place,
    default_source: str | None,
) -> None:
    """The checks of this vocabulary on one record; raises ``where.fail(key, message)``."""
    fail = where.fail
    if isinstance(record, casefile.Charge):
        _check_steps(record, where)
    elif isinstance(record, casefile.Sentence):
        _check_sentence(record, by_id, where)
    elif isinstance(record, casefile.Appeal):
        _check_appeal(record, by_id, where)
    elif isinstance(record, casefile.Event) and record.scheduled and record.date is not None:
        source = announcing_source(record, by_id, default_source)
        if source is not None and last_day(record.date) < first_day(source.known_from):
            raise fail(
                "date",
                f"scheduled for {record.date.display()}, before its source {source.id!r} was "
                f"published ({source.known_from.display()}): a scheduled event is announced for "
                "a later date",
            )


def _check_steps(record: casefile.Charge, where: Place) -> None:
    for n, step in enumerate(record.history, start=1):
        if step.offence is not None and step.status != "convicted":
            raise where.at("history", n - 1).fail(
                "history",
                f"history step {n} ({step.status}): only a conviction names the offence "
                "convicted of",
            )


def _check_sentence(
    record: casefile.Sentence, by_id: Mapping[str, casefile.Record], where: Place
) -> None:
    fail = where.fail
    if record.term is None and not record.parts:
        raise fail(None, "missing required field 'term' (or the sentence's parts)")
    if record.term is not None and record.parts:
        raise fail("term", "a sentence with parts gives each term in its part, not in term")
    if record.charge is not None:
        _own_charge(record.charge, record.defendant, by_id, fail, "charge")
    for n, part in enumerate(record.parts, start=1):
        _check_part(n, part, where.at("parts", n - 1).fail)


def _own_charge(
    charge_id: str, defendant: str, by_id: Mapping[str, casefile.Record], fail: Fail, key: str
) -> None:
    charge = by_id.get(charge_id)
    if isinstance(charge, casefile.Charge) and charge.defendant != defendant:
        owner, other = _name(by_id, charge.defendant), _name(by_id, defendant)
        raise fail(
            key,
            f"charge {charge_id!r} is {owner}'s, not {other}'s: a verdict for a charge of "
            "another defendant",
        )


def _name(by_id: Mapping[str, casefile.Record], rid: str) -> str:
    return str(getattr(by_id.get(rid), "name", rid))


def _check_part(n: int, part: casefile.SentencePart, fail: Fail) -> None:
    what = f"part {n} ({part.penalty})"
    if part.penalty in TERM_PENALTIES:
        if part.term is None:
            raise fail(
                "parts", f"{what}: a {part.penalty} needs a term (an ISO 8601 duration like P2Y)"
            )
        if part.amount is not None or part.currency is not None:
            raise fail("parts", f"{what} has a term, not an amount")
    if part.term is not None:
        try:
            casefile.parse_term(part.term)
        except ValueError as exc:
            raise fail("parts", f"{what}: {exc}") from None
    if part.penalty in AMOUNT_PENALTIES:
        if part.term is not None:
            raise fail("parts", f"{what} is an amount, not a term")
        if part.amount is None:
            raise fail("parts", f'{what}: needs an amount (amount = 12000000, currency = "PEN")')
    if part.amount is not None and part.currency is None:
        raise fail(
            "parts",
            f"{what}: the amount {part.amount:,} has no currency (an ISO 4217 code like PEN)",
        )
    if part.currency is not None:
        if part.amount is None:
            raise fail("parts", f"{what}: a currency with no amount")
        if part.currency not in ISO_4217:
            near = did_you_mean(part.currency.upper(), ISO_4217)
            raise fail("parts", f"{what}: currency {part.currency!r} is not an ISO 4217 code{near}")
    if part.suspended and part.penalty != "prison":
        raise fail("parts", f"{what}: only a prison term is suspended")
    if part.projected_end is not None and part.term is None:
        raise fail("parts", f"{what}: a projected end needs a term")


def _check_appeal(
    record: casefile.Appeal, by_id: Mapping[str, casefile.Record], where: Place
) -> None:
    fail = where.fail
    if record.charge is None and record.sentence is None:
        raise fail(None, "an appeal names the verdict (charge) or the sentence it appeals")
    if record.charge is not None:
        charge = by_id.get(record.charge)
        if isinstance(charge, casefile.Charge) and verdict_of(charge.history) is None:
            raise fail(
                "charge",
                f"appeal of a verdict that does not exist: charge {record.charge!r} has no "
                f"verdict ({', '.join(casefile.VERDICTS)}) in its history",
            )
    if record.sentence is not None:
        sentence = by_id.get(record.sentence)
        if isinstance(sentence, casefile.Sentence):
            if sentence.kind != "imposed":
                raise fail(
                    "sentence",
                    f"appeal of a sentence that was not imposed: {record.sentence!r} was "
                    f"{sentence.kind}",
                )
            if record.charge is not None:
                _own_charge(record.charge, sentence.defendant, by_id, fail, "charge")
    if record.outcome is not None and record.status != "decided":
        raise fail("outcome", f"an appeal that is {record.status} has no outcome yet")
