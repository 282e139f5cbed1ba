"""The user's working set: pinned records and private annotations, kept apart from the case data.

They live in their own SQLite file beside the dossier (``castillo-chavez.workset.db`` beside
``castillo-chavez.db``), keyed by the records' stable ids, so a rebuild — which replaces the dossier
file — never touches them. Every change is one transaction with ``synchronous=FULL``: a process killed
while saving leaves the old or the new annotation, never a torn one. A pin or annotation whose record
has left the dossier is kept and reported as *orphaned*, never dropped silently.

Standard library only: the app opens the working set on its way to the first screen.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ParamSpec, TypeVar

from dossier.errors import DossierError
from dossier.queries import KIND_LABEL, Reader, RowData

P = ParamSpec("P")
R = TypeVar("R")

WORKSET_VERSION = 1
MAX_ANNOTATION_CHARS = 100_000
"""An annotation is a note, not a document: longer ones are refused (and reported on import)."""
MAX_IMPORT_LINE_BYTES = 2_000_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pin (
    record TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    pinned_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS pin_position ON pin(position);
CREATE TABLE IF NOT EXISTS annotation (
    record TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT ''
);
"""


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Serialise calls: the app reads and writes the working set from worker threads."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


class WorksetError(DossierError):
    """The working set cannot be read or written (a read-only folder, a corrupt file...)."""


@dataclass(frozen=True, slots=True)
class WorkItem:
    """A pinned or annotated record, with what was known of it when the user marked it."""

    record: str
    title: str
    kind: str
    position: int | None
    """Place in the pinned list (None: annotated, not pinned)."""
    annotation: str | None

    @property
    def pinned(self) -> bool:
        return self.position is not None


@dataclass
class ImportReport:
    taken: int = 0
    unchanged: int = 0
    """Lines taken that brought nothing new (an annotation already there)."""
    problems: list[str] = field(default_factory=list)
    """One line per skipped or altered input line, naming the line."""


def path_beside(db: Path) -> Path:
    """Where the working set of the dossier at ``db`` lives."""
    return db.with_name(f"{db.stem}.workset.db")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clean(text: str) -> tuple[str, bool]:
    """Remove control characters other than newline and tab; say whether any were removed."""
    kept = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs", "Co")
    )
    return kept.replace("\r\n", "\n"), kept != text


class Workset:
    """Pins and annotations of one dossier. Opened lazily; a folder that cannot be written makes
    :attr:`writable` false and every write raise :class:`WorksetError`, while reads return nothing."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self.problem: str | None = None
        """Why pins cannot be saved, if they cannot."""
        if path.exists():
            self._connect()
        elif not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            self.problem = f"{path}: pins and annotations cannot be saved (the folder is read-only)"

    def _connect(self) -> None:
        """Open the file, creating it on the first write: opening a dossier leaves no trace."""
        try:
            self._conn = self._open(self.path)
        except (sqlite3.Error, OSError) as exc:
            self._conn = None
            self.problem = f"{self.path}: pins and annotations cannot be saved ({_reason(exc)})"

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        if path.exists():
            with path.open("rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise sqlite3.DatabaseError("not a working-set file")
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5)
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
        version = conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()
        if version is None:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('version', ?)", (str(WORKSET_VERSION),)
            )
        elif int(version[0]) > WORKSET_VERSION:
            raise sqlite3.DatabaseError(f"working set version {version[0]} is newer")
        return conn

    @property
    def writable(self) -> bool:
        return self.problem is None

    @_locked
    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _db(self) -> sqlite3.Connection:
        if self._conn is None and self.problem is None:
            self._connect()
        if self._conn is None:
            raise WorksetError(self.problem or f"{self.path}: the working set is closed")
        return self._conn

    def _write(self, statements: Callable[[sqlite3.Connection], object]) -> None:
        conn = self._db()
        try:
            conn.execute("BEGIN IMMEDIATE")
            statements(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise WorksetError(f"{self.path}: could not save ({_reason(exc)})") from None

    # -- reading --------------------------------------------------------------------------------

    @_locked
    def items(self) -> list[WorkItem]:
        """Pinned records in their order, then records only annotated."""
        if self._conn is None:
            return []
        rows = self._conn.execute(
            "SELECT p.record, p.title, p.kind, p.position, a.text FROM pin p "
            "LEFT JOIN annotation a ON a.record = p.record ORDER BY p.position"
        ).fetchall()
        rows += self._conn.execute(
            "SELECT a.record, a.title, a.kind, NULL, a.text FROM annotation a "
            "WHERE a.record NOT IN (SELECT record FROM pin) ORDER BY a.record"
        ).fetchall()
        return [WorkItem(*r) for r in rows]

    @_locked
    def pinned(self, offset: int = 0, limit: int = -1) -> list[WorkItem]:
        if self._conn is None:
            return []
        return [
            WorkItem(*r)
            for r in self._conn.execute(
                "SELECT p.record, p.title, p.kind, p.position, a.text FROM pin p "
                "LEFT JOIN annotation a ON a.record = p.record ORDER BY p.position LIMIT ? OFFSET ?",
                (limit, offset),
            )
        ]

    @_locked
    def page(self, offset: int = 0, limit: int = -1) -> list[WorkItem]:
        """A page of :meth:`items`: pinned records in order, then records only annotated."""
        if self._conn is None:
            return []
        return [
            WorkItem(*r)
            for r in self._conn.execute(
                "SELECT record, title, kind, position, text FROM ("
                " SELECT p.record, p.title, p.kind, p.position, a.text, 0 AS part, p.position AS o"
                " FROM pin p LEFT JOIN annotation a ON a.record = p.record"
                " UNION ALL"
                " SELECT a.record, a.title, a.kind, NULL, a.text, 1, NULL FROM annotation a"
                " WHERE a.record NOT IN (SELECT record FROM pin)"
                ") ORDER BY part, o, record LIMIT ? OFFSET ?",
                (limit, offset),
            )
        ]

    @_locked
    def count(self) -> int:
        """How many records are pinned or annotated."""
        if self._conn is None:
            return 0
        return int(
            self._conn.execute(
                "SELECT (SELECT count(*) FROM pin) + (SELECT count(*) FROM annotation "
                "WHERE record NOT IN (SELECT record FROM pin))"
            ).fetchone()[0]
        )

    @_locked
    def pin_count(self) -> int:
        if self._conn is None:
            return 0
        return int(self._conn.execute("SELECT count(*) FROM pin").fetchone()[0])

    def pinned_ids(self) -> list[str]:
        return [item.record for item in self.pinned()]

    @_locked
    def is_pinned(self, record: str) -> bool:
        if self._conn is None:
            return False
        return (
            self._conn.execute("SELECT 1 FROM pin WHERE record=?", (record,)).fetchone() is not None
        )

    @_locked
    def annotation(self, record: str) -> str | None:
        if self._conn is None:
            return None
        row = self._conn.execute("SELECT text FROM annotation WHERE record=?", (record,)).fetchone()
        return row[0] if row else None

    @_locked
    def marks(self) -> dict[str, str]:
        """Record id → its mark in lists: ``★`` pinned, ``✎`` annotated."""
        if self._conn is None:
            return {}
        marks: dict[str, str] = {}
        for (record,) in self._conn.execute("SELECT record FROM pin"):
            marks[record] = "★"
        for (record,) in self._conn.execute("SELECT record FROM annotation"):
            marks[record] = marks.get(record, "") + "✎"
        return marks

    def orphans(self, known: Callable[[str], bool]) -> list[WorkItem]:
        """Items whose record is not in the dossier (``known`` says whether an id is)."""
        return [item for item in self.items() if not known(item.record)]

    # -- writing --------------------------------------------------------------------------------

    @_locked
    def pin(self, record: str, title: str = "", kind: str = "") -> bool:
        """Pin ``record`` at the end of the list; False if it was pinned already."""
        if self.is_pinned(record):
            return False

        def go(conn: sqlite3.Connection) -> None:
            end = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM pin").fetchone()[0]
            conn.execute(
                "INSERT INTO pin(record, position, pinned_at, title, kind) VALUES (?, ?, ?, ?, ?)",
                (record, end, _now(), title, kind),
            )

        self._write(go)
        return True

    @_locked
    def unpin(self, record: str) -> bool:
        if not self.is_pinned(record):
            return False
        self._write(lambda conn: conn.execute("DELETE FROM pin WHERE record=?", (record,)))
        return True

    @_locked
    def toggle(self, record: str, title: str = "", kind: str = "") -> bool:
        """Pin or unpin; returns whether the record is now pinned."""
        if self.unpin(record):
            return False
        self.pin(record, title, kind)
        return True

    @_locked
    def move(self, record: str, delta: int) -> bool:
        """Move a pinned record ``delta`` places (−1 up, +1 down); False at either end."""
        order = self.pinned_ids()
        if record not in order:
            return False
        at = order.index(record)
        to = at + delta
        if not 0 <= to < len(order):
            return False
        order.insert(to, order.pop(at))

        def go(conn: sqlite3.Connection) -> None:
            for position, rid in enumerate(order, start=1):
                conn.execute("UPDATE pin SET position=? WHERE record=?", (position, rid))

        self._write(go)
        return True

    @_locked
    def annotate(self, record: str, text: str, title: str = "", kind: str = "") -> None:
        """Save the annotation of ``record`` (an empty text removes it)."""
        text, _ = _clean(text)
        if len(text) > MAX_ANNOTATION_CHARS:
            raise WorksetError(
                f"annotation of {record!r} is {len(text):,} characters; the limit is "
                f"{MAX_ANNOTATION_CHARS:,}"
            )
        if not text.strip():
            self._write(
                lambda conn: conn.execute("DELETE FROM annotation WHERE record=?", (record,))
            )
            return
        self._write(
            lambda conn: conn.execute(
                "INSERT INTO annotation(record, text, updated_at, title, kind) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(record) DO UPDATE SET text=excluded.text, "
                "updated_at=excluded.updated_at, title=excluded.title, kind=excluded.kind",
                (record, text, _now(), title, kind),
            )
        )

    @_locked
    def drop(self, record: str) -> bool:
        """Remove a record's pin and annotation (for orphans the user decided to let go)."""
        found = self.is_pinned(record) or self.annotation(record) is not None
        if not found:
            return False

        def go(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM pin WHERE record=?", (record,))
            conn.execute("DELETE FROM annotation WHERE record=?", (record,))

        self._write(go)
        return True

    @_locked
    def reattach(self, old: str, new: str, title: str = "", kind: str = "") -> None:
        """Move the pin and annotation of ``old`` to ``new``, merging with what ``new`` has."""
        pinned_old = self.is_pinned(old)
        note_old = self.annotation(old)
        if not pinned_old and note_old is None:
            raise WorksetError(f"nothing pinned or annotated under {old!r}")
        note_new = self.annotation(new)

        def go(conn: sqlite3.Connection) -> None:
            if pinned_old:
                if self.is_pinned(new):
                    conn.execute("DELETE FROM pin WHERE record=?", (old,))
                else:
                    conn.execute(
                        "UPDATE pin SET record=?, title=?, kind=? WHERE record=?",
                        (new, title, kind, old),
                    )
            if note_old is not None:
                merged = (
                    note_old
                    if note_new is None
                    else f"{note_new}\n\n— moved from {old} —\n{note_old}"
                )
                conn.execute("DELETE FROM annotation WHERE record IN (?, ?)", (old, new))
                conn.execute(
                    "INSERT INTO annotation(record, text, updated_at, title, kind) VALUES (?, ?, ?, ?, ?)",
                    (new, merged, _now(), title, kind),
                )

        self._write(go)

    # -- sharing --------------------------------------------------------------------------------

    def export_lines(self) -> Iterator[str]:
        """One JSON object a line: the pinned records in order, then the only-annotated ones."""
        for item in self.items():
            obj: dict[str, object] = {"record": item.record, "pinned": item.pinned}
            if item.title:
                obj["title"] = item.title
            if item.kind:
                obj["kind"] = item.kind
            if item.annotation is not None:
                obj["annotation"] = item.annotation
            yield json.dumps(obj, ensure_ascii=False, sort_keys=True)

    @_locked
    def import_lines(
        self, lines: Iterable[str | bytes], known: Callable[[str], tuple[str, str] | None]
    ) -> ImportReport:
        """Take each valid line; report every other one by its number. ``known`` gives the title and
        kind of a record id of the dossier, or None. Existing annotations are kept: an imported one
        that differs is appended below them."""
        report = ImportReport()
        seen: dict[str, int] = {}
        for number, raw in enumerate(lines, start=1):
            where = f"line {number}"
            if isinstance(raw, bytes):
                if len(raw) > MAX_IMPORT_LINE_BYTES:
                    report.problems.append(f"{where}: {len(raw):,} bytes is too long; skipped")
                    continue
                try:
                    raw = raw.decode("utf-8")
                except UnicodeDecodeError:
                    report.problems.append(f"{where}: not UTF-8 text; skipped")
                    continue
            if len(raw) > MAX_IMPORT_LINE_BYTES:
                report.problems.append(f"{where}: {len(raw):,} characters is too long; skipped")
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                report.problems.append(
                    f"{where}: not JSON ({exc.msg} at column {exc.colno}); skipped"
                )
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("record"), str):
                report.problems.append(f'{where}: expected an object with a "record" id; skipped')
                continue
            record = obj["record"]
            if record in seen:
                report.problems.append(f"{where}: {record!r} repeats line {seen[record]}; skipped")
                continue
            seen[record] = number
            info = known(record)
            if info is None:
                report.problems.append(f"{where}: no record {record!r} in this dossier; skipped")
                continue
            title, kind = info
            pinned = obj.get("pinned", False)
            note = obj.get("annotation")
            if not isinstance(pinned, bool) or (note is not None and not isinstance(note, str)):
                report.problems.append(
                    f'{where}: "pinned" must be true/false and "annotation" text; skipped'
                )
                continue
            if note is not None:
                note, altered = _clean(note)
                if altered:
                    report.problems.append(
                        f"{where}: control characters removed from the annotation"
                    )
                if len(note) > MAX_ANNOTATION_CHARS:
                    report.problems.append(
                        f"{where}: annotation of {len(note):,} characters is over the "
                        f"{MAX_ANNOTATION_CHARS:,} limit; skipped"
                    )
                    continue
            try:
                if pinned:
                    self.pin(record, title, kind)
                if note and note.strip():
                    existing = self.annotation(record)
                    if existing is None:
                        self.annotate(record, note, title, kind)
                    elif note.strip() in existing:
                        report.unchanged += 1
                    else:
                        merged = f"{existing}\n\n— imported —\n{note}"
                        if len(merged) > MAX_ANNOTATION_CHARS:
                            report.problems.append(
                                f"{where}: merged annotation would exceed the limit; skipped"
                            )
                            continue
                        self.annotate(record, merged, title, kind)
            except WorksetError as exc:
                report.problems.append(f"{where}: {exc.message}")
                continue
            report.taken += 1
        return report


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "the folder or file is read-only"
    return text


def pinned_rows(workset: Workset, reader: Reader, offset: int, limit: int) -> list[RowData]:
    """A page of the Pinned pane: pinned records in the user's order, then those only annotated
    (numbered ✎); orphans marked as such."""
    items = workset.page(offset, limit)
    known = reader.records([item.record for item in items])
    rows = []
    for n, item in enumerate(items):
        info = known.get(item.record)
        if info is not None:
            title, kind = info
            kind_label = KIND_LABEL.get(kind, kind)
        else:
            title, kind, kind_label = (
                f"(orphaned) {item.title or item.record}",
                "orphan",
                "orphaned",
            )
        note = (item.annotation or "").strip().splitlines()
        rows.append(
            RowData(
                offset + n,
                item.record,
                kind,
                (
                    str(offset + n + 1) if item.position is not None else "✎",
                    title,
                    kind_label,
                    note[0] if note else "",
                ),
            )
        )
    return rows
