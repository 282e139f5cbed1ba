"""The case over time, as a picture: lanes of spans and marks, and two renderings of them for the brief.

:func:`build` turns the dossier's dated items (:meth:`dossier.queries.Reader.timeline_items`) into a
:class:`Timeline`: one lane per person (or state, or the case itself), the states that last — custody,
a trial, a term of office, a stay at an embassy — as :class:`Span` bars, and everything else as
:class:`Mark` points. Every date keeps its precision as an *extent*: a month-precise date covers its
month, a year-precise one its year, and a picture shows that extent as imprecise rather than pick a
day. Dates after the as-of date (the newest source) are *projected*: scheduled or expected, not
reported as done. Items with no date are kept apart in :attr:`Timeline.undated`, never placed.

:func:`render_svg` draws it as a standalone inline SVG (no script, no external reference) for the
HTML brief; :func:`render_mermaid` writes it as a Mermaid ``gantt`` block for the Markdown brief, with
every name made safe for Mermaid's syntax. The app's chart widget draws the same :class:`Timeline` with
the terminal's cells.

Pure: no database, no Textual.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import field
from functools import lru_cache

from dossier.dates import days_in_month
from dossier.deferred import dataclass

CASE_LANE = ""
"""The lane of events that belong to the case rather than to one person."""
CASE_LANE_NAME = "The case"


@dataclass(frozen=True)
class TimelineItem:
    """One record (or one step of a charge's history) as the chart needs it."""

    record: str
    kind: str
    """custody, charge, sentence, asylum, diplomatic, event or role."""
    label: str
    """A few words for the picture: "preventive detention", "on trial", "asylum granted"."""
    title: str
    """The whole line, for the status line and a tooltip."""
    lane: str
    """The id of the person (or state) it belongs to; :data:`CASE_LANE` for the case's events."""
    lane_name: str
    start: str | None
    """An ISO partial date (``2022``, ``2022-12``, ``2025-11-03``), or None when not stated."""
    start_precision: str | None = None
    end: str | None = None
    end_precision: str | None = None
    span: bool = False
    """A state that lasts until it ends (or until the next state of its :attr:`chain`)."""
    chain: str = ""
    """Items sharing a chain are successive states (a person's custody, a charge's history): a span
    without a stated end ends where the next dated item of its chain begins."""
    approx: bool = False


@dataclass(frozen=True)
class Mark:
    """A point event: it happened within ``first``..``last`` (ordinal days, inclusive)."""

    item: TimelineItem
    first: int
    last: int
    projected: bool

    @property
    def start(self) -> int:
        return self.first

    @property
    def precise(self) -> bool:
        return self.first == self.last


@dataclass(frozen=True)
class Span:
    """A state from ``start`` to ``end`` (ordinal days, inclusive).

    ``start``..``start_sure`` is the imprecise extent of the start (a month-precise start covers its
    month), ``end_sure``..``end`` that of the end; between them the state surely held. ``open``: no
    end is stated, and the bar runs to the as-of date.
    """

    item: TimelineItem
    start: int
    start_sure: int
    end_sure: int
    end: int
    open: bool
    projected: bool
    row: int = 0
    """The span's row inside its lane: spans that overlap in time are stacked."""


Stop = Mark | Span


@dataclass(frozen=True)
class Lane:
    key: str
    name: str
    spans: tuple[Span, ...]
    marks: tuple[Mark, ...]
    span_rows: int
    """Rows of stacked spans (0 when the lane has only marks)."""


@dataclass(frozen=True)
class Timeline:
    lanes: tuple[Lane, ...]
    undated: tuple[TimelineItem, ...]
    as_of: int | None
    """The as-of date (the newest source), an ordinal day; after it, dates are projected."""
    first: int
    last: int
    """The days the chart covers (both inclusive)."""
    stops: tuple[Stop, ...] = field(default=())
    """Every span and mark, in time order: what moving between marks steps through."""

    @property
    def empty(self) -> bool:
        return not self.stops


# ---------------------------------------------------------------------------------------------------
# Dates as days


@lru_cache(maxsize=65536)
def extent(value: str, precision: str | None = None) -> tuple[int, int]:
    """The first and last day (ordinals) an ISO partial date covers."""
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1 or precision == "year":
        return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    month = int(parts[1])
    if len(parts) == 2 or precision == "month":
        days = days_in_month(year, month)
        return dt.date(year, month, 1).toordinal(), dt.date(year, month, days).toordinal()
    day = dt.date(year, month, int(parts[2])).toordinal()
    return day, day


def day_text(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


# ---------------------------------------------------------------------------------------------------
# Building


def build(items: Iterable[TimelineItem], as_of: str | None = None) -> Timeline:
    """Lanes in the order their first item comes in ``items``; spans stacked so that none overlap.

    A span without an end ends where the next dated item of its chain begins, else it is open and
    runs to ``as_of`` (or, with no as-of date, to the end of its start's extent)."""
    items = list(items)
    as_of_day = extent(as_of)[1] if as_of else None
    undated = tuple(i for i in items if not i.start)
    dated = [i for i in items if i.start]
    # The next start in each chain, for spans whose end is not stated.
    chains: dict[str, list[tuple[int, int, TimelineItem]]] = {}
    for i in dated:
        if i.chain:
            assert i.start is not None
            first, last = extent(i.start, i.start_precision)
            chains.setdefault(i.chain, []).append((first, last, i))
    for chain in chains.values():
        chain.sort(key=lambda t: (t[0], t[1]))
    chain_firsts = {key: [t[0] for t in chain] for key, chain in chains.items()}
    lanes: dict[str, tuple[str, list[Span], list[Mark]]] = {}
    for i in dated:
        assert i.start is not None
        first, last = extent(i.start, i.start_precision)
        lane = lanes.setdefault(i.lane, (i.lane_name or CASE_LANE_NAME, [], []))
        projected = as_of_day is not None and first > as_of_day
        if not i.span:
            lane[2].append(Mark(i, first, last, projected))
            continue
        if i.end:
            end_sure, end = extent(i.end, i.end_precision)
            is_open = False
        else:
            end_sure = end = -1
            if i.chain:  # the next step of the chain: the first to begin after this one's start
                at = bisect.bisect_right(chain_firsts[i.chain], last)
                if at < len(chains[i.chain]):
                    end_sure, end = chains[i.chain][at][:2]
            is_open = end < 0
            if is_open:
                end = max(as_of_day or last, last)
                end_sure = end
        end = max(end, last)
        end_sure = min(max(end_sure, last), end)
        lane[1].append(Span(i, first, last, end_sure, end, is_open, projected))
    built: list[Lane] = []
    stops: list[Stop] = []
    for key, (name, spans, marks) in lanes.items():
        marks.sort(key=lambda m: (m.first, m.last))
        placed, rows = stack(spans)
        built.append(Lane(key, name, tuple(placed), tuple(marks), rows))
        stops.extend(placed)
        stops.extend(marks)
    lane_rank = {lane.key: n for n, lane in enumerate(built)}
    stops.sort(key=lambda s: (s.start, lane_rank[s.item.lane], s.item.record))
    if stops:
        lo = min(s.start for s in stops)
        hi = max(s.end if isinstance(s, Span) else s.last for s in stops)
        if as_of_day is not None:
            hi = max(hi, as_of_day)
    else:
        lo = hi = as_of_day or dt.date(2000, 1, 1).toordinal()
    return Timeline(tuple(built), undated, as_of_day, lo, hi, tuple(stops))


def stack(spans: Iterable[Span]) -> tuple[list[Span], int]:
    """The spans of a lane in start order, each placed in the first row free by its start, and
    how many rows that takes."""
    rows_end: list[int] = []
    placed: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, s.end)):
        for row, row_end in enumerate(rows_end):
            if row_end < s.start:
                rows_end[row] = s.end
                break
        else:
            row = len(rows_end)
            rows_end.append(s.end)
        placed.append(_with_row(s, row))
    return placed, len(rows_end)


def _with_row(s: Span, row: int) -> Span:
    return Span(s.item, s.start, s.start_sure, s.end_sure, s.end, s.open, s.projected, row)


# ---------------------------------------------------------------------------------------------------
# SVG, for the HTML brief

SVG_WIDTH = 720
_LABEL_W = 150
_ROW_H = 18
_AXIS_H = 24


def _xml(text: str) -> str:
    """Text for an SVG element or attribute: escaped, and without the characters XML 1.0 forbids."""
    clean = "".join(
        ch
        if ch in "\t\n"
        or (ch >= " " and not 0xD800 <= ord(ch) <= 0xDFFF and ch not in "\ufffe\uffff")
        else " "
        for ch in text
    )
    import html  # only for the HTML brief's chart: the other paths import this module too

    return html.escape(clean, quote=True)


SVG_LABELLED = 150
"""Up to this many spans and marks, each has a row and a label; beyond, lanes are packed."""


def _svg_rows(timeline: Timeline) -> list[tuple[Lane, list[list[Stop]]]]:
    """Each lane's rows: one stop a row when there are few, else packed spans and one mark row."""
    labelled = len(timeline.stops) <= SVG_LABELLED
    out: list[tuple[Lane, list[list[Stop]]]] = []
    for lane in timeline.lanes:
        if labelled:
            stops: list[Stop] = [*lane.spans, *lane.marks]
            stops.sort(key=lambda st: st.start)
            out.append((lane, [[st] for st in stops]))
        else:
            rows: list[list[Stop]] = [[] for _ in range(lane.span_rows)]
            for sp in lane.spans:
                rows[sp.row].append(sp)
            if lane.marks:
                rows.append(list(lane.marks))
            out.append((lane, rows))
    return out


def render_svg(timeline: Timeline, width: int = SVG_WIDTH) -> str:
    """The timeline as one ``<svg>`` element: lanes of bars and diamonds, a year axis, the as-of line.

    Imprecise extents (a month-precise start covers its month) are hatched, projected items dashed and
    hollow, open spans end in an arrow. Every shape carries a ``<title>`` with the record's line; with
    up to :data:`SVG_LABELLED` items each has its own row and label. No script, no external
    reference; valid XML on its own and inside HTML."""
    lanes = _svg_rows(timeline)
    labelled = len(timeline.stops) <= SVG_LABELLED
    rows = sum(max(len(r), 1) for _, r in lanes) or 1
    height = _AXIS_H + rows * _ROW_H + 20
    plot_w = width - _LABEL_W - 16
    span_days = max(timeline.last - timeline.first + 1, 1)

    def x(day: int) -> float:
        return round(_LABEL_W + (day - timeline.first) * plot_w / span_days, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" style="max-width: 100%; height: auto" '
        'font-family="system-ui, sans-serif" font-size="11">',
        "<title>Timeline of the case</title>",
        '<defs><pattern id="tl-hatch" width="4" height="4" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2" height="4" fill="#4a6fa5" '
        'fill-opacity="0.6"/></pattern></defs>',
    ]
    y0 = dt.date.fromordinal(timeline.first).year
    y1 = dt.date.fromordinal(timeline.last).year
    step = max(1, (y1 - y0 + 1) // 10)
    for year in range(y0, y1 + 2, step):
        day = dt.date(year, 1, 1).toordinal()
        if not timeline.first <= day <= timeline.last + 1:
            continue
        xx = x(day)
        out.append(
            f'<line x1="{xx}" y1="{_AXIS_H - 6}" x2="{xx}" y2="{height - 18}" stroke="#ddd"/>'
            f'<text x="{xx + 2}" y="{_AXIS_H - 10}" fill="#555">{year}</text>'
        )
    if timeline.as_of is not None:
        xx = x(timeline.as_of + 1)
        out.append(
            f'<line x1="{xx}" y1="{_AXIS_H - 6}" x2="{xx}" y2="{height - 18}" stroke="#b33" '
            f'stroke-dasharray="2 2"><title>as of {day_text(timeline.as_of)}</title></line>'
            f'<text x="{xx - 2}" y="{height - 6}" fill="#b33" text-anchor="end">'
            f"as of {day_text(timeline.as_of)}</text>"
        )
    y = _AXIS_H
    for lane, lane_rows in lanes:
        n = max(len(lane_rows), 1)
        out.append(
            f'<text x="4" y="{y + 13}" font-weight="bold" fill="#222">'
            f"{_xml(_clip(lane.name, 24))}</text>"
        )
        for r, row in enumerate(lane_rows):
            top = y + r * _ROW_H + 3
            for st in row:
                out.append(_svg_stop(st, top, x, labelled, width))
        out.append(
            f'<line x1="0" y1="{y + n * _ROW_H}" x2="{width}" y2="{y + n * _ROW_H}" stroke="#eee"/>'
        )
        y += n * _ROW_H
    out.append("</svg>")
    return "\n".join(out)


def _svg_stop(st: Stop, top: float, x: Callable[[int], float], labelled: bool, width: int) -> str:
    h = _ROW_H - 6
    tip = f"<title>{_xml(st.item.title)}</title>"
    parts = [f'<g class="{"span" if isinstance(st, Span) else "mark"}">{tip}']
    if isinstance(st, Span):
        dash = ' stroke-dasharray="4 2" fill-opacity="0.2"' if st.projected else ""
        parts.append(
            f'<rect x="{x(st.start_sure + 1)}" y="{top}" '
            f'width="{max(x(st.end_sure) - x(st.start_sure + 1), 0.5)}" height="{h}" '
            f'fill="#4a6fa5" stroke="#2d4a73"{dash}/>'
        )
        if st.start_sure > st.start:
            parts.append(
                f'<rect x="{x(st.start)}" y="{top}" width="{x(st.start_sure + 1) - x(st.start)}" '
                f'height="{h}" fill="url(#tl-hatch)" stroke="#2d4a73" stroke-width="0.5"/>'
            )
        if st.end > st.end_sure and not st.open:
            parts.append(
                f'<rect x="{x(st.end_sure)}" y="{top}" width="{x(st.end + 1) - x(st.end_sure)}" '
                f'height="{h}" fill="url(#tl-hatch)" stroke="#2d4a73" stroke-width="0.5"/>'
            )
        left, right = x(st.start), x(st.end + 1)
        if st.open:
            parts.append(
                f'<path d="M{right} {top - 1} l6 {h / 2 + 1} l-6 {h / 2 + 1} z" fill="#2d4a73"/>'
            )
            right += 6
        label = st.item.label + (" (ongoing)" if st.open else "")
    else:
        cy = top + h / 2
        if not st.precise:
            parts.append(
                f'<rect x="{x(st.first)}" y="{cy - 3}" width="{x(st.last + 1) - x(st.first)}" '
                f'height="6" fill="url(#tl-hatch)"/>'
            )
        cx = x(st.first) if st.precise else round((x(st.first) + x(st.last + 1)) / 2, 1)
        fill = "#fff" if st.projected else "#c0392b"
        dash = ' stroke-dasharray="2 1"' if st.projected else ""
        parts.append(
            f'<path d="M{cx} {cy - 5} l5 5 l-5 5 l-5 -5 z" fill="{fill}" stroke="#c0392b"{dash}/>'
        )
        left, right = min(cx - 5, x(st.first)), max(cx + 5, x(st.last + 1))
        label = st.item.label
    if st.projected:
        label += " (projected)"
    if labelled:
        text = _xml(_clip(label, 48))
        room = 6 * len(label)
        sure = x(st.start_sure + 1) if isinstance(st, Span) else left
        if isinstance(st, Span) and right - sure >= room + 8:
            parts.append(f'<text x="{sure + 4}" y="{top + h - 2}" fill="#fff">{text}</text>')
        elif right + 4 + room < width or left - 4 - room < _LABEL_W:
            parts.append(f'<text x="{right + 4}" y="{top + h - 2}" fill="#222">{text}</text>')
        else:
            parts.append(
                f'<text x="{left - 4}" y="{top + h - 2}" fill="#222" text-anchor="end">{text}</text>'
            )
    parts.append("</g>")
    return "".join(parts)


def _clip(text: str, limit: int) -> str:
    from dossier.kinds import clip

    return clip(text, limit)  # whole words


# ---------------------------------------------------------------------------------------------------
# Mermaid, for the Markdown brief

_MERMAID_SAFE = {
    ":": "∶",  # U+2236 RATIO: a colon ends a task's name
    ";": "，",  # a semicolon ends a statement
    "#": "＃",  # starts an entity code
    "%": "％",  # %% starts a comment
    "<": "‹",
    ">": "›",
    "&": "＆",
    "`": "'",
    "{": "(",
    "}": ")",
    "\\": "/",
    '"': "”",
}
_MERMAID_KEYWORD = re.compile(
    r"(?i)(title|section|dateformat|axisformat|tickinterval|excludes|includes|todaymarker|weekday|"
    r"weekend|click|acctitle|accdescr|inclusiveenddates|topaxis|displaymode|gantt)\b"
)
_MERMAID_RE = re.compile("[" + re.escape("".join(_MERMAID_SAFE)) + "]")


def mermaid_text(text: str) -> str:
    """``text`` as a Mermaid task or section name: one line, and no character Mermaid's syntax reads
    (colons, semicolons, ``#``, ``%``, brackets of HTML) — each becomes a look-alike."""
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = " ".join(text.split())
    text = _MERMAID_RE.sub(lambda m: _MERMAID_SAFE[m.group(0)], text)
    # A name that starts with a keyword would be read as that statement ("section ...", "title
    # ..."): an invisible word joiner in front keeps it a name.
    if _MERMAID_KEYWORD.match(text):
        text = "\u2060" + text
    return text or "(no name)"


def render_mermaid(timeline: Timeline, title: str = "Timeline of the case") -> str:
    """The timeline as a fenced Mermaid ``gantt`` block (without the fence).

    Spans are tasks (``done`` when past, ``active`` when open to the as-of date); a day-precise mark
    is a ``milestone``, an imprecise one a task over its month or year, marked ``(month)``/``(year)``;
    projected items carry "(projected)". Sections are lanes."""
    lines = [
        "gantt",
        f"    title {mermaid_text(title)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
        "    todayMarker off",
    ]
    n = 0
    for lane in timeline.lanes:
        lines.append(f"    section {mermaid_text(_clip(lane.name, 40))}")
        entries: list[tuple[int, str]] = []
        for s in lane.spans:
            n += 1
            tag = "active" if s.open else ("" if s.projected else "done")
            name = _clip(s.item.label, 60) + (" (projected)" if s.projected else "")
            if s.open:
                name += " (ongoing)"
            tags = ", ".join(t for t in (tag, f"t{n}") if t)
            entries.append(
                (
                    s.start,
                    f"    {mermaid_text(name)} :{tags}, {day_text(s.start)}, {day_text(s.end + 1)}",
                )
            )
        for m in lane.marks:
            n += 1
            name = _clip(m.item.label, 60)
            if not m.precise:
                name += " (year)" if m.last - m.first > 31 else " (month)"
            if m.projected:
                name += " (projected)"
            if m.precise:
                entries.append(
                    (m.first, f"    {mermaid_text(name)} :milestone, t{n}, {day_text(m.first)}, 0d")
                )
            else:
                tag = "" if m.projected else "done, "
                entries.append(
                    (
                        m.first,
                        f"    {mermaid_text(name)} :{tag}t{n}, {day_text(m.first)}, "
                        f"{day_text(m.last + 1)}",
                    )
                )
        entries.sort(key=lambda e: e[0])
        lines.extend(text for _, text in entries)
    return "\n".join(lines)


def describe(timeline: Timeline) -> str:
    """One sentence under the picture: what it shows, and what it leaves out."""
    spans = sum(len(lane.spans) for lane in timeline.lanes)
    marks = sum(len(lane.marks) for lane in timeline.lanes)
    text = (
        f"{spans:,} {'span' if spans == 1 else 'spans'} and {marks:,} dated "
        f"{'event' if marks == 1 else 'events'} in {len(timeline.lanes):,} "
        f"{'lane' if len(timeline.lanes) == 1 else 'lanes'}"
    )
    if timeline.undated:
        n = len(timeline.undated)
        text += (
            f"; {n:,} {'item' if n == 1 else 'items'} with no date stated "
            f"{'is' if n == 1 else 'are'} not placed"
        )
    return text + "."


def undated_titles(timeline: Timeline) -> Sequence[str]:
    return [i.title for i in timeline.undated]


# ---------------------------------------------------------------------------------------------------
# In the brief

MERMAID_MAX = 200
"""At most this many spans and events in the Markdown brief's chart (the latest)."""
SVG_MAX = 2000
"""At most this many in the HTML brief's SVG (the latest): a few hundred kilobytes."""
HTML_PLACEHOLDER = "\x02timeline\x03"
"""Where the HTML brief's SVG goes: a paragraph no data can write (escaping turns control
characters into spaces)."""


def brief_blocks(timeline: Timeline, *, html: bool = False) -> list[str]:
    """The brief's "Timeline chart" section as Markdown blocks: a heading, what the picture shows,
    and a Mermaid ``gantt`` block (or, for the HTML brief, :data:`HTML_PLACEHOLDER`, which
    :func:`insert_svg` replaces with the SVG)."""
    blocks = ["## Timeline chart"]
    if timeline.empty:
        blocks.append("No dated events to chart.")
        return blocks
    shown = timeline
    note = ""
    limit = SVG_MAX if html else MERMAID_MAX
    if len(timeline.stops) > limit:
        shown = _latest(timeline, limit)
        note = f" The chart shows the latest {limit:,} of {len(timeline.stops):,}."
    blocks.append(
        "The dated events above as a picture, one lane for the case and one per person or state: states that last (custody, a "
        "trial, a term of office, a stay at an embassy) as bars, other events as points. A date "
        "known only to its month or year covers that month or year; what is still going on runs "
        f"to the as-of date; dates after it are projected. {describe(timeline)}{note}"
    )
    if html:
        blocks.append(HTML_PLACEHOLDER)
    else:
        blocks.append("```mermaid\n" + render_mermaid(shown) + "\n```")
    return blocks


def insert_svg(page: str, timeline: Timeline) -> str:
    """The HTML brief with its timeline placeholder replaced by the inline SVG."""
    if len(timeline.stops) > SVG_MAX:
        timeline = _latest(timeline, SVG_MAX)
    from dossier.safetext import safe

    figure = f'<figure class="timeline">\n{safe(render_svg(timeline))}\n</figure>'
    return page.replace(f"<p>{HTML_PLACEHOLDER}</p>", figure, 1)


def _latest(timeline: Timeline, limit: int) -> Timeline:
    keep = {id(st) for st in timeline.stops[-limit:]}
    lanes = []
    for lane in timeline.lanes:
        spans = tuple(sp for sp in lane.spans if id(sp) in keep)
        marks = tuple(m for m in lane.marks if id(m) in keep)
        if spans or marks:
            lanes.append(Lane(lane.key, lane.name, spans, marks, lane.span_rows))
    stops = timeline.stops[-limit:]
    return Timeline(
        tuple(lanes), timeline.undated, timeline.as_of, stops[0].start, timeline.last, stops
    )
