"""The `t` screen: the case over time as a chart, with the selected item described below it and the
items whose date is not stated listed apart. Enter closes it with the record to open; the app opens
it (this screen reads through the function it is given, and navigates nothing itself)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

from dossier.dates import UNDATED, display_date
from dossier.queries import Reader
from dossier.timeline import Mark, Span, Stop, Timeline, build, day_text
from dossier.timeline_filter import TimelineFilter, apply, describe, parse
from dossier.ui.widgets.timeline_chart import TimelineChart, plain_line
from dossier.views import lane_spellings

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
        Binding(
            "f",
            "filter",
            "Filter",
            tooltip="Narrow to a person, kinds, dates: person:castillo kind:charge 2025-01..2025-12",
            show=False,  # in the help (?) and the head once used: the footer stays as it was
            id="timeline.filter",
        ),
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
    TimelineScreen #timeline-filter {
        height: 1; border: none; padding: 0 1; display: none; background: $panel;
    }
    TimelineScreen #timeline-filter.-shown { display: block; }
    """

    @classmethod
    def of(cls, reader: Reader, title: str = "") -> TimelineScreen:
        """The timeline of the dossier ``reader`` reads."""

        def load() -> Timeline:
            return build(reader.timeline_items(), reader.meta.get("as_of"))

        return cls(load, title, spellings=partial(lane_spellings, reader))

    def __init__(
        self,
        load: Callable[[], Timeline],
        title: str = "",
        *,
        spellings: Callable[[], Mapping[str, str]] | None = None,
    ) -> None:
        """``load``: reads the timeline (called in a thread worker); ``spellings``: every
        spelling of each lane's person, for the filter's ``person:`` (read with it)."""
        super().__init__()
        self._load_timeline = load
        self._read_spellings = spellings
        self._spellings: Mapping[str, str] = {}
        self._title = title
        self._whole: Timeline | None = None
        self._shown: Timeline | None = None
        self._filter = TimelineFilter()
        self._filter_asked = 0

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="timeline-head")
        yield Input(
            placeholder="person:castillo kind:charge 2025-01..2025-12 words",
            compact=True,
            id="timeline-filter",
            select_on_focus=False,
        )
        yield TimelineChart(id="timeline-chart")
        yield Static(id="timeline-info")
        yield Static(id="timeline-undated")
        yield Footer(compact=True)

    def _head(self, zoom: str = "whole case") -> Text:
        text = Text("Timeline", style="bold")
        shown = self._shown
        if self._filter.active and self._whole is not None and shown is not None:
            text.append(f" — {describe(self._filter, shown, self._whole)}", style="bold")
        elif self._title:
            text.append(f" · {plain_line(self._title)}")
        text.append(f" · zoom: {zoom} (+/-) · ←/→ items · ↑/↓ lanes · Enter opens", style="dim")
        return text

    def on_mount(self) -> None:
        self.query_one(TimelineChart).focus()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline")
    def _load(self) -> Timeline:
        if self._read_spellings is not None:
            self._spellings = self._read_spellings()
        return self._load_timeline()

    # -- the filter ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        if self._whole is None:
            return
        box = self.query_one("#timeline-filter", Input)
        box.add_class("-shown")
        box.focus()
        box.cursor_position = len(box.value)

    @on(Input.Changed, "#timeline-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply_filter(event.value)

    @on(Input.Submitted, "#timeline-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one("#timeline-filter", Input)
        box.set_class(bool(box.value.strip()), "-shown")
        self.query_one(TimelineChart).focus()

    def on_key(self, event: events.Key) -> None:
        """Esc clears the filter (and closes the box); with none, it closes the timeline."""
        box = self.query_one("#timeline-filter", Input)
        if event.key == "escape" and (box.value or box.has_focus):
            event.stop()
            event.prevent_default()
            box.value = ""
            box.remove_class("-shown")
            self.query_one(TimelineChart).focus()
            self._apply_filter("")

    def _apply_filter(self, text: str) -> None:
        whole = self._whole
        if whole is None:
            return
        self._filter_asked += 1
        self._filter_worker(whole, text, self._filter_asked)

    @work(thread=True, exclusive=True, exit_on_error=False, group="timeline-filter")
    def _filter_worker(self, whole: Timeline, text: str, asked: int) -> None:
        wanted = parse(text)
        shown = apply(whole, wanted, self._spellings)
        self.app.call_from_thread(self._filtered, wanted, shown, asked)

    def _filtered(self, wanted: TimelineFilter, shown: Timeline, asked: int) -> None:
        if asked != self._filter_asked:
            return
        self._filter, self._shown = wanted, shown
        chart = self.query_one(TimelineChart)
        chart.set_timeline(
            shown, empty="Nothing on the timeline matches the filter (Esc clears it)."
        )
        self._show_undated(shown)
        self.query_one("#timeline-head", Static).update(self._head(chart.zoom_name))

    @on(Worker.StateChanged)
    def _loaded(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "timeline":
            return
        chart = self.query_one(TimelineChart)
        if event.state == WorkerState.SUCCESS and isinstance(event.worker.result, Timeline):
            timeline = event.worker.result
            self._whole = timeline
            chart.set_timeline(timeline)
            self._show_undated(timeline)
        elif event.state == WorkerState.ERROR:
            chart.message = f"The timeline could not be read: {event.worker.error}"
            chart.refresh()

    def _show_undated(self, timeline: Timeline) -> None:
        undated = timeline.undated
        widget = self.query_one("#timeline-undated", Static)
        widget.display = bool(undated)
        if not undated:
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
