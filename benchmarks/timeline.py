"""How long the timeline chart takes to draw a frame of 10,000 events, against an empty chart.

    uv run python benchmarks/timeline.py            # 10,000 events, 15 frames per figure
    uv run python benchmarks/timeline.py --events 100000 --frames 5

In one headless app at 160×45 and at 80×24: the chart's :meth:`render_lines` over its whole
region (every line drawn from the data: the chart keeps no cache of lines) at each zoom, after
moving the selection; the baseline is the same widget with an empty timeline (its message lines),
measured alternately in the same run. Also :func:`dossier.timeline.build` of the events (the data
layer, in the screen's worker thread, not in a frame). Medians; the goal is ≤ 100 ms a frame.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import time
from collections.abc import Callable

from textual.app import App, ComposeResult
from textual.geometry import Region

from dossier import timeline as tl
from dossier.timeline import TimelineItem
from dossier.ui.widgets.timeline_chart import ZOOMS, TimelineChart


def events(n: int, lanes: int = 60) -> list[TimelineItem]:
    """``n`` items over ten years in ``lanes`` lanes, at day, month and year precision; one in ten
    a span (a state of its lane's chain), one in 97 undated."""
    base = dt.date(2015, 1, 1).toordinal()
    items = []
    for i in range(n):
        day = dt.date.fromordinal(base + (i * 37) % 3650).isoformat()
        precision = ("day", "month", "year")[i % 3]
        start: str | None = {"day": day, "month": day[:7], "year": day[:4]}[precision]
        if i % 97 == 0:
            start = None
        lane = f"p{i % lanes}"
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
                chain=f"custody:{lane}",
            )
        )
    return items


class ChartApp(App[None]):
    def compose(self) -> ComposeResult:
        yield TimelineChart()


def timed(fn: Callable[[], object], frames: int) -> float:
    samples = []
    for _ in range(frames):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


async def measure(n: int, frames: int) -> list[tuple[str, float, float]]:
    items = events(n)
    build_times = []
    for _ in range(3):
        started = time.perf_counter()
        timeline = tl.build(items, "2024-06-30")
        build_times.append(time.perf_counter() - started)
    empty = tl.build([], "2024-06-30")
    rows: list[tuple[str, float, float]] = [
        (f"timeline.build of {n:,} items", statistics.median(build_times), 0.0)
    ]
    for size in ((160, 45), (80, 24)):
        app = ChartApp()
        async with app.run_test(size=size) as pilot:
            chart = app.query_one(TimelineChart)
            await pilot.pause()
            region = chart.region.reset_offset

            def draw(chart: TimelineChart = chart, region: Region = region) -> None:
                chart.refresh()  # drop Textual's cache of the lines: every one drawn again
                chart.render_lines(region)

            for zoom, (name, _) in enumerate(ZOOMS):
                chart.set_timeline(empty)
                base = timed(draw, frames)
                chart.set_timeline(timeline)
                chart.zoom = zoom
                chart.action_step(len(timeline.stops) // 2)  # the middle of the case, in view
                full = timed(draw, frames)
                rows.append((f"{size[0]}×{size[1]}, zoom {name}", full, base))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--frames", type=int, default=15)
    args = parser.parse_args()
    rows = asyncio.run(measure(args.events, args.frames))
    print(f"| what | {args.events:,} events | empty chart | ratio |")
    print("|---|---:|---:|---:|")
    for what, value, base in rows:
        ratio = f"{value / base:.1f}×" if base else "—"
        shown = f"{base * 1000:.2f} ms" if base else "—"
        print(f"| {what} | {value * 1000:.1f} ms | {shown} | {ratio} |")


if __name__ == "__main__":
    main()
