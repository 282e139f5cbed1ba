"""One contract, two stores: the local SQLite file and the team's PostgreSQL behave alike."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dossier.workset import AnnotationConflict, SqlWorkset, Workset, WorksetError

Make = Callable[[str], SqlWorkset]


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Make:
    """A factory of working sets on one shared store: ``make(author)``."""
    if request.param == "sqlite":
        path = tmp_path / "shared.workset.db"
        return lambda author: Workset(path, author)
    url = request.getfixturevalue("team_url")
    from dossier.teamset import PgWorkset

    return lambda author: PgWorkset(url, author)


def test_pins_are_in_order_idempotent_and_per_author(store: Make) -> None:
    ana, ben = store("ana"), store("ben")
    assert ana.pin("pedro-castillo", "Pedro Castillo", "person")
    assert ana.pin("betsy-chavez", "Betsy Chávez", "person")
    assert not ana.pin("betsy-chavez")  # already hers
    assert ben.pin("betsy-chavez", "Betsy Chávez", "person")  # his own pin of it
    assert ana.pinned_ids(author="ana") == ["pedro-castillo", "betsy-chavez"]
    assert [(i.record, i.author) for i in ana.pinned()] == [
        ("pedro-castillo", "ana"), ("betsy-chavez", "ana"), ("betsy-chavez", "ben"),
    ]  # fmt: skip
    assert all(i.at for i in ana.pinned())
    assert ana.count() == 3 and ana.count("ben") == 1 and ana.pin_count() == 3


def test_unpin_is_an_intent_on_ones_own_pin_never_a_colleagues(store: Make) -> None:
    ana, ben = store("ana"), store("ben")
    ana.pin("rpp")
    assert ben.marks() == {"rpp": "☆"}  # pinned, but not by ben
    assert not ben.unpin("rpp")  # a stale ★ in ben's app cannot remove ana's pin
    assert ana.is_pinned("rpp") and ana.marks() == {"rpp": "★"}
    assert ana.unpin("rpp") and not ana.unpin("rpp")


def test_move_reorders_ones_own_pins(store: Make) -> None:
    ana = store("ana")
    for rid in ("a", "b", "c"):
        ana.pin(rid)
    assert ana.move("c", -1)
    assert ana.pinned_ids() == ["a", "c", "b"]
    assert not ana.move("a", -1) and not ana.move("zzz", 1)


def test_notes_are_per_author_and_never_overwrite_a_colleagues(store: Make) -> None:
    ana, ben = store("ana"), store("ben")
    assert ana.annotate("betsy-chavez", "Ask the embassy.", expected=0) == 1
    assert ben.annotate("betsy-chavez", "Check the bail date.", expected=0) == 1
    assert ana.annotation("betsy-chavez") == "Ask the embassy."
    assert ben.annotation("betsy-chavez") == "Check the bail date."
    assert ana.notes_of("betsy-chavez") == [
        ("ana", "Ask the embassy."), ("ben", "Check the bail date."),
    ]  # fmt: skip
    assert ana.marks() == {"betsy-chavez": "✎"}


def test_a_note_changed_meanwhile_is_a_conflict_with_both_texts(store: Make) -> None:
    first, second = store("ana"), store("ana")  # two sessions of one author
    assert first.annotate("rpp", "v1") == 1
    _text, version = second.note("rpp") or ("", 0)
    assert first.annotate("rpp", "first session's edit", expected=version) == 2
    with pytest.raises(AnnotationConflict) as caught:
        second.annotate("rpp", "second session's edit", expected=version)
    conflict = caught.value
    assert conflict.theirs == "first session's edit" and conflict.mine == "second session's edit"
    assert "first session's edit" in conflict.merged() and "second" in conflict.merged()
    assert first.annotation("rpp") == "first session's edit"  # nothing overwritten
    assert second.annotate("rpp", conflict.merged(), expected=conflict.version) == 3
    # A new note where one appeared meanwhile, and a removal of a changed note: conflicts too.
    with pytest.raises(AnnotationConflict):
        second.annotate("rpp", "", expected=2)
    first.annotate("new-one", "made here")
    with pytest.raises(AnnotationConflict):
        second.annotate("new-one", "made there", expected=0)
    assert second.annotate("rpp", "", expected=3) == 0 and first.annotation("rpp") is None


def test_export_import_keeps_authors_and_is_idempotent(store: Make, tmp_path: Path) -> None:
    ana, ben = store("ana"), store("ben")
    ana.pin("pedro-castillo", "Pedro Castillo", "person")
    ana.annotate("pedro-castillo", "Check the appeal.")
    ben.annotate("rpp", "Call the newsroom.", "RPP", "organization")
    lines = list(ana.export_lines())
    other = Workset(tmp_path / "copy.workset.db", "carla")
    report = other.import_lines(lines, None)
    assert report.problems == [] and report.taken == 2
    assert [(i.record, i.author, i.pinned) for i in other.items()] == [
        ("pedro-castillo", "ana", True), ("rpp", "ben", False),
    ]  # fmt: skip
    again = other.import_lines(lines, None)
    assert again.taken == 2 and again.unchanged == 2
    assert list(other.export_lines()) == lines


def test_drop_and_reattach_touch_only_ones_own(store: Make) -> None:
    ana, ben = store("ana"), store("ben")
    ana.pin("old")
    ana.annotate("old", "mine")
    ben.pin("old")
    ana.reattach("old", "new", "New", "person")
    assert ana.pinned_ids("ana") == ["new"] and ana.annotation("new") == "mine"
    assert ben.is_pinned("old")
    assert ben.drop("old") and not ben.drop("old")
    with pytest.raises(WorksetError, match="nothing pinned"):
        ben.reattach("old", "new")


def test_orphans_are_kept_and_reported(store: Make) -> None:
    ana = store("ana")
    ana.pin("gone", "Gone record", "person")
    ana.pin("here")
    orphans = ana.orphans(lambda rid: rid == "here")
    assert [(o.record, o.title) for o in orphans] == [("gone", "Gone record")]


ADD = """
import sys
from pathlib import Path
from dossier.workset import open_workset
ws = open_workset(Path("x.db"), sys.argv[1], "ana")
ws.pin("betsy-chavez", "Betsy", "person")
"""


def test_many_processes_pinning_one_record_at_once_is_idempotent(
    store: Make, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    ws = store("ana")
    spec = str(ws.path) if isinstance(ws, Workset) else request.getfixturevalue("team_url")
    ws.pin("warm-up")  # the file or the tables exist before the rush
    procs = [
        subprocess.Popen([sys.executable, "-c", ADD, spec], stderr=subprocess.PIPE, text=True)
        for _ in range(16)
    ]
    errors = [p.communicate()[1] for p in procs if p.wait() != 0]
    assert errors == []
    assert [i.record for i in ws.pinned()].count("betsy-chavez") == 1
