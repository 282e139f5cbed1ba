"""Progress on long work: a line on a terminal, nothing on a pipe, the app's status line, Ctrl+C."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from dossier import build as builder
from dossier import progress as prog
from dossier.ui.app import DossierApp
from tests.conftest import CliResult, Project
from tests.test_app import settle
from tests.timeline_case import write_case

Cli = Callable[..., CliResult]


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=120, color_system="standard"), out


def test_a_terminal_sees_the_phase_count_and_rate() -> None:
    console, out = terminal()
    with prog.RichProgress(console, delay=0) as progress:
        progress.phase("checking evidence", 1000)
        for _ in range(1000):
            progress.advance()
        progress.phase("writing the database")
    text = out.getvalue()
    assert "checking evidence" in text and "/1,000" in text
    assert "writing the database" in text
    assert "\x1b[" in text  # drawn in place, then cleared


def test_quick_work_shows_nothing_even_on_a_terminal() -> None:
    console, out = terminal()
    with prog.RichProgress(console, delay=30) as progress:
        progress.phase("checking evidence", 10)
        progress.advance(10)
        assert not progress.shown
    assert out.getvalue() == ""


def test_a_pipe_gets_no_progress_unless_asked() -> None:
    pipe = Console(file=io.StringIO())
    assert not pipe.is_terminal
    with prog.for_cli(console=pipe) as progress:
        assert progress is prog.QUIET
    with prog.for_cli(quiet=True, console=terminal()[0]) as progress:
        assert progress is prog.QUIET
    with prog.for_cli(progress=True, console=pipe) as progress:
        assert isinstance(progress, prog.RichProgress)


def test_status_line_text() -> None:
    said: list[str] = []
    status = prog.StatusProgress(said.append, "Building")
    status.phase("checking evidence", 200)
    status.advance(150)
    status.phase("compiling")
    assert said[0] == "Building: checking evidence 0 of 200…"
    assert "Building: checking evidence 150 of 200…" in said
    assert said[-1] == "Building: compiling…"


@pytest.fixture
def ruiz_case(tmp_path: Path) -> Path:
    return write_case(tmp_path / "ruiz")


def test_cli_build_and_check_write_no_progress_bytes_to_a_pipe(cli: Cli, ruiz_case: Path) -> None:
    out = ruiz_case.with_suffix(".db")
    for args in (("build", "--data", ruiz_case, "--out", out), ("check", "--data", ruiz_case)):
        result = cli(*args)
        assert result.code == 0, result.err
        assert result.err == ""
        assert "\x1b" not in result.out and "\r" not in result.out


def test_cli_progress_flag_shows_it_anyway(cli: Cli, ruiz_case: Path) -> None:
    result = cli("build", "--data", ruiz_case, "--out", ruiz_case.with_suffix(".db"), "--progress")
    assert result.code == 0, result.err
    assert "checking evidence" in result.err and "writing the database" in result.err
    assert result.out.startswith("built ")  # the result line itself stays clean
    result = cli("export", "--db", ruiz_case.with_suffix(".db"), "--progress", "--quiet")
    assert result.code == 0 and result.err == ""


def test_ctrl_c_during_a_build_leaves_the_old_database(
    cli: Cli, ruiz_case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ruiz_case.with_suffix(".db")
    assert cli("build", "--data", ruiz_case, "--out", db).code == 0
    before = db.read_bytes()

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(builder, "fill", interrupted)
    result = cli("build", "--data", ruiz_case, "--out", db)
    assert result.code == 130
    assert result.err == f"dossier: build interrupted; {db} is unchanged\n"
    assert db.read_bytes() == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["ruiz.db", "ruiz.toml"]


def test_a_real_sigint_during_a_build(ruiz_case: Path) -> None:
    """SIGINT delivered while the database is being written: one line, exit 130, old file kept."""
    db = ruiz_case.with_suffix(".db")
    builder.build(ruiz_case, db)
    before = db.read_bytes()
    script = (
        "import os, signal, sys\n"
        "from dossier import build\n"
        "real = build.fill\n"
        "def fill(conn, compiled):\n"
        "    real(conn, compiled)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "build.fill = fill\n"
        "from dossier.cli import main\n"
        f"sys.argv = ['dossier', 'build', '--data', {str(ruiz_case)!r}, '--out', {str(db)!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)},
    )
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines() == [f"dossier: build interrupted; {db} is unchanged"]
    assert "Traceback" not in done.stderr
    assert db.read_bytes() == before


async def test_first_run_build_shows_progress_in_the_status_line(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    show = DossierApp._status

    def record(app: DossierApp, text: str | None) -> None:
        said.append(text or "")
        show(app, text)

    monkeypatch.setattr(DossierApp, "_status", record)
    app = DossierApp(project.db, build_from=project.case, build_reason="no database yet")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    steps = [t for t in said if t.startswith("Building the dossier (no database yet): ")]
    assert any("checking evidence" in t for t in steps), said
    assert any("writing the database" in t for t in steps), said
    assert said[-1] == ""  # cleared when built


def test_pins_import_reports_progress_only_when_asked(cli: Cli, ruiz_case: Path) -> None:
    db = ruiz_case.with_suffix(".db")
    builder.build(ruiz_case, db)
    shared = ruiz_case.parent / "pins.jsonl"
    shared.write_text('{"record": "ruiz-sentence", "position": 1}\n', encoding="utf-8")
    quiet = cli("pins", "import", shared, "--db", db)
    assert quiet.code == 0 and quiet.err == "", quiet.err
    shown = cli("pins", "import", shared, "--db", db, "--progress")
    assert shown.code == 0 and "importing pins" in shown.err
