"""The annotation editor: a private, multi-line note on one record."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static, TextArea

from dossier.safetext import line, safe
from dossier.ui.screens.confirm import Confirm


class AnnotationEditor(ModalScreen[str | None]):
    """Ctrl+S saves (an empty note removes the annotation); Escape cancels, asking first when
    there are unsaved changes."""

    AUTO_FOCUS = "#annotate-text"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="annotate.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="annotate.cancel", priority=True),
    ]

    def __init__(
        self, title: str, text: str = "", *, reason: str = "", saved: str | None = None
    ) -> None:
        """``reason``: why the text is back in the editor (not saved, a conflict); ``saved``: the
        text on record when it differs from ``text`` (Escape then asks before throwing away)."""
        super().__init__()
        self.record_title = title
        # An annotation may come from an imported working set: the editor draws its text as it
        # is, so control characters are made visible first (and saved so, if saved).
        self.initial = safe(text)
        self.reason = reason
        self.original = self.initial if saved is None else safe(saved)

    def compose(self) -> ComposeResult:
        with Vertical(id="annotate-box"):
            head = Text("Your annotation", style="bold")
            head.append(
                " — private, the analyst's own; never mixed with sourced facts\n", style="dim"
            )
            head.append(line(self.record_title))
            if self.reason:
                head.append(f"\n{line(self.reason)}", style="bold red")
            yield Static(head, id="annotate-head")
            yield TextArea(
                self.initial, id="annotate-text", soft_wrap=True, show_line_numbers=False
            )
            yield Static(
                Text(
                    "Ctrl+S save · Esc cancel · an empty note removes the annotation", style="dim"
                ),
                id="annotate-help",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            Confirm("Throw away the changes to this annotation?", yes="Discard", no="Keep editing"),
            answered,
        )
