"""The case as of a date or source, and what changed since (dossier.asof), on tests/cases/asof: two
invented sources, the second (published "2025-12", a month only) reporting a conviction, an
arrest that supersedes bail, and a new person (the judge)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier import asof, casefile
from dossier import build as builder
from dossier.dates import PartialDate
from dossier.errors import DossierError
from dossier.queries import Reader, read_opening
from dossier.store import validate
from dossier.ui.app import DossierApp
from tests.conftest import (
    TESTS,
    Cli,
    assert_one_line_error,
    record_notifications,
    screen_text,
    settle,
    wait_until,
)

ASOF_ROOT = TESTS / "cases" / "asof"
CASE = ASOF_ROOT / "data" / "sorel.toml"
GOLDEN_CHANGES = TESTS / "golden" / "asof-changes-since-source-1.md"
FIRST, SECOND = "sorel-on-trial", "sorel-convicted"


@pytest.fixture(scope="module")
def case() -> casefile.Case:
    return casefile.load(CASE)


@pytest.fixture
def asof_db(tmp_path: Path) -> Path:
    """A built copy of the case (the case file beside its database, as `dossier build` leaves it)."""
    root = tmp_path / "asof"
    shutil.copytree(ASOF_ROOT, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    db = root / "data" / "sorel.db"
    builder.build(root / "data" / "sorel.toml", db)
    return db


# ---------------------------------------------------------------------------------------------------
# Known from


def test_a_month_only_source_is_known_from_the_end_of_its_month() -> None:
    assert asof.known_key(PartialDate.parse("2025-12")) == "2025-12-31"
    assert asof.known_key(PartialDate.parse("2024-02")) == "2024-02-29"
    assert asof.known_key(PartialDate.parse("2025")) == "2025-12-31"
    assert asof.known_key(PartialDate.parse("2025-11-04")) == "2025-11-04"


def test_every_record_is_known_from_its_earliest_source(case: casefile.Case) -> None:
    known = asof.record_known(case)
    assert known["lina-sorel"] == "2025-11-04"
    assert known["sorel-embezzlement"] == "2025-11-04"  # its first step is in source 1
    assert known["tomas-arce"] == "2025-12-31"
    assert known["sorel-arrested"] == "2025-12-31"


def test_the_build_writes_known_from_in_the_record_table(asof_db: Path) -> None:
    import sqlite3

    with sqlite3.connect(asof_db) as conn:
        rows = dict(conn.execute("SELECT id, known FROM record"))
    assert rows["tomas-arce"] == "2025-12-31"
    assert rows["sorel-bail"] == "2025-11-04"


def test_resolve_takes_a_date_or_a_source_and_refuses_the_rest(case: casefile.Case) -> None:
    points = asof.Knowledge(case).points
    assert [p.source for p in points] == [FIRST, SECOND]
    assert asof.resolve(FIRST, points).moment.source == FIRST
    assert asof.resolve("2025-11-30", points).moment.source == FIRST
    assert asof.resolve("2025-12", points).moment.source == SECOND
    for bad, words in (
        ("2025-11-03", "before the first source"),
        ("2024", "before the first source"),
        ("no-such-source", "no source id"),
        ("2025-02-30", "not a day of the calendar"),
        ("2025-1", "not an ISO date"),
    ):
        with pytest.raises(DossierError, match=words):
            asof.resolve(bad, points)


# ---------------------------------------------------------------------------------------------------
# The case as of a source


def _opening(case: casefile.Case, spec: str, tmp_path: Path) -> tuple[dict[str, str], str, str]:
    know = asof.Knowledge(case)
    snap = asof.build_snapshot(case, asof.resolve(spec, know.points), tmp_path, know)
    opening = read_opening(Reader(snap, meta=validate(snap)))
    figures = {f.label: f.value for f in opening.overview.figures}
    return figures, opening.overview.header.as_of, opening.overview.header.summary


def test_as_of_the_first_source_the_charge_is_on_trial_and_she_is_on_bail(
    case: casefile.Case, tmp_path: Path
) -> None:
    figures, as_of, summary = _opening(case, FIRST, tmp_path)
    assert as_of == "4 November 2025"
    assert figures["Lina Sorel: charges"] == "Embezzlement (on trial)"
    assert figures["Lina Sorel: custody"] == "released on bail since September 2025"
    assert "convicted" not in summary  # the summary's second statement is of source 2


def test_as_of_the_second_source_she_is_convicted_and_arrested(
    case: casefile.Case, tmp_path: Path
) -> None:
    figures, as_of, summary = _opening(case, SECOND, tmp_path)
    assert as_of == "December 2025"
    assert figures["Lina Sorel: charges"].startswith("Embezzlement (convicted")
    assert figures["Lina Sorel: custody"].startswith("arrested since 2 December 2025")
    assert "convicted her" in summary


def test_restrict_leaves_out_records_and_steps_of_later_sources(case: casefile.Case) -> None:
    then = asof.restrict(case, "2025-11-04")
    ids = {r.id for r in then.records}
    assert "tomas-arce" not in ids and "sorel-verdict" not in ids and SECOND not in ids
    charge = next(r for r in then.records if r.id == "sorel-embezzlement")
    assert isinstance(charge, casefile.Charge)
    assert [s.status for s in charge.history] == ["on trial"]


# ---------------------------------------------------------------------------------------------------
# Changes since


def test_changes_since_source_1_are_exactly_the_new_facts(case: casefile.Case) -> None:
    know = asof.Knowledge(case)
    changes = asof.changes_since(case, asof.resolve(FIRST, know.points), know)
    got = {(c.what, c.record, c.source) for c in changes.items}
    assert got == {
        ("new", "tomas-arce", SECOND),
        ("new", "sorel-arrested", SECOND),
        ("new", "sorel-verdict", SECOND),
        ("changed", "sorel-embezzlement", SECOND),
        ("superseded", "sorel-embezzlement", SECOND),
        ("superseded", "sorel-bail", SECOND),
    }
    assert [m.source for m in changes.sources] == [SECOND]
    latest = asof.changes_since(case, asof.resolve(SECOND, know.points), know)
    assert latest.items == () and latest.sources == ()


def test_changes_since_brief_is_golden(cli: Cli, asof_db: Path, update_golden: bool) -> None:
    result = cli("export", "--db", asof_db, "--changes-since", FIRST)
    assert result.code == 0, result.err
    if update_golden:
        GOLDEN_CHANGES.write_text(result.out, encoding="utf-8")
    assert result.out == GOLDEN_CHANGES.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------------
# The command line


def test_export_as_of_writes_the_brief_as_it_stood(cli: Cli, asof_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "then.md"
    result = cli("export", "--db", asof_db, "--as-of", "2025-11-20", "--out", out)
    assert result.code == 0, result.err
    assert "as of 4 November 2025 — Sorel released on bail during her trial" in result.out
    text = out.read_text(encoding="utf-8")
    assert "Case brief as of 4 November 2025" in text
    assert "Tomas Arce" not in text and "convicted" not in text
    now = cli("export", "--db", asof_db).out
    assert "Tomas Arce" in now


def test_export_changes_since_as_html(cli: Cli, asof_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.html"
    result = cli("export", "--db", asof_db, "--changes-since", "2025-11", "--format", "html",
                 "--out", out)  # fmt: skip
    assert result.code == 0, result.err
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Tomas Arce" in html


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--as-of", "2025-11-03"), ("--as-of", "before the first source")),
        (("--changes-since", "2020"), ("--changes-since", "before the first source")),
        (("--as-of", "no-such-source"), ("no source id",)),
        (("--changes-since", "2025-13-01"), ("no month 13",)),
        (("--as-of", FIRST, "--changes-since", FIRST), ("give one or the other",)),
        (("--changes-since", FIRST, "--format", "ftm"), ("--format ftm",)),
        (("--changes-since", FIRST, "--pinned"), ("--pinned",)),
    ],
)
def test_bad_as_of_input_is_one_line_and_writes_nothing(
    cli: Cli, asof_db: Path, tmp_path: Path, args: tuple[str, ...], words: tuple[str, ...]
) -> None:
    out = tmp_path / "out.md"
    result = cli("export", "--db", asof_db, *args, "--out", out)
    assert_one_line_error(result, *words)
    assert not out.exists()


def test_an_edited_case_file_is_not_read_as_the_built_one(cli: Cli, asof_db: Path) -> None:
    case = asof_db.with_suffix(".toml")
    case.write_text(case.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert_one_line_error(cli("export", "--db", asof_db, "--as-of", FIRST), "rebuild it")


# ---------------------------------------------------------------------------------------------------
# Dated summary statements


def test_a_summary_statement_without_evidence_is_refused_at_its_line(tmp_path: Path) -> None:
    root = tmp_path / "asof"
    shutil.copytree(ASOF_ROOT, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    path = root / "data" / "sorel.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('evidence = ["who is on trial', 'proof = ["who', 1), "utf-8")
    with pytest.raises(DossierError, match=r"sorel\.toml:\d+: .*unknown field 'proof'"):
        casefile.load(path)


def test_a_free_text_summary_still_loads(case: casefile.Case) -> None:
    from tests.conftest import SMALL_CASE

    small = casefile.load(SMALL_CASE)
    assert small.info.statements == () and small.info.summary.startswith("Andara's")
    assert len(case.info.statements) == 2


# ---------------------------------------------------------------------------------------------------
# The app


def _first_line(app: DossierApp) -> str:
    return screen_text(app).splitlines()[0]


async def test_brackets_step_through_the_sources_at_80x24(asof_db: Path) -> None:
    app = DossierApp(asof_db)
    notices = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "as of December 2025" in _first_line(app)
        assert "convicted" in screen_text(app)

        await pilot.press("left_square_bracket")  # as of the newest source
        await settle(pilot)
        assert await wait_until(pilot, lambda: "— Sorel convicted" in _first_line(app))

        await pilot.press("left_square_bracket")  # as of the first source
        await settle(pilot)
        assert await wait_until(pilot, lambda: "— Sorel released" in _first_line(app))
        text = screen_text(app)
        assert "as of 4 November 2025" in text
        assert "Embezzlement (on trial)" in text
        assert "released on bail since Sep" in " ".join(text.split())  # the figures may wrap
        assert "convicted" not in text
        await pilot.press("2")  # the People pane as of then: no judge yet
        await settle(pilot)
        assert "Lina Sorel" in screen_text(app) and "Tomas Arce" not in screen_text(app)
        await pilot.press("1")
        await settle(pilot)

        await pilot.press("left_square_bracket")  # before any source: refused, nothing changes
        await settle(pilot)
        assert "— Sorel released" in _first_line(app)
        assert any("Nothing earlier" in n.message for n in notices)

        await pilot.press("right_square_bracket", "right_square_bracket")  # past the newest: now
        await settle(pilot)
        assert await wait_until(pilot, lambda: "— Sorel" not in _first_line(app))
        assert "as of December 2025" in _first_line(app)
        assert app.as_of is not None and app.as_of.index is None


async def test_c_lists_what_changed_since_the_date_shown(asof_db: Path) -> None:
    app = DossierApp(asof_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert await wait_until(pilot, lambda: "What changed since" in screen_text(app))
        text = screen_text(app)
        assert "Tomas Arce" in text
        assert "New (3)" in text and "Changed (1)" in text and "Superseded (2)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "What changed since" not in screen_text(app)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "asof"
    shutil.copytree(ASOF_ROOT, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    return root / "data" / "sorel.toml"


def test_check_says_when_the_summary_cites_nothing_of_the_newest_source(
    cli: Cli, tmp_path: Path
) -> None:
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    second = text[text.index("[[case.summary]]", text.index("[[case.summary]]") + 1) :]
    second = second[: second.index("[[sources]]")]
    path.write_text(text.replace(second, ""), encoding="utf-8")
    result = cli("check", "--data", path)
    assert result.code == 0, result.err
    assert "the case summary may be stale" in result.err and SECOND in result.err


def test_check_says_a_free_text_summary_of_several_sources_is_undated(
    cli: Cli, tmp_path: Path
) -> None:
    path = _copy(tmp_path)
    text = path.read_text(encoding="utf-8")
    start = text.index("[[case.summary]]")
    body = text[start : text.index("[[sources]]")]
    text = text.replace(body, "").replace(
        'default_source = "sorel-on-trial"',
        'default_source = "sorel-on-trial"\nsummary = "Lina Sorel is on trial."',
    )
    path.write_text(text, encoding="utf-8")
    result = cli("check", "--data", path)
    assert result.code == 0, result.err
    assert "free text, dated by nothing" in result.err
    assert casefile.load(path).info.summary == "Lina Sorel is on trial."


async def test_a_one_source_case_steps_to_its_source_and_no_further(small_db: Path) -> None:
    """As of the newest (here the only) source is the dossier itself: no case file is read."""
    app = DossierApp(small_db)
    notices = record_notifications(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # now: what the newest source added to the one before — none
        await settle(pilot)
        assert any("one source" in n.message for n in notices)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert await wait_until(pilot, lambda: "— Andara severs" in _first_line(app))
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert any("is the earliest source" in n.message for n in notices)
        await pilot.press("c")  # since the only source: nothing
        await settle(pilot)
        assert await wait_until(pilot, lambda: "No source was published since" in screen_text(app))


# ---------------------------------------------------------------------------------------------------
# The moving case (tests/cases/moving, the vocab helper's): a verdict announced, then reported

MOVING = TESTS / "cases" / "moving" / "data" / "tierra-orrego.toml"
ANNOUNCED, REPORTED = "court-to-rule-2025-10-02", "tribunal-condena-2025-11-28"


@pytest.fixture(scope="module")
def moving() -> casefile.Case:
    return casefile.load(MOVING)


def test_moving_case_as_of_the_announcement(moving: casefile.Case, tmp_path: Path) -> None:
    figures, as_of, _ = _opening(moving, ANNOUNCED, tmp_path)
    assert as_of == "2 October 2025"
    assert figures["Julián Orrego: charges"].startswith("Rebellion (charged")
    assert (
        figures["Marta Quiroga: charges"] == "Rebellion (on trial); Abuse of authority (on trial)"
    )
    assert figures["Marta Quiroga: custody"] == "released on bail since September 2025"
    assert figures["Scheduled: verdict"].startswith("The Special Criminal Chamber delivers")
    for gone in ("sentence imposed", "legal status", "appeal"):
        assert not any(gone in label for label in figures), gone
    assert not any(label.startswith("Tomás Bellido") for label in figures)


def test_moving_case_as_of_the_verdict(moving: casefile.Case, tmp_path: Path) -> None:
    figures, as_of, _ = _opening(moving, REPORTED, tmp_path)
    assert as_of == "28 November 2025"
    assert "convicted of conspiracy to commit rebellion" in figures["Julián Orrego: charges"]
    assert "acquitted" in figures["Marta Quiroga: charges"]
    assert "capture ordered" in figures["Marta Quiroga: legal status"]
    assert "Scheduled: verdict" not in figures
    assert figures["Scheduled: hearing"].startswith("The full ruling is read")


def test_moving_case_changes_since_the_announcement_are_exactly_the_new_facts(
    moving: casefile.Case,
) -> None:
    know = asof.Knowledge(moving)
    changes = asof.changes_since(moving, asof.resolve(ANNOUNCED, know.points), know)
    assert {c.source for c in changes.items} == {REPORTED}
    assert sorted(c.record for c in changes.of("new")) == sorted(
        [
            "tomas-bellido", "ivan-salcedo", "valdemora", "valdemora-embassy",
            "salcedo-lawyer-of-orrego", "orrego-sentence", "quiroga-sentence", "bellido-sentence",
            "orrego-appeal", "quiroga-in-embassy", "quiroga-capture-ordered",
            "full-ruling-reading",
        ]
    )  # fmt: skip
    changed = {(c.record, c.text) for c in changes.of("changed")}
    assert changed == {
        ("orrego-rebellion", "new step: convicted (27 November 2025)"),
        ("quiroga-rebellion", "new step: convicted (27 November 2025)"),
        ("quiroga-abuse", "new step: acquitted (27 November 2025)"),
        ("verdict-delivered", "no longer scheduled: took place (27 November 2025)"),
    }
    superseded = {(c.record, c.text) for c in changes.of("superseded")}
    assert superseded == {
        ("orrego-rebellion", "status charged → now convicted (27 November 2025)"),
        ("quiroga-rebellion", "status on trial → now convicted (27 November 2025)"),
        ("quiroga-abuse", "status on trial → now acquitted (27 November 2025)"),
        (
            "quiroga-bail",
            "superseded by sheltering in embassy (3 November 2025); "
            "capture ordered (27 November 2025)",
        ),
    }
