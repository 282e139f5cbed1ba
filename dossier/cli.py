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

from dossier import commands, safetext
from dossier.errors import DossierError, shown
from dossier.store import BUNDLED_CASE, BUNDLED_DB
from dossier.words import plural

if TYPE_CHECKING:
    from dossier.queries import Reader
    from dossier.workset import SqlWorkset


def _readable_arguments() -> None:
    """Typer writes a positional argument's Python type beside its name in ``--help``
    (``QUERY <list[str]>``); an argument's metavar says what to type, so the type is left out."""
    from typer.core import TyperArgument

    def no_type(self: TyperArgument, ctx: object) -> str | None:
        return None

    TyperArgument.display_type_rich = no_type  # type: ignore[method-assign,assignment]


_readable_arguments()

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
    Path,
    typer.Option(
        "--data", metavar="FILE", help="The case file (TOML).", show_default="the bundled case"
    ),
]
DbOpt = Annotated[
    Path | None,
    typer.Option(
        "--db", metavar="FILE", help="A dossier database.", show_default="the bundled case"
    ),
]
WorksetOpt = Annotated[
    str | None,
    typer.Option(
        "--workset",
        metavar="URL|FILE",
        help="The working set: a team's postgresql://… URL (libpq options such as sslmode pass "
        "through) or a file; default $DOSSIER_WORKSET, else the file beside the dossier.",
        show_default=False,
    ),
]
AuthorOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        metavar="NAME",
        help="Whose pins and notes: default $DOSSIER_AUTHOR, else your user name.",
        show_default=False,
    ),
]


ProgressOpt = Annotated[
    bool,
    typer.Option("--progress", help="Show progress, even when standard error is not a terminal."),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", help="Show no progress.")]


def _say(message: str) -> None:
    """One line on standard output; text from data in it is made safe for the terminal."""
    typer.echo(safetext.line(message))


def _warn(message: str) -> None:
    typer.echo(safetext.line(message), err=True)


def _default_out(data: Path) -> Path:
    return BUNDLED_DB if data == BUNDLED_CASE else data.with_suffix(".db")


@app.callback(invoke_without_command=True)
def _root(ctx: typer.Context, workset: WorksetOpt = None, author: AuthorOpt = None) -> None:
    """Open the bundled Castillo/Chávez dossier when no command is given."""
    if ctx.invoked_subcommand is None:
        from dossier.ui.launch import launch_bundled

        launch_bundled(workset=workset, author=author)


@app.command("open")
def open_cmd(
    path: Annotated[Path, typer.Argument(help="A dossier database (.db).", metavar="PATH")],
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Open a dossier database in the app."""
    from dossier.ui.launch import launch_path

    launch_path(path, workset=workset, author=author)


@app.command()
def check(
    data: DataOpt = BUNDLED_CASE, progress: ProgressOpt = False, quiet: QuietOpt = False
) -> None:
    """Check the case file against its sources; writes nothing."""
    commands.check(data, progress=progress, quiet=quiet)


@app.command()
def build(
    data: DataOpt = BUNDLED_CASE,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="Where to write the database.", show_default=False
        ),
    ] = None,
    progress: ProgressOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Check the case file and build its dossier database (atomically). Ctrl+C stops it and
    leaves the database as it was."""
    from dossier import build as builder
    from dossier import coverage
    from dossier.progress import for_cli

    target = out if out is not None else _default_out(data)
    started = time.perf_counter()
    try:
        with for_cli(progress, quiet) as reporter:
            case = builder.build(data, target, progress=reporter)
    except KeyboardInterrupt:
        typer.echo(f"dossier: build interrupted; {shown(target)} is unchanged", err=True)
        raise typer.Exit(130) from None
    summary = coverage.summary(case)  # inside the time printed: it reads every source
    took = time.perf_counter() - started
    _say(f"built {shown(target)}: {summary} in {took:.2f} s")


@app.command()
def export(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
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
            metavar="ID",
            help="Only this person or organisation (by id) and the records linked to them; "
            "repeatable.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only events dated from YYYY[-MM[-DD]] on.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            metavar="md|html|ftm",
            help="md (Markdown), html, or ftm (FollowTheMoney entities, JSON lines).",
        ),
    ] = "md",
    pinned: Annotated[
        bool,
        typer.Option(
            "--pinned",
            help="Only your pinned records and the records linked to them, your annotations "
            "shown as working notes; with --person, both. Exit 2 when nothing is pinned.",
        ),
    ] = False,
    progress: ProgressOpt = False,
    quiet: QuietOpt = False,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The case as it stood at a date (YYYY[-MM[-DD]]) or source id: only what the "
            "sources published by then say.",
            show_default=False,
            metavar="DATE|SOURCE-ID",
        ),
    ] = None,
    changes_since: Annotated[
        str | None,
        typer.Option(
            "--changes-since",
            help="A what's-new brief: the facts new, changed or superseded since a date or "
            "source id, each with its source.",
            show_default=False,
            metavar="DATE|SOURCE-ID",
        ),
    ] = None,
) -> None:
    """Export a case brief in which every fact carries a footnote quoting its source."""
    commands.export(
        out, force, db, person, since, fmt, pinned,
        progress=progress, quiet=quiet, workset=workset, author=author,
        as_of=as_of, changes_since=changes_since,
    )  # fmt: skip


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
        int,
        typer.Option(
            "--limit", metavar="N", min=1, max=1000, help="Show at most this many quotes."
        ),
    ] = 20,
    json_lines: Annotated[
        bool, typer.Option("--json", help="One JSON object per quote, one per line.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Search the quotes, best first (exit 1 when none match)."""
    unknown = next((word for word in query if word.startswith("--")), None)
    if unknown is not None:
        raise typer.BadParameter(f"no such option {unknown!r} (a query word cannot start with --)")
    commands.search(query, limit, json_lines, db)


@app.command("cite-of")
def cite_of(
    record: Annotated[
        str, typer.Argument(help="A record's id (under its title in the app).", metavar="ID")
    ],
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Markdown with a footnote quoting the source.")
    ] = False,
    db: DbOpt = None,
) -> None:
    """Print a record, quote or person with its citation, ready to paste (the app's y and Y)."""
    from dossier.citation import cite_of as cite_record

    reader = commands.open_reader(db)
    try:
        with reader.connection() as conn:
            sys.stdout.write(cite_record(conn, record, markdown=markdown))
    finally:
        reader.close()


@app.command("datasette-metadata")
def datasette_metadata(
    db: DbOpt = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write to this file (default: standard output).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --out file.")] = False,
) -> None:
    """Table and column descriptions as Datasette metadata (datasette DB.db -m FILE)."""
    from dossier import datasette_meta, files

    path, _ = _dossier(db)
    text = datasette_meta.metadata_json(path)
    if out is None or str(out) == "-":
        sys.stdout.write(text)
        return
    files.check_target(out)
    files.write_atomic(out, text, force=force)
    _say(f"wrote {shown(out)}: Datasette metadata for {shown(path)}")


@app.command()
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="The address to listen on; beyond 127.0.0.1, a warning.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", help="The port to listen on.")
    ] = 8000,
    db: DbOpt = None,
) -> None:
    """Serve the app to a browser: each page opened runs its own session."""
    from dossier import serve as server

    path, _ = _dossier(db)
    server.serve(
        path,
        host,
        port,
        say=lambda m: typer.echo(f"dossier: {m}", err=True),
        warn=lambda m: typer.echo(f"dossier: warning: {m}", err=True),
    )


# --------------------------------------------------------------------------------------------------
# The working set


pins_app = typer.Typer(
    help="Your pinned records and annotations: list, add, remove, share, repair.",
    no_args_is_help=True,
)
app.add_typer(pins_app, name="pins")


def _dossier(db: Path | None) -> tuple[Path, dict[str, str]]:
    return commands.dossier(db)


def _open_reader(db: Path | None) -> Reader:
    return commands.open_reader(db)


def _workset(reader: Reader, spec: str | None = None, author: str | None = None) -> SqlWorkset:
    return commands.workset_of(reader, spec, author)


def _label(store: SqlWorkset) -> str:
    return commands.label(store)


@pins_app.command("list")
def pins_list(
    db: DbOpt = None,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
    mine: Annotated[bool, typer.Option("--mine", help="Only your own pins and notes.")] = False,
) -> None:
    """List pinned records in order, then annotated ones; orphans are marked, and whose each is
    when it is not yours."""
    commands.pins_list(db, workset, author, mine=mine)


def _record_info(reader: Reader, record: str) -> tuple[str, str]:
    info = reader.records([record]).get(record)
    if info is None:
        raise DossierError(f"no record {record!r} in {shown(reader.path)}")
    return info


@pins_app.command("add")
def pins_add(
    record: Annotated[str, typer.Argument(help="A record id.", metavar="RECORD")],
    db: DbOpt = None,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Pin a record at the end of the list (idempotent)."""
    reader = _open_reader(db)
    title, kind = _record_info(reader, record)
    added = _workset(reader, workset, author).pin(record, title, kind)
    _say(f"pinned {record}" if added else f"{record} was already pinned")


@pins_app.command("remove")
def pins_remove(
    record: Annotated[str, typer.Argument(help="A record id.", metavar="RECORD")],
    db: DbOpt = None,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Unpin your pin of a record (its annotation stays; a colleague's pin too)."""
    reader = _open_reader(db)
    removed = _workset(reader, workset, author).unpin(record)
    _say(f"unpinned {record}" if removed else f"{record} was not pinned")


@pins_app.command("reattach")
def pins_reattach(
    old: Annotated[str, typer.Argument(help="The orphaned id.", metavar="OLD")],
    new: Annotated[
        str, typer.Argument(help="The record to attach its pin and note to.", metavar="NEW")
    ],
    db: DbOpt = None,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Move an orphan's pin and annotation to a record of the dossier."""
    reader = _open_reader(db)
    title, kind = _record_info(reader, new)
    _workset(reader, workset, author).reattach(old, new, title, kind)
    _say(f"reattached {old} to {new}")


@pins_app.command("drop")
def pins_drop(
    record: Annotated[str, typer.Argument(help="A record id.", metavar="RECORD")],
    db: DbOpt = None,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Forget a record's pin and annotation (for an orphan you no longer need)."""
    reader = _open_reader(db)
    if not _workset(reader, workset, author).drop(record):
        raise DossierError(f"nothing pinned or annotated under {record!r}")
    _say(f"dropped {record}")


@pins_app.command("export")
def pins_export(
    file: Annotated[
        Path,
        typer.Argument(help="Where to write (JSON lines); - for standard output.", metavar="FILE"),
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
    db: DbOpt = None,
    workset: WorksetOpt = None,
) -> None:
    """Write the working set as JSON lines, to share it with a colleague."""
    from dossier.files import write_atomic

    reader = _open_reader(db)
    lines = list(_workset(reader, workset).export_lines())
    text = "".join(f"{safetext.json_text(line)}\n" for line in lines)
    if str(file) == "-":
        sys.stdout.write(text)
        return
    write_atomic(file, text, force=force)
    typer.echo(f"wrote {plural(len(lines), 'item')} to {shown(file)}", err=True)


@pins_app.command("import")
def pins_import(
    file: Annotated[
        Path, typer.Argument(help="A JSON-lines file written by `pins export`.", metavar="FILE")
    ],
    db: DbOpt = None,
    progress: ProgressOpt = False,
    quiet: QuietOpt = False,
    workset: WorksetOpt = None,
    author: AuthorOpt = None,
) -> None:
    """Take the valid lines of a shared working set; report each other line. Nothing existing is
    lost: a differing annotation is added below yours. Exit 1 when some lines were skipped."""
    from dossier.progress import counted, for_cli
    from dossier.workset import bounded_lines

    reader = _open_reader(db)
    store = _workset(reader, workset, author)
    store.count()  # an unreadable working set is one error, not one per line
    try:
        with file.open("rb") as fh, for_cli(progress, quiet) as reporter:
            reporter.phase("importing pins")
            lines = counted(bounded_lines(fh), reporter)
            report = store.import_lines(lines, lambda rid: reader.records([rid]).get(rid))
    except FileNotFoundError:
        raise DossierError(f"{shown(file)}: no such file") from None
    except IsADirectoryError:
        raise DossierError(f"{shown(file)}: is a directory") from None
    except OSError as exc:
        raise DossierError(f"{shown(file)}: cannot read ({exc.strerror})") from None
    for problem in report.summary_lines():
        _warn(f"{shown(file)}: {problem}")
    same = f" ({report.unchanged} already there)" if report.unchanged else ""
    _say(f"took {plural(report.taken, 'item')} from {shown(file)}{same}")
    if report.problem_count or report.stopped:
        raise typer.Exit(1)


TeamUrl = Annotated[
    str,
    typer.Argument(
        help="The team's working set: postgresql://user@host/db (password from ~/.pgpass, "
        "$PGPASSWORD or the URL; never shown).",
        metavar="URL",
    ),
]


def _move(source: SqlWorkset, target: SqlWorkset, verb: str) -> None:
    """Copy every pin and note of ``source`` into ``target``, keeping authors and times: what is
    there already is left as it is (a differing note is added below), so it can be run again."""
    for store in (source, target):
        check = getattr(store, "check", None)
        if callable(check):  # the team store: reachable, the right version, tables there
            check()
        store.count()  # an unreadable working set is one error, not one per line
    report = target.import_lines(source.export_lines(), None)
    for problem in report.summary_lines():
        typer.echo(f"dossier: {verb}: {problem}", err=True)
    same = f", {report.unchanged} already there" if report.unchanged else ""
    skipped = f", {report.problem_count} skipped" if report.problem_count else ""
    _say(
        f"{verb} {report.taken} item{'s' if report.taken != 1 else ''} from {_label(source)} "
        f"to {_label(target)}{same}{skipped}"
    )
    if report.problem_count:
        raise typer.Exit(1)


@pins_app.command("push")
def pins_push(url: TeamUrl, db: DbOpt = None, author: AuthorOpt = None) -> None:
    """Copy your local working set (beside the dossier) to a team's: idempotent; reports what it
    skipped."""
    from dossier.workset import Workset, is_team_url, path_beside

    if not is_team_url(url):
        from dossier.teamurl import mask_url

        raise DossierError(f"{mask_url(url)}: not a PostgreSQL URL (postgresql://…)")
    path, _ = _dossier(db)
    from dossier.teamset import PgWorkset

    _move(Workset(path_beside(path), author), PgWorkset(url, author), "pushed")


@pins_app.command("pull")
def pins_pull(url: TeamUrl, db: DbOpt = None, author: AuthorOpt = None) -> None:
    """Copy a team's working set into your local one (beside the dossier): idempotent; reports
    what it skipped."""
    from dossier.workset import Workset, is_team_url, path_beside

    if not is_team_url(url):
        from dossier.teamurl import mask_url

        raise DossierError(f"{mask_url(url)}: not a PostgreSQL URL (postgresql://…)")
    path, _ = _dossier(db)
    from dossier.teamset import PgWorkset

    _move(PgWorkset(url, author), Workset(path_beside(path), author), "pulled")


# --------------------------------------------------------------------------------------------------
# Writing the case: sources, citations, the case-file reference (dossier.authoring, dossier.casedoc)


source_app = typer.Typer(help="The case's sources: add one.", no_args_is_help=True)
app.add_typer(source_app, name="source")

CaseOpt = Annotated[
    Path, typer.Option("--case", help="The case file (TOML).", show_default="the bundled case")
]


@source_app.command("add")
def source_add(
    file: Annotated[Path, typer.Argument(help="The article's text (UTF-8).", show_default=False)],
    title: Annotated[str, typer.Option("--title", help="The source's title.", show_default=False)],
    published: Annotated[
        str,
        typer.Option(
            "--published",
            help="Publication date: YYYY-MM-DD, YYYY-MM or YYYY as far as the source states it, "
            "or 'unknown' (then give --retrieved).",
            show_default=False,
        ),
    ],
    retrieved: Annotated[
        str | None,
        typer.Option(
            "--retrieved", help="When you saved the text (YYYY-MM-DD).", show_default=False
        ),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Where the text was read.", show_default=False)
    ] = None,
    language: Annotated[
        str, typer.Option("--language", help="The text's language (ISO 639-1).")
    ] = "en",
    publisher: Annotated[
        str | None,
        typer.Option("--publisher", help="Only when the text states it.", show_default=False),
    ] = None,
    source_id: Annotated[
        str | None,
        typer.Option(
            "--id", help="The source's id (default: from title and date).", show_default=False
        ),
    ] = None,
    case: CaseOpt = BUNDLED_CASE,
) -> None:
    """Copy FILE byte-for-byte into seeds/ and append its [[sources]] record (with its sha256)
    to the case file; nothing is written when anything is wrong."""
    from dossier import authoring

    added = authoring.add_source(
        case, file, title=title, published=published, retrieved=retrieved, url=url,
        language=language, publisher=publisher, source_id=source_id,
    )  # fmt: skip
    _say(
        f"added source {added.id!r}: {shown(added.seed)} ({added.size:,} bytes, sha256 "
        f"{added.sha256[:12]}…) as {shown(added.case)}:{added.line}"
    )
    _say(f'next: dossier cite "words of the article" --source {added.id}')


@app.command()
def cite(
    words: Annotated[str, typer.Argument(help="The words to cite, as you read them.")],
    source: Annotated[
        str | None, typer.Option("--source", help="Only this source.", show_default=False)
    ] = None,
    case: CaseOpt = BUNDLED_CASE,
) -> None:
    """Find WORDS in every source (case, accents, quote marks and spacing aside) and print the
    evidence entry to paste, with the shortest prefix/suffix that makes it unique; exit 1 with
    the closest passage of each source when they are in none."""
    from dossier import authoring

    text = authoring.read_case(case)
    texts = authoring.source_texts(text, source)
    found = authoring.find_words(texts, words)
    for cited in found:
        _say(f"# {cited.source}, line {cited.line}")
        _say(cited.entry())
    for sid, spans in authoring.cited_spans(found).items():
        if len(spans) >= authoring.MAX_CITED:
            _say(f"# only the first {len(spans)} occurrences in {sid} are listed")
    if found:
        return
    _say(f"not found in {plural(len(texts), 'source')}; the closest passages:")
    for near in authoring.nearest(texts, words):
        _say(f'# {near.source}, line {near.line}: "{near.passage}"')
    raise typer.Exit(1)


@app.command()
def schema(
    fmt: Annotated[str, typer.Option("--format", help="text or md (the README's copy).")] = "text",
) -> None:
    """The case-file reference: every kind of record, its fields, their types, whether each is
    required, the values allowed, generated from the kinds registry."""
    from dossier import casedoc

    if fmt not in ("text", "md"):
        raise DossierError(f"--format: {fmt!r} is not text or md")
    sys.stdout.write(casedoc.markdown() if fmt == "md" else casedoc.text())


def main() -> None:
    """Console-script entry point: one-line errors, exit code 2."""
    try:
        app()
    except DossierError as exc:
        print(f"dossier: error: {safetext.line(exc.message)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        sys.exit(130)
