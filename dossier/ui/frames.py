"""A changed screen drawn on the next frame tick, not the one after: a fix to Textual's timer.

Textual draws a changed screen on the tick of an interval timer (``TEXTUAL_FPS`` ticks a second),
paused while nothing changes. When a tick comes late — after every pause — ``Timer._run`` skips
the ticks whose time has passed with ``count = int((now - start) / interval + 1)`` and then waits
for tick ``count + 1``: the second tick still ahead, not the first. So whatever changes shortly
after a frame (search results ready a few milliseconds after the keystroke's frame) waited one to
two periods for its frame instead of at most one: 8–17 ms at 120 frames a second, where 0–8 ms
is due. Textual 8.2.8 still does so; the arithmetic here is the intended one.

It applies to every timer that skips missed ticks (the screens' updates, ``set_interval``): after
a late tick, the next may come less than a period after it, as the next one due. Only
:mod:`dossier.ui.launch` installs it, for the console script, and only over the Textual version
it was written against (:data:`FOR_TEXTUAL`): another version keeps its own timer. A test says so
when the locked Textual changes.
"""

from __future__ import annotations

from pathlib import Path

import textual
from textual import _time
from textual._time import sleep
from textual.timer import EventTargetGone, Timer

FOR_TEXTUAL = ("8.2.8",)
"""The Textual versions whose ``Timer._run`` this replaces."""

_installed = False


async def _run(self: Timer) -> None:
    """``Timer._run`` of Textual 8.2.8, with the next tick after a late one the first still
    ahead (and a zero interval ticking as often as it can, where Textual divided by it)."""
    count = 0
    _repeat = self._repeat
    _interval = self._interval
    self._active  # Force instantiation in same thread  # noqa: B018
    await self._active.wait()
    start = _time.get_time()

    while _repeat is None or count <= _repeat:
        next_timer = start + ((count + 1) * _interval)
        now = _time.get_time()
        if self._skip and next_timer < now and _interval > 0:
            # Ticks up to `now` have passed: the next is tick `passed + 1`. At least one more
            # than before, whatever the rounding, so that the loop always moves on.
            count = max(int((now - start) / _interval), count + 1)
            continue
        now = _time.get_time()
        wait_time = max(0, next_timer - now)
        await sleep(wait_time)
        count += 1
        await self._active.wait()
        if self._reset:
            start = _time.get_time()
            count = 0
            self._reset = False
            continue
        try:
            await self._tick(next_timer=next_timer, count=count)
        except EventTargetGone:
            break


def install() -> bool:
    """Replace ``Timer._run`` if this Textual is one of :data:`FOR_TEXTUAL`; whether it is."""
    global _installed
    if _installed:
        return True
    if _textual_version() not in FOR_TEXTUAL:
        return False
    Timer._run = _run  # type: ignore[method-assign]
    _installed = True
    return True


def _textual_version() -> str | None:
    """The version of the Textual imported, from its installed metadata's folder name: one
    directory listing (``importlib.metadata`` took 10-20 ms on the way to the first frame)."""
    site = Path(textual.__file__).parent.parent
    try:
        names = [p.name for p in site.iterdir() if p.name.startswith("textual-")]
    except OSError:
        return None
    found = [n[len("textual-") : -len(".dist-info")] for n in names if n.endswith(".dist-info")]
    return found[0] if len(found) == 1 else None  # none, or leftovers of another: not known
