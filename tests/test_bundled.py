"""The bundled case itself (data/castillo-chavez.toml and seeds/): it checks, it builds, every record
cites the exact words of its source, and its words are cited. Every other test runs on the tests'
own small case; these, the golden briefs and the snapshot SVGs are the ones a change to the bundled
case may break (README, "Testing", says how to regenerate what is generated)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from dossier import casefile, coverage
from dossier.store import PROJECT_ROOT
from tests.conftest import CASE_NAME, Cli

pytestmark = pytest.mark.bundled


def test_the_bundled_case_checks(cli: Cli) -> None:
    result = cli("check")
    assert result.code == 0, result.err
    assert result.out.startswith("ok: ")  # every span found, every source's sha256 as recorded
    assert " records, " in result.out and "% of source text cited" in result.out


def test_every_record_cites_the_exact_words_of_its_source(bundled_db: Path) -> None:
    db = sqlite3.connect(bundled_db)
    records = {rid for (rid,) in db.execute("SELECT id FROM record")}
    cited = {rid for (rid,) in db.execute("SELECT DISTINCT record FROM evidence")}
    assert records and records == cited
    texts = dict(db.execute("SELECT id, text FROM source").fetchall())
    for record, source, start, end, exact in db.execute(
        'SELECT record, source, start, "end", exact FROM evidence'
    ):
        assert texts[source][start:end] == exact, record


def test_the_bundled_case_leaves_out_no_fact() -> None:
    case = casefile.load(PROJECT_ROOT / "data" / CASE_NAME)
    for cov in coverage.coverage(case):
        # Only connectives are left uncited: every word that carries a fact is in some span.
        assert set(cov.uncited_words) <= {"that", "while"}, cov.uncited_words
        assert cov.ratio > 0.97
