"""A pane: a paged table of records beside (or above, when narrow) the detail of the selected one."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Container, VerticalScroll
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from dossier.queries import PANE_COLUMNS, Overview, RecordDetail, RowData, SourceText
from dossier.safetext import line, safe
from dossier.ui.messages import DetailLoaded, GoTo, OpenInSource, WorkerFailed
from dossier.ui.widgets.detail import DetailPanel, LinkList
from dossier.ui.widgets.glance import glance_text
from dossier.ui.widgets.record_table import Loader, RecordTable
from dossier.words import plural

DetailReader = Callable[[str], tuple[RecordDetail | None, SourceText | None, str | None]]
"""Record id → its detail (None when not in the dossier), its source text (for a source) and the
user's annotation on it; called in a thread worker."""

EMPTY_TEXT = {
    "overview": "No dated events in this dossier.",
    "people": "No people or organisations in this dossier.",
    "charges": "No charges in this dossier.",
    "sentences": "No sentences or custody records in this dossier.",
    "asylum": "No asylum or diplomatic events in this dossier.",
    "quotes": "No quotes in this dossier.",
    "sources": "No sources in this dossier.",
    "pinned": "Nothing pinned yet: press p on any record to pin it here.",
}


class ListPane(Container):
    """One tab of the app. The table pages rows from the dossier; the detail follows the cursor."""

    def __init__(self, pane: str, *, top: Widget | None = None) -> None:
        super().__init__(id=f"pane-{pane}", classes="list-pane")
        self.pane = pane
        self._top = top
        self._details: DetailReader | None = None
        self.table = RecordTable(
            pane, PANE_COLUMNS[pane], empty_text=EMPTY_TEXT[pane], id=f"table-{pane}"
        )
        self.detail = DetailPanel(id=f"detail-{pane}", classes="detail")
        self.instead: tuple[str, str] | None = None
        """(row record, record shown): a record with no row of its own (a role) is shown in the
        detail while the cursor is on the row it is listed under (its holder's)."""
        self.span: tuple[str, int, int] | None = None
        """A cited span of a source to show highlighted when that source's detail is shown."""

    def compose(self) -> ComposeResult:
        if self._top is not None:
            yield self._top
        with Container(classes="pane-body"):
            yield self.table
            yield self.detail

    def load(
        self,
        loader: Loader,
        details: DetailReader,
        total: int,
        cursor: int = 0,
        first: list[RowData] | None = None,
    ) -> None:
        """Show ``total`` rows paged through ``loader``, and the detail of the selected one read
        through ``details``."""
        self._details = details
        self.table.reset(loader, total, cursor, first)
        if not total:
            self.detail.clear(EMPTY_TEXT[self.pane])

    def shown_for(self, row: str) -> str:
        """The record the detail shows for the row of ``row``."""
        instead = self.instead
        return instead[1] if instead is not None and instead[0] == row else row

    def refresh_detail(self) -> None:
        row = self.table.current
        if row is not None:
            self._load_detail(self.shown_for(row.record))

    def show_instead(self, row: str, record: str) -> None:
        """Show ``record`` in the detail while the cursor is on the row of ``row``."""
        self.instead = (row, record)
        current = self.table.current
        if current is not None and current.record == row:
            self._load_detail(record)

    def show_span(self, source: str, start: int, end: int) -> None:
        """Show ``source`` with the span highlighted, once its detail is read (now if selected)."""
        self.span = (source, start, end)
        row = self.table.current
        if row is not None and row.record == source:
            self._load_detail(source)

    def select(self, pos: int, *, focus: bool = True) -> None:
        table = self.table
        table.cursor = min(max(pos, 0), max(table.total - 1, 0))
        if focus:
            table.focus()

    @on(RecordTable.Highlighted)
    def _highlighted(self, event: RecordTable.Highlighted) -> None:
        event.stop()
        if event.row is None:
            return
        if self.instead is not None and self.instead[0] != event.row.record:
            self.instead = None
        self._load_detail(self.shown_for(event.row.record))

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail")
    def _load_detail(self, record: str) -> None:
        if self._details is None:
            return
        detail, source, annotation = self._details(record)
        if not get_current_worker().is_cancelled:
            self.post_message(DetailLoaded(self.pane, detail, source, annotation, record))

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.post_message(WorkerFailed(event.worker.error))

    @on(DetailLoaded)
    def _detail_loaded(self, event: DetailLoaded) -> None:
        event.stop()
        row = self.table.current
        if row is not None and self.shown_for(row.record) != event.record:
            return
        if event.detail is None:
            self.detail.show_orphan(event.record, event.annotation)
            return
        span = None
        if self.span is not None and self.span[0] == event.record:
            span = self.span[1:]
        else:
            self.span = None
        self.detail.show(event.detail, event.source, event.annotation, span)
        if span is not None:
            self.detail.focus()

    @on(RecordTable.Chosen)
    def _chosen(self, event: RecordTable.Chosen) -> None:
        """Enter on a row: on the timeline, go to the record's own pane (an event has none: it
        lives on the timeline); elsewhere, and for an event, into its links."""
        event.stop()
        detail = self.detail.detail
        if self.pane == "overview" and detail is not None and detail.pane != "overview":
            self.post_message(GoTo(event.row.record))
            return
        links = self.detail.query_one("#detail-links", LinkList)
        if links.display and links.option_count:
            links.focus()
        else:
            self.notify("This record has no links to follow.", timeout=3)

    @on(OptionList.OptionSelected, "#detail-links, #detail-cited")
    def _follow(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(GoTo(event.option.id.split("#")[0]))

    @on(OptionList.OptionSelected, "EvidenceList")
    def _open_evidence(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        detail = self.detail.detail
        if detail is not None and event.option_index < len(detail.evidence):
            ev = detail.evidence[event.option_index]
            self.post_message(OpenInSource(ev.source, ev.start, ev.end))


class CaseSummary(VerticalScroll, can_focus=True):
    """The Overview's top: what the case is, as of when, and its key figures."""

    GLANCE_BELOW = 140
    """Narrower than this (the stacked layout), the key figures at a glance come first."""

    _overview: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary-glance")
        yield Static(Text("Loading the case…", style="italic"), id="summary-text")

    def on_resize(self) -> None:
        self._show_glance()

    def _show_glance(self) -> None:
        glance = self.query_one("#summary-glance", Static)
        overview = self._overview
        shown = (
            overview is not None
            and bool(overview.defendants)
            and self.app.size.width < self.GLANCE_BELOW
        )
        glance.display = shown
        if shown and overview is not None:
            glance.update(glance_text(overview.defendants))

    def show(self, overview: Overview) -> None:
        self._overview = overview
        self._show_glance()
        h = overview.header
        intro = Text()
        intro.append(safe(h.summary) if h.summary else "This dossier has no summary.")
        intro.append(f"\nAs of {line(h.as_of)}. ", style="dim")
        counts = h.counts
        total = sum(counts.values())
        if not total:
            intro.append("This dossier is empty: it holds no records.", style="bold")
        else:
            parts = [
                plural(counts.get("person", 0), "person", "people"),
                plural(counts.get("charge", 0), "charge"),
                plural(counts.get("sentence", 0), "sentence"),
                plural(
                    counts.get("asylum", 0) + counts.get("diplomatic", 0),
                    "asylum or diplomatic event",
                ),
                plural(counts.get("quote", 0), "quote"),
                plural(counts.get("source", 0), "source"),
            ]
            intro.append(", ".join(parts) + ".", style="dim")
        figures = Table.grid(padding=(0, 1), expand=True)
        figures.add_column(no_wrap=True, max_width=22)
        figures.add_column(ratio=1)
        person = None
        for f in overview.figures:
            # Labels are "Name: what"; each defendant's name heads their lines.
            name, _, what = f.label.partition(": ")
            if name != person:
                person = name
                figures.add_row(Text(line(name), style="bold"), "")
            figures.add_row(Text(f"  {line(what or name)}", style="dim"), Text(safe(f.value)))
        # The key figures first: at 80×24 they are what fits above the timeline.
        self.query_one("#summary-text", Static).update(Group(figures, Text(""), intro))
