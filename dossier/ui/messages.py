"""Messages that thread workers post back to the UI thread: plain dataclasses, no live rows."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from dossier.queries import Overview, Place, RecordDetail, SourceText


@dataclass
class CaseLoaded(Message):
    """The case header, key figures and pane sizes are read."""

    overview: Overview


@dataclass
class DetailLoaded(Message):
    pane: str
    detail: RecordDetail | None
    source: SourceText | None = None


@dataclass
class PlaceFound(Message):
    """Where a record asked for by a link, the palette or a search result is shown."""

    place: Place | None
    record: str
    remember: bool = True


@dataclass
class BuildFinished(Message):
    error: str | None
