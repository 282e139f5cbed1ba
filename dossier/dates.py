"""ISO partial dates that keep their precision, and the words a source used for them.

A date in the case file is either a plain ISO string (``"2022"``, ``"2022-12"``, ``"2025-11-03"``) or
an inline table that also records how a relative expression in the source was resolved::

    date = { value = "2025-11-03", text = "Monday", rule = "the Monday before publication" }

Nothing here imports a database or UI library; the app, the CLI and the brief all format dates through
:func:`PartialDate.display` so that "December 2022" is written the same way everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Precision = Literal["year", "month", "day"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class DateError(ValueError):
    """A value that is not an ISO partial date; the message says why in a few words."""


def parse_iso(value: str) -> tuple[str, Precision]:
    """Validate ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` and return it with its precision."""
    match = _ISO.match(value)
    if not match:
        raise DateError(f"{value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match.groups()
    if month is None:
        return value, "year"
    if not 1 <= int(month) <= 12:
        raise DateError(f"{value!r} has no month {month}")
    if day is None:
        return value, "month"
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        raise DateError(f"{value!r} is not a day of the calendar") from None
    return value, "day"


def days_in_month(year: int, month: int) -> int:
    """Days in the month of the Gregorian calendar: :func:`calendar.monthrange`'s answer,
    without importing :mod:`calendar` (and :mod:`locale` with it) on the everyday paths."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


UNDATED = "date not stated"
"""What a record without a date says where its date would be."""
UNDATED_CELL = "not stated"
"""The same in a table's date column, which is narrow."""


_MONTH_NAME = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # fmt: skip
_MONTH_ABBR = tuple(name[:3] for name in _MONTH_NAME)
"""English, whatever the locale (calendar's names follow it; it also cost 2.5 ms to import)."""


@lru_cache(maxsize=4096)
def display_iso(value: str, precision: str, short: bool = False) -> str:
    """Format an ISO partial date at its precision: ``2022``, ``December 2022``, ``3 November 2025``;
    ``short`` abbreviates the month for a table cell (``Dec 2022``, ``3 Nov 2025``)."""
    parts = value.split("-")
    if precision == "year" or len(parts) == 1:
        return parts[0]
    month = (_MONTH_ABBR if short else _MONTH_NAME)[int(parts[1]) - 1]
    if precision == "month" or len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{int(parts[2])} {month} {parts[0]}"


def display_date(
    value: str, precision: str, approx: bool | int | None = False, *, short: bool = False
) -> str:
    """A date as the reader sees it: ``about 3 November 2025`` when approximate, or, ``short``,
    ``c. 3 Nov 2025``."""
    shown = display_iso(value, precision, short)
    if not approx:
        return shown
    return f"c. {shown}" if short else f"about {shown}"


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date known to a year, a month or a day, with the source's own words for it."""

    value: str
    precision: Precision
    text: str | None = None
    """The words the source used, when they are relative or vague ("Monday", "this year")."""
    rule: str | None = None
    """How those words were resolved against the source's publication date."""
    approx: bool = False

    @classmethod
    def parse(
        cls, value: str, text: str | None = None, rule: str | None = None, approx: bool = False
    ) -> PartialDate:
        iso, precision = parse_iso(value)
        return cls(iso, precision, text, rule, approx)

    def display(self) -> str:
        return display_date(self.value, self.precision, self.approx)

    def short(self) -> str:
        """For a table cell, where width is short: ``3 Nov 2025``, ``c. Dec 2022``."""
        return display_date(self.value, self.precision, self.approx, short=True)

    def explain(self) -> str:
        """One line for a detail panel: the date, its precision, and how it was read."""
        out = f"{self.display()} ({self.precision})"
        if self.text:
            out += f' — source says "{self.text}"'
        if self.rule:
            out += f"; {self.rule}"
        return out


def known_from(
    source: str, published: PartialDate | None, retrieved: PartialDate | None
) -> PartialDate:
    """From when what a source says is known: its publication, else its retrieval (a checked case
    gives every source one of them)."""
    date = published or retrieved
    if date is None:  # pragma: no cover - the loader and the build refuse such a source
        raise ValueError(f"source {source!r} has neither published nor retrieved")
    return date
