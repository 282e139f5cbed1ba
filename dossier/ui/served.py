"""One browser session of ``dossier serve``: ``python -m dossier.ui.served DB``.

textual-serve runs this per session with Textual's web driver, so the app draws into the page.
A dossier that cannot be opened shows its one-line error in the page (a terminal would print
it; a browser has only the screen), and the same line goes to standard error, which the server
prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import Static

from dossier.errors import DossierError


def _visible(text: str) -> str:
    """Control characters (an escape sequence in a file name) shown as ``?``, never sent."""
    return "".join(
        "?" if (ord(ch) < 32 or 127 <= ord(ch) < 160 or 0x202A <= ord(ch) <= 0x202E) else ch
        for ch in text
    )


class ErrorApp(App[None]):
    """A screen with one error line on it, and how to leave."""

    CSS = "Screen { align: center middle; } #error { width: auto; max-width: 90%; padding: 1 2; }"
    BINDINGS = [("q", "quit", "Quit")]  # noqa: RUF012

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        text = Text("dossier: error: ", style="bold red")
        text.append(self.message)  # data: plain text, never markup
        text.append("\n\nq closes this session.", style="dim")
        yield Static(text, id="error")


def main(argv: list[str]) -> int:
    from dossier import store
    from dossier.errors import shown

    if len(argv) != 1:
        message = "usage: python -m dossier.ui.served DB"
    else:
        path = Path(argv[0])
        try:
            store.validate(path)
        except DossierError as exc:
            message = exc.message.replace(str(path), shown(path), 1)
        else:
            from dossier.ui.launch import launch_path

            try:
                launch_path(path)
            except DossierError as exc:  # the app has run and ended: the page says so
                print(f"dossier: error: {exc.message}", file=sys.stderr)
                return 2
            return 0
    print(f"dossier: error: {message}", file=sys.stderr)
    ErrorApp(_visible(message)).run()
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
