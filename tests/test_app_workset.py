"""Pinning, annotating and reordering with the keys, in the app."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossier.ui.app import DossierApp
from dossier.ui.screens.annotate import AnnotationEditor
from dossier.ui.screens.confirm import Confirm
from dossier.workset import Workset, path_beside
from tests.conftest import Project, record_notifications, screen_text, settle, shown_detail


async def test_pin_annotate_and_reorder_by_keys(built_small_project: Project) -> None:
    db = built_small_project.db
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "p")  # Nora Méndez
        await settle(pilot)
        await pilot.press("j", "p")  # Ramiro de Lasa
        await settle(pilot)
        await pilot.press("3", "p")  # Ibarra's sedition charge
        await settle(pilot)
        assert app.pane("people").table.marks == {
            "nora-mendez": "★",
            "ramiro-de-lasa": "★",
            "ibarra-sedition": "★",
        }
        # Annotate the charge: type, Ctrl+S.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AnnotationEditor)
        await pilot.press(*"Ask the court for the indictment.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "YOUR NOTE" in screen_text(app)
        assert "Ask the court for the indictment." in screen_text(app)
        # The Pinned pane lists them in pin order; Shift+Up moves the charge up.
        await pilot.press("8")
        await settle(pilot)
        pinned = app.pane("pinned").table
        assert pinned.total == 3
        await pilot.press("G", "shift+up")
        await settle(pilot)
        ws = Workset(path_beside(db))
        assert ws.pinned_ids() == ["nora-mendez", "ibarra-sedition", "ramiro-de-lasa"]
        assert pinned.cursor == 1 and shown_detail(app) == "ibarra-sedition"
        assert pinned.current is not None
        assert pinned.current.cells[4] == "Ask the court for the indictment."
        # p in the Pinned pane unpins.
        await pilot.press("p")
        await settle(pilot)
        assert Workset(path_beside(db)).pinned_ids() == ["nora-mendez", "ramiro-de-lasa"]


async def test_escape_asks_before_throwing_away_an_annotation(built_small_project: Project) -> None:
    db = built_small_project.db
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "a")
        await pilot.pause()
        await pilot.press(*"draft")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, AnnotationEditor)
        await pilot.press("escape", "y")  # discard
        await settle(pilot)
        assert not isinstance(app.screen, AnnotationEditor | Confirm)
        assert Workset(path_beside(db)).annotation("mateo-ibarra") is None
        # Unchanged text: Escape closes without asking.
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AnnotationEditor | Confirm)


async def test_pins_survive_a_rebuild_and_orphans_show_as_such(
    built_small_project: Project,
) -> None:
    db = built_small_project.db
    ws = Workset(path_beside(db))
    ws.pin("rva", "RVA", "organization")
    ws.annotate("rva", "call the newsroom", "RVA", "organization")
    small_project = built_small_project
    small_project.edit_case('id = "rva"', 'id = "radio-rva"')
    small_project.write_case(small_project.case_text().replace('"rva"]', '"radio-rva"]'))
    app = DossierApp(db, build_from=small_project.case, build_reason="case file changed")
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        text = screen_text(app)
        assert "(orphaned) RVA" in text
        assert "ORPHANED" in text and "dossier pins reattach rva" in text
        assert "call the newsroom" in text


async def test_a_workset_that_cannot_be_saved_is_said_once_and_the_app_works(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dossier.ui.app as app_module

    monkeypatch.setattr(app_module, "path_beside", lambda db: Path("/proc/self/x.workset.db"))
    app = DossierApp(small_db)
    notices = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        messages = [n.message for n in notices]
        assert any("cannot be saved" in m for m in messages)
        await pilot.press("2", "j", "p")
        await settle(pilot)
        assert any(n.title == "Not saved" for n in notices)
        assert shown_detail(app) == "nora-mendez"


async def test_letters_on_search_results_go_into_the_query_and_pin_nothing(
    built_small_project: Project,
) -> None:
    from textual.widgets import Input

    from dossier.ui.screens.search import SearchScreen

    db = built_small_project.db
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"first poor")
        await settle(pilot)
        await pilot.press("down", "p", "a")  # on the results: typed, not "pin" and "annotate"
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.screen.query_one(Input).value == "first poorpa"
        assert Workset(path_beside(db)).pinned_ids() == []
        assert "^t Pin" in screen_text(app) and "^n Note" in screen_text(app)  # the footer


async def test_ctrl_t_and_ctrl_n_pin_and_annotate_search_results(
    built_small_project: Project,
) -> None:
    from dossier.ui.screens.search import SearchScreen

    db = built_small_project.db
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"first poor")
        await settle(pilot)
        await pilot.press("down", "ctrl+t")  # on the results: pin the epithet
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert Workset(path_beside(db)).pinned_ids() == ["first-poor-president"]
        assert "★" in screen_text(app)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, AnnotationEditor)
        await pilot.press(*"who coined it?", "ctrl+s")
        await settle(pilot)
        assert Workset(path_beside(db)).annotation("first-poor-president") == "who coined it?"
        item = Workset(path_beside(db)).items()[0]
        assert item.kind == "quote" and item.title.startswith("unattributed")
