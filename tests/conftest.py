"""Shared fixtures: a private copy of the bundled case, and a CLI runner that sees exit codes."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from dossier import build as builder
from dossier.store import PROJECT_ROOT

CASE_NAME = "castillo-chavez.toml"


@dataclass
class Project:
    """A copy of the project's data/ and seeds/ in a temporary folder."""

    root: Path

    @property
    def case(self) -> Path:
        return self.root / "data" / CASE_NAME

    @property
    def db(self) -> Path:
        return self.root / "data" / "castillo-chavez.db"

    def case_text(self) -> str:
        return self.case.read_text(encoding="utf-8")

    def write_case(self, text: str) -> Path:
        self.case.write_text(text, encoding="utf-8")
        return self.case

    def edit_case(self, old: str, new: str, count: int = 1) -> Path:
        text = self.case_text()
        assert old in text, f"test setup: {old!r} not in the case file"
        return self.write_case(text.replace(old, new, count))

    def line_of(self, needle: str) -> int:
        text = self.case_text()
        return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "data" / CASE_NAME, root / "data" / CASE_NAME)
    shutil.copytree(PROJECT_ROOT / "seeds", root / "seeds")
    return Project(root)


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled case built once per test session into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled") / "castillo-chavez.db"
    builder.build(PROJECT_ROOT / "data" / CASE_NAME, out)
    return out


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run ``dossier ARGS`` in-process through the console-script entry point."""
    from dossier.cli import main

    def run(*args: str | Path) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["dossier", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
