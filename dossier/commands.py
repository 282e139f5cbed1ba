"""What the everyday commands do — ``check``, ``search``, ``pins list``, ``export`` — without the
toolkit that parses their arguments.

:mod:`dossier.cli` (Typer) and the fast path of :mod:`dossier.entry` (hand-parsed, for the common
forms of these four commands) both call these functions, so both print the same. Importing Typer
and, through its parsing, pydantic costs more than any of these commands' own work, so nothing
here imports them; each function imports only what it uses. Errors are
:class:`~dossier.errors.DossierError` (one line, exit 2); "nothing found" is ``SystemExit(1)``.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from dossier.errors import DossierError, shown
from dossier.store import BUNDLED_CASE, BUNDLED_DB

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from dossier.asof import Cutoff
    from dossier.queries import Reader
    from dossier.search import QuoteHit
    from dossier.workset import SqlWorkset


def say(message: str) -> None:
    """One line on standard output; text from data in it is made safe for the terminal."""
    from dossier.safetext import line

    print(line(message), flush=True)


def warn(message: str) -> None:
    from dossier.safetext import line

    print(line(message), file=sys.stderr, flush=True)


def dossier(db: Path | None) -> tuple[Path, dict[str, str]]:
    """The dossier to read and its meta: ``db`` (checked), or the bundled case, built first
    when it is missing or stale."""
    from dossier import store

    path = db
    if path is None:
        path = BUNDLED_DB
        state = store.staleness(BUNDLED_DB, BUNDLED_CASE)
        if state.meta is not None:  # up to date, and checked on the way: not opened twice
            return path, state.meta
        from dossier.build import ensure_built  # stale: the build is imported only then

        path = ensure_built(say=lambda m: warn(f"dossier: {m}"))
    try:
        return path, store.validate(path)
    except DossierError as exc:
        raise DossierError(exc.message.replace(str(path), shown(path), 1)) from None


def open_reader(db: Path | None) -> Reader:
    from dossier.queries import Reader

    path, meta = dossier(db)
    return Reader(path, meta=meta)


def workset_of(reader: Reader, spec: str | None = None, author: str | None = None) -> SqlWorkset:
    """The working set: the file beside the dossier, or a team's (``spec``: a URL, or
    ``$DOSSIER_WORKSET``), as ``author`` (``--as``, ``$DOSSIER_AUTHOR`` or the OS user)."""
    from dossier.workset import open_workset

    return open_workset(reader.path, spec, author)


def label(store: SqlWorkset) -> str:
    """How messages name a working set: a file as the user would write it, a URL masked."""
    from dossier.workset import Workset

    return shown(store.path) if isinstance(store, Workset) else store.label


def check(data: Path = BUNDLED_CASE, *, progress: bool = False, quiet: bool = False) -> None:
    """Check the case file against its sources; writes nothing."""
    from dossier import casefile, coverage
    from dossier.progress import for_cli

    started = time.perf_counter()
    with for_cli(progress, quiet) as reporter:
        case = casefile.load(data, progress=reporter)
    summary = coverage.summary(case)  # inside the time printed: it reads every source
    say(f"ok: {shown(data)}: {summary} in {time.perf_counter() - started:.2f} s")
    from dossier.asof import summary_staleness

    stale = summary_staleness(case)
    if stale is not None:
        warn(f"note: {shown(data)}: {stale}")


def search(
    query: Sequence[str], limit: int = 20, json_lines: bool = False, db: Path | None = None
) -> None:
    """Search the quotes, best first; ``SystemExit(1)`` when none match."""
    from dossier.search import search_quotes

    path, _ = dossier(db)
    result = search_quotes(path, " ".join(query), limit)
    if result.hint:
        warn(result.hint)
    if not result.hits:
        if result.expression is not None:
            warn("no quotes match")
        raise SystemExit(1)
    from dossier import safetext

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
            print(safetext.json_line(row), flush=True)
        return
    from rich.console import Console
    from rich.text import Text

    out = Console(highlight=False)
    for printed in hit_rows(result.hits, out):
        out.print(printed, soft_wrap=True)
    shown_note = f", first {len(result.hits):,} shown" if result.total > len(result.hits) else ""
    out.print(Text(f"{result.count_label} ({result.order_label}{shown_note})", style="dim"))


SEARCH_COLUMNS = (("Date", 17), ("Speaker", 20), ("Kind", 12))
"""The columns before the quote, each at most so wide (a longer speaker wraps, a date or a
kind is cut with an ellipsis)."""
QUOTE_MIN = 24
"""Below this many columns left for the quote, each hit is a block: its facts on one line,
the quote under them at the full width."""


def hit_rows(hits: Sequence[QuoteHit], console: Console) -> list[Text]:
    """The search results as lines of a table (date, speaker, kind, then the quote with its
    matches marked and the quote's id under it), every cell plain text.

    Drawn here rather than with ``rich.table``: the table's import and its measuring of every
    cell cost more than the search itself (``benchmarks/results.md``, the command line)."""
    from rich.text import Text

    from dossier.safetext import line

    rows: list[tuple[Text, ...]] = []
    for hit in hits:
        quote = hit.marked("bold reverse")
        quote.append(f"\n{line(hit.id)}", style="dim")
        rows.append((*(Text(line(v)) for v in (hit.date, hit.speaker, hit.kind)), quote))
    widths = [
        min(limit, max([len(title), *(r[i].cell_len for r in rows)]))
        for i, (title, limit) in enumerate(SEARCH_COLUMNS)
    ]
    gutter, width = 2, console.width
    left = width - sum(widths) - gutter * len(widths)
    out: list[Text] = []
    if left < QUOTE_MIN:  # narrow: a block per hit
        for date, speaker, kind, quote in rows:
            out.append(Text.assemble(date, " · ", speaker, " · ", kind, style="bold"))
            for wrapped in quote.wrap(console, width):
                wrapped.rstrip()
                out.append(wrapped)
            out.append(Text())
        return out
    header = [Text(title, style="bold") for title, _ in SEARCH_COLUMNS] + [
        Text("Quote", style="bold")
    ]
    for cells in (header, *rows):
        lines = [
            cell.wrap(console, w, overflow="ellipsis", no_wrap=i != 1)
            for i, (cell, w) in enumerate(zip(cells[:3], widths, strict=True))
        ]
        lines.append(cells[3].wrap(console, left))
        for n in range(max(len(c) for c in lines)):
            row = Text()
            for i, column in enumerate(lines):
                part = column[n].copy() if n < len(column) else Text()
                if i < len(widths):
                    part.pad_right(widths[i] - part.cell_len + gutter)
                row.append_text(part)
            row.rstrip()
            out.append(row)
    return out


def pins_list(
    db: Path | None = None,
    workset: str | None = None,
    author: str | None = None,
    *,
    mine: bool = False,
) -> None:
    """List pinned records in order, then annotated ones; orphans are marked, and whose each is
    when it is not yours."""
    reader = open_reader(db)
    store = workset_of(reader, workset, author)
    items = store.items(store.author if mine else None)
    known = reader.records([i.record for i in items])
    if not items:
        say("nothing pinned or annotated")
        return
    for item in items:
        where = f"{item.position:>3}." if item.position is not None else "  -"
        info = known.get(item.record)
        title = info[0] if info else f"ORPHANED (was: {item.title or 'unknown'})"
        note = (item.annotation or "").strip().splitlines()
        line = f"{where} {item.record}  {title}"
        if item.author and item.author != store.author:
            line += f"  ({item.author})"
        if note:
            first = note[0] if len(note[0]) <= 60 else note[0][:59].rstrip() + "…"
            line += f"  ✎ {first}"
        say(line)


def export(
    out: Path | None = None,
    force: bool = False,
    db: Path | None = None,
    person: Sequence[str] | None = None,
    since: str | None = None,
    fmt: str = "md",
    pinned: bool = False,
    *,
    progress: bool = False,
    quiet: bool = False,
    workset: str | None = None,
    author: str | None = None,
    as_of: str | None = None,
    changes_since: str | None = None,
) -> None:
    """Export a case brief in which every fact carries a footnote quoting its source; ``as_of``
    (a date or source id): the case as it stood then; ``changes_since``: a "what's new" brief."""
    import sqlite3

    from dossier import brief
    from dossier.progress import for_cli
    from dossier.store import QUICK_CHECK_BYTES, check_integrity
    from dossier.workset import WorkItem, open_workset

    if out is not None and str(out) == "-":
        out = None  # `--out -`: standard output, as with no --out
    kind = fmt.strip().lower()
    if kind not in ("md", "html", "ftm"):
        raise DossierError(
            f"--format {fmt!r}: not a format; use md or html (a brief), or ftm (FollowTheMoney)"
        )
    if as_of is not None or changes_since is not None:
        refused = [
            name
            for name, given in (
                ("--format ftm", kind == "ftm"),
                ("--pinned", pinned and changes_since is not None),
                ("--person", bool(person) and changes_since is not None),
                ("--since", since is not None and changes_since is not None),
            )
            if given
        ]
        if as_of is not None and changes_since is not None:
            raise DossierError("--as-of and --changes-since: give one or the other")
        if refused:
            what = "--as-of" if changes_since is None else "--changes-since"
            raise DossierError(f"{what}: cannot be combined with {refused[0]}")
    if changes_since is not None:
        export_changes(db, out, force, changes_since, kind)
        return
    if kind == "ftm":
        export_ftm(db, out, force, pinned=pinned, person=person, since=since)
        return
    window = brief.Since.parse(since) if since is not None else None
    cutoff = None
    if as_of is not None:
        reader, cutoff, home = open_as_of(db, as_of)
        check_out(out, force)
    else:
        reader = open_reader(db)
        home = reader.path
    path = reader.path
    try:  # every page, whatever the size: a damaged page must not give a wrong brief
        if cutoff is not None or path.stat().st_size > QUICK_CHECK_BYTES:
            check_integrity(path)  # a smaller dossier's pages were checked as it was opened
    except DossierError as exc:
        reader.close()
        raise DossierError(exc.message.replace(str(path), shown(path), 1)) from None
    check_out(out, force)
    try:
        pins: list[WorkItem] | None = None
        if pinned:  # the working set; nothing pinned is an error (exit 2)
            store = open_workset(home, workset, author)
            try:
                pins = store.pinned()
            finally:
                store.close()
            if not pins:
                raise brief.NothingPinnedError(label(store))
        render = brief.brief_html if kind == "html" else brief.brief_markdown
        with for_cli(progress, quiet) as reporter:
            reporter.phase(f"writing the {kind} brief")
            text = render(reader, persons=tuple(person or ()), since=window, pins=pins)
    except sqlite3.Error as exc:
        raise DossierError(f"{shown(path)}: cannot read the dossier ({exc})") from None
    except (AttributeError, KeyError, IndexError, TypeError, ValueError) as exc:
        # Data no build writes (a database made by hand, or damaged where no check looks).
        raise DossierError(
            f"{shown(path)}: the dossier holds data this program cannot read "
            f"({type(exc).__name__}: {exc}); rebuild it with `dossier build`"
        ) from None
    finally:
        reader.close()
    if deliver(text, out, force):
        what = "case brief from your pins" if pinned else "case brief"
        if cutoff is not None:
            what += f" as of {cutoff.label}"
        say(f"wrote {shown(out)}: {what}, {len(text.encode('utf-8')):,} bytes")


def open_as_of(db: Path | None, spec: str) -> tuple[Reader, Cutoff, Path]:
    """The dossier as it stood at ``spec`` (a date or a source id), built from its case file into
    a temporary folder removed at exit; the cutoff; and the dossier's own path (its pins)."""
    import atexit
    import shutil

    from dossier import asof, store
    from dossier.queries import Reader

    path, meta = dossier(db)
    reader = Reader(path, meta=meta)
    cutoff = asof.resolve(spec, asof.points_of(reader))
    if asof.is_whole(cutoff, asof.points_of(reader)):
        return reader, cutoff, path  # as of the newest source: the case now, no case file read
    reader.close()
    case = asof.case_of(path, meta)
    know = asof.Knowledge(case)
    cutoff = asof.resolve(spec, know.points)
    folder = asof.snapshot_folder()
    atexit.register(shutil.rmtree, folder, True)
    snap = asof.build_snapshot(case, cutoff, folder, know)
    return Reader(snap, meta=store.validate(snap)), cutoff, path


def export_changes(db: Path | None, out: Path | None, force: bool, spec: str, kind: str) -> None:
    """`export --changes-since`: what the sources published after a date or source add, as a
    Markdown (or HTML) "what's new" brief, each fact with its source."""
    from dossier import asof

    if kind not in ("md", "html"):
        raise DossierError(f"--changes-since: --format {kind} is not a brief; use md or html")
    path, meta = dossier(db)
    case = asof.case_of(path, meta)
    know = asof.Knowledge(case)
    cutoff = asof.resolve(spec, know.points, "--changes-since")
    check_out(out, force)
    changes = asof.changes_since(case, cutoff, know)
    text = asof.changes_markdown(changes, case.info.title)
    if kind == "html":
        from dossier.brief import markdown_to_html

        text = markdown_to_html(text, f"What changed since {cutoff.moment.when}")
    if deliver(text, out, force):
        say(
            f"wrote {shown(out)}: what changed since {cutoff.label}, "
            f"{len(changes.items)} facts, {len(text.encode('utf-8')):,} bytes"
        )


def export_ftm(
    db: Path | None,
    out: Path | None,
    force: bool,
    *,
    pinned: bool,
    person: Sequence[str] | None,
    since: str | None,
) -> None:
    """`export --format ftm`: the whole dossier as FollowTheMoney entities, one a line."""
    import sqlite3

    from dossier import ftm

    narrowed = [
        name
        for name, given in (("--pinned", pinned), ("--person", person), ("--since", since))
        if given
    ]
    if narrowed:
        raise DossierError(
            f"--format ftm exports the whole dossier; {', '.join(narrowed)} "
            "narrow the brief only (use md or html)"
        )
    path, _ = dossier(db)
    check_out(out, force)
    try:
        lines = list(ftm.export_lines(path))
    except sqlite3.Error as exc:
        raise DossierError(f"{shown(path)}: cannot read the dossier ({exc})") from None
    text = "".join(lines)
    if deliver(text, out, force):
        say(f"wrote {shown(out)}: {len(lines):,} FollowTheMoney entities")


def check_out(out: Path | None, force: bool) -> None:
    """Refuse, before any work, an ``--out`` that cannot be written or would be replaced
    without ``--force``."""
    from dossier import files

    if out is not None:
        files.check_target(out)
        if out.exists() and not force:
            raise DossierError(f"{out}: already exists; use --force to replace it")


def deliver(text: str, out: Path | None, force: bool) -> bool:
    """Write ``text`` to standard output (``out`` None) or atomically to ``out``; True when a
    file was written. A closed pipe (`dossier export | head`) is not an error: the reader has
    seen enough."""
    from dossier import files

    if out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return False
    try:
        files.write_atomic(out, text, force=force)
    except files.TargetExistsError:
        raise DossierError(f"{out}: already exists; use --force to replace it") from None
    return True
