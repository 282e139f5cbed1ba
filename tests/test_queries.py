"""The read API the app and the CLI share: pages, places, details and finding records."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dossier.queries import PANE_COLUMNS, Reader
from dossier.schema import PANES


@pytest.fixture
def reader(small_db: Path) -> Reader:
    return Reader(small_db)


def test_every_record_is_found_by_the_words_of_its_title(reader: Reader, small_db: Path) -> None:
    conn = sqlite3.connect(small_db)
    for rid, title in conn.execute("SELECT id, title FROM record"):
        words = [w.strip("“”\"'.,:;()—→") for w in title.split()][:4]
        query = " ".join(w for w in words if w)
        found = [h.id for h in reader.find_records(query, limit=60)]
        assert rid in found, (rid, query)


def test_every_record_has_a_place_and_a_detail(reader: Reader, small_db: Path) -> None:
    conn = sqlite3.connect(small_db)
    for (rid,) in conn.execute("SELECT id FROM record"):
        place = reader.place(rid)
        assert place is not None and place.pane in PANES
        rows = reader.page(place.pane, place.pos, 1)
        assert rows and rows[0].record == place.record, rid
        detail = reader.detail(rid)
        assert detail is not None and detail.evidence, rid


def test_pages_are_dense_and_match_their_counts(reader: Reader) -> None:
    header = reader.header()
    for pane in PANES:
        total = header.pane_counts[pane]
        rows = reader.page(pane, 0, total + 10)
        assert [r.pos for r in rows] == list(range(total))
        assert all(len(r.cells) == len(PANE_COLUMNS[pane]) for r in rows)
        assert reader.page(pane, total, 10) == []


def test_find_records_ignores_accents_and_case(reader: Reader) -> None:
    for query in ("nunez ortega", "NÚÑEZ", "andres felipe", "barrientos", "tavernilla", "laza"):
        assert reader.find_records(query), query
    assert reader.find_records("") == []
    assert reader.find_records('"*^()\x00') == []


def test_reader_is_safe_from_several_threads(reader: Reader) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(8) as pool:
        details = list(pool.map(reader.detail, ["nora-mendez"] * 40))
    assert {d.id for d in details if d} == {"nora-mendez"}


def test_custody_and_roles_show_their_dates_and_how_they_were_read(reader: Reader) -> None:
    bail = reader.detail("mendez-bail")
    assert bail is not None
    fields = {f.label: f.value for f in bail.fields}
    assert fields["Since"].startswith("September 2025 (month)")
    assert '"in September"' in fields["Since"]
    pm = reader.detail("mendez-prime-minister")
    assert pm is not None
    assert {f.label: f.value for f in pm.fields}["From"].startswith("November 2022")
    quote = reader.detail("de-lasa-asylum-regret")
    assert quote is not None
    assert "From" not in {f.label for f in quote.fields}  # a quote's start/end are offsets


def test_the_palette_finds_records_by_their_kind(reader: Reader) -> None:
    found = {h.id for h in reader.find_records("sentence", limit=30)}
    assert {"ibarra-sentence-request", "mendez-sentence-request"} <= found
    assert "mendez-bail" in {h.id for h in reader.find_records("custody bail")}


def test_close_leaves_a_connection_in_use_to_its_thread(small_db: Path) -> None:
    # The app closes its reader when it quits, maybe while a worker still reads: closing a
    # connection under a running query crashed the process (a segmentation fault).
    reader = Reader(small_db)
    with reader.connection() as busy:
        with reader.connection() as idle:
            pass  # given back: idle in the pool
        reader.close()
        assert busy.execute("SELECT count(*) FROM record").fetchone()[0] > 0
        with pytest.raises(sqlite3.ProgrammingError):
            idle.execute("SELECT 1")
    with pytest.raises(sqlite3.ProgrammingError):
        busy.execute("SELECT 1")  # closed once given back


def test_the_counts_by_kind_are_kept_by_the_build_and_match_the_records(small_db: Path) -> None:
    # The case summary's counts come from the meta table (counting a million records took half a
    # second on the path to the first screen); they must be what the record table holds.
    reader = Reader(small_db)
    conn = sqlite3.connect(small_db)
    counted = dict(conn.execute("SELECT kind, count(*) FROM record GROUP BY kind").fetchall())
    assert any(key.startswith("kind:") for key in reader.meta)
    assert reader.header().counts == counted
    # A dossier built before they were kept is counted instead.
    old = {k: v for k, v in reader.meta.items() if not k.startswith("kind:")}
    assert Reader(small_db, meta=old).header().counts == counted


def test_every_page_comes_back_in_order_and_whole(small_db: Path) -> None:
    reader = Reader(small_db)
    for pane in PANES:
        total = reader.header().pane_counts[pane]
        rows = [row for start in range(0, total, 7) for row in reader.page(pane, start, 7)]
        assert [row.pos for row in rows] == list(range(total)), pane
        assert all(len(row.cells) == len(PANE_COLUMNS[pane]) for row in rows), pane
