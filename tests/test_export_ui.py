"""`e` in the app: a preview of the case brief, then a save dialog, a confirmation before
overwriting, and a notification that says where the brief went."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from dossier.brief import brief_markdown
from dossier.briefchoice import Choice
from dossier.queries import Reader
from dossier.ui.screens.export import (
    BriefPreview,
    ConfirmOverwrite,
    DatePrompt,
    ExportScreen,
    PersonPrompt,
    SaveDialog,
)
from dossier.ui.widgets.text_view import TextView, wrap
from dossier.workset import Workset, path_beside
from tests.conftest import BUNDLED_PINS, pinned_brief_of, pinned_copy, settle

DEFAULT_NAME = "ibarra-mendez-brief-2025-11-04.md"


class BriefApp(App[None]):
    """A bare app that opens the export screen, as the dossier app does on `e`."""

    def __init__(self, reader: Reader, folder: Path, workset: Workset | None = None) -> None:
        super().__init__()
        self.reader = reader
        self.folder = folder
        self.workset = workset
        self.messages: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(ExportScreen(self.reader, folder=self.folder, workset=self.workset))

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.messages.append(message)
        super().notify(message, **kwargs)


@pytest.fixture
def reader(small_db: Path) -> Iterator[Reader]:
    r = Reader(small_db)
    yield r
    r.close()


async def settle_brief(app: App[None], pilot: Pilot[None]) -> None:
    """Until the brief is whole on screen: its worker done and its last message handled (the
    top is shown first, the rest when written: a snapshot between the two differs)."""
    await app.workers.wait_for_complete()
    for _ in range(200):  # bounded: a brief that never comes fails the test's own assertions
        screen = app.screen
        if not isinstance(screen, ExportScreen) or screen.text is not None or screen.error:
            break
        await pilot.pause(0.01)
    await pilot.pause()
    await pilot.pause()


async def test_e_previews_then_saves_with_a_default_name(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    expected = brief_markdown(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.text == expected
        assert app.screen.query_one(BriefPreview).source == expected

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        assert app.screen.query_one(Input).value == DEFAULT_NAME
        await pilot.press("enter")
        await settle_brief(app, pilot)

        saved = tmp_path / DEFAULT_NAME
        assert saved.read_text(encoding="utf-8") == expected
        assert isinstance(app.screen, ExportScreen)
        assert any(f"Saved the case brief to {saved}" in m for m in app.messages)


async def test_overwriting_asks_first(reader: Reader, tmp_path: Path) -> None:
    target = tmp_path / DEFAULT_NAME
    target.write_text("an older brief\n")
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)

        # "n" keeps the file.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("n")
        await settle_brief(app, pilot)
        assert target.read_text() == "an older brief\n"
        assert isinstance(app.screen, ExportScreen)
        assert any("Not saved" in m for m in app.messages)

        # "y" replaces it.
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("y")
        await settle_brief(app, pilot)
        assert target.read_text(encoding="utf-8") == brief_markdown(reader)
        assert any(f"Saved the case brief to {target}" in m for m in app.messages)
        assert sorted(p.name for p in tmp_path.iterdir()) == [DEFAULT_NAME]


async def test_a_bad_name_is_explained_in_the_dialog(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        dialog.query_one(Input).value = "missing/brief.md"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # still asking
        assert "no such folder" in str(dialog.query_one("#save-error").render())
        dialog.query_one(Input).value = str(tmp_path)
        await pilot.press("enter")
        await pilot.pause()
        assert "is a directory" in str(dialog.query_one("#save-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        assert list(tmp_path.iterdir()) == []


async def test_escape_closes_the_preview(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


async def test_a_failed_save_says_why(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, Path("/proc"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle_brief(app, pilot)
        assert any("cannot create a file in /proc" in m for m in app.messages)


class TextApp(App[None]):
    def compose(self) -> Any:
        yield TextView()


async def test_a_long_brief_is_shown_whole_from_its_top() -> None:
    """Thousands of paragraphs: the top at once, the end reachable, data escapes made visible."""
    text = "# Brief\n\n" + "\n\n".join(f"Paragraph {n}. " + "word " * 30 for n in range(5_000))
    text += "\n\nThe end \x1b]2;title\x07 here.\n"
    app = TextApp()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(TextView)
        view.show(text)
        view.focus()
        await pilot.pause()
        assert view.source == text
        assert "Paragraph 0." in "".join(
            s.text for s in view.render_lines(view.region.reset_offset)
        )
        await pilot.press("end")
        await pilot.pause()
        await pilot.pause()
        lines = [strip.text for strip in view.render_lines(view.region.reset_offset)]
        assert view.complete
        assert any("The end \ufffd]2;title\ufffd here." in line for line in lines)
        assert all(len(line) <= 60 for line in lines)


def test_wrap_breaks_at_spaces_and_keeps_long_words() -> None:
    assert wrap("a b c", 10) == ["a b c"]
    assert wrap("aaaa bbbb cccc", 9) == ["aaaa bbbb", "cccc"]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert wrap("  - item one two three", 12) == ["  - item one", "  two three"]


@pytest.mark.bundled
def test_preview_snapshot(snap_compare: Any, bundled_db: Path, tmp_path: Path) -> None:
    reader = Reader(bundled_db)

    async def ready(pilot: Pilot[None]) -> None:
        await settle_brief(pilot.app, pilot)

    try:
        assert snap_compare(BriefApp(reader, tmp_path), terminal_size=(80, 24), run_before=ready)
    finally:
        reader.close()


# ---------------------------------------------------------------------------------------------------
# Whole case or pinned records


PINNED_NAME = "ibarra-mendez-pinned-brief-2025-11-04.md"


def footer_keys(app: App[None]) -> dict[str, str]:
    """The keys the footer shows, with their labels; a key shown greyed out (the scope the preview
    already shows) is labelled in brackets."""
    return {
        key: active.binding.description if active.enabled else f"({active.binding.description})"
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


def title_and_status(app: App[None]) -> tuple[str, str]:
    screen = app.screen
    return str(screen.query_one("#export-title").render()), str(
        screen.query_one("#export-status").render()
    )


def open_pinned(db: Path) -> Iterator[tuple[Reader, Workset]]:
    r, ws = Reader(db), Workset(path_beside(db))
    yield r, ws
    ws.close()
    r.close()


@pytest.fixture
def pinned_db(small_db: Path, tmp_path: Path) -> Path:
    return pinned_copy(small_db, tmp_path / "db")


@pytest.fixture
def pinned_reader(pinned_db: Path) -> Iterator[tuple[Reader, Workset]]:
    yield from open_pinned(pinned_db)


@pytest.fixture
def bundled_pinned_reader(bundled_db: Path, tmp_path: Path) -> Iterator[tuple[Reader, Workset]]:
    yield from open_pinned(pinned_copy(bundled_db, tmp_path / "db", BUNDLED_PINS))


async def test_p_previews_the_brief_from_pins_and_saves_it(
    pinned_db: Path, pinned_reader: tuple[Reader, Workset], tmp_path: Path
) -> None:
    reader, workset = pinned_reader
    golden = pinned_brief_of(pinned_db)
    whole = brief_markdown(reader)
    app = BriefApp(reader, tmp_path, workset)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.text == whole and not screen.pinned
        title, status = title_and_status(app)
        assert title == "Case brief — preview"
        assert "whole case. s saves it, p: from pins, Esc closes." in status
        assert footer_keys(app)["p"] == "From pins"
        assert footer_keys(app)["w"] == "(Whole case)"

        await pilot.press("p")
        await settle_brief(app, pilot)
        assert screen.pinned and screen.text == golden
        preview = screen.query_one(BriefPreview).source
        assert preview == golden
        assert "Pinned records and working notes" in preview
        title, status = title_and_status(app)
        assert title == "Case brief from your pins — preview"
        assert "bytes from 4 pins. s saves it, w: whole case, Esc closes." in status
        assert footer_keys(app)["w"] == "Whole case"
        assert footer_keys(app)["p"] == "(From pins)"

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        assert app.screen.query_one(Input).value == PINNED_NAME
        await pilot.press("enter")
        await settle_brief(app, pilot)
        saved = tmp_path / PINNED_NAME
        assert saved.read_bytes() == golden.encode("utf-8")
        assert any(f"Saved the brief from your pins to {saved}" in m for m in app.messages)

        # w: back to the whole case, saved under the usual name.
        await pilot.press("w")
        await settle_brief(app, pilot)
        assert not screen.pinned and screen.text == whole
        assert title_and_status(app)[0] == "Case brief — preview"
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one(Input).value == DEFAULT_NAME


async def test_a_late_brief_does_not_replace_the_one_asked_for(
    pinned_db: Path, pinned_reader: tuple[Reader, Workset], tmp_path: Path
) -> None:
    reader, workset = pinned_reader
    app = BriefApp(reader, tmp_path, workset)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("p", "w", "p")  # faster than the briefs are written
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.pinned and screen.text == pinned_brief_of(pinned_db)


async def test_nothing_pinned_says_so_and_saves_nothing(
    reader: Reader, tmp_path: Path, small_db: Path
) -> None:
    workset = Workset(tmp_path / "empty.workset.db")  # no file: nothing pinned
    app = BriefApp(reader, tmp_path, workset)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("p")
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.text is None
        assert "Nothing is pinned: press p on a record to pin it" in title_and_status(app)[1]
        assert screen.query_one(BriefPreview).source == ""
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen  # no save dialog
        assert any(m.startswith("Nothing to save.") for m in app.messages)
        assert list(tmp_path.iterdir()) == []
        await pilot.press("w")
        await settle_brief(app, pilot)
        assert screen.text == brief_markdown(reader)


async def test_without_a_working_set_there_is_no_choice(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_brief(app, pilot)
        # no brief from pins to offer; the whole case is the one shown
        assert "p" not in footer_keys(app) and footer_keys(app)["w"] == "(Whole case)"
        await pilot.press("p")
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and not screen.pinned
        assert title_and_status(app)[1].endswith("bytes of Markdown. s saves it, Esc closes.")


@pytest.mark.bundled
def test_pinned_preview_snapshot(
    snap_compare: Any, bundled_pinned_reader: tuple[Reader, Workset], tmp_path: Path
) -> None:
    reader, workset = bundled_pinned_reader

    async def ready(pilot: Pilot[None]) -> None:
        await settle_brief(pilot.app, pilot)
        await pilot.press("p")
        await settle_brief(pilot.app, pilot)

    assert snap_compare(
        BriefApp(reader, tmp_path, workset), terminal_size=(80, 24), run_before=ready
    )


async def test_the_app_offers_the_brief_from_pins(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`e` in the app: the whole case, `p` the pinned records; from the Pinned pane, the pins."""
    from dossier.ui.app import DossierApp

    monkeypatch.chdir(tmp_path)  # where the app saves by default
    db = pinned_copy(small_db, tmp_path / "db")
    golden = pinned_brief_of(db)
    app = DossierApp(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and not screen.pinned
        assert screen.text is not None and "Pinned records and working notes" not in screen.text
        await pilot.press("p")  # the preview's key, not the app's pin key
        await settle(pilot)
        assert screen.pinned and screen.text == golden
        assert app.workset is not None and len(app.workset.pinned_ids()) == 4
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert (tmp_path / PINNED_NAME).read_bytes() == golden.encode("utf-8")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)

        # From the Pinned pane, `e` opens on the brief from pins.
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.pinned and screen.text == golden
        # ... and says so
        title, status = title_and_status(app)
        assert title == "Case brief from your pins — preview"
        assert "from 4 pins: e on the Pinned pane opens on them; w: whole case." in status


# -- which brief: whole case, pins, a person, a since-date (at 80×24) ------------------------------


def marked_modes(screen: ExportScreen) -> list[str]:
    """The keys marked (reverse video) in the line of briefs offered."""
    shown = screen.query_one("#export-modes", Static).render()
    plain = str(shown)
    spans = shown.spans  # type: ignore[union-attr]
    return [plain[s.start : s.end] for s in spans if getattr(s.style, "reverse", False)]


def modes_line(app: App[None]) -> str:
    return str(app.screen.query_one("#export-modes", Static).render())


async def test_the_modes_line_says_which_brief_is_shown(
    pinned_reader: tuple[Reader, Workset], tmp_path: Path
) -> None:
    reader, workset = pinned_reader
    app = BriefApp(reader, tmp_path, workset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_brief(app, pilot)
        line = modes_line(app)
        assert line.startswith("Brief of: w Whole case  p From pins  n Person…  d Since…")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        marked = marked_modes(screen)
        assert marked == ["w"]
        await pilot.press("p")
        await settle_brief(app, pilot)
        marked = marked_modes(screen)
        assert marked == ["p"]


async def test_n_briefs_a_person_chosen_by_typing_part_of_the_name(
    reader: Reader, small_db: Path, tmp_path: Path
) -> None:
    expected = brief_markdown(reader, persons=("nora-mendez",))
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("n")
        await settle_brief(app, pilot)
        prompt = app.screen
        assert isinstance(prompt, PersonPrompt)
        assert prompt.query_one(OptionList).option_count > 0  # the people, before typing
        await pilot.press(*"mendez")  # accents folded, as search
        await settle_brief(app, pilot)
        options = prompt.query_one(OptionList)
        first = options.get_option_at_index(0)
        assert first.id == "nora-mendez"
        await pilot.press("enter")
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.choice == Choice("person", "nora-mendez", "Nora Méndez")
        assert screen.text == expected
        title, status = title_and_status(app)
        assert title == "Case brief of Nora Méndez and the records linked to them — preview"
        assert ": Nora Méndez and the records linked to them. s saves it" in status
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.query_one(Input).value == (
            "ibarra-mendez-brief-nora-mendez-2025-11-04.md"
        )
        await pilot.press("escape")
        await pilot.pause()
        # Escape in the person prompt keeps the brief shown
        await pilot.press("n")
        await settle_brief(app, pilot)
        await pilot.press("escape")
        await settle_brief(app, pilot)
        assert app.screen is screen and screen.text == expected


async def test_d_briefs_events_since_a_date_and_explains_a_bad_date(
    reader: Reader, tmp_path: Path
) -> None:
    expected = brief_markdown(reader, since="2025-03")
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_brief(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, DatePrompt)
        await pilot.press(*"March", "enter")
        await pilot.pause()
        error = str(prompt.query_one("#date-error", Static).render())
        assert "'March'" in error and "--since" not in error
        assert app.screen is prompt  # stays, to be corrected
        prompt.query_one(Input).value = "2025-03"
        await pilot.press("enter")
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.text == expected
        assert title_and_status(app)[0] == "Case brief of events from March 2025 on — preview"
        assert "Only events dated March 2025 or later" in screen.text


async def test_going_back_to_a_brief_already_made_serves_it_at_once(
    pinned_reader: tuple[Reader, Workset], tmp_path: Path
) -> None:
    """Nothing changes while the screen is open: a brief made is kept, per choice."""
    reader, workset = pinned_reader
    app = BriefApp(reader, tmp_path, workset)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_brief(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        whole = screen.text
        await pilot.press("p")
        await settle_brief(app, pilot)
        pins = screen.text
        made: list[Choice] = []
        screen._make_brief = lambda generation, choice: made.append(choice)  # type: ignore[method-assign]
        await pilot.press("w")
        await pilot.pause()
        assert screen.text == whole and not screen.query_one(BriefPreview).loading
        await pilot.press("p")
        await pilot.pause()
        assert screen.text == pins
        assert made == []  # neither was made again


async def test_the_top_of_a_long_brief_shows_before_its_end_is_written(
    reader: Reader, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preview draws the title and summary at once; the rest follows under them."""
    import threading

    from dossier import brief
    from dossier.ui.screens import export

    held = threading.Event()
    whole = brief_markdown(reader)

    def slow_parts(*args: Any, **kwargs: Any) -> Any:
        pieces = brief.brief_parts(reader)
        yield next(pieces)
        held.wait(10)  # the rest of the brief is still being written
        yield from pieces

    monkeypatch.setattr(export, "parts", slow_parts)
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(40):
            await pilot.pause(0.05)
            if app.screen.query(BriefPreview) and app.screen.query_one(BriefPreview).source:
                break
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        preview = screen.query_one(BriefPreview)
        assert preview.source.startswith("# Ibarra and Méndez")
        assert "## Summary" in preview.source and "## People" not in preview.source
        assert screen.text is None  # nothing to save yet
        assert title_and_status(app)[1] == "Writing the rest of the brief…"
        await pilot.press("pagedown")
        await pilot.pause()
        top = preview.scroll_y
        held.set()
        await settle_brief(app, pilot)
        assert screen.text == whole and preview.source == whole
        assert preview.scroll_y == top  # the rest came in under what was being read


def test_extending_the_text_keeps_the_rows_wrapped() -> None:
    view = TextView()
    view.source = "a\nb"
    view._restart()
    view._width = 10
    view._wrap_until(10)
    assert view.complete and [r for r, _ in view._rows] == ["a", "b"]
    view.extend("a\nb\n\nc d e f g h i j k\n")
    assert not view.complete
    view._wrap_until(100)
    assert [r for r, _ in view._rows] == ["a", "b", "", "c d e f g", "h i j k"]
    assert view._left == 0 and view.complete


async def test_c_briefs_what_changed_since_a_source_as_export_changes_since_does(
    tmp_path: Path, cli: Any
) -> None:
    """The same "what's new" brief as `export --changes-since`; a bad answer is said, not raised."""
    import shutil

    from dossier import build as builder
    from tests.conftest import TESTS

    root = tmp_path / "asof"
    shutil.copytree(TESTS / "cases" / "asof", root, ignore=shutil.ignore_patterns("*.db*"))
    db = root / "data" / "sorel.db"
    builder.build(root / "data" / "sorel.toml", db)
    expected = cli("export", "--db", db, "--changes-since", "sorel-on-trial").out
    reader = Reader(db)
    try:
        app = BriefApp(reader, tmp_path)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle_brief(app, pilot)
            assert "c Changes since…" in modes_line(app)
            await pilot.press("c")
            await pilot.pause()
            assert isinstance(app.screen, DatePrompt)
            await pilot.press(*"sorel-on-trial", "enter")
            await settle_brief(app, pilot)
            screen = app.screen
            assert isinstance(screen, ExportScreen)
            assert screen.text == expected
            assert marked_modes(screen) == ["c"]
            title = title_and_status(app)[0]
            assert title == "Case brief of what changed since sorel-on-trial — preview"
            # a date before every source: the one line of the CLI, in the status line
            await pilot.press("c")
            await pilot.pause()
            app.screen.query_one(Input).value = "2020"
            await pilot.press("enter")
            await settle_brief(app, pilot)
            assert screen.text is None
            assert "before the first source" in title_and_status(app)[1]
    finally:
        reader.close()
