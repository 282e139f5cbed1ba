"""A small terminal that works (80×24), and the small bugs found trying the app as a reporter
would: each as a user would notice it, on the tests' own case."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._footer import FooterKey

from dossier.ui.app import DossierApp
from dossier.ui.screens.help import HelpScreen
from dossier.ui.widgets.detail import LinkList
from dossier.ui.widgets.footer import FittingFooter, _cost
from dossier.ui.widgets.panes import CaseSummary
from dossier.workset import Workset, path_beside
from tests.conftest import screen_text, settle, shown_detail, wait_until

SIZE = (80, 24)


def rows_of(app: DossierApp, pane: str) -> list[str]:
    """The table's lines as drawn (header first)."""
    table = app.pane(pane).table
    return ["".join(seg.text for seg in table.render_line(y)) for y in range(table.size.height)]


async def test_key_figures_of_every_defendant_are_on_the_first_screen(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        summary = app.query_one(CaseSummary)
        assert summary.scroll_y == 0
        for needle in (
            "Mateo Ibarra  3 charges",
            "Nora Méndez  1 charge",
            "according to Ramiro de Lasa",  # her asylum is the minister's claim
        ):
            assert needle in text, (needle, text)


async def test_the_footer_shows_whole_keys_at_80_columns(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for pane in ("1", "8"):
            await pilot.press(pane)
            await settle(pilot)
            footer = app.query_one(FittingFooter)
            keys = list(footer.query(FooterKey))
            assert sum(_cost(k) for k in keys) <= SIZE[0]
            shown = {k.description for k in keys}
            assert {"Quit", "Help", "Back"} <= shown
            assert "q Quit" in screen_text(app).splitlines()[-1]


async def test_help_scrolls_with_j_k_and_pages_and_says_how_to_close(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        body = app.screen.query_one("#help-body")
        assert "Esc, q or ? closes" in screen_text(app)
        await pilot.press("j", "j")
        assert body.scroll_y == 2
        await pilot.press("k")
        assert body.scroll_y == 1
        await pilot.press("pagedown")
        assert body.scroll_y > 10
        assert "Esc, q or ? closes" in screen_text(app)  # still in view
        await pilot.press("pageup", "G")
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_an_annotated_unpinned_record_shows_one_mark(small_db_copy: Path) -> None:
    ws = Workset(path_beside(small_db_copy), "me")
    ws.annotate("nora-mendez", "ask her lawyer", "Nora Méndez", "person", expected=0)
    ws.close()
    app = DossierApp(small_db_copy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        row = rows_of(app, "pinned")[1]
        assert row.count("✎") == 1, row


async def test_the_timeline_kind_is_read_whole(small_db: Path) -> None:
    for width in (80, 160):
        app = DossierApp(small_db)
        async with app.run_test(size=(width, 30)) as pilot:
            await settle(pilot)
            rows = rows_of(app, "overview")
            assert any(r.rstrip().endswith("political conflict") for r in rows), rows
            assert not any("political…" in r or "coup atte…" in r for r in rows)


async def test_an_asylum_claim_is_read_whole_at_80_columns(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        rows = rows_of(app, "asylum")
        assert any("asylum granted — according to Ramiro de Lasa" in r for r in rows), rows


async def test_enter_on_a_role_link_shows_the_role(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.goto("nora-mendez")
        assert await wait_until(pilot, lambda: shown_detail(app) == "nora-mendez")
        await settle(pilot)
        await pilot.press("enter")  # into her links
        links = app.focused
        assert isinstance(links, LinkList)
        index = next(i for i, o in enumerate(links.options) if o.id == "mendez-prime-minister")
        links.highlighted = index
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: shown_detail(app) == "mendez-prime-minister")
        assert app.active_pane == "people"
        current = app.pane("people").table.current
        assert current is not None and current.record == "nora-mendez"  # listed under her
        # Moving off and back to her row shows her again.
        await pilot.press("j", "k")
        assert await wait_until(pilot, lambda: shown_detail(app) == "nora-mendez")


async def test_enter_on_the_timeline(small_db: Path) -> None:
    """A record with a pane of its own opens there; an event, which has none, opens its links
    (as the README says)."""
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert shown_detail(app) == "president-congress-conflict"  # an event
        await pilot.press("enter")
        assert isinstance(app.focused, LinkList)
        assert app.active_pane == "overview"
        await pilot.press("escape", "j", "j", "j", "j", "j")  # a custody record
        assert await wait_until(pilot, lambda: shown_detail(app) == "ibarra-arrest")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: app.active_pane == "sentences")
        assert shown_detail(app) == "ibarra-arrest"
