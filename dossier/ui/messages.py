"""Messages that thread workers post back to the UI thread: plain dataclasses, no live rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field

from textual.message import Message

from dossier.deferred import dataclass
from dossier.queries import Overview, Place, RecordDetail, RowData, SourceText


@dataclass
class CaseLoaded(Message):
    """The case header, key figures and pane sizes are read, and the first page of every pane
    with them: the first screen has rows at once, and so has each pane when first opened."""

    overview: Overview
    first_pages: dict[str, list[RowData]] = field(default_factory=dict)


class EarlyReadFailed(Message):
    """The read started before the app failed: the app reads again on its usual path."""


@dataclass
class DetailLoaded(Message):
    pane: str
    detail: RecordDetail | None
    """None when the record is not in the dossier (an orphaned pin)."""
    source: SourceText | None = None
    annotation: str | None = None
    record: str = ""


@dataclass
class PlaceFound(Message):
    """Where a record asked for by a link, the palette or a search result is shown."""

    place: Place | None
    record: str
    remember: bool = True


@dataclass
class BuildFinished(Message):
    error: str | None
    previous_ok: bool = False
    """After a failed build: whether the last good database is still there to open."""


@dataclass
class WorksetChanged(Message):
    """A pin or annotation was saved (or could not be: ``error``)."""

    message: str
    error: bool = False
    select: str | None = None
    """A pinned record to keep selected in the Pinned pane (after a move)."""


@dataclass
class MarksLoaded(Message):
    marks: dict[str, str]
    pinned: int
    """Rows of the Pinned pane: pinned records, then those only annotated."""
    select: int | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    """The version of each of the user's annotations, saved against (compare-and-set)."""
    status: str = ""
    """The team working set's state: offline, writes waiting, writes refused."""
    refused: list[str] = field(default_factory=list)
    """Writes the server refused since last said, each with its text."""


@dataclass
class AnnotationNotSaved(Message):
    """An annotation could not be saved: the editor opens again with the text (or, after a
    conflict, both texts) and the reason, so nothing typed is lost."""

    record: str
    title: str
    kind: str
    text: str
    version: int
    reason: str


@dataclass
class PinRequested(Message):
    """Pin or unpin a record shown outside the panes (a search result)."""

    record: str
    title: str = ""


@dataclass
class AnnotateRequested(Message):
    """Open the annotation editor for a record shown outside the panes (a search result)."""

    record: str
    title: str = ""


@dataclass
class GoTo(Message):
    """Show a record in its pane, selected: a link followed, a timeline row opened, a palette hit.
    Widgets post it; the app, which owns the panes and the history, handles it."""

    record: str
    remember: bool = True


@dataclass
class WorkerFailed(Message):
    """A widget's worker failed: the app reports every failure in one place."""

    error: BaseException | None


@dataclass
class MarksChanged(Message, bubble=False):
    """Posted by the app to the screen on top when pins or annotations changed, so a screen that
    shows marks (the search results) draws them again."""

    marks: dict[str, str]


@dataclass
class OpenInSource(Message):
    """Show a cited span in its source, in the Sources pane (``o``, or Enter on an evidence span)."""

    source: str
    start: int
    end: int


@dataclass
class Copied(Message):
    """A citation was read (in a worker) and is to be copied to the clipboard."""

    text: str
    what: str
    markdown: bool
    caveat: str | None = None
    """Why the terminal may not put it on the clipboard (:mod:`dossier.ui.clipboard`)."""


@dataclass
class ViewLoaded(Message):
    """The rows of a pane's filter or sort are read: its loader, row count and first page."""

    pane: str
    asked: int
    loader: Callable[[int, int], list[RowData]]
    total: int
    first: list[RowData]
    cursor: int = 0
    count: Callable[[], int] | None = None
    """Counts the rows when ``total`` is only "at least" (read after the first rows show)."""


@dataclass
class ViewCounted(Message):
    """Every row of a pane's filter is counted."""

    pane: str
    asked: int
    total: int
