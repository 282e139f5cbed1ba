"""The dossier app: tabbed panes of records, linked to each other, every fact with its evidence."""

from __future__ import annotations

import asyncio
import contextlib
import os
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from dossier import store
from dossier.errors import DossierError, read_failure
from dossier.queries import (
    PANE_TITLES,
    Opening,
    Place,
    Reader,
    RecordDetail,
    RecordHit,
    RowData,
    SourceText,
    read_opening,
)
from dossier.safetext import line, safe
from dossier.schema import PANES
from dossier.ui.commands import RecordCommands, RecordFinder
from dossier.ui.messages import (
    AnnotateRequested,
    AnnotationNotSaved,
    BuildFinished,
    CaseLoaded,
    Copied,
    EarlyReadFailed,
    GoTo,
    MarksChanged,
    MarksLoaded,
    OpenInSource,
    PinRequested,
    PlaceFound,
    WorkerFailed,
    WorksetChanged,
)
from dossier.ui.widgets.detail import EvidenceList, FieldList, LinkList
from dossier.ui.widgets.footer import FittingFooter
from dossier.ui.widgets.panes import CaseSummary, DetailReader, ListPane, ViewReader
from dossier.ui.widgets.record_table import Loader, RecordTable
from dossier.views import pinned_rows_for, rows_for
from dossier.workset import (
    AnnotationConflict,
    SqlWorkset,
    Workset,
    WorksetError,
    is_team_url,
    open_workset,
    path_beside,
    pinned_rows,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from dossier.asof import Changes, Knowledge, Moment
    from dossier.casefile import Case

HISTORY_LIMIT = 200
REBUILD_POLL = 2.0
"""Seconds between looks at the dossier's file identity (inode, mtime, size) for a rebuild."""
STARTED_AT_THE_LATEST = 3.0
"""Seconds after mounting when ``started`` is called even if the case has not been shown (a
slow disk, an error being reported)."""
APP_PANES = (*PANES, "pinned")
"""The tabs, in key order: the dossier's panes (1–7), then the user's pinned records (8)."""
PaneLoad = tuple[Loader, DetailReader, int, int, "list[RowData] | None", "ViewReader | None"]
"""A pane's rows (loader, detail reader, row count, cursor, first page), kept until it is shown."""
NARROW_TABS = 96
"""Below this width the tabs drop their numbers so that all eight fit."""


def read_detail(
    reader: Reader, workset: SqlWorkset | None, record: str
) -> tuple[RecordDetail | None, SourceText | None, str | None]:
    """What a pane's detail panel shows for ``record`` (see :data:`~.panes.DetailReader`)."""
    detail = reader.detail(record)
    source = reader.source_text(record) if detail and detail.kind == "source" else None
    annotation = workset.annotation(record) if workset is not None else None
    return detail, source, annotation


class AsOfState:
    """The case's points in time (its sources, read from the dossier), which one is shown
    (``index`` None: now), the case file when a snapshot needs it, and where snapshots go."""

    def __init__(self, points: tuple[Moment, ...]) -> None:
        self.points = points
        self.index: int | None = None
        self.case: Case | None = None
        self.knowledge: Knowledge | None = None
        self._folder: Path | None = None
        self.readers: list[Reader] = []
        """Readers shown before, closed at exit."""

    def known(self, db: Path, meta: dict[str, str]) -> tuple[Case, Knowledge]:
        """The case file (read once: at a million records it is the slow part)."""
        if self.case is None or self.knowledge is None:
            from dossier import asof

            self.case = asof.case_of(db, meta)
            self.knowledge = asof.Knowledge(self.case)
        return self.case, self.knowledge

    @property
    def folder(self) -> Path:
        if self._folder is None:
            from dossier.asof import snapshot_folder

            self._folder = snapshot_folder()
        return self._folder

    def remove(self) -> None:
        for reader in self.readers:
            reader.close()
        if self._folder is not None:
            import shutil

            shutil.rmtree(self._folder, ignore_errors=True)


class CaseBar(Static):
    """The top line: the case title, and the as-of date of its newest source."""

    _title = ""
    _as_of = ""
    _workset = ""

    def show(self, title: str, as_of: str, workset: str = "") -> None:
        """``workset``: the team working set in use (its URL without the password), if any."""
        self._title, self._as_of, self._workset = title, as_of, workset
        self.refresh()

    def render(self) -> Text:
        title, as_of, workset = self._title, self._as_of, self._workset
        width = max(self.size.width, 20)
        right = f"as of {as_of} " if as_of else ""
        if workset:
            room = max(width // 2 - len(right) - 3, 12)
            shown = workset if len(workset) <= room else workset[: room - 1] + "…"
            right = f"{shown} · {right}"
        room = max(width - len(right) - 3, 8)
        left = title if len(title) <= room else title[: room - 1] + "…"
        bar = Text(" ")
        bar.append(line(left), style="bold")
        bar.append(" " * max(width - len(left) - len(right) - 1, 1))
        bar.append(line(right))
        return bar


class MainScreen(Screen[None]):
    """The panes' screen. The Overview's table has the focus from the first frame: Textual's
    default focused the tabs first, and moving it to the table once the case was read restyled
    every tab on the first frame's path."""

    AUTO_FOCUS = "#table-overview"


class DossierApp(App[None]):
    """Open one dossier. With ``build_from``, (re)build it from that case file first."""

    CSS_PATH = Path(__file__).with_name("app.tcss")
    """Absolute: Textual reads a relative path beside the file of the class in use, so a subclass
    defined elsewhere (a test's, a plugin's) would not find it."""
    TITLE = "dossier"
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (declared as a mutable ClassVar by Textual)
        (0, "-narrow"),
        (140, "-wide"),
    ]
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, #status"

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                str(n), f"show_pane('{pane}')", PANE_TITLES[pane], show=False, id=f"pane.{pane}"
            )
            for n, pane in enumerate(APP_PANES, start=1)
        ),
        Binding(
            "escape,backspace",
            "go_back",
            "Back",
            tooltip="Back: from a record's links to its table, then through your history",
            id="app.back",
        ),
        Binding("p", "pin", "Pin", tooltip="Pin or unpin the selected record", id="app.pin"),
        Binding(
            "a",
            "annotate",
            "Note",
            tooltip="Write a private annotation on the selected record",
            id="app.annotate",
        ),
        Binding(
            "m",
            "toggle_mine",
            "Mine/all",
            tooltip="Pinned pane: show only your pins and notes, or everyone's",
            id="app.pin_mine",
        ),
        Binding(
            "shift+up",
            "move_pin(-1)",
            "Up",
            key_display="⇧↑",
            tooltip="Move the pin up (Pinned pane)",
            id="app.pin_up",
        ),
        Binding(
            "shift+down",
            "move_pin(1)",
            "Down",
            key_display="⇧↓",
            tooltip="Move the pin down (Pinned pane)",
            id="app.pin_down",
        ),
        Binding(
            "y",
            "copy(False)",
            "Copy",
            tooltip="Copy the selected record, field, quote or evidence span with its citation",
            id="app.copy",
        ),
        Binding(
            "Y",
            "copy(True)",
            "Copy Markdown",
            show=False,
            tooltip="The same as Markdown, with a footnote quoting the source",
            id="app.copy_markdown",
        ),
        Binding(
            "o",
            "open_evidence",
            "In source",
            show=False,
            tooltip="Show the evidence span (the selected one, else the first) in its source, "
            "highlighted, in the Sources pane",
            id="app.open_evidence",
        ),
        Binding(
            "z",
            "maximize_detail",
            "Zoom",
            show=False,
            tooltip="The detail on the whole screen, or back (Esc also restores)",
            id="app.zoom",
        ),
        Binding(
            "left_square_bracket",
            "step_as_of(-1)",
            "Earlier",
            tooltip="The case as of the source before (by publication date)",
            id="app.asof.back",
            show=False,
        ),
        Binding(
            "right_square_bracket",
            "step_as_of(1)",
            "Later",
            tooltip="The case as of the next source; past the newest, the case now",
            id="app.asof.forward",
            show=False,
        ),
        Binding(
            "c",
            "changes",
            "Changes",
            tooltip="What changed since the date shown (now: since the source before the newest)",
            id="app.changes",
            show=False,
        ),
        Binding("slash", "search", "Search", tooltip="Search the quotes", id="app.search"),
        Binding("e", "export", "Brief", tooltip="Preview and save the case brief", id="app.export"),
        Binding(
            "t",
            "timeline",
            "Timeline",
            show=False,  # in the help (?) and the README: the footer is full at 80 columns
            tooltip="The case over time, as a chart",
            id="app.timeline",
        ),
        Binding("question_mark", "help", "Help", tooltip="Every key", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(
        self,
        db: Path,
        *,
        meta: dict[str, str] | None = None,
        build_from: Path | None = None,
        build_reason: str = "",
        early: Future[tuple[Reader, Opening]] | None = None,
        workset: str | None = None,
        author: str | None = None,
        started: Callable[[], None] | None = None,
    ) -> None:
        """``early``: the reader and first screen's data, read before the app started (see
        :func:`dossier.ui.launch.read_early`), or still being read. ``workset``: a team's
        ``postgresql://`` URL or a working-set file (else ``DOSSIER_WORKSET``, else the file
        beside the dossier); ``author``: whose pins and notes (``--as``). ``started``: called
        once, after the first frame that shows the case, or as a build begins, or
        :data:`STARTED_AT_THE_LATEST` seconds after mounting, whichever comes first (the console
        script resumes garbage collection then: see :func:`dossier.ui.launch.resume_collection`)."""
        super().__init__()
        self._started = started
        self._workset_spec = workset
        self._author = author
        self.pinned_author: str | None = None
        """Whose pins the Pinned pane shows: everyone's (None), or one author's."""
        self.versions: dict[str, int] = {}
        self._early = early
        self.db = db
        self.meta = meta
        self.build_from = build_from
        self.build_reason = build_reason
        self.reader: Reader | None = None
        self.workset: SqlWorkset | None = None
        self.annotations: dict[str, str] = {}
        self.marks: dict[str, str] = {}
        """Record id → ★ (pinned) and/or ✎ (annotated)."""
        """Record id → the user's annotation, read with the marks."""
        self.history: list[tuple[str, int]] = []
        self.error_message: str | None = None
        self._identity: store.Identity | None = None
        self._pending_place: PlaceFound | None = None
        self._span: tuple[str, int, int] | None = None
        """A cited span being opened in the Sources pane (``o``)."""
        self._loaded = False
        self._numbered = True
        """Whether the tabs show their numbers (as composed); see on_resize."""
        self._panes: dict[str, ListPane] = {}
        """The panes mounted so far: the Overview, then each other pane when first shown."""
        self._pane_loads: dict[str, PaneLoad] = {}
        """What a pane not yet mounted shows when it is (see _load_pane)."""
        self.case_ready = asyncio.Event()
        """Set once the case is read: the palette waits for it when opened during a first build."""
        self.as_of: AsOfState | None = None
        """The case as of a source (stepped with [ and ]), read from its case file when first
        asked; ``as_of.index`` None: now."""
        self._old_as_of: list[AsOfState] = []
        self._record_commands = RecordCommands.bound(
            RecordFinder(self._find_records, self.case_ready)
        )
        """The palette's provider of records, bound to this app's dossier."""

    # -- layout ---------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        # Born with its width's class (-narrow, -wide): added at the first resize instead, it
        # restyled every widget on the first frame's path (a later resize still sets it).
        width = self.size.width
        breakpoints = sorted(self.HORIZONTAL_BREAKPOINTS or [], reverse=True)
        classes = next((name for at, name in breakpoints if width >= at), "")
        return MainScreen(id="_default", classes=classes)

    def compose(self) -> ComposeResult:
        yield CaseBar(id="case-bar")
        with TabbedContent(id="panes", initial="overview"):
            for number, pane in enumerate(APP_PANES, start=1):
                with TabPane(f"{number} {PANE_TITLES[pane]}", id=pane):
                    if pane == "overview":  # the others are mounted when first shown
                        overview = ListPane(pane, top=CaseSummary(id="case-summary"))
                        self._panes[pane] = overview
                        yield overview
        yield Static(id="status", classes="status")
        yield FittingFooter(compact=True)

    def _start_done(self) -> None:
        started, self._started = self._started, None
        if started is not None:
            started()

    def on_mount(self) -> None:
        self.query_one(CaseBar).show(self.db.stem, "…")
        if self._started is not None:
            self.set_timer(STARTED_AT_THE_LATEST, self._start_done)
        if self.build_from is not None:
            self._start_done()
            self._status(f"Building the dossier ({self.build_reason})…")
            self._build(self.build_from)
        else:
            self._open()

    def on_resize(self) -> None:
        numbered = self.size.width >= NARROW_TABS
        if numbered == self._numbered:
            return  # a relabelled tab is laid out again: only when the width crosses the line
        self._numbered = numbered
        tabs = self.query_one(TabbedContent)
        for number, pane in enumerate(APP_PANES, start=1):
            title = PANE_TITLES[pane]
            tabs.get_tab(pane).label = f"{number} {title}" if numbered else title

    def _status(self, text: str | None) -> None:
        status = self.query_one("#status", Static)
        status.display = bool(text)
        status.update(Text(line(text or ""), style="bold"))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notification is plain text: the messages carry titles and errors from the data,
        which must never be read as markup nor reach the terminal as control characters."""
        super().notify(
            safe(message), title=line(title), severity=severity, timeout=timeout, markup=False
        )

    # -- opening --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="build")
    def _build(self, case_path: Path) -> None:
        from dossier import build
        from dossier.progress import StatusProgress

        said = f"Building the dossier ({self.build_reason})"
        progress = StatusProgress(self._status_from_thread, said)
        try:
            build.build(case_path, self.db, progress=progress)
        except DossierError as exc:
            try:
                store.validate(self.db)
                previous_ok = True
            except DossierError:
                previous_ok = False
            self.post_message(BuildFinished(exc.message, previous_ok))
        else:
            self.post_message(BuildFinished(None))

    def _status_from_thread(self, text: str) -> None:
        """The status line, from a worker thread (the build's progress); nothing once closing."""
        if self.is_running:
            with contextlib.suppress(RuntimeError):
                self.call_from_thread(self._status, text)

    @on(BuildFinished)
    def _built(self, event: BuildFinished) -> None:
        if event.error is not None:
            if event.previous_ok:
                # The last good build is still there: show it, and say why it is not new.
                self._status(None)
                self.notify(
                    f"{event.error}. Showing the last good build; fix the case file and reopen.",
                    title="The case file did not build",
                    severity="error",
                    timeout=30,
                )
                self._open()
                return
            self.error_message = event.error
            self.exit(return_code=2)
            return
        self._status(None)
        self.notify(
            f"Built {self.db.name} from {self.build_from.name if self.build_from else ''}.",
            timeout=3,
        )
        self._open()

    def _open(self) -> None:
        early, self._early = self._early, None
        if early is None or (early.done() and early.exception() is not None):
            if self._open_reader():
                self._open_workset()
                self._load_case()
            return
        self._open_workset()
        if early.done():  # read before the app started: the first frame has rows
            self.reader, opening = early.result()
            self._case_loaded(CaseLoaded(opening.overview, opening.first_pages))
        else:
            self._load_case(early)

    def _open_reader(self) -> bool:
        """Open the dossier for reading; a failure stops the app with its one-line error."""
        try:
            self.reader = Reader(self.db, meta=self.meta or store.validate(self.db))
        except DossierError as exc:
            self.error_message = exc.message
            self.exit(return_code=2)
            return False
        return True

    @on(EarlyReadFailed)
    def _read_again(self) -> None:
        """The early read failed after the app had started: read on the usual path, where a
        failure is reported as usual (the pins are open already)."""
        if self._open_reader():
            self._load_case()

    def _open_workset(self) -> None:
        spec = self._workset_spec or os.environ.get("DOSSIER_WORKSET") or None
        try:
            if spec is None:
                self.workset = Workset(path_beside(self.db), self._author)
            else:
                self.workset = open_workset(self.db, spec, self._author, live=True)
        except WorksetError as exc:
            self.workset = None
            self.notify(exc.message, title="No working set", severity="error", timeout=10)
            self._status(exc.message)
            return
        start = getattr(self.workset, "start", None)
        if callable(start):  # the team's: changes come from the server while the app runs
            self.workset.on_change = lambda: self.post_message(WorksetChanged(""))  # type: ignore[attr-defined]
            start()
        if not self.workset.writable:
            self.notify(
                f"{self.workset.problem}. The dossier works as usual.",
                title="Pins cannot be saved",
                severity="warning",
                timeout=8,
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="case")
    def _load_case(self, early: Future[tuple[Reader, Opening]] | None = None) -> None:
        if early is not None:
            try:
                self.reader, opening = early.result()
            except Exception:
                self.post_message(EarlyReadFailed())
                return
        else:
            assert self.reader is not None
            opening = read_opening(self.reader)
        self.post_message(CaseLoaded(opening.overview, opening.first_pages))

    def _check_rebuilt(self) -> None:
        """A rebuild renames a new file over the dossier: the panes would go on showing the old
        build and the search the new one. Read the new one, or say why not."""
        now = store.identity(self.db)
        if now is None or now == self._identity or not self._loaded:
            return
        self._identity = now
        self._status(f"{self.db.name} was rebuilt: reloading…")
        self._reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reload")
    def _reload(self) -> None:
        try:
            reader = Reader(self.db, meta=store.validate(self.db))
            opening = read_opening(reader)
        except Exception as exc:  # a damaged or half-written file: say so, keep the old build
            why = exc.message if isinstance(exc, DossierError) else read_failure(exc, self.db.name)
            self.call_from_thread(
                self._status,
                f"{self.db.name} changed on disk and cannot be read ({why}); "
                "showing the build opened before",
            )
            return
        self.call_from_thread(self._reloaded, reader, opening)

    def _reloaded(self, reader: Reader, opening: Opening) -> None:
        self.reader = reader
        if self.as_of is not None:  # a rebuilt case: its sources may have changed
            self._old_as_of.append(self.as_of)  # its snapshots are removed at exit
        self.as_of = None
        self._status(None)
        self.notify(f"{self.db.name} was rebuilt: showing the new build.", timeout=4)
        self._case_loaded(CaseLoaded(opening.overview, opening.first_pages))

    @on(CaseLoaded)
    def _case_loaded(self, event: CaseLoaded) -> None:
        if self._started is not None:
            self.call_after_refresh(self._start_done)  # after the frame that shows the case
        if self._identity is None:  # first load: from now on, notice a rebuild of the file
            self._identity = store.identity(self.db)
            self.set_interval(REBUILD_POLL, self._check_rebuilt)
        header = event.overview.header
        self.title = line(header.title)
        self.sub_title = f"as of {line(header.as_of)}"
        label = self.workset.label if self.workset is not None else ""
        shown_as_of = header.as_of
        if self.as_of is not None and self.as_of.index is not None:
            shown_as_of = self.as_of.points[self.as_of.index].label
        self.query_one(CaseBar).show(header.title, shown_as_of, label if is_team_url(label) else "")
        self.query_one(CaseSummary).show(event.overview)
        reader = self.reader
        assert reader is not None
        details = partial(read_detail, reader, self.workset)
        for pane in PANES:
            first = event.first_pages.get(pane)
            self._load_pane(
                pane,
                partial(reader.page, pane),
                details,
                header.pane_counts.get(pane, 0),
                0,
                first,
                partial(rows_for, reader, pane),
            )
        self._loaded = True
        self._load_marks()
        self.case_ready.set()
        self.pane(self.active_pane).table.focus()
        if self._pending_place is not None:
            self.post_message(self._pending_place)
            self._pending_place = None

    # -- errors: one place for every worker ------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self._report_failure(event.worker.error)

    @on(WorkerFailed)
    def _worker_failed(self, event: WorkerFailed) -> None:
        """A widget's worker failed (widgets post theirs up)."""
        self._report_failure(event.error)

    def _report_failure(self, error: BaseException | None) -> None:
        """The one place that reports every worker's failure."""
        message = read_failure(error, self.db.name)
        self.log.error(message)
        self.notify(message, title="Error", severity="error", timeout=8)

    # -- navigation -----------------------------------------------------------------------------

    def pane(self, pane: str) -> ListPane:
        """The pane ``pane``, which must have been shown (see _open_pane)."""
        return self._panes[pane]

    async def _open_pane(self, pane: str) -> ListPane:
        """The pane ``pane``, mounted first if this is the first time it is shown: the first
        screen mounts and styles one pane, not eight."""
        listpane = self._panes.get(pane)
        if listpane is None:
            listpane = self._panes[pane] = ListPane(pane)
            await self.query_one(f"TabPane#{pane}", TabPane).mount(listpane)
            load = self._pane_loads.pop(pane, None)
            if load is not None:
                listpane.load(*load)
            listpane.table.set_marks(self.marks)
        return listpane

    def _load_pane(
        self,
        pane: str,
        loader: Loader,
        details: DetailReader,
        total: int,
        cursor: int = 0,
        first: list[RowData] | None = None,
        viewer: ViewReader | None = None,
    ) -> None:
        """Show these rows in ``pane`` now, or when it is first shown (``viewer``: the rows of a
        filter or sort)."""
        listpane = self._panes.get(pane)
        if listpane is None:
            self._pane_loads[pane] = (loader, details, total, cursor, first, viewer)
        else:
            listpane.load(loader, details, total, cursor, first, viewer)

    @property
    def active_pane(self) -> str:
        return self.query_one(TabbedContent).active or "overview"

    def _here(self) -> tuple[str, int]:
        """Where the user is: the pane and its selected row (the timeline's row, not the record's
        own pane), to come back to."""
        pane = self.active_pane
        return pane, self.pane(pane).table.cursor

    def _remember(self) -> None:
        here = self._here()
        if not self.history or self.history[-1] != here:
            self.history.append(here)
            del self.history[:-HISTORY_LIMIT]

    async def action_show_pane(self, pane: str) -> None:
        if pane not in APP_PANES:
            return
        if pane != self.active_pane:
            self._remember()
        listpane = await self._open_pane(pane)
        self.query_one(TabbedContent).active = pane
        listpane.table.focus()

    @on(GoTo)
    def _go_to(self, event: GoTo) -> None:
        self.goto(event.record, remember=event.remember)

    def _find_records(self, query: str, limit: int) -> list[RecordHit] | None:
        """The palette's search (run in a thread): None while no dossier is open."""
        return None if self.reader is None else self.reader.find_records(query, limit)

    def goto(self, record: str, *, remember: bool = True) -> None:
        """Show ``record`` in its pane, selected. Runs the lookup in a worker."""
        if self.reader is None:
            return
        self._locate(record, remember)

    @work(thread=True, exclusive=True, exit_on_error=False, group="locate")
    def _locate(self, record: str, remember: bool) -> None:
        assert self.reader is not None
        self.post_message(PlaceFound(self.reader.place(record), record, remember))

    @on(PlaceFound)
    async def _place_found(self, event: PlaceFound) -> None:
        if not self._loaded:
            self._pending_place = event
            return
        place: Place | None = event.place
        if place is None:
            self.notify(f"No record {event.record!r} in this dossier.", severity="warning")
            return
        if event.remember:
            self._remember()
        listpane = await self._open_pane(place.pane)
        self.query_one(TabbedContent).active = place.pane
        listpane.clear_view()  # the place is a row of the pane's own order
        listpane.select(place.pos)
        span, self._span = self._span, None
        if span is not None and span[0] == place.record:
            listpane.show_span(*span)
        if place.record != event.record:  # a role: its holder's row, its own detail
            listpane.show_instead(place.record, event.record)

    async def action_go_back(self) -> None:
        if self.screen.maximized is not None:
            self._restore()
            return
        table = self.pane(self.active_pane).table
        if self.focused is not table:
            # From a record's detail or links, Escape returns to its table first.
            table.focus()
            return
        if not self.history:
            self.notify("Nothing to go back to.", timeout=2)
            return
        pane, pos = self.history.pop()
        listpane = await self._open_pane(pane)
        self.query_one(TabbedContent).active = pane
        listpane.select(pos)

    @on(TabbedContent.TabActivated)
    async def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        if pane not in APP_PANES:
            return
        listpane = await self._open_pane(pane)  # a tab clicked, not a key: not mounted yet
        if self._loaded and not isinstance(self.focused, RecordTable):
            listpane.table.focus()

    def action_command_palette(self) -> None:
        """Textual's palette, with the records' provider bound to this app's dossier."""
        if self.use_command_palette and not self.screen.has_class("--textual-command-palette"):
            providers = {*self.COMMANDS, *self.screen.COMMANDS, self._record_commands}
            self.push_screen(CommandPalette(providers, id="--command-palette"))

    def action_help(self) -> None:
        # The screens are imported when first opened, not on the path to the first screen.
        from dossier.ui.screens.annotate import AnnotationEditor
        from dossier.ui.screens.export import ExportScreen
        from dossier.ui.screens.help import HelpScreen
        from dossier.ui.screens.search import ResultList, SearchScreen
        from dossier.ui.screens.timeline import TimelineScreen
        from dossier.ui.widgets.timeline_chart import TimelineChart

        sections: list[tuple[str, list[BindingType]]] = [
            (
                "Anywhere",
                [
                    *self.BINDINGS,
                    Binding(
                        "ctrl+p",
                        "",
                        "Find any record by name, alias, charge or words (command palette)",
                    ),
                ],
            ),
            (
                "Moving between areas",
                [
                    Binding("tab", "", "Next area: table, detail (arrows scroll it), links"),
                    Binding("shift+tab", "", "Previous area"),
                ],
            ),
            (
                "In a table",
                [
                    *RecordTable.BINDINGS,
                    Binding("escape", "", "Clear the filter (with none: back)"),
                ],
            ),
            ("In a record's links (and a source's cited spans)", list(LinkList.BINDINGS)),
            (
                "In a record's fields and evidence (Tab to them)",
                [
                    Binding("y", "", "Copy the highlighted field or span with its citation"),
                    *EvidenceList.BINDINGS,
                ],
            ),
            (
                "In the timeline (t)",
                [*TimelineChart.BINDINGS, *TimelineScreen.BINDINGS[1:2]],
            ),
            ("Editing an annotation", list(AnnotationEditor.BINDINGS)),
            ("In the brief preview", list(ExportScreen.BINDINGS)),
            ("In search", [*SearchScreen.BINDINGS, *ResultList.BINDINGS]),
        ]
        self.push_screen(HelpScreen(sections))

    def action_search(self) -> None:
        """Search the quotes; Enter on a result shows it in the Quotes pane."""
        from dossier.ui.screens.search import SearchScreen

        if self.reader is None:
            self.notify("The dossier is still loading.", timeout=2)
            return

        def opened(quote_id: str | None) -> None:
            if quote_id is not None:
                self.goto(quote_id)

        # As of a date, search what was known then (the snapshot's quotes).
        searched = self.reader.path
        self.push_screen(SearchScreen(searched, marks=lambda: self.marks), callback=opened)

    def action_timeline(self) -> None:
        """The case over time as a chart; Enter on an item shows its record in its pane."""
        if self.reader is None:
            self.notify("The dossier is still loading.", timeout=2)
            return
        from dossier.ui.screens.timeline import TimelineScreen

        def opened(record: str | None) -> None:
            if record is not None:
                self.goto(record)

        self.push_screen(TimelineScreen.of(self.reader, self.title), callback=opened)

    def action_export(self) -> None:
        """Preview the case brief (every fact with a footnote) and save it; in the preview, w
        the whole case, p the pinned records, n a person, d events since a date. From the Pinned
        pane it opens on the brief from pins, and says so."""
        if self.reader is None:
            self.notify("The dossier is still loading.", timeout=2)
            return
        from dossier.ui.screens.export import ExportScreen

        pinned = self.workset is not None and self.active_pane == "pinned"
        why = "e on the Pinned pane opens on them; w: whole case." if pinned else None
        self.push_screen(ExportScreen(self.reader, workset=self.workset, pinned=pinned, why=why))

    # -- copy with citation, evidence to source, the detail on the whole screen ------------------

    def _copy_target(self) -> tuple[str, tuple[str, str] | None, int | None] | None:
        """What ``y`` copies: (record, field, evidence span index), from where the focus is: a
        detail field, an evidence span, a record citing a span (a source's), else the row."""
        focused = self.focused
        panel = self.pane(self.active_pane).detail
        detail = panel.detail
        if detail is not None and focused is not None and focused.parent is panel:
            if isinstance(focused, FieldList) and focused.selected is not None:
                return detail.id, focused.selected, None
            if isinstance(focused, EvidenceList) and focused.highlighted is not None:
                return detail.id, None, focused.highlighted
            if isinstance(focused, LinkList) and focused.highlighted is not None:
                option = focused.get_option_at_index(focused.highlighted)
                if option.id:
                    return option.id.split("#")[0], None, None
        selected = self._selected()
        return None if selected is None else (selected[0], None, None)

    def action_copy(self, markdown: bool) -> None:
        target = self._copy_target() if self.reader is not None and self._loaded else None
        if target is None:
            self.notify("Select a record to copy.", timeout=2)
            return
        self._read_citation(*target, markdown)

    @work(thread=True, exclusive=True, exit_on_error=False, group="copy")
    def _read_citation(
        self, record: str, field: tuple[str, str] | None, span: int | None, markdown: bool
    ) -> None:
        from dossier.citation import cite
        from dossier.ui.clipboard import clipboard_caveat

        assert self.reader is not None
        with self.reader.connection() as conn:
            found = cite(conn, record, field=field, span=span)
        if found is None:
            self.post_message(Copied("", f"no record {record!r} in this dossier", markdown))
            return
        text = found.markdown if markdown else found.text
        self.post_message(Copied(text, found.what, markdown, clipboard_caveat(os.environ)))

    @on(Copied)
    def _copied(self, event: Copied) -> None:
        if not event.text:
            self.notify(f"Nothing copied: {event.what}.", severity="warning", timeout=4)
            return
        self.copy_to_clipboard(event.text)
        form = "as Markdown with its footnote" if event.markdown else "with its citation"
        said = f"Copied {event.what} {form}."
        caveat = event.caveat
        if caveat:
            self.notify(f"{said} But {caveat}.", title="Copied", severity="warning", timeout=10)
        else:
            self.notify(said, title="Copied", timeout=4)

    def action_open_evidence(self) -> None:
        """The selected evidence span (else the record's first) in its source, highlighted."""
        panel = self.pane(self.active_pane).detail
        detail = panel.detail
        if detail is None or not detail.evidence:
            self.notify("This record cites no span of a source.", timeout=3)
            return
        focused = self.focused
        index = 0
        if isinstance(focused, EvidenceList) and focused.highlighted is not None:
            index = focused.highlighted
        ev = detail.evidence[min(index, len(detail.evidence) - 1)]
        self.post_message(OpenInSource(ev.source, ev.start, ev.end))

    @on(OpenInSource)
    async def _open_in_source(self, event: OpenInSource) -> None:
        self._restore()
        listpane = await self._open_pane("sources")
        self._span = (event.source, event.start, event.end)
        listpane.show_span(*self._span)
        self.goto(event.source)

    def _restore(self) -> None:
        """Out of the maximized detail, back to the pane."""
        if self.screen.maximized is not None:
            self.screen.minimize()

    def action_maximize_detail(self) -> None:
        if self.screen.maximized is not None:
            self._restore()
            return
        panel = self.pane(self.active_pane).detail
        inside = self.focused is not None and self.focused.parent is panel
        if self.screen.maximize(panel, container=False) and not inside:
            panel.focus()

    # -- as of a date, and what changed since ---------------------------------------------------

    def action_step_as_of(self, delta: int) -> None:
        """``[``: the case as of the source before; ``]``: the next one, then now."""
        if self.reader is None or not self._loaded:
            self.notify("The dossier is still loading.", timeout=2)
            return
        self._status("Reading the sources' dates…" if self.as_of is None else "As of…")
        self._step_as_of(delta)

    def _as_of_state(self) -> AsOfState:
        """The sources as points in time, read from the dossier when first asked (in a worker)."""
        if self.as_of is None:
            from dossier import asof

            assert self.reader is not None
            self.as_of = AsOfState(asof.points_of(self.reader))
        return self.as_of

    @work(thread=True, exclusive=True, exit_on_error=False, group="asof")
    def _step_as_of(self, delta: int) -> None:
        from dossier import asof

        try:
            state = self._as_of_state()
            points = state.points
            now = len(points)
            at = now if state.index is None else state.index
            target = at + delta
            if target < 0:
                first = points[0] if points else None
                why = (
                    f"{first.when} ({first.source}) is the earliest source"
                    if first
                    else "the case has no sources"
                )
                self.call_from_thread(self._status, None)
                self.call_from_thread(self.notify, f"Nothing earlier: {why}.", timeout=4)
                return
            if target >= now:
                if state.index is None:
                    self.call_from_thread(self._status, None)
                    self.call_from_thread(self.notify, "Already the case now.", timeout=2)
                    return
                reader = Reader(self.db, meta=store.validate(self.db))
                index: int | None = None
            else:
                moment = points[target]
                cutoff = asof.Cutoff.at(moment)
                snap = self.db
                if not asof.is_whole(cutoff, points):  # as of the newest source: the case now
                    self.call_from_thread(self._status, f"Reading the case as of {moment.label}…")
                    case, knowledge = state.known(self.db, self.meta or store.validate(self.db))
                    snap = asof.build_snapshot(case, cutoff, state.folder, knowledge)
                reader = Reader(snap, meta=store.validate(snap))
                index = target
            opening = read_opening(reader)
        except DossierError as exc:
            self.call_from_thread(self._status, None)
            self.call_from_thread(self.notify, exc.message, title="As of", severity="error")
            return
        self.call_from_thread(self._show_as_of, reader, opening, index)

    def _show_as_of(self, reader: Reader, opening: Opening, index: int | None) -> None:
        assert self.as_of is not None
        old = self.reader
        self.reader = reader
        self.as_of.index = index
        self._status(None)
        self._case_loaded(CaseLoaded(opening.overview, opening.first_pages))
        if old is not None and old is not reader:
            self.as_of.readers.append(old)  # closed at exit: a pane's worker may still read it

    def action_changes(self) -> None:
        """What changed since the date shown; at "now", since the source before the newest."""
        if self.reader is None or not self._loaded:
            self.notify("The dossier is still loading.", timeout=2)
            return
        self._changes()

    @work(thread=True, exclusive=True, exit_on_error=False, group="asof")
    def _changes(self) -> None:
        from dossier import asof

        try:
            state = self._as_of_state()
            points = state.points
            at = len(points) - 2 if state.index is None else state.index
            if at < 0:
                raise DossierError(
                    "Nothing changed: the case has one source" if points else "No sources."
                )
            cutoff = asof.Cutoff.at(points[at])
            if asof.is_whole(cutoff, points):  # since the newest source: nothing, no case read
                changes = asof.Changes(cutoff, (), ())
            else:
                self.call_from_thread(self._status, "Reading what changed…")
                case, knowledge = state.known(self.db, self.meta or store.validate(self.db))
                changes = asof.changes_since(case, cutoff, knowledge)
                self.call_from_thread(self._status, None)
        except DossierError as exc:
            self.call_from_thread(self._status, None)
            self.call_from_thread(self.notify, exc.message, title="Changes", timeout=4)
            return
        self.call_from_thread(self._show_changes, changes)

    def _show_changes(self, changes: Changes) -> None:
        from dossier.ui.screens.changes import ChangesScreen

        self.push_screen(ChangesScreen(changes))

    # -- the working set: pins and annotations ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_pin", "toggle_mine"):
            return self.active_pane == "pinned"
        if action in ("copy", "open_evidence", "maximize_detail"):
            return len(self.screen_stack) == 1  # the panes', not a screen above them
        return True

    def action_toggle_mine(self) -> None:
        if self.workset is None:
            return
        self.pinned_author = None if self.pinned_author else self.workset.author
        whose = f"only {self.pinned_author}'s" if self.pinned_author else "everyone's"
        self.notify(f"Pinned: {whose} pins and notes.", timeout=2)
        self._load_marks()

    def _selected(self) -> tuple[str, str, str] | None:
        """(id, title, kind) of the record selected in the active pane."""
        pane = self.pane(self.active_pane)
        row = pane.table.current
        if row is None:
            return None
        detail = pane.detail.detail
        if detail is not None and detail.id == pane.shown_for(row.record):
            return detail.id, detail.title, detail.kind
        return row.record, row.cells[1] if len(row.cells) > 1 else row.record, row.kind

    def action_pin(self) -> None:
        selected = self._selected()
        if selected is None or self.workset is None:
            self.notify("Select a record to pin.", timeout=2)
            return
        self._pin_intent(*selected)

    def _pin_intent(self, record: str, title: str, kind: str) -> None:
        """``p`` means what the user sees: their own ★ there → unpin it; else → pin. An intent,
        never a toggle on what another session did meanwhile, and never on a colleague's pin."""
        self._set_pin(record, title, kind, "★" not in self.marks.get(record, ""))

    @work(thread=True, exit_on_error=False, group="workset")
    def _set_pin(self, record: str, title: str, kind: str, pin: bool) -> None:
        assert self.workset is not None
        title, kind = self._describe(record, title, kind)
        try:
            if pin:
                done = self.workset.pin(record, title, kind)
                said = "Pinned" if done else "Already pinned"
            else:
                done = self.workset.unpin(record)
                said = "Unpinned" if done else "Already unpinned elsewhere"
        except WorksetError as exc:
            self.post_message(WorksetChanged(exc.message, error=True))
            return
        self.post_message(WorksetChanged(f"{said}: {title}"))

    def action_move_pin(self, delta: int) -> None:
        selected = self._selected()
        if selected is None or self.workset is None:
            return
        self._move_pin(selected[0], delta)

    @work(thread=True, exit_on_error=False, group="workset")
    def _move_pin(self, record: str, delta: int) -> None:
        assert self.workset is not None
        try:
            moved = self.workset.move(record, delta)
        except WorksetError as exc:
            self.post_message(WorksetChanged(exc.message, error=True))
            return
        if moved:
            self.post_message(WorksetChanged("", select=record))

    @on(PinRequested)
    def _pin_requested(self, event: PinRequested) -> None:
        if self.workset is not None:
            self._pin_intent(event.record, event.title, "")

    @on(AnnotateRequested)
    def _annotate_requested(self, event: AnnotateRequested) -> None:
        self._annotate(event.record, event.title, "")

    def action_annotate(self) -> None:
        selected = self._selected()
        if selected is None:
            self.notify("Select a record to annotate.", timeout=2)
            return
        self._annotate(*selected)

    def _annotate(self, record: str, title: str, kind: str) -> None:
        if self.workset is None:
            return
        if not self.workset.writable:
            self.notify(self.workset.problem or "Annotations cannot be saved.", severity="warning")
            return
        # The editor opens at once, with the text read along with the marks: keys typed right
        # after `a` must land in it, not in the app.
        text = self.annotations.get(record, "")
        self._edit(record, title, kind, text, self.versions.get(record, 0))

    def _edit(
        self, record: str, title: str, kind: str, text: str, version: int, reason: str = ""
    ) -> None:
        """The editor, on ``text``, saved against ``version`` (0: no annotation yet)."""
        from dossier.ui.screens.annotate import AnnotationEditor

        saved_text = self.annotations.get(record, "") if reason else None

        def saved(result: str | None) -> None:
            if result is not None and (result != text or reason):
                self._save_annotation(record, title, kind, result, version)

        self.push_screen(AnnotationEditor(title, text, reason=reason, saved=saved_text), saved)

    def _describe(self, record: str, title: str, kind: str) -> tuple[str, str]:
        """The title and kind the dossier gives a record (run in a worker), kept with its pin or
        annotation in case the record ever leaves the dossier."""
        if self.reader is None:
            return title, kind
        return self.reader.records([record]).get(record, (title, kind))

    @work(thread=True, exit_on_error=False, group="workset")
    def _save_annotation(self, record: str, title: str, kind: str, text: str, version: int) -> None:
        assert self.workset is not None
        title, kind = self._describe(record, title, kind)
        try:
            self.workset.annotate(record, text, title, kind, expected=version)
        except AnnotationConflict as conflict:
            if conflict.theirs == conflict.mine:  # the same words saved meanwhile: nothing lost
                self.post_message(WorksetChanged(f"Annotation saved: {title}"))
                return
            reason = (
                "Changed in another session since you opened it: both texts are below "
                "(yours first). Edit and save again."
            )
            self.post_message(
                AnnotationNotSaved(record, title, kind, conflict.merged(), conflict.version, reason)
            )
            return
        except WorksetError as exc:
            reason = f"Not saved: {exc.message}. Your text is still here."
            self.post_message(AnnotationNotSaved(record, title, kind, text, version, reason))
            return
        said = "Annotation saved" if text.strip() else "Annotation removed"
        self.post_message(WorksetChanged(f"{said}: {title}"))

    @on(AnnotationNotSaved)
    def _annotation_not_saved(self, event: AnnotationNotSaved) -> None:
        self.notify(event.reason, title="Not saved", severity="error", timeout=8)
        self._edit(event.record, event.title, event.kind, event.text, event.version, event.reason)

    @on(WorksetChanged)
    def _workset_changed(self, event: WorksetChanged) -> None:
        if event.error:
            self.notify(event.message, title="Not saved", severity="error", timeout=8)
            return
        if event.message:
            self.notify(event.message, timeout=3)
        self._load_marks(select=event.select)
        pane = self.pane(self.active_pane)
        if pane.table.current is not None:
            pane.refresh_detail()

    @work(thread=True, exclusive=True, exit_on_error=False, group="marks")
    def _load_marks(self, select: str | None = None) -> None:
        if self.workset is None:
            return
        ws, whose = self.workset, self.pinned_author
        marks = ws.marks()
        notes = ws.annotations()
        at = None
        if select is not None:
            rows = [(i.record, i.author) for i in ws.items(whose)]
            at = rows.index((select, ws.author)) if (select, ws.author) in rows else None
        status = getattr(ws, "status", None)
        refused: list[str] = []
        if callable(status) and hasattr(ws, "refusals"):
            for _op, args, reason in ws.refusals(unseen=True):
                kept = str(args.get("text") or args.get("record") or "")
                refused.append(f"{reason}. Kept: {kept[:300]}")
            if refused:
                ws.mark_refusals_seen()  # type: ignore[attr-defined]
        self.post_message(
            MarksLoaded(
                marks,
                ws.count(whose),
                at,
                {r: t for r, (t, _) in notes.items()},
                {r: v for r, (_, v) in notes.items()},
                status() if callable(status) else "",
                refused,
            )
        )

    @on(MarksLoaded)
    def _marks_loaded(self, event: MarksLoaded) -> None:
        self.annotations = event.annotations
        self.versions = event.versions
        if self._workset_spec or os.environ.get("DOSSIER_WORKSET"):
            self._status(event.status or None)
        for message in event.refused:
            self.notify(message, title="Refused by the server", severity="error", timeout=15)
        self.marks = event.marks
        self.screen.post_message(MarksChanged(event.marks))  # the search screen redraws its own
        for listpane in self._panes.values():
            listpane.table.set_marks(event.marks)
        pinned = self._panes.get("pinned")
        cursor = pinned.table.cursor if pinned is not None else 0
        if event.select is not None:
            cursor = event.select
        if self.reader is not None and self.workset is not None:
            workset, reader = self.workset, self.reader
            self._load_pane(
                "pinned",
                partial(pinned_rows, workset, reader, author=self.pinned_author),
                partial(read_detail, reader, workset),
                event.pinned,
                cursor,
                None,
                partial(pinned_rows_for, workset, reader, self.pinned_author),
            )

    def on_unmount(self) -> None:
        if self.reader is not None:
            self.reader.close()
        for state in (*self._old_as_of, self.as_of):
            if state is not None:
                state.remove()
        if self.workset is not None:
            self.workset.close()
