"""Command-palette providers: Ctrl+P reaches every record by name, alias, charge or words."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from dossier.queries import KIND_LABEL, PANE_TITLES
from dossier.safetext import line

if TYPE_CHECKING:
    from dossier.ui.app import DossierApp


class RecordCommands(Provider):
    """Finds records (people, organisations, charges, events, notes, quotes) as the user types;
    accents and case do not matter, and every word is a prefix."""

    @property
    def dossier_app(self) -> DossierApp:
        return cast("DossierApp", self.app)

    async def discover(self) -> Hits:
        app = self.dossier_app
        for number, (pane, title) in enumerate(PANE_TITLES.items(), start=1):
            yield DiscoveryHit(
                f"Go to {title}",
                partial(app.action_show_pane, pane),
                help=f"Pane {number}",
            )

    async def search(self, query: str) -> Hits:
        app = self.dossier_app
        try:
            await asyncio.wait_for(app.case_ready.wait(), timeout=30)
        except TimeoutError:
            return
        reader = app.reader
        if reader is None:
            return
        matcher = self.matcher(query)
        for pane, title in PANE_TITLES.items():
            score = matcher.match(f"Go to {title}")
            if score > 0:
                yield Hit(
                    score, matcher.highlight(f"Go to {title}"), partial(app.action_show_pane, pane)
                )
        hits = await asyncio.to_thread(reader.find_records, query, 30)
        for rank, hit in enumerate(hits):
            title = line(hit.title)
            kind = line(KIND_LABEL.get(hit.kind, hit.kind))
            yield Hit(
                score=max(0.99 - rank * 0.01, 0.05),
                match_display=plain_hit(matcher, title, f"{kind} · {line(hit.subtitle)}"),
                command=partial(app.goto, hit.id),
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
