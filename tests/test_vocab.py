"""The vocabulary of a case that moves (issue 13, part 1), on the test case ``tests/cases/moving``:
verdicts per charge (convicted of another offence, acquitted), sentences imposed as parts (prison,
suspended, a ban, civil damages in soles, a projected end), appeals, a legal status that supersedes
custody, a scheduled reading, a sentenced person with no charge. And each of their bad values:
one line with file:line and the record id, exit 2, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dossier import build as builder
from dossier.queries import Reader
from tests.conftest import (
    TESTS,
    Cli,
    Project,
    assert_one_line_error,
    brief_of,
    screen_text,
    section,
    settle,
)

MOVING_ROOT = TESTS / "cases" / "moving"
MOVING_NAME = "tierra-orrego.toml"
MOVING_CASE = MOVING_ROOT / "data" / MOVING_NAME


@pytest.fixture(scope="module")
def moving_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("moving") / "tierra-orrego.db"
    builder.build(MOVING_CASE, out)
    return out


@pytest.fixture
def moving(tmp_path: Path) -> Project:
    root = tmp_path / "project"
    shutil.copytree(MOVING_ROOT, root, ignore=shutil.ignore_patterns("*.db", "*.db-*"))
    return Project(root, MOVING_NAME)


def _figures(db: Path) -> dict[str, str]:
    reader = Reader(db)
    try:
        return {f.label: f.value for f in reader.overview().figures}
    finally:
        reader.close()


def _detail(db: Path, rid: str) -> dict[str, str]:
    reader = Reader(db)
    try:
        found = reader.detail(rid)
        assert found is not None, rid
        return {f.label: f.value for f in found.fields} | {"title": found.title}
    finally:
        reader.close()


# ---------------------------------------------------------------------------------------------------
# It builds, and shows the state the second source reports


def test_the_moving_case_checks(cli: Cli) -> None:
    result = cli("check", "--data", MOVING_CASE)
    assert result.code == 0, result.err
    assert "2 sources" in result.out


def test_overview_says_each_verdict_and_the_offence_convicted_of(moving_db: Path) -> None:
    figures = _figures(moving_db)
    assert figures["Julián Orrego: charges"] == (
        "Rebellion (convicted of conspiracy to commit rebellion on 27 November 2025)"
    )
    quiroga = figures["Marta Quiroga: charges"]
    assert "Rebellion (convicted of conspiracy to commit rebellion" in quiroga
    assert "Abuse of authority (acquitted on 27 November 2025)" in quiroga


def test_overview_says_a_ban_as_a_ban_and_a_projected_end_as_projected(moving_db: Path) -> None:
    imposed = _figures(moving_db)["Julián Orrego: sentence imposed"]
    assert imposed.startswith("11 years, 5 months and 15 days in prison")
    assert "projected to end 12 May 2037, not a fact" in imposed
    assert "disqualification for 2 years (from holding public office)" in imposed
    assert "2 years in prison" not in imposed  # the ban is no second prison term
    assert "civil damages of PEN 12,000,000" in imposed
    suspended = _figures(moving_db)["Marta Quiroga: sentence imposed"]
    assert suspended.startswith("4 years in prison, suspended")


def test_a_later_legal_status_supersedes_custody_in_the_overview(moving_db: Path) -> None:
    figures = _figures(moving_db)
    assert "Marta Quiroga: custody" not in figures  # no more "released on bail since September"
    legal = figures["Marta Quiroga: legal status"]
    assert legal.startswith("capture ordered in Costanera and abroad since 27 November 2025")
    assert "sheltering in embassy (the embassy of Valdemora in Puerto Alba)" in legal
    # Orrego's custody is not superseded by anything.
    assert figures["Julián Orrego: custody"] == "preventive detention since December 2023"


def test_a_sentenced_person_with_no_charge_is_a_defendant(moving_db: Path) -> None:
    figures = _figures(moving_db)
    assert figures["Tomás Bellido: charges"] == "no charge in the dossier"
    assert figures["Tomás Bellido: sentence imposed"].startswith("6 years in prison")


def test_detail_gives_each_step_its_words_and_each_part_its_line(moving_db: Path) -> None:
    charge = _detail(moving_db, "quiroga-abuse")
    assert charge["Verdict"] == "acquitted — 27 November 2025"
    assert (
        "acquitted — 27 November 2025 — “The court acquitted former interior minister Marta "
        "Quiroga of abuse of authority”" in charge["History"]
    )
    conviction = _detail(moving_db, "orrego-rebellion")["Verdict"]
    assert conviction.startswith("convicted of conspiracy to commit rebellion (charged: Rebellion)")
    sentence = _detail(moving_db, "orrego-sentence")
    assert sentence["Part 1"].startswith(
        "11 years, 5 months and 15 days in prison — projected to end 12 May 2037, not a fact"
    )
    assert sentence["Part 2"].startswith("disqualification for 2 years")
    assert sentence["Part 3"].startswith("civil damages of PEN 12,000,000")


def test_a_reading_after_its_source_is_scheduled_and_the_verdict_is_not(moving_db: Path) -> None:
    reading = _detail(moving_db, "full-ruling-reading")
    assert reading["title"] == "The full ruling is read (scheduled)"
    assert reading["Scheduled"].startswith("announced for a date after its source")
    verdict = _detail(
        moving_db, "verdict-delivered"
    )  # announced by one source, reported by the next
    assert verdict["title"] == "The Special Criminal Chamber delivers its verdict"
    assert "Scheduled" not in verdict


def test_appeal_and_legal_status_are_records_of_their_own(moving_db: Path) -> None:
    appeal = _detail(moving_db, "orrego-appeal")
    assert appeal["title"] == (
        "Julián Orrego — appeal filed against the conviction (Rebellion) and the sentence"
    )
    capture = _detail(moving_db, "quiroga-capture-ordered")
    assert capture["Where"] == "in Costanera and abroad"


def test_timeline_says_the_conviction_and_the_scheduled_reading(moving_db: Path) -> None:
    reader = Reader(moving_db)
    try:
        rows = reader.page("overview", 0, 100)
    finally:
        reader.close()
    texts = [" | ".join(r.cells) for r in rows]
    assert any(
        "Julián Orrego convicted of conspiracy to commit rebellion (charged: Rebellion)" in t
        for t in texts
    ), texts
    assert any("Scheduled: The full ruling is read" in t and "scheduled" in t for t in texts)
    assert any("Marta Quiroga: capture ordered in Costanera and abroad" in t for t in texts)


def test_brief_says_verdicts_parts_legal_status_and_schedule(moving_db: Path) -> None:
    text = brief_of(moving_db)
    summary = section(text, "Summary")
    assert "3 defendants" in summary
    assert "**Tomás Bellido**" in summary
    assert "Custody: released on bail" not in summary
    assert "Legal status: capture ordered in Costanera and abroad" in summary
    charges = section(text, "Charges")
    assert "convicted of conspiracy to commit rebellion, 27 November 2025" in charges
    assert "appeal filed against the conviction (Rebellion)" in charges
    assert "disqualification for 2 years (from holding public office)" in section(text, "Sentences")
    assert "The full ruling is read (scheduled)" in section(text, "Other events")


async def test_overview_and_detail_at_80_by_24_show_the_moving_state(moving_db: Path) -> None:
    from dossier.ui.app import DossierApp

    app = DossierApp(moving_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "as of 28 November 2025" in text
        assert "convicted of conspiracy to commit rebellion" in text
        assert "released on bail since" not in text
        await pilot.press("3")  # Charges: Marta Quiroga's acquittal, its words in the detail
        for _ in range(3):
            await pilot.press("down")
        await settle(pilot)
        text = screen_text(app)
        assert "acquitted on 27 November 2025" in text
        assert "Verdict      acquitted — 27 November 2025" in text
        assert "“The court acquitted" in text


# ---------------------------------------------------------------------------------------------------
# Bad input: one line with file:line and record id, exit 2, nothing written

PARTS = """parts = [
  { penalty = "prison", term = "P4Y", suspended = true },"""


def _bad(cli: Cli, moving: Project, rid: str, *needles: str) -> None:
    out = moving.root / "out.db"
    for command in ("check", "build"):
        args = ["--out", out] if command == "build" else []
        assert_one_line_error(cli(command, "--data", moving.case, *args), rid, *needles)
    assert not out.exists()


def test_amount_without_currency(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        'amount = 12000000, currency = "PEN", description = "jointly with Julián',
        'amount = 12000000, description = "jointly with Julián',
    )
    line = moving.line_of('{ penalty = "civil damages", amount = 12000000, description')
    _bad(cli, moving, "'quiroga-sentence'", f":{line}:", "has no currency", "ISO 4217")


def test_unknown_currency(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        'currency = "PEN", description = "jointly with Julián',
        'currency = "PEM", description = "jointly with Julián',
    )
    _bad(cli, moving, "'quiroga-sentence'", "'PEM' is not an ISO 4217 code", "did you mean 'PEN'")


def test_disqualification_with_no_term(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        '{ penalty = "disqualification", term = "P2Y", ', '{ penalty = "disqualification", '
    )
    line = moving.line_of('{ penalty = "disqualification"')  # the part's own line
    _bad(cli, moving, "'orrego-sentence'", f":{line}:", "a disqualification needs a term")


def test_verdict_for_a_charge_of_another_defendant(cli: Cli, moving: Project) -> None:
    moving.edit_case('charge = "quiroga-rebellion"\ndate', 'charge = "orrego-rebellion"\ndate')
    _bad(
        cli,
        moving,
        "'quiroga-sentence'",
        "charge 'orrego-rebellion' is Julián Orrego's, not Marta Quiroga's",
        "another defendant",
    )


def test_appeal_of_a_verdict_that_does_not_exist(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        'charge = "orrego-rebellion"\nsentence = "orrego-sentence"',
        'charge = "quiroga-abuse-x"\nsentence = "orrego-sentence"',
    )
    _bad(cli, moving, "'orrego-appeal'", "unknown id 'quiroga-abuse-x'")


def test_appeal_of_a_charge_with_no_verdict(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        '  { status = "acquitted", date = "2025-11-27", evidence = [{ quote = "The court acquitted',
        '  { status = "on trial", date = "2025-11-27", evidence = [{ quote = "The court acquitted',
    )
    moving.edit_case(
        'charge = "orrego-rebellion"\nsentence = "orrego-sentence"',
        'charge = "quiroga-abuse"',
    )
    _bad(cli, moving, "'orrego-appeal'", "appeal of a verdict that does not exist", "quiroga-abuse")


def test_scheduled_event_dated_before_its_source(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        'scheduled = true\ndate = "2025-12-04"', 'scheduled = true\ndate = "2025-11-20"'
    )
    line = moving.line_of('date = "2025-11-20"')
    _bad(
        cli,
        moving,
        "'full-ruling-reading'",
        f":{line}:",
        "before its source 'tribunal-condena-2025-11-28' was published",
    )


def test_mistyped_status_gets_a_did_you_mean(cli: Cli, moving: Project) -> None:
    moving.edit_case('{ status = "acquitted"', '{ status = "aquitted"')
    _bad(cli, moving, "'quiroga-abuse'", "'aquitted'", "did you mean 'acquitted'")


def test_offence_on_a_step_that_is_no_conviction(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        '{ status = "acquitted", date = "2025-11-27"',
        '{ status = "acquitted", offence = "abuse", date = "2025-11-27"',
    )
    line = moving.line_of('{ status = "acquitted", offence')
    _bad(cli, moving, "'quiroga-abuse'", f":{line}:", "only a conviction names the offence")


def test_unknown_field_in_a_part(cli: Cli, moving: Project) -> None:
    moving.edit_case(PARTS, PARTS.replace("suspended = true", "suspend = true"))
    _bad(cli, moving, "'quiroga-sentence'", "unknown field 'suspend'", "did you mean 'suspended'")


def test_amount_must_be_a_whole_number(cli: Cli, moving: Project) -> None:
    moving.edit_case(
        'amount = 12000000, currency = "PEN", description = "jointly with Julián',
        'amount = "12 million", currency = "PEN", description = "jointly with Julián',
    )
    _bad(cli, moving, "'quiroga-sentence'", "must be a whole number")


def test_a_sentence_needs_a_term_or_parts(cli: Cli, moving: Project) -> None:
    moving.edit_case('parts = [{ penalty = "prison", term = "P6Y" }]\n', "")
    _bad(cli, moving, "'bellido-sentence'", "missing required field 'term'")


def test_appeal_outcome_only_when_decided(cli: Cli, moving: Project) -> None:
    moving.edit_case('status = "filed"', 'status = "filed"\noutcome = "upheld"')
    _bad(cli, moving, "'orrego-appeal'", "has no outcome yet")


def test_timeline_chart_draws_legal_status_as_spans_and_names_the_conviction(
    moving_db: Path,
) -> None:
    import sqlite3

    from dossier.queries import timeline_items

    conn = sqlite3.connect(moving_db)
    try:
        items = timeline_items(conn)
    finally:
        conn.close()
    legal = [i for i in items if i.kind == "legal status"]
    assert {(i.label, i.start, i.span) for i in legal} == {
        ("sheltering in embassy", "2025-11-03", True),
        ("capture ordered", "2025-11-27", True),
    }
    labels = {i.label for i in items if i.lane == "julian-orrego"}
    assert "convicted of conspiracy to commit rebellion" in labels
    assert "11 years, 5 months and 15 days in prison and 2 more imposed" in labels


def test_overview_lists_the_appeal_and_what_is_scheduled(moving_db: Path) -> None:
    figures = _figures(moving_db)
    assert figures["Julián Orrego: appeal"] == (
        "appeal filed against the conviction (Rebellion) and the sentence"
    )
    assert figures["Scheduled: hearing"] == "The full ruling is read — 4 December 2025"


def test_wanted_abroad_and_extradition_requested_are_legal_statuses(
    cli: Cli, moving: Project
) -> None:
    text = moving.case_text()
    more = """
[[legal_status]]
id = "quiroga-wanted-abroad"
person = "marta-quiroga"
status = "wanted abroad"
by = "special-chamber"
start = "2025-11-28"
source = "tribunal-condena-2025-11-28"
evidence = ["The judges ordered Quiroga's capture in Costanera and abroad."]

[[legal_status]]
id = "quiroga-extradition"
person = "marta-quiroga"
status = "extradition requested"
state = "valdemora"
source = "tribunal-condena-2025-11-28"
evidence = ["The judges ordered Quiroga's capture in Costanera and abroad."]
"""
    moving.write_case(text + more)
    out = moving.root / "data" / "out.db"
    result = cli("build", "--data", moving.case, "--out", out)
    assert result.code == 0, result.err
    legal = _figures(out)["Marta Quiroga: legal status"]
    assert legal.startswith("wanted abroad since 28 November 2025; capture ordered")
    assert "extradition requested" in legal
    assert _detail(out, "quiroga-extradition")["title"] == ("Marta Quiroga — extradition requested")


# ---------------------------------------------------------------------------------------------------
# As of each source (with the asof helper's snapshots)


def _as_of(spec: str, tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    from dossier import asof, casefile
    from dossier.queries import read_opening
    from dossier.store import validate

    case = casefile.load(MOVING_CASE)
    know = asof.Knowledge(case)
    snap = asof.build_snapshot(case, asof.resolve(spec, know.points), tmp_path, know)
    reader = Reader(snap, meta=validate(snap))
    try:
        figures = {f.label: f.value for f in read_opening(reader).overview.figures}
        verdict = reader.detail("verdict-delivered")
        assert verdict is not None
        return figures, {"title": verdict.title}
    finally:
        reader.close()


def test_as_of_the_first_source_the_verdict_is_scheduled_and_she_is_on_bail(
    tmp_path: Path,
) -> None:
    figures, verdict = _as_of("court-to-rule-2025-10-02", tmp_path)
    assert verdict["title"] == "The Special Criminal Chamber delivers its verdict (scheduled)"
    assert figures["Marta Quiroga: custody"] == "released on bail since September 2025"
    assert "Marta Quiroga: legal status" not in figures
    assert "Tomás Bellido: charges" not in figures  # sentenced only in the second source
    assert figures["Scheduled: verdict"] == (
        "The Special Criminal Chamber delivers its verdict — 27 November 2025"
    )


def test_as_of_the_second_source_the_verdict_is_past_and_capture_is_ordered(
    tmp_path: Path,
) -> None:
    figures, verdict = _as_of("tribunal-condena-2025-11-28", tmp_path)
    assert verdict["title"] == "The Special Criminal Chamber delivers its verdict"
    assert "Marta Quiroga: custody" not in figures
    assert figures["Marta Quiroga: legal status"].startswith("capture ordered")
    assert figures["Scheduled: hearing"].startswith("The full ruling is read")
