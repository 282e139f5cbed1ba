"""A yes/no question as a modal screen: `y` or Enter on the focused button answers it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from dossier.safetext import safe


class Confirm(ModalScreen[bool]):
    """Ask ``question``; dismisses with True for yes, False for no (Escape means no)."""

    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }
    Confirm #confirm-box {
        width: 64;
        max-width: 95%;
        height: auto;
        background: $panel;
        border: thick $warning;
        padding: 1 2;
    }
    Confirm #confirm-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    Confirm Button {
        margin-left: 2;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(safe(self.question), style="bold"), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="warning")
                yield Button(f"{self.no} (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
