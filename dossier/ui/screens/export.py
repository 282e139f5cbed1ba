"""The `e` flow: preview the case brief, choose where to save it, confirm before overwriting.

The brief is written by :func:`dossier.brief.brief_markdown` in a thread worker and saved through
:func:`dossier.files.write_atomic` in another, so the screen never blocks and never writes SQL: it gets
a :class:`~dossier.queries.Reader` through its constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from markdown_it import MarkdownIt
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, MarkdownViewer, Static

from dossier.brief import Since, brief_markdown, default_file_name
from dossier.errors import DossierError
from dossier.files import check_target, write_atomic
from dossier.queries import Reader
from dossier.ui.screens.confirm import Confirm

PREVIEW_LIMIT = 40_000
"""Characters of the brief shown in the preview: Textual's Markdown widget lays out every block on
the UI thread (about a second for the bundled brief), so a long brief is previewed in part and saved
whole."""


def preview_text(text: str, limit: int | None = None) -> str:
    """``text``, or its first blocks up to ``limit`` (:data:`PREVIEW_LIMIT`) characters and a line
    that says so."""
    limit = PREVIEW_LIMIT if limit is None else limit
    if len(text) <= limit:
        return text
    cut = text.rfind("\n\n", 0, limit)
    cut = cut if cut > 0 else limit
    rest = len(text) - cut
    return (
        text[:cut]
        + f"\n\n---\n\n*The preview ends here: {rest:,} more characters are in the brief. "
        "Save it to read all of it.*\n"
    )


def preview_parser() -> MarkdownIt:
    """CommonMark with tables, as the HTML export; footnote references show as ``[^n]``."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


class BriefPreview(MarkdownViewer, can_focus=True):
    """The preview takes the focus, so the arrow keys, Page Up/Down, Home and End scroll it."""


@dataclass
class BriefReady(Message):
    text: str


@dataclass
class BriefFailed(Message):
    error: str


@dataclass
class BriefSaved(Message):
    path: Path
    error: str | None = None


class ExportScreen(ModalScreen[None]):
    """A preview of the case brief; ``s`` (or Ctrl+S) saves it, Escape closes."""

    DEFAULT_CSS = """
    ExportScreen {
        align: center middle;
    }
    ExportScreen #export-dialog {
        width: 100%;
        max-width: 110;
        height: 1fr;
        background: $panel;
        border: thick $primary;
        padding: 0 1;
    }
    ExportScreen #export-title {
        height: 1;
        text-style: bold;
    }
    ExportScreen #export-preview {
        height: 1fr;
    }
    ExportScreen #export-status {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s,ctrl+s", "save", "Save brief", id="export.save"),
        Binding("escape", "close", "Close", id="export.close"),
    ]

    def __init__(
        self,
        reader: Reader,
        *,
        folder: Path | None = None,
        persons: tuple[str, ...] = (),
        since: Since | None = None,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.folder = folder if folder is not None else Path.cwd()
        self.persons = persons
        self.since = since
        self.text: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(Text("Case brief — preview"), id="export-title")
            yield BriefPreview(
                show_table_of_contents=False,
                parser_factory=preview_parser,
                open_links=False,
                id="export-preview",
            )
            yield Static(Text("Preparing the brief…"), id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        preview = self.query_one(BriefPreview)
        preview.loading = True
        preview.focus()
        self._make_brief()

    # -- the brief ------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="brief")
    def _make_brief(self) -> None:
        try:
            text = brief_markdown(self.reader, persons=self.persons, since=self.since)
        except DossierError as exc:
            self.post_message(BriefFailed(exc.message))
        except Exception as exc:  # a damaged database: say so, keep the app running
            self.post_message(BriefFailed(f"Cannot write the brief: {exc}"))
        else:
            self.post_message(BriefReady(text))

    @on(BriefReady)
    async def _brief_ready(self, event: BriefReady) -> None:
        self.text = event.text
        viewer = self.query_one(BriefPreview)
        await viewer.document.update(preview_text(event.text))
        viewer.loading = False
        size = len(event.text.encode("utf-8"))
        self._status(f"{size:,} bytes of Markdown. s saves it, Esc closes.")

    @on(BriefFailed)
    def _brief_failed(self, event: BriefFailed) -> None:
        self.query_one(BriefPreview).loading = False
        self._status(event.error)
        self.notify(event.error, title="Export", severity="error", timeout=8)

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Text(text))

    # -- saving ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.text is None:
            self.notify("The brief is still being prepared.", timeout=3)
            return
        default = default_file_name(self.reader.meta)
        self.app.push_screen(SaveDialog(default, self.folder), self._chosen)

    def _chosen(self, path: Path | None) -> None:
        if path is None:
            return
        if path.exists():
            self.app.push_screen(
                ConfirmOverwrite(path),
                lambda overwrite: self._confirmed(path, overwrite),
            )
        else:
            self._save(path, False)

    def _confirmed(self, path: Path, overwrite: bool | None) -> None:
        if overwrite:
            self._save(path, True)
        else:
            self.notify(f"Not saved: {path.name} was left as it was.", timeout=4)

    @work(thread=True, exit_on_error=False, group="save")
    def _save(self, path: Path, force: bool) -> None:
        assert self.text is not None
        try:
            write_atomic(path, self.text, force=force)
        except DossierError as exc:
            self.post_message(BriefSaved(path, exc.message))
        else:
            self.post_message(BriefSaved(path))

    @on(BriefSaved)
    def _brief_saved(self, event: BriefSaved) -> None:
        if event.error is not None:
            self.notify(event.error, title="Not saved", severity="error", timeout=8)
            self._status(f"Not saved: {event.error}")
            return
        where = str(event.path.absolute())
        self.notify(f"Saved the case brief to {where}", title="Export", timeout=6)
        self._status(f"Saved to {where}")

    def action_close(self) -> None:
        self.dismiss(None)


class SaveDialog(ModalScreen[Path | None]):
    """Asks for a file name, prefilled with a sensible default; Enter saves, Escape cancels."""

    DEFAULT_CSS = """
    SaveDialog {
        align: center middle;
    }
    SaveDialog #save-dialog {
        width: 72;
        max-width: 95%;
        height: auto;
        background: $panel;
        border: thick $primary;
        padding: 1 2;
    }
    SaveDialog #save-error {
        color: $text-error;
        height: auto;
    }
    SaveDialog .hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.save.cancel"),
    ]

    def __init__(self, default: str, folder: Path) -> None:
        super().__init__()
        self.default = default
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(Text("Save the case brief as", style="bold"))
            yield Static(Text(f"in {self.folder} unless the name says otherwise", style="dim"))
            yield Input(value=self.default, id="save-path")
            yield Static(id="save-error")
            yield Static(Text("Enter saves · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def target(self, raw: str) -> Path:
        path = Path(raw.strip()).expanduser()
        return path if path.is_absolute() else self.folder / path

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self._error("Type a file name.")
            return
        path = self.target(event.value)
        try:
            check_target(path)
        except DossierError as exc:
            self._error(exc.message)
            return
        self.dismiss(path)

    def _error(self, message: str) -> None:
        self.query_one("#save-error", Static).update(Text(message))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmOverwrite(Confirm):
    """``y`` replaces the existing file; ``n`` or Escape keeps it."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path.name} already exists in {path.parent}. Replace it with this brief?",
            yes="Overwrite",
            no="Keep it",
        )
        self.path = path
