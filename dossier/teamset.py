"""A team's working set on PostgreSQL: the same pins and annotations as the local file, shared.

The tables are declared with SQLModel (SQLAlchemy 2 over psycopg 3) and created on first use by a
role that may; the statements are the ones :class:`~dossier.workset.SqlWorkset` runs on SQLite, with
bound parameters only. Every change is announced on the channel :data:`CHANNEL` by a trigger (so a
``pins push`` or another program's write is announced too), for :mod:`dossier.teamsync` to show it
live.

The URL goes to libpq as given (``sslmode``, ``connect_timeout`` and the other options pass
through); it is shown only through :func:`mask_url`, and every message this module makes has the
password scrubbed out. Importing this module costs SQLAlchemy's ~0.5 s: the app does it in a worker,
never on its way to the first screen.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import psycopg
import sqlalchemy
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.pool import QueuePool
from sqlmodel import Field, SQLModel

from dossier.teamurl import check_url, mask_url, scrub
from dossier.workset import WORKSET_VERSION, Rows, Run, SqlWorkset, WorksetError

R = TypeVar("R")

CHANNEL = "dossier_workset"
MIN_SERVER_VERSION = 120000
"""PostgreSQL 12 or newer (triggers ``EXECUTE FUNCTION``, generated plans we rely on)."""
_LOCK_KEY = 0x646F7373  # "doss": one process at a time creates the tables


class TeamMeta(SQLModel, table=True):
    __tablename__ = "dossier_meta"
    key: str = Field(primary_key=True)
    value: str


class TeamPin(SQLModel, table=True):
    """Someone's pin: one per record and author; ``position`` orders the team's list."""

    __tablename__ = "dossier_pin"
    record: str = Field(primary_key=True)
    author: str = Field(primary_key=True)
    position: int = Field(index=True)
    pinned_at: str
    """ISO 8601, UTC: the same text the local file keeps, so the two stores sort alike."""
    title: str = ""
    kind: str = ""


class TeamAnnotation(SQLModel, table=True):
    """Someone's note on a record, versioned for compare-and-set."""

    __tablename__ = "dossier_annotation"
    record: str = Field(primary_key=True)
    author: str = Field(primary_key=True)
    text: str
    updated_at: str
    title: str = ""
    kind: str = ""
    version: int = 1


TABLES = [TeamMeta.__table__, TeamPin.__table__, TeamAnnotation.__table__]  # type: ignore[attr-defined]

_NOTIFY_DDL = f"""
CREATE OR REPLACE FUNCTION dossier_notify() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND (TG_OP = 'DELETE' OR OLD.record <> NEW.record
            OR OLD.author <> NEW.author) THEN
        PERFORM pg_notify('{CHANNEL}', json_build_object('t', TG_TABLE_NAME,
            'r', left(OLD.record, 2000), 'a', OLD.author, 'whole', length(OLD.record) > 2000)::text);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('{CHANNEL}', json_build_object('t', TG_TABLE_NAME,
            'r', left(NEW.record, 2000), 'a', NEW.author, 'whole', length(NEW.record) > 2000)::text);
    END IF;
    RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS dossier_pin_notify ON dossier_pin;
CREATE TRIGGER dossier_pin_notify AFTER INSERT OR UPDATE OR DELETE ON dossier_pin
    FOR EACH ROW EXECUTE FUNCTION dossier_notify();
DROP TRIGGER IF EXISTS dossier_annotation_notify ON dossier_annotation;
CREATE TRIGGER dossier_annotation_notify AFTER INSERT OR UPDATE OR DELETE ON dossier_annotation
    FOR EACH ROW EXECUTE FUNCTION dossier_notify()
"""


class ServerUnreachable(WorksetError):
    """The server cannot be reached now (down, network, timeout): worth trying again later."""

    transient = True


class WriteRefused(WorksetError):
    """The server refuses this write for good (permissions, a read-only role or server)."""


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else text.strip()


def explain(exc: BaseException, url: str) -> WorksetError:
    """One line for the user (no password) from whatever psycopg or SQLAlchemy raised."""
    if isinstance(exc, WorksetError):
        return exc
    shown = mask_url(url)
    orig: BaseException = getattr(exc, "orig", None) or exc
    message = scrub(_first_line(str(orig)), url)
    message = re.sub(r"^connection failed: ", "", message)
    low = message.lower()
    if isinstance(
        orig, psycopg.errors.InsufficientPrivilege | psycopg.errors.ReadOnlySqlTransaction
    ):
        return WriteRefused(
            f"{shown}: this role may read the team's working set but not change it ({message})"
        )
    if "password authentication failed" in low or "no password supplied" in low:
        return WorksetError(f"{shown}: the server refused the user name or password")
    if isinstance(orig, psycopg.errors.UndefinedTable):
        return WorksetError(f"{shown}: the working-set tables are missing ({message})")
    if "does not exist" in low and "database" in low:
        return WorksetError(f"{shown}: {message}")
    if isinstance(orig, psycopg.ProgrammingError) and not isinstance(orig, psycopg.errors.Error):
        return WorksetError(f"{shown}: not a valid PostgreSQL URL ({message})")
    if "invalid" in low and ("connection option" in low or "uri" in low or "integer value" in low):
        return WorksetError(f"{shown}: not a valid PostgreSQL URL ({message})")
    if isinstance(orig, psycopg.OperationalError | sa_exc.DBAPIError | OSError) or isinstance(
        exc, sa_exc.OperationalError | sa_exc.InterfaceError
    ):
        if isinstance(orig, psycopg.errors.Error) and getattr(orig, "sqlstate", None):
            state = str(orig.sqlstate)
            if not state.startswith(("08", "57")):  # not a connection/shutdown error
                return WorksetError(f"{shown}: the server refused ({message})")
        return ServerUnreachable(f"{shown}: cannot reach the server ({message})")
    return WorksetError(f"{shown}: {message}")


class PgWorkset(SqlWorkset):
    """The team store, every call on the server. Nothing connects until the first call."""

    PIN = "dossier_pin"
    NOTE = "dossier_annotation"

    def __init__(self, url: str, author: str | None = None, *, connect_timeout: int = 5) -> None:
        super().__init__(author)
        check_url(url)
        self.url = url
        self.label = mask_url(url)
        self._connect_timeout = connect_timeout
        self._engine: sqlalchemy.Engine | None = None
        self._ready = False
        self._ready_lock = threading.Lock()

    def connect_raw(self, **kwargs: Any) -> psycopg.Connection[Any]:
        """A psycopg connection with the URL as given (libpq reads its options)."""
        options: dict[str, Any] = {"application_name": "dossier", **kwargs}
        if "connect_timeout" not in self.url:
            options["connect_timeout"] = self._connect_timeout
        try:
            return psycopg.connect(self.url, **options)
        except Exception as exc:
            raise explain(exc, self.url) from None

    def _engine_(self) -> sqlalchemy.Engine:
        if self._engine is None:
            self._engine = sqlalchemy.create_engine(
                "postgresql+psycopg://",
                creator=self.connect_raw,
                poolclass=QueuePool,
                pool_size=2,
                max_overflow=2,
            )
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
        self._ready = False

    # -- first use: the server's version, the tables --------------------------------------------

    def check(self) -> None:
        """Connect, check the server's version and the tables (creating them if missing and
        allowed): a :class:`WorksetError` in one line otherwise."""
        with self._ready_lock:
            if self._ready:
                return
            try:
                with self._engine_().connect() as conn:
                    number = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
                    if number < MIN_SERVER_VERSION:
                        raise WorksetError(
                            f"{self.label}: PostgreSQL {number // 10000} is not supported "
                            f"(use {MIN_SERVER_VERSION // 10000} or newer)"
                        )
                    if not self._has_tables(conn):
                        conn.rollback()
                        self._create(conn)
                    conn.rollback()
                    row = conn.execute(
                        text("SELECT value FROM dossier_meta WHERE key = 'version'")
                    ).first()
                    if row is not None and int(row[0]) > WORKSET_VERSION:
                        raise WorksetError(
                            f"{self.label}: the team's working set is version {row[0]}, newer "
                            f"than this program reads ({WORKSET_VERSION}); update dossier"
                        )
                    conn.rollback()
            except Exception as exc:
                raise explain(exc, self.url) from None
            self._ready = True

    @staticmethod
    def _has_tables(conn: sqlalchemy.Connection) -> bool:
        found = conn.execute(
            text(
                "SELECT to_regclass('dossier_pin') IS NOT NULL"
                " AND to_regclass('dossier_annotation') IS NOT NULL"
                " AND to_regclass('dossier_meta') IS NOT NULL"
            )
        ).scalar_one()
        return bool(found)

    def _create(self, conn: sqlalchemy.Connection) -> None:
        """Create the tables, one process at a time: a session lock first, then a transaction of
        its own (a new transaction sees what the lock's previous holder committed; the one that
        took the lock might not), in which they are looked for again."""
        try:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _LOCK_KEY})
            conn.commit()
            try:
                with conn.begin():
                    if self._has_tables(conn):
                        return  # made by another process meanwhile
                    SQLModel.metadata.create_all(conn, tables=TABLES)
                    conn.exec_driver_sql(_NOTIFY_DDL)
                    conn.execute(
                        text(
                            "INSERT INTO dossier_meta(key, value) VALUES ('version', :v)"
                            " ON CONFLICT (key) DO NOTHING"
                        ),
                        {"v": str(WORKSET_VERSION)},
                    )
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _LOCK_KEY})
                conn.commit()
        except sa_exc.DBAPIError as exc:
            if isinstance(exc.orig, psycopg.errors.InsufficientPrivilege):
                user = self._user()
                raise WorksetError(
                    f"{self.label}: the database has no working-set tables and role {user!r} may "
                    "not create them; ask its owner to open it once with dossier"
                ) from None
            raise

    def _user(self) -> str:
        try:
            return urlsplit(self.url).username or "?"
        except ValueError:
            return "?"

    # -- the store's part of SqlWorkset ----------------------------------------------------------

    def _read(self, sql: str, params: Mapping[str, object] | None = None) -> Rows:
        self.check()
        try:
            with self._engine_().connect() as conn:
                return [tuple(r) for r in conn.execute(text(sql), dict(params or {})).all()]
        except Exception as exc:
            raise explain(exc, self.url) from None

    def _tx(self, work: Callable[[Run], R]) -> R:
        self.check()
        try:
            with self._engine_().begin() as conn:

                def run(sql: str, params: Mapping[str, object]) -> tuple[Rows, int]:
                    result = conn.execute(text(sql), dict(params))
                    rows = [tuple(r) for r in result.all()] if result.returns_rows else []
                    return rows, result.rowcount

                return work(run)
        except WorksetError:
            raise
        except Exception as exc:
            raise explain(exc, self.url) from None
