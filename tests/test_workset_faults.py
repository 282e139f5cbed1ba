"""The working set under faults (issue 18): nothing typed is lost, nothing read wrong is shown as
empty, concurrent writers do not fail, hostile imports are bounded and reported."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import workset as workset_module
from dossier.ui.app import DossierApp
from dossier.ui.screens.annotate import AnnotationEditor
from dossier.workset import Workset, WorksetError, path_beside
from tests.conftest import CliResult
from tests.test_app import screen_text, settle

Cli = Callable[..., CliResult]


@pytest.fixture
def db(bundled_db: Path, tmp_path: Path) -> Path:
    """The bundled dossier in a folder of its own (its working set is this test's)."""
    copy = tmp_path / "castillo-chavez.db"
    copy.write_bytes(bundled_db.read_bytes())
    return copy


def _one_line_exit_2(result: CliResult) -> str:
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dossier: error: ")
    return lines[0]


def test_a_corrupt_working_set_is_an_error_never_an_empty_list(cli: Cli, db: Path) -> None:
    path_beside(db).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    for args in (("pins", "list"), ("pins", "export", "-"), ("export", "--pinned")):
        line = _one_line_exit_2(cli(*args, "--db", db))
        assert "working set" in line or "workset" in line, line
    with pytest.raises(WorksetError):
        Workset(path_beside(db)).items()


def test_a_newer_working_set_is_an_error(cli: Cli, db: Path) -> None:
    ws = Workset(path_beside(db))
    ws.pin("betsy-chavez")
    ws.close()
    conn = sqlite3.connect(path_beside(db))
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    conn.commit()
    conn.close()
    line = _one_line_exit_2(cli("pins", "list", "--db", db))
    assert "version 99 is newer" in line
    assert _one_line_exit_2(cli("pins", "export", "-", "--db", db))


def test_a_version_1_working_set_is_upgraded_with_its_pins_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "old.workset.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta VALUES ('version', '1');
        CREATE TABLE pin (record TEXT PRIMARY KEY, position INTEGER NOT NULL,
            pinned_at TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '');
        CREATE TABLE annotation (record TEXT PRIMARY KEY, text TEXT NOT NULL,
            updated_at TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL DEFAULT '');
        INSERT INTO pin VALUES ('b', 2, '2025-01-01T00:00:00+00:00', 'B', 'person');
        INSERT INTO pin VALUES ('a', 1, '2025-01-01T00:00:00+00:00', 'A', 'person');
        INSERT INTO annotation VALUES ('a', 'old note', '2025-01-01T00:00:00+00:00', 'A', 'person');
        """
    )
    conn.close()
    ws = Workset(path, "ana")
    assert [(i.record, i.author, i.annotation) for i in ws.items()] == [
        ("a", "ana", "old note"), ("b", "ana", None),
    ]  # fmt: skip
    assert ws.note("a") == ("old note", 1)


ADD = "from dossier.cli import main; import sys; sys.argv = ['dossier', *sys.argv[1:]]; main()"


def test_concurrent_pins_add_are_idempotent(db: Path) -> None:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ADD, "pins", "add", "betsy-chavez", "--db", str(db)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(24)
    ]
    results = [(p.wait(), *p.communicate()) for p in procs]
    assert [r for r in results if r[0] != 0] == []
    said = sorted(out.strip() for _, out, _ in results)
    assert said.count("pinned betsy-chavez") == 1
    assert said.count("betsy-chavez was already pinned") == 23
    assert Workset(path_beside(db)).pinned_ids() == ["betsy-chavez"]


def test_import_is_bounded_and_reports_every_skipped_line_up_to_a_cap(
    cli: Cli, db: Path, tmp_path: Path
) -> None:
    lines = ["[" * 5000 + "]" * 5000]  # line 1: nested 5,000 deep
    lines += ["{not json"] * 30  # lines 2-31
    lines += [json.dumps({"record": "betsy-chavez", "pinned": True})]  # line 32: taken
    shared = tmp_path / "shared.jsonl"
    shared.write_text("\n".join(lines) + "\n")
    result = cli("pins", "import", shared, "--db", db)
    assert result.code == 1
    err = result.err.splitlines()
    assert err[0].endswith("line 1: nested too deep; skipped")
    assert len(err) == 21 and err[-1].endswith("… and 11 more problem lines (not shown)")
    assert "took 1 item" in result.out
    assert Workset(path_beside(db)).pinned_ids() == ["betsy-chavez"]


def test_import_of_dev_zero_stops_with_a_report(
    cli: Cli, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workset_module, "MAX_IMPORT_BYTES", 20_000_000)
    result = cli("pins", "import", "/dev/zero", "--db", db)
    assert result.code == 1
    assert "line 1: the input is over 20,000,000 bytes; stopped here" in result.err
    assert "took no items" in result.out


async def test_an_annotation_that_cannot_be_saved_stays_in_the_editor(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object, **kwargs: object) -> int:
        raise WorksetError("x.workset.db: could not save (the disk is full)")

    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.workset is not None
        monkeypatch.setattr(app.workset, "annotate", full)
        await pilot.press("2", "j", "a")
        await pilot.pause()
        await pilot.press(*"Words I must not lose.", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AnnotationEditor)
        assert app.screen.text == "Words I must not lose."
        assert "the disk is full" in screen_text(app)


async def test_a_note_changed_in_another_session_comes_back_with_both_texts(db: Path) -> None:
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "a")
        await pilot.pause()
        await pilot.press(*"First thought.", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        # Meanwhile, another window of the same author saves the same note.
        Workset(path_beside(db), app.workset.author if app.workset else None).annotate(
            "betsy-chavez", "Other window's words.", expected=1
        )
        await pilot.press(*" And mine.", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AnnotationEditor)
        text = app.screen.text
        assert "First thought. And mine." in text and "Other window's words." in text
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = Workset(path_beside(db)).annotation("betsy-chavez") or ""
        assert "And mine." in saved and "Other window's words." in saved


async def test_p_on_a_colleagues_pin_pins_your_own_and_never_unpins_theirs(db: Path) -> None:
    Workset(path_beside(db), "ben").pin("betsy-chavez", "Betsy Chávez", "person")
    app = DossierApp(db, author="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.marks.get("betsy-chavez") == "☆"
        await pilot.press("2", "j", "p")
        await settle(pilot)
        ws = Workset(path_beside(db), "ana")
        assert ws.is_pinned("betsy-chavez") and ws.is_pinned("betsy-chavez", "ben")
        # Ben unpins elsewhere; Ana's ★ is hers: p removes her own pin, Ben's stays gone.
        Workset(path_beside(db), "ben").unpin("betsy-chavez")
        await pilot.press("p")
        await settle(pilot)
        assert ws.pinned_ids() == []
        await pilot.press("8")
        await settle(pilot)
        assert app.pane("pinned").table.total == 0
