"""Open a dossier database safely, and tell whether it is stale.

Everything here uses the standard library's ``sqlite3`` only: it is on the app's path to its first
screen. Errors are :class:`~dossier.errors.DossierError` with one line naming the path.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dossier import schema
from dossier.errors import NotADossierError, SchemaTooNewError, SchemaTooOldError

SQLITE_MAGIC = b"SQLite format 3\x00"

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_CASE = PROJECT_ROOT / "data" / "castillo-chavez.toml"
BUNDLED_DB = PROJECT_ROOT / "data" / "castillo-chavez.db"


@dataclass(frozen=True, slots=True)
class Staleness:
    stale: bool
    reason: str


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


def validate(path: Path) -> dict[str, str]:
    """Check that ``path`` is a dossier this program can read and return its meta table.

    Raises :class:`NotADossierError` for a missing path, a directory, a file that is not SQLite, or
    SQLite without a dossier in it; :class:`SchemaTooNewError` for a newer schema version.
    """
    if not path.exists():
        raise NotADossierError(f"{path}: no such file")
    if path.is_dir():
        raise NotADossierError(f"{path}: is a directory, not a dossier database")
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
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise NotADossierError(f"{path}: cannot read the database ({exc})") from None
    version_text = meta.get("schema_version", "")
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
        return hashlib.sha256(path.read_bytes()).hexdigest()
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
        return Staleness(True, "the database's source list is unreadable")
    for src in sources:
        if _sha256(root / src["file"]) != src["sha256"]:
            return Staleness(True, f"source {src['file']} changed since the last build")
    return Staleness(False, "up to date")
