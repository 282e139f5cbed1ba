"""Each bad input to `dossier check`/`dossier build` is one line naming the place, exit code 2."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult, Project

Cli = Callable[..., CliResult]


def assert_one_line_error(result: CliResult, *needles: str) -> str:
    assert result.code == 2, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dossier: error: "), lines[0]
    assert "Traceback" not in result.err
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


def test_bundled_case_checks(cli: Cli) -> None:
    result = cli("check")
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ")
    assert "records, 1 source" in result.out


def test_malformed_toml_names_line(cli: Cli, project: Project) -> None:
    line = project.line_of('id = "betsy-chavez"')
    project.edit_case('id = "betsy-chavez"', 'id = "betsy-chavez')
    msg = assert_one_line_error(cli("check", "--data", project.case), f"{project.case}:{line}:")
    assert "malformed TOML" in msg


def test_unknown_field_suggests_the_right_one(cli: Cli, project: Project) -> None:
    project.edit_case('name = "Hugo de Zera"', 'nmae = "Hugo de Zera"')
    line = project.line_of('nmae = "Hugo de Zera"')
    assert_one_line_error(
        cli("check", "--data", project.case),
        f":{line}:",
        "'hugo-de-zera'",
        "unknown field 'nmae'",
        "did you mean 'name'",
    )


def test_wrong_type(cli: Cli, project: Project) -> None:
    project.edit_case('aliases = ["Castillo"]', "aliases = 3")
    line = project.line_of("aliases = 3")
    assert_one_line_error(
        cli("check", "--data", project.case), f":{line}:", "'pedro-castillo'", "must be a list"
    )


def test_missing_required_field(cli: Cli, project: Project) -> None:
    project.edit_case('offence = "Sedition"\n', "")
    assert_one_line_error(
        cli("check", "--data", project.case),
        "'castillo-sedition'",
        "missing required field 'offence'",
    )


def test_duplicate_id(cli: Cli, project: Project) -> None:
    first = project.line_of('id = "rpp"')
    project.edit_case('id = "prosecutors"', 'id = "rpp"')
    second = project.line_of('name = "Prosecutors"') - 1
    assert_one_line_error(
        cli("check", "--data", project.case),
        f":{second}:",
        "duplicate id 'rpp'",
        f"first defined at line {first}",
    )


def test_unknown_person_reference(cli: Cli, project: Project) -> None:
    project.edit_case('defendant = "betsy-chavez"', 'defendant = "betsy-chaves"')
    line = project.line_of('defendant = "betsy-chaves"')
    assert_one_line_error(
        cli("check", "--data", project.case), f":{line}:", "unknown id 'betsy-chaves'"
    )


def test_reference_to_wrong_kind(cli: Cli, project: Project) -> None:
    project.edit_case('defendant = "betsy-chavez"', 'defendant = "mexico"')
    assert_one_line_error(cli("check", "--data", project.case), "'mexico' is a organization")


def test_unknown_source_reference(cli: Cli, project: Project) -> None:
    project.edit_case(
        'evidence = ["local radio station RPP"]',
        'evidence = [{ quote = "local radio station RPP", source = "nowhere" }]',
    )
    assert_one_line_error(cli("check", "--data", project.case), "'rpp'", "unknown source 'nowhere'")


def test_span_not_found_shows_closest_passage(cli: Cli, project: Project) -> None:
    project.edit_case(
        '"They asked for a 34-year sentence for Castillo."',
        '"They asked for a 35-year sentence for Castillo."',
    )
    line = project.line_of("35-year")
    msg = assert_one_line_error(
        cli("check", "--data", project.case),
        f":{line}:",
        "'castillo-sentence-request'",
        "is not in the source",
        'closest passage: "They asked for a 34-year sentence for Castillo."',
    )
    assert "35-year" in msg


def test_span_with_straight_apostrophe_says_how_it_differs(cli: Cli, project: Project) -> None:
    project.edit_case('"Chavez’s lawyer, Raul Nobresilla"]', '"Chavez\'s lawyer, Raul Nobresilla"]')
    assert_one_line_error(
        cli("check", "--data", project.case), "differs only in case, accents, quote marks"
    )


def test_span_found_twice_needs_prefix(cli: Cli, project: Project) -> None:
    project.edit_case(
        '{ quote = "former President Pedro Castillo", suffix = ", fled" },\n  "Castillo, a former',
        '"former President Pedro Castillo",\n  "Castillo, a former',
    )
    assert_one_line_error(
        cli("check", "--data", project.case),
        "'pedro-castillo'",
        "occurs 2 times",
        "add a prefix or suffix",
    )


def test_missing_source_file(cli: Cli, project: Project) -> None:
    for seed in (project.root / "seeds").iterdir():
        seed.unlink()
    line = project.line_of("file = ")
    assert_one_line_error(cli("check", "--data", project.case), f":{line}:", "not found")


def test_changed_source_file(cli: Cli, project: Project) -> None:
    (seed,) = (project.root / "seeds").iterdir()
    seed.write_bytes(seed.read_bytes().replace(b"34-year", b"35-year"))
    line = project.line_of("sha256 = ")
    assert_one_line_error(
        cli("check", "--data", project.case), f":{line}:", "the source changed", "sha256"
    )


@pytest.mark.parametrize("bad", ["2022-13", "2022-02-30", "December 2022", "22-12"])
def test_bad_date(cli: Cli, project: Project, bad: str) -> None:
    project.edit_case('date = "2023-02"\ndescription', f'date = "{bad}"\ndescription')
    line = project.line_of(f'date = "{bad}"')
    assert_one_line_error(
        cli("check", "--data", project.case), f":{line}:", "'peru-recalls-ambassador'", bad
    )


def test_date_words_must_be_cited(cli: Cli, project: Project) -> None:
    project.edit_case('text = "in September"', 'text = "in August"')
    assert_one_line_error(cli("check", "--data", project.case), "'chavez-bail'", "'in August'")


def test_alias_not_in_source_must_be_editorial(cli: Cli, project: Project) -> None:
    project.edit_case('aliases = ["Castillo"]', 'aliases = ["Castillo", "Pedro Castillo Terrones"]')
    assert_one_line_error(
        cli("check", "--data", project.case), "'Pedro Castillo Terrones'", "editorial_aliases"
    )


def test_editorial_note_needs_basis(cli: Cli, project: Project) -> None:
    project.edit_case('basis = "Analyst\'s knowledge; not stated in the source."\n', "")
    assert_one_line_error(cli("check", "--data", project.case), "'spelling-lopez-obrador'", "basis")


def test_record_without_evidence(cli: Cli, project: Project) -> None:
    project.edit_case('evidence = ["trade union activist"]\n', "")
    assert_one_line_error(
        cli("check", "--data", project.case), "'castillo-union-activist'", "no evidence"
    )


def test_missing_case_file(cli: Cli, tmp_path: Path) -> None:
    assert_one_line_error(cli("check", "--data", tmp_path / "nope.toml"), "nope.toml", "not found")


def test_case_file_not_utf8(cli: Cli, project: Project) -> None:
    project.case.write_bytes(project.case.read_bytes() + b"\n# \xff\xfe\n")
    assert_one_line_error(cli("check", "--data", project.case), "not UTF-8")


def test_output_folder_not_writable(cli: Cli, project: Project, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        target = Path("/proc/dossier-test.db")  # root may write anywhere except such a file system
    else:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        target = folder / "x.db"
    assert_one_line_error(cli("build", "--data", project.case, "--out", target), "cannot write")
    assert not target.exists()


def test_output_folder_missing(cli: Cli, project: Project, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "x.db"
    assert_one_line_error(cli("build", "--data", project.case, "--out", target), "no such folder")


def test_refuses_to_overwrite_a_database_that_is_not_a_dossier(
    cli: Cli, project: Project, tmp_path: Path
) -> None:
    target = tmp_path / "precious.db"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.execute("INSERT INTO accounts VALUES (42)")
    conn.commit()
    conn.close()
    before = target.read_bytes()
    assert_one_line_error(
        cli("build", "--data", project.case, "--out", target), "not a dossier", "refusing"
    )
    assert target.read_bytes() == before


def test_refuses_to_overwrite_a_text_file(cli: Cli, project: Project, tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    assert_one_line_error(cli("build", "--data", project.case, "--out", target), "refusing")
    assert target.read_text() == "my notes"


def test_out_is_a_directory(cli: Cli, project: Project, tmp_path: Path) -> None:
    assert_one_line_error(cli("build", "--data", project.case, "--out", tmp_path), "is a directory")


def test_real_process_exit_code_and_no_traceback(project: Project) -> None:
    project.edit_case('offence = "Sedition"', "offence = 7")
    proc = subprocess.run(
        [sys.executable, "-m", "dossier", "check", "--data", str(project.case)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "must be a string" in proc.stderr
    assert "Traceback" not in proc.stderr
