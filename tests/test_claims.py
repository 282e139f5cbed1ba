"""Who says so: a party's claim is never shown as the source's own fact.

Built on a small case of its own (a minister says a neighbour granted asylum; the neighbour makes no
comment; the source itself reports an expulsion): a record whose evidence lies inside the minister's
quote is his claim, everywhere it is shown; a record outside it is the source's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier import build as builder
from dossier import casefile
from dossier.queries import Reader
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

SOURCE = (
    "Published March 4, 2025\n"
    "Ruritania has expelled the ambassador of Freedonia.\n"
    "“Freedonia has granted asylum to the rebel leader Ana Ruiz,” Minister Bo Lind said on Monday.\n"
    "There was no comment from Freedonia.\n"
    "Ana Ruiz is charged with rebellion.\n"
)

CASE = """format = 1

[case]
id = "small"
title = "A small case"
summary = "A minister's claim and a fact."
default_source = "report"

[[sources]]
id = "report"
file = "seeds/report.txt"
title = "Report"
published = "2025-03-04"
language = "en"
sha256 = "{sha}"
evidence = ["Published March 4, 2025"]

[[people]]
id = "ana-ruiz"
name = "Ana Ruiz"
editorial_aliases = ["Ana Ruíz"]
evidence = ["Ana Ruiz is charged"]

[[people]]
id = "bo-lind"
name = "Bo Lind"
evidence = ["Minister Bo Lind"]

[[organizations]]
id = "ruritania"
name = "Ruritania"
type = "state"
evidence = ["Ruritania has expelled"]

[[organizations]]
id = "freedonia"
name = "Freedonia"
type = "state"
evidence = ["There was no comment from Freedonia."]

[[charges]]
id = "ruiz-rebellion"
defendant = "ana-ruiz"
offence = "Rebellion"
evidence = ["Ana Ruiz is charged with rebellion."]
history = [{{ status = "charged", evidence = ["is charged with rebellion"] }}]

[[asylum]]
id = "ruiz-asylum"
type = "granted"
person = "ana-ruiz"
state = "freedonia"
date = {{ value = "2025-03-03", rule = "the day the minister said so, the Monday before publication" }}
evidence = ["has granted asylum to the rebel leader Ana Ruiz", "said on Monday"]
{asylum_extra}

[[diplomatic]]
id = "expulsion"
type = "ambassador expelled"
actor = "ruritania"
counterpart = "freedonia"
date = "2025-03"
evidence = ["Ruritania has expelled the ambassador of Freedonia."]

[[events]]
id = "no-comment"
type = "no comment"
title = "Freedonia: no comment"
participants = ["freedonia"]
responds_to = "ruiz-asylum"
evidence = ["There was no comment from Freedonia."]

[[quotes]]
id = "lind-asylum"
kind = "direct"
speakers = ["bo-lind"]
date = {{ value = "2025-03-03", text = "on Monday", rule = "the Monday before publication" }}
text = "Freedonia has granted asylum to the rebel leader Ana Ruiz"
evidence = ["Minister Bo Lind said on Monday"]
"""


def write_case(root: Path, asylum_extra: str = "", source: str = SOURCE) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "seeds").mkdir(exist_ok=True)
    (root / "seeds" / "report.txt").write_text(source, encoding="utf-8")
    sha = hashlib.sha256(source.encode()).hexdigest()
    path = root / "data" / "small.toml"
    path.write_text(CASE.format(sha=sha, asylum_extra=asylum_extra), encoding="utf-8")
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """The small case, built."""
    case = write_case(tmp_path / "p")
    db = tmp_path / "p" / "data" / "small.db"
    builder.build(case, db)
    return db


# ---------------------------------------------------------------------------------------------------
# Automatic attribution.


def test_a_fact_inside_a_quote_is_the_speakers_and_one_outside_is_the_sources(
    tmp_path: Path,
) -> None:
    # The asylum record's first span is inside the minister's words; its second ("said on
    # Monday") is not: every span must be inside for the claim to be his. Cite only his words.
    path = write_case(tmp_path / "p")
    by_id = casefile.load(path).by_id()
    assert by_id["ruiz-asylum"].according_to is None  # "said on Monday" is the source's own
    assert by_id["expulsion"].according_to is None

    case = casefile.load(only_his_words(tmp_path / "q"))
    asylum = case.by_id()["ruiz-asylum"]
    assert asylum.according_to == "bo-lind"
    assert asylum.via == "lind-asylum"
    assert asylum.assertion == "states"
    assert case.by_id()["expulsion"].according_to is None
    # A person named inside the quote is not thereby the minister's claim.
    assert case.by_id()["freedonia"].according_to is None


def only_his_words(root: Path, extra: str = "") -> Path:
    path = write_case(root, extra)
    text = path.read_text(encoding="utf-8").replace(', "said on Monday"]', "]")
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def claimed(tmp_path: Path) -> Path:
    """The small case in which the asylum rests on the minister's words alone, built."""
    db = tmp_path / "c.db"
    builder.build(only_his_words(tmp_path / "p"), db)
    return db


def test_the_case_file_can_attribute_explicitly(tmp_path: Path) -> None:
    path = write_case(tmp_path / "p", 'according_to = "freedonia"\nassertion = "confirms"')
    asylum = casefile.load(path).by_id()["ruiz-asylum"]
    assert (asylum.according_to, asylum.assertion, asylum.via) == ("freedonia", "confirms", None)


# ---------------------------------------------------------------------------------------------------
# Bad input: one line, file:line and record id, exit 2.


@pytest.mark.parametrize(
    ("extra", "needles"),
    [
        ('according_to = "nobody"', ["according_to refers to unknown id 'nobody'"]),
        ('assertion = "insinuates"', ["assertion 'insinuates' is not one of"]),
        ("source_voice = true", ["source's own voice", "'lind-asylum'"]),
        ('inferred = { colour = "x" }', ["'colour' is not a field"]),
    ],
)
def test_bad_attribution_is_one_line(
    cli: Cli, tmp_path: Path, extra: str, needles: list[str]
) -> None:
    path = only_his_words(tmp_path / "p", extra)
    key = extra.split(" ")[0]
    text = path.read_text(encoding="utf-8")
    line = text[: text.index(key + " =")].count("\n") + 1
    result = cli("check", "--data", path)
    assert result.code == 2, (result.out, result.err)
    (message,) = result.err.strip().splitlines()
    assert f"{path}:{line}:" in message or f"small.toml:{line}:" in message, message
    assert "'ruiz-asylum'" in message
    for needle in needles:
        assert needle in message, message


def test_source_voice_is_fine_outside_quotes(cli: Cli, tmp_path: Path) -> None:
    path = write_case(tmp_path / "p", "source_voice = true")
    assert cli("check", "--data", path).code == 0


# ---------------------------------------------------------------------------------------------------
# Everywhere the fact is shown.


def test_table_cell_says_whose_claim(claimed: Path) -> None:
    reader = Reader(claimed)
    rows = {r.record: r.cells for r in reader.page("asylum", 0, 10)}
    assert rows["ruiz-asylum"][1] == "asylum granted — according to Bo Lind"
    assert "according to" not in " ".join(rows["expulsion"])


def test_timeline_says_whose_claim(claimed: Path) -> None:
    rows = {r.record: r.cells for r in Reader(claimed).page("overview", 0, 50)}
    assert rows["ruiz-asylum"][1].endswith("— according to Bo Lind")
    assert "according to" not in rows["expulsion"][1]


def test_overview_key_figure_says_whose_claim_and_the_other_side(claimed: Path) -> None:
    figures = {f.label: f.value for f in Reader(claimed).overview().figures}
    assert figures["Ana Ruiz: asylum"] == (
        "asylum granted (Freedonia), 3 March 2025 — according to Bo Lind (3 Mar 2025); "
        "Freedonia: no comment"
    )
    # A charge with no later step says so instead of implying it stopped there.
    assert "no later status in the source" in figures["Ana Ruiz: charges"]


def test_detail_says_who_says_so_and_links_the_words(claimed: Path) -> None:
    detail = Reader(claimed).detail("ruiz-asylum")
    assert detail is not None
    fields = {f.label: f.value for f in detail.fields}
    assert fields["Who says so"].startswith("according to Bo Lind (3 Mar 2025)")
    assert "Freedonia: no comment" in fields["Who says so"]
    groups = {g.label: [link.record for link in g.links] for g in detail.links}
    assert groups["According to"] == ["bo-lind"]
    assert groups["In the words of"] == ["lind-asylum"]
    assert groups["Answered by"] == ["no-comment"]
    assert detail.title == "Ana Ruiz — asylum granted (Freedonia) — according to Bo Lind"

    expulsion = Reader(claimed).detail("expulsion")
    assert expulsion is not None
    assert {f.label: f.value for f in expulsion.fields}["Who says so"] == (
        "the source, in its own voice"
    )


def test_palette_results_say_whose_claim(claimed: Path) -> None:
    hits = Reader(claimed).find_records("asylum")
    titles = [h.title for h in hits if h.id == "ruiz-asylum"]
    assert titles == ["Ana Ruiz — asylum granted (Freedonia) — according to Bo Lind"]


def test_cli_lists_a_pinned_claim_with_whose_it_is(cli: Cli, claimed: Path) -> None:
    assert cli("pins", "add", "ruiz-asylum", "--db", claimed).code == 0
    listed = cli("pins", "list", "--db", claimed)
    assert "asylum granted (Freedonia) — according to Bo Lind" in listed.out


def test_inferred_fields_carry_their_rule(tmp_path: Path) -> None:
    path = write_case(tmp_path / "p", 'inferred = { embassy = "the source names no embassy" }')
    db = tmp_path / "i.db"
    builder.build(path, db)
    detail = Reader(db).detail("ruiz-asylum")
    assert detail is not None
    fields = {f.label: f.value for f in detail.fields}
    assert fields["Embassy: inferred"] == "not stated by the source; the source names no embassy"


def test_people_pane_marks_spellings_not_in_the_source(claimed: Path) -> None:
    rows = {r.record: r.cells for r in Reader(claimed).page("people", 0, 10)}
    assert rows["ana-ruiz"][3] == "Ana Ruíz (usual spelling, not in the source)"


def test_brief_attributes_the_claim(claimed: Path) -> None:
    from tests.test_brief import brief_of

    text = brief_of(claimed)
    assert "according to Bo Lind" in text
    line = next(x for x in text.splitlines() if "asylum granted" in x)
    assert "according to Bo Lind" in line, line


def test_search_results_say_whose_words(claimed: Path) -> None:
    from dossier.search import Searcher
    from dossier.ui.screens.search import result_text

    with Searcher(claimed) as searcher:
        (hit,) = searcher.search("asylum").hits
    shown = result_text(hit)[0]
    assert shown.startswith("according to Bo Lind · 3 March 2025"), shown
    assert "granted asylum" in shown


async def test_app_asylum_pane_and_overview_say_whose_claim(bundled_db: Path) -> None:
    from dossier.ui.app import DossierApp
    from tests.test_app import screen_text, settle

    app = DossierApp(bundled_db)
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        overview = screen_text(app)
        # The timeline row is cut after the claimant's first words at 160 columns (its Kind column
        # shows kinds whole); the key figures above it give the whole attribution.
        assert "asylum granted (Mexico) — according to Hugo de" in overview
        assert "asylum granted (Mexico), 3 November 2025 — according to Hugo de Zera" in overview
        await pilot.press("5")
        await settle(pilot)
        asylum = screen_text(app)
        assert "asylum granted — according to Hugo" in asylum  # the rest is cut at 160 columns
        assert "fled to the embassy" in asylum
        assert "asylum sought" not in asylum


# ---------------------------------------------------------------------------------------------------
# Two sources, two values.

OTHER = "Published March 5, 2025\nProsecutors want an 11-year sentence for Ana Ruiz.\n"

TWO_SOURCES = """
[[sources]]
id = "second-report"
file = "seeds/other.txt"
title = "Second report"
published = "2025-03-05"
language = "en"
sha256 = "{sha}"
source = "second-report"
evidence = ["Published March 5, 2025"]

[[organizations]]
id = "prosecutors"
name = "Prosecutors"
type = "prosecution"
evidence = ["Prosecutors asked"]

[[sentences]]
id = "ruiz-request"
defendant = "ana-ruiz"
kind = "requested"
by = "prosecutors"
term = "P10Y"
evidence = ["Prosecutors asked for a 10-year sentence for Ana Ruiz."]
disputed = [{{ field = "term", value = "P11Y", evidence = [{{ quote = "an 11-year sentence", source = "second-report" }}] }}]

[[notes]]
id = "sources-differ"
kind = "discrepancy"
about = ["ruiz-request"]
text = "The two reports give different terms."
evidence = ["a 10-year sentence", {{ quote = "an 11-year sentence", source = "second-report" }}]
"""


def two_sources(root: Path) -> Path:
    path = write_case(
        root, source=SOURCE + "Prosecutors asked for a 10-year sentence for Ana Ruiz.\n"
    )
    (root / "seeds" / "other.txt").write_text(OTHER, encoding="utf-8")
    sha = hashlib.sha256(OTHER.encode()).hexdigest()
    path.write_text(
        path.read_text(encoding="utf-8") + TWO_SOURCES.format(sha=sha), encoding="utf-8"
    )
    return path


def test_two_sources_disagreeing_keep_both_values_each_with_its_source(tmp_path: Path) -> None:
    db = tmp_path / "two.db"
    builder.build(two_sources(tmp_path / "p"), db)
    reader = Reader(db)
    detail = reader.detail("ruiz-request")
    assert detail is not None
    assert detail.title.endswith("— disputed")
    said = {f.label: f.value for f in detail.fields}["Who says so"]
    assert "term disputed: 10 years (Report) against 11 years (Second report)" in said
    assert {e.source for e in detail.evidence} == {"report", "second-report"}
    rows = {r.record: r.cells for r in reader.page("sentences", 0, 10)}
    assert rows["ruiz-request"][2] == "10 years — disputed"
    # A discrepancy note can cite both sources.
    note = reader.detail("sources-differ")
    assert note is not None
    assert [e.source for e in note.evidence] == ["report", "second-report"]


def test_a_disputed_field_that_is_not_a_field_is_one_line(cli: Cli, tmp_path: Path) -> None:
    path = two_sources(tmp_path / "p")
    path.write_text(
        path.read_text(encoding="utf-8").replace('field = "term"', 'field = "length"'),
        encoding="utf-8",
    )
    result = cli("check", "--data", path)
    assert result.code == 2
    (message,) = result.err.strip().splitlines()
    assert "'ruiz-request'" in message and "'length' is not a field" in message
