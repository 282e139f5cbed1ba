"""A real PostgreSQL for the team-store tests: started once per test session in a temporary
directory, stopped afterwards.

It uses the server binaries of the system's ``postgresql`` package (``.ci/run`` installs them on
Debian): ``initdb`` refuses to run as root, so as root the cluster belongs to the ``postgres`` user
and is run through ``runuser``. It listens on 127.0.0.1 and a private socket directory only. Where no
server can be started, every test that needs one is skipped with the reason, never passed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SUPERUSER = "postgres"
SUPERPASS = "sup3r-s3cret"
TEAM_USER = "team"
TEAM_PASS = "t3am-pa55word"
READER_USER = "viewer"
READER_PASS = "v1ewer-pa55"


def _bindir() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int
    as_postgres: bool
    _dbs: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _cmd(self, *args: str) -> list[str]:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        return ["runuser", "-u", "postgres", "--", *cmd] if self.as_postgres else cmd

    def _run(self, *args: str, timeout: float = 120) -> None:
        done = subprocess.run(self._cmd(*args), capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {(done.stderr or done.stdout).strip()[-400:]}")

    def start(self) -> None:
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, user: str = SUPERUSER, password: str = SUPERPASS, db: str = "postgres") -> str:
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def admin(self, sql: str, db: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(db=db), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        """A fresh database owned by the team's role; the viewer may read it once made."""
        name = f"team_{os.getpid()}_{next(self._dbs)}"
        self.admin(f"CREATE DATABASE {name} OWNER {TEAM_USER}")
        self.admin(f"GRANT CONNECT ON DATABASE {name} TO {READER_USER}")
        self.admin(
            f"ALTER DEFAULT PRIVILEGES FOR ROLE {TEAM_USER} IN SCHEMA public "
            f"GRANT SELECT ON TABLES TO {READER_USER}",
            db=name,
        )
        return name


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = _bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip(
            "no PostgreSQL server binaries (apt-get install postgresql); team tests skipped"
        )
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
    server = PgServer(bindir, root, _free_port(), as_postgres)
    try:
        pwfile = root / "pw"
        pwfile.write_text(SUPERPASS + "\n")
        if as_postgres:
            shutil.chown(root, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        server._run("initdb", "-D", str(server.data), "-U", SUPERUSER, f"--pwfile={pwfile}",
                    "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--no-sync")  # fmt: skip
        server.start()
        server.admin(f"CREATE ROLE {TEAM_USER} LOGIN PASSWORD '{TEAM_PASS}'")
        server.admin(f"CREATE ROLE {READER_USER} LOGIN PASSWORD '{READER_PASS}'")
    except Exception as exc:
        with contextlib.suppress(Exception):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL server: {exc}")
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def team_db(pg_server: PgServer) -> str:
    """A fresh database for one test."""
    return pg_server.new_database()


@pytest.fixture
def team_url(pg_server: PgServer, team_db: str) -> str:
    return pg_server.url(TEAM_USER, TEAM_PASS, team_db)


@pytest.fixture
def viewer_url(pg_server: PgServer, team_db: str) -> str:
    return pg_server.url(READER_USER, READER_PASS, team_db)
