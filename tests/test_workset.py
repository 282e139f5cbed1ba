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
def built(built_small_project: Project) -> Project:
    return built_small_project


def test_workset_lives_beside_the_dossier_and_is_created_on_first_write(built: Project) -> None:
    path = path_beside(built.db)
    assert path.name == "ibarra-mendez.workset.db"
    ws = Workset(path)
    assert ws.items() == [] and not path.exists()
    ws.pin("nora-mendez", "Nora Méndez", "person")
    assert path.exists()


def test_pin_order_reorder_and_unpin(built: Project) -> None:
    ws = Workset(path_beside(built.db))
    for rid in ("mateo-ibarra", "nora-mendez", "ramiro-de-lasa"):
        assert ws.pin(rid)
    assert not ws.pin("nora-mendez")  # already pinned
    assert ws.pinned_ids() == ["mateo-ibarra", "nora-mendez", "ramiro-de-lasa"]
    assert ws.move("ramiro-de-lasa", -1)
    assert ws.pinned_ids() == ["mateo-ibarra", "ramiro-de-lasa", "nora-mendez"]
    assert not ws.move("mateo-ibarra", -1)  # already first
    assert ws.toggle("ramiro-de-lasa") is False
    assert ws.pinned_ids() == ["mateo-ibarra", "nora-mendez"]
    ws.pin("ramiro-de-lasa")
    assert ws.pinned_ids()[-1] == "ramiro-de-lasa"  # a new pin goes to the end


def test_annotations_marks_and_removal(built: Project) -> None:
    ws = Workset(path_beside(built.db))
    ws.annotate("nora-mendez", "Ask the embassy.\nSecond line.")
    ws.pin("nora-mendez")
    ws.annotate("rva", "Call the newsroom.")
    assert ws.annotation("nora-mendez") == "Ask the embassy.\nSecond line."
    assert ws.marks() == {"nora-mendez": "★✎", "rva": "✎"}
    ws.annotate("rva", "   ")
    assert ws.annotation("rva") is None
    with pytest.raises(WorksetError, match="limit"):
        ws.annotate("rva", "x" * (MAX_ANNOTATION_CHARS + 1))


def test_pins_survive_a_rebuild_with_a_changed_case_file_and_orphans_are_reported(
    built: Project,
) -> None:
    ws = Workset(path_beside(built.db))
    ws.pin("nora-mendez", "Nora Méndez", "person")
    ws.pin("rva", "RVA", "organization")
    ws.annotate("rva", "Radio: call them.", "RVA", "organization")
    # The case file changes: RVA's record gets a new id.
    built.edit_case('id = "rva"', 'id = "radio-rva"')
    built.write_case(built.case_text().replace('"rva"]', '"radio-rva"]'))
    builder.build(built.case, built.db)
    reader = Reader(built.db)
    ws = Workset(path_beside(built.db))
    assert ws.pinned_ids() == ["nora-mendez", "rva"]
    orphans = ws.orphans(lambda rid: bool(reader.records([rid])))
    assert [o.record for o in orphans] == ["rva"]
    assert orphans[0].title == "RVA" and orphans[0].annotation == "Radio: call them."
    rows = pinned_rows(ws, reader, 0, 10)
    assert rows[1].cells[1] == "(orphaned) RVA" and rows[1].kind == "orphan"
    ws.reattach("rva", "radio-rva", "RVA", "organization")
    assert ws.pinned_ids() == ["nora-mendez", "radio-rva"]
    assert ws.annotation("radio-rva") == "Radio: call them."
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
    a.pin("mateo-ibarra", "Mateo Ibarra", "person")
    a.pin("nora-mendez", "Nora Méndez", "person")
    a.annotate("nora-mendez", "Línea 1\nLínea 2 — «citas»", "Nora Méndez", "person")
    a.annotate("rva", "only annotated", "RVA", "organization")
    lines = list(a.export_lines())
    b = Workset(tmp_path / "other.workset.db")
    report = b.import_lines(lines, known_in(reader))
    assert report.problems == [] and report.taken == 3
    assert b.pinned_ids() == ["mateo-ibarra", "nora-mendez"]
    assert b.annotation("nora-mendez") == "Línea 1\nLínea 2 — «citas»"
    assert list(b.export_lines()) == lines


def test_hostile_import_is_reported_line_by_line_and_loses_nothing(
    built: Project, tmp_path: Path
) -> None:
    reader = Reader(built.db)
    ws = Workset(path_beside(built.db))
    ws.annotate("nora-mendez", "my own note", "Nora Méndez", "person")
    ws.pin("rva")
    lines: list[str | bytes] = [
        '{"record": "mateo-ibarra", "pinned": true}',  # 1 ok
        "{not json",  # 2
        '{"record": "no-such-record", "pinned": true}',  # 3
        json.dumps({"record": "ramiro-de-lasa", "annotation": "x" * 10_000_000}),  # 4: 10 MB
        json.dumps({"record": "elena-barrantes", "annotation": "bell\x07 and esc\x1b[31m"}),  # 5
        '{"record": "mateo-ibarra", "pinned": false}',  # 6 duplicate of 1
        json.dumps({"record": "nora-mendez", "annotation": "their note"}),  # 7 merged
        "[1, 2, 3]",  # 8
        '{"record": "rva", "pinned": "yes"}',  # 9
        b"\xff\xfe not utf-8",  # 10
        "",  # 11 blank: ignored
    ]
    report = ws.import_lines(lines, known_in(reader))
    text = "\n".join(report.problems)
    assert "line 2: not JSON" in text
    assert "line 3: no record 'no-such-record'" in text
    assert "line 4:" in text and "too long" in text
    assert "line 5: control characters removed" in text
    assert "line 6: 'mateo-ibarra' repeats line 1" in text
    assert "line 8: expected an object" in text
    assert "line 9:" in text
    assert "line 10: not UTF-8" in text
    assert report.taken == 3  # lines 1, 5, 7
    assert ws.annotation("elena-barrantes") == "bell and esc[31m"
    assert ws.annotation("nora-mendez") == "my own note\n\n— imported —\ntheir note"
    assert ws.is_pinned("rva") and ws.is_pinned("mateo-ibarra")
    assert ws.annotation("ramiro-de-lasa") is None


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
        ws.pin("nora-mendez")


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
    ws.annotate("nora-mendez", f"version {n} " + "x" * 20000 + f" end {n}")
    print(n, flush=True)
"""


@pytest.mark.slow
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
        note = Workset(path).annotation("nora-mendez")
        assert note is not None
        first, last = note.split(" ", 2)[1], note.rsplit(" ", 1)[1]
        assert note.startswith("version ") and first == last  # one whole version, never torn
