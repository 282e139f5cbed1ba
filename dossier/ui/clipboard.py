"""Whether the terminal will put what the app copies on the clipboard, as far as can be told.

Textual's ``App.copy_to_clipboard`` writes an OSC 52 escape sequence and cannot know whether the
terminal obeyed: it only notes that macOS Terminal does not. So the app says what it copied, and
names the terminal when its environment says it is one known to ignore OSC 52, or tmux, which
passes it on only with ``set-clipboard on``. Read from the environment only; nothing is written.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Mapping

NO_OSC52 = {
    "Apple_Terminal": "macOS Terminal",
}
"""``TERM_PROGRAM`` values of terminals that ignore OSC 52 (Textual's own note names this one)."""


def tmux_set_clipboard() -> str | None:
    """tmux's ``set-clipboard`` option (``on``, ``external``, ``off``), asked of the tmux server
    the app runs in; None if it cannot be asked."""
    tmux = shutil.which("tmux")
    if tmux is None:
        return None
    try:
        done = subprocess.run(
            [tmux, "show-options", "-gv", "set-clipboard"],
            capture_output=True,
            text=True,
            timeout=1,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def clipboard_caveat(
    env: Mapping[str, str], tmux_option: Callable[[], str | None] | None = None
) -> str | None:
    """A sentence on why the copy may not reach the clipboard in this terminal, or None.
    ``tmux_option`` asks tmux for its ``set-clipboard`` (run in a worker: it starts a process)."""
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    if env.get("TMUX"):
        if (tmux_option or tmux_set_clipboard)() == "on":
            return None
        return (
            "inside tmux, it reaches the clipboard only with `set -g set-clipboard on` "
            "(in ~/.tmux.conf, or `tmux set -g set-clipboard on` now)"
        )
    if term.startswith("screen") and env.get("STY"):
        return "GNU screen passes OSC 52 clipboard writes on only when configured to"
    if program in NO_OSC52:
        return f"{NO_OSC52[program]} may not support OSC 52 clipboard writes"
    if env.get("VTE_VERSION") and not program:
        return "GNOME Terminal (and other VTE terminals) may not support OSC 52 clipboard writes"
    if term == "linux":
        return "the Linux console has no clipboard for OSC 52"
    return None
