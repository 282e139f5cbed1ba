"""The team's working set on PostgreSQL: writes per second, and how soon a colleague's pin appears.

    uv run python benchmarks/team.py                 # 20 writers × 500 pins and notes, 30 pins timed
    uv run python benchmarks/team.py --quick         # 4 writers × 50, 10 pins timed

Starts a private PostgreSQL in a temporary directory (as tests/pg/conftest.py does: the system's
server binaries, run as ``postgres`` when this runs as root), and stops it at the end. Each figure
is given beside a baseline measured in the same run:

- writes/second: N writer processes, each pinning and annotating M records as its own author
  through :class:`dossier.teamset.PgWorkset` (one transaction per write); baseline: the same
  writers doing the same two upserts with bare psycopg in autocommit (what the store costs over
  the least a write can do), and, for reference, the writers on one local SQLite working set
  (``--sqlite``; with many writers on a loaded machine it can starve a writer past its 30 s busy
  timeout, which is reported);
- time to appear: from a colleague's ``pin`` returning to the pin being in the local copy of an app
  session (:class:`dossier.teamsync.TeamWorkset`: NOTIFY → LISTEN in its thread → fetch → local
  write), median and p95 of K pins; baseline: a bare ``pg_notify`` → ``notifies()`` round trip on
  the same server.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRITER = """
import sys, time
from pathlib import Path
from dossier.workset import open_workset
spec, n, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
ws = open_workset(Path("x.db"), spec, f"writer-{n}")
ws.pin("warm-up-" + str(n))
while time.time() < go:
    time.sleep(0.005)
for i in range(count):
    ws.pin(f"record-{i}", f"Record {i}", "person")
    ws.annotate(f"record-{i}", f"note {i} by writer {n}")
print(time.time())
"""

BARE = """
import sys, time
import psycopg
url, n, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
conn = psycopg.connect(url, autocommit=True)
conn.execute("CREATE TABLE IF NOT EXISTS bare_pin (record text, author text, position int,"
             " PRIMARY KEY (record, author))")
conn.execute("CREATE TABLE IF NOT EXISTS bare_note (record text, author text, text text,"
             " version int, PRIMARY KEY (record, author))")
me = f"writer-{n}"
while time.time() < go:
    time.sleep(0.005)
for i in range(count):
    conn.execute("INSERT INTO bare_pin VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                 (f"record-{i}", me, i))
    conn.execute("INSERT INTO bare_note VALUES (%s, %s, %s, 1) ON CONFLICT (record, author)"
                 " DO UPDATE SET text = excluded.text, version = bare_note.version + 1",
                 (f"record-{i}", me, f"note {i} by writer {n}"))
print(time.time())
"""


def writes_per_second(spec: str, writers: int, each: int, script: str = WRITER) -> float:
    """All writers start together (after their imports); the rate is counted from that moment to
    the last one's end."""
    go = time.time() + 3.0 + writers * 0.5
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, spec, str(n), str(each), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for n in range(writers)
    ]
    ends = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a writer failed: {err.strip()[-500:]}")
        ends.append(float(out.strip()))
    return writers * each * 2 / (max(ends) - go)


def time_to_appear(url: str, trials: int, tmp: Path) -> tuple[list[float], list[float]]:
    from dossier.teamset import PgWorkset
    from dossier.teamsync import TeamWorkset, wait_for

    reader = TeamWorkset(url, "reader", replica=tmp / "reader.workset.db")
    reader.start()
    if not wait_for(lambda: reader.online, 60):
        raise SystemExit(f"the reader did not connect: {reader.server_problem}")
    colleague = PgWorkset(url, "colleague")
    colleague.pin("warm-up")
    wait_for(lambda: reader.is_pinned("warm-up", "colleague"))
    appear = []
    for n in range(trials):
        record = f"timed-{n}"
        colleague.pin(record, "Timed", "person")
        done = time.perf_counter()
        if not wait_for(lambda r=record: reader.is_pinned(r, "colleague"), 30):  # type: ignore[misc]
            raise SystemExit(f"pin {record} never appeared")
        appear.append(time.perf_counter() - done)
        time.sleep(0.05)
    reader.close()
    # Baseline: a bare NOTIFY → LISTEN round trip.
    listen = colleague.connect_raw(autocommit=True)
    send = colleague.connect_raw(autocommit=True)
    listen.execute("LISTEN bench")
    bare = []
    for n in range(trials):
        start = time.perf_counter()
        send.execute("SELECT pg_notify('bench', %s)", (str(n),))
        for _ in listen.notifies(timeout=10, stop_after=1):
            pass
        bare.append(time.perf_counter() - start)
    listen.close()
    send.close()
    colleague.close()
    return appear, bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--writers", type=int)
    parser.add_argument("--each", type=int)
    parser.add_argument("--trials", type=int)
    parser.add_argument("--sqlite", action="store_true", help="also the local SQLite store")
    args = parser.parse_args()
    writers = args.writers or (4 if args.quick else 20)
    each = args.each or (50 if args.quick else 500)
    trials = args.trials or (10 if args.quick else 30)

    import os
    import shutil

    from tests.pg.conftest import (
        READER_PASS,
        READER_USER,
        SUPERPASS,
        SUPERUSER,
        TEAM_PASS,
        TEAM_USER,
        PgServer,
        _bindir,
    )
    from tests.pg.conftest import _free_port as free_port

    bindir = _bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL server binaries: apt-get install postgresql")
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="dossier-bench-pg-"))
    server = PgServer(bindir, root, free_port(), as_postgres)
    (root / "pw").write_text(SUPERPASS + "\n")
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(root / "pw", "postgres", "postgres")
    server._run("initdb", "-D", str(server.data), "-U", SUPERUSER, f"--pwfile={root / 'pw'}",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")  # fmt: skip
    server.start()
    try:
        server.admin(f"CREATE ROLE {TEAM_USER} LOGIN PASSWORD '{TEAM_PASS}'")
        server.admin(f"CREATE ROLE {READER_USER} LOGIN PASSWORD '{READER_PASS}'")
        load_before = os.getloadavg()[0]
        url = server.url(TEAM_USER, TEAM_PASS, server.new_database())
        with tempfile.TemporaryDirectory() as tmp:
            local = str(Path(tmp) / "bench.workset.db")
            pg_rate = writes_per_second(url, writers, each)
            bare_rate = writes_per_second(url, writers, each, BARE)
            sqlite_rate: float | str = "not measured (--sqlite)"
            if args.sqlite:
                try:
                    sqlite_rate = writes_per_second(local, writers, each)
                except SystemExit as exc:
                    sqlite_rate = f"failed: {str(exc)[-80:]}"
            appear, bare = time_to_appear(
                server.url(TEAM_USER, TEAM_PASS, server.new_database()), trials, Path(tmp)
            )
        load_after = os.getloadavg()[0]
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

    def ms(values: list[float], q: float) -> str:
        ordered = sorted(values)
        return f"{ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000:.1f} ms"

    print(f"## Team working set on PostgreSQL ({writers} writers × {each} pins and notes)\n")
    print(
        f"Load average {load_before:.2f} before, {load_after:.2f} after; {os.cpu_count()} CPUs.\n"
    )
    print("| figure | team store (PostgreSQL) | baseline | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| writes/second, {writers} processes | {pg_rate:,.0f} | {bare_rate:,.0f} "
        f"(bare psycopg upserts) | {pg_rate / bare_rate:.2f}× |"
    )
    local_rate = sqlite_rate if isinstance(sqlite_rate, str) else f"{sqlite_rate:,.0f}"
    print(f"| … the local SQLite store, same writers | {local_rate} | | |")
    med, base = statistics.median(appear), statistics.median(bare)
    print(
        f"| a colleague's pin appears, median of {trials} | {med * 1000:.1f} ms | "
        f"{base * 1000:.1f} ms (bare NOTIFY→LISTEN) | {med / base:.1f}× |"
    )
    print(f"| … p95 | {ms(appear, 0.95)} | {ms(bare, 0.95)} | |")


if __name__ == "__main__":
    main()
