"""A case builds into a dossier in which every record cites verified words of its source."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from dossier import build as builder
from dossier import casefile, coverage, kinds, schema, store
from dossier.errors import DossierError
from tests.conftest import SMALL_CASE, SMALL_ROOT, CliResult, Project

SEED = SMALL_ROOT / "seeds" / "2025-11-04_andara-severs-diplomatic-relations-with-veracia.txt"
SEED_SHA256 = "ae4f8fe5782d1b848a75b55c7f320a5e2c01f26daf68c96da654fb9c24b66071"


@pytest.fixture
def db(small_db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(small_db)
    conn.row_factory = sqlite3.Row
    return conn


def test_every_record_has_evidence_that_is_the_exact_source_text(db: sqlite3.Connection) -> None:
    records = {r["id"] for r in db.execute("SELECT id FROM record")}
    cited = {r["record"] for r in db.execute("SELECT DISTINCT record FROM evidence")}
    assert records == cited
    text = db.execute("SELECT text FROM source").fetchone()["text"]
    for ev in db.execute("SELECT * FROM evidence"):
        assert text[ev["start"] : ev["end"]] == ev["exact"], ev["record"]
        assert text[: ev["start"]].endswith(ev["prefix"])
        assert text[ev["end"] :].startswith(ev["suffix"])
        assert len(ev["prefix"]) == min(32, ev["start"])


def test_offsets_are_code_points_not_bytes(db: sqlite3.Connection) -> None:
    # "Méndez" has a two-byte "á": byte offsets would be off by one after it.
    ev = db.execute(
        "SELECT * FROM evidence WHERE exact = 'Andara expelled the Veracian ambassador in December 2022'"
    ).fetchone()
    raw = SEED.read_text(encoding="utf-8")
    assert raw[ev["start"] : ev["end"]] == ev["exact"]
    assert SEED.read_bytes().find(ev["exact"].encode()) != ev["start"]


def test_each_kind_of_record_is_in_the_database(db: sqlite3.Connection) -> None:
    kinds = {
        r["kind"]: r["n"] for r in db.execute("SELECT kind, count(*) n FROM record GROUP BY kind")
    }
    for kind in (
        "source",
        "person",
        "organization",
        "role",
        "charge",
        "sentence",
        "custody",
        "asylum",
        "diplomatic",
        "event",
        "quote",
        "note",
    ):
        assert kinds.get(kind, 0) >= 1, kind


def test_people_keep_source_spellings_and_aliases(db: sqlite3.Connection) -> None:
    aliases = {
        (r["alias"], r["editorial"])
        for r in db.execute("SELECT alias, editorial FROM alias WHERE entity = 'nora-mendez'")
    }
    assert ("Mendez", 0) in aliases and ("Méndez", 0) in aliases and ("Mr. Mendez", 0) in aliases
    lasa = db.execute("SELECT name FROM entity WHERE id = 'ramiro-de-lasa'").fetchone()["name"]
    assert lasa == "Ramiro de Lasa"
    editorial = db.execute(
        "SELECT alias FROM alias WHERE entity='ramiro-de-lasa' AND editorial"
    ).fetchall()
    assert [r["alias"] for r in editorial] == ["Ramiro de Laza", "de Laza"]


def test_each_speaker_has_a_key_that_their_quotes_carry(db: sqlite3.Connection) -> None:
    speakers = {r["key"]: (r["entity"], r["names"]) for r in db.execute("SELECT * FROM speaker")}
    assert speakers[0] == (None, "unattributed")
    assert speakers[max(speakers)] == (
        "raul-tavernilla",
        "Raul Tavernilla Raúl Tabernilla Tabernilla",
    )  # every spelling, as search matches it; numbered in the order of the speakers' ids
    entities = [e for e, _ in speakers.values() if e is not None]
    assert entities == sorted(entities)
    key_of = {entity: key for key, (entity, _) in speakers.items()}
    said: dict[str, list[str]] = {}
    for r in db.execute("SELECT quote, entity FROM quote_speakers ORDER BY quote, seq"):
        said.setdefault(r["quote"], []).append(r["entity"])
    for quote in db.execute("SELECT id, speaker_keys FROM quote"):
        keys = [schema.speaker_key(key_of[e]) for e in said.get(quote["id"], [])]
        assert quote["speaker_keys"] == (" ".join(keys) or schema.speaker_key(0)), quote["id"]
    # Each key is one token of the quotes' index, found only where it is.
    both = schema.speaker_key(key_of["mateo-ibarra"]), schema.speaker_key(key_of["nora-mendez"])
    found = db.execute(
        "SELECT q.id FROM quote_fts f JOIN quote q ON q.pos = f.rowid WHERE quote_fts MATCH ?",
        (" AND ".join(f'"{k}"' for k in both),),
    ).fetchall()
    assert [r["id"] for r in found] == ["defendants-deny-charges"]


def test_roles_with_dates_and_precision(db: sqlite3.Connection) -> None:
    pm = db.execute("SELECT * FROM role WHERE id = 'mendez-prime-minister'").fetchone()
    assert (pm["title"], pm["start"], pm["start_precision"]) == (
        "Prime minister",
        "2022-11",
        "month",
    )
    titles = {r["title"] for r in db.execute("SELECT title FROM role")}
    assert {
        "Culture minister",
        "President of Andara",
        "Foreign affairs minister",
        "Lawyer",
    } <= titles


def test_charges_with_status_history(db: sqlite3.Connection) -> None:
    charges = {r["id"]: r for r in db.execute("SELECT * FROM charge")}
    assert charges["ibarra-sedition"]["offence"] == "Sedition"
    assert charges["ibarra-abuse-of-power"]["status"] == "charged"
    assert charges["mendez-coup-charges"]["status"] == "on trial"
    assert charges["mendez-coup-charges"]["date"] == "2025-03"
    steps = db.execute(
        "SELECT status FROM charge_status WHERE charge='mendez-coup-charges' ORDER BY seq"
    ).fetchall()
    assert [s["status"] for s in steps] == ["indicted", "on trial"]
    rule = db.execute(
        "SELECT date_text, date_rule FROM charge_status WHERE charge='mendez-coup-charges' AND seq=1"
    ).fetchone()
    assert rule["date_text"] == "March of this year" and "2025" in rule["date_rule"]


def test_sentences_are_requests_not_impositions(db: sqlite3.Connection) -> None:
    rows = {r["defendant"]: r for r in db.execute("SELECT * FROM sentence")}
    assert rows["mateo-ibarra"]["term_text"] == "34 years"
    assert rows["nora-mendez"]["term_text"] == "25 years"
    assert {r["kind"] for r in rows.values()} == {"requested"}
    assert {r["by"] for r in rows.values()} == {"prosecutors"}


def test_custody_asylum_and_diplomatic_events(db: sqlite3.Connection) -> None:
    custody = {r["id"]: r for r in db.execute("SELECT * FROM custody")}
    assert custody["ibarra-preventive-detention"]["start"] == "2022-12"
    assert custody["mendez-bail"]["start"] == "2025-09"
    asylum = {r["id"]: r for r in db.execute("SELECT * FROM asylum")}
    assert asylum["mendez-asylum-granted"]["embassy"] == "veracian-embassy-corima"
    assert asylum["mendez-asylum-granted"]["date"] == "2025-11-03"
    assert asylum["ibarra-asylum-intercepted"]["type"] == "intercepted"
    assert asylum["mendez-flees-to-embassy"]["date_approx"] == 1
    diplomatic = {r["type"]: r for r in db.execute("SELECT * FROM diplomatic")}
    assert diplomatic["ambassador expelled"]["date"] == "2022-12"
    assert diplomatic["ambassador recalled"]["by"] == "elena-barrantes"
    severed = diplomatic["relations severed"]
    assert (severed["date"], severed["date_text"]) == ("2025-11-03", "Monday")
    assert "Monday before publication" in severed["date_rule"]


def test_quotes_of_all_three_kinds(db: sqlite3.Connection) -> None:
    quotes = {r["id"]: r for r in db.execute("SELECT * FROM quote")}
    assert quotes["de-lasa-asylum-regret"]["kind"] == "direct"
    assert quotes["de-lasa-asylum-regret"]["speaker_names"] == "Ramiro de Lasa"
    assert quotes["tavernilla-no-contact"]["kind"] == "reported"
    epithet = quotes["first-poor-president"]
    assert (epithet["kind"], epithet["speaker_names"], epithet["text"]) == (
        "epithet",
        None,  # NULL for none: an outside tool reads no speaker named "unattributed"
        "first poor president",
    )
    positions = [q["pos"] for q in sorted(quotes.values(), key=lambda q: q["pos"])]
    assert positions == list(range(1, len(quotes) + 1))


def test_notes_keep_editorial_apart_from_discrepancies(db: sqlite3.Connection) -> None:
    notes = {r["id"]: r for r in db.execute("SELECT * FROM note")}
    assert notes["mr-mendez"]["kind"] == "discrepancy"
    assert notes["his-country"]["kind"] == "discrepancy"
    assert notes["spelling-de-laza"]["kind"] == "editorial"
    assert all(n["basis"] for n in notes.values() if n["kind"] == "editorial")


def test_meta_records_versions_and_hashes(db: sqlite3.Connection) -> None:
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert meta["schema_version"] == str(schema.SCHEMA_VERSION)
    assert meta["as_of"] == "2025-11-04"
    (src,) = json.loads(meta["sources"])
    assert src["sha256"] == SEED_SHA256
    import hashlib

    case_bytes = SMALL_CASE.read_bytes()
    assert meta["case_sha256"] == hashlib.sha256(case_bytes).hexdigest()


def test_fts_folds_accents_both_ways(db: sqlite3.Connection) -> None:
    def hits(q: str) -> set[str]:
        sql = "SELECT q.id FROM quote_fts f JOIN quote q ON q.pos = f.rowid WHERE quote_fts MATCH ?"
        return {r["id"] for r in db.execute(sql, (q,))}

    assert "de-lasa-asylum-regret" in hits("mendez")
    assert hits("mendez") == hits("MÉNDEZ")
    assert "barrantes-accuses-nunez-ortega" in hits("nunez")


def test_same_input_same_database(small_project: Project, tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    builder.build(small_project.case, a)
    builder.build(small_project.case, b)

    def dump(p: Path) -> list[str]:
        return list(sqlite3.connect(p).iterdump())

    assert dump(a) == dump(b)


def test_failed_build_keeps_previous_database(small_project: Project) -> None:
    builder.build(small_project.case, small_project.db)
    before = small_project.db.read_bytes()
    small_project.edit_case('offence = "Sedition"', 'offence = ""')
    with pytest.raises(DossierError, match="offence is empty"):
        builder.build(small_project.case, small_project.db)
    assert small_project.db.read_bytes() == before
    assert sorted(p.name for p in small_project.db.parent.iterdir()) == [
        "ibarra-mendez.db",
        "ibarra-mendez.toml",
    ]


def test_crash_while_writing_leaves_no_partial_file(small_project: Project) -> None:
    builder.build(small_project.case, small_project.db)
    before = small_project.db.read_bytes()
    case = casefile.load(small_project.case)

    def explode(conn: sqlite3.Connection) -> None:
        builder.fill(conn, builder.compile_case(case))
        raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(DossierError, match="disk I/O error"):
        builder.write_database(small_project.db, explode)
    assert small_project.db.read_bytes() == before
    assert len(list(small_project.db.parent.iterdir())) == 2


def test_staleness_follows_case_and_sources(small_project: Project) -> None:
    assert store.staleness(small_project.db, small_project.case).reason == "no database yet"
    builder.build(small_project.case, small_project.db)
    assert not store.staleness(small_project.db, small_project.case).stale
    small_project.edit_case("# A small invented case", "# An edited small case")
    assert "changed" in store.staleness(small_project.db, small_project.case).reason


def test_coverage_leaves_out_no_fact(small_db: Path) -> None:
    case = casefile.load(SMALL_CASE)
    (cov,) = coverage.coverage(case)
    # Only connectives are left uncited: every word that carries a fact is in some span.
    assert set(cov.uncited_words) <= {"that", "while"}, cov.uncited_words
    assert cov.ratio > 0.97


def test_build_cli_prints_summary(cli: Callable[..., CliResult], small_project: Project) -> None:
    result = cli("build", "--data", small_project.case)
    assert result.code == 0, result.err
    assert result.out.startswith(f"built {small_project.db}:")
    assert small_project.db.exists()
    assert store.validate(small_project.db)["case_id"] == "ibarra-mendez"


def test_fts_index_follows_later_edits_of_quotes(small_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "edit.db"
    copy.write_bytes(small_db.read_bytes())
    conn = sqlite3.connect(copy)

    def hits(word: str) -> list[str]:
        sql = "SELECT q.id FROM quote_fts f JOIN quote q ON q.pos = f.rowid WHERE quote_fts MATCH ?"
        return [r[0] for r in conn.execute(sql, (word,))]

    assert hits("unfriendly") == ["de-lasa-sever-relations"]
    conn.execute("UPDATE quote SET text = 'a hostile act' WHERE id = 'de-lasa-sever-relations'")
    assert hits("unfriendly") == [] and hits("hostile") == ["de-lasa-sever-relations"]
    conn.execute("DELETE FROM quote WHERE id = 'de-lasa-sever-relations'")
    assert hits("hostile") == []
    assert conn.execute("INSERT INTO quote_fts(quote_fts) VALUES ('integrity-check')")


def _shape(conn: sqlite3.Connection) -> dict[str, object]:
    """Columns, keys, indexes and foreign keys of every table but the FTS5 ones."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name NOT LIKE '%fts%'"
        )
    ]
    shape: dict[str, object] = {}
    for table in tables:
        indexes = sorted(
            (unique, origin, tuple(c[2] for c in conn.execute(f"PRAGMA index_info('{name}')")))
            for _, name, unique, origin, _ in conn.execute(f"PRAGMA index_list('{table}')")
        )
        shape[table] = (
            conn.execute(f"PRAGMA table_info('{table}')").fetchall(),
            indexes,
            sorted(conn.execute(f"PRAGMA foreign_key_list('{table}')").fetchall()),
        )
    return shape


def test_the_database_has_the_declared_tables_and_only_those(bundled_db: Path) -> None:
    # The build creates its tables from dossier.models (the kinds' tables derived from their
    # fields): the file has each declared table with its declared columns, in order.
    from dossier import models

    conn = sqlite3.connect(bundled_db)
    declared = models.column_names()
    built = {
        name: tuple(c[1] for c in conn.execute(f'PRAGMA table_info("{name}")'))
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%' "
            "AND name NOT LIKE 'sqlite_%'"
        )
    }
    assert built == declared
    assert {"event_participants", "note_about", "quote_speakers", "quote_mentions"} <= set(built)


def test_a_row_with_a_missing_or_unknown_column_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("CREATE TABLE t (a TEXT, b TEXT)")
    with pytest.raises(builder.SchemaMismatchError, match="missing column 'b'"):
        builder.insert_rows(conn, "t", [{"a": "x"}])
    with pytest.raises(builder.SchemaMismatchError, match="unknown column 'c'"):
        builder.insert_rows(conn, "t", [{"a": "x", "b": "y", "c": "z"}])


@given(
    st.text(st.sampled_from(" \t\n\r\x0b\x1c\x85\xa0\u2028\u3000ab…") | st.characters()),
    st.integers(min_value=1, max_value=300),
)
@example("words ", 80)
@example(" words", 80)
@example("two  spaces", 80)
@example("no-break\xa0space", 80)
@example("0000000000-00", 12)  # no "-" left before the ellipsis
def test_clip_is_the_text_on_one_line_cut_to_its_limit(text: str, limit: int) -> None:
    # The fast path for text that needs no work must give what normalising it always gave.
    one_line = " ".join(text.split())
    clipped = kinds.clip(text, limit)
    assert clipped == kinds.clip(one_line, limit)
    if len(one_line) <= limit:
        assert clipped == one_line
        return
    # Cut: at most the limit, an ellipsis after a beginning of the text, never after a space or
    # a dangling comma or dash (the cut is at a word's end where one is near enough).
    assert len(clipped) <= limit and clipped.endswith("…")
    kept = clipped[:-1]
    assert one_line.startswith(kept)
    assert not kept.endswith((" ", ",", ";", ":", "—", "–", "-"))
