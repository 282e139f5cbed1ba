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


@app.command()
def export(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the brief to this file (default, or -: standard output).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the --out file if it exists.")
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="A dossier database.", show_default="the bundled case"),
    ] = None,
    person: Annotated[
        list[str] | None,
        typer.Option(
            "--person",
            help="Only this person or organisation (by id) and the records linked to them; "
            "repeatable.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since", help="Only events dated from YYYY[-MM[-DD]] on.", show_default=False
        ),
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="md (Markdown) or html.")] = "md",
) -> None:
    """Export a case brief in which every fact carries a footnote quoting its source."""
    import sqlite3

    from dossier import brief, files, store
    from dossier.queries import Reader

    if out is not None and str(out) == "-":
        out = None  # `--out -`: standard output, as with no --out
    kind = fmt.strip().lower()
    if kind not in ("md", "html"):
        raise DossierError(f"--format {fmt!r}: not a format; use md or html")
    window = brief.Since.parse(since) if since is not None else None
    if db is None:
        from dossier.build import ensure_built

        path = ensure_built(say=lambda message: typer.echo(message, err=True))
        meta = store.validate(path)
    else:
        path = db
        try:
            meta = store.validate(db)
        except DossierError as exc:
            raise DossierError(exc.message.replace(str(db), shown(db), 1)) from None
    if out is not None:
        files.check_target(out)
        if out.exists() and not force:
            raise DossierError(f"{out}: already exists; use --force to replace it")
    reader = Reader(path, meta=meta)
    try:
        render = brief.brief_html if kind == "html" else brief.brief_markdown
        text = render(reader, persons=tuple(person or ()), since=window)
    except sqlite3.Error as exc:
        raise DossierError(f"{shown(path)}: cannot read the dossier ({exc})") from None
    finally:
        reader.close()
    if out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `dossier export | head`: the reader has seen enough
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    try:
        files.write_atomic(out, text, force=force)
    except files.TargetExistsError:
        raise DossierError(f"{out}: already exists; use --force to replace it") from None
    _say(f"wrote {shown(out)}: case brief, {len(text.encode('utf-8')):,} bytes")


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
