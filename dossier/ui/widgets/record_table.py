"""A table that shows any number of rows by asking for the pages it is about to draw.

Textual's ``DataTable`` measures every cell of every row it is given on the UI thread (1k rows
≈ 0.4 s, 100k ≈ 17 s). This table holds only a row count and an LRU cache of pages: drawing a line
whose page is missing shows a placeholder and asks a thread worker for that page, so a pane of a
million quotes opens, scrolls and jumps to its last row as fast as a pane of seven.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, work
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

from dossier import safetext
from dossier.deferred import dataclass
from dossier.queries import PAGE_ROWS, Column, RowData
from dossier.ui.messages import WorkerFailed

PAGE = PAGE_ROWS
MAX_PAGES = 64
GAP = 2

Loader = Callable[[int, int], list[RowData]]


def layout_columns(columns: tuple[Column, ...], width: int) -> list[int]:
    """Widths of ``columns`` in ``width`` cells: minimums, then the spare shared by ``grow``; 0
    for a column left out at this width (``hide_below``)."""
    if not columns:
        return []
    if any(c.hide_below > width for c in columns):
        shown = [c for c in columns if c.hide_below <= width]
        kept = iter(layout_columns(tuple(shown), width))
        return [next(kept) if c.hide_below <= width else 0 for c in columns]
    usable = max(width - GAP * (len(columns) - 1), len(columns))
    mins = [c.width for c in columns]
    total_min = sum(mins)
    if usable <= total_min:
        # Too narrow: shrink every column in proportion, at least 3 cells each.
        widths = [max(3, m * usable // total_min) for m in mins]
    else:
        spare = usable - total_min
        grow = sum(c.grow for c in columns) or 1
        widths = [c.width + spare * c.grow // grow for c in columns]
        if not any(c.grow for c in columns):
            widths[-1] += spare
    # Give rounding leftovers to the widest growing column.
    leftover = usable - sum(widths)
    if leftover > 0:
        widest = max(range(len(columns)), key=lambda i: (columns[i].grow, widths[i]))
        widths[widest] += leftover
    return widths


class RecordTable(ScrollView, can_focus=True):
    """Rows of one pane, paged from the dossier; one line per row, long cells end in an ellipsis."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("home,g", "first", "First", show=False, id="table.first"),
        Binding("end,G", "last", "Last", show=False, id="table.last"),
        Binding("left,h", "column(-1)", "Column left", show=False, id="table.column_left"),
        Binding("right,l", "column(1)", "Column right", show=False, id="table.column_right"),
        Binding(
            "f",
            "filter",
            "Filter",
            show=False,  # in the help (?) and the README: the footer is full at 80 columns
            tooltip="Filter the rows as you type (names in any spelling); Esc clears it",
            id="table.filter",
        ),
        Binding(
            "s",
            "sort",
            "Sort",
            show=False,
            tooltip="Sort by the column under the cursor (←/→ pick it); again: reverse, "
            "a third time: the pane's own order",
            id="table.sort",
        ),
        Binding(
            "enter",
            "choose",
            "Open",
            tooltip="Into the record's links (on the timeline: go to the record's own pane; "
            "an event, which lives on the timeline, opens its links)",
            id="table.open",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "record-table--header",
        "record-table--cursor",
        "record-table--cursor-blurred",
        "record-table--placeholder",
        "record-table--empty",
        "record-table--mark",
        "record-table--column",
    }

    DEFAULT_CSS = """
    RecordTable {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    RecordTable > .record-table--header {
        text-style: bold;
        color: $text-accent;
        background: $panel;
    }
    RecordTable > .record-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RecordTable > .record-table--cursor-blurred {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    RecordTable > .record-table--placeholder {
        color: $text-muted;
    }
    RecordTable > .record-table--empty {
        color: $text-muted;
        text-style: italic;
    }
    RecordTable > .record-table--column {
        text-style: bold reverse;
    }
    RecordTable > .record-table--mark {
        color: $text-warning;
        text-style: bold;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        """The cursor is on a new row (``row`` is None while its page loads)."""

        table: RecordTable
        pos: int
        row: RowData | None

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class Chosen(Message):
        """Enter on a row."""

        table: RecordTable
        pos: int
        row: RowData

        @property
        def control(self) -> RecordTable:
            return self.table

    @dataclass
    class FilterRequested(Message):
        """``f``: the user wants to filter the rows."""

        table: RecordTable

    @dataclass
    class SortRequested(Message):
        """``s`` on a column."""

        table: RecordTable
        column: int

    @dataclass
    class PageReady(Message):
        table: RecordTable
        generation: int
        page: int
        rows: list[RowData]

    def __init__(
        self,
        pane: str,
        columns: tuple[Column, ...],
        *,
        empty_text: str = "Nothing here.",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.pane = pane
        self.columns = columns
        self.empty_text = empty_text
        self.total = 0
        self.loader: Loader | None = None
        self.marks: dict[str, str] = {}
        self.column = 0
        """The column under the cursor (what ``s`` sorts by)."""
        self._column_picked = False
        """Whether ←/→ has picked a column: from then on its header cell is lit."""
        self.sorted_by: tuple[int, bool] | None = None
        """The column the rows are sorted by and whether descending (▲/▼ in its header)."""
        self._pages: OrderedDict[int, list[RowData]] = OrderedDict()
        self._pending: set[int] = set()
        self._generation = 0
        self._widths: list[int] = []
        self._announced: tuple[int, str | None] | None = None
        self._frame: tuple[int, int, list[int], Style] = (0, 0, [], Style())
        self._seen = False
        """Whether the table has been on screen: until then (a pane not yet opened) it asks for
        no page and announces no row, so nothing loads the detail of a pane nobody looks at."""

    # -- data -----------------------------------------------------------------------------------

    def reset(
        self, loader: Loader, total: int, cursor: int = 0, first: list[RowData] | None = None
    ) -> None:
        """Show a new set of rows: ``total`` of them, fetched page by page through ``loader``
        (``first``: the first page, when it was read already)."""
        self._generation += 1
        self.loader = loader
        self.total = total
        self._pages.clear()
        self._pending.clear()
        if first is not None and total:
            self._pages[0] = first
        self._announced = None
        self._update_virtual_size()
        self.cursor = min(max(cursor, 0), max(total - 1, 0))
        self.refresh()

    def set_total(self, total: int) -> None:
        """The same rows, counted at last: ``total`` of them (the pages read stay)."""
        self.total = total
        self._update_virtual_size()
        self.refresh()

    def set_marks(self, marks: dict[str, str]) -> None:
        self.marks = marks
        self.refresh()

    def row_at(self, pos: int) -> RowData | None:
        page = self._pages.get(pos // PAGE)
        if page is None:
            return None
        index = pos - (pos // PAGE) * PAGE
        return page[index] if index < len(page) else None

    @property
    def current(self) -> RowData | None:
        return self.row_at(self.cursor) if self.total else None

    def _request(self, page: int) -> None:
        if page in self._pending or page in self._pages or self.loader is None:
            return
        if page * PAGE >= self.total:
            return
        self._pending.add(page)
        self._fetch(self.loader, self._generation, page)

    @work(thread=True, exit_on_error=False, group="record-table-pages")
    def _fetch(self, loader: Loader, generation: int, page: int) -> None:
        rows = loader(page * PAGE, PAGE)
        self.post_message(self.PageReady(self, generation, page, rows))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker.error))  # the app reports it
            self._pending.clear()  # let a later draw ask again

    def on_record_table_page_ready(self, message: RecordTable.PageReady) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._pending.discard(message.page)
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        if not self._seen:
            return
        row = self.current
        key = (self.cursor, row.record if row else None)
        if key == self._announced:
            return
        if row is None and self.total:
            self._request(self.cursor // PAGE)
        self._announced = key
        self.post_message(self.Highlighted(self, self.cursor, row))

    # -- geometry -------------------------------------------------------------------------------

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self.total + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    @property
    def _body_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_y)
        height = self._body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def watch_cursor(self, old: int, new: int) -> None:
        top = round(self.scroll_y)
        self._scroll_cursor_into_view()
        if round(self.scroll_y) == top:
            # Only the rows that gain and lose the cursor need drawing again.
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        else:
            self.refresh()
        self._announce()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- keys and mouse -------------------------------------------------------------------------

    def _move(self, pos: int) -> None:
        if self.total:
            self.cursor = min(max(pos, 0), self.total - 1)

    def action_cursor_down(self) -> None:
        self._move(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self._move(self.cursor - 1)

    def action_page_down(self) -> None:
        self._move(self.cursor + self._body_height)

    def action_page_up(self) -> None:
        self._move(self.cursor - self._body_height)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(self.total - 1)

    def action_column(self, delta: int) -> None:
        if self.columns:
            widths = self._frame[2]
            shown = [i for i in range(len(self.columns)) if i >= len(widths) or widths[i]]
            at = shown.index(self.column) if self.column in shown else 0
            self.column = shown[min(max(at + delta, 0), len(shown) - 1)]  # a left-out one: skip
            self._column_picked = True
            self.refresh_line(0)

    def action_filter(self) -> None:
        self.post_message(self.FilterRequested(self))

    def action_sort(self) -> None:
        self.post_message(self.SortRequested(self, self.column))

    def set_sorted(self, sorted_by: tuple[int, bool] | None) -> None:
        self.sorted_by = sorted_by
        self.refresh_line(0)

    def action_choose(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(self, self.cursor, row))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            pos = round(self.scroll_y) + event.y - 1
            if pos < self.total:
                if pos == self.cursor and event.chain >= 2:
                    self.action_choose()
                self._move(pos)

    # -- drawing --------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self._seen:  # first drawn: now the current row matters
            self._seen = True
            self.call_later(self._announce)
        # Geometry is looked up once a frame, not once a line: each lookup walks the DOM.
        width = self.scrollable_content_region.width
        gutter = 2 if self.marks else 0
        self._frame = (width, gutter, layout_columns(self.columns, width - gutter), self.rich_style)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width, gutter, widths, base = self._frame
        if y == 0:
            style = self.get_component_rich_style("record-table--header")
            cells = [c.label for c in self.columns]
            if self.sorted_by is not None and self.sorted_by[0] < len(cells):
                at, descending = self.sorted_by
                cells[at] = f"{cells[at]} {'▼' if descending else '▲'}"
            strip = self._strip(cells, widths, width, base + style, "", gutter)
            if self.has_focus and self._column_picked and self.column < len(widths):
                # The column under the cursor: its header cell stands out (what s sorts by).
                before = widths[: self.column]
                left = gutter + sum(before) + GAP * sum(1 for w in before if w)
                mark = self.get_component_rich_style("record-table--column")
                right = min(left + widths[self.column], width)
                strip = Strip.join(
                    [
                        strip.crop(0, left),
                        strip.crop(left, right).apply_style(mark),
                        strip.crop(right, width),
                    ]
                )
            return strip
        if not self.total:
            if y == 2:
                style = self.get_component_rich_style("record-table--empty")
                return Strip([Segment(f"  {self.empty_text}".ljust(width)[:width], base + style)])
            return Strip.blank(width, base)
        pos = round(self.scroll_y) + y - 1
        if pos >= self.total:
            return Strip.blank(width, base)
        row = self.row_at(pos)
        if row is None:
            self.call_later(self._request, pos // PAGE)
            style = base + self.get_component_rich_style("record-table--placeholder")
            return self._strip(["…"], [width], width, style, "", 0)
        style = base
        if pos == self.cursor:
            name = "record-table--cursor" if self.has_focus else "record-table--cursor-blurred"
            style = base + self.get_component_rich_style(name)
        return self._strip(
            list(row.cells), widths, width, style, self.marks.get(row.record, ""), gutter
        )

    def _strip(
        self, cells: list[str], widths: list[int], width: int, style: Style, mark: str, gutter: int
    ) -> Strip:
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        if gutter:
            mark_style = self.get_component_rich_style("record-table--mark")
            line.append(mark.ljust(gutter)[:gutter], mark_style)
        last = max((i for i, w in enumerate(widths) if w), default=0)
        for i, (cell, w) in enumerate(zip(cells, widths, strict=False)):
            if not w:
                continue  # left out at this width
            piece = Text(
                safetext.line(" ".join(cell.split())), no_wrap=True, overflow="ellipsis", end=""
            )
            piece.truncate(w, overflow="ellipsis", pad=True)
            line.append_text(piece)
            if i < last:
                line.append(" " * GAP)
        line.truncate(width, overflow="ellipsis", pad=True)
        line.stylize_before(style)
        segments = list(line.render(self.app.console))
        return Strip(segments, width).crop_extend(0, width, style)
