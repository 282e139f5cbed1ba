"""The `e` flow: preview the case brief, choose where to save it, confirm before overwriting.

The brief is written by :func:`dossier.brief.brief_markdown` in a thread worker and saved through
:func:`dossier.files.write_atomic` in another, so the screen never blocks and never writes SQL: it gets
a :class:`~dossier.queries.Reader` through its constructor, and the working set as a
:class:`~dossier.workset.Workset`, whose pinned records it reads for the brief from pins (``p``;
``w`` goes back to the whole case).
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

from dossier.brief import NothingPinnedError, Since, brief_markdown, default_file_name
from dossier.errors import DossierError
from dossier.files import check_target, write_atomic
from dossier.queries import Reader
from dossier.ui.screens.confirm import Confirm
from dossier.words import plural
from dossier.workset import Workset

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
    generation: int = 0
    pins: int | None = None
    """How many pinned records the brief was made from (None: the whole case)."""


@dataclass
class BriefFailed(Message):
    error: str
    generation: int = 0


@dataclass
class BriefSaved(Message):
    path: Path
    error: str | None = None
    pinned: bool = False


class ExportScreen(ModalScreen[None]):
    """A preview of the case brief; ``s`` (or Ctrl+S) saves it, Escape closes. Given the working
    set, ``p`` makes it the brief from the pinned records and ``w`` the brief of the whole case."""

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
        Binding(
            "w",
            "scope('whole')",
            "Whole case",
            tooltip="The brief of the whole case",
            id="export.whole",
        ),
        Binding(
            "p",
            "scope('pinned')",
            "From pins",
            tooltip="The brief from your pinned records, with your annotations as working notes",
            id="export.pinned",
        ),
    ]

    def __init__(
        self,
        reader: Reader,
        *,
        folder: Path | None = None,
        persons: tuple[str, ...] = (),
        since: Since | None = None,
        workset: Workset | None = None,
        pinned: bool = False,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.folder = folder if folder is not None else Path.cwd()
        self.persons = persons
        self.since = since
        self.workset = workset
        self.pinned = pinned and workset is not None
        """Whether the preview is the brief from pins (else the whole case)."""
        self.text: str | None = None
        self.error: str | None = None
        self._generation = 0
        """Bumped for each brief asked for: a brief that arrives after another was asked for is
        dropped (a thread worker runs to its end even when cancelled)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(Text(self._title()), id="export-title")
            yield BriefPreview(
                show_table_of_contents=False,
                parser_factory=preview_parser,
                open_links=False,
                id="export-preview",
            )
            yield Static(Text("Preparing the brief…"), id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(BriefPreview).focus()
        self._ask()

    def _title(self) -> str:
        return "Case brief from your pins — preview" if self.pinned else "Case brief — preview"

    # -- the brief ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "scope":
            if self.workset is None:
                return False  # no working set: no choice to offer
            # The scope shown is greyed out in the footer; the other one can be chosen.
            return None if (parameters[0] == "pinned") == self.pinned else True
        return True

    def action_scope(self, scope: str) -> None:
        """Switch the preview between the whole case and the pinned records."""
        pinned = scope == "pinned"
        if self.workset is None or pinned == self.pinned:
            return
        self.pinned = pinned
        self.query_one("#export-title", Static).update(Text(self._title()))
        self.refresh_bindings()
        self._ask()

    def _ask(self) -> None:
        self.text = None
        self.error = None
        self._generation += 1
        self.query_one(BriefPreview).loading = True
        self._status("Preparing the brief…")
        self._make_brief(self._generation, self.pinned)

    @work(thread=True, exclusive=True, exit_on_error=False, group="brief")
    def _make_brief(self, generation: int, pinned: bool) -> None:
        try:
            pins = self.workset.pinned() if pinned and self.workset is not None else None
            text = brief_markdown(self.reader, persons=self.persons, since=self.since, pins=pins)
        except NothingPinnedError:
            self.post_message(
                BriefFailed(
                    "Nothing is pinned: press p on a record to pin it; w shows the whole case.",
                    generation,
                )
            )
        except DossierError as exc:
            self.post_message(BriefFailed(exc.message, generation))
        except Exception as exc:  # a damaged database: say so, keep the app running
            self.post_message(BriefFailed(f"Cannot write the brief: {exc}", generation))
        else:
            self.post_message(BriefReady(text, generation, None if pins is None else len(pins)))

    @on(BriefReady)
    async def _brief_ready(self, event: BriefReady) -> None:
        if event.generation != self._generation:
            return  # the user has asked for the other brief since
        self.text = event.text
        viewer = self.query_one(BriefPreview)
        await viewer.document.update(preview_text(event.text))
        viewer.scroll_home(animate=False)
        viewer.loading = False
        size = f"{len(event.text.encode('utf-8')):,} bytes"
        if self.workset is None:
            self._status(f"{size} of Markdown. s saves it, Esc closes.")
        elif event.pins is None:  # short enough for 80 columns
            self._status(f"{size}, whole case. s saves it, p: from pins, Esc closes.")
        else:
            self._status(
                f"{size} from {plural(event.pins, 'pin')}. s saves it, w: whole case, Esc closes."
            )

    @on(BriefFailed)
    async def _brief_failed(self, event: BriefFailed) -> None:
        if event.generation != self._generation:
            return
        self.error = event.error
        viewer = self.query_one(BriefPreview)
        await viewer.document.update("")
        viewer.loading = False
        self._status(event.error)
        self.notify(event.error, title="Export", severity="error", timeout=8)

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Text(text))

    # -- saving ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.text is None:
            if self.error is not None:
                self.notify(f"Nothing to save. {self.error}", timeout=4)
            else:
                self.notify("The brief is still being prepared.", timeout=3)
            return
        text, pinned = self.text, self.pinned
        default = default_file_name(self.reader.meta, pinned=pinned)
        self.app.push_screen(
            SaveDialog(default, self.folder, pinned=pinned),
            lambda path: self._chosen(path, text, pinned),
        )

    def _chosen(self, path: Path | None, text: str, pinned: bool) -> None:
        if path is None:
            return
        if path.exists():
            self.app.push_screen(
                ConfirmOverwrite(path),
                lambda overwrite: self._confirmed(path, overwrite, text, pinned),
            )
        else:
            self._save(path, False, text, pinned)

    def _confirmed(self, path: Path, overwrite: bool | None, text: str, pinned: bool) -> None:
        if overwrite:
            self._save(path, True, text, pinned)
        else:
            self.notify(f"Not saved: {path.name} was left as it was.", timeout=4)

    @work(thread=True, exit_on_error=False, group="save")
    def _save(self, path: Path, force: bool, text: str, pinned: bool) -> None:
        try:
            write_atomic(path, text, force=force)
        except DossierError as exc:
            self.post_message(BriefSaved(path, exc.message, pinned))
        else:
            self.post_message(BriefSaved(path, None, pinned))

    @on(BriefSaved)
    def _brief_saved(self, event: BriefSaved) -> None:
        if event.error is not None:
            self.notify(event.error, title="Not saved", severity="error", timeout=8)
            self._status(f"Not saved: {event.error}")
            return
        where = str(event.path.absolute())
        what = "the brief from your pins" if event.pinned else "the case brief"
        self.notify(f"Saved {what} to {where}", title="Export", timeout=6)
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

    def __init__(self, default: str, folder: Path, *, pinned: bool = False) -> None:
        super().__init__()
        self.default = default
        self.folder = folder
        self.pinned = pinned

    def compose(self) -> ComposeResult:
        what = "the brief from your pins" if self.pinned else "the case brief"
        with Vertical(id="save-dialog"):
            yield Static(Text(f"Save {what} as", style="bold"))
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
