"""The dossier app: tabbed panes of records, linked to each other, every fact with its evidence."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from dossier import store
from dossier.errors import DossierError
from dossier.queries import PANE_TITLES, Opening, Place, Reader, read_opening
from dossier.schema import PANES
from dossier.ui.commands import RecordCommands
from dossier.ui.messages import (
    AnnotateRequested,
    AnnotationNotSaved,
    BuildFinished,
    CaseLoaded,
    EarlyReadFailed,
    MarksLoaded,
    PinRequested,
    PlaceFound,
    WorksetChanged,
)
from dossier.ui.widgets.detail import LinkList
from dossier.ui.widgets.panes import CaseSummary, ListPane
from dossier.ui.widgets.record_table import RecordTable
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

HISTORY_LIMIT = 200
APP_PANES = (*PANES, "pinned")
"""The tabs, in key order: the dossier's panes (1–7), then the user's pinned records (8)."""
NARROW_TABS = 96
"""Below this width the tabs drop their numbers so that all eight fit."""


class CaseBar(Static):
    """The top line: the case title, and the as-of date of its newest source."""

    def show(self, title: str, as_of: str, workset: str = "") -> None:
        """``workset``: the team working set in use (its URL without the password), if any."""
        self._title, self._as_of, self._workset = title, as_of, workset
        self.refresh()

    def render(self) -> Text:
        title, as_of = getattr(self, "_title", ""), getattr(self, "_as_of", "")
        workset = getattr(self, "_workset", "")
        width = max(self.size.width, 20)
        right = f"as of {as_of} " if as_of else ""
        if workset:
            room = max(width // 2 - len(right) - 3, 12)
            shown = workset if len(workset) <= room else workset[: room - 1] + "…"
            right = f"{shown} · {right}"
        room = max(width - len(right) - 3, 8)
        left = title if len(title) <= room else title[: room - 1] + "…"
        line = Text(" ")
        line.append(left, style="bold")
        line.append(" " * max(width - len(left) - len(right) - 1, 1))
        line.append(right)
        return line


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
    COMMANDS = App.COMMANDS | {RecordCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"

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
        Binding("slash", "search", "Search", tooltip="Search the quotes", id="app.search"),
        Binding("e", "export", "Brief", tooltip="Preview and save the case brief", id="app.export"),
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
    ) -> None:
        """``early``: the reader and first screen's data, being read in a thread since before the
        app was imported (see :func:`dossier.ui.launch.read_early`). ``workset``: a team's
        ``postgresql://`` URL or a working-set file (else ``DOSSIER_WORKSET``, else the file
        beside the dossier); ``author``: whose pins and notes (``--as``)."""
        super().__init__()
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
        self._pending_place: PlaceFound | None = None
        self._loaded = False
        self._numbered = True
        """Whether the tabs show their numbers (as composed); see on_resize."""
        self.case_ready = asyncio.Event()
        """Set once the case is read: the palette waits for it when opened during a first build."""

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield CaseBar(id="case-bar")
        with TabbedContent(id="panes", initial="overview"):
            for number, pane in enumerate(APP_PANES, start=1):
                with TabPane(f"{number} {PANE_TITLES[pane]}", id=pane):
                    if pane == "overview":
                        yield ListPane(pane, top=CaseSummary(id="case-summary"))
                    else:
                        yield ListPane(pane)
        yield Static(id="status", classes="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(CaseBar).show(self.db.stem, "…")
        if self.build_from is not None:
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
        status.update(Text(text or "", style="bold"))

    # -- opening --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="build")
    def _build(self, case_path: Path) -> None:
        from dossier import build

        try:
            build.build(case_path, self.db)
        except DossierError as exc:
            try:
                store.validate(self.db)
                previous_ok = True
            except DossierError:
                previous_ok = False
            self.post_message(BuildFinished(exc.message, previous_ok))
        else:
            self.post_message(BuildFinished(None))

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
        if early.done():  # read while Textual was imported: the first frame has rows
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

    @on(CaseLoaded)
    def _case_loaded(self, event: CaseLoaded) -> None:
        header = event.overview.header
        self.title = header.title
        self.sub_title = f"as of {header.as_of}"
        label = self.workset.label if self.workset is not None else ""
        self.query_one(CaseBar).show(
            header.title, header.as_of, label if is_team_url(label) else ""
        )
        self.query_one(CaseSummary).show(event.overview)
        reader = self.reader
        assert reader is not None
        for pane in PANES:
            first = event.first_pages.get(pane)
            self.pane(pane).load(
                partial(reader.page, pane), header.pane_counts.get(pane, 0), 0, first
            )
        self._loaded = True
        self._load_marks()
        self.case_ready.set()
        self.pane(self.active_pane).table.focus()
        if self._pending_place is not None:
            self._place_found(self._pending_place)
            self._pending_place = None

    # -- errors: one place for every worker ------------------------------------------------------

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        self.report_worker_error(event)

    def report_worker_error(self, event: Worker.StateChanged) -> None:
        """The one handler for every worker's failure (widgets forward theirs here)."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, sqlite3.Error):
            message = f"Cannot read the dossier {self.db.name}: {error}"
        elif isinstance(error, DossierError):
            message = error.message
        else:
            message = f"Something went wrong: {error!r}"
        self.log.error(message)
        self.notify(message, title="Error", severity="error", timeout=8)

    # -- navigation -----------------------------------------------------------------------------

    def pane(self, pane: str) -> ListPane:
        return self.query_one(f"#pane-{pane}", ListPane)

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

    def action_show_pane(self, pane: str) -> None:
        if pane not in APP_PANES:
            return
        if pane != self.active_pane:
            self._remember()
        self.query_one(TabbedContent).active = pane
        self.pane(pane).table.focus()

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
    def _place_found(self, event: PlaceFound) -> None:
        if not self._loaded:
            self._pending_place = event
            return
        place: Place | None = event.place
        if place is None:
            self.notify(f"No record {event.record!r} in this dossier.", severity="warning")
            return
        if event.remember:
            self._remember()
        self.query_one(TabbedContent).active = place.pane
        self.pane(place.pane).select(place.pos)

    def action_go_back(self) -> None:
        table = self.pane(self.active_pane).table
        if self.focused is not table:
            # From a record's detail or links, Escape returns to its table first.
            table.focus()
            return
        if not self.history:
            self.notify("Nothing to go back to.", timeout=2)
            return
        pane, pos = self.history.pop()
        self.query_one(TabbedContent).active = pane
        self.pane(pane).select(pos)

    @on(TabbedContent.TabActivated)
    def _tab_clicked(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        if pane in APP_PANES and self._loaded and not isinstance(self.focused, RecordTable):
            self.pane(pane).table.focus()

    def action_help(self) -> None:
        # The screens are imported when first opened, not on the path to the first screen.
        from dossier.ui.screens.annotate import AnnotationEditor
        from dossier.ui.screens.export import ExportScreen
        from dossier.ui.screens.help import HelpScreen
        from dossier.ui.screens.search import ResultList, SearchScreen

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
            ("In a table", list(RecordTable.BINDINGS)),
            ("In a record's links", list(LinkList.BINDINGS)),
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

        self.push_screen(SearchScreen(self.db, marks=lambda: self.marks), callback=opened)

    def action_export(self) -> None:
        """Preview the case brief (every fact with a footnote) and save it; in the preview, p
        makes it the brief from the pinned records, w the whole case. From the Pinned pane it
        opens on the brief from pins."""
        if self.reader is None:
            self.notify("The dossier is still loading.", timeout=2)
            return
        from dossier.ui.screens.export import ExportScreen

        pinned = self.workset is not None and self.active_pane == "pinned"
        self.push_screen(ExportScreen(self.reader, workset=self.workset, pinned=pinned))

    # -- the working set: pins and annotations ----------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("move_pin", "toggle_mine"):
            return self.active_pane == "pinned"
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
        if detail is not None and detail.id == row.record:
            return row.record, detail.title, detail.kind
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
        refresh_marks = getattr(self.screen, "refresh_marks", None)  # the search screen's
        if callable(refresh_marks):
            refresh_marks()
        for pane in APP_PANES:
            self.pane(pane).table.set_marks(event.marks)
        pinned = self.pane("pinned")
        table = pinned.table
        cursor = event.select if event.select is not None else table.cursor
        if self.reader is not None and self.workset is not None:
            workset, reader = self.workset, self.reader
            rows = partial(pinned_rows, workset, reader, author=self.pinned_author)
            pinned.load(rows, event.pinned, cursor)

    def on_unmount(self) -> None:
        if self.reader is not None:
            self.reader.close()
        if self.workset is not None:
            self.workset.close()
