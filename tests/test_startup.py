"""The first screen: what it mounts and what has the focus (issue 14: nothing on the first frame's
path that the first frame does not draw)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Tabs

from dossier.ui.app import APP_PANES, DossierApp
from dossier.ui.widgets.panes import ListPane
from dossier.ui.widgets.record_table import RecordTable
from tests.conftest import settle, shown_detail


async def test_the_first_screen_mounts_one_pane_and_focuses_its_table(small_db: Path) -> None:
    app = DossierApp(small_db)
    focused: list[object] = []
    async with app.run_test(size=(120, 40)) as pilot:
        focused.append(app.focused)  # before the case is read, too: never the tabs first
        await settle(pilot)
        assert isinstance(focused[0], RecordTable) and focused[0].id == "table-overview"
        assert [p.pane for p in app.query(ListPane)] == ["overview"]
        assert app.focused is app.pane("overview").table
        assert not app.query_one(Tabs).has_focus


async def test_every_pane_opens_on_first_show_with_its_rows(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for number, pane in enumerate(APP_PANES[:-1], start=1):  # the Pinned pane is empty here
            await pilot.press(str(number))
            await settle(pilot)
            assert app.active_pane == pane
            assert app.pane(pane).table.total > 0
            assert shown_detail(app) is not None
        assert {p.pane for p in app.query(ListPane)} == set(APP_PANES[:-1])
