"""Authoring a case: ``dossier source add``, ``dossier cite``, ``dossier schema``, and the checker's
help — "did you mean", the fields allowed, the line of a history step, a span looked for in every
source. End to end through the console script, on the small test case."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tomllib
from pathlib import Path
from typing import ClassVar

import pytest

from dossier import authoring, casedoc, deferred, kinds, sources
from dossier.casefile import Record, choice, ref
from dossier.dates import PartialDate
from dossier.evidence import locate
from dossier.store import PROJECT_ROOT
from tests.conftest import Cli, Project, assert_one_line_error

ARTICLE = (
    "Corima court convicts Ibarra of conspiracy\r\n"
    "\r\n"
    "Published November 28, 2025\r\n"
    "\r\n"
    "A court in Corima on Thursday convicted former President Mateo Ibarra of conspiracy to "
    "commit rebellion, acquitting him of abuse of power. Ibarra was sentenced to 11 years in "
    "prison.\r\n"
    "Nora Méndez, who remains at the Veracian embassy, was sentenced in absentia.\r\n"
    "The court said the “full ruling” will be read on December 4."  # no final line end
)
TITLE = "Corima court convicts Ibarra of conspiracy"
NEW_ID = "corima-court-convicts-ibarra-of-conspiracy-2025-11-28"
OLD_ID = "andara-severs-relations-with-veracia-2025-11-04"


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "new-article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def _add(cli: Cli, project: Project, file: Path, *extra: str) -> tuple[int, str, str]:
    result = cli("source", "add", file, "--case", project.case, *extra)
    return result.code, result.out, result.err


def _added(cli: Cli, project: Project, article: Path) -> None:
    code, _, err = _add(
        cli, project, article, "--title", TITLE, "--published", "2025-11-28",
        "--retrieved", "2025-11-29", "--url", "https://example.org/corima",
    )  # fmt: skip
    assert code == 0, err


def _seeds(project: Project) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (project.root / "seeds").iterdir()}


# ---------------------------------------------------------------------------------------------------
# source add


def test_source_add_copies_the_file_and_appends_its_record(
    cli: Cli, small_project: Project, article: Path
) -> None:
    before = small_project.case.read_bytes()
    code, out, err = _add(
        cli, small_project, article, "--title", TITLE, "--published", "2025-11-28",
        "--retrieved", "2025-11-29", "--url", "https://example.org/corima",
    )  # fmt: skip
    assert code == 0, err
    assert f"added source '{NEW_ID}'" in out
    assert "dossier cite" in out and NEW_ID in out
    seed = (
        small_project.root / "seeds" / "2025-11-28_corima-court-convicts-ibarra-of-conspiracy.txt"
    )
    assert seed.read_bytes() == article.read_bytes()  # byte for byte: CRLF, no final line end
    after = small_project.case.read_bytes()
    assert after.startswith(before)  # the rest of the file is untouched
    record = tomllib.loads(after.decode())["sources"][-1]
    assert record["id"] == NEW_ID
    assert record["file"] == f"seeds/{seed.name}"
    assert record["sha256"] == hashlib.sha256(ARTICLE.encode()).hexdigest()
    assert record["published"] == "2025-11-28"
    assert record["retrieved"] == "2025-11-29"
    assert record["url"] == "https://example.org/corima"
    assert record["evidence"] == [TITLE]  # the text prints its title
    assert "title_editorial" not in record
    checked = cli("check", "--data", small_project.case)
    assert checked.code == 0, checked.err
    assert "2 sources" in checked.out


def test_a_partial_or_unknown_publication_date(
    cli: Cli, small_project: Project, article: Path, tmp_path: Path
) -> None:
    code, _, err = _add(
        cli, small_project, article, "--title", "A verdict", "--published", "2025-11"
    )
    assert code == 0, err
    assert (small_project.root / "seeds" / "2025-11_a-verdict.txt").exists()
    undated = tmp_path / "undated.txt"
    undated.write_text("A note that states no date.\n", encoding="utf-8")
    code, _, err = _add(
        cli, small_project, undated, "--title", "Undated", "--published", "unknown",
        "--retrieved", "2025-12-01",
    )  # fmt: skip
    assert code == 0, err
    records = tomllib.loads(small_project.case_text())["sources"]
    assert records[-2]["published"] == "2025-11"
    assert "published" not in records[-1] and records[-1]["retrieved"] == "2025-12-01"
    assert records[-1]["title_editorial"] is True  # "Undated" is not printed in it
    assert records[-1]["evidence"] == ["A note that states no date."]
    checked = cli("check", "--data", small_project.case)
    assert checked.code == 0, checked.err
    built = cli("build", "--data", small_project.case)
    assert built.code == 0, built.err


def _fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.txt"
    os.mkfifo(path)
    return path


BAD_FILES = {
    "missing": (lambda d: d / "nope.txt", "not found"),
    "directory": (lambda d: d, "is a directory"),
    "fifo": (_fifo, "FIFO"),
    "binary": (lambda d: _write(d / "b.txt", b"PK\x03\x04\x00\x00binary"), "binary"),
    "not utf-8": (lambda d: _write(d / "l.txt", "Ibarra, Méndez".encode("latin-1")), "not UTF-8"),
    "empty": (lambda d: _write(d / "e.txt", b"  \n"), "is empty"),
    "control": (
        lambda d: _write(d / "c.txt", b"one\ntwo \x1b[31m\n"),
        "c.txt:2: holds a control character (U+001B)",
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_a_bad_file_writes_nothing(
    cli: Cli, small_project: Project, tmp_path: Path, bad: str
) -> None:
    make, needle = BAD_FILES[bad]
    folder = tmp_path / "in"
    folder.mkdir()
    path = make(folder)
    before, seeds = small_project.case.read_bytes(), _seeds(small_project)
    result = cli("source", "add", path, "--case", small_project.case, "--title", "T",
                 "--published", "2025-11-28")  # fmt: skip
    assert_one_line_error(result, needle)
    assert small_project.case.read_bytes() == before
    assert _seeds(small_project) == seeds


def test_a_file_too_large_writes_nothing(
    cli: Cli, small_project: Project, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 100)
    before, seeds = small_project.case.read_bytes(), _seeds(small_project)
    result = cli("source", "add", article, "--case", small_project.case, "--title", "T",
                 "--published", "2025-11-28")  # fmt: skip
    assert_one_line_error(result, str(article), "more than the 100 allowed")
    assert small_project.case.read_bytes() == before
    assert _seeds(small_project) == seeds


@pytest.mark.parametrize(
    ("options", "needles"),
    [
        (("--published", "2025-13-01"), ("--published", "has no month 13")),
        (("--published", "28/11/2025"), ("--published", "not an ISO date")),
        (("--published", "2025-02-30"), ("--published", "not a day of the calendar")),
        (("--published", "2025-11-28", "--retrieved", "yesterday"), ("--retrieved",)),
        (("--published", "unknown"), ("give --retrieved",)),
        (("--published", "2025-11-28", "--id", "Not A Slug"), ("--id", "not a slug")),
        (("--published", "2025-11-28", "--id", "mateo-ibarra"), ("already an id",)),
        (("--published", "2025-11-28", "--language", "English"), ("--language",)),
        (("--published", "2025-11-28", "--url", "not a url"), ("--url",)),
    ],
)
def test_bad_options_write_nothing(
    cli: Cli, small_project: Project, article: Path, options: tuple[str, ...],
    needles: tuple[str, ...],
) -> None:  # fmt: skip
    before, seeds = small_project.case.read_bytes(), _seeds(small_project)
    result = cli("source", "add", article, "--case", small_project.case, "--title", TITLE, *options)
    assert_one_line_error(result, *needles)
    assert small_project.case.read_bytes() == before
    assert _seeds(small_project) == seeds


def test_a_source_already_added_is_refused(
    cli: Cli, small_project: Project, article: Path, tmp_path: Path
) -> None:
    existing = (
        small_project.root
        / "seeds"
        / ("2025-11-04_andara-severs-diplomatic-relations-with-veracia.txt")
    )
    copy = tmp_path / "copy.txt"
    copy.write_bytes(existing.read_bytes())
    before, seeds = small_project.case.read_bytes(), _seeds(small_project)
    result = cli("source", "add", copy, "--case", small_project.case, "--title", "Again",
                 "--published", "2025-11-04")  # fmt: skip
    line = small_project.line_of("[[sources]]")
    assert_one_line_error(result, "already added", repr(OLD_ID), f":{line}", "same sha256")
    _added(cli, small_project, article)
    after, seeds = small_project.case.read_bytes(), _seeds(small_project)
    again = cli("source", "add", article, "--case", small_project.case, "--title", TITLE,
                "--published", "2025-11-28")  # fmt: skip
    assert_one_line_error(again, "already added", repr(NEW_ID))
    assert small_project.case.read_bytes() == after and _seeds(small_project) == seeds
    assert before != after


def test_a_broken_case_file_is_named(cli: Cli, small_project: Project, article: Path) -> None:
    small_project.edit_case('id = "nora-mendez"', 'id = "nora-mendez')
    line = small_project.line_of('id = "nora-mendez')
    result = cli("source", "add", article, "--case", small_project.case, "--title", TITLE,
                 "--published", "2025-11-28")  # fmt: skip
    assert_one_line_error(result, f"{small_project.case_name}:{line}:", "malformed TOML")
    assert len(_seeds(small_project)) == 1


# ---------------------------------------------------------------------------------------------------
# cite


def test_cite_prints_an_entry_that_checks(cli: Cli, small_project: Project, article: Path) -> None:
    _added(cli, small_project, article)
    # Typed with other spacing, case and quote marks than the source prints.
    result = cli("cite", 'the  court said the "FULL ruling"', "--case", small_project.case)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"# {NEW_ID}, line 7"
    entry = lines[1]
    assert entry == f'{{ quote = "The court said the “full ruling”", source = "{NEW_ID}" }}'
    small_project.write_case(
        small_project.case_text()
        + f'\n[[events]]\nid = "ruling-reading"\ntype = "hearing"\ntitle = "Ruling read"\n'
        f"evidence = [{entry}]\n"
    )
    checked = cli("check", "--data", small_project.case)
    assert checked.code == 0, checked.err


def test_cite_makes_repeated_words_unique(cli: Cli, small_project: Project) -> None:
    result = cli("cite", "Ibarra", "--source", "andara", "--case", small_project.case)
    assert result.code == 0, result.err
    entries = [line for line in result.out.splitlines() if not line.startswith("#")]
    assert len(entries) > 5
    text = (
        small_project.root
        / "seeds"
        / "2025-11-04_andara-severs-diplomatic-relations-with-veracia.txt"
    ).read_text(encoding="utf-8")
    starts = set()
    for entry in entries:
        item = tomllib.loads(f"e = {entry}")["e"]
        assert item["source"] == OLD_ID  # a unique beginning of an id names it
        context = (item.get("prefix") or "") + (item.get("suffix") or "")
        assert context.strip(), entry  # the words occur more than once: context is needed
        assert any(c.isalnum() for c in context)  # a word, not a lone comma
        span = locate(text, item["quote"], item.get("prefix"), item.get("suffix"))
        starts.add(span.start)
    assert len(starts) == len(entries)  # each entry picks a different occurrence


def test_cite_once_per_source(cli: Cli, small_project: Project, article: Path) -> None:
    _added(cli, small_project, article)
    result = cli("cite", "former President Mateo Ibarra", "--case", small_project.case)
    assert result.code == 0, result.err
    sources_named = [line.split(",")[0] for line in result.out.splitlines() if line.startswith("#")]
    assert f"# {OLD_ID}" in sources_named and f"# {NEW_ID}" in sources_named


def test_cite_not_found_shows_the_closest_passage_of_each_source(
    cli: Cli, small_project: Project, article: Path
) -> None:
    _added(cli, small_project, article)
    result = cli("cite", "sentenced to 12 years in prison", "--case", small_project.case)
    assert result.code == 1
    assert "not found in 2 sources" in result.out
    assert f'# {NEW_ID}, line 5: "sentenced to 11 years in prison"' in result.out
    assert f"# {OLD_ID}, line" in result.out


def test_cite_bad_input(cli: Cli, small_project: Project) -> None:
    result = cli("cite", "Ibarra", "--source", "veracia", "--case", small_project.case)
    assert_one_line_error(result, "no source 'veracia'", OLD_ID)
    result = cli("cite", "Ibarra", "--source", "andara-severs", "--case", small_project.case)
    assert result.code == 0  # a unique beginning of an id will do
    assert_one_line_error(cli("cite", "  ", "--case", small_project.case), "give the words")
    missing = small_project.root / "data" / "missing.toml"
    assert_one_line_error(cli("cite", "Ibarra", "--case", missing), "case file not found")


# ---------------------------------------------------------------------------------------------------
# The checker's help


def test_a_mistyped_value_gets_a_did_you_mean(cli: Cli, small_project: Project) -> None:
    old = '{ status = "indicted", evidence = ["Mr. Mendez was also indicted."] }'
    small_project.edit_case(old, old.replace("indicted", "indictted", 1))
    line = small_project.line_of('status = "indictted"')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'mendez-coup-charges'",
        "status 'indictted' is not one of",
        "(did you mean 'indicted'?)",
    )


def test_a_mistyped_type_gets_a_did_you_mean(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('type = "embassy"', 'type = "embasy"')
    assert_one_line_error(cli("check", "--data", small_project.case), "did you mean 'embassy'")


def test_an_unknown_field_in_a_step_names_the_steps_line(cli: Cli, small_project: Project) -> None:
    old = '"The former president and Mendez were put on trial in March of this year"] },\n]'
    text = small_project.case_text()
    at = text.rindex(old)  # the second step of Méndez's charge
    small_project.write_case(
        text[:at] + old.replace("] },", '], sentense = "P3Y" },') + text[at + len(old) :]
    )
    line = small_project.line_of('sentense = "P3Y"')
    msg = assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'mendez-coup-charges'",
        "unknown field 'sentense'",
        "a history item takes: status, date, offence, evidence",
    )
    assert text.splitlines()[line - 2].startswith('  { status = "indicted"'), msg  # 2nd step


def test_a_span_missing_in_a_step_names_the_steps_line(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('["Mr. Mendez was also indicted."]', '["Mr. Mendez was indicted."]')
    line = small_project.line_of('"Mr. Mendez was indicted."')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        '"Mr. Mendez was indicted." is not in the source',
        'closest passage: "r. Mendez was also indic"',
    )


def test_an_unknown_field_lists_the_allowed_ones(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('offence = "Sedition"', 'offence = "Sedition"\npenalty = "P3Y"')
    line = small_project.line_of('penalty = "P3Y"')
    msg = assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "unknown field 'penalty'",
        "a [[charges]] takes: ",
    )
    assert "a [[charges]] takes: defendant, offence, alleges, plea, history, id, evidence" in msg


def test_an_unknown_reference_gets_a_did_you_mean(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('defendant = "nora-mendez"', 'defendant = "nora-mendes"')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        "unknown id 'nora-mendes'",
        "(did you mean 'nora-mendez'?)",
    )


def test_a_forgotten_source_is_found_in_the_other_source(
    cli: Cli, small_project: Project, article: Path
) -> None:
    _added(cli, small_project, article)
    small_project.write_case(
        small_project.case_text()
        + '\n[[events]]\nid = "verdict"\ntype = "verdict"\ntitle = "Ibarra convicted"\n'
        'evidence = ["convicted former President Mateo Ibarra of conspiracy"]\n'
    )
    line = small_project.line_of('evidence = ["convicted former President')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'verdict'",
        f"is not in that source; found verbatim in source '{NEW_ID}': add source = \"{NEW_ID}\"",
    )


def test_the_closest_passage_is_looked_for_in_every_source(
    cli: Cli, small_project: Project, article: Path
) -> None:
    _added(cli, small_project, article)
    small_project.write_case(
        small_project.case_text()
        + '\n[[events]]\nid = "verdict"\ntype = "verdict"\ntitle = "Ibarra convicted"\n'
        'evidence = ["Ibarra was sentenced to 12 years in prison."]\n'
    )
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f"closer in source '{NEW_ID}' (line 5): \"Ibarra was sentenced to 11 years in prison.\"",
    )


def test_item_lines_skip_strings_comments_and_nesting() -> None:
    text = (
        "history = [  # a comment with [ and {\n"
        '  { status = "a", note = "]},", evidence = [{ quote = "x" }] },\n'
        "  { status = '''b\n]\n''' },\n"
        '  "c", "d",\n'
        "]\n"
    )
    assert authoring.array_item_lines(text, 1) == [2, 3, 6, 6]
    assert authoring.array_item_lines('x = "not an array"\n', 1) == []


# ---------------------------------------------------------------------------------------------------
# schema


def test_schema_lists_every_kind_and_field(cli: Cli) -> None:
    result = cli("schema")
    assert result.code == 0, result.err
    out = result.out
    for spec in kinds.specs():
        assert f"[[{spec.record.TABLE}]]" in out
        for f in deferred.fields(spec.record):
            assert f"  {f.name} (" in out, (spec.kind, f.name)
            for value in f.metadata.get("choices", ()):
                assert value in " ".join(out.split())  # values may wrap
    assert "history items" in out
    assert "  status (one of the values, required)\n      one of: charged, indicted" in out
    assert max(len(line) for line in out.splitlines()) <= 80  # fits a terminal
    assert "retrieved (date, optional)" in out


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Appeal(Record):
    TABLE: ClassVar[str] = "test_appeals"
    KIND: ClassVar[str] = "test_appeal"

    stage: str = choice("filed", "pending", "decided")
    """Where the appeal stands."""
    appellant: str = ref("person")
    date: PartialDate | None = None


def test_schema_follows_the_registry(cli: Cli) -> None:
    kinds.register(
        kinds.KindSpec(
            kind="test_appeal", record=Appeal, label="Appeal", table="test_appeal",
            title=lambda r, ctx: "appeal", subtitle=lambda r, ctx: r.stage,
        )
    )  # fmt: skip
    try:
        out = cli("schema", "--format", "md").out
    finally:
        kinds.unregister("test_appeal")
    assert "#### `[[test_appeals]]`" in out
    assert (
        "| `stage` | one of the values | required | `filed`, `pending`, `decided` | Where the"
        in out
    )
    assert "| `appellant` | id (person) | required |" in out
    assert "| `date` | date | optional |" in out


def test_schema_bad_format(cli: Cli) -> None:
    assert_one_line_error(cli("schema", "--format", "pdf"), "--format", "'pdf'")


def test_the_readme_holds_the_current_reference() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    copy = casedoc.readme_section(readme)
    assert copy is not None, f"README.md lacks the markers {casedoc.START} … {casedoc.END}"
    assert copy == casedoc.markdown().strip("\n"), (
        "README.md's case-file reference is out of date: regenerate it with "
        "`uv run python -m dossier.casedoc README.md`, then read the diff"
    )


def test_a_steps_date_words_outside_its_spans_name_the_steps_line(
    cli: Cli, small_project: Project
) -> None:
    old = '{ status = "indicted", evidence = ["Mr. Mendez was also indicted."] }'
    new = (
        '{ status = "indicted", date = { value = "2025-11-03", text = "Monday", rule = "r" }, '
        'evidence = ["Mr. Mendez was also indicted."] }'
    )
    small_project.edit_case(old, new)
    line = small_project.line_of('text = "Monday", rule = "r"')
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        "'mendez-coup-charges'",
        "history text 'Monday' is not inside any of this record's evidence spans",
        'dossier cite "Monday"',
    )


def test_cite_across_a_line_break_gives_words_the_build_finds(
    cli: Cli, small_project: Project
) -> None:
    result = cli("cite", "November 4, 2025 Andara has severed", "--case", small_project.case)
    assert result.code == 0, result.err
    entry = result.out.splitlines()[1]
    assert entry == f'{{ quote = "November 4, 2025\\nAndara has severed", source = "{OLD_ID}" }}'
    small_project.write_case(
        small_project.case_text()
        + f'\n[[events]]\nid = "severed"\ntype = "rupture"\ntitle = "Severed"\n'
        f"evidence = [{entry}]\n"
    )
    checked = cli("check", "--data", small_project.case)
    assert checked.code == 0, checked.err


def test_cite_escapes_what_a_terminal_would_act_on() -> None:
    assert (
        authoring.toml_string('a "b" \\ \x1b[31m \u202e') == '"a \\"b\\" \\\\ \\u001B[31m \\u202E"'
    )
    escaped = authoring.toml_string("x\x1by")
    assert tomllib.loads("v = " + escaped)["v"] == "x\x1by"


def test_a_case_file_that_cannot_be_written_leaves_no_seed(
    cli: Cli, small_project: Project, article: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dossier import files
    from dossier.errors import DossierError

    real = files.write_atomic

    def failing(path: Path, data: str | bytes, *, force: bool = False) -> None:
        if path.suffix == ".toml":
            raise DossierError(f"{path}: cannot write (the disk is full)")
        real(path, data, force=force)

    monkeypatch.setattr(files, "write_atomic", failing)
    before, seeds = small_project.case.read_bytes(), _seeds(small_project)
    result = cli("source", "add", article, "--case", small_project.case, "--title", TITLE,
                 "--published", "2025-11-28")  # fmt: skip
    assert_one_line_error(result, "the disk is full")
    assert small_project.case.read_bytes() == before
    assert _seeds(small_project) == seeds


def test_a_source_with_neither_date_is_refused(cli: Cli, small_project: Project) -> None:
    small_project.edit_case('published = "2025-11-04"\n', "")
    line = small_project.line_of("[[sources]]")
    assert_one_line_error(
        cli("check", "--data", small_project.case),
        f":{line}:",
        f"[[sources]] '{OLD_ID}': a source needs published",
        "retrieved",
    )


def test_a_bad_sentence_part_names_the_parts_line(cli: Cli, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "moving"
    shutil.copytree(PROJECT_ROOT / "tests" / "cases" / "moving", root)
    moving = Project(root, "tierra-orrego.toml")
    moving.edit_case(
        'currency = "PEN", description = "jointly with Marta',
        'currency = "PNE", description = "jointly with Marta',
    )
    line = moving.line_of('currency = "PNE"')
    assert line > moving.line_of("parts = [") + 1  # the third part, not the parts = [ line
    assert_one_line_error(
        cli("check", "--data", moving.case),
        f":{line}:",
        "part 3 (civil damages): currency 'PNE' is not an ISO 4217 code",
    )
