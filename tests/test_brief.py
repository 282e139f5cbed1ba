"""The case brief: every fact with a footnote quoting its source, valid Markdown whatever the values,
the same bytes from the same database, and `dossier export` that never leaves a half-written file."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it.token import Token

from dossier import brief
from dossier import build as builder
from dossier.brief import Since, brief_html
from dossier.errors import DossierError
from dossier.markdown import inline, plain
from dossier.queries import Reader
from tests.conftest import (
    GOLDEN,
    MARKDOWN_HOSTILE,
    Project,
    brief_of,
    footnotes,
    lint,
    md_parser,
    section,
)

HOSTILE = MARKDOWN_HOSTILE


@pytest.fixture(scope="module")
def small_brief(small_db: Path) -> str:
    return brief_of(small_db)


# ---------------------------------------------------------------------------------------------------
# What the brief says


@pytest.mark.bundled
def test_golden_brief_of_the_bundled_case(bundled_db: Path, update_golden: bool) -> None:
    """tests/golden/castillo-chavez-brief.md has been read by a person: every fact of the article,
    each with its footnote. ``--update-golden`` rewrites it; then read the diff."""
    text = brief_of(bundled_db)
    if update_golden:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_bytes(text.encode("utf-8"))
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_every_cited_span_of_the_dossier_is_a_footnote(small_brief: str, small_db: Path) -> None:
    conn = sqlite3.connect(small_db)
    spans = set(conn.execute('SELECT start, "end", exact FROM evidence').fetchall())
    cited = set()
    for note in footnotes(small_brief).values():
        m = re.search(r"characters (\d+)–(\d+): “(.*)”$", note)
        assert m, note
        cited.add((int(m.group(1)), int(m.group(2)), m.group(3)))
    # Footnotes quote the exact words (escaped where Markdown needs it).
    assert {(a, b, inline(e)) for a, b, e in spans} == cited


def test_every_footnote_is_referenced_and_numbered_in_reading_order(small_brief: str) -> None:
    notes = footnotes(small_brief)
    body = small_brief[: small_brief.index("\n[^1]: ")]
    refs = [int(n) for n in re.findall(r"\[\^(\d+)\](?!:)", body)]
    first_seen = list(dict.fromkeys(refs))
    assert first_seen == list(range(1, len(notes) + 1))
    assert sorted(notes) == first_seen


def test_identical_citations_share_one_footnote(small_brief: str) -> None:
    quoted = [n.split(": “", 1)[1] for n in footnotes(small_brief).values()]
    assert len(quoted) == len(set(quoted))
    # "The two deny the charges." supports four charges and a quote: one footnote.
    (n,) = [k for k, v in footnotes(small_brief).items() if "The two deny the charges." in v]
    assert small_brief.count(f"[^{n}]") >= 5


def test_footnotes_give_title_date_position_and_words(small_brief: str) -> None:
    notes = footnotes(small_brief)
    assert notes[1] == (
        "*Andara severs diplomatic relations with Veracia*, published 4 November 2025, line 14, "
        "characters 1687–1755: “After being impeached, Ibarra was arrested and charged with "
        "sedition”"
    )


def test_every_factual_line_has_a_footnote(small_brief: str) -> None:
    for title in (
        "People",
        "Charges",
        "Custody",
        "Asylum and diplomatic timeline",
        "Other events",
        "Notes",
        "Sources",
    ):
        text = section(small_brief, title)
        facts = [
            line
            for line in text.splitlines()
            if line.startswith(("- ", "  - ", "| ")) and not line.startswith(("| Person", "| ---"))
        ]
        facts = [f for f in facts if not f.startswith("| Defendant")]
        assert facts, title
        for line in facts:
            assert re.search(r"\[\^\d+\]", line), (title, line)
    quotes = section(small_brief, "Key quotes").split("\n\n")
    said = [b for b in quotes if b.startswith("> ")]
    assert said and all(re.search(r"\[\^\d+\]$", b) for b in said)


def test_the_brief_states_the_article(small_brief: str) -> None:
    text = small_brief
    for fact in (
        "as of 4 November 2025",
        "**Mateo Ibarra**",
        "Also written “Nora Mendez”, “Méndez”, “Mendez”, “Mr. Mendez”",
        "Usually written “Ramiro de Laza”, “de Laza” (usual spelling, not in the source)",
        "Prime minister, Andara — former; from November 2022.",
        "President of Andara — former; until December 2022 (inferred from “the following month”)",
        "| Mateo Ibarra | Sedition[^",
        "| charged, December 2022",
        "indicted, date not stated[^",
        "34 years, requested by prosecutors",
        "25 years in prison, requested by prosecutors",
        "| Nora Méndez | released on bail[^",
        "| September 2025",
        "| Mateo Ibarra | preventive detention[^",
        "**about 3 November 2025** (inferred from “hours after”) — Nora Méndez: asylum sought",
        "**3 November 2025** (inferred from “Monday”) — Andara → Veracia: relations severed "
        "(by Ramiro de Lasa)",
        "**February 2023** — Andara → Veracia: ambassador recalled (by Elena Barrantes)",
        "**December 2022** — Andara → Veracia: ambassador expelled",
        "Ibarra’s wife and children: asylum granted (Veracia)",
        "**March 2025** (inferred from “March of this year”) — Ibarra and Méndez put on trial.",
        "**date not stated** — Méndez's lawyer has not heard from her for several days — according "
        "to Raul Tavernilla.",
        "No immediate comment from Veracia.",
        "> first poor president",
        "— unattributed; date not stated; epithet (a name given, not a statement).",
        "— Ramiro de Lasa; 3 November 2025 (inferred from “said at a press conference”); direct "
        "quote (the speaker's own words).",
        "**Editorial note (analyst, not from the source):** Andara's foreign minister is usually "
        "written Ramiro de Laza",
        "(title supplied by the analyst: the source prints none)",
    ):
        assert fact in text, fact


def test_requested_and_imposed_sentences_are_never_confused(small_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "imposed.db"
    shutil.copy(small_db, db)
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO entity (id, kind, type, name) VALUES ('court', 'organization', 'court', "
            "'Supreme Court')"
        )
        conn.execute(
            "INSERT INTO record (id, kind, title, subtitle, pane) VALUES ('ibarra-imposed', "
            "'sentence', 't', 's', 'sentences')"
        )
        conn.execute(
            "INSERT INTO sentence (id, defendant, kind, by, penalty, term, term_text, date, "
            "date_precision, date_approx) VALUES ('ibarra-imposed', 'mateo-ibarra', "
            "'imposed', 'court', 'prison', 'P11Y5M15D', '11 years, 5 months and 15 days', "
            "'2025-11-27', 'day', 0)"
        )
        conn.execute(
            "INSERT INTO evidence SELECT 'ibarra-imposed', seq, source, start, \"end\", exact, "
            "prefix, suffix FROM evidence WHERE record = 'ibarra-sentence-request'"
        )
    conn.close()
    text = brief_of(db)
    sentences = section(text, "Sentences")
    requested, imposed = sentences.split("### Imposed by a court")
    requested = requested.split("### Requested by prosecutors, not imposed")[1]
    req_items = [line for line in requested.splitlines() if line.startswith("- ")]
    imp_items = [line for line in imposed.splitlines() if line.startswith("- ")]
    assert len(req_items) == 2 and len(imp_items) == 1
    assert all("requested" in i and "imposed" not in i for i in req_items)
    assert all("imposed" in i and "requested" not in i for i in imp_items)
    assert "11 years, 5 months and 15 days in prison, imposed by Supreme Court" in imp_items[0]
    summary = section(text, "Summary")
    assert "Prosecutors requested 34 years." in summary
    assert "Supreme Court imposed 11 years, 5 months and 15 days in prison." in summary
    assert "and 1 imposed by a court" in summary


# ---------------------------------------------------------------------------------------------------
# Narrowing


def test_person_narrows_to_them_and_what_links_to_them(small_db: Path) -> None:
    text = brief_of(small_db, persons=("nora-mendez",))
    assert "Narrowed to Nora Méndez and the records linked to them." in text
    people = section(text, "People")
    assert "**Nora Méndez**" in people and "**Mateo Ibarra**" not in people
    assert "**Ramiro de Lasa**" not in people
    assert "Coup charges (2022 coup attempt)" in section(text, "Charges")
    assert "Sedition" not in section(text, "Charges")
    assert "25 years" in text and "34 years" not in text
    assert "released on bail" in text and "preventive detention" not in text
    assert "Nora Méndez: asylum granted" in text
    assert "ambassador expelled" not in text
    assert "Today, we learned with surprise" in text  # de Lasa's quote names her
    assert "first poor president" not in text
    assert "Mr. Mendez" in section(text, "Notes")
    assert "Elena Barrientos" not in section(text, "Notes")
    assert "This selection holds 1 defendant facing 1 charge" in text


def test_several_people_and_an_organisation(small_db: Path) -> None:
    text = brief_of(small_db, persons=("ramiro-de-lasa", "veracia"))
    assert "Narrowed to Ramiro de Lasa and Veracia" in text
    assert "**Veracia** (state)" in text
    assert "relations severed (by Ramiro de Lasa)" in text
    assert "No immediate comment from Veracia." in text


def test_unknown_person_names_the_id(small_db: Path) -> None:
    with pytest.raises(brief.UnknownPersonError, match="'nobody'"):
        brief_of(small_db, persons=("nora-mendez", "nobody"))


def test_since_keeps_events_from_that_date_at_its_precision(small_db: Path) -> None:
    text = brief_of(small_db, since="2025")
    assert "Only events dated 2025 or later" in text
    timeline = section(text, "Asylum and diplomatic timeline")
    assert "December 2022" not in timeline and "February 2023" not in timeline
    assert "3 November 2025" in timeline
    events = section(text, "Other events")
    assert "March 2025" in events  # "2025" keeps a date known only to the month
    assert "date not stated" not in events
    charges = section(text, "Charges")
    assert "Sedition" not in charges and "on trial, March 2025" in charges
    assert "indicted" not in charges  # an undated step is not "from 2025"
    custody = section(text, "Custody")
    assert "released on bail" in custody and "preventive detention" not in custody
    assert "**Mateo Ibarra**" in section(text, "People")  # people stay, whatever the dates

    april = brief_of(small_db, since="2025-04")
    assert "put on trial" not in section(april, "Other events")
    assert "released on bail" in section(april, "Custody")
    assert "on trial" not in section(april, "Charges")


def test_since_compares_at_the_coarser_precision() -> None:
    since = Since.parse("2025-03")
    assert since.keeps("2025-03-01") and since.keeps("2025-03") and since.keeps("2025")
    assert not since.keeps("2025-02-28") and not since.keeps("2024") and not since.keeps(None)
    day = Since.parse("2022-12-15")
    assert day.keeps("2022-12") and not day.keeps("2022-11")


@pytest.mark.parametrize("bad", ["2025-13", "yesterday", "2025/03", "", "2025-02-30"])
def test_bad_since_is_a_dossier_error(bad: str) -> None:
    with pytest.raises(DossierError, match="--since"):
        Since.parse(bad)


# ---------------------------------------------------------------------------------------------------
# Correct Markdown, whatever the values


TEXT_COLUMNS = {
    "entity": ["name", "description", "type"],
    "alias": ["alias"],
    "role": ["title", "status", "start_text", "end_text"],
    "charge": ["offence", "alleges", "plea"],
    "charge_status": ["status", "date_text", "date_rule"],
    "sentence": ["term_text", "penalty"],
    "custody": ["status", "start_text"],
    "asylum": ["type", "description", "date_text"],
    "diplomatic": ["type", "description", "date_text"],
    "event": ["title", "description", "date_text", "date_rule"],
    "quote": ["text", "speaker_names", "context", "date_text"],
    "note": ["text", "basis"],
    "source": ["title", "language", "file"],
    "evidence": ["exact"],
    "record": ["title"],
}


def dossier_with(small_db: Path, folder: Path, value: str) -> Path:
    """A copy of the bundled dossier with every text value the brief shows set to ``value``."""
    db = folder / f"{abs(hash(value))}.db"
    shutil.copy(small_db, db)
    conn = sqlite3.connect(db)
    with conn:
        for table, columns in TEXT_COLUMNS.items():
            for column in columns:
                conn.execute(
                    f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" IS NOT NULL', (value,)
                )
        conn.execute(
            "UPDATE meta SET value = ? WHERE key IN ('case_title', 'case_summary')", (value,)
        )
    conn.close()
    return db


def skeleton(tokens: list[Token]) -> Iterator[tuple[str, ...]]:
    """The structure of a parsed document: block tokens and the kinds of their inline children."""
    for token in tokens:
        yield (token.type, token.tag, str(token.nesting), str(token.level))
        if token.children:
            kinds = [c.type for c in token.children if c.type != "text"]
            yield ("children", *kinds)


def inline_texts(tokens: list[Token]) -> list[str]:
    out = []
    for token in tokens:
        if token.children:
            out.append("".join(c.content for c in token.children if c.type == "text"))
    return out


@pytest.fixture(scope="module")
def plain_brief_tokens(
    small_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[str, ...]]:
    db = dossier_with(small_db, tmp_path_factory.mktemp("plain"), "Plain words")
    return list(skeleton(md_parser().parse(brief_of(db))))


@pytest.mark.parametrize("value", HOSTILE)
def test_values_cannot_become_structure(
    value: str,
    small_db: Path,
    tmp_path: Path,
    plain_brief_tokens: list[tuple[str, ...]],
) -> None:
    text = brief_of(dossier_with(small_db, tmp_path, value))
    tokens = md_parser().parse(text)
    # Same headings, paragraphs, lists, table rows and cells, block quotes, emphasis and footnotes
    # as the same dossier with plain words in every value.
    assert list(skeleton(tokens)) == plain_brief_tokens
    # One fence, the timeline chart's Mermaid block, which the value cannot end or add to.
    assert [t.info for t in tokens if t.type == "fence"] == ["mermaid"]
    types = {t.type for t in tokens if t.type != "fence"}
    types |= {c.type for t in tokens for c in t.children or []}
    assert not types & {"html_block", "html_inline", "link_open", "image", "code_block", "fence"}
    # ...and the value reads as itself.
    texts = inline_texts(tokens)
    expected = plain(value.replace("\x00", " "))
    if expected.rstrip("!") != expected:  # a heading drops trailing punctuation
        expected = expected.rstrip("!")
    assert any(expected in t for t in texts), (expected, texts[:3])


@pytest.mark.parametrize("value", HOSTILE)
def test_html_export_escapes_values(value: str, small_db: Path, tmp_path: Path) -> None:
    reader = Reader(dossier_with(small_db, tmp_path, value))
    try:
        page = brief_html(reader)
    finally:
        reader.close()
    assert "<script>" not in page and "<b>bold" not in page and "<!-- comment" not in page
    assert 'href="https://example.com"' not in page


def test_brief_passes_markdown_lint(small_brief: str) -> None:
    assert lint(small_brief) == []


def test_narrowed_brief_passes_markdown_lint(small_db: Path) -> None:
    assert lint(brief_of(small_db, persons=("raul-tavernilla",), since="2030")) == []


@pytest.mark.parametrize(
    "value",
    [
        "# Hash | pipe *star* _under_ `tick` [link](x) <b>html</b> https://example.com!",
        "- dash\nnew line\ttab > quote ~~strike~~ 1. one",
    ],
)
def test_hostile_brief_passes_markdown_lint(value: str, small_db: Path, tmp_path: Path) -> None:
    assert lint(brief_of(dossier_with(small_db, tmp_path, value))) == []


# ---------------------------------------------------------------------------------------------------
# HTML


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title" and not self.title  # the page's, not the SVG's

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_html_is_one_standalone_page_with_footnotes(small_db: Path, small_brief: str) -> None:
    reader = Reader(small_db)
    try:
        page = brief_html(reader)
    finally:
        reader.close()
    assert page.startswith("<!DOCTYPE html>\n")
    parsed = _Collect()
    parsed.feed(page)
    tags = [t for t, _ in parsed.tags]
    assert ("meta", {"charset": "utf-8"}) in parsed.tags
    assert tags.count("html") == tags.count("body") == tags.count("style") == 1
    assert "script" not in tags and "link" not in tags  # nothing fetched from elsewhere
    assert (
        parsed.title == "Ibarra and Méndez: the coup-attempt trial and the Andara–Veracia rupture"
    )
    items = [a for t, a in parsed.tags if t == "li" and a.get("class") == "footnote-item"]
    assert len(items) == len(footnotes(small_brief))
    refs = [a for t, a in parsed.tags if t == "sup" and a.get("class") == "footnote-ref"]
    assert len(refs) == len(re.findall(r"\[\^\d+\](?!:)", small_brief))
    assert tags.count("table") == 2 and tags.count("blockquote") == 7
    assert "[^" not in page


# ---------------------------------------------------------------------------------------------------
# Reliable


def test_same_database_same_bytes(small_project: Project, tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    builder.build(small_project.case, a)
    builder.build(small_project.case, b)
    first = brief_of(a)
    assert first == brief_of(b) == brief_of(a)
    assert "2025-11-27" not in first  # no wall-clock date


def test_key_quotes_are_bounded_and_say_how_many_more(
    small_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brief, "KEY_QUOTES", 3)
    text = brief_of(small_db)
    quotes = section(text, "Key quotes")
    assert "3 of the 7 quotes in the dossier, chosen direct quotes and epithets first" in quotes
    assert "4 more are not shown" in quotes
    assert quotes.count("\n> ") == 3
    assert "first poor president" in quotes and "Today, we learned" in quotes
    assert "The two deny the charges." not in quotes  # a reported statement
