"""Which brief the export screen shows: the whole case, the pins, a person, events since a date.

The app offers the same briefs as ``dossier export`` (``--pinned``, ``--person``, ``--since``). Each
is a :class:`Mode` in :data:`MODES`: its key in the export screen, what it asks for (nothing, a
person, a date), how it is named on screen and in a file name, and how it is made. A new kind of
brief (changes since a date, the case as of a date) is one more entry here; the screen draws its
key, its prompt and its title from the entry.

Never imports Textual: the screen calls :func:`make` from a worker thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from dossier.brief import Since, brief_parts
from dossier.errors import DossierError

if TYPE_CHECKING:
    from dossier.queries import Reader
    from dossier.workset import WorkItem

Ask = Literal["nothing", "person", "date"]

DATE_PROMPT = "Events from which date on? YYYY, YYYY-MM or YYYY-MM-DD"


@dataclass(frozen=True, slots=True)
class Choice:
    """One brief: its mode's name and what was chosen for it (a person's id, a date)."""

    mode: str = "whole"
    value: str | None = None
    """The person's id, or the date as typed (``2025-03``)."""
    label: str | None = None
    """The person's name, or the date as a reader says it (``March 2025``)."""


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    key: str
    """Its key in the export screen."""
    button: str
    """Its name in the screen's list of choices and the footer: ``Whole case``."""
    tooltip: str
    ask: Ask
    """What the screen asks for before making it."""
    what: Callable[[Choice], str]
    """What the preview shows, said in a few words: ``Betsy Chávez and the records linked``."""
    make: Callable[[Reader, Choice, Sequence[WorkItem] | None], Iterator[str]]
    """The brief's Markdown in pieces, its top first (from a worker thread)."""
    stem: Callable[[Choice], str]
    """The part of the file name that says which brief it is: ``brief``, ``pinned-brief``."""
    pins: bool = False
    """Made from the working set's pinned records (the screen reads them first)."""
    prompt: str = ""
    """The question asked when ``ask`` is not ``nothing``."""
    check: Callable[[str], Choice] | None = None
    """For a date asked: what was typed, checked (one-line :class:`DossierError` if not)."""


def _whole(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None) -> Iterator[str]:
    return brief_parts(reader)


def _pins(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None) -> Iterator[str]:
    return brief_parts(reader, pins=list(pins or ()))


def _person(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None) -> Iterator[str]:
    return brief_parts(reader, persons=(choice.value or "",))


def _since(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None) -> Iterator[str]:
    return brief_parts(reader, since=Since.parse(choice.value or ""))


def _changes(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None) -> Iterator[str]:
    """What the sources published after a date or a source add (``export --changes-since``),
    from the case file the dossier was built from (:mod:`dossier.asof`)."""
    from dossier import asof

    case = asof.case_of(reader.path, reader.meta)
    know = asof.Knowledge(case)
    cutoff = asof.resolve(choice.value or "", know.points, "changes since")
    yield asof.changes_markdown(asof.changes_since(case, cutoff, know), case.info.title)


def _typed(mode: str) -> Callable[[str], Choice]:
    def check(value: str) -> Choice:
        text = value.strip()
        if not text:
            raise DossierError("type a date (YYYY, YYYY-MM or YYYY-MM-DD) or a source id")
        return Choice(mode, text, text)

    return check


def slug(text: str) -> str:
    """``Betsy Chávez`` → ``betsy-chavez``: for a file name."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:40] or "x"


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode(
            "whole",
            "w",
            "Whole case",
            "The brief of the whole case",
            "nothing",
            lambda c: "the whole case",
            _whole,
            lambda c: "brief",
        ),
        Mode(
            "pins",
            "p",
            "From pins",
            "The brief from your pinned records, with your annotations as working notes",
            "nothing",
            lambda c: "from your pins",
            _pins,
            lambda c: "pinned-brief",
            pins=True,
        ),
        Mode(
            "person",
            "n",
            "Person…",
            "The brief of one person or organisation and the records linked to them",
            "person",
            lambda c: f"{c.label or c.value} and the records linked to them",
            _person,
            lambda c: f"brief-{slug(c.value or '')}",
            prompt="Brief of which person or organisation?",
        ),
        Mode(
            "since",
            "d",
            "Since…",
            "The brief of events dated from a date on (people, notes and sources whatever "
            "their dates)",
            "date",
            lambda c: f"events from {c.label or c.value} on",
            _since,
            lambda c: f"brief-since-{slug(c.value or '')}",
            prompt=DATE_PROMPT,
            check=lambda value: check_date(value),
        ),
        Mode(
            "changes",
            "c",
            "Changes since…",
            "What the sources published after a date or a source added (export --changes-since)",
            "date",
            lambda c: f"what changed since {c.label or c.value}",
            _changes,
            lambda c: f"changes-since-{slug(c.value or '')}",
            prompt="What changed since which date or source? YYYY[-MM[-DD]] or a source id",
            check=_typed("changes"),
        ),
    )
}
"""The briefs the export screen offers, in the order it lists them."""


def check_date(value: str) -> Choice:
    """A since-date as typed, checked: :class:`DossierError` with one line saying why not."""
    window = Since.parse(value)
    return Choice("since", window.value, window.display())


def file_name(meta: dict[str, str], choice: Choice, fmt: str = "md") -> str:
    """``castillo-chavez-brief-betsy-chavez-2025-11-04.md``: the case id, which brief, the
    as-of date (the newest source)."""
    mode = MODES.get(choice.mode)
    if mode is None:
        raise DossierError(f"no brief of the kind {choice.mode!r}")
    case_id = meta.get("case_id") or "dossier"
    as_of = meta.get("as_of")
    stem = f"{case_id}-{mode.stem(choice)}"
    return f"{stem}-{as_of}.{fmt}" if as_of else f"{stem}.{fmt}"


def parts(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None = None) -> Iterator[str]:
    """The Markdown of the brief ``choice`` in pieces, its top first (the pins are those of the
    working set for a brief from pins): joined, :func:`make`'s text."""
    mode = MODES.get(choice.mode)
    if mode is None:
        raise DossierError(f"no brief of the kind {choice.mode!r}")
    return mode.make(reader, choice, pins)


def make(reader: Reader, choice: Choice, pins: Sequence[WorkItem] | None = None) -> str:
    """The Markdown of the brief ``choice``."""
    return "".join(parts(reader, choice, pins))


def what(choice: Choice) -> str:
    mode = MODES.get(choice.mode)
    return mode.what(choice) if mode is not None else choice.mode
