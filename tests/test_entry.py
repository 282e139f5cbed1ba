"""The console script opens the app without loading the command-line toolkit, and otherwise
hands over to the Typer CLI: same commands, same messages, same exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dossier import entry

HEAVY = ("typer", "click", "pydantic", "sqlmodel", "sqlalchemy", "psycopg")


def run(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["dossier", *args])
    try:
        entry.main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    return 0


def test_open_a_missing_file_is_the_same_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dossier.cli import main as cli_main

    missing = tmp_path / "nothing.db"
    assert run(monkeypatch, "open", str(missing)) == 2
    fast = capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["dossier", "open", str(missing)])
    with pytest.raises(SystemExit) as exc:
        cli_main()
    assert exc.value.code == 2
    assert capsys.readouterr() == fast
    assert fast.err.startswith("dossier: error: ") and "no such file" in fast.err


def test_everything_else_goes_to_the_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "--help") == 0
    assert "open" in capsys.readouterr().out
    assert run(monkeypatch, "open") == 2  # a missing argument: Typer's usage error
    assert "Missing argument" in capsys.readouterr().err
    assert run(monkeypatch, "open", "--help") == 0
    assert "dossier database" in capsys.readouterr().out


@pytest.mark.slow
def test_the_path_to_the_first_screen_imports_no_heavy_package(tmp_path: Path) -> None:
    # The app's modules, then `dossier open PATH` up to the app (here: a path that is not there).
    code = (
        "import atexit, sys, dossier.ui.app; "
        f"atexit.register(lambda: print(sorted(set({HEAVY!r}) & "
        "{m.split('.')[0] for m in sys.modules}))); "
        f"sys.argv = ['dossier', 'open', {str(tmp_path / 'x.db')!r}]; "
        "from dossier.entry import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "no such file" in done.stderr
    assert done.stdout.strip() == "[]"
