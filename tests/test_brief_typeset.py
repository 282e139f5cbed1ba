"""The brief as a reader sees it set (issue 15, part 6): each footnote on the words it supports, one
footnote per claim, whole words in excerpts, sentence-case labels, true wording of the pins'
order, repeated references in HTML as a typesetter sets them, readable ``--help``."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from dossier.brief import _by, backlink_letter, brief_html, markdown_to_html
from dossier.kinds import clip
from dossier.queries import Reader
from tests.conftest import Cli, brief_of, footnotes, pinned_brief_of, pinned_copy, section


@pytest.fixture(scope="module")
def small_brief(small_db: Path) -> str:
    return brief_of(small_db)


def _row(brief: str, defendant: str, charge: str) -> list[str]:
    for line in section(brief, "Charges").splitlines():
        cells = [c.strip() for c in line.strip("|").split(" | ")]
        if len(cells) == 4 and cells[0] == defendant and cells[1].startswith(charge):
            return cells
    raise AssertionError(f"no row for {defendant}, {charge}")


def _notes_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[\^(\d+)\]", text)]


def test_each_status_step_carries_the_words_that_say_it(small_brief: str) -> None:
    """Not every footnote of a charge in its Plea cell: each step of its history has its own."""
    notes = footnotes(small_brief)
    _, charge, status, plea = _row(small_brief, "Nora Méndez", "Coup charges")
    indicted, on_trial = status.split("; ")
    assert indicted.startswith("indicted, date not stated")
    assert [notes[n] for n in _notes_in(indicted)] == [
        notes[_notes_in(indicted)[0]]
    ] and "was also indicted" in notes[_notes_in(indicted)[0]]
    assert on_trial.startswith("on trial, March 2025")
    assert any("put on trial" in notes[n] for n in _notes_in(on_trial))
    # The plea's footnote is the words of the plea, and only those
    assert plea.startswith("denies")
    assert [notes[n].rsplit(": “", 1)[1] for n in _notes_in(plea)] == ["The two deny the charges.”"]
    # The charge's own words sit on the charge
    assert any("coup charges" in notes[n] for n in _notes_in(charge))
    assert not set(_notes_in(plea)) & set(_notes_in(status))


def test_key_figures_footnote_each_fact_where_it_is_said(small_brief: str) -> None:
    line = next(
        x for x in section(small_brief, "Summary").splitlines() if x.startswith("- **Mateo Ibarra")
    )
    notes = footnotes(small_brief)
    requested = re.search(r"Prosecutors requested 34 years\.((?:\[\^\d+\])+)", line)
    assert requested is not None, line
    assert "34-year" in notes[_notes_in(requested.group(1))[0]]
    assert not line.endswith("][^")  # no pile of marks at the end of the line


def test_a_quote_and_its_attribution_never_repeat_a_footnote(small_brief: str) -> None:
    blocks = section(small_brief, "Key quotes").split("\n\n")
    pairs = [(b, blocks[i + 1]) for i, b in enumerate(blocks[:-1]) if b.startswith("> ")]
    assert pairs
    for words, attribution in pairs:
        assert _notes_in(words), words
        assert not set(_notes_in(words)) & set(_notes_in(attribution)), (words, attribution)
    # the plea's quote has only its words as evidence: its attribution line has no footnote
    (line,) = [a for w, a in pairs if "deny the charges" in w]
    assert not _notes_in(line)


def test_excerpts_end_on_a_whole_word(small_brief: str, small_db: Path) -> None:
    conn = sqlite3.connect(small_db)
    texts = [t for (t,) in conn.execute("SELECT text FROM quote")]
    conn.close()
    cut = re.findall(r"“([^”]*?)…”", small_brief)
    assert cut, "the small case's About lines quote a long quote"
    for head in cut:
        whole = [t for t in texts if t.startswith(head)]
        assert whole, head
        assert any(t[len(head)] in " ,;:." for t in whole), f"cut mid-word: {head}…"
    assert clip("interfering in his country’s affairs", 18) == "interfering in…"
    assert clip("a" * 30, 10) == "a" * 9 + "…"  # one long word is cut where it must be


def test_labels_are_in_sentence_case(small_brief: str) -> None:
    assert "requested by prosecutors" in small_brief
    assert "requested by Prosecutors" not in small_brief
    assert "Prosecutors requested 34 years." in small_brief  # at a sentence's start
    assert _by("Supreme Court of Andara") == "Supreme Court of Andara"  # a proper name


def test_the_pins_brief_states_the_order_truly_after_a_reorder(
    small_db: Path, tmp_path: Path
) -> None:
    from dossier.workset import Workset, path_beside

    db = pinned_copy(small_db, tmp_path / "pins")
    workset = Workset(path_beside(db))
    workset.move("andara-breaks-relations", -3)
    first = workset.pinned()[0].record
    workset.close()
    text = pinned_brief_of(db)
    assert "in the order they were pinned" not in text
    assert "in the order of the pins list (as pinned, or as rearranged)" in text
    assert first == "andara-breaks-relations"
    pins = section(text, "Pinned records and working notes")
    assert pins.index("Orphaned pin") < pins.index("**Nora Méndez**")


def test_html_sets_a_repeated_reference_as_one_note_with_lettered_backlinks(
    small_db: Path,
) -> None:
    reader = Reader(small_db)
    try:
        page = brief_html(reader)
    finally:
        reader.close()
    assert not re.search(r"\[\d+:\d+\]", page)
    notes = re.findall(r'<li id="fn(\d+)" class="footnote-item">(.*?)</li>', page, re.S)
    assert len({n for n, _ in notes}) == len(notes)
    repeated = [(n, body) for n, body in notes if body.count("footnote-backref") > 1]
    assert repeated
    for n, body in notes:
        assert body.count("\u21a9") == 1, n  # one ↩ per note
    n, body = repeated[0]
    letters = re.findall(r"<sup>([a-z]+)</sup></a>", body)
    assert letters == [backlink_letter(i) for i in range(len(letters))]
    assert letters[:2] == ["a", "b"]
    for letter in letters[1:]:  # each back-link leads to its own reference in the text
        assert f'id="fnref{n}-{letter}"' in page
    assert backlink_letter(25) == "z" and backlink_letter(26) == "aa"


def test_html_reference_shows_the_note_number() -> None:
    page = markdown_to_html("One[^1], two[^1].\n\n[^1]: note\n", "t")
    assert page.count('<a href="#fn1"') == 2
    assert ">1</a></sup>" in page and "[1:1]" not in page and "[1]" not in page


COMMANDS = [
    [],
    ["open"],
    ["check"],
    ["build"],
    ["export"],
    ["search"],
    ["datasette-metadata"],
    ["serve"],
    ["pins"],
    ["pins", "list"],
    ["pins", "add"],
    ["pins", "remove"],
    ["pins", "reattach"],
    ["pins", "push"],
    ["pins", "export"],
    ["pins", "import"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "dossier")
def test_help_shows_readable_metavars(cli: Cli, command: list[str]) -> None:
    result = cli(*command, "--help")
    assert result.code == 0
    assert not re.search(r"<(str|path|int|list\[[a-z]+\]|int range)>", result.out), result.out
    if command == ["export"]:
        assert "--person ID" in result.out and "--since DATE" in result.out
        assert "--out FILE" in result.out and "--format md|html|ftm" in result.out
    if command == ["search"]:
        assert re.search(r"^  QUERY  ", result.out, re.M)


def test_html_sets_notes_side_by_side_apart() -> None:
    """³⁵,³⁶ — never ³⁵³⁶, which reads as one number."""
    page = markdown_to_html("One[^1][^2].\n\n[^1]: a\n\n[^2]: b\n", "t")
    assert '>1</a></sup><sup class="footnote-sep">,</sup><sup class="footnote-ref">' in page
