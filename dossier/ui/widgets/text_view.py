"""A read-only view of a long text (the brief's Markdown) that draws only the lines on screen.

Textual's ``Markdown`` widget lays out every block of a document on the UI thread before the first
one is seen (about two seconds for the bundled case's brief). This view keeps the text as lines:
the first screenful is wrapped when it is first drawn, the rest in small steps between frames (or
at once when the user jumps past them), so a brief of any size shows its top at once. The
Markdown is shown as its source, which reads as plain text: headings in bold, quotations dimmed,
table rows cut at the edge rather than wrapped.
"""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.segment import Segment
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

CHUNK = 4_000
"""Source lines wrapped per step after the first screen."""

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Control characters (escape sequences would reach the terminal) and bidi overrides: the text
comes from the dossier, and is data, never terminal input. Found by a regular expression (a scan
in C: a brief of 100k records is tens of megabytes), replaced only where they are."""


def safe(text: str) -> str:
    """``text`` with tabs as spaces, controls shown as �, bidi overrides dropped."""
    if "\t" in text:
        text = text.replace("\t", "    ")
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(lambda m: "" if m.group() >= "\u202a" else "\ufffd", text)


PLAIN, HEADING, TITLE, QUOTE, TABLE, NOTE = range(6)


def _lines(text: str) -> int:
    """How many lines ``text`` holds (a last line with no line break counts)."""
    return text.count("\n") + (0 if text.endswith("\n") or not text else 1)


def line_kind(line: str) -> int:
    if line.startswith("# "):
        return TITLE
    if line.startswith("#"):
        return HEADING
    if line.startswith(">"):
        return QUOTE
    if line.startswith("|"):
        return TABLE
    if line.startswith("[^"):
        return NOTE
    return PLAIN


def wrap(line: str, width: int) -> list[str]:
    """``line`` in pieces of at most ``width`` cells, broken at spaces where it can be."""
    if cell_len(line) <= width:
        return [line]
    pieces: list[str] = []
    indent = len(line) - len(line.lstrip(" "))
    hang = " " * min(indent, width // 2)
    rest = line
    while cell_len(rest) > width:
        cut = fit(rest, width)
        space = rest.rfind(" ", 0, cut + 1)
        if space > len(hang):
            cut = space
        pieces.append(rest[:cut].rstrip(" "))
        rest = hang + rest[cut:].lstrip(" ")
        if rest == hang:
            rest = ""
            break
    if rest or not pieces:
        pieces.append(rest)
    return pieces


def fit(text: str, width: int) -> int:
    """How many characters of ``text`` fit in ``width`` cells (at least one)."""
    if text.isascii():
        return max(width, 1)
    used = 0
    for i, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(i, 1)
    return len(text)


class TextView(ScrollView, can_focus=True):
    """Shows ``text`` (set with :meth:`show`); arrows, Page Up/Down, Home and End scroll it."""

    COMPONENT_CLASSES = {  # noqa: RUF012 (a ClassVar in Textual)
        "text-view--title",
        "text-view--heading",
        "text-view--quote",
        "text-view--note",
    }

    DEFAULT_CSS = """
    TextView {
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
    }
    TextView > .text-view--title {
        text-style: bold;
        color: $text-accent;
    }
    TextView > .text-view--heading {
        text-style: bold;
    }
    TextView > .text-view--quote {
        color: $text-muted;
    }
    TextView > .text-view--note {
        color: $text-muted;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.source = ""
        """The text shown."""
        self._pos = 0
        """Where in the text the next line to wrap starts: lines are read as they are wrapped
        (splitting or sanitising a brief of tens of megabytes at once took seconds)."""
        self._left = 0
        """Lines not yet wrapped (each at least one row: the scroll height until all are)."""
        self._rows: list[tuple[str, int]] = []
        """Wrapped rows: their text and the kind of their source line."""
        self._width = 0
        self._streaming = False
        self._kept: dict[int, tuple[str, int, int, int, list[tuple[str, int]]]] = {}
        """The text shown before, with how far it was wrapped: showing it again is at once."""

    def show(self, text: str) -> None:
        """Show ``text`` from its top."""
        if self.source:
            state = (self.source, self._width, self._pos, self._left, self._rows)
            self._kept = {id(self.source): state}
        self.source = text
        kept = self._kept.get(id(text))
        if kept is not None and kept[0] is text and kept[1] == self._text_width():
            _, self._width, self._pos, self._left, self._rows = kept
            self._update_size()
            self.refresh()
        else:
            self._restart()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def extend(self, text: str) -> None:
        """Show ``text``, which goes on from the text shown (it starts with it): the rows
        wrapped and the scroll position stay, the new lines are wrapped as they are reached.
        Any other text is shown from its top."""
        old = self.source
        if not old or not text.startswith(old):
            self.show(text)
            return
        self.source = text
        self._left += _lines(text) - _lines(old)
        self._update_size()
        self.refresh()

    @property
    def complete(self) -> bool:
        """Whether every line is wrapped (the scroll height is final)."""
        return self._pos >= len(self.source)

    def _restart(self) -> None:
        self._pos = 0
        text = self.source
        self._left = _lines(text)
        self._rows = []
        self._width = self._text_width()
        self._update_size()
        self.refresh()

    def _text_width(self) -> int:
        return max(self.scrollable_content_region.width, 10)

    def _update_size(self) -> None:
        self.virtual_size = Size(self._width, len(self._rows) + self._left)

    def _wrap_until(self, rows: int) -> None:
        """Wrap source lines until ``rows`` rows exist (or all lines are wrapped)."""
        width, text, out = self._width, self.source, self._rows
        pos, end, left = self._pos, len(text), self._left
        if pos >= end or len(out) >= rows:
            return
        while len(out) < rows and pos < end:
            stop = text.find("\n", pos)
            if stop < 0:
                stop = end
            line = safe(text[pos:stop])
            pos = stop + 1
            left -= 1
            kind = line_kind(line)
            if kind == TABLE and cell_len(line) > width:
                out.append((line[: fit(line, width - 1)] + "…", kind))
            else:
                out.extend((piece, kind) for piece in wrap(line, width))
        self._pos, self._left = pos, max(left, 0)
        self._update_size()

    def _stream(self) -> None:
        """Wrap the next lines, then yield to the event loop until all are wrapped."""
        self._streaming = False
        if self.complete or not self.is_attached:
            return
        self._wrap_until(len(self._rows) + CHUNK)
        if not self.complete:
            self._streaming = True
            self.set_timer(0.01, self._stream)

    def on_resize(self) -> None:
        if self._text_width() != self._width:
            top = self.scroll_y / max(self.virtual_size.height, 1)
            self._restart()
            self._wrap_until(round(top * self._left) + self.size.height)
            self.scroll_to(y=round(top * self.virtual_size.height), animate=False)

    def action_scroll_end(self) -> None:
        """End: the end of the text, so every line is wrapped first (the height is then known)."""
        self._wrap_until(len(self._rows) + len(self.source) + 1)
        super().action_scroll_end()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._text_width() != self._width:
            # The vertical scrollbar came or went: the widget kept its size (no Resize), the
            # width for the text did not. Rows wrapped at the old width are wrapped again.
            self.on_resize()
        # The rows about to be drawn (and a screenful more) are wrapped first.
        bottom = round(self.scroll_y) + self.size.height * 2
        self._wrap_until(bottom)
        if not self.complete and not self._streaming:
            self._streaming = True
            self.set_timer(0.05, self._stream)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        row = round(self.scroll_y) + y
        if row >= len(self._rows):
            return Strip.blank(width, base)
        text, kind = self._rows[row]
        style = base
        if kind == TITLE:
            style = base + self.get_component_rich_style("text-view--title")
        elif kind == HEADING:
            style = base + self.get_component_rich_style("text-view--heading")
        elif kind == QUOTE:
            style = base + self.get_component_rich_style("text-view--quote")
        elif kind == NOTE:
            style = base + self.get_component_rich_style("text-view--note")
        return Strip([Segment(text, style)], cell_len(text)).extend_cell_length(width, base)
