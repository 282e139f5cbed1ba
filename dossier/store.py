"""Open a dossier database safely, and tell whether it is stale.

Everything here uses the standard library's ``sqlite3`` only: it is on the app's path to its first
screen. Errors are :class:`~dossier.errors.DossierError` with one line naming the path.
"""

from __future__ import annotations

import json
import sqlite3
import stat
import time
from pathlib import Path

from dossier import schema
from dossier.deferred import dataclass
from dossier.errors import NotADossierError, SchemaTooNewError, SchemaTooOldError
from dossier.sources import kind_of, sha256_hex, sha256_of

SQLITE_MAGIC = b"SQLite format 3\x00"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CASE = PROJECT_ROOT / "data" / "castillo-chavez.toml"
BUNDLED_DB = PROJECT_ROOT / "data" / "castillo-chavez.db"


@dataclass(frozen=True)
class Staleness:
    stale: bool
    reason: str
    meta: dict[str, str] | None = None
    """The dossier's meta table, read (and the file checked) on the way: when it is up to date,
    the caller need not open and check it again."""


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(16) == SQLITE_MAGIC


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``): the app never writes to a dossier."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only=1")
    return conn


def read_meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


QUICK_CHECK_BYTES = 256 * 1024 * 1024
"""Up to this size a dossier's every page is checked (``PRAGMA quick_check``) when it is opened:
~1 ms for the bundled case, about a second at this size. Above it, only before an export (see
:func:`check_integrity`), so that a million-quote dossier still opens in a blink."""


@dataclass(frozen=True)
class Identity:
    """What changes when a file is replaced or rewritten: a rebuild renames a new file into place."""

    inode: int
    mtime_ns: int
    size: int


def identity(path: Path) -> Identity | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return Identity(info.st_ino, info.st_mtime_ns, info.st_size)


def _damaged(path: Path, problem: str) -> NotADossierError:
    return NotADossierError(
        f"{path}: the database is damaged ({problem}); rebuild it with `dossier build` "
        "or use a good copy"
    )


def check_integrity(path: Path, conn: sqlite3.Connection | None = None) -> None:
    """``PRAGMA quick_check`` of every page of the dossier: :class:`NotADossierError` with the
    first problem found, in one line, when it is damaged."""
    own = conn is None
    try:
        if conn is None:
            conn = connect_readonly(path)
        try:
            row = conn.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            if own:
                conn.close()
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from None
    if row is None or row[0] != "ok":
        raise _damaged(path, str(row[0]) if row else "no answer from the check")


def validate(path: Path, *, integrity: bool | None = None) -> dict[str, str]:
    """Check that ``path`` is a dossier this program can read and return its meta table.

    Raises :class:`NotADossierError` for a missing path, a directory or another file that is not
    a regular file, a file that is not SQLite, SQLite without a dossier in it, or a damaged one
    (``PRAGMA quick_check``: always with ``integrity=True``, never with False, and by default
    up to :data:`QUICK_CHECK_BYTES`); :class:`SchemaTooNewError` for a newer schema version.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotADossierError(f"{path}: no such file") from None
    except OSError as exc:
        raise NotADossierError(f"{path}: cannot read the file ({exc.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise NotADossierError(f"{path}: is a directory, not a dossier database")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read below
        raise NotADossierError(f"{path}: is {kind_of(info.st_mode)}, not a dossier database")
    if integrity is None:
        integrity = info.st_size <= QUICK_CHECK_BYTES
    try:
        if not _is_sqlite(path):
            raise NotADossierError(f"{path}: not a SQLite database, so not a dossier")
    except PermissionError:
        raise NotADossierError(f"{path}: cannot read the file (permission denied)") from None
    except OSError as exc:
        raise NotADossierError(f"{path}: cannot read the file ({exc.strerror})") from None
    try:
        conn = connect_readonly(path)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "meta" not in tables:
                raise NotADossierError(
                    f"{path}: a SQLite database, but not a dossier (no meta table)"
                )
            meta = read_meta(conn)
            if integrity:
                check_integrity(path, conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADossierError(f"{path}: cannot read the database ({exc})") from None
    version_text = str(meta.get("schema_version", ""))
    if not version_text.isdigit():
        raise NotADossierError(f"{path}: a SQLite database, but not a dossier (no schema version)")
    version = int(version_text)
    if version > schema.SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path}: dossier schema version {version} is newer than this program reads "
            f"({schema.SCHEMA_VERSION}); upgrade dossier"
        )
    if version < schema.SCHEMA_VERSION:
        raise SchemaTooOldError(
            f"{path}: dossier schema version {version} is older than {schema.SCHEMA_VERSION}; "
            "rebuild it with `dossier build`"
        )
    missing = schema.REQUIRED_TABLES - tables
    if missing:
        raise NotADossierError(f"{path}: incomplete dossier (missing table {sorted(missing)[0]!r})")
    return meta


def check_replaceable(out: Path) -> None:
    """Refuse to build over something that is not a dossier, or into a folder that is not there."""
    if out.is_dir():
        raise NotADossierError(f"{out}: is a directory; give a database file path")
    if not out.parent.is_dir():
        raise NotADossierError(f"{out.parent}: no such folder for the database")
    if out.exists():
        try:
            validate(out)
        except (SchemaTooNewError, SchemaTooOldError):
            return  # a dossier of another version: ours to replace
        except NotADossierError:
            raise NotADossierError(
                f"{out}: exists and is not a dossier; refusing to overwrite it"
            ) from None


def _sha256(path: Path) -> str | None:
    try:
        return sha256_hex(path.read_bytes())
    except OSError:
        return None


def staleness(db: Path, case_path: Path, root: Path | None = None) -> Staleness:
    """Whether the database at ``db`` must be rebuilt from ``case_path`` (and why)."""
    root = root if root is not None else case_path.resolve().parent.parent
    if not db.exists():
        return Staleness(True, "no database yet")
    try:
        meta = validate(db)
    except SchemaTooNewError:
        raise
    except NotADossierError as exc:
        return Staleness(True, exc.message)
    if meta.get("case_sha256") != _sha256(case_path):
        return Staleness(True, f"{case_path.name} changed since the last build")
    try:
        sources = json.loads(meta.get("sources", "[]"))
    except json.JSONDecodeError:
        sources = None
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        return Staleness(True, "the database's source list is unreadable")
    for src in sources:
        file = str(src.get("file", ""))
        if sha256_of(root, file) != src.get("sha256"):
            return Staleness(True, f"source {file} changed since the last build")
    return Staleness(False, "up to date", meta)


def set_aside(db: Path) -> Path | None:
    """Move a database that is no readable dossier (damaged, not SQLite, or written by no
    dossier) out of the way so that it can be rebuilt: renamed beside itself, never deleted.
    Returns the new name, or None when there was nothing to move (or it is a good dossier)."""
    if not db.exists() and not db.is_symlink():
        return None
    try:
        validate(db, integrity=True)
        return None
    except (SchemaTooNewError, SchemaTooOldError):
        return None  # a dossier of another version: the build itself replaces or refuses it
    except NotADossierError:
        pass
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        aside = db.with_name(f"{db.name}.damaged-{stamp}" + (f"-{n}" if n else ""))
        if not aside.exists():
            db.rename(aside)
            return aside
    raise NotADossierError(f"{db}: damaged, and cannot be moved aside; move or remove it")
