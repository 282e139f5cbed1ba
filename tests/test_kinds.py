"""The kinds registry: every kind says all a reader sees of it, and a new kind is one declaration.

The "hearing" kind here is defined in the test, registered, built into a small case of its own and
read back: its table, its row on the timeline, its detail with links both ways. Nothing outside
this file knows of it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from dossier import build as builder
from dossier import casefile, kinds
from dossier.casefile import Record, ref
from dossier.dates import PartialDate
from dossier.queries import Reader

ARTICLE = (
    "Lima, 2 March 2026. The Supreme Court of Ruritania heard the appeal of Ana Pérez on Monday, "
    "her lawyer said. The court adjourned the hearing until April.\n"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Hearing(Record):
    """A court hearing: a kind with no pane of its own, shown on the timeline."""

    TABLE: ClassVar[str] = "hearings"
    KIND: ClassVar[str] = "hearing"

    court: str = ref("organization")
    about: str = ref("person")
    title: str
    date: PartialDate | None = None


HEARING = kinds.KindSpec(
    kind="hearing",
    record=Hearing,
    label="Hearing",
    table="hearing",
    title=lambda r, ctx: r.title,
    subtitle=lambda r, ctx: f"before {ctx.name(r.court)}",
    timeline_order=3,
    rel_labels={"court": "Court", "about": "Whose case"},
    reverse_labels={"court": "Hearings held", "about": "Hearings"},
    brief_section="Hearings",
)


@pytest.fixture
def hearing_kind() -> Iterator[kinds.KindSpec]:
    kinds.register(HEARING)
    try:
        yield HEARING
    finally:
        kinds.unregister("hearing")


def _small_case(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "seeds").mkdir()
    seed = root / "seeds" / "2026-03-02_hearing.txt"
    seed.write_text(ARTICLE, encoding="utf-8")
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    case = root / "data" / "small.toml"
    case.write_text(
        f'''format = 1

[case]
id = "small"
title = "A small case"
summary = "One hearing."
default_source = "src"

[[sources]]
id = "src"
file = "seeds/2026-03-02_hearing.txt"
title = "Hearing report"
published = "2026-03-02"
language = "en"
sha256 = "{sha}"
evidence = ["Lima, 2 March 2026."]

[[people]]
id = "ana-perez"
name = "Ana Pérez"
evidence = ["the appeal of Ana Pérez"]

[[organizations]]
id = "supreme-court"
name = "Supreme Court of Ruritania"
type = "court"
evidence = ["The Supreme Court of Ruritania"]

[[hearings]]
id = "appeal-hearing"
court = "supreme-court"
about = "ana-perez"
title = "Appeal of Ana Pérez heard"
date = {{ value = "2026-03-02", text = "Monday", rule = "the Monday of publication" }}
evidence = ["heard the appeal of Ana Pérez on Monday"]
''',
        encoding="utf-8",
    )
    return case


def test_every_registered_kind_says_everything_a_reader_sees() -> None:
    for spec in kinds.specs():
        assert kinds.missing_facets(spec) == [], spec.kind


def test_a_spec_that_leaves_a_label_out_is_caught() -> None:
    lacking = kinds.KindSpec(
        kind="hearing",
        record=Hearing,
        label="Hearing",
        table="hearing",
        title=lambda r, ctx: r.title,
        subtitle=lambda r, ctx: "",
        pane="nowhere",
    )
    assert kinds.missing_facets(lacking) == [
        "pane 'nowhere' (not one of overview, people, charges, sentences, asylum, quotes, sources)",
        "label of reference 'court'",
        "reverse label of reference 'court'",
        "reverse label of reference 'about'",
    ]


def test_the_case_file_without_the_kind_refuses_its_table(tmp_path: Path) -> None:
    case = _small_case(tmp_path)
    with pytest.raises(casefile.CaseFileError, match="unknown table or key 'hearings'"):
        casefile.load(case)


def test_a_kind_declared_once_is_loaded_built_listed_and_detailed(
    tmp_path: Path, hearing_kind: kinds.KindSpec
) -> None:
    case_path = _small_case(tmp_path)
    db = tmp_path / "small.db"
    case = builder.build(case_path, db)
    assert [type(r).__name__ for r in case.records][-1] == "Hearing"

    conn = sqlite3.connect(db)
    columns = [c[1] for c in conn.execute("PRAGMA table_info('hearing')")]
    assert columns[:9] == ["id", "court", "about", "title", "date", "date_precision", "date_text",
                           "date_rule", "date_approx"]  # fmt: skip
    assert "according_to" in columns  # who says so: every kind's table has it
    assert conn.execute("SELECT court, date FROM hearing").fetchall() == [
        ("supreme-court", "2026-03-02")
    ]
    fks = {(row[3], row[2]) for row in conn.execute("PRAGMA foreign_key_list('hearing')")}
    assert {("court", "entity"), ("about", "entity")} <= fks

    reader = Reader(db)
    timeline = reader.page("overview", 0, 10)
    hearing_rows = [row for row in timeline if row.record == "appeal-hearing"]
    assert [row.cells for row in hearing_rows] == [
        ("2 Mar 2026", "Appeal of Ana Pérez heard", "hearing")
    ]

    detail = reader.detail("appeal-hearing")
    assert detail is not None
    assert kinds.label(detail.kind) == "Hearing"
    assert detail.subtitle == "before Supreme Court of Ruritania"
    fields = {f.label: f.value for f in detail.fields}
    assert fields["Title"] == "Appeal of Ana Pérez heard"
    assert "2 March 2026" in fields["Date"] and "Monday" in fields["Date"]
    links = {group.label: [link.record for link in group.links] for group in detail.links}
    assert links["Court"] == ["supreme-court"]
    assert links["Whose case"] == ["ana-perez"]

    court = reader.detail("supreme-court")
    assert court is not None
    back = {group.label: [link.record for link in group.links] for group in court.links}
    assert back["Hearings held"] == ["appeal-hearing"]
    assert reader.place("appeal-hearing") is not None
    assert "appeal-hearing" in [hit.id for hit in reader.find_records("appeal")]
    reader.close()
