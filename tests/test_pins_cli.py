"""`dossier pins ...`: the working set from scripts, shared as JSON lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dossier import build as builder
from dossier.workset import Workset, path_beside
from tests.conftest import Cli, Project


@pytest.fixture
def db(built_small_project: Project) -> Path:
    return built_small_project.db


def test_add_list_remove(cli: Cli, db: Path) -> None:
    assert cli("pins", "add", "nora-mendez", "--db", db).out.strip() == "pinned nora-mendez"
    assert cli("pins", "add", "rva", "--db", db).code == 0
    assert "already pinned" in cli("pins", "add", "rva", "--db", db).out
    listing = cli("pins", "list", "--db", db).out.splitlines()
    assert listing == ["  1. nora-mendez  Nora Méndez", "  2. rva  RVA"]
    assert cli("pins", "remove", "rva", "--db", db).out.strip() == "unpinned rva"
    assert "was not pinned" in cli("pins", "remove", "rva", "--db", db).out


def test_unknown_id_is_a_one_line_error(cli: Cli, db: Path) -> None:
    result = cli("pins", "add", "nobody", "--db", db)
    assert result.code == 2
    assert result.err.strip() == f"dossier: error: no record 'nobody' in {db}"


def test_bad_db_path(cli: Cli, tmp_path: Path) -> None:
    result = cli("pins", "list", "--db", tmp_path / "missing.db")
    assert result.code == 2 and "no such file" in result.err


def test_export_import_round_trip_between_colleagues(cli: Cli, db: Path, tmp_path: Path) -> None:
    ws = Workset(path_beside(db))
    ws.pin("mateo-ibarra", "Mateo Ibarra", "person")
    ws.annotate("mateo-ibarra", "Check the appeal.", "Mateo Ibarra", "person")
    shared = tmp_path / "shared.jsonl"
    result = cli("pins", "export", shared, "--db", db)
    assert result.code == 0 and "wrote 1 item" in result.err
    line = json.loads(shared.read_text())
    assert line.pop("at") and line.pop("author")
    assert line == {
        "record": "mateo-ibarra", "pinned": True, "title": "Mateo Ibarra", "kind": "person",
        "annotation": "Check the appeal.",
    }  # fmt: skip
    # Never overwrite without --force.
    again = cli("pins", "export", shared, "--db", db)
    assert again.code == 2 and "already exists" in again.err
    # A colleague's copy of the dossier.
    other = tmp_path / "colleague.db"
    other.write_bytes(db.read_bytes())
    taken = cli("pins", "import", shared, "--db", other)
    assert taken.code == 0 and "took 1 item" in taken.out
    assert Workset(path_beside(other)).annotation("mateo-ibarra") == "Check the appeal."


def test_import_reports_each_bad_line_and_exits_1(cli: Cli, db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"record": "rva", "pinned": true}\nnot json\n{"record": "ghost", "pinned": true}\n'
    )
    result = cli("pins", "import", bad, "--db", db)
    assert result.code == 1
    assert f"{bad}: line 2: not JSON" in result.err
    assert f"{bad}: line 3: no record 'ghost'" in result.err
    assert "took 1 item" in result.out
    assert Workset(path_beside(db)).pinned_ids() == ["rva"]


def test_import_of_a_missing_file(cli: Cli, db: Path, tmp_path: Path) -> None:
    result = cli("pins", "import", tmp_path / "none.jsonl", "--db", db)
    assert result.code == 2 and "no such file" in result.err


def test_orphans_are_listed_and_can_be_reattached_or_dropped(
    cli: Cli, small_project: Project, db: Path
) -> None:
    cli("pins", "add", "rva", "--db", db)
    small_project.edit_case('id = "rva"', 'id = "radio-rva"')
    small_project.write_case(small_project.case_text().replace('"rva"]', '"radio-rva"]'))
    builder.build(small_project.case, db)
    assert "ORPHANED (was: RVA)" in cli("pins", "list", "--db", db).out
    result = cli("pins", "reattach", "rva", "radio-rva", "--db", db)
    assert result.code == 0
    assert cli("pins", "list", "--db", db).out.strip() == "1. radio-rva  RVA"
    cli("pins", "add", "nora-mendez", "--db", db)
    assert cli("pins", "drop", "nora-mendez", "--db", db).code == 0
    assert cli("pins", "drop", "nora-mendez", "--db", db).code == 2
