"""The first screen: what it mounts and what has the focus (issue 14: nothing on the first frame's
path that the first frame does not draw)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
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


async def test_started_is_called_once_after_the_frame_that_shows_the_case(small_db: Path) -> None:
    """The console script pauses garbage collection until ``started``: it must come, once, and
    only when the case is on screen."""
    calls: list[int] = []
    app = DossierApp(small_db, started=lambda: calls.append(app.pane("overview").table.total))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert len(calls) == 1 and calls[0] > 0  # the overview's rows were there
        await pilot.press("2")  # another pane's first show is not another start
        await settle(pilot)
        assert len(calls) == 1


async def test_started_is_called_as_a_build_begins(tmp_path: Path) -> None:
    from tests.conftest import SMALL_CASE

    calls: list[bool] = []
    db = tmp_path / "built.db"
    app = DossierApp(
        db, build_from=SMALL_CASE, build_reason="missing", started=lambda: calls.append(db.exists())
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert calls == [False]  # before the build wrote anything
        await app.case_ready.wait()
        await settle(pilot)
        assert calls == [False]


def test_collection_resumes_once_and_freezes_what_the_start_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    from dossier.ui import launch

    monkeypatch.setattr(launch, "_resumed", False)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        launch.resume_collection()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
        gc.disable()
        launch.resume_collection()  # once only: a later pause (Textual's, while scrolling) stays
        assert not gc.isenabled()
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def test_a_start_without_the_pause_leaves_collection_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from dossier.ui import launch

    monkeypatch.setattr(launch, "_resumed", False)
    assert gc.isenabled()  # as conftest leaves it for each test
    launch.resume_collection()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_console_script_pauses_collection_only_to_open_the_app(
    monkeypatch: pytest.MonkeyPatch, small_db: Path
) -> None:
    import gc
    import sys

    from dossier import entry
    from dossier.ui import launch

    seen: dict[str, object] = {}
    monkeypatch.setattr(
        launch,
        "launch_path",
        lambda path: seen.update(app=gc.isenabled(), fps=os.environ.get("TEXTUAL_FPS")),
    )
    monkeypatch.setenv("TEXTUAL_FPS", "")  # so that the test's end puts back what was there
    monkeypatch.delenv("TEXTUAL_FPS")
    usual = gc.get_threshold()
    try:
        monkeypatch.setattr(sys, "argv", ["dossier", "open", str(small_db)])
        entry.main()
        assert seen == {"app": False, "fps": "120"}  # frames twice as often: see entry.APP_FPS
        monkeypatch.setenv("TEXTUAL_FPS", "30")  # the user's own choice stays
        entry.main()
        assert seen == {"app": False, "fps": "30"}
    finally:
        gc.enable()
        gc.set_threshold(*usual)


def test_shell_completion_without_arguments_goes_to_typer() -> None:
    # `_DOSSIER_COMPLETE=… dossier`: no arguments, like opening the app, but Typer's to answer
    # (the start-up's collection settings are not applied, nor left behind).
    import subprocess
    import sys

    script = "import sys; sys.argv = ['dossier']; from dossier.entry import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "_DOSSIER_COMPLETE": "source_bash"},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "\x1b[" not in done.stdout  # the app did not start
