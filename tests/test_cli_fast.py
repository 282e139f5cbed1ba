"""The fast path of the console script: the everyday commands print exactly what the Typer CLI
prints, without loading Typer, pydantic, SQLModel or Textual; anything else still reaches Typer."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import cli, entry

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_with(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Run:
    def run(main: Callable[[], None], *args: str | Path) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["dossier", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def forms(db: Path, tmp_path: Path) -> list[list[str | Path]]:
    return [
        ["search", "asilo", "--db", db],
        ["search", "chavez", "-castillo", f"--db={db}", "--limit", "3"],
        ["search", "asilo", "--json", "--limit=2", "--db", db],
        ["search", "zzzznothing", "--db", db],
        ["search", "asilo", "--nope", "--db", db],  # an unknown option: Typer's error
        ["search", "--db", db],  # no query: Typer's error
        ["search", "asilo", "--limit", "0", "--db", db],  # out of range: Typer's error
        ["check"],
        ["check", "--data", tmp_path / "missing.toml"],
        ["pins", "list", "--db", db],
        ["pins", "list", "--db", tmp_path / "missing.db"],
        ["export", "--db", db],
        ["export", "--db", db, "--format", "html", "--since", "2023"],
        ["export", "--db", db, "--format", "pdf"],
        ["export", "--db", db, "--pinned"],
        ["export", "--db", db, "--help"],
    ]


def test_every_form_prints_what_typer_prints(
    run_with: Run, bundled_db: Path, tmp_path: Path
) -> None:
    import re

    def timeless(result: tuple[int, str, str]) -> tuple[int, str, str]:
        # `check` says how long it took: the same words, but not the same hundredths.
        code, out, err = result
        return code, re.sub(r" in \d+\.\d\d s$", " in N s", out, flags=re.M), err

    for args in forms(bundled_db, tmp_path):
        fast, slow = run_with(entry.main, *args), run_with(cli.main, *args)
        assert timeless(fast) == timeless(slow), args


def test_export_to_a_file_the_same_way(run_with: Run, bundled_db: Path, tmp_path: Path) -> None:
    fast, slow = tmp_path / "fast.md", tmp_path / "slow.md"
    code, out, _ = run_with(entry.main, "export", "--db", bundled_db, "--out", fast)
    assert code == 0 and "wrote" in out
    run_with(cli.main, "export", "--db", bundled_db, "--out", slow)
    assert fast.read_bytes() == slow.read_bytes()
    code, _, err = run_with(entry.main, "export", "--db", bundled_db, "--out", fast)
    assert code == 2 and "already exists" in err


def test_help_is_typers_and_complete(run_with: Run) -> None:
    code, out, _ = run_with(entry.main, "--help")
    assert code == 0
    for command in ("open", "check", "build", "export", "search", "pins"):
        assert command in out


def loaded_by(args: list[str], modules: tuple[str, ...]) -> tuple[int, list[str], str]:
    """Run ``dossier ARGS`` in a fresh process, standard error a pipe (and Rich not told
    otherwise): its exit code, which of ``modules`` it had loaded at exit, and its stderr."""
    script = (
        "import atexit, sys\n"
        f"atexit.register(lambda: print(sorted(m for m in {modules!r} if m in sys.modules), "
        "file=sys.stderr))\n"
        f"sys.argv = ['dossier', *{args!r}]\n"
        "from dossier.entry import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env
    )
    return done.returncode, ast.literal_eval(done.stderr.strip().splitlines()[-1]), done.stderr


@pytest.mark.parametrize("args", [["search", "asilo"], ["pins", "list"], ["check"], ["export"]])
def test_everyday_commands_load_no_cli_toolkit(bundled_db: Path, args: list[str]) -> None:
    heavy = ("typer", "click", "pydantic", "sqlmodel", "sqlalchemy", "textual")
    if args[0] != "check":
        args = [*args, "--db", str(bundled_db)]
    code, loaded, err = loaded_by(args, heavy)
    assert code in (0, 1), err  # 1: search found nothing
    assert loaded == []


@pytest.mark.parametrize("args", [["search", "asylum"], ["pins", "list"]])
def test_search_and_pins_do_not_build_the_record_kinds(bundled_db: Path, args: list[str]) -> None:
    """They read what the build wrote (titles, kinds, quotes): the case file's record classes
    and the registry built from them are ~80 ms of a ~150 ms command, paid only when needed."""
    code, loaded, err = loaded_by(
        [*args, "--db", str(bundled_db)], ("dossier.casefile", "dossier.kinds")
    )
    assert code == 0, err
    assert loaded == []


@pytest.mark.parametrize("columns", [100, 44])
def test_search_results_fit_the_terminal_width(
    run_with: Run, bundled_db: Path, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """Columns when the quote has room (its id under it), a block per hit when it has not;
    no line wider than the terminal, none ending in spaces."""
    monkeypatch.setenv("COLUMNS", str(columns))
    code, out, _ = run_with(entry.main, "search", "asylum", "--limit", "3", "--db", bundled_db)
    assert code == 0
    lines = out.splitlines()
    assert all(len(text) <= columns and text == text.rstrip() for text in lines)
    if columns >= 100:
        assert lines[0].split() == ["Date", "Speaker", "Kind", "Quote"]
    else:
        assert sum(" · " in text for text in lines) == 3  # date · speaker · kind, per hit
    assert lines[-1] == "3 quotes (best first)"


@pytest.mark.parametrize("args", [["check"], ["export", "--out", "OUT"], ["pins", "list"]])
def test_off_a_terminal_no_progress_line_and_no_rich(
    bundled_db: Path, tmp_path: Path, args: list[str]
) -> None:
    """With standard error a pipe no progress line can be drawn: Rich, as heavy as the whole of
    a quick command, is not even imported (FORCE_COLOR or a TTY would bring it back)."""
    args = [str(tmp_path / "brief.md") if a == "OUT" else a for a in args]
    if args[0] != "check":
        args = [*args, "--db", str(bundled_db)]
    code, loaded, err = loaded_by(args, ("rich",))
    assert code == 0, err
    assert loaded == []
