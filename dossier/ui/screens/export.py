"""The `e` flow: preview a case brief, choose which, where to save it, confirm before overwriting.

The screen offers the briefs of ``dossier export``: the whole case (``w``), the pinned records
(``p``), a person or organisation and the records linked to them (``n``), events since a date
(``d``) — each a :class:`~dossier.briefchoice.Mode`, so that a new kind of brief is one entry in
:data:`~dossier.briefchoice.MODES`. The line under the title lists them, the one shown marked.

The brief is written by :func:`dossier.briefchoice.make` in a thread worker and saved through
:func:`dossier.files.write_atomic` in another, so the screen never blocks and never writes SQL: it gets
a :class:`~dossier.queries.Reader` through its constructor, and the working set as a
:class:`~dossier.workset.Workset`, whose pinned records it reads for the brief from pins. Each brief
made is kept while the screen is open: going back to it shows it at once (nothing can change the
dossier or the pins while this screen is open).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from dossier.brief import NothingPinnedError, Since
from dossier.briefchoice import MODES, Choice, Mode, check_date, file_name, parts, what
from dossier.errors import DossierError
from dossier.files import check_target, write_atomic
from dossier.queries import Reader
from dossier.safetext import line
from dossier.ui.screens.confirm import Confirm
from dossier.ui.widgets.text_view import TextView
from dossier.words import plural
from dossier.workset import SqlWorkset


class BriefPreview(TextView):
    """The brief's Markdown, drawn a screenful at a time (Textual's Markdown widget laid out every
    block before showing the first: 1.5–2.7 s for the bundled brief). It takes the focus, so the
    arrow keys, Page Up/Down, Home and End scroll it."""


@dataclass
class BriefReady(Message):
    text: str
    generation: int = 0
    pins: int | None = None
    """How many pinned records the brief was made from (None: not a brief from pins)."""
    choice: Choice = field(default_factory=Choice)


@dataclass
class BriefBegun(Message):
    """The top of a brief still being written: the preview shows it at once."""

    text: str
    generation: int = 0


@dataclass
class BriefFailed(Message):
    error: str
    generation: int = 0


@dataclass
class BriefSaved(Message):
    path: Path
    error: str | None = None
    pinned: bool = False


def _mode_binding(name: str) -> Binding:
    mode = MODES[name]
    return Binding(
        mode.key, f"mode('{name}')", mode.button, tooltip=mode.tooltip, id=f"export.{name}"
    )


class ExportScreen(ModalScreen[None]):
    """A preview of a case brief; ``s`` (or Ctrl+S) saves it, Escape closes; ``w``, ``p``,
    ``n`` and ``d`` choose which brief (see :mod:`dossier.briefchoice`)."""

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
    ExportScreen #export-modes {
        height: 1;
        color: $text-muted;
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
        *(_mode_binding(name) for name in MODES),
    ]

    def __init__(
        self,
        reader: Reader,
        *,
        folder: Path | None = None,
        persons: tuple[str, ...] = (),
        since: Since | None = None,
        workset: SqlWorkset | None = None,
        pinned: bool = False,
        choice: Choice | None = None,
        why: str | None = None,
    ) -> None:
        super().__init__()
        self.reader = reader
        self.folder = folder if folder is not None else Path.cwd()
        self.workset = workset
        if choice is None:
            if pinned and workset is not None:
                choice = Choice("pins")
            elif persons:
                choice = Choice("person", persons[0], persons[0])
            elif since is not None:
                choice = Choice("since", since.value, since.display())
            else:
                choice = Choice()
        self.choice = choice
        """The brief shown (or being made)."""
        self.why = why
        """Said once, with the first brief: why the screen opened on it (``e`` on the Pinned
        pane opens on the pins)."""
        self.text: str | None = None
        self.error: str | None = None
        self._generation = 0
        """Bumped for each brief asked for: a brief that arrives after another was asked for is
        dropped (a thread worker runs to its end even when cancelled)."""
        self._made: dict[Choice, BriefReady] = {}
        """Each brief made since the screen opened: choosing it again shows it at once."""

    @property
    def pinned(self) -> bool:
        """Whether the preview is the brief from pins."""
        return self.choice.mode == "pins"

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Static(Text(self._title()), id="export-title")
            yield Static(self._modes(), id="export-modes")
            yield BriefPreview(id="export-preview")
            yield Static(Text("Preparing the brief…"), id="export-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(BriefPreview).focus()
        self._ask()

    def _title(self) -> str:
        mode = self.choice.mode
        if mode == "whole":
            return "Case brief — preview"
        if mode == "pins":
            return "Case brief from your pins — preview"
        return line(f"Case brief of {what(self.choice)} — preview")

    def _offered(self) -> list[str]:
        return [n for n, m in MODES.items() if not (m.pins and self.workset is None)]

    def _modes(self) -> Text:
        """The briefs offered, by key, the one shown marked: ``▸w Whole case  p Pins …``."""
        out = Text("Brief of: ", style="dim", no_wrap=True, overflow="ellipsis")
        for n, name in enumerate(self._offered()):
            mode = MODES[name]
            if n:
                out.append("  ")
            shown = name == self.choice.mode
            out.append(mode.key, style="bold reverse" if shown else "bold")
            out.append(f" {mode.button}", style="bold" if shown else "")
        return out

    # -- which brief ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mode":
            mode = MODES.get(str(parameters[0]))
            if mode is None or (mode.pins and self.workset is None):
                return False  # no working set: no brief from pins to offer
            # The brief shown is greyed out in the footer, unless it asks for a choice again.
            return None if mode.name == self.choice.mode and mode.ask == "nothing" else True
        return True

    def action_mode(self, name: str) -> None:
        """Show another brief: at once when it asks for nothing, else after asking."""
        mode = MODES.get(name)
        if mode is None or (mode.pins and self.workset is None):
            return
        if mode.ask == "person":
            self.app.push_screen(PersonPrompt(self.reader, mode.prompt), self._chosen_choice)
        elif mode.ask == "date":
            self.app.push_screen(DatePrompt(mode, self.choice), self._chosen_choice)
        elif name != self.choice.mode:
            self._choose(Choice(name))

    def _chosen_choice(self, choice: Choice | None) -> None:
        if choice is not None and choice != self.choice:
            self._choose(choice)

    def _choose(self, choice: Choice) -> None:
        self.choice = choice
        self.why = None
        self.query_one("#export-title", Static).update(Text(self._title()))
        self.query_one("#export-modes", Static).update(self._modes())
        self.refresh_bindings()
        self._ask()

    def action_scope(self, scope: str) -> None:
        """The whole case (``whole``) or the pins (``pinned``): kept for callers of before."""
        self.action_mode("pins" if scope == "pinned" else "whole")

    def _ask(self) -> None:
        self.text = None
        self.error = None
        self._generation += 1
        made = self._made.get(self.choice)
        if made is not None:
            self._show(made)
            return
        self.query_one(BriefPreview).loading = True
        self._status("Preparing the brief…")
        self._make_brief(self._generation, self.choice)

    @work(thread=True, exclusive=True, exit_on_error=False, group="brief")
    def _make_brief(self, generation: int, choice: Choice) -> None:
        try:
            mode = MODES[choice.mode]
            pins = self.workset.pinned() if mode.pins and self.workset is not None else None
            if mode.pins and not pins:
                raise NothingPinnedError()
            pieces: list[str] = []
            for n, piece in enumerate(parts(self.reader, choice, pins)):
                pieces.append(piece)
                if n == 0:  # the title, the pins and the summary: the first screenful
                    self.post_message(BriefBegun(piece, generation))
            text = "".join(pieces)
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
            count = None if pins is None else len(pins)
            self.post_message(BriefReady(text, generation, count, choice))

    @on(BriefBegun)
    def _brief_begun(self, event: BriefBegun) -> None:
        if event.generation != self._generation:
            return
        viewer = self.query_one(BriefPreview)
        viewer.show(event.text)
        viewer.loading = False
        self._status("Writing the rest of the brief…")

    @on(BriefReady)
    def _brief_ready(self, event: BriefReady) -> None:
        if event.generation != self._generation:
            return  # the user has asked for another brief since
        self._made[event.choice] = event
        self._show(event)

    def _show(self, event: BriefReady) -> None:
        self.text = event.text
        viewer = self.query_one(BriefPreview)
        viewer.extend(event.text)  # the top shown already stays where it is
        viewer.loading = False
        size = f"{len(event.text.encode('utf-8')):,} bytes"
        if self.why is not None:
            self._status(f"{size} from {plural(event.pins or 0, 'pin')}: {self.why}")
        elif self.workset is None and event.choice.mode == "whole":
            self._status(f"{size} of Markdown. s saves it, Esc closes.")
        elif event.choice.mode == "whole":  # short enough for 80 columns
            self._status(f"{size}, whole case. s saves it, p: from pins, Esc closes.")
        elif event.pins is not None:
            self._status(
                f"{size} from {plural(event.pins, 'pin')}. s saves it, w: whole case, Esc closes."
            )
        else:
            self._status(f"{size}: {what(event.choice)}. s saves it, w: whole case.")

    @on(BriefFailed)
    def _brief_failed(self, event: BriefFailed) -> None:
        if event.generation != self._generation:
            return
        self.error = event.error
        viewer = self.query_one(BriefPreview)
        viewer.show("")
        viewer.loading = False
        self._status(event.error)
        self.notify(event.error, title="Export", severity="error", timeout=8)

    def _status(self, text: str) -> None:
        self.query_one("#export-status", Static).update(Text(line(text)))

    # -- saving ---------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.text is None:
            if self.error is not None:
                self.notify(f"Nothing to save. {self.error}", timeout=4)
            else:
                self.notify("The brief is still being prepared.", timeout=3)
            return
        text, choice = self.text, self.choice
        default = file_name(self.reader.meta, choice)
        self.app.push_screen(
            SaveDialog(
                default, self.folder, pinned=choice.mode == "pins", what=_saved_what(choice)
            ),
            lambda path: self._chosen(path, text, choice.mode == "pins"),
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


def _saved_what(choice: Choice) -> str:
    if choice.mode == "whole":
        return "the case brief"
    if choice.mode == "pins":
        return "the brief from your pins"
    return f"the brief of {what(choice)}"


class PersonPrompt(ModalScreen[Choice | None]):
    """Asks which person or organisation: typing narrows the list (names, aliases, accents
    folded, as search); ↑/↓ choose, Enter takes it, Escape cancels."""

    DEFAULT_CSS = """
    PersonPrompt {
        align: center middle;
    }
    PersonPrompt #person-dialog {
        width: 72;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        background: $panel;
        border: thick $primary;
        padding: 0 1;
    }
    PersonPrompt OptionList {
        height: auto;
        max-height: 12;
    }
    PersonPrompt .hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.person.cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    LIMIT = 30

    def __init__(self, reader: Reader, prompt: str) -> None:
        super().__init__()
        self.reader = reader
        self.prompt = prompt
        self._asked = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="person-dialog"):
            yield Static(Text(self.prompt, style="bold"))
            yield Input(placeholder="a name, part of a name", id="person-query")
            yield OptionList(id="person-list")
            yield Static(Text("Type to narrow · ↑↓ choose · Enter takes it · Esc cancels"),
                         classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._look("")

    @on(Input.Changed, "#person-query")
    def _typed(self, event: Input.Changed) -> None:
        self._look(event.value)

    def _look(self, text: str) -> None:
        self._asked += 1
        self._find(self._asked, text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="person")
    def _find(self, asked: int, text: str) -> None:
        from dossier import kinds

        found: list[tuple[str, str]] = []
        try:
            if text.strip():
                for hit in self.reader.find_records(text, self.LIMIT * 2):
                    spec = kinds.get(hit.kind)
                    if spec is not None and spec.table == "entity":
                        found.append((hit.id, hit.title))
            else:
                for row in self.reader.page("people", 0, self.LIMIT):
                    found.append((row.record, row.cells[0] if row.cells else row.record))
        except Exception:  # a damaged database: the list stays empty, the brief screen says why
            found = []
        self.app.call_from_thread(self._fill, asked, found[: self.LIMIT])

    def _fill(self, asked: int, found: list[tuple[str, str]]) -> None:
        if asked != self._asked:
            return
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(Text(line(name)), id=rid) for rid, name in found)
        if found:
            options.highlighted = 0

    def action_move(self, delta: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            now = options.highlighted if options.highlighted is not None else -1
            options.highlighted = max(0, min(options.option_count - 1, now + delta))

    @on(Input.Submitted, "#person-query")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("No person or organisation matches.", timeout=3)
            return
        self._take(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionSelected, "#person-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._take(event.option)

    def _take(self, option: Option) -> None:
        name = option.prompt.plain if isinstance(option.prompt, Text) else str(option.prompt)
        self.dismiss(Choice("person", option.id, name))

    def action_cancel(self) -> None:
        self.dismiss(None)


class DatePrompt(ModalScreen[Choice | None]):
    """Asks for a date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``); a bad one is explained in the
    dialog; Enter takes it, Escape cancels."""

    DEFAULT_CSS = """
    DatePrompt {
        align: center middle;
    }
    DatePrompt #date-dialog {
        width: 60;
        max-width: 95%;
        height: auto;
        background: $panel;
        border: thick $primary;
        padding: 0 1;
    }
    DatePrompt #date-error {
        color: $text-error;
        height: auto;
    }
    DatePrompt .hint {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="export.date.cancel"),
    ]

    def __init__(self, mode: Mode, current: Choice) -> None:
        super().__init__()
        self.mode = mode
        self.prompt = mode.prompt
        self.current = current

    def compose(self) -> ComposeResult:
        value = self.current.value if self.current.mode == self.mode.name else ""
        with Vertical(id="date-dialog"):
            yield Static(Text(self.prompt, style="bold"))
            yield Input(value=value or "", placeholder="2025-03", id="date-value")
            yield Static(id="date-error")
            yield Static(Text("Enter takes it · Esc cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#date-value")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            choice = (self.mode.check or check_date)(event.value)
        except DossierError as exc:
            message = exc.message.replace("--since ", "", 1)
            self.query_one("#date-error", Static).update(Text(line(message)))
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
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

    def __init__(
        self, default: str, folder: Path, *, pinned: bool = False, what: str | None = None
    ) -> None:
        super().__init__()
        self.default = default
        self.folder = folder
        self.pinned = pinned
        self.what = what

    def compose(self) -> ComposeResult:
        what = self.what or ("the brief from your pins" if self.pinned else "the case brief")
        with Vertical(id="save-dialog"):
            yield Static(Text(f"Save {what} as", style="bold"))
            yield Static(
                Text(f"in {line(str(self.folder))} unless the name says otherwise", style="dim")
            )
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
        self.query_one("#save-error", Static).update(Text(line(message)))

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
