"""Filter and sort every pane, and the timeline (issue 15 part 2): what a reader sees at 80×24.

On the small test case: Nora Méndez (spelled "Mr. Mendez" and "Nora Mendez" too), Raul
Tavernilla (written "Tabernilla" by the analyst), Andara (also "Corima")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widgets import Input

from dossier.filtering import Filter, fold
from dossier.queries import Reader
from dossier.timeline_filter import apply, parse
from dossier.ui.app import DossierApp
from dossier.ui.screens.timeline import TimelineScreen
from dossier.views import View, rows_for
from tests.conftest import screen_text, settle

NASTY = st.sampled_from(
    ['"', "'", "*", "%", "_", "\x00", "\\", "(", ")", "-", ":", "^", "NOT", "AND", "OR", "NEAR",
     "é", "Chávez", " ", "\n", ";", "--", "/*", "DROP TABLE quote;", "a", "de"]
)  # fmt: skip
FILTERS = st.one_of(
    st.lists(NASTY, max_size=8).map("".join),
    st.text(max_size=60),
    st.just("x" * 10_000),
    st.just("de " * 3_500),
)
PANES = ("overview", "people", "charges", "sentences", "asylum", "quotes", "sources")


@pytest.fixture(scope="module")
def reader(small_db: Path) -> Any:
    r = Reader(small_db)
    yield r
    r.close()


# -- the data layer -----------------------------------------------------------------------------


def titles(reader: Reader, pane: str, view: View) -> list[str]:
    rows = rows_for(reader, pane, view)
    total, first = rows.total, rows.first
    assert total == len(first)  # the small case: one page
    return [row.cells[0] if pane not in ("overview", "asylum", "quotes") else row.cells[1]
            for row in first]  # fmt: skip


def test_a_filter_ignores_accents_and_case_and_finds_any_spelling(reader: Reader) -> None:
    assert titles(reader, "people", View(Filter("MENDEZ"))) == ["Nora Méndez"]
    # Written "Tabernilla" only by the analyst: the filter finds him by it.
    assert titles(reader, "people", View(Filter("tabern"))) == ["Raul Tavernilla"]
    # A charge of Nora Méndez, found by a spelling of hers no cell shows.
    charges = titles(reader, "charges", View(Filter("mr mendez")))
    assert charges and set(charges) == {"Nora Méndez"}
    # Andara's other name finds the asylum events that name Andara.
    assert reader.view_count("asylum", View(Filter("corima"))) > 0
    assert reader.view_count("charges", View(Filter("corima"))) == 0


def test_the_quotes_filter_like_search_finds_speakers_by_any_spelling(reader: Reader) -> None:
    view = View(Filter("tabernilla"))
    speakers = titles(reader, "quotes", view)
    assert speakers == ["Raul Tavernilla"]
    assert reader.view_count("quotes", view) == 1


def test_every_word_must_match(reader: Reader) -> None:
    both = reader.view_count("overview", View(Filter("mendez trial")))
    assert 0 < both < reader.view_count("overview", View(Filter("mendez")))


@pytest.mark.parametrize("pane", ["people", "charges", "sources"])
def test_sort_by_a_column_then_reverse_then_back(reader: Reader, pane: str) -> None:
    own = titles(reader, pane, View())
    up = View().next_sort(0)
    down = up.next_sort(0)
    back = down.next_sort(0)
    ascending = titles(reader, pane, up)
    assert ascending == sorted(own, key=str.casefold)
    assert titles(reader, pane, down) == sorted(own, key=str.casefold, reverse=True)
    assert not back.active
    assert titles(reader, pane, back) == own


def test_quotes_sort_by_speaker_and_date_descending(reader: Reader) -> None:
    by_speaker = titles(reader, "quotes", View(sort=1))
    names = [s for s in by_speaker if s != "unattributed"]
    assert names == sorted(names)
    own = [r.record for r in rows_for(reader, "quotes", View()).first]
    newest_first = [
        r.record for r in rows_for(reader, "quotes", View(sort=0, descending=True)).first
    ]
    assert newest_first == own[::-1]


def test_the_words_column_of_quotes_says_why_it_does_not_sort() -> None:
    from dossier.views import sortable

    assert sortable("quotes", 1) is None
    assert "filter" in (sortable("quotes", 3) or "")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=FILTERS, pane=st.sampled_from(PANES), sort=st.sampled_from([None, 0, 1]))
def test_any_filter_is_plain_text_never_an_error(
    reader: Reader, text: str, pane: str, sort: int | None
) -> None:
    """Quotes, *, %, _, NUL, SQL and FTS5 words, 10 kB: rows or none, never an error, and never
    more than the pane has (no injection can widen it)."""
    view = View(Filter(text), sort if sort is None or pane != "quotes" or sort < 3 else None)
    rows = rows_for(reader, pane, view)
    total, first = rows.total, rows.first
    assert total == len(first) and rows.count is None
    assert total <= reader.view_count(pane, View())
    if view.filter.active:
        for row in first:  # every row kept has every word, folded, at the start of a word
            assert row.record


def test_a_percent_or_underscore_is_not_a_wildcard(reader: Reader) -> None:
    assert reader.view_count("people", View(Filter("%"))) == reader.view_count("people", View())
    assert reader.view_count("people", View(Filter("m_ndez"))) == 0
    assert fold("Ñúñez O'Neil") == " nunez o neil"


# -- the timeline's filter ------------------------------------------------------------------------


def test_the_timeline_filter_language() -> None:
    f = parse("person:castillo kind:charge,cust 2025-01..2025-12 trial")
    assert f.people == ("castillo",)
    assert f.kinds == ("custody", "charge")
    assert f.words == ("trial",)
    assert f.first is not None and f.last is not None and f.first < f.last
    year = parse("2024")
    assert year.first is not None and year.last is not None and year.last - year.first == 365
    assert parse("..2024-06").first is None and parse("2025..").last is None
    assert not parse("").active


@settings(max_examples=200, deadline=None)
@given(text=FILTERS)
def test_the_timeline_filter_reads_anything(text: str) -> None:
    parse(text)


def test_the_timeline_filter_keeps_a_person_in_any_spelling(reader: Reader) -> None:
    from dossier.timeline import build
    from dossier.views import lane_spellings

    whole = build(reader.timeline_items(), reader.meta.get("as_of"))
    shown = apply(whole, parse("person:tabernilla"), lane_spellings(reader))
    assert {lane.name for lane in shown.lanes} <= {"Raul Tavernilla"}
    charges = apply(whole, parse("p:mendez k:charge"), lane_spellings(reader))
    assert [lane.name for lane in charges.lanes] == ["Nora Méndez"]
    assert all(s.item.kind == "charge" for s in charges.stops)
    dated = apply(whole, parse("2025-03..2025-03"), lane_spellings(reader))
    assert dated.stops and not dated.undated
    assert len(dated.stops) < len(whole.stops)


# -- in the app, at 80×24 -------------------------------------------------------------------------


async def open_pane(pilot: Pilot[Any], key: str) -> None:
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


async def test_f_narrows_as_you_type_the_title_says_so_and_esc_clears(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "2")  # People
        pane = app.pane("people")
        everyone = pane.table.total
        await pilot.press("f")
        await pilot.press(*"mendez")
        await settle(pilot)
        text = screen_text(app)
        assert f"People — filter: mendez (1 of {everyone})" in " ".join(text.split())
        assert pane.table.total == 1
        assert pane.table.current is not None and pane.table.current.record == "nora-mendez"
        await pilot.press("enter")  # to the rows; the filter stays
        await settle(pilot)
        assert app.focused is pane.table and pane.table.total == 1
        await pilot.press("escape")  # clears it
        await settle(pilot)
        assert pane.table.total == everyone
        assert "filter:" not in screen_text(app)
        await pilot.press("escape")  # and a second Esc goes back, as before
        await settle(pilot)
        assert app.active_pane == "overview"


async def test_a_filter_that_keeps_nothing_says_so(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "3")  # Charges
        await pilot.press("f", *'"%_*zz')
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert 'Charges — filter: "%_*zz (0 of' in text
        assert "No rows match the filter." in text
        await pilot.press("escape")
        await settle(pilot)
        assert app.pane("charges").table.total > 0


async def test_s_sorts_by_the_column_under_the_cursor_reverses_and_restores(small_db: Path) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "2")
        table = app.pane("people").table

        def names() -> list[str]:
            return [table.row_at(i).cells[1] for i in range(table.total)]  # type: ignore[union-attr]

        own = names()
        await pilot.press("right", "s")  # the Type column
        await settle(pilot)
        assert names() == sorted(own, key=str.casefold)
        assert "Type ▲" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert names() == sorted(own, key=str.casefold, reverse=True)
        assert "Type ▼" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert names() == own
        assert "▲" not in screen_text(app) and "▼" not in screen_text(app)


async def test_the_timeline_filters_by_person_kind_and_dates_and_esc_clears(
    small_db: Path,
) -> None:
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        await pilot.press("f", *"person:mendez kind:charge", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Timeline — filter: person:mendez kind:charge (2 of" in text
        assert "Mateo Ibarra" not in text.split("Date not stated")[0]
        await pilot.press("escape")  # clears the filter
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        assert "filter:" not in screen_text(app) and "Mateo Ibarra" in screen_text(app)
        await pilot.press("escape")  # and closes the timeline
        await settle(pilot)
        assert not isinstance(app.screen, TimelineScreen)


async def test_the_filter_box_takes_every_letter(small_db: Path) -> None:
    """Letters that are keys elsewhere (p pins, e opens the brief, q quits) are typed."""
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "2")
        await pilot.press("f", *"peqa")
        await settle(pilot)
        assert app.pane("people").query_one(Input).value == "peqa"
        assert app.is_running and app.active_pane == "people"


def test_snapshot_filtered_and_sorted_pane(snap_compare: Any, small_db: Path) -> None:
    async def run_before(pilot: Pilot[Any]) -> None:
        await open_pane(pilot, "6")  # Quotes
        await pilot.press("f", *"mendez", "enter")
        await settle(pilot)
        await pilot.press("right", "s")
        await settle(pilot)

    assert snap_compare(DossierApp(small_db), terminal_size=(80, 24), run_before=run_before)


async def test_the_pinned_pane_filters_and_sorts_its_pins(small_db: Path, tmp_path: Path) -> None:
    from tests.conftest import pinned_copy

    app = DossierApp(pinned_copy(small_db, tmp_path / "pins"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "8")
        pane = app.pane("pinned")
        pins = pane.table.total
        assert pins == 4
        await pilot.press("f", *"mendez", "enter")
        await settle(pilot)
        assert pane.table.total == 1
        assert "Pinned — filter: mendez (1 of 4)" in " ".join(screen_text(app).split())
        await pilot.press("escape")
        await settle(pilot)
        assert pane.table.total == pins
        await pilot.press("right", "right", "s")  # the Kind column
        await settle(pilot)
        kinds = [pane.table.row_at(i).cells[2] for i in range(pins)]  # type: ignore[union-attr]
        assert kinds == sorted(kinds, key=str.casefold)


def test_a_filter_of_many_quotes_shows_its_first_rows_then_its_count(
    reader: Reader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond the cap, the first page comes with "at least"; the exact count follows."""
    from dossier import views

    monkeypatch.setattr(views, "COUNT_CAP", 1)
    rows = rows_for(reader, "quotes", View(Filter("mendez")))
    assert rows.total == 2 and rows.count is not None
    assert rows.count() == reader.view_count("quotes", View(Filter("mendez"))) > 2
    assert len(rows.first) == rows.count()


async def test_going_to_a_record_shows_it_in_a_filtered_pane(small_db: Path) -> None:
    """A link or the palette lands on the record's row of the pane's own order: the pane's
    filter and sort give way."""
    app = DossierApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_pane(pilot, "2")
        await pilot.press("f", *"tabernilla", "enter")
        await settle(pilot)
        assert app.pane("people").table.total == 1
        app.goto("nora-mendez")
        await settle(pilot)
        table = app.pane("people").table
        assert table.current is not None and table.current.record == "nora-mendez"
        assert "filter:" not in screen_text(app)
