"""Command-palette providers: Ctrl+P reaches every record by name, alias, charge or words."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from dossier.queries import KIND_LABEL, PANE_TITLES

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
            label = matcher.highlight(hit.title) if matcher.match(hit.title) > 0 else hit.title
            kind = KIND_LABEL.get(hit.kind, hit.kind)
            yield Hit(
                score=max(0.99 - rank * 0.01, 0.05),
                match_display=label,
                command=partial(app.goto, hit.id),
                text=hit.title,
                help=f"{kind} · {hit.subtitle}",
            )
