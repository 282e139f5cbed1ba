"""Each bad input to `dossier check`/`dossier build` is one line naming the place, exit code 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SMALL_CASE, Cli, Project, assert_one_line_error


def test_a_good_case_checks(cli: Cli) -> None:
    result = cli("check", "--data", SMALL_CASE)
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ")
    assert "64 records, 1 source" in result.out


def test_malformed_toml_names_line(cli: Cli, small_project: Project) -> None:
    line = small_project.line_of('id = "nora-mendez"')
    small_project.edit_case('id = "nora-mendez"', 'id = "nora-mendez')
    msg = assert_one_line_error(
        cli("check", "--data", small_project.case), f"{small_project.case}:{line}:"
    )
    assert "malformed TOML" in msg


def test_unknown_field_suggests_the_right_one(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('name = "Ramiro de Lasa"', 'nmae = "Ramiro de Lasa"')
    line = small_project.line_of('nmae = "Ramiro de Lasa"')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'ramiro-de-lasa'",
        "unknown field 'nmae'",
        "did you mean 'name'",
    )


def test_wrong_type(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('aliases = ["Ibarra"]', "aliases = 3")
    line = small_project.line_of("aliases = 3")
    assert_one_line_error(
        cli("check", "--data", small_project.case), f":{line}:", "'mateo-ibarra'", "must be a list"
    )


def test_missing_required_field(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('offence = "Sedition"\n', "")
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        "'ibarra-sedition'",
        "missing required field 'offence'",
    )


def test_duplicate_id(cli: Cli, small_project: Project) -> None:
    first = small_project.line_of('id = "rva"')
    small_project.edit_case('id = "prosecutors"', 'id = "rva"')
    second = small_project.line_of('name = "Prosecutors"') - 1
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{second}:",
        "duplicate id 'rva'",
        f"first defined at line {first}",
    )


def test_unknown_person_reference(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('defendant = "nora-mendez"', 'defendant = "betsy-chaves"')
    line = small_project.line_of('defendant = "betsy-chaves"')
    assert_one_line_error(
        cli("check", "--data", small_project.case), f":{line}:", "unknown id 'betsy-chaves'"
    )


def test_reference_to_wrong_kind(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('defendant = "nora-mendez"', 'defendant = "veracia"')
    assert_one_line_error(cli("check", "--data", small_project.case), "'veracia' is a organization")


def test_unknown_source_reference(cli: Cli, small_project: Project) -> None:
    small_project.edit_case(
        'evidence = ["local radio station RVA"]',
        'evidence = [{ quote = "local radio station RVA", source = "nowhere" }]',
    )
    assert_one_line_error(
        cli("check", "--data", small_project.case), "'rva'", "unknown source 'nowhere'"
    )


def test_span_not_found_shows_closest_passage(cli: Cli, small_project: Project) -> None:
    small_project.edit_case(
        '"They asked for a 34-year sentence for Ibarra."',
        '"They asked for a 35-year sentence for Ibarra."',
    )
    line = small_project.line_of("35-year")
    msg = assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'ibarra-sentence-request'",
        "is not in the source",
        'closest passage: "They asked for a 34-year sentence for Ibarra."',
    )
    assert "35-year" in msg


def test_span_with_straight_apostrophe_says_how_it_differs(
    cli: Cli, small_project: Project
) -> None:
    small_project.edit_case(
        '"Mendez’s lawyer, Raul Tavernilla"]', '"Mendez\'s lawyer, Raul Tavernilla"]'
    )
    assert_one_line_error(
        cli("check", "--data", small_project.case), "differs only in case, accents, quote marks"
    )


def test_span_found_twice_needs_prefix(cli: Cli, small_project: Project) -> None:
    small_project.edit_case(
        '{ quote = "former President Mateo Ibarra", suffix = ", fled" },\n  "Ibarra, a former',
        '"former President Mateo Ibarra",\n  "Ibarra, a former',
    )
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        "'mateo-ibarra'",
        "occurs 2 times",
        "add a prefix or suffix",
    )


def test_missing_source_file(cli: Cli, small_project: Project) -> None:
    for seed in (small_project.root / "seeds").iterdir():
        seed.unlink()
    line = small_project.line_of("file = ")
    assert_one_line_error(cli("check", "--data", small_project.case), f":{line}:", "not found")


def test_changed_source_file(cli: Cli, small_project: Project) -> None:
    (seed,) = (small_project.root / "seeds").iterdir()
    seed.write_bytes(seed.read_bytes().replace(b"34-year", b"35-year"))
    line = small_project.line_of("sha256 = ")
    assert_one_line_error(
        cli("check", "--data", small_project.case), f":{line}:", "the source changed", "sha256"
    )


@pytest.mark.parametrize("bad", ["2022-13", "2022-02-30", "December 2022", "22-12"])
def test_bad_date(cli: Cli, small_project: Project, bad: str) -> None:
    small_project.edit_case('date = "2023-02"\ndescription', f'date = "{bad}"\ndescription')
    line = small_project.line_of(f'date = "{bad}"')
    assert_one_line_error(
        cli("check", "--data", small_project.case), f":{line}:", "'andara-recalls-ambassador'", bad
    )


def test_date_words_must_be_cited(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('text = "in September"', 'text = "in August"')
    assert_one_line_error(
        cli("check", "--data", small_project.case), "'mendez-bail'", "'in August'"
    )


def test_alias_not_in_source_must_be_editorial(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('aliases = ["Ibarra"]', 'aliases = ["Ibarra", "Mateo Ibarra Terrones"]')
    assert_one_line_error(
        cli("check", "--data", small_project.case), "'Mateo Ibarra Terrones'", "editorial_aliases"
    )


def test_editorial_note_needs_basis(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('basis = "Analyst\'s knowledge; not stated in the source."\n', "")
    assert_one_line_error(
        cli("check", "--data", small_project.case), "'spelling-nunez-ortega'", "basis"
    )


def test_record_without_evidence(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('evidence = ["trade union activist"]\n', "")
    assert_one_line_error(
        cli("check", "--data", small_project.case), "'ibarra-union-activist'", "no evidence"
    )


def test_missing_case_file(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("check", "--data", tmp_path / "nope.toml"), "nope.toml", "not found")


def test_case_file_not_utf8(cli: Cli, small_project: Project) -> None:
    small_project.case.write_bytes(small_project.case.read_bytes() + b"\n# \xff\xfe\n")
    assert_one_line_error(cli("check", "--data", small_project.case), "not UTF-8")


def test_output_folder_not_writable(cli: Cli, small_project: Project, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/dossier-test.db")  # root may write anywhere except such a file system
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        target = folder / "x.db"
    assert_one_line_error(
        cli("build", "--data", small_project.case, "--out", target), "cannot write"
    )
    assert not target.exists()


def test_output_folder_missing(cli: Cli, small_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "x.db"
    assert_one_line_error(
        cli("build", "--data", small_project.case, "--out", target), "no such folder"
    )


def test_refuses_to_overwrite_a_database_that_is_not_a_dossier(
    cli: Cli, small_project: Project, tmp_path: Path
) -> None:
    target = tmp_path / "precious.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.execute("INSERT INTO accounts VALUES (42)")
    conn.commit()
    conn.close()
    before = target.read_bytes()
    assert_one_line_error(
        cli("build", "--data", small_project.case, "--out", target), "not a dossier", "refusing"
    )
    assert target.read_bytes() == before


def test_refuses_to_overwrite_a_text_file(cli: Cli, small_project: Project, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    assert_one_line_error(cli("build", "--data", small_project.case, "--out", target), "refusing")
    assert target.read_text() == "my notes"


def test_out_is_a_directory(cli: Cli, small_project: Project, tmp_path: Path) -> None:
    assert_one_line_error(
        cli("build", "--data", small_project.case, "--out", tmp_path), "is a directory"
    )


@pytest.mark.slow
def test_real_process_exit_code_and_no_traceback(small_project: Project) -> None:
    small_project.edit_case('offence = "Sedition"', "offence = 7")
    proc = subprocess.run(
        [sys.executable, "-m", "dossier", "check", "--data", str(small_project.case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "must be a string" in proc.stderr
    assert "Traceback" not in proc.stderr
