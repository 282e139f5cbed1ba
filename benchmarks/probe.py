"""One measurement in a process of its own; ``run.py`` starts these and reads their JSON reports.

    probe.py start-baseline REPORT          a minimal Textual app (one label), to its first paint
    probe.py start-skeleton REPORT          the same widgets as the app's first screen, empty
    probe.py start-dossier REPORT DB        ``dossier open DB`` through the console script's own
                                            entry point, to the first paint with rows
    probe.py session REPORT DB QUERIES REPS the app on DB, driven headless: the Quotes pane, a jump
                                            to its last row, searches; peak memory
    probe.py session-baseline REPORT        the minimal app driven the same way; peak memory
    probe.py build REPORT QUOTES RUNS WORK  build of a synthetic dossier against a bare executemany
    probe.py export REPORT DB RUNS          the case brief of DB
    probe.py preview REPORT DB              the app on DB: ``e`` to the brief preview's first
                                            screenful; then ``p``/``w`` switches (pins first made)
    probe.py filters REPORT DB CASES        the app on DB: the Quotes pane's first rows, then each
                                            filter or sort of CASES to its first rows on screen

Start-up probes run the real program headless (``TEXTUAL_DRIVER`` names Textual's headless
driver, ``COLUMNS``/``LINES`` its size) and leave as soon as a frame with rows (or the label) has
been composed: the time written is ``time.monotonic()``, the clock the parent read before it
started this process. Nothing here changes what the app does; the hooks only watch it paint.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

HERE = Path(__file__).resolve().parent
HEAVY = ("sqlmodel", "sqlalchemy", "pydantic", "typer", "click", "pyarrow", "markdown_it")
"""Packages that must stay off the path to the first screen (reported when imported)."""


def peak_rss_mib() -> float:
    """The process's peak resident set size (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_report(path: str, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data))


# ---------------------------------------------------------------------------------------------------
# Watching the app paint


class Watch:
    """Calls back after every compositor refresh (a frame composed for the terminal), and records
    which rows of which record tables were drawn."""

    def __init__(self) -> None:
        self.rows: dict[str, set[int]] = {}
        self.waiters: list[tuple[Callable[[], bool], Any]] = []
        self.on_frame: Callable[[], None] | None = None

    def install(self, *, tables: bool = True) -> None:
        from textual.screen import Screen

        refresh = Screen._compositor_refresh
        watch = self

        def compositor_refresh(screen: Any) -> None:
            refresh(screen)
            watch.frame()

        Screen._compositor_refresh = compositor_refresh  # type: ignore[method-assign]
        if not tables:
            return
        from dossier.ui.widgets.record_table import RecordTable

        render_line = RecordTable.render_line

        def drawn(table: Any, y: int) -> Any:
            strip = render_line(table, y)
            if y > 0 and table.total:
                pos = round(table.scroll_y) + y - 1
                if table.row_at(pos) is not None:
                    watch.rows.setdefault(table.pane, set()).add(pos)
            return strip

        RecordTable.render_line = drawn  # type: ignore[method-assign]

    def frame(self) -> None:
        now = time.perf_counter()
        if self.on_frame is not None:
            self.on_frame()
        for waiter in list(self.waiters):
            test, future = waiter
            if not future.done() and test():
                future.set_result(now)
                self.waiters.remove(waiter)

    def expect(self, test: Callable[[], bool]) -> Any:
        """A future set to the ``perf_counter`` of the first frame after which ``test()`` holds;
        ask for it before doing what should lead to that frame."""
        import asyncio

        future = asyncio.get_running_loop().create_future()
        self.waiters.append((test, future))
        return future

    async def until(self, test: Callable[[], bool], timeout: float = 60.0) -> float:
        import asyncio

        return float(await asyncio.wait_for(self.expect(test), timeout))

    @staticmethod
    async def wait(future: Any, timeout: float = 60.0) -> float:
        import asyncio

        return float(await asyncio.wait_for(future, timeout))


# ---------------------------------------------------------------------------------------------------
# Start-up


def run_until_drawn(report: str, watch: Watch, app: Any, drawn: dict[str, bool]) -> None:
    """Run ``app`` and quit it at the end of the first frame after ``drawn["drawn"]`` was set,
    reporting when that frame was painted."""

    def frame() -> None:
        if drawn["drawn"] and watch.on_frame is not None:
            watch.on_frame = None
            write_report(report, {"painted": time.monotonic()})
            app.exit()

    watch.on_frame = frame
    app.run()


def start_baseline(report: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    watch = Watch()
    watch.install(tables=False)
    drawn = {"drawn": False}

    class Shown(Label):
        def render(self) -> Any:
            drawn["drawn"] = True
            return super().render()

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Shown("dossier")

    run_until_drawn(report, watch, Minimal(), drawn)


def start_skeleton(report: str) -> None:
    """The widgets the app's first screen is made of, with no database and no stylesheet of its
    own: a top line, eight tabs with a table-sized text each, a footer of nine keys. The floor
    that Textual sets for a first screen of this shape, to read the app's own cost against."""
    from textual.app import App, ComposeResult
    from textual.binding import Binding, BindingType
    from textual.widgets import Footer, Static, TabbedContent, TabPane

    watch = Watch()
    watch.install(tables=False)
    drawn = {"drawn": False}
    rows = "\n".join(f"row {i}  2025-11-0{i % 9 + 1}  some cells of text" for i in range(30))

    class Rows(Static):
        def render(self) -> Any:
            drawn["drawn"] = True
            return super().render()

    class Skeleton(App[None]):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding(k, "bell", d) for k, d in zip("/?eprnaqx", "abcdefghi", strict=True)
        ]

        def compose(self) -> ComposeResult:
            yield Static("Case title, as of a date")
            with TabbedContent():
                for i in range(8):
                    with TabPane(f"{i + 1} Pane {i}"):
                        yield Rows(rows)
            yield Footer()

    run_until_drawn(report, watch, Skeleton(), drawn)


def start_dossier(report: str, db: str, entry: str = "dossier.cli:main") -> None:
    """``dossier open DB`` through ``entry``, the console script's ``module:function`` (the
    parent reads it from pyproject.toml: importlib.metadata would cost this process time)."""
    watch = Watch()
    from dossier.ui import launch  # what the entry point imports before the app

    read_early = getattr(launch, "read_early", None)
    if read_early is None:
        watch.install()
    else:
        # The app starts reading the dossier before it imports Textual: the watch (which
        # imports Textual) is installed just after, in the same order.
        def read_then_watch(*args: Any, **kwargs: Any) -> Any:
            future = read_early(*args, **kwargs)
            watch.install()
            return future

        launch.read_early = read_then_watch  # type: ignore[attr-defined]

    def frame() -> None:
        if watch.rows and watch.on_frame is not None:
            watch.on_frame = None
            painted = time.monotonic()
            heavy = sorted({m.split(".")[0] for m in sys.modules} & set(HEAVY))
            write_report(report, {"painted": painted, "heavy": heavy})
            from textual._context import active_app

            active_app.get().exit()

    watch.on_frame = frame
    import importlib

    module, function = entry.split(":")
    main = getattr(importlib.import_module(module), function)
    sys.argv = ["dossier", "open", db]
    main()


# ---------------------------------------------------------------------------------------------------
# A session: panes, search, memory


async def _session(db: Path, queries: list[str], reps: int, typed: bool) -> dict[str, Any]:
    import sqlite3

    from textual.widgets import Input

    from dossier.search import parse
    from dossier.ui.app import DossierApp
    from dossier.ui.screens.search import SearchScreen

    watch = Watch()
    watch.install()
    out: dict[str, Any] = {}
    # As the console script opens it: no garbage collection until the first frame, then what
    # is alive frozen (dossier.ui.launch.resume_collection), where this tree does so.
    from dossier.ui import launch

    try:  # the frame timer as the console script has it, where this tree fixes it
        from dossier.ui import frames

        frames.install()
    except ImportError:
        pass
    resume = getattr(launch, "resume_collection", None)
    if resume is not None:
        import gc

        gc.disable()
        app = DossierApp(db, started=resume)
    else:
        app = DossierApp(db)
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        out["first_rows"] = await watch.until(lambda: bool(watch.rows.get("overview"))) - started
        await pilot.pause()

        # The Quotes pane: first rows, then the last row.
        watch.rows.pop("quotes", None)
        shown_rows = watch.expect(lambda: bool(watch.rows.get("quotes")))
        t0 = time.perf_counter()
        await pilot.press("6")
        out["pane_first_rows"] = await watch.wait(shown_rows) - t0
        await pilot.pause()
        table = app.pane("quotes").table
        last = table.total - 1
        shown_last = watch.expect(lambda: last in watch.rows["quotes"])
        t0 = time.perf_counter()
        await pilot.press("G")
        out["pane_jump_last"] = await watch.wait(shown_last) - t0
        out["pane_rows"] = table.total
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        t0 = time.perf_counter()
        conn.execute("SELECT count(*) FROM quote").fetchone()
        out["count_query"] = time.perf_counter() - t0
        await pilot.pause()

        # Search as you type.
        await pilot.press("slash")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        box = screen.query_one(Input)

        def shown(text: str) -> Callable[[], bool]:
            return lambda: screen.result is not None and screen.result.query == text

        async def show(text: str) -> float:
            if box.value == text:  # nothing changes, nothing to wait for
                return 0.0
            future = watch.expect(shown(text))
            t0 = time.perf_counter()
            box.value = text
            return await watch.wait(future) - t0

        search: dict[str, Any] = {}
        for query in queries:
            expression = parse(query).expression
            ui, bare, hits = [], [], 0
            for _ in range(reps):
                await show("")
                await pilot.pause()
                ui.append(await show(query))
                result = screen.result
                hits = (result.total, result.capped) if result else (0, False)
                if result is not None and result.expression:
                    expression = result.expression  # what the app searched (speakers by key)
                t0 = time.perf_counter()
                conn.execute(
                    "SELECT rowid FROM quote_fts WHERE quote_fts MATCH ? ORDER BY rank LIMIT 50",
                    (expression,),
                ).fetchall()
                bare.append(time.perf_counter() - t0)
            full = conn.execute(
                "SELECT count(*) FROM quote_fts WHERE quote_fts MATCH ?", (expression,)
            ).fetchone()[0]
            keys: list[float] = []
            if typed:
                await show("")
                await pilot.pause()
                for i in range(1, len(query) + 1):
                    keys.append(await show(query[:i]))
            search[query] = {
                "ui": ui,
                "bare": bare,
                "expression": expression,
                "matches": full,
                "shown": hits,
                "keys": keys,
            }
        out["search"] = search
        conn.close()
        await pilot.press("escape")
        await pilot.pause()
    out["peak_rss_mib"] = peak_rss_mib()
    return out


def session(report: str, db: str, queries: str, reps: str, typed: str = "1") -> None:
    import asyncio

    from dossier import entry

    fps = getattr(entry, "APP_FPS", None)  # as the console script opens the app (before Textual)
    if fps is not None:
        os.environ.setdefault("TEXTUAL_FPS", fps)
    result = asyncio.run(_session(Path(db), json.loads(queries), int(reps), typed == "1"))
    write_report(report, result)


def session_baseline(report: str) -> None:
    import asyncio

    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("dossier")

    async def run() -> None:
        app = Minimal()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("tab")
            await pilot.pause()

    asyncio.run(run())
    write_report(report, {"peak_rss_mib": peak_rss_mib()})


# ---------------------------------------------------------------------------------------------------
# The brief preview


def preview(report: str, db: str) -> None:
    import asyncio

    result = asyncio.run(_preview(Path(db)))
    write_report(report, result)


async def _preview(db: Path) -> dict[str, Any]:
    import sqlite3

    from dossier.ui.app import DossierApp
    from dossier.ui.screens.export import BriefPreview, ExportScreen
    from dossier.workset import Workset, path_beside

    # Three pinned records (not timed), for the brief from pins.
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    picked = conn.execute(
        "SELECT id, title, kind FROM record WHERE kind IN ('person', 'charge') ORDER BY id LIMIT 3"
    ).fetchall()
    conn.close()
    workset = Workset(path_beside(db))
    for record, title, kind in picked:
        if record not in workset.pinned_ids():
            workset.pin(record, title, kind)
    workset.close()

    watch = Watch()
    watch.install(tables=False)
    out: dict[str, Any] = {}
    app = DossierApp(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await watch.until(lambda: app.case_ready.is_set())
        await app.workers.wait_for_complete()
        await pilot.pause()

        def shown(pinned: bool, *, whole: bool = False) -> Callable[[], bool]:
            """The preview draws the brief (its top: the first screenful), or (``whole``) the
            whole brief is there."""

            def test() -> bool:
                screen = app.screen
                if not isinstance(screen, ExportScreen) or screen.pinned != pinned:
                    return False
                views = screen.query("#export-preview")  # none until composed
                if not views or views.first().loading:
                    return False
                if whole:
                    return screen.text is not None
                return bool(views.first(BriefPreview).source)

            return test

        async def timed(key: str, pinned: bool) -> tuple[float, float]:
            first = watch.expect(shown(pinned))
            complete = watch.expect(shown(pinned, whole=True))
            t0 = time.perf_counter()
            await pilot.press(key)
            took = await watch.wait(first, timeout=600) - t0
            done = await watch.wait(complete, timeout=600) - t0
            await app.workers.wait_for_complete()
            await pilot.pause()
            return took, done

        out["first"], out["complete"] = await timed("e", False)
        out["to_pins"], _ = await timed("p", True)  # the brief from pins, made the first time
        out["to_whole"], _ = await timed("w", False)  # back: nothing changed
        out["to_pins_again"], _ = await timed("p", True)
        await pilot.press("escape")
        await pilot.pause()
    return out


# ---------------------------------------------------------------------------------------------------
# Build and export


def build(report: str, quotes: str, runs: str, work: str) -> None:
    """Generate once (not timed); then, ``runs`` times side by side: the build (provenance check,
    compile, write) and a bare ``executemany`` of the same rows into the same tables."""
    import contextlib
    import gc
    import sqlite3

    sys.path.insert(0, str(HERE))
    import generate

    synthetic = generate.generate(generate.Spec(int(quotes)))
    folder = Path(work)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"build-{quotes}.db"
    base = folder / f"bare-{quotes}.db"
    builds: list[dict[str, float]] = []
    bares: list[float] = []
    tables: list[tuple[str, list[tuple[Any, ...]]]] | None = None
    ddl: list[str] = []
    records = len(synthetic.records)
    for _ in range(int(runs)):
        gc.collect()
        builds.append(generate.build(synthetic, out))
        if tables is None:  # the same rows, as tuples in column order; the same tables
            tables, ddl = _bare_rows(synthetic, out)
        gc.collect()
        with contextlib.suppress(FileNotFoundError):
            base.unlink()
        t0 = time.perf_counter()
        conn = sqlite3.connect(base, isolation_level=None)
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        for statement in ddl:
            conn.execute(statement)
        conn.execute("BEGIN")
        for table, rows in tables:
            marks = ",".join("?" * len(rows[0]))
            conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', rows)
        for index in REBUILT:
            if any(f"TABLE {index} " in statement for statement in ddl):
                conn.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        conn.execute("COMMIT")
        conn.close()
        bares.append(time.perf_counter() - t0)
    size = out.stat().st_size
    out.unlink()
    base.unlink()
    write_report(
        report,
        {"records": records, "build": builds, "bare": bares, "db_bytes": size},
    )


REBUILT = ("quote_fts", "speaker_fts")
"""The external-content indexes the bare baseline fills with 'rebuild', as the build does (the
records' index is filled by inserting its rows)."""


def _bare_rows(
    synthetic: Any, built: Path
) -> tuple[list[tuple[str, list[tuple[Any, ...]]]], list[str]]:
    """The rows the build wrote, read back as tuples (so no build code shapes them), and the
    schema's tables, indexes and FTS tables (not their shadow tables, not triggers)."""
    import sqlite3

    conn = sqlite3.connect(built)
    ddl = []
    names = []
    for kind, name, sql in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
    ):
        if kind not in ("table", "index") or name.startswith("sqlite_"):
            continue
        if any(name.startswith(f"{fts}_") for fts in ("quote_fts", "record_fts", "speaker_fts")):
            continue
        ddl.append(sql)
        if kind == "table" and name not in REBUILT:
            names.append(name)
    tables = []
    for name in names:
        rows = conn.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        if rows:
            tables.append((name, rows))
    conn.close()
    return tables, ddl


def export(report: str, db: str, runs: str) -> None:
    from dossier.brief import brief_markdown
    from dossier.queries import Reader

    times: list[float] = []
    size = 0
    for _ in range(int(runs)):
        reader = Reader(Path(db))
        t0 = time.perf_counter()
        text = brief_markdown(reader)
        times.append(time.perf_counter() - t0)
        reader.close()
        size = len(text.encode())
    records = int(Reader(Path(db)).meta.get("records", "0"))
    write_report(
        report, {"export": times, "bytes": size, "records": records, "peak_rss_mib": peak_rss_mib()}
    )


# ---------------------------------------------------------------------------------------------------
# Filter and sort a pane


async def _filters(db: Path, cases: list[list[Any]]) -> dict[str, Any]:
    """The Quotes pane (key 6) to its first rows, unfiltered: the baseline; then, for each
    ``[pane, filter, sort]`` case, from setting the pane's filter (or pressing s) to the frame that
    shows the first rows of that view; and the same view read bare through the Reader."""
    from textual.widgets import Input

    from dossier.filtering import Filter
    from dossier.queries import PAGE_ROWS, Reader
    from dossier.ui.app import DossierApp
    from dossier.views import View

    keys = {"overview": "1", "people": "2", "sources": "7", "quotes": "6"}
    watch = Watch()
    watch.install()
    out: dict[str, Any] = {"cases": []}
    app = DossierApp(db)
    reader = Reader(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await watch.until(lambda: bool(watch.rows.get("overview")))
        await pilot.pause()
        watch.rows.pop("quotes", None)
        shown_rows = watch.expect(lambda: bool(watch.rows.get("quotes")))
        t0 = time.perf_counter()
        await pilot.press("6")
        out["unfiltered_first_rows"] = await watch.wait(shown_rows) - t0
        await pilot.pause()
        for pane, text, sort in cases:
            await pilot.press(keys[pane])
            await pilot.pause()
            listpane = app.pane(pane)
            table = listpane.table
            view = View(Filter(text), sort)

            def ready(listpane: Any = listpane, view: View = view) -> bool:
                loaded = listpane.loaded_view
                return (
                    loaded is not None
                    and loaded.filter.text == view.filter.text
                    and loaded.sort == view.sort
                    and (listpane.shown == 0 or listpane.table.row_at(0) is not None)
                )

            if sort is None:
                await pilot.press("f")  # the filter box opens: then the words are typed
                await pilot.pause()
            table.column = sort or 0
            future = watch.expect(ready)
            t0 = time.perf_counter()
            if sort is not None:
                table.action_sort()  # what s does
            else:
                listpane.query_one(Input).value = text
            ui = await watch.wait(future) - t0
            t0 = time.perf_counter()
            total = reader.view_count(pane, view)
            reader.view_page(pane, view, 0, PAGE_ROWS)
            bare = time.perf_counter() - t0
            out["cases"].append({"pane": pane, "filter": text, "sort": sort, "ui": ui,
                                 "bare": bare, "rows": total})  # fmt: skip
            # Back to the pane's own rows for the next case.
            if sort is not None:
                await pilot.press("s", "s")
            else:
                await pilot.press("escape")
            for _ in range(1000):
                await pilot.pause(0.01)
                loaded = listpane.loaded_view
                if not listpane.view.active and loaded is not None and not loaded.active:
                    break
    reader.close()
    return out


def filters(report: str, db: str, cases: str) -> None:
    import asyncio

    write_report(report, asyncio.run(_filters(Path(db), json.loads(cases))))


COMMANDS: dict[str, Callable[..., None]] = {
    "start-baseline": start_baseline,
    "start-dossier": start_dossier,
    "start-skeleton": start_skeleton,
    "session": session,
    "session-baseline": session_baseline,
    "build": build,
    "export": export,
    "preview": preview,
    "filters": filters,
}

if __name__ == "__main__":
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    COMMANDS[sys.argv[1]](*sys.argv[2:])
