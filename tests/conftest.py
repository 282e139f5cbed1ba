"""Shared fixtures and helpers.

The tests run on a small invented case of their own, ``tests/cases/small`` (fictional people and
states), so that adding a source or a record to the bundled ``data/castillo-chavez.toml`` breaks no
test. The few tests that are *about* the bundled case (its golden briefs, its snapshot SVGs, that it
checks and builds) are marked ``bundled``; README's "Testing" section says how to regenerate them.

Helpers used by several test modules live here (never imported from another test module).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from dossier import build as builder
from dossier.store import PROJECT_ROOT

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from textual.app import App
    from textual.pilot import Pilot

    from dossier.ui.app import DossierApp

CASE_NAME = "castillo-chavez.toml"
"""The bundled case file, in data/."""

TESTS = Path(__file__).resolve().parent
SMALL_ROOT = TESTS / "cases" / "small"
SMALL_CASE_NAME = "ibarra-mendez.toml"
SMALL_CASE = SMALL_ROOT / "data" / SMALL_CASE_NAME
"""The tests' own case: one invented article, every kind of record (see the file's header)."""

if "DOSSIER_CACHE_DIR" not in os.environ:
    # The console script keeps compiled dataclass methods in the user's cache folder
    # (dossier.methodcache); the tests, and the processes they start, keep theirs apart.
    import atexit
    import tempfile

    os.environ["DOSSIER_CACHE_DIR"] = tempfile.mkdtemp(prefix="dossier-test-cache-")
    atexit.register(shutil.rmtree, os.environ["DOSSIER_CACHE_DIR"], ignore_errors=True)

GOLDEN = TESTS / "golden" / "castillo-chavez-brief.md"
GOLDEN_PINNED = TESTS / "golden" / "castillo-chavez-brief-pinned.md"
"""The bundled case's golden briefs, read by a person; ``--update-golden`` rewrites them."""


@pytest.fixture(autouse=True)
def _collection_as_it_was() -> Iterator[None]:
    """The console script pauses garbage collection to open the app, and sets its thresholds for
    the everyday commands (dossier.entry.main): a test that runs it in this process must not
    leave the rest of the session without collection."""
    import gc

    enabled, threshold = gc.isenabled(), gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/* from the bundled case (then read the diff)",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether the golden briefs are to be rewritten (``--update-golden``, or the older
    ``DOSSIER_UPDATE_GOLDEN=1``)."""
    return bool(
        request.config.getoption("--update-golden") or os.environ.get("DOSSIER_UPDATE_GOLDEN")
    )


# ---------------------------------------------------------------------------------------------------
# Projects: a case file and its sources in a temporary folder


@dataclass
class Project:
    """A copy of a project's data/ and seeds/ in a temporary folder."""

    root: Path
    case_name: str = CASE_NAME

    @property
    def case(self) -> Path:
        return self.root / "data" / self.case_name

    @property
    def db(self) -> Path:
        return self.case.with_suffix(".db")

    def case_text(self) -> str:
        return self.case.read_text(encoding="utf-8")

    def write_case(self, text: str) -> Path:
        self.case.write_text(text, encoding="utf-8")
        return self.case

    def edit_case(self, old: str, new: str, count: int = 1) -> Path:
        text = self.case_text()
        assert old in text, f"test setup: {old!r} not in the case file"
        return self.write_case(text.replace(old, new, count))

    def line_of(self, needle: str) -> int:
        text = self.case_text()
        return text[: text.index(needle)].count("\n") + 1


@pytest.fixture
def project(tmp_path: Path) -> Project:
    """A private copy of the bundled case (for the tests about it; others use small_project)."""
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "data" / CASE_NAME, root / "data" / CASE_NAME)
    shutil.copytree(PROJECT_ROOT / "seeds", root / "seeds")
    return Project(root)


@pytest.fixture
def small_project(tmp_path: Path) -> Project:
    """A private copy of the small test case, not built: edit it, build it, break it."""
    root = tmp_path / "project"
    shutil.copytree(SMALL_ROOT, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    return Project(root, SMALL_CASE_NAME)


@pytest.fixture
def built_small_project(small_project: Project, small_db: Path) -> Project:
    """``small_project`` with its database already built (a copy of the session's build: the
    same bytes a build of the same files writes, see test_build's determinism test)."""
    shutil.copy(small_db, small_project.db)
    return small_project


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled case built once per test session (per xdist worker) into a temporary folder."""
    out = tmp_path_factory.mktemp("bundled") / "castillo-chavez.db"
    builder.build(PROJECT_ROOT / "data" / CASE_NAME, out)
    return out


@pytest.fixture(scope="session")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small test case built once per test session (per xdist worker); read it, never
    write it (``small_db_copy`` is a private copy)."""
    out = tmp_path_factory.mktemp("small") / "ibarra-mendez.db"
    builder.build(SMALL_CASE, out)
    return out


@pytest.fixture
def small_db_copy(small_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the built small case, alone in its folder."""
    folder = tmp_path / "db"
    folder.mkdir()
    copy = folder / small_db.name
    shutil.copy(small_db, copy)
    return copy


# ---------------------------------------------------------------------------------------------------
# The command line


@dataclass
class CliResult:
    code: int
    out: str
    err: str


Cli = Callable[..., CliResult]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Run ``dossier ARGS`` in-process through the console-script entry point."""
    from dossier.cli import main

    def run(*args: str | Path) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["dossier", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def assert_one_line_error(result: CliResult, *needles: str) -> str:
    """Exit code 2 and one ``dossier: error:`` line holding every needle; returns the line."""
    assert result.code == 2, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dossier: error: "), lines[0]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# ---------------------------------------------------------------------------------------------------
# The app


async def settle(pilot: Pilot[Any], rounds: int = 4) -> None:
    """Let workers finish and the messages they post be handled (workers start workers): a
    bounded number of rounds, never a wait without end."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def wait_until(pilot: Pilot[Any], done: Callable[[], bool], tries: int = 50) -> bool:
    """Pause until ``done()`` or ``tries`` pauses of 0.05 s have passed; whether it happened."""
    for _ in range(tries):
        if done():
            return True
        await pilot.pause(0.05)
    return done()


async def press_until(
    pilot: Pilot[Any], key: str, done: Callable[[], bool], tries: int = 100, wait: bool = True
) -> bool:
    """Press ``key`` until ``done()``, at most ``tries`` times (settling after each press when
    ``wait``); whether it happened."""
    for _ in range(tries):
        if done():
            return True
        await pilot.press(key)
        if wait:
            await settle(pilot)
    return done()


def screen_text(app: App[Any]) -> str:
    """The characters on the screen, one line per row. Textual has no public call for this
    (``export_screenshot`` gives an SVG), hence the compositor."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(seg.text for seg in strip) for strip in strips)


def shown_detail(app: DossierApp) -> str | None:
    """The id of the record the active pane's detail panel shows."""
    from dossier.ui.widgets.detail import DetailPanel

    panel = app.pane(app.active_pane).query_one(DetailPanel)
    return panel.detail.id if panel.detail else None


@dataclass
class Notice:
    title: str
    message: str


def record_notifications(app: App[Any]) -> list[Notice]:
    """Every notification ``app`` posts from now on, through its public ``notify``."""
    seen: list[Notice] = []
    real = app.notify

    def notify(message: Any, *args: Any, **kwargs: Any) -> None:
        seen.append(Notice(str(kwargs.get("title", "")), str(message)))
        real(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return seen


# ---------------------------------------------------------------------------------------------------
# The brief


def brief_of(db: Path, **kwargs: Any) -> str:
    """The Markdown brief of the dossier at ``db``."""
    from dossier.brief import brief_markdown
    from dossier.queries import Reader

    reader = Reader(db)
    try:
        return brief_markdown(reader, **kwargs)
    finally:
        reader.close()


def md_parser() -> MarkdownIt:
    """GFM as GitHub reads a brief: CommonMark, tables, footnotes (and inline footnotes, so that a
    value's ``^[...]`` would show up as structure)."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    return MarkdownIt("commonmark").enable("table").use(footnote_plugin)


def section(text: str, title: str) -> str:
    """The Markdown of one ``## title`` section, up to the next ``## `` heading."""
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def footnotes(text: str) -> dict[int, str]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"^\[\^(\d+)\]: (.*)$", text, re.M)}


def lint(text: str) -> list[str]:
    """Markdown lint failures (pymarkdown, line length aside)."""
    from pymarkdown.api import PyMarkdownApi

    result = PyMarkdownApi().disable_rule_by_identifier("md013").scan_string(text)
    return [
        f"{f.line_number}:{f.column_number} {f.rule_id} {f.rule_description} {f.extra_error_information or ''}"
        for f in result.scan_failures
    ]


MARKDOWN_HOSTILE = [
    "Pipe | in | the | middle",
    "# A leading hash",
    "## Two hashes ##",
    "- a leading dash",
    "+ a leading plus",
    "* a leading star",
    "> a leading quote mark",
    "1. a leading number",
    "2) another number",
    "---",
    "===",
    "*stars* and _underscores_ and **bold** and __bold__",
    "`code` and ``more code``",
    "```fence",
    "~~~ tilde fence and ~~strike~~",
    "[a link](https://example.com) and [^1] and ^[inline note] and ![image](x.png)",
    "<script>alert(1)</script> <b>bold</b> <!-- comment --> <https://example.com>",
    "line one\nline two\n\n| a | b |\n| --- | --- |\n# heading after a blank line",
    "carriage\rreturn and tab\there and form\x0cfeed and nul\x00byte",
    "&copy; &#169; &amp; entities",
    "https://example.com and www.example.com and someone@example.com",
    "a trailing backslash \\",
    "trailing punctuation!",
    "    four spaces of indent",
    "\\*escaped star\\*",
]
"""Values that would be Markdown structure if a brief wrote them as they are."""


# ---------------------------------------------------------------------------------------------------
# Pins: the working sets of the pinned-brief tests

Pin = tuple[str, str, str, "str | None"]
"""A pin as the tests make it: record id, title and kind when pinned, annotation."""

SENTENCE_NOTE = "Requested, not imposed. Ask the prosecutors when the court is due to rule."
ORPHAN_NOTE = "Renamed in the case file? Reattach it with dossier pins reattach."


def _person_note(lawyer: str) -> str:
    return (
        f"Ask her lawyer | {lawyer} | whether she applied for asylum.\n"
        "# Not a heading: did she reach the embassy before Monday?\n"
        "* *Not* a list, **not bold**, <b>not HTML</b>\n"
        "\n"
        "1. Not a numbered list either\n"
        "> not a quote [^1] https://example.com\n"
        "| a | b |\n"
        "| --- | --- |"
    )


PERSON_NOTE = _person_note("Raul Tavernilla")
SMALL_PINS: list[Pin] = [
    ("nora-mendez", "Nora Méndez", "person", PERSON_NOTE),
    (
        "ibarra-sentence-request",
        "Mateo Ibarra — 34 years (prison), requested by prosecutors",
        "sentence",
        SENTENCE_NOTE,
    ),
    ("de-lasa-sever-relations", "Ramiro de Lasa: “In view of this unfriendly act…”", "quote", None),
    ("andara-breaks-relations", "Andara → Veracia: relations severed", "diplomatic", ORPHAN_NOTE),
]
"""Pins on the small case: a person with a note that looks like Markdown, a sentence, a quote
with no note, and an orphan (a record id that is not in the dossier, as after a rename)."""

BUNDLED_PINS: list[Pin] = [
    ("betsy-chavez", "Betsy Chávez", "person", _person_note("Raul Nobresilla")),
    (
        "castillo-sentence-request",
        "Pedro Castillo — 34 years (prison), requested by prosecutors",
        "sentence",
        SENTENCE_NOTE,
    ),
    ("de-zera-sever-relations", "Hugo de Zera: “In view of this unfriendly act…”", "quote", None),
    ("peru-breaks-relations", "Peru → Mexico: relations severed", "diplomatic", ORPHAN_NOTE),
]
"""The same pins on the bundled case: those of its golden brief from pins."""


def pin_all(db: Path, pins: list[Pin]) -> Any:
    """Pin and annotate ``pins`` in the working set beside ``db``, through the working set's API;
    returns the open Workset."""
    from dossier.workset import Workset, path_beside

    workset = Workset(path_beside(db))
    for record, title, kind, note in pins:
        workset.pin(record, title, kind)
        if note is not None:
            workset.annotate(record, note, title, kind)
    return workset


def pinned_copy(db: Path, folder: Path, pins: list[Pin] | None = None) -> Path:
    """A copy of the dossier ``db`` in ``folder`` (created if need be) with ``pins`` (the small
    case's, unless told) in the working set beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / db.name
    shutil.copy(db, copy)
    pin_all(copy, SMALL_PINS if pins is None else pins).close()
    return copy


def pinned_brief_of(db: Path, **kwargs: Any) -> str:
    """The brief from the pins beside ``db``."""
    from dossier.workset import Workset, path_beside

    workset = Workset(path_beside(db))
    try:
        return brief_of(db, pins=workset.pinned(), **kwargs)
    finally:
        workset.close()
