"""The app on a team's working set: whose pins, live changes, the header and the status line."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

from dossier.teamset import PgWorkset
from dossier.ui.app import CaseBar, DossierApp
from tests.pg.conftest import TEAM_PASS
from tests.test_app import screen_text


@pytest.fixture(autouse=True)
def state_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("DOSSIER_WORKSET", raising=False)


async def until(pilot: Pilot[None], condition, seconds: float = 30) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish; live changes may replace a worker meanwhile (exclusive workers)."""
    for _ in range(4):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def status_text(app: DossierApp) -> str:
    return str(app.query_one("#status", Static).render())


async def test_a_colleagues_pin_appears_live_with_whose_it_is(
    bundled_db: Path, team_url: str
) -> None:
    app = DossierApp(bundled_db, workset=team_url, author="ana")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        header = str(app.query_one(CaseBar).render())
        assert "team:***@" in header and TEAM_PASS not in header
        await pilot.press("8")
        await settle(pilot)
        PgWorkset(team_url, "ben").pin("betsy-chavez", "Betsy Chávez", "person")
        assert await until(pilot, lambda: app.pane("pinned").table.total == 1)
        await settle(pilot)
        assert app.marks.get("betsy-chavez") == "☆"
        text = screen_text(app)
        assert "Betsy Chávez" in text and "ben" in text
        # m: only mine (none), then everyone's again.
        await pilot.press("m")
        assert await until(pilot, lambda: app.pane("pinned").table.total == 0)
        await pilot.press("m")
        assert await until(pilot, lambda: app.pane("pinned").table.total == 1)


async def test_the_app_opens_with_the_server_away_and_counts_the_writes_waiting(
    bundled_db: Path,
) -> None:
    url = "postgresql://team:hunter2@127.0.0.1:1/team"
    app = DossierApp(bundled_db, workset=url, author="ana")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "p")
        assert await until(pilot, lambda: "1 write waiting" in status_text(app))
        status = status_text(app)
        assert "offline" in status and "hunter2" not in status
        assert app.marks.get("betsy-chavez") == "★"  # made here, kept here until sent
