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


@app.command(context_settings={"ignore_unknown_options": True})
def search(
    query: Annotated[
        list[str],
        typer.Argument(
            help='Words, "a phrase", -word to leave out, a OR b, speaker:name.',
            metavar="QUERY",
            show_default=False,
        ),
    ],
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="Show at most this many quotes.")
    ] = 20,
    json_lines: Annotated[
        bool, typer.Option("--json", help="One JSON object per quote, one per line.")
    ] = False,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="A dossier database.", show_default="the bundled case"),
    ] = None,
) -> None:
    """Search the quotes, best first (exit 1 when none match)."""
    import json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dossier import store
    from dossier.build import ensure_built
    from dossier.search import search_quotes

    unknown = next((word for word in query if word.startswith("--")), None)
    if unknown is not None:
        raise typer.BadParameter(f"no such option {unknown!r} (a query word cannot start with --)")
    if db is None:
        path = ensure_built(say=lambda note: typer.echo(note, err=True))
    else:
        try:
            store.validate(db)
        except DossierError as exc:
            raise DossierError(exc.message.replace(str(db), shown(db), 1)) from None
        path = db
    result = search_quotes(path, " ".join(query), limit)
    if result.hint:
        typer.echo(result.hint, err=True)
    if not result.hits:
        if result.expression is not None:
            typer.echo("no quotes match", err=True)
        raise typer.Exit(1)
    if json_lines:
        for hit in result.hits:
            plain, spans = hit.highlights()
            row = {
                "id": hit.id,
                "speaker": hit.speaker,
                "date": hit.date,
                "date_iso": hit.date_iso,
                "kind": hit.kind,
                "text": hit.text,
                "snippet": plain,
                "highlights": [list(span) for span in spans],
                "source": hit.source,
                "start": hit.start,
                "end": hit.end,
            }
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    table = Table(box=None, pad_edge=False, show_lines=False, header_style="bold")
    table.add_column("Date", no_wrap=True, max_width=17)
    table.add_column("Speaker", max_width=20)
    table.add_column("Kind", no_wrap=True)
    table.add_column("Quote", ratio=1)
    for hit in result.hits:
        plain, spans = hit.highlights()
        words = Text(plain)
        for start, end in spans:
            words.stylize("bold reverse", start, end)
        words.append(f"\n{hit.id}", style="dim")
        table.add_row(hit.date, hit.speaker, hit.kind, words)
    out = Console(highlight=False)
    out.print(table)
    shown_note = f", first {len(result.hits):,} shown" if result.total > len(result.hits) else ""
    out.print(Text(f"{result.count_label} ({result.order_label}{shown_note})", style="dim"))


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
