"""What each pane shows, at 80×24 and 120×40; baselines are SVGs a person has looked at.

On the bundled case (the README shows one of them): `uv run pytest -m bundled -n 0 --snapshot-update`
rewrites them after a change to the bundled case or to what the screen shows; look at them first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from dossier.schema import PANES
from dossier.ui.app import DossierApp
from tests.conftest import settle

pytestmark = pytest.mark.bundled

SnapCompare = Callable[..., bool]


def _before(*keys: str, theme: str | None = None) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        if theme:
            pilot.app.theme = theme
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
@pytest.mark.parametrize("pane", PANES)
def test_pane(
    snap_compare: SnapCompare, bundled_db: Path, pane: str, size: tuple[int, int]
) -> None:
    key = str(PANES.index(pane) + 1)
    # One step down, so the detail shows a record other than the first.
    assert snap_compare(DossierApp(bundled_db), terminal_size=size, run_before=_before(key, "j"))


def test_wide_layout_side_by_side(snap_compare: SnapCompare, bundled_db: Path) -> None:
    assert snap_compare(
        DossierApp(bundled_db), terminal_size=(200, 50), run_before=_before("2", "j")
    )


@pytest.mark.parametrize("pane", ["overview", "quotes"])
def test_light_theme(snap_compare: SnapCompare, bundled_db: Path, pane: str) -> None:
    key = str(PANES.index(pane) + 1)
    app = DossierApp(bundled_db)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_before(key, theme="textual-light"))


def test_links_focused(snap_compare: SnapCompare, bundled_db: Path) -> None:
    assert snap_compare(
        DossierApp(bundled_db), terminal_size=(120, 40), run_before=_before("2", "j", "enter", "j")
    )


def test_help_screen(snap_compare: SnapCompare, bundled_db: Path) -> None:
    assert snap_compare(
        DossierApp(bundled_db), terminal_size=(80, 24), run_before=_before("question_mark")
    )
