"""Progress on long work: a phase, a count, a rate and the time left, for whoever is waiting.

The library reports through the :class:`Reporter` protocol (``phase`` names a step and its size,
``advance`` counts what is done); it never knows where the report goes. :data:`QUIET` drops it;
:class:`RichProgress` draws a Rich progress line on a terminal — on standard error, so that a brief
written to standard output stays clean — and only once the work has taken longer than ``delay``
(half a second), so quick work prints nothing; :class:`StatusProgress` gives the app's status line a
short text at most ten times a second. :func:`for_cli` chooses for the command line: a terminal gets
the progress line, a pipe or a file gets nothing, ``--progress`` and ``--quiet`` decide otherwise.

Never imports Textual; Rich is imported only when a progress line may be drawn.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import ProgressColumn, TaskID

T = TypeVar("T")

DELAY = 0.5
"""Seconds of work before a progress line appears."""
FLUSH_EVERY = 0.1
"""Seconds between updates passed on (advances are counted locally in between)."""


class Reporter(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A new step of the work: ``name`` ("checking evidence"), and how many items it has
        (None: not known)."""

    def advance(self, n: int = 1) -> None:
        """``n`` more items of the current step are done."""


class _Quiet:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


QUIET: Reporter = _Quiet()


def counted(items: Iterable[T], progress: Reporter) -> Iterator[T]:
    """``items``, advancing ``progress`` by one for each."""
    for item in items:
        yield item
        progress.advance()


class _Batched:
    """Counts advances locally and passes them on at most every :data:`FLUSH_EVERY` seconds: a
    million calls of ``advance`` cost a million additions, not a million redraw requests."""

    def __init__(self) -> None:
        self._pending = 0
        self._next = 0.0
        self._name = ""
        self._total: int | None = None
        self._done = 0

    def phase(self, name: str, total: int | None = None) -> None:
        self._flush(force=True)
        self._name, self._total, self._done = name, total, 0
        self._started_phase(name, total)

    def advance(self, n: int = 1) -> None:
        self._pending += n
        if self._pending >= 64 or n > 1:
            self._flush()

    def _flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now < self._next:
            return
        self._next = now + FLUSH_EVERY
        if self._pending:
            self._done += self._pending
            pending, self._pending = self._pending, 0
            self._advanced(pending)

    def _started_phase(self, name: str, total: int | None) -> None:
        raise NotImplementedError

    def _advanced(self, n: int) -> None:
        raise NotImplementedError


class StatusProgress(_Batched):
    """For a status line: ``show`` gets "prefix: checking evidence 1,234 of 5,000…" (called from
    the working thread; the caller hands it to its UI thread)."""

    def __init__(self, show: Callable[[str], None], prefix: str = "") -> None:
        super().__init__()
        self._show = show
        self._prefix = prefix

    def _text(self) -> str:
        head = f"{self._prefix}: " if self._prefix else ""
        if self._total:
            return f"{head}{self._name} {self._done:,} of {self._total:,}…"
        if self._done:
            return f"{head}{self._name} {self._done:,}…"
        return f"{head}{self._name}…"

    def _started_phase(self, name: str, total: int | None) -> None:
        self._show(self._text())

    def _advanced(self, n: int) -> None:
        self._show(self._text())


class RichProgress(_Batched):
    """A Rich progress line — spinner, phase, bar, count, rate, time left — shown once the work
    has lasted ``delay`` seconds, and cleared when it ends. Use it as a context manager."""

    def __init__(self, console: Console, delay: float = DELAY) -> None:
        super().__init__()
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        count_column, rate_column = _columns()
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            count_column(),
            rate_column(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            refresh_per_second=8,
        )
        self._task: TaskID | None = None
        self._delay = delay
        self._lock = threading.Lock()
        self._shown = False
        self._closed = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> RichProgress:
        if self._delay <= 0:
            self._show()
        else:
            self._timer = threading.Timer(self._delay, self._show)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._shown:
                self._progress.stop()

    @property
    def shown(self) -> bool:
        return self._shown

    def _show(self) -> None:
        with self._lock:
            if not self._closed and not self._shown:
                self._shown = True
                self._progress.start()

    def _started_phase(self, name: str, total: int | None) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(name, total=total)

    def _advanced(self, n: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)


def _columns() -> tuple[type[ProgressColumn], type[ProgressColumn]]:
    from rich.progress import ProgressColumn, Task
    from rich.text import Text

    # (Defined here so that importing this module does not import Rich.)

    class CountColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            done = int(task.completed)
            text = f"{done:,}/{int(task.total):,}" if task.total is not None else f"{done:,}"
            return Text(text, style="progress.download")

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f}/s" if speed else "", style="progress.data.speed")

    return CountColumn, RateColumn


Mode = Literal["auto", "on", "off"]


class _QuietContext:
    def __enter__(self) -> Reporter:
        return QUIET

    def __exit__(self, *exc: object) -> None:
        pass


def _may_be_terminal() -> bool:
    """Whether Rich could take standard error for a terminal: a TTY, or one of the variables
    by which Rich is told so (``TTY_COMPATIBLE``, ``FORCE_COLOR``). When not, no progress line
    can be drawn, and the answer costs no import of Rich."""
    import os
    import sys

    if os.environ.get("TTY_COMPATIBLE", "") in ("0", "1") or "FORCE_COLOR" in os.environ:
        return True  # Rich decides
    isatty = getattr(sys.stderr, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except (OSError, ValueError):
        return False


def for_cli(
    progress: bool = False, quiet: bool = False, *, console: Console | None = None
) -> RichProgress | _QuietContext:
    """The reporter for a command: with ``quiet``, none; with ``progress``, a progress line even
    where standard error is not a terminal (and at once); otherwise one on a terminal only, after
    :data:`DELAY`. Use it as a context manager."""
    if quiet or (console is None and not progress and not _may_be_terminal()):
        return _QuietContext()  # Rich is not imported: it costs more than a quick command
    from rich.console import Console

    err = console if console is not None else Console(stderr=True)
    if not err.is_terminal:
        if not progress:
            return _QuietContext()
        err = Console(file=err.file, force_terminal=True)
    return RichProgress(err, delay=0 if progress else DELAY)
