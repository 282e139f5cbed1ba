"""Command-palette providers: Ctrl+P reaches every record by name, alias, charge or words."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import ClassVar

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from dossier.deferred import dataclass
from dossier.kinds import KIND_LABEL
from dossier.queries import PANE_TITLES, RecordHit
from dossier.safetext import line
from dossier.ui.messages import GoTo


@dataclass(frozen=True)
class RecordFinder:
    """What the palette reads records with, handed down by the app that owns the dossier."""

    find: Callable[[str, int], list[RecordHit] | None]
    """Query, limit → the records found, best first (run in a thread); None with no dossier."""
    ready: asyncio.Event | None = None
    """Set once the dossier is open: a search typed during a first build waits for it."""


class RecordCommands(Provider):
    """Finds records (people, organisations, charges, events, notes, quotes) as the user types;
    accents and case do not matter, and every word is a prefix. Going to a record is a
    :class:`~dossier.ui.messages.GoTo` message to the app; going to a pane, its action."""

    finder: ClassVar[RecordFinder | None] = None

    @classmethod
    def bound(cls, finder: RecordFinder) -> type[RecordCommands]:
        """This provider reading through ``finder`` (Textual makes providers from classes)."""
        return type(cls.__name__, (cls,), {"finder": finder})

    def _show_pane(self, pane: str) -> Callable[[], object]:
        return partial(self.app.run_action, f"show_pane({pane!r})")

    def _go_to(self, record: str) -> Callable[[], object]:
        return partial(self.app.post_message, GoTo(record))

    async def discover(self) -> Hits:
        for number, (pane, title) in enumerate(PANE_TITLES.items(), start=1):
            yield DiscoveryHit(f"Go to {title}", self._show_pane(pane), help=f"Pane {number}")

    async def search(self, query: str) -> Hits:
        finder = self.finder
        if finder is None:
            return
        if finder.ready is not None:
            try:
                await asyncio.wait_for(finder.ready.wait(), timeout=30)
            except TimeoutError:
                return
        matcher = self.matcher(query)
        for pane, title in PANE_TITLES.items():
            score = matcher.match(f"Go to {title}")
            if score > 0:
                yield Hit(score, matcher.highlight(f"Go to {title}"), self._show_pane(pane))
        hits = await asyncio.to_thread(finder.find, query, 30)
        for rank, hit in enumerate(hits or ()):
            title = line(hit.title)
            kind = line(KIND_LABEL.get(hit.kind, hit.kind))
            yield Hit(
                score=max(0.99 - rank * 0.01, 0.05),
                match_display=plain_hit(matcher, title, f"{kind} · {line(hit.subtitle)}"),
                command=self._go_to(hit.id),
                text=title,
            )


def plain_hit(matcher: Matcher, title: str, help_text: str) -> Content:
    """A palette entry from data: the title with the matched letters marked, and the help line
    below it, as :class:`Content` — never markup. (``Matcher.highlight`` and a hit's ``help`` are
    parsed as markup, where ``[/]`` in a name raised an error and ``[@click=…]`` ran an action.)"""
    content = Content(title)
    score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    if score:
        for offset in offsets:
            if not title[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return Content.assemble(content, "\n", (help_text, "dim"))
