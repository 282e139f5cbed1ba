"""RecordTable on its own, over a fake loader: it asks only for the pages it draws, moves through
them with the keys, says when it is empty, and survives a loader that fails."""

from __future__ import annotations

import threading
from typing import Any

from textual.app import App, ComposeResult

from dossier.queries import Column, RowData
from dossier.ui.widgets.record_table import PAGE, RecordTable
from tests.conftest import press_until, screen_text, settle, wait_until

COLUMNS = (Column("#", 6), Column("Name", 10, grow=1))


class FakeLoader:
    """What RecordTable calls to read rows: ``loader(start, limit)``. Counts the calls, and fails
    on the pages in ``fail_on`` (once each) as a database that cannot be read would."""

    def __init__(self, total: int, fail_on: set[int] | None = None) -> None:
        self.total = total
        self.fail_on = set(fail_on or ())
        self.calls: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, start: int, limit: int) -> list[RowData]:
        with self._lock:
            self.calls.append((start, limit))
            if start // PAGE in self.fail_on:
                self.fail_on.discard(start // PAGE)
                raise OSError(f"cannot read rows from {start}")
        end = min(start + limit, self.total)
        return [
            RowData(pos, f"r{pos}", "thing", (str(pos), f"row {pos}")) for pos in range(start, end)
        ]

    @property
    def pages(self) -> list[int]:
        return sorted({start // PAGE for start, _ in self.calls})


class TableApp(App[None]):
    """The table alone, with what it posts up recorded."""

    def __init__(self, loader: FakeLoader, empty_text: str = "No things.") -> None:
        super().__init__()
        self.loader = loader
        self.empty_text = empty_text
        self.highlighted: list[tuple[int, str | None]] = []
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield RecordTable("things", COLUMNS, empty_text=self.empty_text)

    def on_mount(self) -> None:
        table = self.query_one(RecordTable)
        table.reset(self.loader, self.loader.total)
        table.focus()

    def on_record_table_highlighted(self, message: RecordTable.Highlighted) -> None:
        self.highlighted.append((message.pos, message.row.record if message.row else None))

    def on_record_table_chosen(self, message: RecordTable.Chosen) -> None:
        self.chosen.append(message.row.record)

    @property
    def table(self) -> RecordTable:
        return self.query_one(RecordTable)


async def loaded(pilot: Any, table: RecordTable, pos: int) -> bool:
    """Settle, then wait (bounded) until the row at ``pos`` is in the table."""
    await settle(pilot, rounds=2)
    return await wait_until(pilot, lambda: table.row_at(pos) is not None)


async def test_the_first_page_is_read_once_and_shown() -> None:
    loader = FakeLoader(total=3 * PAGE + 7)
    app = TableApp(loader)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        assert await loaded(pilot, table, 0)
        assert loader.pages == [0]  # the rows on screen, nothing more
        assert loader.calls == [(0, PAGE)]
        assert table.current is not None and table.current.record == "r0"
        assert app.highlighted[-1] == (0, "r0")
        text = screen_text(app)
        assert "Name" in text and "row 0" in text and "row 9" in text
        assert f"row {PAGE}" not in text


async def test_paging_down_past_a_page_boundary_reads_the_next_page() -> None:
    loader = FakeLoader(total=3 * PAGE + 7)
    app = TableApp(loader)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        assert await loaded(pilot, table, 0)
        assert await press_until(pilot, "pagedown", lambda: table.cursor >= PAGE, wait=False)
        assert await loaded(pilot, table, table.cursor)
        assert loader.pages == [0, 1]
        current = table.current
        assert current is not None and current.pos == table.cursor >= PAGE
        assert app.highlighted[-1] == (table.cursor, f"r{table.cursor}")
        assert f"row {table.cursor}" in screen_text(app)
        await pilot.press("k")
        assert table.cursor == current.pos - 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [f"r{current.pos - 1}"]


async def test_jump_to_the_end_reads_only_the_last_page() -> None:
    loader = FakeLoader(total=3 * PAGE + 50)
    app = TableApp(loader)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        assert await loaded(pilot, table, 0)
        await pilot.press("G")
        last = 3 * PAGE + 49
        assert table.cursor == last
        assert await loaded(pilot, table, last)
        assert loader.pages == [0, 3]  # the rows between were never on screen
        assert table.current is not None and table.current.record == f"r{last}"
        assert f"row {last}" in screen_text(app)
        await pilot.press("j")  # past the end: stays on the last row
        assert table.cursor == last
        await pilot.press("g")
        assert table.cursor == 0 and table.current is not None


async def test_an_empty_table_says_so_and_keys_do_nothing() -> None:
    loader = FakeLoader(total=0)
    app = TableApp(loader, empty_text="No things in this dossier.")
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        await settle(pilot)
        assert "No things in this dossier." in screen_text(app)
        await pilot.press("j", "G", "pagedown", "enter")
        await settle(pilot)
        assert (table.cursor, table.current) == (0, None)
        assert loader.calls == [] and app.chosen == []
        assert app.is_running


async def test_a_loader_error_leaves_a_placeholder_and_a_later_draw_asks_again() -> None:
    loader = FakeLoader(total=2 * PAGE, fail_on={1})
    app = TableApp(loader)
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.table
        assert await loaded(pilot, table, 0)
        await pilot.press("G")
        await settle(pilot)
        assert app.is_running  # the error reached the worker, not the app
        assert (PAGE, PAGE) in loader.calls  # asked once, and failed
        # The row is drawn as a placeholder until its page comes: drawing again asks again.
        table.refresh()
        assert await loaded(pilot, table, 2 * PAGE - 1)
        assert loader.calls.count((PAGE, PAGE)) == 2
        assert table.current is not None and table.current.record == f"r{2 * PAGE - 1}"
        assert f"row {2 * PAGE - 1}" in screen_text(app)
