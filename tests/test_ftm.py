"""`dossier export --format ftm`: FollowTheMoney entities, checked with the followthemoney library
itself: every line is a valid entity of the model with nothing dropped or changed by its cleaning,
every reference resolves to an entity of the right schema, every entity carries its proof."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from followthemoney import model
from followthemoney.proxy import EntityProxy

from dossier import build as builder
from dossier import ftm
from dossier.store import PROJECT_ROOT
from tests.conftest import CliResult

SOURCE_TEXT = """Published 2 March 2024
A court in Ruritania sentenced Anna Example to 12 years in prison on Friday for fraud.
Prosecutors had asked for 20 years.
Example, a former mayor of Northtown, denies the charge.
Her lawyer, Bob Counsel, said the verdict was "a travesty of justice".
Example was arrested in 2021 and charged with fraud that year.
She sought asylum at the embassy of Freedonia in June 2023, but was refused.
Ruritania expelled the Freedonian ambassador soon after.
Critics call her "the iron mayor".
The trial opened in 2023.
"""

CASE = """format = 1

[case]
id = "ruritania"
title = "The Example fraud case"
summary = "A small case with one record of every kind, for the FollowTheMoney export."
default_source = "report"

[[sources]]
id = "report"
file = "seeds/report.txt"
title = "Mayor sentenced"
title_editorial = true
published = "2024-03-02"
language = "en"
sha256 = "{sha}"
evidence = ["Published 2 March 2024"]

[[people]]
id = "anna-example"
name = "Anna Example"
aliases = ["Example"]
editorial_aliases = ["Ana Ejemplo"]
description = "A former mayor of Northtown."
evidence = ["sentenced Anna Example"]

[[people]]
id = "bob-counsel"
name = "Bob Counsel"
evidence = ["Her lawyer, Bob Counsel"]

[[organizations]]
id = "ruritania-state"
name = "Ruritania"
type = "state"
evidence = ["Ruritania expelled"]

[[organizations]]
id = "ruritania-court"
name = "A court in Ruritania"
type = "court"
evidence = ["A court in Ruritania"]

[[organizations]]
id = "freedonia"
name = "Freedonia"
type = "state"
evidence = ["the embassy of Freedonia"]

[[organizations]]
id = "freedonia-embassy"
name = "the embassy of Freedonia"
type = "embassy"
evidence = ["the embassy of Freedonia"]

[[organizations]]
id = "prosecutors"
name = "Prosecutors"
type = "prosecution"
evidence = ["Prosecutors had asked"]

[[roles]]
id = "anna-mayor"
holder = "anna-example"
title = "Mayor of Northtown"
status = "former"
evidence = ["a former mayor of Northtown"]

[[roles]]
id = "bob-lawyer"
holder = "bob-counsel"
title = "Lawyer"
of = "anna-example"
status = "current"
evidence = ["Her lawyer, Bob Counsel"]

[[charges]]
id = "anna-fraud"
defendant = "anna-example"
offence = "Fraud"
plea = "denies"
evidence = ["denies the charge"]
history = [
  {{ status = "charged", date = "2021", evidence = ["charged with fraud that year"] }},
  {{ status = "convicted", date = "2024-03", evidence = ["sentenced Anna Example to 12 years in prison"] }},
]

[[sentences]]
id = "anna-sentence"
defendant = "anna-example"
kind = "imposed"
by = "ruritania-court"
charge = "anna-fraud"
term = "P12Y"
date = "2024-03"
evidence = ["sentenced Anna Example to 12 years in prison"]

[[sentences]]
id = "anna-sentence-request"
defendant = "anna-example"
kind = "requested"
by = "prosecutors"
charge = "anna-fraud"
term = "P20Y"
evidence = ["Prosecutors had asked for 20 years."]

[[custody]]
id = "anna-arrest"
person = "anna-example"
status = "arrested"
start = "2021"
evidence = ["Example was arrested in 2021"]

[[asylum]]
id = "anna-asylum-sought"
type = "sought"
person = "anna-example"
state = "freedonia"
embassy = "freedonia-embassy"
date = "2023-06"
evidence = ["She sought asylum at the embassy of Freedonia in June 2023"]

[[asylum]]
id = "anna-asylum-refused"
type = "refused"
person = "anna-example"
state = "freedonia"
date = {{ value = "2023-06", text = "but was refused", rule = "soon after she sought it in June 2023", approx = true }}
evidence = ["but was refused"]

[[diplomatic]]
id = "ambassador-expelled"
type = "ambassador expelled"
actor = "ruritania-state"
counterpart = "freedonia"
date = {{ value = "2023", text = "soon after", rule = "after the refusal in 2023" }}
evidence = ["Ruritania expelled the Freedonian ambassador soon after"]

[[events]]
id = "trial-opens"
type = "trial opened"
title = "The trial opens"
participants = ["anna-example", "ruritania-court"]
date = "2023"
evidence = ["The trial opened in 2023."]

[[quotes]]
id = "travesty"
kind = "direct"
speakers = ["bob-counsel"]
mentions = ["ruritania-court"]
text = "a travesty of justice"
evidence = ["said the verdict was"]

[[quotes]]
id = "iron-mayor"
kind = "epithet"
mentions = ["anna-example"]
text = "the iron mayor"
evidence = ["Critics call her"]

[[notes]]
id = "spanish-spelling"
kind = "editorial"
about = ["anna-example"]
text = "Spanish-language papers write Ana Ejemplo."
basis = "The analyst's reading of the press."
evidence = ["Anna Example"]

[[notes]]
id = "verdict-words"
kind = "discrepancy"
about = ["travesty", "anna-fraud"]
text = "The lawyer calls the verdict a travesty, yet the plea is reported in the present tense."
evidence = ["a travesty of justice"]
"""


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ftm-case")
    (root / "seeds").mkdir()
    (root / "data").mkdir()
    seed = root / "seeds" / "report.txt"
    seed.write_text(SOURCE_TEXT, encoding="utf-8")
    sha = hashlib.sha256(seed.read_bytes()).hexdigest()
    case = root / "data" / "ruritania.toml"
    case.write_text(CASE.format(sha=sha), encoding="utf-8")
    out = root / "ruritania.db"
    builder.build(case, out)
    return out


def load(lines: list[str]) -> dict[str, EntityProxy]:
    """Every line as a followthemoney entity, checked strictly; the entities by id."""
    by_id: dict[str, EntityProxy] = {}
    for number, line in enumerate(lines, start=1):
        data = json.loads(line)
        proxy = model.get_proxy(data, cleaned=False)  # cleans every value, drops invalid ones
        where = f"line {number} ({data['id']}, {data['schema']})"
        cleaned = proxy.to_dict()["properties"]
        assert {k: sorted(v) for k, v in cleaned.items()} == {
            k: sorted(v) for k, v in data["properties"].items()
        }, f"{where}: followthemoney dropped or changed a value"
        assert proxy.id == data["id"], where
        assert proxy.id not in by_id, f"{where}: id used twice"
        for name in proxy.schema.required:
            assert proxy.get(name), f"{where}: no {name}"
        for prop, value in proxy.itervalues():
            assert len(value) <= prop.type.max_length, f"{where}: {prop.name} too long"
        by_id[proxy.id] = proxy
    for proxy in by_id.values():
        for prop, value in proxy.itervalues():
            if prop.type.name != "entity":
                continue
            assert value in by_id, f"{proxy.id}: {prop.name} -> {value} is not in the export"
            target = by_id[value].schema
            assert prop.range is not None
            assert target.is_a(prop.range), f"{proxy.id}: {prop.name} -> a {target.name}"
    return by_id


def check_proof(by_id: dict[str, EntityProxy]) -> None:
    for proxy in by_id.values():
        if proxy.schema.name == "Article":
            continue
        proofs = proxy.get("proof")
        assert proofs, f"{proxy.id} ({proxy.schema.name}) carries no proof"
        assert all(by_id[p].schema.name == "Article" for p in proofs)


def of_schema(by_id: dict[str, EntityProxy], schema: str) -> list[EntityProxy]:
    return [p for p in by_id.values() if p.schema.name == schema]


def test_every_line_is_a_valid_entity_whose_references_resolve(small_db: Path) -> None:
    lines = list(ftm.export_lines(small_db))
    by_id = load(lines)
    check_proof(by_id)
    assert list(ftm.export_lines(small_db)) == lines  # the same dossier, the same lines


def test_ids_derive_from_the_slugs(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    person = by_id["dossier-ruritania-anna-example"]
    assert person.schema.name == "Person"
    assert by_id["dossier-ruritania-report"].schema.name == "Article"
    assert all(i.startswith("dossier-ruritania-") for i in by_id)


def test_people_organisations_and_their_names(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    anna = by_id["dossier-ruritania-anna-example"]
    assert anna.get("name") == ["Anna Example"]
    assert anna.get("alias") == ["Example"]  # printed in the source
    assert anna.get("weakAlias") == ["Ana Ejemplo"]  # the analyst's spelling, not the source's
    assert anna.get("proof") == ["dossier-ruritania-report"]
    assert by_id["dossier-ruritania-freedonia"].schema.name == "PublicBody"
    evidence = by_id["dossier-ruritania-anna-example.evidence"]
    assert evidence.schema.name == "Documentation"
    assert evidence.get("document") == ["dossier-ruritania-report"]
    assert evidence.get("summary") == ["“sentenced Anna Example”"]


def test_roles_and_the_lawyer(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    (occupancy,) = of_schema(by_id, "Occupancy")
    assert occupancy.get("holder") == ["dossier-ruritania-anna-example"]
    (post,) = occupancy.get("post")
    assert by_id[post].get("name") == ["Mayor of Northtown"]
    (lawyer,) = of_schema(by_id, "Representation")
    assert lawyer.get("agent") == ["dossier-ruritania-bob-counsel"]
    assert lawyer.get("client") == ["dossier-ruritania-anna-example"]


def test_charges_are_court_cases_with_their_defendant(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    case = by_id["dossier-ruritania-anna-fraud"]
    assert case.schema.name == "CourtCase"
    assert case.get("status") == ["convicted"]
    assert case.get("fileDate") == ["2021"]  # a year stays a year
    (party,) = of_schema(by_id, "CourtCaseParty")
    assert party.get("case") == [case.id]
    assert party.get("party") == ["dossier-ruritania-anna-example"]
    assert party.get("role") == ["defendant"]


def test_only_an_imposed_sentence_is_a_sanction(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    (sanction,) = of_schema(by_id, "Sanction")
    assert sanction.id == "dossier-ruritania-anna-sentence"
    assert sanction.get("entity") == ["dossier-ruritania-anna-example"]
    assert sanction.get("date") == ["2024-03"]
    request = by_id["dossier-ruritania-anna-sentence-request"]
    assert request.schema.name == "Event"
    assert request.get("organizer") == ["dossier-ruritania-prosecutors"]
    assert "Sentence requested: 20 years" in request.get("summary")[0]


def test_events_keep_dates_at_their_precision(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    assert by_id["dossier-ruritania-anna-arrest"].get("startDate") == ["2021"]
    sought = by_id["dossier-ruritania-anna-asylum-sought"]
    assert sought.get("date") == ["2023-06"]
    assert set(sought.get("involved")) == {
        "dossier-ruritania-anna-example",
        "dossier-ruritania-freedonia",
        "dossier-ruritania-freedonia-embassy",
    }
    refused = by_id["dossier-ruritania-anna-asylum-refused"]
    assert refused.get("date") == ["2023-06"]
    assert refused.get("organizer") == ["dossier-ruritania-freedonia"]
    assert "Approximate date" in refused.get("description")[0]
    trial = by_id["dossier-ruritania-trial-opens"]
    assert trial.get("date") == ["2023"]
    assert len(trial.get("involved")) == 2
    expelled = by_id["dossier-ruritania-ambassador-expelled"]
    assert expelled.get("organizer") == ["dossier-ruritania-ruritania-state"]


def test_quotes_and_notes(small_db: Path) -> None:
    by_id = load(list(ftm.export_lines(small_db)))
    travesty = by_id["dossier-ruritania-travesty"]
    assert travesty.schema.name == "Documentation"
    assert travesty.get("entity") == ["dossier-ruritania-bob-counsel"]
    assert travesty.get("summary") == ["a travesty of justice"]
    assert travesty.get("role") == ["direct quote"]
    assert "“said the verdict was”" in travesty.get("description")[0]
    epithet = by_id["dossier-ruritania-iron-mayor"]
    assert epithet.get("entity") == ["dossier-ruritania-anna-example"]
    assert epithet.get("role") == ["epithet (unattributed)"]
    note = by_id["dossier-ruritania-verdict-words"]
    assert note.schema.name == "Note"
    assert note.get("entity") == ["dossier-ruritania-anna-fraud"]  # a quote is not a thing
    assert "Also about: dossier-ruritania-travesty (Bob Counsel" in note.get("summary")[0]
    editorial = by_id["dossier-ruritania-spanish-spelling"]
    assert editorial.get("summary")[0].startswith("Editorial note")


@pytest.mark.bundled  # about the bundled case itself: its one article, its people
def test_the_bundled_case(bundled_db: Path) -> None:
    by_id = load(list(ftm.export_lines(bundled_db)))
    check_proof(by_id)
    assert not of_schema(by_id, "Sanction")  # the source has only requested sentences
    (article,) = of_schema(by_id, "Article")
    seed = next((PROJECT_ROOT / "seeds").glob("*.txt")).read_bytes()
    assert article.get("contentHash") == [hashlib.sha1(seed).hexdigest()]
    assert article.get("publishedAt") == ["2025-11-04"]
    lawyer = by_id["dossier-castillo-chavez-raul-nobresilla"]
    assert lawyer.get("weakAlias") == ["Raúl Noblecilla", "Noblecilla"]
    (representation,) = of_schema(by_id, "Representation")
    assert representation.get("client") == ["dossier-castillo-chavez-betsy-chavez"]
    presidents = [
        by_id[p.get("post")[0]].id
        for p in of_schema(by_id, "Occupancy")
        if p.get("holder")[0].endswith(("pedro-castillo", "dina-bolarte"))
        and "president" in by_id[p.get("post")[0]].get("name")[0].lower()
    ]
    assert len(presidents) == 2 and len(set(presidents)) == 1  # one post, two holders


def test_cli_writes_json_lines(
    cli: Callable[..., CliResult], small_db: Path, tmp_path: Path
) -> None:
    printed = cli("export", "--format", "ftm", "--db", small_db)
    assert printed.code == 0, printed.err
    assert printed.out == "".join(ftm.export_lines(small_db))
    out = tmp_path / "entities.ftm.json"
    written = cli("export", "--format", "ftm", "--db", small_db, "--out", out)
    assert written.code == 0, written.err
    assert out.read_text(encoding="utf-8") == printed.out
    assert "FollowTheMoney entities" in written.out
    again = cli("export", "--format", "ftm", "--db", small_db, "--out", out)
    assert again.code == 2
    assert "already exists" in again.err


@pytest.mark.parametrize(
    "extra", [("--pinned",), ("--person", "anna-example"), ("--since", "2023")]
)
def test_narrowing_options_are_refused_in_one_line(
    cli: Callable[..., CliResult], small_db: Path, extra: tuple[str, ...]
) -> None:
    result = cli("export", "--format", "ftm", "--db", small_db, *extra)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert f"--format ftm exports the whole dossier; {extra[0]}" in result.err
    assert result.out == ""
