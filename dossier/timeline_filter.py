"""Narrow the timeline chart to a person, kinds of record and a date range, with a line of text.

The filter language, typed after ``f`` on the timeline (every part optional, in any order)::

    person:castillo kind:charge 2025-01..2025-12 words

* ``person:castillo`` (``p:`` for short) — the lanes of the people, organisations or states any of
  whose names or spellings has a word starting so (``person:"de zela"``: several words). Twice:
  either person.
* ``kind:charge`` (``k:``) — items of that kind: custody, charge, sentence, asylum, diplomatic,
  event, role; a prefix is enough (``k:cust``); ``kind:charge,custody``: either.
* ``2025-01..2025-12`` — items that overlap those dates (ISO, at any precision: ``2025``,
  ``2025-03``, ``2025-03-14``); ``2025..`` from, ``..2024-06`` until; ``2025`` alone is that year.
  Items whose date is not stated are left out by a date range.
* any other word — in the item's words ("on trial", "asylum granted", the person's name).

Case and accents do not matter anywhere (``chavez`` finds "Chávez"). Nothing typed is ever an
error: a part that cannot be read (``kind:`` with nothing after it, ``2025-13..``) is read as words.

Pure: no database, no Textual. The chart's spans keep the ends the whole timeline gave them (a span
whose next step is filtered out still ends where that step begins).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping

from dossier.deferred import dataclass
from dossier.filtering import MAX_CHARS, MAX_WORDS, fold, search_text
from dossier.timeline import Lane, Span, Stop, Timeline, TimelineItem, extent, stack

_RANGE = re.compile(r"^(\d{4}(?:-\d{2}(?:-\d{2})?)?)?\.\.(\d{4}(?:-\d{2}(?:-\d{2})?)?)?$")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
KINDS = ("custody", "charge", "sentence", "asylum", "diplomatic", "event", "role")


@dataclass(frozen=True)
class TimelineFilter:
    """A parsed filter: see the module's docstring."""

    text: str = ""
    people: tuple[str, ...] = ()
    """Each a folded name: a lane is kept when one of them starts words of its spellings."""
    kinds: tuple[str, ...] = ()
    first: int | None = None
    last: int | None = None
    words: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.people or self.kinds or self.words) or self.dated

    @property
    def dated(self) -> bool:
        return self.first is not None or self.last is not None


def _day_range(value: str) -> tuple[int, int] | None:
    try:
        return extent(value)
    except ValueError:  # 2025-13, 2025-02-30
        return None


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unclosed quote: the rest is words
        return text.split()


def parse(text: str) -> TimelineFilter:
    """Read a filter; never raises (see the module's docstring)."""
    text = text.replace("\x00", "")[:MAX_CHARS]
    people: list[str] = []
    kinds: list[str] = []
    words: list[str] = []
    first: int | None = None
    last: int | None = None
    for part in _split(text)[: MAX_WORDS * 2]:
        key, colon, value = part.partition(":")
        key = key.casefold()
        if colon and key in ("person", "p") and fold(value).strip():
            people.append(fold(value).strip())
            continue
        if colon and key in ("kind", "k") and value.strip(" ,"):
            wanted = [fold(v).strip() for v in value.split(",") if fold(v).strip()]
            found = [k for k in KINDS if any(k.startswith(w) for w in wanted)]
            kinds.extend(found or wanted)
            continue
        matched = _RANGE.match(part)
        if matched and (matched.group(1) or matched.group(2)):
            lo = _day_range(matched.group(1)) if matched.group(1) else None
            hi = _day_range(matched.group(2)) if matched.group(2) else None
            if (matched.group(1) is None or lo) and (matched.group(2) is None or hi):
                first = lo[0] if lo else None
                last = hi[1] if hi else None
                continue
        if _DATE.match(part) and (whole := _day_range(part)) is not None:
            first, last = whole
            continue
        words.extend(fold(part).split())
    return TimelineFilter(text, tuple(people), tuple(kinds), first, last, tuple(words[:MAX_WORDS]))


def _has_words(haystack: str, wanted: tuple[str, ...] | list[str]) -> bool:
    return all(f" {w}" in haystack for w in wanted)


def _person_ok(f: TimelineFilter, names: str) -> bool:
    if not f.people:
        return True
    return any(_has_words(names, p.split()) for p in f.people)


def _item_ok(f: TimelineFilter, item: TimelineItem) -> bool:
    if f.kinds and item.kind not in f.kinds:
        return False
    return not f.words or _has_words(search_text([item.title, item.label, item.lane_name]), f.words)


def _stop_end(stop: Stop) -> int:
    return stop.end if isinstance(stop, Span) else stop.last


def _in_range(f: TimelineFilter, stop: Stop) -> bool:
    if f.first is not None and _stop_end(stop) < f.first:
        return False
    return not (f.last is not None and stop.start > f.last)


def apply(
    timeline: Timeline, f: TimelineFilter, spellings: Mapping[str, str] | None = None
) -> Timeline:
    """The part of ``timeline`` that ``f`` keeps. ``spellings``: lane key → its names and
    spellings, folded (:func:`dossier.filtering.search_text`); a lane not in it is found by its
    shown name."""
    if not f.active:
        return timeline
    spellings = spellings or {}

    def names(lane: str, name: str) -> str:
        return spellings.get(lane) or search_text([name])

    lanes: list[Lane] = []
    stops: list[Stop] = []
    for lane in timeline.lanes:
        if not _person_ok(f, names(lane.key, lane.name)):
            continue
        spans = [s for s in lane.spans if _item_ok(f, s.item) and _in_range(f, s)]
        marks = [m for m in lane.marks if _item_ok(f, m.item) and _in_range(f, m)]
        if not spans and not marks:
            continue
        placed, rows = stack(spans)  # placed again, so the filtered ones leave no gaps
        lanes.append(Lane(lane.key, lane.name, tuple(placed), tuple(marks), rows))
        stops.extend(placed)
        stops.extend(marks)
    rank = {lane.key: n for n, lane in enumerate(lanes)}
    stops.sort(key=lambda s: (s.start, rank[s.item.lane], s.item.record))
    undated: tuple[TimelineItem, ...] = ()
    if not f.dated:
        undated = tuple(
            i
            for i in timeline.undated
            if _person_ok(f, names(i.lane, i.lane_name)) and _item_ok(f, i)
        )
    if stops:
        lo = min(s.start for s in stops)
        hi = max(_stop_end(s) for s in stops)
    else:
        lo, hi = timeline.first, timeline.last
    # A date range is the part of the chart shown (as far as the items reach into it).
    if f.first is not None:
        lo = max(lo, f.first) if stops else f.first
    if f.last is not None:
        hi = min(hi, f.last) if stops else f.last
    if hi < lo:
        hi = lo
    return Timeline(tuple(lanes), undated, timeline.as_of, lo, hi, tuple(stops))


def describe(f: TimelineFilter, shown: Timeline, whole: Timeline) -> str:
    """The filter as the timeline's title says it: ``filter: person:castillo (12 of 40 items)``."""
    return (
        f"filter: {' '.join(f.text.split())} ({len(shown.stops) + len(shown.undated):,} of "
        f"{len(whole.stops) + len(whole.undated):,} items)"
    )
