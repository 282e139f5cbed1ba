"""The `/` screen: search the quotes as one types, open the one chosen in the Quotes pane.

Every keystroke interrupts the search still running (:meth:`dossier.search.Searcher.cancel`) and
starts the new one in a thread worker; a burst of keys already queued starts only one search, and
a result that arrives for an older query is dropped. Rows arrive as plain dataclasses
(:class:`dossier.search.SearchResult`); this screen writes no SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from dossier.errors import DossierError
from dossier.search import (
    HINT_EMPTY,
    QuoteHit,
    SearchCancelled,
    Searcher,
    SearchResult,
)
from dossier.ui.messages import AnnotateRequested, PinRequested

PLACEHOLDER = 'Search quotes: words, "a phrase", -word, a OR b, speaker:name'
SHOWN = 20
"""Results listed at most: every one is wrapped and measured on the UI thread at each keystroke
(50 cost ~10 ms more than 20 on a 2-core machine); the count line says how many match."""


def result_prompt(hit: QuoteHit, mark: str = "") -> Text:
    """Two lines or more for one result: who · when · kind, then the snippet, matches marked;
    ``mark`` is the working-set mark (★ pinned, ✎ annotated)."""
    prompt = Text(no_wrap=False, overflow="fold")
    if mark:
        prompt.append(f"{mark} ", style="bold")
    # Whose words these are, first: a claim in a quote is the speaker's, not the source's.
    if hit.speaker != "unattributed":
        prompt.append("according to ", style="dim")
    prompt.append(hit.speaker, style="bold")
    prompt.append(f" · {hit.date} · {hit.kind}\n", style="dim")
    prompt.append_text(hit.marked())
    return prompt


def count_line(result: SearchResult) -> Text:
    if not result.total:
        return Text("No quotes match." if result.expression else "", style="italic")
    line = Text(result.count_label.capitalize(), style="bold")
    line.append(f" · {result.order_label}", style="dim")
    if result.total > len(result.hits):
        line.append(f" · first {len(result.hits):,} shown", style="dim")
    return line


class ResultList(OptionList):
    """The results; Up on the first one goes back to the search box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Previous result", show=False, id="search.results.up"),
        Binding("down", "cursor_down", "Next result", show=False, id="search.results.down"),
        Binding("enter", "select", "Open the quote", id="search.results.open"),
        Binding("p", "pin", "Pin", id="search.results.pin"),
        Binding("a", "annotate", "Annotate", id="search.results.annotate"),
    ]
    WORKSET_KEYS = frozenset("pa")
    """Keys that act on the highlighted result instead of going to the search box."""

    class LeftTop(Message):
        """Up was pressed on the first result."""

    @dataclass
    class Typed(Message):
        """A printable key pressed on the results: it belongs in the search box."""

        character: str

    def on_key(self, event: events.Key) -> None:
        if event.character in self.WORKSET_KEYS:
            return  # the bindings: pin or annotate the highlighted quote
        if event.is_printable and event.character:
            event.stop()  # not an app key ("q" quits, "1" changes pane): the user is typing
            event.prevent_default()
            self.post_message(self.Typed(event.character))

    def _highlighted_quote(self) -> tuple[str, str] | None:
        option = self.highlighted_option
        if option is None or option.id is None:
            return None
        return option.id, str(option.prompt).split("\n", 1)[-1][:80]

    def action_pin(self) -> None:
        quote = self._highlighted_quote()
        if quote is not None:
            self.post_message(PinRequested(*quote))

    def action_annotate(self) -> None:
        quote = self._highlighted_quote()
        if quote is not None:
            self.post_message(AnnotateRequested(*quote))

    def action_cursor_up(self) -> None:
        if self.highlighted in (None, 0):
            self.post_message(self.LeftTop())
        else:
            super().action_cursor_up()


class SearchScreen(ModalScreen[str | None]):
    """Search the dossier at ``db``: dismisses with the chosen quote's id, or ``None``."""

    CSS_PATH = Path(__file__).with_name("search.tcss")
    """Absolute: Textual reads a relative CSS_PATH beside the file of the class in use, which for
    a subclass elsewhere would not be this one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Clear and close search", id="search.close"),
        Binding("down", "to_results", "Go to the results", show=False, id="search.to_results"),
        Binding("backspace", "edit", "Edit the query", show=False, id="search.edit"),
    ]

    @dataclass
    class Searched(Message):
        """A search finished; ``seq`` says for which keystroke."""

        seq: int
        result: SearchResult

    @dataclass
    class Failed(Message):
        seq: int
        error: str

    def __init__(
        self,
        db: Path,
        *,
        query: str = "",
        limit: int = SHOWN,
        marks: Callable[[], dict[str, str]] = dict,
    ) -> None:
        super().__init__()
        self.db = db
        self.marks = marks
        """Record id → working-set mark, asked for each time the results are drawn."""
        self.limit = limit
        self.searcher = Searcher(db)
        self._initial = query
        self._seq = 0
        self._scheduled = False
        self.result: SearchResult | None = None
        """The result shown (for tests and for the app)."""

    def compose(self) -> ComposeResult:
        body = Vertical(id="search-body")
        body.border_title = "Search quotes"
        body.border_subtitle = "Enter open · ↓↑ move · p pin · a note · Esc close"
        with body:
            yield Input(
                self._initial, placeholder=PLACEHOLDER, select_on_focus=False, id="search-input"
            )
            yield Static(id="search-count")
            yield ResultList(id="search-results")
            yield Static(Text(HINT_EMPTY, style="dim"), id="search-hint")

    def on_mount(self) -> None:
        self.query_one("#search-results", ResultList).display = False
        self.query_one(Input).focus()
        if self._initial:
            self._changed()

    def on_unmount(self) -> None:
        self.searcher.close()

    # -- searching ------------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _changed(self) -> None:
        self._seq += 1
        self.searcher.cancel()  # the running search is for an older query
        if not self._scheduled:  # keys already queued are handled before this runs: one search
            self._scheduled = True
            self.call_later(self._start)

    def _start(self) -> None:
        self._scheduled = False
        self._search(self._seq, self.query_one(Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def _search(self, seq: int, text: str) -> None:
        if get_current_worker().is_cancelled:
            return
        try:
            result = self.searcher.search(text, self.limit)
        except SearchCancelled:
            return
        except DossierError as exc:
            self.post_message(self.Failed(seq, exc.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Searched(seq, result))

    @on(Searched)
    def _show(self, event: Searched) -> None:
        if event.seq != self._seq:
            return  # typed on since: a newer search is coming
        result = event.result
        self.result = result
        results = self.query_one("#search-results", ResultList)
        marks = self.marks()
        results.set_options(
            Option(result_prompt(hit, marks.get(hit.id, "")), id=hit.id) for hit in result.hits
        )
        results.display = bool(result.hits)
        if result.hits:
            results.highlighted = 0
        self.query_one("#search-count", Static).update(count_line(result))
        hint = self.query_one("#search-hint", Static)
        hint.update(Text(result.hint or "", style="dim"))
        hint.display = bool(result.hint)

    def refresh_marks(self) -> None:
        """Draw the results again with the current pins and annotations, keeping the highlight."""
        if self.result is None:
            return
        results = self.query_one("#search-results", ResultList)
        highlighted = results.highlighted
        marks = self.marks()
        results.set_options(
            Option(result_prompt(hit, marks.get(hit.id, "")), id=hit.id) for hit in self.result.hits
        )
        if highlighted is not None and highlighted < results.option_count:
            results.highlighted = highlighted

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        if event.seq != self._seq:
            return
        self.query_one("#search-hint", Static).update(Text(event.error, style="bold"))
        self.query_one("#search-hint", Static).display = True

    # -- keys -----------------------------------------------------------------------------------

    def action_to_results(self) -> None:
        results = self.query_one("#search-results", ResultList)
        if results.option_count:
            results.focus()

    @on(ResultList.LeftTop)
    def _back_to_input(self) -> None:
        self.query_one(Input).focus()

    @on(ResultList.Typed)
    def _typed(self, event: ResultList.Typed) -> None:
        box = self.query_one(Input)
        box.focus()
        box.insert_text_at_cursor(event.character)

    def action_edit(self) -> None:
        """Backspace on the results deletes in the search box (not the app's "go back")."""
        box = self.query_one(Input)
        box.focus()
        box.action_delete_left()

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", ResultList)
        option = results.highlighted_option
        if option is not None and option.id is not None and results.display:
            self.dismiss(option.id)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.searcher.cancel()
        self.query_one(Input).value = ""
        self.dismiss(None)
