"""`dossier pins … --workset postgresql://…`, push and pull: one line and exit 2 on bad input, and
never the password."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import teamset
from dossier.teamset import PgWorkset
from dossier.workset import Workset, path_beside
from tests.conftest import CliResult
from tests.pg.conftest import READER_PASS, TEAM_PASS, PgServer

Cli = Callable[..., CliResult]


def _one_line_exit_2(result: CliResult, *secrets: str) -> str:
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("dossier: error: "), result.err
    for secret in secrets:
        assert secret not in result.err and secret not in result.out
    return lines[0]


def test_pins_on_the_team_store_from_the_command_line(
    cli: Cli, bundled_db: Path, team_url: str
) -> None:
    added = cli("pins", "add", "betsy-chavez", "--db", bundled_db, "--workset", team_url,
                "--as", "ana")  # fmt: skip
    assert added.code == 0 and added.out.strip() == "pinned betsy-chavez"
    cli("pins", "add", "rpp", "--db", bundled_db, "--workset", team_url, "--as", "ben")
    listing = cli("pins", "list", "--db", bundled_db, "--workset", team_url, "--as", "ana")
    assert listing.out.splitlines() == ["  1. betsy-chavez  Betsy Chávez", "  2. rpp  RPP  (ben)"]
    mine = cli("pins", "list", "--mine", "--db", bundled_db, "--workset", team_url, "--as", "ana")
    assert mine.out.splitlines() == ["  1. betsy-chavez  Betsy Chávez"]
    # Ana's `remove` cannot take Ben's pin away.
    assert "was not pinned" in cli("pins", "remove", "rpp", "--db", bundled_db,
                                   "--workset", team_url, "--as", "ana").out  # fmt: skip
    assert TEAM_PASS not in listing.out + listing.err


def test_export_pinned_brief_from_the_team(
    cli: Cli, bundled_db: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOSSIER_WORKSET", team_url)
    empty = cli("export", "--pinned", "--db", bundled_db)
    line = _one_line_exit_2(empty, TEAM_PASS)
    assert "nothing pinned" in line and "***" in line
    cli("pins", "add", "betsy-chavez", "--db", bundled_db)
    brief = cli("export", "--pinned", "--db", bundled_db)
    assert brief.code == 0 and "Betsy Chávez" in brief.out


def test_bad_urls_and_credentials_are_one_line_without_the_password(
    cli: Cli, bundled_db: Path, pg_server: PgServer, team_db: str
) -> None:
    def pins(url: str) -> str:
        return _one_line_exit_2(
            cli("pins", "list", "--db", bundled_db, "--workset", url), "hunter2", TEAM_PASS
        )

    port = pg_server.port
    assert "cannot reach the server" in pins("postgresql://team:hunter2@127.0.0.1:1/x")
    assert "not a valid PostgreSQL URL" in pins("postgresql://team:hunter2@127.0.0.1:notaport/x")
    assert "not a valid PostgreSQL URL" in pins(
        f"postgresql://team:hunter2@127.0.0.1:{port}/x?bogus_option=1"
    )
    line = pins(f"postgresql://team:hunter2@127.0.0.1:{port}/{team_db}")
    assert "refused the user name or password" in line and "team:***@" in line
    assert "does not exist" in pins(f"postgresql://team:{TEAM_PASS}@127.0.0.1:{port}/nodb")
    line = pins(f"postgresql://team:{TEAM_PASS}@127.0.0.1:{port}/{team_db}?sslmode=require")
    assert "SSL" in line or "ssl" in line  # libpq read sslmode: the server here has no SSL
    assert "password=***" in pins(f"postgresql://team@127.0.0.1:1/{team_db}?password=hunter2")


def test_tables_are_created_on_first_use_or_a_clear_message(
    cli: Cli, bundled_db: Path, team_url: str, viewer_url: str
) -> None:
    line = _one_line_exit_2(
        cli("pins", "list", "--db", bundled_db, "--workset", viewer_url), READER_PASS
    )
    assert "has no working-set tables and role 'viewer' may not create them" in line
    assert cli("pins", "list", "--db", bundled_db, "--workset", team_url).code == 0  # made them
    shown = cli("pins", "list", "--db", bundled_db, "--workset", viewer_url)
    assert shown.code == 0 and shown.out.strip() == "nothing pinned or annotated"


def test_a_read_only_role_views_and_gets_a_one_line_refusal(
    cli: Cli, bundled_db: Path, team_url: str, viewer_url: str
) -> None:
    PgWorkset(team_url, "ana").pin("betsy-chavez", "Betsy Chávez", "person")
    listing = cli("pins", "list", "--db", bundled_db, "--workset", viewer_url)
    assert listing.out.splitlines() == ["  1. betsy-chavez  Betsy Chávez  (ana)"]
    line = _one_line_exit_2(
        cli("pins", "add", "rpp", "--db", bundled_db, "--workset", viewer_url), READER_PASS
    )
    assert "may read the team's working set but not change it" in line


def test_an_unsupported_server_version_is_one_line(
    cli: Cli, bundled_db: Path, team_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teamset, "MIN_SERVER_VERSION", 990000)
    line = _one_line_exit_2(cli("pins", "list", "--db", bundled_db, "--workset", team_url))
    assert "is not supported (use 99 or newer)" in line


def test_push_and_pull_are_idempotent_and_report_skips(
    cli: Cli, project_db: Path, team_url: str
) -> None:
    local = Workset(path_beside(project_db), "ana")
    local.pin("pedro-castillo", "Pedro Castillo", "person")
    local.annotate("pedro-castillo", "Check the appeal.")
    local.annotate("rpp", "Call them.")
    first = cli("pins", "push", team_url, "--db", project_db, "--as", "ana")
    assert first.code == 0 and first.out.startswith("pushed 2 items from ")
    assert "***" in first.out and TEAM_PASS not in first.out
    again = cli("pins", "push", team_url, "--db", project_db, "--as", "ana")
    assert again.code == 0 and "2 already there" in again.out
    team = PgWorkset(team_url, "ben")
    team.pin("betsy-chavez", "Betsy Chávez", "person")
    assert [(i.record, i.author) for i in team.items()] == [
        ("pedro-castillo", "ana"), ("betsy-chavez", "ben"), ("rpp", "ana"),
    ]  # fmt: skip
    pulled = cli("pins", "pull", team_url, "--db", project_db, "--as", "ana")
    assert pulled.code == 0 and "pulled 3 items" in pulled.out
    assert cli("pins", "pull", team_url, "--db", project_db).out.count("already there") == 1
    assert [(i.record, i.author) for i in local.items()] == [
        ("pedro-castillo", "ana"), ("betsy-chavez", "ben"), ("rpp", "ana"),
    ]  # fmt: skip
    bad = cli("pins", "push", "postgresql://x:hunter2@127.0.0.1:1/x", "--db", project_db)
    assert "hunter2" not in bad.err + bad.out and bad.code == 2


@pytest.fixture
def project_db(project, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    from dossier import build as builder

    builder.build(project.case, project.db)
    return Path(project.db)
