"""Quote search (issue #4): what a user types finds what they mean, on any input, in the library,
the `/` screen and `dossier search`."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Input
from textual.worker import Worker, WorkerCancelled, WorkerState

from dossier import build as builder
from dossier import commands
from dossier.search import (
    MARK_END,
    MARK_START,
    SearchCancelled,
    Searcher,
    SearchResult,
    fts_phrase,
    highlighter,
    make_snippet,
    parse,
    prefix_query,
    search_quotes,
    split_marks,
    words,
)
from dossier.ui.screens.search import ResultList, SearchScreen
from tests.conftest import Cli, Project

ASYLUM_REGRET = "de-lasa-asylum-regret"  # Ramiro de Lasa's first quote: "... Nora Méndez ..."
SEVER = "de-lasa-sever-relations"  # his second: "... sever diplomatic relations with Veracia"
EPITHET = "first-poor-president"
BOLARTE = "barrantes-accuses-nunez-ortega"  # said by Elena Barrantes (alias Barrientos), names AFNO
NOBRESILLA = "tavernilla-no-contact"  # Raul Tavernilla, also written Tabernilla
PERU_ACCUSES = "andara-accuses-veracia"
DENY = "defendants-deny-charges"  # said by Ibarra and Méndez together

HOSTILE = [
    '"',
    '"unbalanced',
    'first "poor',
    "AND (",
    "NOT",
    "OR",
    "*",
    ":",
    "-",
    "--",
    "Perú-México",
    "Ibarra's",
    "50%",
    "",
    "   \t\n ",
    "\x00",
    "mendez\x00ibarra",
    "x" * 10_000,
    "mendez " * 2_000,
    "🇵🇪 🇲🇽 😀",
    "😀mendez",
    "بيرو المكسيك",
    "\u202eoveilrac\u202c",
    "פרו",
    "speaker:",
    'speaker:"',
    'speaker:"',
    "speaker:-x",
    "text:mendez",
    "search_speakers:lasa",
    "{text}: mendez",
    "NEAR(mendez ibarra)",
    "^mendez",
    "mendez + ibarra",
    "c++",
    "e-mail",
    "a:b",
    '""',
    '"*"',
    "-mendez",
    "NOT mendez",
    "mendez OR",
    "OR mendez",
    "mendez AND",
    "(mendez",
    "mendez)",
    "'",
    "\\",
    "\udcff\udcfe",
    "\ufeff",
    "\u0301",
    "ǅ",
]


LONG_TEXT = st.text(min_size=1, max_size=40).map(lambda s: (s * (10_000 // len(s) + 1))[:10_000])
"""Texts of 10,000 characters (Hypothesis draws none that long itself)."""


@pytest.fixture(scope="module")
def searcher(small_db: Path) -> Searcher:
    return Searcher(small_db)


def ids(result: SearchResult) -> list[str]:
    return [hit.id for hit in result.hits]


# ---------------------------------------------------------------------------------------------------
# Matching rules, on the bundled case


def test_mendez_finds_the_foreign_ministers_first_quote_first(searcher: Searcher) -> None:
    result = searcher.search("mendez")
    assert ids(result)[0] == ASYLUM_REGRET
    assert result.ranked and not result.capped


def test_case_and_accents_do_not_matter_either_way(searcher: Searcher) -> None:
    assert ids(searcher.search("mendez")) == ids(searcher.search("MÉNDEZ"))
    assert ids(searcher.search("mendez")) == ids(searcher.search("Méndez"))
    # The text says "Veracia", "Núñez": typed with or without accents, both find them.
    assert SEVER in ids(searcher.search("verácia"))
    assert SEVER in ids(searcher.search("veracia"))
    assert BOLARTE in ids(searcher.search("nunez"))
    assert BOLARTE in ids(searcher.search("NÚÑEZ"))


def test_straight_apostrophe_finds_the_curly_one(searcher: Searcher) -> None:
    assert ids(searcher.search("Andara's internal")) == [SEVER]


def test_aliases_find_quotes_that_name_the_person_otherwise(searcher: Searcher) -> None:
    assert BOLARTE in ids(searcher.search("Barrientos"))  # editorial spelling of Elena Barrantes
    assert BOLARTE in ids(searcher.search("AFNO"))  # alias of Núñez Ortega, who is mentioned
    assert NOBRESILLA in ids(searcher.search("Tabernilla"))
    assert set(ids(searcher.search("de Laza"))) == {ASYLUM_REGRET, SEVER}
    # "Mendez" finds quotes that say "Méndez", are said by her, or mention her.
    assert {ASYLUM_REGRET, DENY, PERU_ACCUSES, NOBRESILLA} <= set(ids(searcher.search("mendez")))


def test_the_word_being_typed_matches_as_a_prefix(searcher: Searcher) -> None:
    assert BOLARTE in ids(searcher.search("ibar"))
    assert ids(searcher.search("first poor pres")) == [EPITHET]
    assert ids(searcher.search("ibar ")) == []  # a space ends the word: no word "ibar"
    assert ids(searcher.search("pres ibarra")) == []  # an earlier word is whole...
    assert BOLARTE in ids(searcher.search("pres* ibarra"))  # ...unless given a *
    assert ids(searcher.search("c")) == []  # one letter is a whole word, not every c-word


def test_phrases_match_exactly(searcher: Searcher) -> None:
    assert ids(searcher.search('"first poor president"')) == [EPITHET]
    assert ids(searcher.search('"president poor first"')) == []
    assert ids(searcher.search('"first poor')) == [EPITHET]  # unbalanced: runs to the end
    assert ids(searcher.search('"first poor pres"')) == []
    assert ids(searcher.search('"first poor pres"*')) == [EPITHET]


def test_minus_and_not_leave_quotes_out(searcher: Searcher) -> None:
    with_ibarra = set(ids(searcher.search("ibarra")))
    without = set(ids(searcher.search("ibarra -mendez")))
    assert without == {BOLARTE, EPITHET}
    assert without < with_ibarra
    assert set(ids(searcher.search("ibarra NOT mendez"))) == without
    assert set(ids(searcher.search('ibarra -"first poor president"'))) == with_ibarra - {EPITHET}


def test_a_query_of_exclusions_only_gives_a_hint(searcher: Searcher) -> None:
    result = searcher.search("-mendez")
    assert result.hits == () and result.hint and "Add a word" in result.hint


def test_or_widens(searcher: Searcher) -> None:
    assert set(ids(searcher.search("interfering OR diplomatic"))) == {BOLARTE, SEVER}
    assert ids(searcher.search("interfering diplomatic")) == []
    # "sever" as typed is a prefix: it finds "several" too.
    assert set(ids(searcher.search("interfering OR sever"))) == {BOLARTE, SEVER, NOBRESILLA}


def test_speaker_filter_is_alias_and_accent_insensitive(searcher: Searcher) -> None:
    assert ids(searcher.search("speaker:lasa sever")) == [SEVER]
    both = {ASYLUM_REGRET, SEVER}
    assert set(ids(searcher.search('speaker:"de lasa"'))) == both
    assert set(ids(searcher.search("speaker:laza"))) == both  # editorial spelling
    assert set(ids(searcher.search("speaker:LÁSA"))) == both
    # Said by Méndez, not merely naming her.
    assert ids(searcher.search("speaker:mendez")) == [DENY]
    assert ids(searcher.search("speaker:barrientos")) == [BOLARTE]
    assert ids(searcher.search("speaker:ibarra speaker:mendez")) == [DENY]


def _by_names(db: Path, text: str) -> set[str]:
    """The quotes ``text`` finds when its ``speaker:`` filters are matched as words in every
    quote's speakers' names (``search_speakers``), as they were before speakers had keys."""
    expression = parse(text).expression
    assert expression is not None
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT q.id FROM quote q WHERE q.pos IN "
            "(SELECT rowid FROM quote_fts WHERE quote_fts MATCH ?)",
            (expression,),
        ).fetchall()
    finally:
        conn.close()
    return {r[0] for r in rows}


def _speakers(db: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [(int(k), str(n)) for k, n in conn.execute("SELECT key, names FROM speaker")]
    finally:
        conn.close()


def test_speaker_filters_find_what_the_speakers_names_find(small_db: Path) -> None:
    # Every word, every pair of words and every prefix of a speaker's names, alone and with a
    # word of the quotes: looked up by the speakers' keys, the same quotes as by their names.
    searcher = Searcher(small_db)
    speakers = _speakers(small_db)
    assert len(speakers) >= 5 and speakers[0] == (0, "unattributed")
    asked = 0
    for _, names in speakers:
        found = words(names)
        filters = {f"speaker:{w}" for w in found}
        filters |= {f'speaker:"{a} {b}"' for a, b in itertools.pairwise(found)}
        filters |= {f"speaker:{w[:3]}*" for w in found if len(w) >= 3}
        for text in sorted(filters):
            for query in (text, f"{text} the", f"-{text} the"):
                result = searcher.search(query, limit=1000)
                assert set(ids(result)) == _by_names(small_db, query), query
                asked += 1
    assert asked > 100


def test_a_speaker_phrase_stays_within_one_speakers_names(small_db: Path) -> None:
    # DENY is said by Ibarra and Méndez together: the last word of one's names and the first of
    # the other's are next to each other in the quote's speakers, but name nobody.
    conn = sqlite3.connect(f"{small_db.resolve().as_uri()}?mode=ro", uri=True)
    names = [
        n
        for (n,) in conn.execute(
            "SELECT s.names FROM quote_speakers qs JOIN speaker s ON s.entity = qs.entity "
            "WHERE qs.quote = ? ORDER BY qs.seq",
            (DENY,),
        )
    ]
    conn.close()
    assert len(names) == 2
    across = f'speaker:"{words(names[0])[-1]} {words(names[1])[0]}"'
    assert DENY in _by_names(small_db, across)
    result = Searcher(small_db).search(across)
    assert (result.total, result.hits) == (0, ())
    assert result.expression  # "No quotes match.", not a hint to type something


def test_speaker_unattributed_finds_the_quotes_of_no_one_named(searcher: Searcher) -> None:
    result = searcher.search("speaker:unattributed", limit=1000)
    assert result.hits and all(hit.speaker == "unattributed" for hit in result.hits)
    assert not any(h.speaker == "unattributed" for h in searcher.search("speaker:lasa").hits)


def test_a_speaker_filter_that_names_nobody_matches_nothing(searcher: Searcher) -> None:
    for text in ("speaker:zzyzx", "speaker:zzyzx OR speaker:zzyzy", "the speaker:zzyzx"):
        result = searcher.search(text)
        assert (result.total, result.hits, result.hint) == (0, (), None), text
        assert result.expression, text
    # Left out, a speaker nobody is leaves nothing out; OR with someone, it is that someone.
    assert ids(searcher.search("-speaker:zzyzx sever")) == ids(searcher.search("sever"))
    assert set(ids(searcher.search("speaker:zzyzx OR speaker:lasa"))) == {ASYLUM_REGRET, SEVER}


def test_a_filter_naming_many_speakers_is_matched_by_their_names(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dossier.search as search_module

    keyed = Searcher(small_db).search("speaker:ra*", limit=1000)
    assert len({h.speaker for h in keyed.hits}) > 1
    monkeypatch.setattr(search_module, "MAX_SPEAKERS", 1)
    named = Searcher(small_db).search("speaker:ra*", limit=1000)
    assert named.expression == parse("speaker:ra*").expression  # by name: too many speakers
    assert set(ids(named)) == set(ids(keyed)) == _by_names(small_db, "speaker:ra*")


def test_a_dossier_without_speaker_keys_is_searched_by_name(small_db_copy: Path) -> None:
    conn = sqlite3.connect(small_db_copy)
    conn.execute("DROP TABLE speaker_fts")
    conn.commit()
    conn.close()
    result = Searcher(small_db_copy).search('speaker:"de lasa"')
    assert set(ids(result)) == {ASYLUM_REGRET, SEVER}
    assert result.expression == 'search_speakers : "de lasa"'


def test_a_key_in_a_quotes_own_words_is_not_its_speaker(small_db_copy: Path) -> None:
    # Quote text is the source's, and may hold a private-use character: keys are looked for in
    # their own column only.
    (ibarra,) = [k for k, n in _speakers(small_db_copy) if n.startswith("Mateo")]
    conn = sqlite3.connect(small_db_copy)
    conn.execute("UPDATE quote SET text = text || ? WHERE id = ?", (f" \ue010{ibarra}", EPITHET))
    conn.commit()
    conn.close()
    assert EPITHET not in ids(Searcher(small_db_copy).search("speaker:ibarra", limit=1000))


def test_private_use_characters_in_a_query_are_dropped() -> None:
    # As if never typed: no one-letter prefix made of "a" + a key's mark, no empty phrase.
    assert parse("a\ue010").expression == parse("a").expression == '"a"'
    assert parse("the \ue010").expression == parse("the ").expression
    assert parse("\ue010\ue0001").expression == parse("1").expression
    assert parse("\ue010").expression is None


def test_no_query_text_can_name_a_speakers_key(small_db: Path) -> None:
    # The keys are private-use tokens: typed, pasted or quoted, they are dropped from a query.
    key = next(k for k, _ in _speakers(small_db) if k)
    token = f"\ue010{key}"
    searcher = Searcher(small_db)
    for text in (token, f'"{token}"', f"{token}*", f"-{token} the", f"speaker:{token}"):
        result = searcher.search(text)
        assert "\ue010" not in (result.expression or ""), text
        assert ids(result) == ids(searcher.search(text.replace("\ue010", ""))), text


def test_reported_statements_and_epithets_say_their_kind(searcher: Searcher) -> None:
    (epithet,) = searcher.search('"first poor president"').hits
    assert (epithet.kind, epithet.speaker, epithet.date) == (
        "epithet",
        "unattributed",
        "date not stated",
    )
    kinds = {hit.id: hit.kind for hit in searcher.search("accusing").hits}
    assert kinds == {PERU_ACCUSES: "reported", BOLARTE: "reported"}
    assert [(h.id, h.kind) for h in searcher.search("sever ").hits] == [(SEVER, "direct")]


def test_best_first_then_newest_first_undated_last(searcher: Searcher) -> None:
    # Only the foreign minister's quote says "Méndez"; the others match by a speaker's or a
    # mentioned person's name, and follow newest first, the undated ones last.
    assert ids(searcher.search("mendez")) == [ASYLUM_REGRET, PERU_ACCUSES, DENY, NOBRESILLA]


def test_a_hit_carries_what_a_result_shows_and_where_it_is(
    searcher: Searcher, small_db: Path
) -> None:
    hit = searcher.search("mendez").hits[0]
    assert (hit.speaker, hit.date, hit.date_iso) == (
        "Ramiro de Lasa",
        "3 November 2025",
        "2025-11-03",
    )
    plain, spans = hit.highlights()
    assert [plain[a:b] for a, b in spans] == ["Méndez"]
    assert MARK_START + "Méndez" + MARK_END in hit.snippet
    source = sqlite3.connect(small_db).execute("SELECT text FROM source WHERE id=?", (hit.source,))
    assert source.fetchone()[0][hit.start : hit.end] == hit.text


def test_long_quotes_are_cut_around_the_match(searcher: Searcher) -> None:
    (hit,) = searcher.search("sever diplomatic").hits
    plain, spans = hit.highlights()
    assert plain.startswith("…") and len(plain) < len(hit.text)
    assert [plain[a:b] for a, b in spans] == ["sever", "diplomatic"]


def test_empty_query_asks_for_a_word(searcher: Searcher) -> None:
    for text in ("", "   ", "*", "AND ("):
        result = searcher.search(text)
        assert result.hits == () and result.total == 0 and result.hint


def test_count_label() -> None:
    assert SearchResult("x", total=1).count_label == "1 quote"
    assert SearchResult("x", total=1000, capped=True, ranked=False).count_label == "1,000+ quotes"


def test_many_matches_are_counted_to_a_cap_and_listed_newest_first(tmp_path: Path) -> None:
    # 1,500 quotes that all say "golpe", one of them undated: too many to rank.
    db = tmp_path / "many.db"

    def populate(conn: sqlite3.Connection) -> None:
        builder.insert_rows(conn, "meta", [{"key": "schema_version", "value": "1"}])
        builder.insert_rows(
            conn,
            "source",
            [
                {
                    "id": "s",
                    "title": "s",
                    "file": "s",
                    "published": "2025",
                    "published_precision": "year",
                    "language": "es",
                    "sha256": "0",
                    "text": "x",
                    "title_editorial": False,
                    "published_text": None,
                    "published_rule": None,
                    "published_approx": False,
                    "publisher": None,
                    "url": None,
                    "retrieved": None,
                    "retrieved_precision": None,
                    "retrieved_text": None,
                    "retrieved_rule": None,
                    "retrieved_approx": False,
                }
            ],
        )
        builder.insert_rows(
            conn,
            "quote",
            (
                {
                    "pos": i,
                    "id": f"q{i}",
                    "kind": "direct",
                    "text": f"golpe número {i}",
                    "speaker_names": "X",
                    "source": "s",
                    "start": 0,
                    "end": 1,
                    "date": None if i == 1500 else f"{2000 + i // 100}",
                    "date_precision": "year",
                    "search_speakers": "X",
                    "speaker_keys": "",
                    "search_mentions": "",
                    "date_approx": False,
                    "context": None,
                    "date_text": None,
                    "date_rule": None,
                    "assertion": None,
                    "responds_to": None,
                }
                for i in range(1, 1501)
            ),
        )

    builder.write_database(db, populate)
    result = search_quotes(db, "golpe", limit=3)
    assert (result.capped, result.ranked, result.count_label) == (True, False, "1,000+ quotes")
    assert ids(result) == ["q1499", "q1498", "q1497"]  # newest dated first; undated q1500 last
    few = search_quotes(db, "golpe 14*")  # 14, 140-149, 1400-1499: few enough to rank
    assert few.ranked and not few.capped and few.total == 111 and len(few.hits) == 50
    assert search_quotes(db, "golpe 7*").total == 1  # a one-letter prefix is the whole word "7"


# ---------------------------------------------------------------------------------------------------
# Any input is safe


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_hostile_input_gives_results_none_or_a_hint(searcher: Searcher, text: str) -> None:
    result = searcher.search(text)
    assert isinstance(result, SearchResult)
    assert result.hits or result.total == 0


_QUOTED = re.compile(r'"(?:[^"]|"")*"')
_OPERATORS = {"AND", "OR", "NOT", "(", ")", "*", ":", "search_speakers"}


def _outside_quotes(expression: str) -> set[str]:
    rest = _QUOTED.sub(" ", expression)
    return set(re.findall(r"\w+|[^\w\s]", rest))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_user_text_reaches_fts5_only_quoted(text: str) -> None:
    expression = parse(text).expression
    if expression is not None:
        assert _outside_quotes(expression) <= _OPERATORS
        assert "\x00" not in expression
        assert not re.search("[\ue000-\uf8ff]", expression)  # the marks and speakers' keys


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet=st.sampled_from('"-*:() ORANDNOT\x00éá😀ب\u202e'), max_size=40),
        LONG_TEXT,
        st.lists(st.sampled_from([*HOSTILE, "mendez", "ibarra", "speaker:lasa"])).map(" ".join),
    )
)
def test_any_text_searches_without_error(searcher: Searcher, text: str) -> None:
    result = searcher.search(text)
    assert result.total >= len(result.hits)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(max_size=30))
def test_snippets_are_the_quotes_own_words_with_matches_marked(text: str, query: str) -> None:
    snippet = make_snippet(text, highlighter(parse(query)), size=60)
    plain, spans = split_marks(snippet)
    words_of_quote = " ".join(unicodedata.normalize("NFC", text).split())
    assert plain.strip("…") in words_of_quote.replace(MARK_START, "").replace(MARK_END, "")
    assert all(0 <= a < b <= len(plain) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in itertools.pairwise(spans))


def test_existing_helpers_keep_working() -> None:
    assert fts_phrase('say "hi"\x00') == '"say ""hi"""'
    assert words("Perú-México 50%") == ["Perú", "México", "50"]
    assert prefix_query("cha cas") == '"cha"* AND "cas"*'
    assert prefix_query("  ") is None


def test_cancel_interrupts_a_running_search(small_db: Path) -> None:
    class CancelledMidway(Searcher):
        def _search(self, *args: object, **kwargs: object) -> SearchResult:
            self.cancel()  # as if the user typed on while this query ran
            return super()._search(*args, **kwargs)  # type: ignore[arg-type]

    searcher = CancelledMidway(small_db)
    with pytest.raises(SearchCancelled):
        searcher.search("mendez")
    plain = Searcher(small_db)
    assert ids(plain.search("mendez"))  # a fresh search is not affected


def test_a_damaged_dossier_is_a_one_line_error(tmp_path: Path) -> None:
    from dossier.errors import DossierError

    db = tmp_path / "not-fts.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE quote(pos, date)")
    conn.close()
    with pytest.raises(DossierError, match=r"not-fts\.db: cannot search the quotes"):
        search_quotes(db, "mendez")


# ---------------------------------------------------------------------------------------------------
# The search screen


class SearchApp(App[None]):
    """The search screen alone over an empty app, as the dossier app pushes it."""

    def __init__(self, db: Path, query: str = "") -> None:
        super().__init__()
        self.db = db
        self.query = query
        self.chosen: list[str | None] = []
        self.worker_errors: list[BaseException] = []

    def on_mount(self) -> None:
        self.push_screen(SearchScreen(self.db, query=self.query), callback=self.chosen.append)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.worker_errors.append(event.worker.error)

    @property
    def search(self) -> SearchScreen:
        assert isinstance(self.screen, SearchScreen)
        return self.screen


async def _settle(app: SearchApp) -> None:
    """Wait until the last search has been shown (a search replaced by a newer keystroke is
    cancelled, which ``wait_for_complete`` reports as an error)."""
    from textual.pilot import Pilot

    for _ in range(10):
        await Pilot(app).pause()
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue
        if not app.workers:
            break
    await Pilot(app).pause()


async def test_typing_shows_ranked_results_and_enter_opens_the_first(small_db: Path) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"mendez")
        await _settle(app)
        screen = app.search
        assert screen.result is not None and screen.result.query == "mendez"
        results = screen.query_one(ResultList)
        assert results.option_count == 4
        assert str(screen.query_one("#search-count").render()).startswith("4 quotes")
        await pilot.press("enter")
        await pilot.pause()
    assert app.chosen == [ASYLUM_REGRET]


async def test_arrows_move_between_box_and_results(small_db: Path) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"mendez")
        await _settle(app)
        await pilot.press("down")
        assert isinstance(app.focused, ResultList)
        await pilot.press("up")
        assert isinstance(app.focused, Input)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
    assert app.chosen == [PERU_ACCUSES]


async def test_keys_typed_on_the_results_edit_the_query(small_db: Path) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"ibarra", "down", "backspace", "backspace", "q")
        await _settle(app)
        assert app.search.query_one(Input).value == "ibarq"
        assert app.is_running  # "q" was typed, not the app's quit key
        assert app.search.result is not None and app.search.result.total == 0


class _Counting(Searcher):
    """A searcher that notes each text it is asked to search."""

    def __init__(self, db: Path) -> None:
        super().__init__(db)
        self.asked: list[str] = []

    def search(self, text: str, limit: int = 50) -> SearchResult:
        self.asked.append(text)
        return super().search(text, limit)


async def test_escape_clears_and_closes(small_db: Path) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.search.searcher = counting = _Counting(small_db)
        await pilot.press(*"mendez")
        await _settle(app)
        await pilot.press("escape")
        await _settle(app)
        assert not isinstance(app.screen, SearchScreen)
        assert "" not in counting.asked  # the box is emptied for next time, not searched
    assert app.chosen == [None]


async def test_a_query_given_at_opening_is_searched_once(small_db: Path) -> None:
    app = SearchApp(small_db, query="mendez")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.search.searcher = counting = _Counting(small_db)
        app.search.query_one(Input).value = "ibarra"
        await _settle(app)
        assert app.search.result is not None and app.search.result.query == "ibarra"
        assert counting.asked == ["ibarra"]  # each text once, as it is set
        await pilot.press("escape")
    app = SearchApp(small_db, query="mendez")
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app)
        result = app.search.result
        assert result is not None and result.query == "mendez" and len(result.hits) == 4


async def test_a_hint_shows_when_there_is_nothing_to_search(small_db: Path) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"-mendez")
        await _settle(app)
        assert "Add a word" in str(app.search.query_one("#search-hint").render())
        assert not app.search.query_one(ResultList).display


async def test_an_error_gives_way_to_the_next_results(
    small_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier.search import Searcher, SearchError

    search = Searcher.search
    failures = ["the dossier was replaced"]

    def once_failing(self: Searcher, text: str, limit: int = 20) -> object:
        if failures:
            raise SearchError(failures.pop())
        return search(self, text, limit)

    monkeypatch.setattr(Searcher, "search", once_failing)
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)) as pilot:
        app.search.query_one(Input).value = "mend"  # one search: it fails
        await _settle(app)
        hint = app.search.query_one("#search-hint")
        assert "replaced" in str(hint.render())
        await pilot.press(*"ez")
        await _settle(app)
        assert app.search.result is not None and app.search.result.total > 0
        assert "replaced" not in str(hint.render()) and not hint.display


@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.one_of(
            st.text(),
            st.sampled_from(HOSTILE),
            LONG_TEXT,
        ),
        min_size=12,
        max_size=12,
    )
)
async def test_any_text_in_the_search_box_is_searched_without_error(
    small_db: Path, texts: list[str]
) -> None:
    app = SearchApp(small_db)
    async with app.run_test(size=(80, 24)):
        box = app.search.query_one(Input)
        for text in texts:
            if text == box.value:
                continue  # no change, no search
            box.value = text
            await _settle(app)
            result = app.search.result
            assert result is not None and result.query == box.value
        assert app.worker_errors == []
        assert "cannot search" not in str(app.search.query_one("#search-hint").render())


@pytest.mark.bundled
def test_search_screen_snapshot(bundled_db: Path, snap_compare: Callable[..., bool]) -> None:
    async def type_query(pilot: object) -> None:
        from textual.pilot import Pilot

        assert isinstance(pilot, Pilot)
        await pilot.press(*"chavez")
        app = pilot.app
        assert isinstance(app, SearchApp)
        await _settle(app)
        app.search.query_one(Input).cursor_blink = False

    assert snap_compare(SearchApp(bundled_db), terminal_size=(80, 24), run_before=type_query)


# ---------------------------------------------------------------------------------------------------
# dossier search


def test_cli_prints_a_table_and_exits_0(cli: Cli, small_db: Path) -> None:
    result = cli("search", "mendez", "--db", small_db)
    assert result.code == 0
    assert "Ramiro de Lasa" in result.out and "4 quotes (best first)" in result.out
    assert result.out.index(ASYLUM_REGRET) < result.out.index(DENY)


def test_cli_json_lines(cli: Cli, small_db: Path) -> None:
    result = cli("search", "--json", "mendez", "--db", small_db)
    assert result.code == 0
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [r["id"] for r in rows] == [ASYLUM_REGRET, PERU_ACCUSES, DENY, NOBRESILLA]
    first = rows[0]
    assert {"id", "speaker", "date", "kind", "text", "snippet", "source", "start", "end"} <= set(
        first
    )
    assert (first["speaker"], first["date"], first["kind"]) == (
        "Ramiro de Lasa",
        "3 November 2025",
        "direct",
    )
    assert first["source"] == "andara-severs-relations-with-veracia-2025-11-04"
    assert [first["snippet"][a:b] for a, b in first["highlights"]] == ["Méndez"]
    assert rows[3]["date"] == "date not stated" and rows[3]["date_iso"] is None


def test_cli_limit_and_exclusions(cli: Cli, small_db: Path) -> None:
    one = cli("search", "--json", "--limit", "1", "mendez", "--db", small_db)
    assert one.code == 0 and len(one.out.splitlines()) == 1
    excluded = cli("search", "--json", "ibarra", "-mendez", "--db", small_db)
    assert excluded.code == 0
    assert {json.loads(line)["id"] for line in excluded.out.splitlines()} == {BOLARTE, EPITHET}
    speaker = cli("search", "--json", "speaker:lasa", "sever", "--db", small_db)
    assert [json.loads(line)["id"] for line in speaker.out.splitlines()] == [SEVER]


def test_cli_no_results_exits_1(cli: Cli, small_db: Path) -> None:
    result = cli("search", "zzzzzz", "--db", small_db)
    assert (result.code, result.out) == (1, "")
    hint = cli("search", "-mendez", "--db", small_db)
    assert hint.code == 1 and "Add a word" in hint.err
    empty = cli("search", "", "--db", small_db)
    assert empty.code == 1 and "Type a word" in empty.err


@pytest.mark.parametrize(
    "args",
    [
        ("search",),
        ("search", "--limit", "0", "mendez"),
        ("search", "--limit", "x", "mendez"),
        ("search", "--limt", "3", "mendez"),
    ],
)
def test_cli_bad_usage_exits_2(cli: Cli, small_db: Path, args: tuple[str, ...]) -> None:
    result = cli(*args, "--db", small_db)
    assert result.code == 2
    assert "Traceback" not in result.err


def test_cli_bad_db_is_one_line_exit_2(cli: Cli, tmp_path: Path) -> None:
    missing = cli("search", "mendez", "--db", tmp_path / "nope.db")
    assert missing.code == 2
    assert missing.err.strip().splitlines() == [
        f"dossier: error: {tmp_path / 'nope.db'}: no such file"
    ]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    not_db = cli("search", "mendez", "--db", text)
    assert not_db.code == 2 and "not a SQLite database" in not_db.err
    assert len(not_db.err.strip().splitlines()) == 1


def test_cli_builds_the_default_case_first(
    cli: Cli, small_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        builder, "ensure_built", partial(builder.ensure_built, small_project.case, small_project.db)
    )
    # The CLI asks whether the bundled case is stale before it imports the build.
    monkeypatch.setattr(commands, "BUNDLED_CASE", small_project.case)
    monkeypatch.setattr(commands, "BUNDLED_DB", small_project.db)
    result = cli("search", "--json", "first poor president")
    assert result.code == 0
    assert "building ibarra-mendez.db" in result.err
    assert json.loads(result.out.splitlines()[0])["id"] == EPITHET
    again = cli("search", "--json", "first poor president")
    assert again.err == ""
