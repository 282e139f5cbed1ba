"""The footer, showing the keys that fit: at 80 columns Textual's footer cut its last keys (the
Pinned pane's left ``q▏``). Keys are dropped least useful first until the rest fit whole; every
key stays in the help (``?``)."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

KEEP_FIRST = (
    "quit",
    "help",
    "go_back",
    "choose",
    "select",
    "copy(False)",
    "search",
    "pin",
    "annotate",
    "export",
    "command_palette",
    "toggle_mine",
    "move_pin(-1)",
    "move_pin(1)",
)
"""Actions by how much the footer needs them; the last go first. Others rank after ``export``."""


def _rank(key: FooterKey) -> int:
    action = key.action.rsplit(".", 1)[-1]
    if key.has_class("-command-palette"):
        action = "command_palette"
    try:
        return KEEP_FIRST.index(action)
    except ValueError:
        return KEEP_FIRST.index("export") + 1


def _cost(key: FooterKey) -> int:
    """Cells a compact key takes: its key, a space, its words, a space (the palette's key, docked
    right, has a border and padding too)."""
    extra = 4 if key.has_class("-command-palette") else 2
    return cell_len(key.key_display) + cell_len(key.description) + extra


class FittingFooter(Footer):
    _width = 0

    def compose(self) -> ComposeResult:
        items: list[Widget] = list(super().compose())
        keys = [w for w in items if isinstance(w, FooterKey)]
        room = self.size.width or self.app.size.width
        used = sum(_cost(k) for k in keys)
        dropped: set[int] = set()
        for key in sorted(keys, key=_rank, reverse=True):
            if used <= room:
                break
            dropped.add(id(key))
            used -= _cost(key)
        kept = [w for w in items if id(w) not in dropped]
        self.styles.grid_size_columns = max(
            sum(1 for w in kept if not w.has_class("-command-palette")), 1
        )
        yield from kept

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._width:
            self._width = event.size.width
            self.call_after_refresh(self.recompose)
