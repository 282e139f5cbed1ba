"""The ``dossier`` command. Thin: it parses arguments, calls the library and prints.

Every error the user can cause is a :class:`~dossier.errors.DossierError`: printed as one line on
standard error, exit code 2, never a traceback.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dossier.errors import DossierError, shown
from dossier.store import BUNDLED_CASE, BUNDLED_DB
from dossier.words import plural

if TYPE_CHECKING:
    from dossier.queries import Reader
    from dossier.workset import Workset

app = typer.Typer(
    name="dossier",
    help="A terminal dossier of a legal and political case; every fact cites its source. "
    "With no command, opens the bundled Castillo/Chávez dossier in the app.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DataOpt = Annotated[
    Path, typer.Option("--data", help="The case file (TOML).", show_default="the bundled case")
]
DbOpt = Annotated[
    Path | None,
    typer.Option("--db", help="A dossier database.", show_default="the bundled case"),
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
def open_cmd(
    path: Annotated[Path, typer.Argument(help="A dossier database (.db).", metavar="PATH")],
) -> None:
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
    db: DbOpt = None,
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
    pinned: Annotated[
        bool,
        typer.Option(
            "--pinned",
            help="Only your pinned records and the records linked to them, your annotations "
            "shown as working notes; with --person, both. Exit 2 when nothing is pinned.",
        ),
    ] = False,
) -> None:
    """Export a case brief in which every fact carries a footnote quoting its source."""
    import sqlite3

    from dossier import brief, files
    from dossier.workset import WorkItem, Workset, path_beside

    if out is not None and str(out) == "-":
        out = None  # `--out -`: standard output, as with no --out
    kind = fmt.strip().lower()
    if kind not in ("md", "html"):
        raise DossierError(f"--format {fmt!r}: not a format; use md or html")
    window = brief.Since.parse(since) if since is not None else None
    reader = _open_reader(db)
    path = reader.path
    if out is not None:
        files.check_target(out)
        if out.exists() and not force:
            raise DossierError(f"{out}: already exists; use --force to replace it")
    try:
        pins: list[WorkItem] | None = None
        if pinned:  # the working set beside the dossier; nothing pinned is an error (exit 2)
            workset = Workset(path_beside(path))
            try:
                if workset.problem is not None and workset.path.exists():
                    problem = workset.problem.replace("cannot be saved", "cannot be read")
                    raise DossierError(problem)
                pins = workset.pinned()
            except sqlite3.Error as exc:
                raise DossierError(f"{shown(workset.path)}: cannot read the pins ({exc})") from None
            finally:
                workset.close()
            if not pins:
                raise brief.NothingPinnedError(shown(workset.path))
        render = brief.brief_html if kind == "html" else brief.brief_markdown
        text = render(reader, persons=tuple(person or ()), since=window, pins=pins)
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
    what = "case brief from your pins" if pinned else "case brief"
    _say(f"wrote {shown(out)}: {what}, {len(text.encode('utf-8')):,} bytes")


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
    db: DbOpt = None,
) -> None:
    """Search the quotes, best first (exit 1 when none match)."""
    import json

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from dossier.search import search_quotes

    unknown = next((word for word in query if word.startswith("--")), None)
    if unknown is not None:
        raise typer.BadParameter(f"no such option {unknown!r} (a query word cannot start with --)")
    path, _ = _dossier(db)
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
        words = hit.marked()
        words.append(f"\n{hit.id}", style="dim")
        table.add_row(hit.date, hit.speaker, hit.kind, words)
    out = Console(highlight=False)
    out.print(table)
    shown_note = f", first {len(result.hits):,} shown" if result.total > len(result.hits) else ""
    out.print(Text(f"{result.count_label} ({result.order_label}{shown_note})", style="dim"))


# --------------------------------------------------------------------------------------------------
# The working set


pins_app = typer.Typer(
    help="Your pinned records and annotations: list, add, remove, share, repair.",
    no_args_is_help=True,
)
app.add_typer(pins_app, name="pins")


def _dossier(db: Path | None) -> tuple[Path, dict[str, str]]:
    """The dossier to read and its meta: ``--db`` (checked), or the bundled case, built first
    when it is missing or stale."""
    from dossier.build import ensure_built
    from dossier.store import validate

    path = db
    if path is None:
        path = ensure_built(say=lambda m: typer.echo(f"dossier: {m}", err=True))
    try:
        return path, validate(path)
    except DossierError as exc:
        raise DossierError(exc.message.replace(str(path), shown(path), 1)) from None


def _open_reader(db: Path | None) -> Reader:
    from dossier.queries import Reader

    path, meta = _dossier(db)
    return Reader(path, meta=meta)


def _workset(reader: Reader) -> Workset:
    from dossier.workset import Workset, path_beside

    return Workset(path_beside(reader.path))


@pins_app.command("list")
def pins_list(db: DbOpt = None) -> None:
    """List pinned records in order, then annotated ones; orphans are marked."""
    reader = _open_reader(db)
    items = _workset(reader).items()
    known = reader.records([i.record for i in items])
    if not items:
        _say("nothing pinned or annotated")
        return
    for item in items:
        where = f"{item.position:>3}." if item.position is not None else "  -"
        info = known.get(item.record)
        title = info[0] if info else f"ORPHANED (was: {item.title or 'unknown'})"
        note = (item.annotation or "").strip().splitlines()
        line = f"{where} {item.record}  {title}"
        if note:
            first = note[0] if len(note[0]) <= 60 else note[0][:59].rstrip() + "…"
            line += f"  ✎ {first}"
        _say(line)


def _record_info(reader: Reader, record: str) -> tuple[str, str]:
    info = reader.records([record]).get(record)
    if info is None:
        raise DossierError(f"no record {record!r} in {shown(reader.path)}")
    return info


@pins_app.command("add")
def pins_add(record: Annotated[str, typer.Argument(help="A record id.")], db: DbOpt = None) -> None:
    """Pin a record at the end of the list."""
    reader = _open_reader(db)
    title, kind = _record_info(reader, record)
    added = _workset(reader).pin(record, title, kind)
    _say(f"pinned {record}" if added else f"{record} was already pinned")


@pins_app.command("remove")
def pins_remove(
    record: Annotated[str, typer.Argument(help="A record id.")], db: DbOpt = None
) -> None:
    """Unpin a record (its annotation stays)."""
    reader = _open_reader(db)
    removed = _workset(reader).unpin(record)
    _say(f"unpinned {record}" if removed else f"{record} was not pinned")


@pins_app.command("reattach")
def pins_reattach(
    old: Annotated[str, typer.Argument(help="The orphaned id.")],
    new: Annotated[str, typer.Argument(help="The record to attach its pin and note to.")],
    db: DbOpt = None,
) -> None:
    """Move an orphan's pin and annotation to a record of the dossier."""
    reader = _open_reader(db)
    title, kind = _record_info(reader, new)
    _workset(reader).reattach(old, new, title, kind)
    _say(f"reattached {old} to {new}")


@pins_app.command("drop")
def pins_drop(
    record: Annotated[str, typer.Argument(help="A record id.")], db: DbOpt = None
) -> None:
    """Forget a record's pin and annotation (for an orphan you no longer need)."""
    reader = _open_reader(db)
    if not _workset(reader).drop(record):
        raise DossierError(f"nothing pinned or annotated under {record!r}")
    _say(f"dropped {record}")


@pins_app.command("export")
def pins_export(
    file: Annotated[
        Path, typer.Argument(help="Where to write (JSON lines); - for standard output.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    db: DbOpt = None,
) -> None:
    """Write the working set as JSON lines, to share it with a colleague."""
    from dossier.files import write_atomic

    reader = _open_reader(db)
    lines = list(_workset(reader).export_lines())
    text = "".join(f"{line}\n" for line in lines)
    if str(file) == "-":
        sys.stdout.write(text)
        return
    write_atomic(file, text, force=force)
    typer.echo(f"wrote {plural(len(lines), 'item')} to {shown(file)}", err=True)


@pins_app.command("import")
def pins_import(
    file: Annotated[Path, typer.Argument(help="A JSON-lines file written by `pins export`.")],
    db: DbOpt = None,
) -> None:
    """Take the valid lines of a shared working set; report each other line. Nothing existing is
    lost: a differing annotation is added below yours. Exit 1 when some lines were skipped."""
    reader = _open_reader(db)
    try:
        with file.open("rb") as fh:
            report = _workset(reader).import_lines(fh, lambda rid: reader.records([rid]).get(rid))
    except FileNotFoundError:
        raise DossierError(f"{shown(file)}: no such file") from None
    except IsADirectoryError:
        raise DossierError(f"{shown(file)}: is a directory") from None
    except OSError as exc:
        raise DossierError(f"{shown(file)}: cannot read ({exc.strerror})") from None
    for problem in report.problems:
        typer.echo(f"{shown(file)}: {problem}", err=True)
    same = f" ({report.unchanged} already there)" if report.unchanged else ""
    _say(f"took {plural(report.taken, 'item')} from {shown(file)}{same}")
    if report.problems:
        raise typer.Exit(1)


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
