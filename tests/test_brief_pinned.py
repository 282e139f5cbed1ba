"""The brief from pins: the pinned records in the user's order and the records one link away from
them, the user's annotations as working notes that can never pass for sourced facts or break the
document, orphaned pins listed, and the same bytes from the same pins."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from dossier import brief
from dossier.brief import NothingPinnedError, brief_html, working_note
from dossier.queries import Reader
from dossier.workset import WorkItem, Workset, path_beside
from tests.conftest import (
    BUNDLED_PINS,
    GOLDEN_PINNED,
    MARKDOWN_HOSTILE,
    ORPHAN_NOTE,
    PERSON_NOTE,
    SENTENCE_NOTE,
    brief_of,
    footnotes,
    lint,
    md_parser,
    pinned_brief_of,
    pinned_copy,
    section,
)

HOSTILE = MARKDOWN_HOSTILE


def items(*records: str, notes: dict[str, str] | None = None) -> list[WorkItem]:
    notes = notes or {}
    return [WorkItem(r, "", "", n, notes.get(r)) for n, r in enumerate(records, start=1)]


@pytest.fixture(scope="module")
def pinned_db(small_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small case with SMALL_PINS beside it."""
    return pinned_copy(small_db, tmp_path_factory.mktemp("pinned"))


@pytest.fixture(scope="module")
def pinned_brief(pinned_db: Path) -> str:
    return pinned_brief_of(pinned_db)


def pinned_list(text: str) -> str:
    return section(text, "Pinned records and working notes")


def resolved(text: str) -> str:
    """The brief from ``## Summary`` on, each footnote reference replaced by the words it quotes:
    two briefs that cite the same words in the same places read the same, whatever their numbers."""
    notes = {str(n): words for n, words in footnotes(text).items()}
    body = text[: text.index("\n[^1]: ")]
    body = re.sub(r"\[\^(\d+)\]", lambda m: f"[^{notes[m.group(1)]}]", body)
    return body[body.index("## Summary") :]


# ---------------------------------------------------------------------------------------------------
# What it says


@pytest.mark.bundled
def test_golden_brief_from_pins(bundled_db: Path, tmp_path: Path, update_golden: bool) -> None:
    """tests/golden/castillo-chavez-brief-pinned.md has been read by a person: the pins in order,
    each with where its facts are, the notes labelled as working notes, the orphan listed.
    ``--update-golden`` rewrites it; then read the diff."""
    text = pinned_brief_of(pinned_copy(bundled_db, tmp_path, BUNDLED_PINS))
    if update_golden:
        GOLDEN_PINNED.write_bytes(text.encode("utf-8"))
    assert text == GOLDEN_PINNED.read_text(encoding="utf-8")


def test_same_pins_same_bytes(small_db: Path, tmp_path: Path, pinned_brief: str) -> None:
    a = pinned_copy(small_db, tmp_path / "a")
    b = pinned_copy(small_db, tmp_path / "b")  # pinned at other times: no clock in the brief
    texts = [pinned_brief_of(db) for db in (a, b, a)]
    assert texts[0] == texts[1] == texts[2] == pinned_brief


def test_pins_come_first_in_pin_order(pinned_brief: str) -> None:
    head, rest = pinned_brief.split("\n## Pinned records and working notes\n", 1)
    assert (
        "Built from 4 pinned records and the records they refer to or that refer to them." in head
    )
    assert "One pinned record is no longer in the dossier." in head
    assert rest.index("\n## Summary\n") > 0  # the pins come before the summary
    listed = re.findall(r"^(\d+)\. (.*)$", pinned_list(pinned_brief), re.M)
    assert [n for n, _ in listed] == ["1", "2", "3", "4"]
    assert listed[0][1].startswith("**Nora Méndez** — person, under People.[^")
    assert listed[1][1].startswith(
        "**Mateo Ibarra — 34 years, requested by prosecutors** — sentence, under Sentences.[^"
    )
    assert listed[2][1].startswith("**Ramiro de Lasa: “In view of this unfriendly act, and in view")
    assert "sever diplomatic relations with Veracia”** — quote, under Key quotes.[^" in listed[2][1]
    assert listed[3][1] == (
        "**Orphaned pin** `andara-breaks-relations`: no longer in the dossier, so nothing in this "
        "brief is about it. When it was pinned, it was “Andara → Veracia: relations severed” "
        "(diplomatic event)."
    )


def test_a_pinned_item_cites_its_record(pinned_brief: str) -> None:
    notes = footnotes(pinned_brief)
    first = re.search(r"^2\. .*?((?:\[\^\d+\])+)$", pinned_list(pinned_brief), re.M)
    assert first is not None
    (n,) = re.findall(r"\d+", first.group(1))
    assert notes[int(n)].endswith("“They asked for a 34-year sentence for Ibarra.”")


def test_working_notes_are_labelled_and_never_footnoted(pinned_brief: str) -> None:
    pins = pinned_list(pinned_brief)
    notes = [line.strip() for line in pins.splitlines() if "Working note" in line]
    assert notes == [
        "**Working note** (annotation, not from the sources): Ask her lawyer \\| Raul Tavernilla "
        "\\| whether she applied for asylum.\\",
        f"**Working note** (annotation, not from the sources): {SENTENCE_NOTE}",
        f"**Working note** (annotation, not from the sources): {ORPHAN_NOTE}",
    ]
    # What the section says of them, once, in its opening paragraph.
    assert "A *working note* is the annotation written on a pinned record" in pins
    assert "not from the sources and not evidence, so they carry no footnote" in pins
    assert "They are not the dossier's editorial notes, which are under Notes." in pins
    # No working note anywhere else, and no editorial note is called one.
    assert pinned_brief.count("Working note") == 3
    assert "Ask the prosecutors" not in section(pinned_brief, "Notes")


def test_a_pinned_person_is_a_person_narrowing(small_db: Path) -> None:
    """Pinning a person brings what --person brings: every section after the pins is the same."""
    for person in ("nora-mendez", "ramiro-de-lasa", "veracia", "rva"):
        for since in (None, "2025-11"):
            narrowed = brief_of(small_db, persons=(person,), since=since)
            pinned = brief_of(small_db, pins=items(person), since=since)
            assert resolved(pinned) == resolved(narrowed), (person, since)


def test_a_pinned_record_brings_what_it_links_to_and_what_links_to_it(small_db: Path) -> None:
    text = brief_of(small_db, pins=items("ibarra-sentence-request"))
    people = section(text, "People")
    assert "**Mateo Ibarra**" in people  # the defendant
    assert "**Prosecutors** (prosecution)" in people  # who asked for it
    assert "  - " not in people  # not his roles: they are two links away
    assert "**Nora Méndez**" not in people
    charges = section(text, "Charges")
    assert "2022 coup attempt" in charges  # the charge it is on
    assert "Sedition" not in charges and "Coup charges" not in charges
    sentences = section(text, "Sentences")
    assert "34 years" in sentences and "25 years" not in sentences
    assert "No custody records in this selection." in text
    # A charge brings the sentence that is on it (a link to the charge).
    charge = brief_of(small_db, pins=items("ibarra-coup-attempt"))
    assert "34 years" in section(charge, "Sentences")
    assert "Sedition" not in section(charge, "Charges")


def test_a_pinned_note_is_shown_with_what_it_is_about(small_db: Path) -> None:
    text = brief_of(small_db, pins=items("spelling-barrientos", "mr-mendez"))
    notes = section(text, "Notes")
    assert "Ibarra's successor is usually written Elena Barrientos" in notes
    assert 'The source writes "Mr. Mendez" for Nora Méndez' in notes
    assert "**Elena Barrantes**" in section(text, "People")
    assert "Coup charges (2022 coup attempt)" in section(text, "Charges")
    listed = pinned_list(text)
    assert "— note, under Notes.[^" in listed


def test_pins_reordered_reorder_the_list_only(small_db: Path) -> None:
    one = brief_of(small_db, pins=items("ramiro-de-lasa", "mendez-bail"))
    two = brief_of(small_db, pins=items("mendez-bail", "ramiro-de-lasa"))
    assert re.findall(r"^\d+\. \*\*([^*]+)\*\*", pinned_list(one), re.M) == [
        "Ramiro de Lasa",
        "Nora Méndez — released on bail",
    ]
    assert re.findall(r"^\d+\. \*\*([^*]+)\*\*", pinned_list(two), re.M) == [
        "Nora Méndez — released on bail",
        "Ramiro de Lasa",
    ]
    assert resolved(one) == resolved(two)


def test_nothing_pinned_is_an_error(small_db: Path) -> None:
    with pytest.raises(NothingPinnedError, match="nothing pinned"):
        brief_of(small_db, pins=[])
    with pytest.raises(NothingPinnedError):
        brief_html(Reader(small_db), pins=())


def test_only_orphans_say_so_and_keep_their_notes(small_db: Path) -> None:
    pins = [WorkItem("gone", "A record since removed", "event", 1, "My note\non two lines")]
    text = brief_of(small_db, pins=pins)
    assert "Built from 1 pinned record and the records it refers to or that refer to it." in text
    assert "One pinned record is no longer in the dossier." in text
    listed = pinned_list(text)
    assert "1. **Orphaned pin** `gone`: no longer in the dossier" in listed
    assert "it was “A record since removed” (event)." in listed
    assert "   **Working note** (annotation, not from the sources): My note\\\n   on two lines" in (
        listed
    )
    assert "No people in this selection." in text
    assert "No charges in this selection." in text
    assert lint(text) == []


def test_since_leaves_out_pinned_records_and_says_so(small_db: Path) -> None:
    pins = items(
        "ibarra-sentence-request",
        "mendez-asylum-granted",
        notes={"ibarra-sentence-request": "x"},
    )
    text = brief_of(small_db, pins=pins, since="2025-11")
    listed = pinned_list(text)
    assert (
        "— sentence; not in this brief: left out by the date limit, as it is not dated November "
        "2025 or later.[^"
    ) in listed
    assert "   **Working note** (annotation, not from the sources): x" in listed  # kept
    assert "— asylum event, under Asylum and diplomatic timeline.[^" in listed
    assert "No sentence requested by prosecutors in this selection." in text
    assert "Only events dated November 2025 or later" in text


def test_pinned_and_person_are_the_union(small_db: Path) -> None:
    text = brief_of(small_db, pins=items("ibarra-sentence-request"), persons=("ramiro-de-lasa",))
    assert (
        "Built from 1 pinned record and the records it refers to or that refer to it, and from "
        "Ramiro de Lasa and the records linked to them."
    ) in text
    assert "34 years" in text  # from the pin
    assert "relations severed (by Ramiro de Lasa)" in text  # from the person
    assert len(re.findall(r"^\d+\. ", pinned_list(text), re.M)) == 1  # the person is no pin
    with pytest.raises(brief.UnknownPersonError):
        brief_of(small_db, pins=items("nora-mendez"), persons=("nobody",))


def test_pinned_quotes_are_chosen_first(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(brief, "KEY_QUOTES", 1)
    # Nora Méndez brings four quotes; the pinned one, a reported statement, is the one shown.
    text = brief_of(small_db, pins=items("nora-mendez", "tavernilla-no-contact"))
    quotes = section(text, "Key quotes")
    assert "1 of the 4 quotes in this selection, chosen pinned quotes first" in quotes
    assert "> he had not heard from his client" in quotes
    assert quotes.count("\n> ") == 1


def test_default_file_name_of_the_brief_from_pins() -> None:
    meta = {"case_id": "ibarra-mendez", "as_of": "2025-11-04"}
    name = brief.default_file_name(meta, pinned=True)
    assert name == "ibarra-mendez-pinned-brief-2025-11-04.md"


# ---------------------------------------------------------------------------------------------------
# A working note cannot become structure


BLOCKS_NOTES_MUST_NOT_MAKE = {
    "heading_open",
    "table_open",
    "html_block",
    "html_inline",
    "blockquote_open",
    "bullet_list_open",
    "code_block",
    "fence",
    "hr",
    "link_open",
    "image",
    "footnote_ref",
    "footnote_block_open",
}


def tokens_between(tokens: list[Token], heading: str, until: str) -> list[Token]:
    """The tokens from the ``## heading`` section up to the ``## until`` heading."""
    start = end = None
    for i, token in enumerate(tokens):
        if token.type == "inline" and i and tokens[i - 1].tag == "h2":
            if token.content == heading:
                start = i + 2
            elif token.content == until and start is not None:
                end = i - 1
    assert start is not None and end is not None
    return tokens[start:end]


def flat(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from token.children or []


def test_the_golden_brief_is_sound_markdown(pinned_brief: str) -> None:
    tokens = md_parser().parse(pinned_brief)
    headings = [
        t.content for i, t in enumerate(tokens) if i and tokens[i - 1].type == "heading_open"
    ]
    assert headings == [
        "Ibarra and Méndez: the coup-attempt trial and the Andara–Veracia rupture",
        "Pinned records and working notes",
        "Summary",
        "People",
        "Organisations and states",
        "Charges",
        "Sentences",
        "Requested by prosecutors, not imposed",
        "Imposed by a court",
        "Custody",
        "Asylum and diplomatic timeline",
        "Other events",
        "Timeline chart",
        "Key quotes",
        "Notes",
        "Discrepancies in the sources",
        "Editorial notes",
        "Sources",
    ]
    pins = tokens_between(tokens, "Pinned records and working notes", "Summary")
    kinds = [t.type for t in pins if t.level == 0]
    assert kinds == ["paragraph_open", "paragraph_close", "ordered_list_open", "ordered_list_close"]
    assert [t.type for t in pins].count("list_item_open") == 4
    assert not {t.type for t in flat(pins)} & (BLOCKS_NOTES_MUST_NOT_MAKE - {"footnote_ref"})
    # Every working note is a paragraph inside its list item, with no footnote.
    notes = [t for t in pins if t.type == "inline" and t.content.startswith("**Working note**")]
    assert len(notes) == 3 and all(t.level == 3 for t in notes)
    for note in notes:
        assert "footnote_ref" not in {c.type for c in note.children or []}
    # The hostile note reads as itself, line by line.
    mendez = "".join(
        c.content if c.type == "text" else "\n" if c.type == "hardbreak" else ""
        for c in notes[0].children or []
    )
    label = "Working note (annotation, not from the sources): "
    assert mendez == label + PERSON_NOTE.split("\n\n")[0]


def test_the_golden_brief_passes_markdown_lint(pinned_brief: str) -> None:
    assert lint(pinned_brief) == []


def test_html_of_the_brief_from_pins(pinned_db: Path) -> None:
    reader = Reader(pinned_db)
    try:
        page = brief_html(reader, pins=Workset(path_beside(pinned_db)).pinned())
    finally:
        reader.close()
    assert "<b>" not in page and "&lt;b&gt;not HTML&lt;/b&gt;" in page
    assert "<h1>Not a heading" not in page and "<table>\n<thead>\n<tr>\n<th>a</th>" not in page
    assert "whether she applied for asylum.<br />" in page
    assert 'href="https://example.com"' not in page


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_notes_stay_in_their_item(value: str, small_db: Path) -> None:
    text = brief_of(small_db, pins=items("ramiro-de-lasa", "gone", notes={"ramiro-de-lasa": value}))
    tokens = md_parser().parse(text)
    pins = tokens_between(tokens, "Pinned records and working notes", "Summary")
    assert [t.type for t in pins].count("list_item_open") == 2
    assert not {t.type for t in flat(pins)} & (BLOCKS_NOTES_MUST_NOT_MAKE - {"footnote_ref"})
    note = [t for t in pins if t.type == "inline" and t.content.startswith("**Working note**")]
    assert note and all(t.level == 3 for t in note)
    assert all("footnote_ref" not in {c.type for c in t.children or []} for t in note)
    assert lint(text) == []


MARKDOWNISH = "#*_-+>|<`~[]()!^\\&;:/.=0123456789 \n\t\r\x00abchtpsw@"


def note_item(text: str) -> str:
    """A one-item list with ``text`` as its working note, as the brief writes it."""
    return (
        "1. **A record** — person, under People.\n\n"
        + "\n".join(f"   {line}" if line else "" for line in working_note(text))
        + "\n"
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    st.one_of(
        st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
        st.text(alphabet=MARKDOWNISH, max_size=200),  # more likely to look like structure
    )
)
def test_any_note_is_paragraphs_in_one_list_item(text: str) -> None:
    tokens = md_parser().parse(note_item(text))
    types = [t.type for t in tokens]
    assert types[0] == "ordered_list_open" and types[-1] == "ordered_list_close"
    assert types.count("list_item_open") == 1
    blocks = {t.type for t in tokens}
    assert blocks <= {
        "ordered_list_open",
        "ordered_list_close",
        "list_item_open",
        "list_item_close",
        "paragraph_open",
        "paragraph_close",
        "inline",
    }
    inline_kinds = {c.type for t in tokens for c in t.children or []}
    assert inline_kinds <= {"text", "hardbreak", "strong_open", "strong_close"}
    # Every visible character of the note reads as itself, in order.
    shown = "".join(c.content for t in tokens for c in t.children or [] if c.type == "text")
    label = (
        "A record — person, under People."
        if not working_note(text)
        else ("A record — person, under People.Working note (annotation, not from the sources):")
    )
    assert squash(shown) == squash(label) + squash(text)


def squash(text: str) -> str:
    return "".join(ch for ch in text if ch.isprintable() and not ch.isspace())
