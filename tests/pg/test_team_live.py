"""The team's working set in use: live, offline and back, refused writes, many writers at once."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dossier.teamset import PgWorkset
from dossier.teamsync import TeamWorkset, wait_for
from tests.pg.conftest import PgServer


@pytest.fixture
def session(team_url: str, tmp_path: Path) -> Iterator[TeamWorkset]:
    """Ana's app: a team working set syncing in its thread."""
    ws = TeamWorkset(team_url, "ana", replica=tmp_path / "ana.workset.db")
    ws.start()
    assert wait_for(lambda: ws.online), ws.server_problem
    yield ws
    ws.close()


def test_a_colleagues_pin_and_note_appear_live(session: TeamWorkset, team_url: str) -> None:
    ben = PgWorkset(team_url, "ben")
    ben.pin("betsy-chavez", "Betsy Chávez", "person")
    assert wait_for(lambda: session.marks().get("betsy-chavez") == "☆")
    ben.annotate("betsy-chavez", "Bail hearing on Monday.")
    assert wait_for(
        lambda: session.notes_of("betsy-chavez") == [("ben", "Bail hearing on Monday.")]
    )
    ben.unpin("betsy-chavez")
    assert wait_for(lambda: session.marks().get("betsy-chavez") == "✎")
    item = session.items()[0]
    assert (item.author, item.pinned) == ("ben", False)


def test_own_writes_reach_the_server(session: TeamWorkset, team_url: str) -> None:
    session.pin("rpp", "RPP", "organization")
    session.annotate("rpp", "Call the newsroom.", expected=0)
    ben = PgWorkset(team_url, "ben")
    assert wait_for(lambda: session.waiting() == 0)
    assert ben.pinned_ids() == ["rpp"] and ben.annotation("rpp", "ana") == "Call the newsroom."
    assert session.status() == ""


def test_server_stopped_mid_session_nothing_made_meanwhile_is_lost(
    session: TeamWorkset, pg_server: PgServer, team_url: str, tmp_path: Path
) -> None:
    session.pin("before", "Before", "person")
    assert wait_for(lambda: session.waiting() == 0)
    pg_server.stop()
    try:
        assert wait_for(lambda: not session.online)
        session.pin("during", "During", "person")
        session.annotate("before", "written while the server was down", expected=0)
        assert session.waiting() == 2
        assert "offline" in session.status() and "2 writes waiting" in session.status()
        assert session.pinned_ids() == ["before", "during"]  # reads go on
        # Another window opens the app meanwhile: it reads the same copy.
        second = TeamWorkset(team_url, "ana", replica=session.path)
        assert second.pinned_ids() == ["before", "during"] and second.waiting() == 2
        second.close()
    finally:
        pg_server.start()
    assert wait_for(lambda: session.online and session.waiting() == 0, timeout=60)
    server = PgWorkset(team_url, "ben")
    assert server.pinned_ids() == ["before", "during"]
    assert server.annotation("before", "ana") == "written while the server was down"


def test_the_app_opens_and_reads_with_the_server_away(session: TeamWorkset, tmp_path: Path) -> None:
    session.pin("kept", "Kept", "person")
    assert wait_for(lambda: session.waiting() == 0)
    session.close()
    away = "postgresql://team:secret-pw@127.0.0.1:1/nowhere"
    offline = TeamWorkset(away, "ana", replica=session.path)
    offline.start()
    assert wait_for(lambda: offline.server_problem not in (None, "connecting…"))
    assert offline.pinned_ids() == ["kept"]
    assert "cannot reach the server" in offline.status()
    assert "secret-pw" not in offline.status()
    offline.close()


def test_a_write_the_server_refuses_is_kept_and_said(viewer_url: str, team_url: str,
                                                     tmp_path: Path) -> None:  # fmt: skip
    PgWorkset(team_url, "ana").pin("made-by-owner")  # the owner made the tables
    viewer = TeamWorkset(viewer_url, "vic", replica=tmp_path / "vic.workset.db")
    viewer.start()
    try:
        assert wait_for(lambda: viewer.online)
        assert viewer.pinned_ids() == ["made-by-owner"]  # a read-only role can view
        viewer.annotate("made-by-owner", "my precious words")
        assert wait_for(lambda: viewer.waiting() == 0)
        ((op, args, reason),) = viewer.refusals()
        assert op == "annotate" and args["text"] == "my precious words"
        assert "may read the team's working set but not change it" in reason
        assert "refused by the server (kept)" in viewer.status()
    finally:
        viewer.close()


WRITER = """
import sys
from dossier.teamset import PgWorkset
url, n, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ws = PgWorkset(url, f"writer-{n}")
for i in range(count):
    ws.pin(f"record-{i}", f"Record {i}", "person")
    ws.annotate(f"record-{i}", f"note {i} by writer {n}")
"""


def test_twenty_writers_every_write_there_exactly_once_and_seen_live(
    session: TeamWorkset, team_url: str
) -> None:
    writers, each = 20, 500
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, team_url, str(n), str(each)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    errors = [p.communicate()[1] for p in procs if p.wait() != 0]
    assert errors == []
    server = PgWorkset(team_url, "check")
    rows = server._read("SELECT record, author, count(*) FROM dossier_pin GROUP BY 1, 2")
    assert len(rows) == writers * each and all(c == 1 for _, _, c in rows)
    notes = server._read("SELECT author, record, text FROM dossier_annotation")
    assert len(notes) == writers * each
    assert all(
        text == f"note {r.split('-')[1]} by writer {a.split('-')[1]}" for a, r, text in notes
    )
    # The reader saw them come, without reading the tables over and over.
    assert wait_for(lambda: session.pin_count() == writers * each, timeout=120)
    assert session.count() == writers * each
    assert len(session.annotations()) == 0 and len(session.notes_of("record-7")) == writers
