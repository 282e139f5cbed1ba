"""`dossier export`: the brief on standard output or in a file written atomically; every bad input is
one line naming the place, exit code 2, and no file left behind."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from dossier import brief, commands, files
from tests.conftest import (
    Cli,
    Project,
    assert_one_line_error,
    brief_of,
    pinned_brief_of,
    pinned_copy,
)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def small_brief(small_db: Path) -> str:
    """The brief of the small case, as the library writes it."""
    return brief_of(small_db)


def test_export_prints_the_brief(cli: Cli, small_db: Path, small_brief: str) -> None:
    result = cli("export", "--db", small_db)
    assert result.code == 0, result.err
    assert result.out == small_brief
    assert result.err == ""


def test_export_builds_the_default_case_first_when_stale(
    cli: Cli, small_project: Project, monkeypatch: pytest.MonkeyPatch, small_brief: str
) -> None:
    from functools import partial

    from dossier import build

    monkeypatch.setattr(
        build, "ensure_built", partial(build.ensure_built, small_project.case, small_project.db)
    )
    # The CLI asks whether the bundled case is stale before it imports the build.
    monkeypatch.setattr(commands, "BUNDLED_CASE", small_project.case)
    monkeypatch.setattr(commands, "BUNDLED_DB", small_project.db)
    result = cli("export")
    assert result.code == 0, result.err
    assert "building ibarra-mendez.db from ibarra-mendez.toml (no database yet)" in result.err
    assert result.out.encode("utf-8") == small_brief.encode("utf-8")
    again = cli("export")
    assert again.err == "" and again.out == result.out


def test_export_to_a_file(cli: Cli, small_db: Path, tmp_path: Path, small_brief: str) -> None:
    out = tmp_path / "brief.md"
    result = cli("export", "--db", small_db, "--out", out)
    assert result.code == 0, result.err
    assert "wrote" in result.out and "brief.md" in result.out
    assert out.read_bytes() == small_brief.encode("utf-8")
    again = cli("export", "--db", small_db, "--out", out, "--format", "html")
    assert_one_line_error(again, str(out), "already exists", "--force")
    assert out.read_bytes() == small_brief.encode("utf-8")
    forced = cli("export", "--db", small_db, "--out", out, "--format", "html", "--force")
    assert forced.code == 0, forced.err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert leftovers(tmp_path) == []


def test_export_person_and_since(cli: Cli, small_db: Path) -> None:
    result = cli(
        "export", "--db", small_db, "--person", "nora-mendez", "--person", "ramiro-de-lasa",
        "--since", "2025-11",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "Narrowed to Nora Méndez and Ramiro de Lasa" in result.out
    assert "Only events dated November 2025 or later" in result.out


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--person", "nobody"], ["--person 'nobody'", "no person or organisation"]),
        (["--since", "2025-13"], ["--since '2025-13'", "no month 13"]),
        (["--since", "last week"], ["--since 'last week'"]),
        (["--format", "pdf"], ["--format 'pdf'", "md or html"]),
    ],
)
def test_export_bad_options(cli: Cli, small_db: Path, args: list[str], needles: list[str]) -> None:
    result = cli("export", "--db", small_db, *args)
    assert_one_line_error(result, *needles)
    assert result.out == ""


def test_export_bad_db(cli: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    assert_one_line_error(cli("export", "--db", junk), "junk.db", "not a SQLite database")
    assert_one_line_error(cli("export", "--db", tmp_path / "none.db"), "none.db", "no such file")


def test_export_out_is_a_directory(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    assert_one_line_error(
        cli("export", "--db", small_db, "--out", tmp_path), str(tmp_path), "is a directory"
    )
    assert list(tmp_path.iterdir()) == []


def test_export_into_a_missing_folder(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "missing" / "brief.md"
    assert_one_line_error(
        cli("export", "--db", small_db, "--out", out), str(out.parent), "no such folder"
    )
    assert not out.parent.exists()


def test_export_to_an_unwritable_place(cli: Cli, small_db: Path) -> None:
    # Tests run as root, who may write anywhere on disk; /proc takes no new files from anyone.
    out = Path("/proc/dossier-brief.md")
    assert_one_line_error(cli("export", "--db", small_db, "--out", out), str(out), "cannot")
    assert not out.exists()


def test_export_on_a_full_disk(
    cli: Cli, small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def half_then_full(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write_all", half_then_full)
    out = tmp_path / "brief.md"
    assert_one_line_error(
        cli("export", "--db", small_db, "--out", out), str(out), "the disk is full"
    )
    assert list(tmp_path.iterdir()) == []


def test_default_file_name() -> None:
    meta = {"case_id": "ibarra-mendez", "as_of": "2025-11-04"}
    assert brief.default_file_name(meta) == "ibarra-mendez-brief-2025-11-04.md"
    assert brief.default_file_name(meta, "html") == "ibarra-mendez-brief-2025-11-04.html"
    assert brief.default_file_name({}) == "dossier-brief.md"


def test_out_dash_is_standard_output(cli: Cli, small_db: Path, small_brief: str) -> None:
    result = cli("export", "--db", small_db, "--out", "-")
    assert result.code == 0, result.err
    assert result.out == small_brief


# ---------------------------------------------------------------------------------------------------
# --pinned: the brief from the pins beside the dossier


def test_export_pinned_is_the_brief_from_pins(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    db = pinned_copy(small_db, tmp_path)
    pinned = pinned_brief_of(db)
    result = cli("export", "--db", db, "--pinned")
    assert result.code == 0, result.err
    assert result.out == pinned
    assert result.err == ""
    # The orphan is listed with its note, not dropped.
    assert "**Orphaned pin** `andara-breaks-relations`" in result.out
    out = tmp_path / "pinned.md"
    written = cli("export", "--db", db, "--pinned", "--out", out)
    assert written.code == 0, written.err
    assert "case brief from your pins" in written.out
    assert out.read_bytes() == pinned.encode("utf-8")
    page = cli("export", "--db", db, "--pinned", "--format", "html")
    assert page.code == 0 and "<h2>Pinned records and working notes</h2>" in page.out
    assert leftovers(tmp_path) == []


def test_export_pinned_with_nothing_pinned(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    import shutil

    from dossier.workset import Workset, path_beside

    db = tmp_path / "ibarra-mendez.db"
    shutil.copy(small_db, db)
    out = tmp_path / "brief.md"
    # No working set at all: an error, and no file (neither the brief nor a working set).
    result = cli("export", "--db", db, "--pinned", "--out", out)
    assert_one_line_error(result, "ibarra-mendez.workset.db", "nothing pinned", "pins add")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ibarra-mendez.db"]
    # Annotated but not pinned is still nothing pinned.
    workset = Workset(path_beside(db))
    workset.annotate("nora-mendez", "a note, no pin")
    workset.close()
    result = cli("export", "--db", db, "--pinned")
    assert_one_line_error(result, "nothing pinned")
    assert result.out == ""


def test_export_pinned_with_person_is_the_union(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    db = pinned_copy(small_db, tmp_path)
    result = cli("export", "--db", db, "--pinned", "--person", "elena-barrantes")
    assert result.code == 0, result.err
    assert "Built from 4 pinned records" in result.out
    assert "and from Elena Barrantes and the records linked to them" in result.out
    assert "**Elena Barrantes**" in result.out and "Working note" in result.out
    bad = cli("export", "--db", db, "--pinned", "--person", "nobody")
    assert_one_line_error(bad, "--person 'nobody'")


def test_export_pinned_since(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    db = pinned_copy(small_db, tmp_path)
    result = cli("export", "--db", db, "--pinned", "--since", "2025-11")
    assert result.code == 0, result.err
    assert "sentence; not in this brief: left out by the date limit" in result.out
    assert "Requested, not imposed. Ask the prosecutors" in result.out  # its note stays


def test_export_pinned_with_a_damaged_working_set(cli: Cli, small_db: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "ibarra-mendez.db"
    shutil.copy(small_db, db)
    (tmp_path / "ibarra-mendez.workset.db").write_text("not a working set, just some text")
    result = cli("export", "--db", db, "--pinned")
    assert_one_line_error(result, "ibarra-mendez.workset.db", "cannot be read")
    assert result.out == ""
