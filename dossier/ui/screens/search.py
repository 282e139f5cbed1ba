"""The `/` screen: search the quotes as one types, open the one chosen in the Quotes pane.

Every keystroke interrupts the search still running (:meth:`dossier.search.Searcher.cancel`) and
starts the new one in a thread worker; a burst of keys already queued starts only one search, and
a result that arrives for an older query is dropped. Rows arrive as plain dataclasses
(:class:`dossier.search.SearchResult`); this screen writes no SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker

from dossier.deferred import dataclass
from dossier.errors import DossierError
from dossier.safetext import line, safe
from dossier.search import (
    HINT_EMPTY,
    QuoteHit,
    SearchCancelled,
    Searcher,
    SearchResult,
)
from dossier.ui.messages import AnnotateRequested, MarksChanged, PinRequested
from dossier.ui.widgets.text_view import fit

PIN_KEY = "ctrl+t"
NOTE_KEY = "ctrl+n"
"""Pin and annotate the highlighted result: keys that type nothing into the query box, and that
neither Textual's Input (ctrl+a/e/d/w/u/k/x/c/v), the app (ctrl+p, ctrl+q, ctrl+c) nor a raw
terminal (ctrl+h/i/j/m/[ are Backspace, Tab, Enter, Esc; tmux's prefix is ctrl+b) take."""

PLACEHOLDER = 'Search quotes: words, "a phrase", -word, a OR b, speaker:name'
SHOWN = 20
"""Results listed at most; the count line says how many match."""


Piece = tuple[int, int, str]
"""(start, end, component class) of a styled part of a result's text."""


def result_text(hit: QuoteHit, mark: str = "") -> tuple[str, list[Piece]]:
    """One result as plain text — who · when · kind, a line break, the snippet — and the styled
    parts of it (matched words marked); ``mark`` is the working-set mark (★ pinned, ✎ annotated)."""
    parts: list[str] = []
    pieces: list[Piece] = []
    at = 0

    def add(text: str, style: str = "") -> None:
        nonlocal at
        parts.append(text)
        if style:
            pieces.append((at, at + len(text), style))
        at += len(text)

    if mark:
        add(f"{mark} ", "result-list--strong")
    # Whose words these are, first: a claim in a quote is the speaker's, not the source's.
    if hit.speaker != "unattributed":
        add("according to ", "result-list--dim")
    add(line(hit.speaker), "result-list--strong")
    add(f" · {line(hit.date)} · {line(hit.kind)}", "result-list--dim")
    add("\n")
    plain, spans = hit.highlights()
    start = at
    add(safe(plain))  # control characters visible, one for one: the spans stay valid
    pieces.extend((start + a, start + b, "result-list--match") for a, b in spans)
    return "".join(parts), pieces


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """``text`` cut into rows of at most ``width`` cells, at spaces where it can be: each row's
    (start, end) in ``text``; a line break always starts a row."""
    rows: list[tuple[int, int]] = []
    width = max(width, 1)
    pos = 0
    for text_line in text.split("\n"):
        end_of_line = pos + len(text_line)
        start = pos
        while True:
            rest = text[start:end_of_line]
            if cell_len(rest) <= width:
                rows.append((start, end_of_line))
                break
            cut = start + fit(rest, width)
            space = text.rfind(" ", start, cut + 1)
            if space > start:
                rows.append((start, space))
                start = space + 1
            else:
                rows.append((start, cut))
                start = cut
        pos = end_of_line + 1
    return rows


class ResultList(ScrollView, can_focus=True):
    """The results, drawn a row at a time: a result is wrapped when the list's width changes or
    it first comes into view, never re-measured on each keystroke. Up on the first result goes
    back to the search box."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Previous result", show=False, id="search.results.up"),
        Binding("down", "cursor_down", "Next result", show=False, id="search.results.down"),
        Binding("enter", "select", "Open", tooltip="Open the quote", id="search.results.open"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--highlighted",
        "result-list--strong",
        "result-list--dim",
        "result-list--match",
    }

    DEFAULT_CSS = """
    ResultList {
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        & > .result-list--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .result-list--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .result-list--strong {
            text-style: bold;
        }
        & > .result-list--dim {
            text-style: dim;
        }
        & > .result-list--match {
            text-style: bold reverse;
        }
    }
    """

    highlighted: reactive[int | None] = reactive(None, always_update=True)

    class LeftTop(Message):
        """Up was pressed on the first result."""

    @dataclass
    class Typed(Message):
        """A printable key pressed on the results: it belongs in the search box."""

        character: str

    @dataclass
    class Selected(Message):
        """Enter (or a click) on a result."""

        record: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.hits: tuple[QuoteHit, ...] = ()
        self._texts: list[tuple[str, list[Piece]] | None] = []
        self._marks: dict[str, str] = {}
        self._rows: list[tuple[int, int, int]] = []
        """(result, start, end) of each row, for the width in ``_width``."""
        self._first_row: list[int] = []
        self._width = -1
        self._styles: tuple[Style, Style, dict[str, Style]] | None = None

    @property
    def option_count(self) -> int:
        return len(self.hits)

    def show(self, hits: tuple[QuoteHit, ...], marks: dict[str, str], keep: bool = False) -> None:
        """Show ``hits`` (``keep``: the same hits again, with new marks: keep the highlight)."""
        highlighted = self.highlighted if keep else None
        self.hits = hits
        self._marks = marks
        self._texts = [None] * len(hits)
        self._width = -1
        self._layout()
        if not hits:
            self.highlighted = None
        elif highlighted is not None and highlighted < len(hits):
            self.highlighted = highlighted
        else:
            self.highlighted = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def _text(self, index: int) -> tuple[str, list[Piece]]:
        text = self._texts[index]
        if text is None:
            hit = self.hits[index]
            text = self._texts[index] = result_text(hit, self._marks.get(hit.id, ""))
        return text

    def _layout(self) -> None:
        """Rows of every result at the current width (results are few: at most the limit)."""
        width = self.scrollable_content_region.width
        if width == self._width:
            return
        if (
            width <= 0
        ):  # hidden, or not laid out yet: wrapped when it has a width, not a row a letter
            self._rows, self._first_row = [], []
            self.virtual_size = Size(0, 0)
            return
        self._width = width
        rows: list[tuple[int, int, int]] = []
        first: list[int] = []
        for index in range(len(self.hits)):
            first.append(len(rows))
            text, _ = self._text(index)
            rows.extend((index, a, b) for a, b in wrap_offsets(text, width))
        self._rows, self._first_row = rows, first
        self.virtual_size = Size(width, len(rows))

    def on_resize(self) -> None:
        self._layout()
        self._scroll_to_highlight()

    def watch_highlighted(self) -> None:
        self._scroll_to_highlight()
        self.refresh()

    def _scroll_to_highlight(self) -> None:
        index = self.highlighted
        if index is None or index >= len(self._first_row):
            return
        top = self._first_row[index]
        end = self._first_row[index + 1] if index + 1 < len(self._first_row) else len(self._rows)
        self.scroll_to_region(
            Region(0, top, 1, end - top), animate=False, immediate=True, force=True
        )

    # -- keys and mouse -------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        # Every letter is query text, "p" and "a" too: pinning and annotating here are on keys
        # that cannot be typed into a query (the search screen's ctrl+t and ctrl+n).
        if event.is_printable and event.character:
            event.stop()  # not an app key ("q" quits, "1" changes pane): the user is typing
            event.prevent_default()
            self.post_message(self.Typed(event.character))

    def highlighted_hit(self) -> QuoteHit | None:
        index = self.highlighted
        return self.hits[index] if index is not None and index < len(self.hits) else None

    def _highlighted_quote(self) -> tuple[str, str] | None:
        hit = self.highlighted_hit()
        if hit is None:
            return None
        return hit.id, hit.highlights()[0][:80]

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
            self.highlighted = (self.highlighted or 0) - 1

    def action_cursor_down(self) -> None:
        if self.highlighted is not None and self.highlighted + 1 < len(self.hits):
            self.highlighted += 1

    def action_select(self) -> None:
        hit = self.highlighted_hit()
        if hit is not None:
            self.post_message(self.Selected(hit.id))

    def on_click(self, event: events.Click) -> None:
        row = round(self.scroll_y) + event.y
        if 0 <= row < len(self._rows):
            self.highlighted = self._rows[row][0]
            self.action_select()

    # -- drawing --------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = None  # the styles are looked up once a frame, not once a row
        self._layout()
        return super().render_lines(crop)

    def _line_styles(self) -> tuple[Style, Style, dict[str, Style]]:
        """The list's style, the highlighted result's, and each part's (for this frame)."""
        if self._styles is None:
            base = self.rich_style
            parts = {
                name: self.get_component_rich_style(name, partial=True)
                for name in ("result-list--strong", "result-list--dim", "result-list--match")
            }
            highlighted = base + self.get_component_rich_style("result-list--highlighted")
            self._styles = (base, highlighted, parts)
        return self._styles

    def render_line(self, y: int) -> Strip:
        width = max(self._width, 0)
        base, highlighted, parts = self._line_styles()
        row = round(self.scroll_y) + y
        if row >= len(self._rows):
            return Strip.blank(width, base)
        index, start, end = self._rows[row]
        text, pieces = self._text(index)
        style = highlighted if index == self.highlighted else base
        segments: list[Segment] = []
        at = start
        for a, b, name in pieces:
            if b <= at or a >= end:
                continue
            a = max(a, at)
            if a > at:
                segments.append(Segment(text[at:a], style))
            stop = min(b, end)
            segments.append(Segment(text[a:stop], style + parts[name]))
            at = stop
        if at < end:
            segments.append(Segment(text[at:end], style))
        used = cell_len(text[start:end])
        return Strip(segments, used).extend_cell_length(width, style)


def count_line(result: SearchResult) -> Text:
    if not result.total:
        return Text("No quotes match." if result.expression else "", style="italic")
    line = Text(result.count_label.capitalize(), style="bold")
    line.append(f" · {result.order_label}", style="dim")
    if result.total > len(result.hits):
        line.append(f" · first {len(result.hits):,} shown", style="dim")
    return line


class SearchScreen(ModalScreen[str | None]):
    """Search the dossier at ``db``: dismisses with the chosen quote's id, or ``None``."""

    CSS_PATH = Path(__file__).with_name("search.tcss")
    """Absolute: Textual reads a relative CSS_PATH beside the file of the class in use, which for
    a subclass elsewhere would not be this one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Clear and close search", id="search.close"),
        Binding(
            PIN_KEY,
            "pin",
            "Pin",
            tooltip="Pin or unpin the highlighted quote (letters always go into the query)",
            id="search.pin",
        ),
        Binding(
            NOTE_KEY,
            "annotate",
            "Note",
            tooltip="Write an annotation on the highlighted quote",
            id="search.annotate",
        ),
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
        self._asked: str | None = None
        """The text of the last search started."""
        self.result: SearchResult | None = None
        """The result shown (for tests and for the app)."""
        self._hint: str | None = HINT_EMPTY
        """The hint shown under the results (the empty box's, as composed); None: an error is
        shown there instead, which any next hint replaces."""

    def compose(self) -> ComposeResult:
        body = Vertical(id="search-body")
        body.border_title = "Search quotes"
        body.border_subtitle = "Enter open · ↓↑ move · ^t pin · ^n note · Esc close"
        with body:
            yield Input(
                self._initial, placeholder=PLACEHOLDER, select_on_focus=False, id="search-input"
            )
            yield Static(id="search-count")
            yield ResultList(id="search-results")
            yield Static(Text(HINT_EMPTY, style="dim"), id="search-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#search-results", ResultList).display = False
        box = self.query_one(Input)
        box.focus()
        # Searched as the text changes, before anything is drawn: the box's Changed message
        # reached this screen after the box's own frame (3-7 ms a key).
        self.watch(box, "value", self._changed, init=bool(self._initial))

    def on_unmount(self) -> None:
        self.searcher.close()

    # -- searching ------------------------------------------------------------------------------

    def _changed(self, text: str) -> None:
        """Search ``text``, the box's new value; the search still running is stopped."""
        if text == self._asked:
            return
        self._asked = text
        self._seq += 1
        self.searcher.cancel()  # the running search is for an older query
        self._search(self._seq, text)

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
        results.show(result.hits, self.marks())
        results.display = bool(result.hits)
        # One line high whatever it says: no layout of the screen for it (a keystroke's frame
        # is otherwise laid out again from the top).
        self.query_one("#search-count", Static).update(count_line(result), layout=False)
        hint_text = line(result.hint or "")
        if hint_text != self._hint:  # the same hint as the keystroke before: nothing to lay out
            self._hint = hint_text
            hint = self.query_one("#search-hint", Static)
            hint.update(Text(hint_text, style="dim"))
            hint.display = bool(hint_text)

    @on(MarksChanged)
    def refresh_marks(self) -> None:
        """Draw the results again with the current pins and annotations, keeping the highlight."""
        if self.result is None:
            return
        self.query_one("#search-results", ResultList).show(
            self.result.hits, self.marks(), keep=True
        )

    @on(Failed)
    def _failed(self, event: Failed) -> None:
        if event.seq != self._seq:
            return
        self._hint = None  # an error is shown there: the next hint is written whatever it is
        self.query_one("#search-hint", Static).update(Text(line(event.error), style="bold"))
        self.query_one("#search-hint", Static).display = True

    # -- keys -----------------------------------------------------------------------------------

    def action_pin(self) -> None:
        """Pin the highlighted result, from the box or the list alike."""
        self.query_one("#search-results", ResultList).action_pin()

    def action_annotate(self) -> None:
        self.query_one("#search-results", ResultList).action_annotate()

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
        hit = results.highlighted_hit()
        if hit is not None and results.display:
            self.dismiss(hit.id)

    @on(ResultList.Selected)
    def _selected(self, event: ResultList.Selected) -> None:
        event.stop()
        self.dismiss(event.record)

    def action_close(self) -> None:
        self.searcher.cancel()
        self._asked = ""  # the box is emptied for next time: nothing to search for as it closes
        self.query_one(Input).value = ""
        self.dismiss(None)
