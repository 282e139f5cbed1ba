"""The timeline chart in the app: keys, what it shows, and how it looks (reviewed SVG snapshots)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from dossier import timeline as tl
from dossier.timeline import TimelineItem
from dossier.ui.app import DossierApp
from dossier.ui.screens.timeline import TimelineScreen
from dossier.ui.widgets.timeline_chart import TimelineChart
from tests.test_app import screen_text, settle
from tests.timeline_case import build_case

SnapCompare = Callable[..., bool]


@pytest.fixture(scope="module")
def ruiz_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_case(tmp_path_factory.mktemp("ruiz-ui"))


def chart_text(chart: TimelineChart) -> str:
    chart.render_lines(chart.region.reset_offset)
    return "\n".join(chart.render_line(y).text for y in range(chart.size.height))


async def test_t_opens_the_chart_and_enter_opens_the_record(ruiz_db: Path) -> None:
    app = DossierApp(ruiz_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        chart = app.screen.query_one(TimelineChart)
        assert chart.timeline is not None and chart.has_focus
        text = screen_text(app)
        # Lanes by person; the undated event listed apart, never placed.
        assert "Ana Ruiz" in text and "preventive detention" in text
        assert "Date not stated (1, not placed): The lawyer has not seen the file" in text
        assert all(st.item.record != "lawyer-file" for st in chart.timeline.stops)
        # The first item in time is the term of office, known to the year.
        assert chart.current is not None and chart.current.item.record == "ruiz-minister"
        assert "2016 → 2018 · known to the year · role" in text
        # → steps through time; End is the projected hearing; + zooms in.
        await pilot.press("right", "right")
        assert chart.current is not None and chart.current.item.record == "ruiz-detention"
        await pilot.press("end")
        assert chart.current is not None and chart.current.item.record == "appeal-hearing"
        await pilot.pause()
        assert "projected: after the as-of date" in screen_text(app)
        await pilot.press("plus", "plus")
        assert chart.zoom_name == "months"
        await pilot.press("minus", "minus", "minus")
        assert chart.zoom_name == "whole case"
        # ← back to the verdict; Enter leaves the chart for the record's own pane.
        await pilot.press("left", "left")
        record = chart.current.item.record if chart.current else ""
        assert record in {"ruiz-bribery", "ruiz-sentence"}
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)
        assert app.active_pane in {"charges", "sentences"}
        assert app.pane(app.active_pane).table.current is not None
        assert app.pane(app.active_pane).table.current.record == record


async def test_up_and_down_move_between_lanes(ruiz_db: Path) -> None:
    app = DossierApp(ruiz_db)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        chart = app.screen.query_one(TimelineChart)
        await pilot.press("down", "down", "down", "down", "down")
        assert chart.current is not None and chart.current.item.lane == "luis-mora"
        await pilot.press("up", "up")  # the stay's bar, then Ana Ruiz's marks
        assert chart.current is not None and chart.current.item.lane == "ana-ruiz"
        await pilot.press("escape")
        assert not isinstance(app.screen, TimelineScreen)


async def test_a_terminal_too_narrow_says_so(ruiz_db: Path) -> None:
    app = DossierApp(ruiz_db)
    async with app.run_test(size=(36, 20)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        chart = app.screen.query_one(TimelineChart)
        text = " ".join(chart_text(chart).split())
        assert "The timeline needs at least 40×4 cells: widen the terminal." in text


class ChartApp(App[None]):
    def __init__(self, timeline: tl.Timeline) -> None:
        super().__init__()
        self.timeline = timeline

    def compose(self) -> ComposeResult:
        yield TimelineChart()

    def on_mount(self) -> None:
        chart = self.query_one(TimelineChart)
        chart.set_timeline(self.timeline)
        chart.focus()


def many_events(n: int, lanes: int = 40) -> tl.Timeline:
    """``n`` items over ten years in ``lanes`` lanes: one in ten a span, some undated."""
    base = dt.date(2015, 1, 1).toordinal()
    items = []
    for i in range(n):
        day = dt.date.fromordinal(base + (i * 37) % 3650)
        lane = f"p{i % lanes}"
        start = None if i % 97 == 0 else day.isoformat()
        precision = ("day", "month", "year")[i % 3]
        if start and precision == "month":
            start = start[:7]
        elif start and precision == "year":
            start = start[:4]
        items.append(
            TimelineItem(
                f"r{i}",
                "event",
                f"event {i}",
                f"Event {i}",
                lane,
                f"Person {i % lanes}",
                start,
                precision,
                span=i % 10 == 0,
                chain=f"c{lane}",
            )
        )
    return tl.build(items, "2024-06-30")


async def test_ten_thousand_events_are_counted_in_their_cells() -> None:
    timeline = many_events(10_000)
    app = ChartApp(timeline)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        chart = app.query_one(TimelineChart)
        text = chart_text(chart)
        assert "+" in text  # ten or more marks in one cell
        assert len(timeline.undated) == 104
        await pilot.press("end", "plus", "plus", "plus", "left", "down")
        text = chart_text(chart)
        assert "days" in text.splitlines()[0]
        assert chart.current is not None


# ---------------------------------------------------------------------------------------------------
# Snapshots: looked at before they were committed.


def _open_chart(*keys: str, theme: str | None = None) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


@pytest.mark.bundled  # a snapshot of the bundled case: regenerated with it
def test_chart_bundled_80x24(snap_compare: SnapCompare, bundled_db: Path) -> None:
    assert snap_compare(
        DossierApp(bundled_db), terminal_size=(80, 24), run_before=_open_chart("right", "down")
    )


@pytest.mark.bundled  # a snapshot of the bundled case: regenerated with it
def test_chart_bundled_160x45_light(snap_compare: SnapCompare, bundled_db: Path) -> None:
    app = DossierApp(bundled_db)
    assert snap_compare(
        app, terminal_size=(160, 45), run_before=_open_chart("end", theme="textual-light")
    )


def test_chart_verdict_80x24_light(snap_compare: SnapCompare, ruiz_db: Path) -> None:
    app = DossierApp(ruiz_db)
    assert snap_compare(
        app, terminal_size=(80, 24), run_before=_open_chart("right", theme="textual-light")
    )


def test_chart_verdict_160x45_zoomed(snap_compare: SnapCompare, ruiz_db: Path) -> None:
    app = DossierApp(ruiz_db)
    keys = ("end", "left", "left", "plus", "plus")
    assert snap_compare(app, terminal_size=(160, 45), run_before=_open_chart(*keys))


def test_the_chart_benchmark_runs() -> None:
    """benchmarks/timeline.py at a tiny size, so that it cannot rot (no timing is asserted)."""
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    done = subprocess.run(
        [
            sys.executable,
            str(root / "benchmarks" / "timeline.py"),
            "--events",
            "300",
            "--frames",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    assert "| 80×24, zoom days |" in done.stdout


async def test_data_is_shown_as_plain_text() -> None:
    """Markup and escape sequences in a name or label are drawn as text and never reach the
    terminal."""
    hostile = "[bold]x[/] \x1b]52;c;SGVsbG8=\x07 \x1b[31mred \u202eevil"
    item = TimelineItem("r", "event", hostile, hostile, "p", hostile, "2024-01-02")
    app = ChartApp(tl.build([item], "2024-02-01"))
    async with app.run_test(size=(100, 12)) as pilot:
        await pilot.pause()
        text = chart_text(app.query_one(TimelineChart))
        assert "[bold]x[/]" in text
        assert not {"\x1b", "\x07", "\u202e"} & set(text)
