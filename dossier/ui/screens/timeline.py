"""The `t` screen: the case over time as a chart, with the selected item described below it and the
items whose date is not stated listed apart. Enter closes it with the record to open; the app opens
it (this screen reads through the function it is given, and navigates nothing itself)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from dossier.dates import UNDATED, display_date
from dossier.queries import Reader
from dossier.timeline import Mark, Span, Stop, Timeline, build, day_text
from dossier.ui.widgets.timeline_chart import TimelineChart, plain_line

UNDATED_SHOWN = 6
"""Undated items named under the chart; the rest are counted."""


def _day(day: int) -> str:
    return display_date(day_text(day), "day")


def _when(value: str | None, precision: str | None, approx: bool) -> str:
    return display_date(value, precision or "day", approx) if value else UNDATED


def describe_stop(stop: Stop | None, as_of: int | None) -> Text:
    """Two lines about the selected item: its words, then its dates at their precision."""
    if stop is None:
        return Text("")
    item = stop.item
    line = Text(plain_line(item.title), style="bold", no_wrap=True, overflow="ellipsis")
    line.append("\n")
    start = _when(item.start, item.start_precision, item.approx)
    if isinstance(stop, Span):
        if item.end:
            end = _when(item.end, item.end_precision, False)
        elif stop.open:
            end = f"still so as of {_day(stop.end)} (no end stated)"
        else:
            end = f"until {_day(stop.end_sure)}, when the next step begins"
        when = f"{start} → {end}"
    else:
        when = start
    precision = item.start_precision or "day"
    if precision != "day":
        when += f" · known to the {precision}"
    if stop.projected:
        when += " · projected: after the as-of date"
    if isinstance(stop, Mark | Span):
        when += f" · {item.kind}"
    line.append(when, style="dim")
    return line


class TimelineScreen(Screen[str | None]):
    """Dismissed with the id of the record to open, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace,t,q", "close", "Back", key_display="Esc", id="timeline.close"),
        # The app's keys that act on the panes below would change them unseen: not here.
        Binding("1,2,3,4,5,6,7,8,p,a,e,slash,shift+up,shift+down", "ignore", show=False),
    ]

    DEFAULT_CSS = """
    TimelineScreen { layout: vertical; }
    TimelineScreen #timeline-head {
        height: 1; background: $primary; color: $text; padding: 0 1;
        text-wrap: nowrap; text-overflow: ellipsis;
    }
    TimelineScreen TimelineChart { height: 1fr; }
    TimelineScreen #timeline-info {
        height: 2; padding: 0 1; background: $panel; border-top: hkey $panel-lighten-2;
        box-sizing: content-box; text-wrap: nowrap; text-overflow: ellipsis;
    }
    TimelineScreen #timeline-undated { height: auto; max-height: 3; padding: 0 1; color: $text-muted; }
    """

    @classmethod
    def of(cls, reader: Reader, title: str = "") -> TimelineScreen:
        """The timeline of the dossier ``reader`` reads."""

        def load() -> Timeline:
            return build(reader.timeline_items(), reader.meta.get("as_of"))

        return cls(load, title)

    def __init__(self, load: Callable[[], Timeline], title: str = "") -> None:
        """``load``: reads the timeline (called in a thread worker)."""
        super().__init__()
        self._load_timeline = load
        self._title = title

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="timeline-head")
        yield TimelineChart(id="timeline-chart")
        yield Static(id="timeline-info")
        yield Static(id="timeline-undated")
        yield Footer(compact=True)

    def _head(self, zoom: str = "whole case") -> Text:
        text = Text("Timeline", style="bold")
        if self._title:
            text.append(f" · {plain_line(self._title)}")
        text.append(f" · zoom: {zoom} (+/-) · ←/→ items · ↑/↓ lanes · Enter opens", style="dim")
        return text

    def on_mount(self) -> None:
        self.query_one(TimelineChart).focus()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline")
    def _load(self) -> Timeline:
        return self._load_timeline()

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "timeline":
            return
        chart = self.query_one(TimelineChart)
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, Timeline):
            timeline = event.worker.result
            chart.set_timeline(timeline)
            self._show_undated(timeline)
        elif event.state == WorkerState.ERROR:
            chart.message = f"The timeline could not be read: {event.worker.error}"
            chart.refresh()

    def _show_undated(self, timeline: Timeline) -> None:
        undated = timeline.undated
        widget = self.query_one("#timeline-undated", Static)
        if not undated:
            widget.display = False
            return
        text = Text(f"Date not stated ({len(undated):,}, not placed): ", style="bold")
        names = [plain_line(i.title) for i in undated[:UNDATED_SHOWN]]
        text.append("; ".join(names))
        if len(undated) > UNDATED_SHOWN:
            text.append(f"; and {len(undated) - UNDATED_SHOWN:,} more")
        widget.update(text)

    @on(TimelineChart.Highlighted)
    def _highlighted(self, event: TimelineChart.Highlighted) -> None:
        chart = event.chart
        as_of = chart.timeline.as_of if chart.timeline else None
        self.query_one("#timeline-info", Static).update(describe_stop(event.selected, as_of))
        self.query_one("#timeline-head", Static).update(self._head(chart.zoom_name))

    @on(TimelineChart.Chosen)
    def _chosen(self, event: TimelineChart.Chosen) -> None:
        self.dismiss(event.record)

    def action_ignore(self) -> None:
        pass

    def action_close(self) -> None:
        self.dismiss(None)
