"""The ``dossier`` command. Thin: it parses arguments, calls the library and prints.

Every error the user can cause is a :class:`~dossier.errors.DossierError`: printed as one line on
standard error, exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from dossier.errors import DossierError, shown
from dossier.store import BUNDLED_CASE, BUNDLED_DB

app = typer.Typer(
    name="dossier",
    help="A terminal dossier of a legal and political case; every fact cites its source.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataOpt = Annotated[
    Path, typer.Option("--data", help="The case file (TOML).", show_default="the bundled case")
]


def _say(message: str) -> None:
    typer.echo(message)


def _default_out(data: Path) -> Path:
    return BUNDLED_DB if data == BUNDLED_CASE else data.with_suffix(".db")


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context) -> None:
    """Open the bundled Castillo/Chávez dossier when no command is given."""
    if ctx.invoked_subcommand is None:
        from dossier.ui.launch import launch_bundled

        launch_bundled()


@app.command("open")
def open_cmd(path: Annotated[Path, typer.Argument(help="A dossier database (.db).")]) -> None:
    """Open a dossier database in the app."""
    from dossier.ui.launch import launch_path

    launch_path(path)


@app.command()
def check(data: DataOpt = BUNDLED_CASE) -> None:
    """Check the case file against its sources; writes nothing."""
    from dossier import casefile, coverage

    case = casefile.load(data)
    _say(f"ok: {shown(data)}: {coverage.summary(case)}")


@app.command()
def build(
    data: DataOpt = BUNDLED_CASE,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where to write the database.", show_default=False)
    ] = None,
) -> None:
    """Check the case file and build its dossier database (atomically)."""
    from dossier import build as builder
    from dossier import coverage

    target = out if out is not None else _default_out(data)
    started = time.perf_counter()
    case = builder.build(data, target)
    took = time.perf_counter() - started
    _say(f"built {shown(target)}: {coverage.summary(case)} in {took:.2f} s")


def main() -> None:
    """Console-script entry point: one-line errors, exit code 2."""
    try:
        app()
    except DossierError as exc:
        print(f"dossier: error: {exc.message}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        sys.exit(130)
