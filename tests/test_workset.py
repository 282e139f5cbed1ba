"""Pins and annotations: the user's own data, kept through rebuilds, crashes and bad imports."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dossier import build as builder
from dossier.queries import Reader
from dossier.workset import (
    MAX_ANNOTATION_CHARS,
    Workset,
    WorksetError,
    path_beside,
    pinned_rows,
)
from tests.conftest import Project


def known_in(reader: Reader):  # type: ignore[no-untyped-def]
    def known(record: str) -> tuple[str, str] | None:
        return reader.records([record]).get(record)

    return known


@pytest.fixture
def built(project: Project) -> Project:
    builder.build(project.case, project.db)
    return project


def test_workset_lives_beside_the_dossier_and_is_created_on_first_write(built: Project) -> None:
    path = path_beside(built.db)
    assert path.name == "castillo-chavez.workset.db"
    ws = Workset(path)
    assert ws.items() == [] and not path.exists()
    ws.pin("betsy-chavez", "Betsy Chávez", "person")
    assert path.exists()


def test_pin_order_reorder_and_unpin(built: Project) -> None:
    ws = Workset(path_beside(built.db))
    for rid in ("pedro-castillo", "betsy-chavez", "hugo-de-zera"):
        assert ws.pin(rid)
    assert not ws.pin("betsy-chavez")  # already pinned
    assert ws.pinned_ids() == ["pedro-castillo", "betsy-chavez", "hugo-de-zera"]
    assert ws.move("hugo-de-zera", -1)
    assert ws.pinned_ids() == ["pedro-castillo", "hugo-de-zera", "betsy-chavez"]
    assert not ws.move("pedro-castillo", -1)  # already first
    assert ws.toggle("hugo-de-zera") is False
    assert ws.pinned_ids() == ["pedro-castillo", "betsy-chavez"]
    ws.pin("hugo-de-zera")
    assert ws.pinned_ids()[-1] == "hugo-de-zera"  # a new pin goes to the end


def test_annotations_marks_and_removal(built: Project) -> None:
    ws = Workset(path_beside(built.db))
    ws.annotate("betsy-chavez", "Ask the embassy.\nSecond line.")
    ws.pin("betsy-chavez")
    ws.annotate("rpp", "Call the newsroom.")
    assert ws.annotation("betsy-chavez") == "Ask the embassy.\nSecond line."
    assert ws.marks() == {"betsy-chavez": "★✎", "rpp": "✎"}
    ws.annotate("rpp", "   ")
    assert ws.annotation("rpp") is None
    with pytest.raises(WorksetError, match="limit"):
        ws.annotate("rpp", "x" * (MAX_ANNOTATION_CHARS + 1))


def test_pins_survive_a_rebuild_with_a_changed_case_file_and_orphans_are_reported(
    built: Project,
) -> None:
    ws = Workset(path_beside(built.db))
    ws.pin("betsy-chavez", "Betsy Chávez", "person")
    ws.pin("rpp", "RPP", "organization")
    ws.annotate("rpp", "Radio: call them.", "RPP", "organization")
    # The case file changes: RPP's record gets a new id.
    built.edit_case('id = "rpp"', 'id = "radio-rpp"')
    built.write_case(built.case_text().replace('"rpp"]', '"radio-rpp"]'))
    builder.build(built.case, built.db)
    reader = Reader(built.db)
    ws = Workset(path_beside(built.db))
    assert ws.pinned_ids() == ["betsy-chavez", "rpp"]
    orphans = ws.orphans(lambda rid: bool(reader.records([rid])))
    assert [o.record for o in orphans] == ["rpp"]
    assert orphans[0].title == "RPP" and orphans[0].annotation == "Radio: call them."
    rows = pinned_rows(ws, reader, 0, 10)
    assert rows[1].cells[1] == "(orphaned) RPP" and rows[1].kind == "orphan"
    ws.reattach("rpp", "radio-rpp", "RPP", "organization")
    assert ws.pinned_ids() == ["betsy-chavez", "radio-rpp"]
    assert ws.annotation("radio-rpp") == "Radio: call them."
    assert ws.orphans(lambda rid: bool(reader.records([rid]))) == []


def test_drop_lets_an_orphan_go(built: Project) -> None:
    ws = Workset(path_beside(built.db))
    ws.pin("gone")
    ws.annotate("gone", "note")
    assert ws.drop("gone")
    assert ws.items() == []
    assert not ws.drop("gone")


def test_export_import_round_trip(built: Project, tmp_path: Path) -> None:
    reader = Reader(built.db)
    a = Workset(path_beside(built.db))
    a.pin("pedro-castillo", "Pedro Castillo", "person")
    a.pin("betsy-chavez", "Betsy Chávez", "person")
    a.annotate("betsy-chavez", "Línea 1\nLínea 2 — «citas»", "Betsy Chávez", "person")
    a.annotate("rpp", "only annotated", "RPP", "organization")
    lines = list(a.export_lines())
    b = Workset(tmp_path / "other.workset.db")
    report = b.import_lines(lines, known_in(reader))
    assert report.problems == [] and report.taken == 3
    assert b.pinned_ids() == ["pedro-castillo", "betsy-chavez"]
    assert b.annotation("betsy-chavez") == "Línea 1\nLínea 2 — «citas»"
    assert list(b.export_lines()) == lines


def test_hostile_import_is_reported_line_by_line_and_loses_nothing(
    built: Project, tmp_path: Path
) -> None:
    reader = Reader(built.db)
    ws = Workset(path_beside(built.db))
    ws.annotate("betsy-chavez", "my own note", "Betsy Chávez", "person")
    ws.pin("rpp")
    lines: list[str | bytes] = [
        '{"record": "pedro-castillo", "pinned": true}',  # 1 ok
        "{not json",  # 2
        '{"record": "no-such-record", "pinned": true}',  # 3
        json.dumps({"record": "hugo-de-zera", "annotation": "x" * 10_000_000}),  # 4: 10 MB
        json.dumps({"record": "dina-bolarte", "annotation": "bell\x07 and esc\x1b[31m"}),  # 5
        '{"record": "pedro-castillo", "pinned": false}',  # 6 duplicate of 1
        json.dumps({"record": "betsy-chavez", "annotation": "their note"}),  # 7 merged
        "[1, 2, 3]",  # 8
        '{"record": "rpp", "pinned": "yes"}',  # 9
        b"\xff\xfe not utf-8",  # 10
        "",  # 11 blank: ignored
    ]
    report = ws.import_lines(lines, known_in(reader))
    text = "\n".join(report.problems)
    assert "line 2: not JSON" in text
    assert "line 3: no record 'no-such-record'" in text
    assert "line 4:" in text and "too long" in text
    assert "line 5: control characters removed" in text
    assert "line 6: 'pedro-castillo' repeats line 1" in text
    assert "line 8: expected an object" in text
    assert "line 9:" in text
    assert "line 10: not UTF-8" in text
    assert report.taken == 3  # lines 1, 5, 7
    assert ws.annotation("dina-bolarte") == "bell and esc[31m"
    assert ws.annotation("betsy-chavez") == "my own note\n\n— imported —\ntheir note"
    assert ws.is_pinned("rpp") and ws.is_pinned("pedro-castillo")
    assert ws.annotation("hugo-de-zera") is None


def test_a_folder_that_cannot_be_written_leaves_the_dossier_usable(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        path = Path("/proc/self/dossier.workset.db")  # root writes anywhere but here
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        path = folder / "x.workset.db"
    ws = Workset(path)
    assert not ws.writable and ws.problem and "cannot be saved" in ws.problem
    assert ws.items() == [] and ws.marks() == {}
    with pytest.raises(WorksetError, match="cannot be saved"):
        ws.pin("betsy-chavez")


def test_a_corrupt_workset_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.workset.db"
    path.write_text("my shopping list")
    ws = Workset(path)
    assert not ws.writable
    assert "cannot be saved" in (ws.problem or "")
    assert path.read_text() == "my shopping list"


KILL_SCRIPT = r"""
import sys
from pathlib import Path
from dossier.workset import Workset
ws = Workset(Path(sys.argv[1]))
n = 0
while True:
    n += 1
    ws.annotate("betsy-chavez", f"version {n} " + "x" * 20000 + f" end {n}")
    print(n, flush=True)
"""


def test_sigkill_while_saving_leaves_the_old_or_the_new_annotation(tmp_path: Path) -> None:
    path = tmp_path / "k.workset.db"
    for attempt in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(path)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        proc.stdout.readline()  # at least one save has happened
        time.sleep(0.05 + attempt * 0.03)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        note = Workset(path).annotation("betsy-chavez")
        assert note is not None
        first, last = note.split(" ", 2)[1], note.rsplit(" ", 1)[1]
        assert note.startswith("version ") and first == last  # one whole version, never torn
