"""Escaping: any value, written where the brief writes values, reads back as itself and adds no
structure; and the atomic writer, which never leaves a partial file."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from dossier import files
from dossier.errors import DossierError
from dossier.markdown import cell, code, heading, inline, plain

MD = MarkdownIt("commonmark").enable("table").use(footnote_plugin)

# Text rich in Markdown's punctuation, line breaks and odd whitespace, as well as anything at all.
MARKDOWN_CHARS = st.sampled_from(
    [*"#>-+*_`~|[]()!<>&\\:;.=^@ \t\n\r0123456789aZé", "1.", "2)", "```", "---", "&amp;"]
)
VALUES = st.one_of(st.lists(MARKDOWN_CHARS, max_size=30).map("".join), st.text(max_size=40))


def text_of(token: Token) -> str:
    assert token.children is not None
    kinds = {c.type for c in token.children}
    assert kinds <= {"text"}, kinds
    return "".join(c.content for c in token.children)


def shape(tokens: list[Token]) -> list[str]:
    return [t.type for t in tokens]


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_inline_value_is_one_paragraph_of_itself(value: str) -> None:
    expected = plain(value)
    tokens = MD.parse(f"Before {inline(value)} after")
    assert shape(tokens) == ["paragraph_open", "inline", "paragraph_close"]
    assert text_of(tokens[1]) == f"Before {expected} after"


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_value_starting_a_line_stays_a_value(value: str) -> None:
    expected = plain(value)
    if not expected:
        return
    tokens = MD.parse(inline(value))
    assert shape(tokens) == ["paragraph_open", "inline", "paragraph_close"]
    assert text_of(tokens[1]) == expected
    item = MD.parse("- " + inline(value))
    assert shape(item) == [
        "bullet_list_open",
        "list_item_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "list_item_close",
        "bullet_list_close",
    ]
    assert text_of(item[3]) == expected
    quote = MD.parse("> " + inline(value))
    assert shape(quote) == [
        "blockquote_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "blockquote_close",
    ]
    assert text_of(quote[2]) == expected


@settings(max_examples=300, deadline=None)
@given(VALUES, VALUES)
def test_table_cells_stay_in_their_row(first: str, second: str) -> None:
    md = f"| A | B |\n| --- | --- |\n| {cell(first)} | {cell(second)} |\n| last | row |"
    tokens = MD.parse(md)
    cells = [t for t in tokens if t.type == "inline"]
    assert [t.type for t in tokens].count("tr_open") == 3
    assert len(cells) == 6
    assert text_of(cells[2]) == (plain(first) or "—")
    assert text_of(cells[3]) == (plain(second) or "—")
    assert text_of(cells[4]) == "last"


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_heading_is_one_heading(value: str) -> None:
    tokens = MD.parse(heading(2, value) + "\n\nBody")
    assert shape(tokens)[:3] == ["heading_open", "inline", "heading_close"]
    assert shape(tokens)[3:] == ["paragraph_open", "inline", "paragraph_close"]
    shown = text_of(tokens[1])
    assert shown == "Untitled" or plain(value).startswith(shown)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_code_span_holds_any_file_name(value: str) -> None:
    if not plain(value):
        return
    tokens = MD.parse(f"File: {code(value)}.")
    children = tokens[1].children or []
    spans = [c for c in children if c.type == "code_inline"]
    assert len(spans) == 1
    assert spans[0].content == plain(value) or spans[0].content.strip() == plain(value).strip()


def test_examples() -> None:
    assert inline("a | b") == "a \\| b"
    assert inline("# not a heading") == "\\# not a heading"
    assert inline("1. first") == "1\\. first"
    assert inline("- item") == "\\- item"
    assert inline("<b>x</b>") == "\\<b\\>x\\</b\\>"
    assert inline("&copy; & co") == "\\&copy; & co"
    assert inline("see https://example.com") == "see https\\://example.com"
    assert inline("line\nbreak\ttab") == "line break tab"
    assert heading(1, "Title: a question?!") == "# Title: a question?"
    assert cell("") == "—"


# ---------------------------------------------------------------------------------------------------
# The atomic writer


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_atomic_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "brief.md"
    files.write_atomic(target, "first\n")
    assert target.read_text() == "first\n"
    assert oct(target.stat().st_mode & 0o777) == oct(files.MODE)
    with pytest.raises(files.TargetExistsError, match="already exists"):
        files.write_atomic(target, "second\n")
    assert target.read_text() == "first\n"
    files.write_atomic(target, "second\n", force=True)
    assert target.read_text() == "second\n"
    assert leftovers(tmp_path) == []


def test_write_atomic_refuses_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(DossierError, match="is a directory"):
        files.write_atomic(tmp_path, "x")
    with pytest.raises(DossierError, match="no such folder"):
        files.write_atomic(tmp_path / "missing" / "brief.md", "x")
    with pytest.raises(DossierError, match="cannot create a file in /proc"):
        files.write_atomic(Path("/proc/dossier-brief.md"), "x")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_then_full(fd: int, data: bytes) -> None:
        os.write(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files, "_write_all", half_then_full)
    target = tmp_path / "brief.md"
    with pytest.raises(DossierError, match="the disk is full"):
        files.write_atomic(target, "x" * 10_000)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    # A file being replaced with force stays as it was.
    target.write_text("old\n")
    with pytest.raises(DossierError, match="the disk is full"):
        files.write_atomic(target, "x" * 10_000, force=True)
    assert target.read_text() == "old\n"
    assert leftovers(tmp_path) == []


def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "brief.md"
    real = files._write_all

    def someone_else_writes_first(fd: int, data: bytes) -> None:
        target.write_text("theirs\n")
        real(fd, data)

    monkeypatch.setattr(files, "_write_all", someone_else_writes_first)
    with pytest.raises(files.TargetExistsError):
        files.write_atomic(target, "mine\n")
    assert target.read_text() == "theirs\n"
    assert leftovers(tmp_path) == []
