"""A kind with no section of its own in the brief — registered by this test with a spec and nothing
else — is still written: in the section its spec names, each record in its spec's prose, dated and
footnoted with its evidence, and counted in the summary."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from dossier import build as builder
from dossier import kinds
from dossier.brief import brief_markdown
from dossier.casefile import Record, ref
from dossier.dates import PartialDate
from dossier.queries import Reader


@dataclass(frozen=True, slots=True, kw_only=True)
class Hearing(Record):
    """A court hearing: a kind the bundled case does not have."""

    TABLE: ClassVar[str] = "hearings"
    KIND: ClassVar[str] = "hearing"

    title: str
    court: str = ref("organization")
    date: PartialDate | None = None


def _prose(title: str, subtitle: str, when: str) -> str:
    return f"{title}, heard {subtitle}"


HEARING = kinds.KindSpec(
    kind="hearing",
    record=Hearing,
    label="Hearing",
    table="hearing",
    title=lambda r, ctx: r.title,
    subtitle=lambda r, ctx: f"before the {ctx.name(r.court)}",
    prose=_prose,
)

SOURCE_TEXT = (
    "Lima, 5 March 2025. The Supreme Court held a first hearing on the coup case on Monday.\n"
    "The court will hear the defence at a second hearing next month.\n"
)

CASE = """\
format = 1

[case]
id = "hearings"
title = "Hearings"
summary = "A small case with hearings."
default_source = "report"

[[sources]]
id = "report"
file = "seeds/report.txt"
title = "Hearing report"
published = "2025-03-05"
language = "en"
sha256 = "{sha}"
evidence = ["Lima, 5 March 2025"]

[[organizations]]
id = "supreme-court"
name = "Supreme Court"
type = "court"
evidence = ["The Supreme Court"]

[[hearings]]
id = "first-hearing"
title = "First hearing on the coup case"
court = "supreme-court"
date = {{ value = "2025-03-03", text = "Monday", rule = "the Monday before publication" }}
evidence = ["held a first hearing on the coup case on Monday"]

[[hearings]]
id = "second-hearing"
title = "Second hearing, for the defence"
court = "supreme-court"
evidence = ["a second hearing next month"]
"""


@pytest.fixture
def hearing_kind() -> Iterator[kinds.KindSpec]:
    kinds.register(HEARING)
    try:
        yield HEARING
    finally:
        kinds.unregister("hearing")


def _build(folder: Path) -> Path:
    """The case above built in ``folder`` (the case file in ``data/``, its source in ``seeds/``)."""
    (folder / "seeds").mkdir()
    (folder / "data").mkdir()
    (folder / "seeds" / "report.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    sha = hashlib.sha256(SOURCE_TEXT.encode("utf-8")).hexdigest()
    case = folder / "data" / "hearings.toml"
    case.write_text(CASE.format(sha=sha), encoding="utf-8")
    db = folder / "data" / "hearings.db"
    builder.build(case, db)
    return db


@pytest.fixture
def hearings_db(tmp_path: Path, hearing_kind: kinds.KindSpec) -> Path:
    return _build(tmp_path)


def _section(text: str, title: str) -> str:
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _footnotes(text: str) -> dict[str, str]:
    return dict(re.findall(r"^\[\^(\d+)\]: (.*)$", text, re.M))


def test_a_registered_kind_is_written_in_its_section_with_footnotes(hearings_db: Path) -> None:
    reader = Reader(hearings_db)
    try:
        text = brief_markdown(reader)
    finally:
        reader.close()
    section = _section(text, "Other records")
    first = next(line for line in section.splitlines() if "First hearing" in line)
    assert first.startswith(
        "- **3 March 2025** (inferred from “Monday”) — First hearing on the coup case, heard "
        "before the Supreme Court."
    )
    second = next(line for line in section.splitlines() if "Second hearing" in line)
    assert second.startswith("- **date not stated** — Second hearing, for the defence, heard")
    assert section.index("First hearing") < section.index("Second hearing")  # undated last
    notes = _footnotes(text)
    for line, words in (
        (first, "held a first hearing on the coup case on Monday"),
        (second, "a second hearing next month"),
    ):
        numbers = re.findall(r"\[\^(\d+)\]", line)
        assert numbers, line
        assert any(f"“{words}”" in notes[n] for n in numbers)
    assert "2 hearings" in _section(text, "Summary")


def test_a_kind_narrowed_away_says_so(hearings_db: Path) -> None:
    reader = Reader(hearings_db)
    try:
        text = brief_markdown(reader, since="2026")
    finally:
        reader.close()
    assert "No hearings in this selection." in _section(text, "Other records")
    assert "no hearings" in _section(text, "Summary")


def test_a_kind_named_after_a_section_of_the_brief_is_written_within_it(
    tmp_path: Path, hearing_kind: kinds.KindSpec
) -> None:
    from dataclasses import replace

    kinds.register(replace(HEARING, brief_section="Other events"))
    reader = Reader(_build(tmp_path))
    try:
        text = brief_markdown(reader)
    finally:
        reader.close()
    events = _section(text, "Other events")
    assert "### Hearings" in events
    assert "First hearing on the coup case, heard before the Supreme Court." in events
    assert text.count("## Other events") == 1
