"""The `c` screen: what changed since a date or source — new, changed and superseded facts, each
with the source that says so (:func:`dossier.asof.changes_since`). Enter on nothing: it is a
reading screen; Esc, q or c closes it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from dossier.asof import HEADS, Changes
from dossier.safetext import line


def changes_text(changes: Changes) -> Text:
    """The changes as plain text (data is never read as markup)."""
    c = changes.cutoff
    out = Text()
    out.append(line(f"What changed since {c.label}"), style="bold")
    out.append("\n\n")
    if changes.sources:
        out.append("Sources since\n", style="bold underline")
        for m in changes.sources:
            out.append(line(f"  {m.when} — {m.title}") + "\n")
    else:
        out.append("No source was published since.\n")
    for what, head in HEADS.items():
        listed = changes.of(what)
        out.append(f"\n{head} ({len(listed)})\n", style="bold underline")
        if not listed:
            out.append("  Nothing.\n", style="dim")
        for ch in listed:
            out.append("  ")
            out.append(line(f"{ch.kind}: "), style="bold")
            out.append(line(ch.title))
            if ch.text != ch.title:
                out.append(line(f" — {ch.text}"))
            if ch.source:
                out.append(line(f"  [{ch.source_title}, {ch.source_date}]"), style="dim")
            out.append("\n")
    return out


class ChangesScreen(ModalScreen[None]):
    """Lists what changed since the cutoff; Esc, q or c closes it."""

    DEFAULT_CSS = """
    ChangesScreen { align: center middle; }
    #changes-body {
        width: 100; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: thick $primary; padding: 0 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,c", "close", "Close", id="changes.close"),
    ]

    def __init__(self, changes: Changes) -> None:
        super().__init__()
        self.changes = changes

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="changes-body", can_focus=True):
            yield Static(changes_text(self.changes), id="changes-text")
            yield Static(Text("Esc, q or c closes this screen.", style="dim"))

    def on_mount(self) -> None:
        self.query_one("#changes-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
