"""The app, driven by the keys a user would press; assertions on what it shows."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import TabbedContent

from dossier import build as builder
from dossier.schema import PANES
from dossier.ui.app import DossierApp
from dossier.ui.widgets.detail import DetailPanel, LinkList
from dossier.ui.widgets.record_table import RecordTable
from tests.conftest import (
    Cli,
    Project,
    press_until,
    record_notifications,
    screen_text,
    settle,
    shown_detail,
    wait_until,
)


async def test_every_pane_is_reachable_by_its_number(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for number, pane in enumerate(PANES, start=1):
            await pilot.press(str(number))
            await settle(pilot)
            assert app.query_one(TabbedContent).active == pane
            assert isinstance(app.focused, RecordTable) and app.focused.pane == pane
            assert shown_detail(app) is not None, pane
        text = screen_text(app)
        assert "Andara severs diplomatic relations with Veracia" in text


async def test_header_shows_title_and_as_of_date(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first_line = screen_text(app).splitlines()[0]
        assert "Ibarra and Méndez" in first_line
        assert "as of 4 November 2025" in first_line


async def test_arrows_jk_and_g_G_move_through_rows(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        table = app.pane("people").table
        await pilot.press("j", "j", "down")
        await settle(pilot)
        assert table.cursor == 3
        assert shown_detail(app) == "raul-tavernilla"
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        await settle(pilot)
        assert table.cursor == table.total - 1
        assert shown_detail(app) == "prosecutors"
        await pilot.press("g")
        await settle(pilot)
        assert (table.cursor, shown_detail(app)) == (0, "mateo-ibarra")
        await pilot.press("pagedown")
        assert table.cursor > 1


async def test_who_is_raul_tavernilla(small_db: Path) -> None:
    """A new user's first question, with the keyboard alone: People pane, find him, read."""
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "j", "j")
        await settle(pilot)
        text = screen_text(app)
        assert "Raul Tavernilla" in text
        assert "Nora Méndez's lawyer." in text
        assert "Raúl Tabernilla" in text  # the usual spelling, marked editorial
        assert "(usual spelling, not in" in text


async def test_follow_links_and_come_back(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3")  # Charges; first row: Ibarra's sedition charge
        await settle(pilot)
        assert shown_detail(app) == "ibarra-sedition"
        await pilot.press("enter")  # into the record's links
        assert isinstance(app.focused, LinkList)
        await pilot.press("enter")  # the first link: the defendant
        await settle(pilot)
        assert app.active_pane == "people"
        assert shown_detail(app) == "mateo-ibarra"
        # From Ibarra to one of his quotes' pages and on, then all the way back.
        await pilot.press("enter")
        links = app.focused
        assert isinstance(links, LinkList)
        targets = [o.id for o in links.options if o.id]
        assert "ibarra-sentence-request" in targets
        assert await press_until(
            pilot,
            "down",
            lambda: (
                links.highlighted is not None
                and links.get_option_at_index(links.highlighted).id == "ibarra-sentence-request"
            ),
            tries=len(targets),
            wait=False,
        )
        await pilot.press("enter")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("sentences", "ibarra-sentence-request")
        await pilot.press("escape")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("people", "mateo-ibarra")
        await pilot.press("backspace")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("charges", "ibarra-sedition")


@pytest.mark.slow
async def test_every_link_of_every_record_leads_to_that_record(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.reader is not None
        conn = sqlite3.connect(small_db)
        targets = sorted({row[0] for row in conn.execute("SELECT dst FROM link")})
        for target in targets:
            place = app.reader.place(target)
            assert place is not None, target
            app.goto(target)
            # Bounded: wait until the pane and its detail show the record, no longer.
            shown = await wait_until(
                pilot,
                lambda place=place: (  # type: ignore[misc]
                    app.active_pane == place.pane and shown_detail(app) == place.record
                ),
                tries=200,
            )
            assert shown, (target, app.active_pane, shown_detail(app))
        # Back goes through the same places in reverse.
        await app.action_go_back()
        await settle(pilot)
        previous = app.reader.place(targets[-2])
        assert previous is not None
        assert (app.active_pane, shown_detail(app)) == (previous.pane, previous.record)
        assert len({p.pane for p in map(app.reader.place, targets) if p}) >= 5  # links everywhere


async def test_timeline_enter_goes_to_the_record_in_its_pane(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.pane("overview").table
        # When did Andara expel Veracia's ambassador? It is on the timeline.
        assert await press_until(
            pilot,
            "j",
            lambda: (
                table.current is not None
                and table.current.record == "andara-expels-veracian-ambassador"
            ),
            tries=table.total,
        )
        assert table.current is not None and table.current.cells[0] == "Dec 2022"
        await pilot.press("enter")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == (
            "asylum",
            "andara-expels-veracian-ambassador",
        )
        assert "Andara expelled the Veracian ambassador" in screen_text(app)


async def test_what_prosecutors_asked_for_ibarra(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "34 years" in text
        assert "requested by prosecutors (not a" in text
        assert "They asked for a 34-year sentence" in text


async def test_palette_finds_a_person_by_an_alias_typed_without_accents(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"raul tabernilla")  # the editorial spelling "Raúl Tabernilla"
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("people", "raul-tavernilla")


async def test_palette_reaches_a_quote_by_its_words(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"unfriendly act")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("quotes", "de-lasa-sever-relations")
        text = screen_text(app)
        assert "Ramiro de Lasa" in text


async def test_help_lists_every_key(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(100, 120)) as pilot:  # tall enough for the whole help
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        for label in ("Overview", "Sources", "Back", "Quit", "Ctrl+P", "Page down", "Go to link"):
            assert label in text, label
        await pilot.press("escape")
        await pilot.pause()
        assert "Go to link" not in screen_text(app)


async def test_sources_pane_shows_the_article_with_cited_spans(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        text = screen_text(app)
        assert "Text of the source" in text
        assert "cited spans underlined" in text
        assert "Monday’s announcement came hours after" in text


async def test_editorial_notes_are_marked_as_such(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        app.goto("ramiro-de-lasa")
        await settle(pilot)
        text = screen_text(app)
        assert "EDITORIAL" in text and "the analyst's note, not from the source" in text
        assert "Ramiro de Laza" in text


async def test_usable_at_80x24_and_after_resizing_to_40x12(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Overview" in text and "Sources" in text and "Pinned" in text
        assert "as of 4 November 2025" in text
        await pilot.resize_terminal(40, 12)
        await settle(pilot)
        await pilot.press("2", "j")
        await settle(pilot)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert shown_detail(app) == "nora-mendez"
        assert "Nora Méndez" in screen_text(app)


async def test_light_theme(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = "textual-light"
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        assert "Ramiro de Lasa" in screen_text(app)


# ---------------------------------------------------------------------------------------------
# Bad input


def test_open_missing_path_exits_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("open", tmp_path / "nope.db")
    assert result.code == 2
    assert result.err.strip().endswith("nope.db: no such file")
    assert "Traceback" not in result.err


def test_open_file_that_is_not_sqlite(cli: Cli, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database")
    result = cli("open", bogus)
    assert result.code == 2
    assert "not a SQLite database" in result.err
    assert result.err.count("\n") == 1


def test_open_sqlite_that_is_not_a_dossier(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    result = cli("open", other)
    assert result.code == 2
    assert "not a dossier" in result.err


def test_open_a_dossier_of_a_newer_schema(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    newer.write_bytes(small_db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    result = cli("open", newer)
    assert result.code == 2
    assert "schema version 99 is newer" in result.err


def test_open_a_directory(cli: Cli, tmp_path: Path) -> None:
    result = cli("open", tmp_path)
    assert result.code == 2
    assert "is a directory" in result.err


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    case = tmp_path / "data" / "empty.toml"
    case.parent.mkdir()
    case.write_text(
        'format = 1\n[case]\nid = "empty"\ntitle = "An empty case"\nsummary = "Nothing yet."\n'
    )
    out = tmp_path / "empty.db"
    builder.build(case, out)
    return out


async def test_empty_dossier_says_so_in_every_pane(empty_db: Path) -> None:
    app = DossierApp(empty_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "This dossier is empty" in screen_text(app)
        for number, pane in enumerate(PANES, start=1):
            await pilot.press(str(number), "j", "G", "enter")
            await settle(pilot)
            assert app.active_pane == pane
            assert "No " in screen_text(app)
        assert app.return_code is None


async def test_database_becoming_unreadable_is_a_notification_not_a_crash(
    small_db: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(small_db.read_bytes())
    app = DossierApp(copy)
    notices = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.reader is not None
        app.reader.close()  # drop cached pages' connections, then break the file under the app
        app.reader._closed = False
        with copy.open("r+b") as fh:
            fh.write(b"\x00" * 4096 * 4)
        await pilot.press("2", "j", "j")
        await settle(pilot)
        notes = [n.message for n in notices]
        assert any("Cannot read the dossier" in m for m in notes), notes
        assert app.is_running
        await pilot.press("3")
        await settle(pilot)
        assert app.is_running


async def test_first_run_builds_the_dossier_with_a_visible_message(
    small_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    release = threading.Event()
    real_build = builder.build

    def slow_build(case: Path, out: Path, **kwargs: Any) -> object:
        release.wait(10)  # hold the build until the test has looked at the screen
        return real_build(case, out, **kwargs)

    monkeypatch.setattr(builder, "build", slow_build)
    app = DossierApp(
        small_project.db, build_from=small_project.case, build_reason="no database yet"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Building the dossier (no database yet)" in text
        release.set()
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert small_project.db.exists()
        assert "Building the dossier" not in screen_text(app)
        await pilot.press("2")
        await settle(pilot)
        assert shown_detail(app) == "mateo-ibarra"


async def test_a_broken_case_file_stops_the_app_with_its_one_line_error(
    small_project: Project,
) -> None:
    small_project.edit_case('offence = "Sedition"', 'offence = ""')
    app = DossierApp(
        small_project.db, build_from=small_project.case, build_reason="no database yet"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.return_code is not None, tries=100)
    assert app.return_code == 2
    assert app.error_message is not None
    assert "'ibarra-sedition'" in app.error_message and "offence is empty" in app.error_message
    assert not small_project.db.exists()


async def test_e_previews_the_brief_and_saves_it(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.ui.screens.export import ExportScreen, SaveDialog

    monkeypatch.chdir(tmp_path)
    app = DossierApp(small_db)
    notices = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, ExportScreen)
        assert "Ibarra and Méndez" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        await pilot.press("enter")
        await settle(pilot)
        saved = tmp_path / "ibarra-mendez-brief-2025-11-04.md"
        assert saved.exists() and saved.read_text().startswith("# ")
        assert any(str(saved.name) in n.message for n in notices)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


async def test_slash_searches_and_enter_opens_the_quote(small_db: Path) -> None:
    from dossier.ui.screens.search import SearchScreen

    app = DossierApp(small_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"speaker:lasa sever")
        await settle(pilot)
        assert "1 quote · best first" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert (app.active_pane, shown_detail(app)) == ("quotes", "de-lasa-sever-relations")
        await pilot.press("escape")  # back to where the search started
        await settle(pilot)
        assert app.active_pane == "people"


async def test_a_broken_case_file_with_a_previous_build_opens_that_build_and_says_why(
    built_small_project: Project,
) -> None:
    small_project = built_small_project
    small_project.edit_case('offence = "Sedition"', 'offence = ""')
    app = DossierApp(
        small_project.db, build_from=small_project.case, build_reason="case file changed"
    )
    notices = record_notifications(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.return_code is None
        notes = [(n.title, n.message) for n in notices]
        assert any(
            title == "The case file did not build" and "offence is empty" in message
            for title, message in notes
        ), notes
        await pilot.press("3")
        await settle(pilot)
        assert shown_detail(app) == "ibarra-sedition"


async def test_escape_from_the_detail_returns_to_the_table_and_back_to_the_timeline(
    small_db: Path,
) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")  # a timeline row: Congress impeaches Ibarra? any row
        await settle(pilot)
        row = app.pane("overview").table.cursor
        await pilot.press("tab")
        assert isinstance(app.focused, DetailPanel)
        await pilot.press("escape")
        assert app.focused is app.pane("overview").table
        assert app.active_pane == "overview"
        # Follow a timeline row to its own pane, then come back to the same timeline row.
        timeline = app.pane("overview").table
        assert await press_until(
            pilot,
            "j",
            lambda: timeline.current is not None and timeline.current.record == "ibarra-sedition",
            tries=timeline.total,
        )
        row = app.pane("overview").table.cursor
        await pilot.press("enter")
        await settle(pilot)
        assert app.active_pane == "charges"
        await pilot.press("escape")
        await settle(pilot)
        assert (app.active_pane, app.pane("overview").table.cursor) == ("overview", row)


async def test_rows_read_before_the_app_started_are_on_its_first_screen(small_db: Path) -> None:
    # What `dossier` does: the case is read before the app starts, and the first frame shows the
    # timeline's rows without a trip through a worker.
    from dossier.ui.launch import read_early

    early = read_early(small_db, None)
    early.result(timeout=30)
    app = DossierApp(small_db, early=early)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.pane("overview").table
        assert table.total > 0 and table.row_at(0) is not None
        await settle(pilot)
        first = table.row_at(0)
        assert first is not None and shown_detail(app) == first.record
        assert first.cells[1][:20] in screen_text(app)


async def test_a_failed_early_read_is_read_again_and_reported_as_usual(tmp_path: Path) -> None:
    from concurrent.futures import Future

    from dossier.queries import Opening, Reader

    not_a_dossier = tmp_path / "notes.db"
    sqlite3.connect(not_a_dossier).execute("CREATE TABLE t (x)").connection.commit()
    early: Future[tuple[Reader, Opening]] = Future()
    early.set_exception(sqlite3.DatabaseError("boom"))
    app = DossierApp(not_a_dossier, early=early)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert app.error_message is not None and "notes.db" in app.error_message


async def test_an_early_read_that_fails_late_is_read_again_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The read started before the app fails while the app is already up: the app reads again
    # on its usual path and reports that failure, opening the pins only once.
    from concurrent.futures import Future

    from dossier.queries import Opening, Reader

    not_a_dossier = tmp_path / "notes.db"
    sqlite3.connect(not_a_dossier).execute("CREATE TABLE t (x)").connection.commit()
    opened: list[Path] = []
    real = DossierApp._open_workset

    def counted(app: DossierApp) -> None:
        opened.append(app.db)
        real(app)

    monkeypatch.setattr(DossierApp, "_open_workset", counted)
    early: Future[tuple[Reader, Opening]] = Future()
    app = DossierApp(not_a_dossier, early=early)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        early.set_exception(sqlite3.DatabaseError("boom"))
        # not settle(): the app quits while its workers are waited for
        await wait_until(pilot, lambda: app.return_code is not None, tries=20)
    assert app.return_code == 2
    assert app.error_message is not None and "notes.db" in app.error_message
    assert opened == [not_a_dossier]
