"""The dossier as outsiders' tools read it: Datasette (in-process, as it serves the file) and
sqlite-utils, with the metadata `dossier datasette-metadata` writes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from datasette.app import Datasette
from sqlite_utils import Database

from dossier import datasette_meta
from tests.conftest import CliResult

NAME = "castillo-chavez"


@pytest.fixture(scope="module")
def metadata(bundled_db: Path) -> dict[str, Any]:
    return datasette_meta.metadata(bundled_db)


def _ds(db: Path, metadata: dict[str, Any] | None = None) -> Datasette:
    return Datasette([str(db)], metadata=metadata)


async def _json(ds: Datasette, url: str) -> Any:
    response = await ds.client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:300])
    return response.json()


def test_cli_writes_metadata_json(
    cli: Callable[..., CliResult], bundled_db: Path, tmp_path: Path
) -> None:
    printed = cli("datasette-metadata", "--db", bundled_db)
    assert printed.code == 0, printed.err
    data = json.loads(printed.out)
    assert data["title"].startswith("Castillo and Chávez")
    out = tmp_path / "metadata.json"
    written = cli("datasette-metadata", "--db", bundled_db, "--out", out)
    assert written.code == 0, written.err
    assert json.loads(out.read_text(encoding="utf-8")) == data
    again = cli("datasette-metadata", "--db", bundled_db, "--out", out)
    assert again.code == 2
    assert "already exists" in again.err


def test_cli_on_a_file_that_is_not_a_dossier(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("datasette-metadata", "--db", tmp_path / "missing.db")
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "missing.db: no such file" in result.err


def test_every_table_a_reader_sees_is_described(bundled_db: Path, metadata: dict[str, Any]) -> None:
    tables = metadata["databases"][NAME]["tables"]
    conn = sqlite3.connect(bundled_db)
    names = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    conn.close()
    shadows = {n for n in names if n.startswith(("quote_fts_", "record_fts_", "speaker_fts_"))}
    for name in sorted(names - shadows):
        assert tables.get(name, {}).get("description"), f"table {name} has no description"
    for name in ("entity", "role", "charge", "sentence", "quote", "event", "note", "evidence"):
        columns = [r[1] for r in sqlite3.connect(bundled_db).execute(f"PRAGMA table_info({name})")]
        missing = [c for c in columns if c not in tables[name]["columns"]]
        assert not missing, f"{name}: columns without a description: {missing}"


async def test_datasette_serves_the_metadata_and_the_tables(
    bundled_db: Path, metadata: dict[str, Any]
) -> None:
    ds = _ds(bundled_db, metadata)
    versions = await _json(ds, "/-/versions.json")
    assert versions["datasette"]["version"]
    served = await _json(ds, "/-/metadata.json")
    assert served["title"] == metadata["title"]
    page = await ds.client.get(f"/{NAME}/entity")
    assert page.status_code == 200
    assert "People, groups and organisations" in page.text  # the table's description
    assert "Betsy Chávez" in page.text
    role = await ds.client.get(f"/{NAME}/role")
    assert "Where the post is held." in role.text  # a column's description


async def test_a_row_page_by_its_slug(bundled_db: Path, metadata: dict[str, Any]) -> None:
    ds = _ds(bundled_db, metadata)
    row = await _json(ds, f"/{NAME}/entity/raul-nobresilla.json?_shape=objects")
    (found,) = row["rows"]
    assert {k: found[k] for k in ("id", "kind", "type", "name", "description")} == {
        "id": "raul-nobresilla",
        "kind": "person",
        "type": "person",
        "name": "Raul Nobresilla",
        "description": "Betsy Chávez's lawyer.",
    }
    assert found["according_to"] is None  # who says so: NULL, the source's own voice
    page = await ds.client.get(f"/{NAME}/sentence/chavez-sentence-request")
    assert page.status_code == 200
    assert "P25Y" in page.text


async def test_foreign_keys_show_their_labels(bundled_db: Path, metadata: dict[str, Any]) -> None:
    ds = _ds(bundled_db, metadata)
    data = await _json(ds, f"/{NAME}/role.json?_labels=on&_shape=objects&id=nobresilla-lawyer")
    (row,) = data["rows"]
    assert row["holder"] == {"value": "raul-nobresilla", "label": "Raul Nobresilla"}
    assert row["of"] == {"value": "betsy-chavez", "label": "Betsy Chávez"}


async def test_search_the_quotes_with_the_metadata(
    bundled_db: Path, metadata: dict[str, Any]
) -> None:
    ds = _ds(bundled_db, metadata)
    data = await _json(ds, f"/{NAME}/quote.json?_search=chavez&_shape=objects")
    ids = {row["id"] for row in data["rows"]}
    assert "de-zera-asylum-regret" in ids  # "Chávez" in the text: accents folded
    assert "first-poor-president" not in ids


@pytest.mark.parametrize("described", [True, False], ids=["metadata", "found"])
async def test_search_the_speakers_by_any_spelling(
    bundled_db: Path, metadata: dict[str, Any], described: bool
) -> None:
    ds = _ds(bundled_db, metadata) if described else _ds(bundled_db)
    data = await _json(ds, f"/{NAME}/speaker.json?_search=zela&_shape=objects")
    assert [row["entity"] for row in data["rows"]] == ["hugo-de-zera"]  # an editorial spelling


async def test_datasette_finds_the_quote_index_on_its_own(bundled_db: Path) -> None:
    ds = _ds(bundled_db)  # no metadata: Datasette must detect the index itself
    data = await _json(ds, f"/{NAME}/quote.json?_search=chavez&_shape=objects")
    ids = {row["id"] for row in data["rows"]}
    assert "de-zera-asylum-regret" in ids
    assert "first-poor-president" not in ids


def test_sqlite_utils_detects_the_quote_index(bundled_db: Path) -> None:
    db = Database(bundled_db)
    assert db["quote"].detect_fts() == "quote_fts"  # type: ignore[union-attr]
    hits = [row["id"] for row in db["quote"].search("chavez")]  # type: ignore[union-attr]
    assert "de-zera-asylum-regret" in hits


async def test_search_every_record_through_its_index(bundled_db: Path) -> None:
    ds = _ds(bundled_db)
    data = await _json(ds, f"/{NAME}/record.json?_search=noblecilla&_shape=objects")
    ids = [row["id"] for row in data["rows"]]
    assert "raul-nobresilla" in ids  # found by the usual spelling the source misspells


def test_the_apps_read_model_is_hidden_from_the_table_list(metadata: dict[str, Any]) -> None:
    tables = metadata["databases"][NAME]["tables"]
    assert tables["listing"]["hidden"] is True
    assert "hidden" not in tables["quote"] and "hidden" not in tables["event_participants"]
