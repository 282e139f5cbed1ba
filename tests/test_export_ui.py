"""`e` in the app: a preview of the case brief, then a save dialog, a confirmation before
overwriting, and a notification that says where the brief went."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input

from dossier.brief import brief_markdown
from dossier.queries import Reader
from dossier.ui.screens import export
from dossier.ui.screens.export import (
    BriefPreview,
    ConfirmOverwrite,
    ExportScreen,
    SaveDialog,
    preview_text,
)

DEFAULT_NAME = "castillo-chavez-brief-2025-11-04.md"


class BriefApp(App[None]):
    """A bare app that opens the export screen, as the dossier app does on `e`."""

    def __init__(self, reader: Reader, folder: Path) -> None:
        super().__init__()
        self.reader = reader
        self.folder = folder
        self.messages: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(ExportScreen(self.reader, folder=self.folder))

    def notify(self, message: str, **kwargs: Any) -> None:  # type: ignore[override]
        self.messages.append(message)
        super().notify(message, **kwargs)


@pytest.fixture
def reader(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Reader]:
    # The flow tests preview the first few blocks only: Textual lays out Markdown slowly.
    monkeypatch.setattr(export, "PREVIEW_LIMIT", 3_000)
    r = Reader(bundled_db)
    yield r
    r.close()


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_e_previews_then_saves_with_a_default_name(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    expected = brief_markdown(reader)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.text == expected
        preview = app.screen.query_one(BriefPreview).document.source
        assert preview == preview_text(expected)
        assert expected.startswith(preview.split("\n\n---\n\n")[0])

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SaveDialog)
        assert app.screen.query_one(Input).value == DEFAULT_NAME
        await pilot.press("enter")
        await settle(app, pilot)

        saved = tmp_path / DEFAULT_NAME
        assert saved.read_text(encoding="utf-8") == expected
        assert isinstance(app.screen, ExportScreen)
        assert any(f"Saved the case brief to {saved}" in m for m in app.messages)


async def test_overwriting_asks_first(reader: Reader, tmp_path: Path) -> None:
    target = tmp_path / DEFAULT_NAME
    target.write_text("an older brief\n")
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)

        # "n" keeps the file.
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmOverwrite)
        await pilot.press("n")
        await settle(app, pilot)
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
        await settle(app, pilot)
        assert target.read_text(encoding="utf-8") == brief_markdown(reader)
        assert any(f"Saved the case brief to {target}" in m for m in app.messages)
        assert sorted(p.name for p in tmp_path.iterdir()) == [DEFAULT_NAME]


async def test_a_bad_name_is_explained_in_the_dialog(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
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
        await settle(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ExportScreen)


async def test_a_failed_save_says_why(reader: Reader, tmp_path: Path) -> None:
    app = BriefApp(reader, Path("/proc"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        assert any("cannot create a file in /proc" in m for m in app.messages)


def test_a_long_brief_is_previewed_in_part() -> None:
    text = "\n\n".join(f"Paragraph {n}." for n in range(10_000)) + "\n"
    shown = preview_text(text, limit=1_000)
    assert len(shown) < 1_200
    assert shown.split("\n\n---\n\n")[0] == text[: len(shown.split("\n\n---\n\n")[0])]
    assert "more characters are in the brief" in shown
    assert preview_text("short\n") == "short\n"


def test_preview_snapshot(snap_compare: Any, bundled_db: Path, tmp_path: Path) -> None:
    reader = Reader(bundled_db)

    async def ready(pilot: Pilot[None]) -> None:
        await settle(pilot.app, pilot)

    try:
        assert snap_compare(BriefApp(reader, tmp_path), terminal_size=(80, 24), run_before=ready)
    finally:
        reader.close()
