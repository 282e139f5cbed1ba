"""The case over time, drawn with the terminal's cells: one lane per person, spans as bars, events as
marks (:mod:`dossier.timeline` gives the data).

Like :mod:`record_table`, the chart draws only the lines on screen, and each from the items in its
visible days (found by bisection): 10,000 events draw as fast as ten. Marks that fall in one cell are
counted there (2-9, then +). Drawing:

* a bar ``━`` where the state surely held, ``░`` over an imprecise start or end (a month-precise date
  covers its month), ``╌`` past the as-of date (projected), ``→`` after a bar still open;
* a mark ``◆``, hollow ``◇`` when projected, over ``░`` when its date covers more than one cell;
* the as-of date as ``┊`` down the chart and ``▼`` on the axis.

Keys: ←/→ (h/l) the previous or next item in time, ↑/↓ (k/j) the nearest item in the lane above or
below, +/- zoom between the whole case, years, months and days, Home/End the first and last item,
Enter posts :class:`TimelineChart.Chosen` (the screen or app opens the record).
"""

from __future__ import annotations

import bisect
import datetime as dt
import textwrap
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from dossier.deferred import dataclass
from dossier.timeline import Lane, Mark, Span, Stop, Timeline

MIN_WIDTH = 40
"""Narrower than this, the chart says so instead of drawing."""
MIN_HEIGHT = 4
AXIS_ROWS = 2
ZOOMS: tuple[tuple[str, float], ...] = (
    ("whole case", 0.0),  # days per cell: fitted to the width
    ("years", 365.25 / 12),
    ("months", 7.0),
    ("days", 1.0),
)


def plain_line(text: str) -> str:
    """Data as one line of printable text: control and escape characters become spaces."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in text)


@dataclass(frozen=True)
class _Row:
    lane: int
    label: str
    spans: tuple[Span, ...] = ()
    span_ends: tuple[int, ...] = ()
    marks: tuple[Mark, ...] = ()
    mark_days: tuple[int, ...] = ()


class TimelineChart(Widget, can_focus=True):
    """A :class:`~dossier.timeline.Timeline`, drawn line by line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,l", "step(1)", "Next", key_display="→", id="timeline.next"),
        Binding("left,h", "step(-1)", "Previous", key_display="←", show=False, id="timeline.prev"),
        Binding("down,j", "lane(1)", "Lane below", show=False, id="timeline.down"),
        Binding("up,k", "lane(-1)", "Lane above", show=False, id="timeline.up"),
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", key_display="+", id="timeline.zoom_in"),
        Binding("minus", "zoom(-1)", "Zoom out", key_display="-", id="timeline.zoom_out"),
        Binding("home,g", "edge(0)", "First", show=False, id="timeline.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="timeline.last"),
        Binding("enter", "choose", "Open", tooltip="Open the record", id="timeline.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "timeline-chart--axis",
        "timeline-chart--label",
        "timeline-chart--bar",
        "timeline-chart--fuzzy",
        "timeline-chart--projected",
        "timeline-chart--mark",
        "timeline-chart--cursor",
        "timeline-chart--as-of",
        "timeline-chart--message",
    }

    DEFAULT_CSS = """
    TimelineChart {
        background: $surface;
        height: 1fr;
    }
    TimelineChart > .timeline-chart--axis { color: $text-muted; }
    TimelineChart > .timeline-chart--label { color: $text; text-style: bold; }
    TimelineChart > .timeline-chart--bar { color: $text; background: $primary 45%; }
    TimelineChart > .timeline-chart--fuzzy { color: $primary; }
    TimelineChart > .timeline-chart--projected { color: $warning; }
    TimelineChart > .timeline-chart--mark { color: $error; text-style: bold; }
    TimelineChart > .timeline-chart--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    TimelineChart > .timeline-chart--as-of { color: $error; }
    TimelineChart > .timeline-chart--message { color: $text-muted; text-style: italic; }
    """

    @dataclass
    class Highlighted(Message):
        """A new item is selected (None: there is nothing to select)."""

        chart: TimelineChart
        selected: Stop | None

        @property
        def control(self) -> TimelineChart:
            return self.chart

    @dataclass
    class Chosen(Message):
        """Enter on an item: open its record."""

        chart: TimelineChart
        record: str

        @property
        def control(self) -> TimelineChart:
            return self.chart

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, label_width: int = 18
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.timeline: Timeline | None = None
        self.message = "Loading the timeline…"
        self.zoom = 0
        self.selected = 0
        self._rows: list[_Row] = []
        self._row_of: dict[int, int] = {}
        """id(stop) → its row."""
        self._index: dict[int, int] = {}
        """id(stop) → its place in ``timeline.stops``."""
        self._label_max = label_width
        self._x0 = 0
        """The first visible cell of the plot."""
        self._y0 = 0
        """The first visible row below the axis."""
        self._frame: tuple[int, int, float, int, dict[str, Style]] = (0, 0, 1.0, 0, {})

    # -- data -----------------------------------------------------------------------------------

    def set_timeline(self, timeline: Timeline, *, empty: str = "No dated events to chart.") -> None:
        self.timeline = timeline
        self.message = empty
        rows: list[_Row] = []
        for n, lane in enumerate(timeline.lanes):
            rows.extend(self._lane_rows(n, lane))
        self._rows = rows
        self._row_of = {}
        for r, row in enumerate(rows):
            for stop in (*row.spans, *row.marks):
                self._row_of[id(stop)] = r
        self._index = {id(st): i for i, st in enumerate(timeline.stops)}
        self.selected = 0
        self._x0 = self._y0 = 0
        self._announce()
        self.refresh()

    @staticmethod
    def _lane_rows(n: int, lane: Lane) -> list[_Row]:
        rows: list[_Row] = []
        by_row: list[list[Span]] = [[] for _ in range(lane.span_rows)]
        for span in lane.spans:
            by_row[span.row].append(span)
        name = plain_line(lane.name)
        for spans in by_row:
            rows.append(_Row(n, "", tuple(spans), tuple(s.end for s in spans)))
        if lane.marks:
            rows.append(_Row(n, "", marks=lane.marks, mark_days=tuple(m.first for m in lane.marks)))
        if rows:
            first = rows[0]
            rows[0] = _Row(n, name, first.spans, first.span_ends, first.marks, first.mark_days)
        return rows

    @property
    def current(self) -> Stop | None:
        t = self.timeline
        if t is None or not t.stops:
            return None
        return t.stops[min(self.selected, len(t.stops) - 1)]

    @property
    def zoom_name(self) -> str:
        return ZOOMS[self.zoom][0]

    def _announce(self) -> None:
        self.post_message(self.Highlighted(self, self.current))

    # -- geometry -------------------------------------------------------------------------------

    def _label_width(self, width: int) -> int:
        return max(8, min(self._label_max, width // 5))

    def _days_per_cell(self, plot: int) -> float:
        t = self.timeline
        fixed = ZOOMS[self.zoom][1]
        if fixed or t is None:
            return fixed or 1.0
        return max((t.last - t.first + 1) / max(plot - 2, 1), 1.0)

    def _origin(self, dpc: float) -> int:
        assert self.timeline is not None
        return self.timeline.first - int(dpc)  # one cell of margin before the first day

    def _cell(self, day: int) -> int:
        _, _, dpc, origin, _ = self._frame
        return int((day - origin) // dpc)

    def _geometry(self) -> tuple[int, int, float, int]:
        width = self.size.width
        label = self._label_width(width)
        plot = max(width - label - 1, 1)
        dpc = self._days_per_cell(plot)
        origin = self._origin(dpc) if self.timeline is not None else 0
        return width, plot, dpc, origin

    def _keep_in_view(self) -> None:
        stop = self.current
        if stop is None or self.timeline is None:
            return
        width, plot, dpc, origin = self._geometry()
        self._frame = (width, plot, dpc, origin, self._frame[4])
        cell = self._cell(stop.start)
        if not self._x0 + 2 <= cell < self._x0 + plot - 8:
            self._x0 = max(cell - plot // 3, 0)
        if ZOOMS[self.zoom][1] == 0.0:
            self._x0 = 0
        row = self._row_of.get(id(stop), 0)
        body = max(self.size.height - AXIS_ROWS, 1)
        if row < self._y0:
            self._y0 = row
        elif row >= self._y0 + body:
            self._y0 = row - body + 1

    # -- keys -------------------------------------------------------------------------------------

    def _select(self, index: int) -> None:
        t = self.timeline
        if t is None or not t.stops:
            return
        index = min(max(index, 0), len(t.stops) - 1)
        if index != self.selected:
            self.selected = index
            self._announce()
        self._keep_in_view()
        self.refresh()

    def action_step(self, delta: int) -> None:
        self._select(self.selected + delta)

    def action_edge(self, last: int) -> None:
        t = self.timeline
        if t is not None:
            self._select(len(t.stops) - 1 if last else 0)

    def action_lane(self, delta: int) -> None:
        """The item nearest in time in the next row above or below that has one."""
        stop, t = self.current, self.timeline
        if stop is None or t is None:
            return
        row = self._row_of.get(id(stop), 0) + delta
        while 0 <= row < len(self._rows):
            r = self._rows[row]
            found: list[Stop] = [*r.spans, *r.marks]
            if found:
                best = min(found, key=lambda s: abs(s.start - stop.start))
                self._select(self._index[id(best)])
                return
            row += delta

    def action_zoom(self, delta: int) -> None:
        zoom = min(max(self.zoom + delta, 0), len(ZOOMS) - 1)
        if zoom != self.zoom:
            self.zoom = zoom
            self._x0 = 0
            self._keep_in_view()
            self._announce()
            self.refresh()

    def action_choose(self) -> None:
        stop = self.current
        if stop is not None:
            self.post_message(self.Chosen(self, stop.item.record))

    def on_resize(self, event: events.Resize) -> None:
        self._keep_in_view()

    def on_click(self, event: events.Click) -> None:
        """A click on a mark or a bar selects it; a second click opens it."""
        if self.timeline is None or event.y < AXIS_ROWS:
            return
        width, plot, dpc, origin = self._geometry()
        label = self._label_width(width)
        r = self._y0 + event.y - AXIS_ROWS
        if r >= len(self._rows) or event.x <= label:
            return
        self._frame = (width, plot, dpc, origin, self._frame[4])
        cell = self._x0 + event.x - label - 1
        row = self._rows[r]
        candidates: list[Stop] = [*row.marks, *row.spans]
        for stop in candidates:
            end = stop.end if isinstance(stop, Span) else stop.last
            if self._cell(stop.start) <= cell <= self._cell(end):
                index = self._index[id(stop)]
                if index == self.selected and event.chain >= 2:
                    self.action_choose()
                self._select(index)
                return

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing ----------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        width, plot, dpc, origin = self._geometry()
        base = self.rich_style
        styles = {
            name: base + self.get_component_rich_style(f"timeline-chart--{name}")
            for name in (
                "axis",
                "label",
                "bar",
                "fuzzy",
                "projected",
                "mark",
                "cursor",
                "as-of",
                "message",
            )
        }
        styles["base"] = base
        self._frame = (width, plot, dpc, origin, styles)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width, plot, dpc, origin, styles = self._frame
        base = styles["base"]
        t = self.timeline
        if width < MIN_WIDTH or self.size.height < MIN_HEIGHT:
            return self._message_line(
                y,
                f"The timeline needs at least {MIN_WIDTH}×{MIN_HEIGHT} cells: widen the terminal.",
            )
        if t is None or t.empty:
            return self._message_line(y, self.message)
        label_w = self._label_width(width)
        cells: list[tuple[str, Style]] = [(" ", base)] * width
        if y < AXIS_ROWS:
            self._draw_axis(cells, y, label_w, plot, dpc, origin, styles)
        else:
            r = self._y0 + y - AXIS_ROWS
            if r < len(self._rows):
                self._draw_row(cells, self._rows[r], label_w, plot, dpc, origin, styles)
        return self._strip(cells, width)

    def _message_line(self, y: int, text: str) -> Strip:
        width = self.size.width
        _, _, _, _, styles = self._frame
        base = styles.get("base", Style())
        lines = textwrap.wrap(text, max(width - 4, 8))  # narrow: the message itself wraps
        if not 1 <= y <= len(lines):
            return Strip.blank(width, base)
        line = f"  {lines[y - 1]}"[:width].ljust(width)
        return Strip([Segment(line, styles.get("message", base))], width)

    @staticmethod
    def _strip(cells: list[tuple[str, Style]], width: int) -> Strip:
        segments: list[Segment] = []
        run: list[str] = []
        style: Style | None = None
        for ch, st in cells:
            if st is not style and run:
                segments.append(Segment("".join(run), style))
                run = []
            style = st
            run.append(ch)
        if run:
            segments.append(Segment("".join(run), style))
        return Strip(segments, width)

    def _draw_axis(
        self,
        cells: list[tuple[str, Style]],
        y: int,
        label_w: int,
        plot: int,
        dpc: float,
        origin: int,
        styles: dict[str, Style],
    ) -> None:
        assert self.timeline is not None
        axis = styles["axis"]
        left = label_w + 1
        x0 = self._x0
        first_day = origin + int(x0 * dpc)
        last_day = origin + int((x0 + plot) * dpc)
        if y == 0:
            head = f"{self.zoom_name}"[:label_w]
            for i, ch in enumerate(head):
                cells[i] = (ch, axis)
        ticks = self._ticks(first_day, last_day, dpc)
        free = left  # labels never overlap: one is skipped when the one before it reaches it
        for day, text in ticks:
            x = left + int((day - origin) // dpc) - x0
            if not left <= x or x + len(text) > left + plot or x < free:
                continue
            free = x + len(text) + 1
            if y == 1:
                cells[x] = ("┴", axis)
            else:
                for i, ch in enumerate(text):
                    cells[x + i] = (ch, axis)
        if y == 1:
            for x in range(left, left + plot):
                if cells[x][0] == " ":
                    cells[x] = ("─", axis)
            as_of = self.timeline.as_of
            if as_of is not None:
                x = left + int((as_of - origin) // dpc) - x0
                if left <= x < left + plot:
                    cells[x] = ("▼", styles["as-of"])

    @staticmethod
    def _ticks(first: int, last: int, dpc: float) -> list[tuple[int, str]]:
        """Axis labels: years when a cell is a month or more, months when a week, else months with
        their year and days."""
        start = dt.date.fromordinal(max(first, 1))
        end = dt.date.fromordinal(max(last, 1))
        out: list[tuple[int, str]] = []
        if dpc >= 8:
            for year in range(start.year, end.year + 2):
                out.append((dt.date(year, 1, 1).toordinal(), str(year)))
            return out
        month = dt.date(start.year, start.month, 1)
        while month <= end:
            if dpc >= 3:
                text = str(month.year) if month.month == 1 else month.strftime("%b")
            else:
                text = month.strftime("%b %Y")
            out.append((month.toordinal(), text))
            if dpc < 1.5:
                for d in (8, 15, 22):
                    out.append((month.replace(day=d).toordinal(), str(d)))
            month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return out

    def _draw_row(
        self,
        cells: list[tuple[str, Style]],
        row: _Row,
        label_w: int,
        plot: int,
        dpc: float,
        origin: int,
        styles: dict[str, Style],
    ) -> None:
        assert self.timeline is not None
        t = self.timeline
        if row.label:
            text = row.label if len(row.label) <= label_w else row.label[: label_w - 1] + "…"
            for i, ch in enumerate(text):
                cells[i] = (ch, styles["label"])
        left = label_w + 1
        x0 = self._x0
        current = self.current
        cursor = styles["cursor"] if self.has_focus else styles["cursor"] + Style(bold=False)

        def col(day: int) -> int:
            return left + int((day - origin) // dpc) - x0

        def put(x: int, ch: str, style: Style) -> None:
            if left <= x < left + plot:
                cells[x] = (ch, style)

        first_day = origin + int(x0 * dpc) - 1
        last_day = origin + int((x0 + plot) * dpc) + 1
        as_of_col = col(t.as_of) if t.as_of is not None else None
        if as_of_col is not None:
            put(as_of_col, "┊", styles["as-of"])
        # Spans: those ending at or after the first visible day, until one starts after the last.
        for s in row.spans[bisect.bisect_left(row.span_ends, first_day) :]:
            if s.start > last_day:
                break
            chosen = s is current
            a, b = col(s.start), col(s.end)
            sure_a, sure_b = col(s.start_sure + 1), col(s.end_sure)
            for x in range(max(a, left), min(b, left + plot - 1) + 1):
                if x < sure_a or (x > sure_b and not s.open):
                    ch, st = "░", styles["fuzzy"]
                elif as_of_col is not None and x > as_of_col:
                    ch, st = "╌", styles["projected"]
                else:
                    ch, st = " ", styles["bar"]
                put(x, ch, cursor if chosen else st)
            if s.open:
                put(b + 1, "→", styles["fuzzy"])
            text = plain_line(s.item.label)
            inner = max(sure_a, left) + 1
            room = min(b, left + plot - 1) - inner
            if room >= min(len(text), 8):
                shown = text if len(text) <= room else text[: room - 1] + "…"
                for i, ch in enumerate(shown):
                    put(inner + i, ch, cursor if chosen else styles["bar"])
            else:
                _label_beside(
                    cells,
                    text,
                    a - 2,
                    b + (3 if s.open else 2),
                    left,
                    plot,
                    cursor if chosen else styles["axis"],
                )
        if not row.marks:
            return
        # Marks: from a year before the first visible day (a year-precise mark covers its year).
        lo = bisect.bisect_left(row.mark_days, first_day - 366)
        hi = bisect.bisect_right(row.mark_days, last_day)
        counts: dict[int, list[Mark]] = {}
        fuzzy: list[tuple[int, int]] = []
        fuzzy_to = -(1 << 30)
        for m in row.marks[lo:hi]:
            a = left + int((m.first - origin) // dpc) - x0
            b = a if m.last == m.first else left + int((m.last - origin) // dpc) - x0
            if b < left or a >= left + plot:
                continue
            if b > a:  # an imprecise extent: hatched, drawn once for all that overlap
                if a > fuzzy_to:
                    fuzzy.append((a, b))
                    fuzzy_to = b
                elif b > fuzzy_to:
                    fuzzy[-1] = (fuzzy[-1][0], b)
                    fuzzy_to = b
            counts.setdefault((a + b) // 2, []).append(m)
        hatch = ("░", styles["fuzzy"])
        for a, b in fuzzy:
            for x in range(max(a, left), min(b, left + plot - 1) + 1):
                if cells[x][0] in " ┊":
                    cells[x] = hatch
        # Marks in touching cells are one group: side by side, whose label is whose cannot be read.
        placed: list[int] = []
        for x in sorted(counts):
            if placed and x - placed[-1] <= 1:
                counts[placed[-1]].extend(counts.pop(x))
            else:
                placed.append(x)
        labels: list[tuple[int, str, Style]] = []
        for x in placed:
            here = counts[x]
            chosen = any(m is current for m in here)
            projected = all(m.projected for m in here)
            if len(here) == 1:
                glyph = "◇" if projected else "◆"
            else:
                glyph = str(len(here)) if len(here) < 10 else "+"
            style = cursor if chosen else (styles["projected"] if projected else styles["mark"])
            put(x, glyph, style)
            first = next((m for m in here if m is current), here[0])
            text = plain_line(first.item.label)
            if len(here) > 1:
                text += f" +{len(here) - 1}"
            label = (x, text, cursor if chosen else styles["axis"])
            # The selected mark's label first: it is the one being read.
            labels.insert(0, label) if chosen else labels.append(label)
        for x, text, style in labels:
            _label_beside(cells, text, x - 2, x + 2, left, plot, style)


def _label_beside(
    cells: list[tuple[str, Style]],
    text: str,
    before: int,
    after: int,
    left: int,
    plot: int,
    style: Style,
) -> None:
    """Write ``text`` after ``after`` (or, where that has no room, to end at ``before``) over free
    cells only, with a cell free either side; cut with an ellipsis to the room there is."""

    def free(x: int) -> bool:
        return left <= x < left + plot and cells[x][0] in " ░┊─"

    room = 0
    while room < len(text) and free(after + room) and free(after + room + 1):
        room += 1
    if room >= min(len(text), 6):
        shown = text if len(text) <= room else text[: room - 1] + "…"
        for i, ch in enumerate(shown):
            cells[after + i] = (ch, style)
        return
    back = 0
    while back < len(text) and free(before - back) and free(before - back - 1):
        back += 1
    if back >= min(len(text), 6):
        shown = text if len(text) <= back else text[: back - 1] + "…"
        for i, ch in enumerate(shown):
            cells[before - len(shown) + 1 + i] = (ch, style)
