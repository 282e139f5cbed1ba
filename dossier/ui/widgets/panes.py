"""A pane: a paged table of records beside (or above, when narrow) the detail of the selected one."""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Group
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.worker import Worker, WorkerState, get_current_worker

from dossier.queries import PANE_COLUMNS, PANE_TITLES, Overview, RecordDetail, RowData, SourceText
from dossier.safetext import line, safe
from dossier.ui.messages import (
    DetailLoaded,
    GoTo,
    OpenInSource,
    ViewCounted,
    ViewLoaded,
    WorkerFailed,
)
from dossier.ui.widgets.detail import DetailPanel, LinkList
from dossier.ui.widgets.figures import FigureRows
from dossier.ui.widgets.glance import glance_text
from dossier.ui.widgets.record_table import Loader, RecordTable
from dossier.views import View, ViewRows, sortable
from dossier.words import plural

ViewReader = Callable[[View], ViewRows]
"""A view (filter and sort) → its loader, row count and first page; called in a thread worker."""

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


class FilterBar(Horizontal):
    """The pane's title while it is filtered: "Charges — filter: [chavez] (3 of 12)"; the words
    are typed into it."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        display: none;
        background: $panel;
    }
    FilterBar.-shown {
        display: block;
    }
    FilterBar > Static {
        width: auto;
        color: $text-accent;
        text-style: bold;
    }
    FilterBar > Input {
        width: 1fr;
        height: 1;
        border: none;
        padding: 0;
        background: $panel;
    }
    FilterBar > Input:focus {
        background: $boost;
    }
    """


class ListPane(Container):
    """One tab of the app. The table pages rows from the dossier; the detail follows the cursor.

    ``f`` filters the rows as one types and ``s`` sorts them by a column: the pane asks its
    :data:`ViewReader` for the rows of that view, in a worker; Esc clears the filter."""

    def __init__(self, pane: str, *, top: Widget | None = None) -> None:
        super().__init__(id=f"pane-{pane}", classes="list-pane")
        self.pane = pane
        self._top = top
        self._details: DetailReader | None = None
        self._viewer: ViewReader | None = None
        self._plain: tuple[Loader, int, list[RowData] | None] | None = None
        """The pane's own rows (loader, count, first page): what clearing the view shows."""
        self.view = View()
        self.unfiltered = 0
        """The pane's row count without a filter."""
        self.shown = 0
        """The row count of the view shown."""
        self._view_asked = 0
        self._counting = False
        """Whether :attr:`shown` is only "at least" while every row is counted."""
        self.loaded_view: View | None = None
        """The view whose rows the table shows (None: none asked for yet)."""
        self.table = RecordTable(
            pane, PANE_COLUMNS[pane], empty_text=EMPTY_TEXT[pane], id=f"table-{pane}"
        )
        self.detail = DetailPanel(id=f"detail-{pane}", classes="detail")
        self.instead: tuple[str, str] | None = None
        """(row record, record shown): a record with no row of its own (a role) is shown in the
        detail while the cursor is on the row it is listed under (its holder's)."""
        self.span: tuple[str, int, int] | None = None
        """A cited span of a source to show highlighted when that source's detail is shown."""
        self.filter_input = Input(
            placeholder="type to filter", compact=True, id=f"filter-{pane}", select_on_focus=False
        )

    def compose(self) -> ComposeResult:
        if self._top is not None:
            yield self._top
        with FilterBar(id=f"filter-bar-{self.pane}"):
            yield Static(Text(f"{PANE_TITLES[self.pane]} — filter: "), classes="filter-label")
            yield self.filter_input
            yield Static("", classes="filter-count")
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
        viewer: ViewReader | None = None,
    ) -> None:
        """Show ``total`` rows paged through ``loader``, and the detail of the selected one read
        through ``details``; ``viewer`` reads the rows of a filter or a sort. A filter or sort
        already set stays: its rows are read again."""
        self._details = details
        self.unfiltered = total
        self._plain = (loader, total, first)
        if viewer is not None:
            self._viewer = viewer
        if self.view.active and self._viewer is not None:
            self._read_view(self.view, cursor)
            return
        self.shown = total
        self.table.reset(loader, total, cursor, first)
        if not total:
            self.detail.clear(EMPTY_TEXT[self.pane])

    def shown_for(self, row: str) -> str:
        """The record the detail shows for the row of ``row``."""
        instead = self.instead
        return instead[1] if instead is not None and instead[0] == row else row

    # -- filter and sort --------------------------------------------------------------------------

    @property
    def title(self) -> str:
        """The pane's title as the filter bar shows it: "Charges — filter: chavez (3 of 12)"."""
        text = self.view.filter.text
        return f"{PANE_TITLES[self.pane]} — filter: {text} ({self._counted()})"

    def _counted(self) -> str:
        more = "+" if self._counting else ""
        return f"{self.shown - (1 if more else 0):,}{more} of {self.unfiltered:,}"

    def _show_bar(self) -> None:
        bar = self.query_one(FilterBar)
        bar.set_class(bool(self.view.filter.text) or self.filter_input.has_focus, "-shown")
        count = "" if not self.view.filter.text else f" ({self._counted()})"
        bar.query_one(".filter-count", Static).update(Text(count))

    @on(RecordTable.FilterRequested)
    def _filter_requested(self, event: RecordTable.FilterRequested) -> None:
        event.stop()
        if self._viewer is None:
            return
        self.query_one(FilterBar).add_class("-shown")
        self.filter_input.focus()
        self.filter_input.cursor_position = len(self.filter_input.value)

    @on(Input.Changed)
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if event.value != self.view.filter.text:
            self._read_view(self.view.filtered(event.value))

    @on(Input.Submitted)
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()
        self._show_bar()

    def on_descendant_blur(self) -> None:
        self.call_later(self._show_bar)

    @on(RecordTable.SortRequested)
    def _sort_requested(self, event: RecordTable.SortRequested) -> None:
        event.stop()
        if self._viewer is None:
            return
        why = sortable(self.pane, event.column)
        if why is not None:
            self.notify(why, timeout=3)
            return
        self._read_view(self.view.next_sort(event.column))

    def on_key(self, event: events.Key) -> None:
        """Esc clears the filter (a key, not a binding: with no filter, Esc goes back as
        everywhere else, and the footer still says so)."""
        if event.key == "escape" and (self.view.filter.text or self.filter_input.has_focus):
            event.stop()
            event.prevent_default()
            self.action_clear_filter()
        elif event.key == "down" and self.filter_input.has_focus:
            event.stop()
            self.table.focus()

    def clear_view(self) -> None:
        """Show the pane's own rows again, unfiltered and unsorted, at once (going to a record
        by its place in the pane needs them)."""
        if not self.view.active or self._plain is None:
            return
        self._view_asked += 1  # a view still being read is not shown
        self.view = self.loaded_view = View()
        self.filter_input.value = ""
        self.table.set_sorted(None)
        loader, total, first = self._plain
        self.shown = total
        self._counting = False
        self.table.reset(loader, total, 0, first)
        self._show_bar()

    def action_clear_filter(self) -> None:
        self.filter_input.value = ""
        self.table.focus()
        self._read_view(self.view.filtered(""))

    def _read_view(self, view: View, cursor: int = 0) -> None:
        self.view = view
        self.table.set_sorted(None if view.sort is None else (view.sort, view.descending))
        self._view_asked += 1
        self._show_bar()
        if self._viewer is not None:
            self._view_worker(self._viewer, view, self._view_asked, cursor)

    @work(thread=True, exclusive=True, exit_on_error=False, group="view")
    def _view_worker(self, viewer: ViewReader, view: View, asked: int, cursor: int) -> None:
        rows = viewer(view)
        if get_current_worker().is_cancelled:
            return
        self.post_message(
            ViewLoaded(self.pane, asked, rows.loader, rows.total, rows.first, cursor, rows.count)
        )
        if rows.count is not None:  # the first rows are on their way: now count them all
            total = rows.count()
            if not get_current_worker().is_cancelled:
                self.post_message(ViewCounted(self.pane, asked, total))

    @on(ViewCounted)
    def _view_counted(self, event: ViewCounted) -> None:
        event.stop()
        if event.asked != self._view_asked:
            return
        self.shown = event.total
        self._counting = False
        self.table.set_total(event.total)
        self._show_bar()

    @on(ViewLoaded)
    def _view_loaded(self, event: ViewLoaded) -> None:
        event.stop()
        if event.asked != self._view_asked:
            return  # typed on: a newer view is being read
        self.shown = event.total
        self._counting = event.count is not None
        self.loaded_view = self.view
        self.table.reset(event.loader, event.total, event.cursor, event.first)
        self._show_bar()
        if not event.total:
            self.detail.clear(
                "No rows match the filter." if self.view.filter.active else EMPTY_TEXT[self.pane]
            )

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
        rows: list[tuple[Text, Text | None]] = []
        person = None
        for f in overview.figures:
            # Labels are "Name: what"; each defendant's name heads their lines.
            name, _, what = f.label.partition(": ")
            if name != person:
                person = name
                rows.append((Text(line(name), style="bold"), None))
            rows.append((Text(f"  {line(what or name)}", style="dim"), Text(safe(f.value))))
        figures = FigureRows(rows)  # a rich Table grid's lines, at a tenth of its cost
        # The key figures first: at 80×24 they are what fits above the timeline.
        self.query_one("#summary-text", Static).update(Group(figures, Text(""), intro))
