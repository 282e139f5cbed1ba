"""The `?` screen: every key of the app, by where it works."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


def _key_label(key: str) -> str:
    names = {
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "slash": "/",
        "escape": "Esc",
        "backspace": "Backspace",
        "enter": "Enter",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "home": "Home",
        "end": "End",
        "down": "↓",
        "up": "↑",
        "tab": "Tab",
        "shift+tab": "Shift+Tab",
        "ctrl+p": "Ctrl+P",
        "ctrl+s": "Ctrl+S",
        "ctrl+t": "Ctrl+T",
        "ctrl+n": "Ctrl+N",
        "shift+up": "Shift+↑",
        "shift+down": "Shift+↓",
    }
    return " / ".join(names.get(k.strip(), k.strip()) for k in key.split(","))


def key_rows(sections: list[tuple[str, list[BindingType]]]) -> Group:
    """One heading and one two-column grid of keys per section."""
    parts: list[RenderableType] = []
    for title, bindings in sections:
        parts.append(Text(title, style="bold underline"))
        table = Table.grid(padding=(0, 2), expand=True)
        table.add_column(no_wrap=True, style="bold", max_width=18)
        table.add_column(ratio=1)
        panes = [b for b in bindings if isinstance(b, Binding) and (b.id or "").startswith("pane.")]
        if panes:
            keys = f"{panes[0].key}–{panes[-1].key}"
            table.add_row(keys, " · ".join(f"{b.key} {b.description}" for b in panes))
        for b in bindings:
            if not isinstance(b, Binding) or not b.description or b in panes:
                continue
            table.add_row(_key_label(b.key), b.tooltip or b.description)
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Lists every key; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False),
        Binding("k,up", "scroll(-1)", "Up", show=False),
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("g,home", "ends(0)", "Top", show=False),
        Binding("G,end", "ends(1)", "Bottom", show=False),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body", can_focus=True):
            title = Text("Keys", style="bold")
            title.append(
                "  — Esc, q or ? closes; j k ↓ ↑, PgDn PgUp, g G scroll", style="not bold dim"
            )
            yield Static(title, id="help-title")
            yield Static(key_rows(self.sections))
            yield Static(
                Text("Esc, q or ? closes this screen.", style="dim"),
                id="help-foot",
            )

    def action_close(self) -> None:
        self.dismiss(None)

    def _body(self) -> VerticalScroll:
        return self.query_one("#help-body", VerticalScroll)

    def action_scroll(self, lines: int) -> None:
        body = self._body()
        body.scroll_to(y=body.scroll_y + lines, animate=False)

    def action_page(self, pages: int) -> None:
        body = self._body()
        step = max(body.scrollable_content_region.height - 1, 1)
        body.scroll_to(y=body.scroll_y + pages * step, animate=False)

    def action_ends(self, end: int) -> None:
        body = self._body()
        body.scroll_to(y=body.max_scroll_y if end else 0, animate=False)
