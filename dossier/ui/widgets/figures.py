"""The Overview's key figures as two columns, laid out by hand.

A ``rich.table.Table`` grid did the same, but Rich measures and renders every cell of a table
twice (once for the widget's height, once to draw it), and on the first screen that was the
single largest cost after Textual itself. This renderable draws the same lines — the label
column as wide as its widest label up to :data:`LABEL_WIDTH` and cut with an ellipsis, a
space, the value wrapped in what is left — with one wrap per value (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.text import Text

LABEL_WIDTH = 22
"""The label column's widest, as the table grid had it (``max_width=22``)."""
GAP = 1
"""Spaces between the columns (as the grid had them: its padding of one, collapsed)."""


class FigureRows:
    """Rows of (label, value); a value of ``None`` is a heading row with no value."""

    def __init__(self, rows: Iterable[tuple[Text, Text | None]]) -> None:
        self.rows = list(rows)
        widest = max((cell_len(label.plain) for label, _ in self.rows), default=0)
        self.label_width = min(widest, LABEL_WIDTH)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        label_width = max(min(self.label_width, width - GAP - 1), 1)
        value_width = max(width - label_width - GAP, 1)
        gap = Segment(" " * GAP)
        blank = Segment(" " * (label_width + GAP))
        new_line = Segment.line()
        for label, value in self.rows:
            cut = label.copy()
            cut.truncate(label_width, overflow="ellipsis", pad=True)
            first = [*_segments(console, cut), gap]
            if value is None or not value.plain:
                yield from first
                yield Segment(" " * value_width)
                yield new_line
                continue
            for index, wrapped in enumerate(value.wrap(console, value_width, overflow="ellipsis")):
                wrapped.truncate(value_width, pad=True)
                yield from first if index == 0 else (blank,)
                yield from _segments(console, wrapped)
                yield new_line


def _segments(console: Console, text: Text) -> Iterable[Segment]:
    """``text`` as segments, its own style under its spans' (``Text.render`` leaves it out)."""
    segments = text.render(console)
    if not text.style:
        return segments
    return Segment.apply_style(segments, console.get_style(text.style))
