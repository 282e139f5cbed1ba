"""Copy with citation (y, Y), the CLI's cite-of, evidence to source and back (o), the detail on
the whole screen (z): at 80×24, on the tests' own case."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from dossier.citation import cite
from dossier.ui.app import DossierApp
from dossier.ui.clipboard import clipboard_caveat
from dossier.ui.widgets.detail import DetailPanel, EvidenceList, FieldList, LinkList
from tests.conftest import Cli, record_notifications, settle, shown_detail, wait_until

SIZE = (80, 24)
SOURCE = "andara-severs-relations-with-veracia-2025-11-04"
TITLE = "Andara severs diplomatic relations with Veracia"
REGRET = (
    "Today, we learned with surprise and deep regret that Nora Méndez, an alleged accomplice in "
    "the coup attempt by former President Mateo Ibarra, has been granted asylum at the Veracian "
    "embassy in Andara"
)
QUOTE_TEXT = (
    f"“{REGRET}” — Ramiro de Lasa, 3 Nov 2025, “{TITLE}”, published 4 November 2025, line 7"
)
QUOTE_MARKDOWN = (
    f"“{REGRET}” — Ramiro de Lasa, 3 Nov 2025[^de-lasa-asylum-regret-1][^de-lasa-asylum-regret-2]\n"
    "\n"
    f"[^de-lasa-asylum-regret-1]: *{TITLE}*, published 4 November 2025, line 7, characters 514–713\n"
    f"[^de-lasa-asylum-regret-2]: *{TITLE}*, published 4 November 2025, line 7, characters 716–782: "
    "“Foreign Affairs Minister Ramiro de Lasa said at a press conference”\n"
)


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal that takes OSC 52, whatever runs the tests (tmux, macOS Terminal)."""
    for name in ("TMUX", "TERM_PROGRAM", "VTE_VERSION", "STY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


def capture(app: DossierApp) -> list[str]:
    """What the app sends to the clipboard."""
    sent: list[str] = []

    def copy(text: str) -> None:
        sent.append(text)

    app.copy_to_clipboard = copy  # type: ignore[method-assign]
    return sent


async def open_record(app: DossierApp, pilot: Any, record: str) -> None:
    await settle(pilot)
    app.goto(record)
    assert await wait_until(pilot, lambda: shown_detail(app) == record)
    await settle(pilot)


async def test_y_copies_the_quote_with_its_citation(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        sent = capture(app)
        notices = record_notifications(app)
        await open_record(app, pilot, "de-lasa-asylum-regret")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: bool(sent))
        assert sent == [QUOTE_TEXT]
        assert notices[-1].message == ("Copied the quote of Ramiro de Lasa with its citation.")
        await pilot.press("Y")
        assert await wait_until(pilot, lambda: len(sent) == 2)
        assert sent[1] == QUOTE_MARKDOWN
        assert "as Markdown with its footnote" in notices[-1].message


async def test_y_on_a_field_and_on_an_evidence_span(small_db: Path) -> None:
    """A claim's evidence span is copied as its party's words; a field with the record's."""
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        sent = capture(app)
        await open_record(app, pilot, "mendez-asylum-granted")
        app.pane(app.active_pane).query_one(EvidenceList).focus()
        await pilot.pause()
        await pilot.press("y")
        assert await wait_until(pilot, lambda: bool(sent))
        assert sent[-1] == QUOTE_TEXT  # the span is the minister's words: cited as his
        fields = app.pane(app.active_pane).query_one(FieldList)
        fields.focus()
        fields.highlighted = 0
        await pilot.pause()
        label, value = fields.fields[0]
        await pilot.press("y")
        assert await wait_until(pilot, lambda: len(sent) == 2)
        first = sent[-1].splitlines()[0]
        assert first.startswith(f"{label}: {value} (Nora Méndez — asylum granted")
        assert first.endswith("— according to Ramiro de Lasa (3 Nov 2025)")
        assert sent[-1].splitlines()[1] == f"Source: {QUOTE_TEXT}"


def test_the_terminal_is_named_when_the_clipboard_may_not_be_reached() -> None:
    assert clipboard_caveat({"TERM": "xterm-256color"}) is None
    inside = {"TMUX": "/tmp/tmux-0/default,1,0"}
    assert "set-clipboard on" in (clipboard_caveat(inside, lambda: "external") or "")
    assert clipboard_caveat(inside, lambda: "on") is None
    assert "macOS Terminal may not support OSC 52" in (
        clipboard_caveat({"TERM_PROGRAM": "Apple_Terminal"}) or ""
    )


async def test_y_inside_tmux_says_how_to_enable_the_clipboard(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    monkeypatch.setattr("dossier.ui.clipboard.tmux_set_clipboard", lambda: "external")
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        sent = capture(app)
        notices = record_notifications(app)
        await open_record(app, pilot, "de-lasa-asylum-regret")
        await pilot.press("y")
        assert await wait_until(pilot, lambda: bool(sent))
        assert "Copied the quote of Ramiro de Lasa" in notices[-1].message
        assert "set -g set-clipboard on" in notices[-1].message


def test_cite_of_prints_what_y_copies(small_db: Path, cli: Cli) -> None:
    result = cli("cite-of", "de-lasa-asylum-regret", "--db", small_db)
    assert (result.code, result.out) == (0, QUOTE_TEXT + "\n")
    result = cli("cite-of", "de-lasa-asylum-regret", "--markdown", "--db", small_db)
    assert (result.code, result.out) == (0, QUOTE_MARKDOWN)
    result = cli("cite-of", "no-such-record", "--db", small_db)
    assert result.code == 2 and "no record 'no-such-record'" in result.err
    with sqlite3.connect(small_db) as conn:
        claim = cite(conn, "mendez-asylum-granted")
    assert claim is not None and "according to Ramiro de Lasa" in claim.text


async def test_o_shows_the_span_in_its_source_and_back(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, "mendez-asylum-granted")
        await pilot.press("o")
        assert await wait_until(
            pilot, lambda: app.active_pane == "sources" and shown_detail(app) == SOURCE
        )
        await settle(pilot)
        panel = app.pane("sources").query_one(DetailPanel)
        assert panel.span == (514, 713)
        assert panel.scroll_y > 0  # scrolled down to line 7 of the text
        # The records that cite the span are listed under it; Enter goes to one.
        cited = panel.query_one("#detail-cited", LinkList)
        assert cited.highlighted is not None
        option = cited.get_option_at_index(cited.highlighted)
        assert option.id is not None
        target = option.id.split("#")[0]
        assert target in ("mendez-asylum-granted", "de-lasa-asylum-regret")
        cited.focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: shown_detail(app) == target)
        assert app.active_pane != "sources"


async def test_z_puts_the_detail_on_the_whole_screen_and_back(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, "ibarra-sedition")
        panel = app.pane(app.active_pane).query_one(DetailPanel)
        before = panel.size.height
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is panel
        assert panel.size.height > before + 8
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is None
        await pilot.press("z", "escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_enter_on_an_evidence_span_opens_it_in_its_source(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=SIZE) as pilot:
        await open_record(app, pilot, "de-lasa-asylum-regret")
        evidence = app.pane(app.active_pane).query_one(EvidenceList)
        evidence.focus()
        evidence.highlighted = 1  # its second span: the words that say who speaks
        await pilot.pause()
        await pilot.press("enter")
        assert await wait_until(
            pilot, lambda: app.active_pane == "sources" and shown_detail(app) == SOURCE
        )
        await settle(pilot)
        assert app.pane("sources").query_one(DetailPanel).span == (716, 782)
