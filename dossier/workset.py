"""The working set: pinned records and annotations, kept apart from the case data.

One interface, two stores. The default is a SQLite file beside the dossier
(``castillo-chavez.workset.db`` beside ``castillo-chavez.db``), standard library only, since the app
opens it on its way to the first screen. A team's working set lives on PostgreSQL
(:mod:`dossier.teamset`, chosen with ``--workset postgresql://…`` or ``DOSSIER_WORKSET``); both share
the SQL of this module and one contract test suite.

Everything is keyed by the records' stable ids, so a rebuild never touches it, and by **author**: each
pin and annotation is someone's (``--as``, ``DOSSIER_AUTHOR`` or the OS user) with a time, so two
people annotating one record never overwrite each other. An annotation carries a ``version``: a save
names the version it was edited from (compare-and-set), and one that changed meanwhile is refused as
an :class:`AnnotationConflict` carrying both texts. Pinning and unpinning are explicit intents on the
author's own pin: never a toggle on what another session last saw. A pin or annotation whose record
has left the dossier is kept and reported as *orphaned*, never dropped silently.

A working set that exists but cannot be read (corrupt, not a working set, newer than this program)
is an error on every read, never an empty list.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sqlite3
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

from dossier.deferred import dataclass
from dossier.errors import DossierError
from dossier.queries import Reader, RowData

P = ParamSpec("P")
R = TypeVar("R")

WORKSET_VERSION = 2
"""2: pins and annotations per author, annotations versioned. Version 1 files are upgraded."""
MAX_ANNOTATION_CHARS = 100_000
"""An annotation is a note, not a document: longer ones are refused (and reported on import)."""
MAX_IMPORT_LINE_BYTES = 2_000_000
MAX_IMPORT_BYTES = 256_000_000
"""An import reads at most this much (``/dev/zero`` included), then stops with a report."""
MAX_IMPORT_PROBLEMS = 20
"""An import names this many skipped lines, then counts the rest."""
MAX_AUTHOR_CHARS = 64
_NO_LIMIT = 1 << 62

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pin (
    record TEXT NOT NULL,
    author TEXT NOT NULL,
    position INTEGER NOT NULL,
    pinned_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record, author)
);
CREATE INDEX IF NOT EXISTS pin_position ON pin(position);
CREATE TABLE IF NOT EXISTS annotation (
    record TEXT NOT NULL,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (record, author)
);
"""

_UPGRADE_FROM_1 = """
ALTER TABLE pin RENAME TO pin_v1;
ALTER TABLE annotation RENAME TO annotation_v1;
DROP INDEX IF EXISTS pin_position;
{schema}
INSERT INTO pin(record, author, position, pinned_at, title, kind)
    SELECT record, :author, position, pinned_at, title, kind FROM pin_v1;
INSERT INTO annotation(record, author, text, updated_at, title, kind, version)
    SELECT record, :author, text, updated_at, title, kind, 1 FROM annotation_v1;
DROP TABLE pin_v1;
DROP TABLE annotation_v1;
"""


class WorksetError(DossierError):
    """The working set cannot be read or written (a read-only folder, a corrupt file, a server
    that refuses...)."""

    transient = False
    """True when trying again later may work (a server out of reach): an import stops there."""


class AnnotationConflict(WorksetError):
    """The annotation changed since the editor opened it (another session of the same author):
    nothing was saved; both texts are here to be shown and kept."""

    def __init__(self, record: str, mine: str, theirs: str | None, version: int) -> None:
        super().__init__(
            f"the annotation of {record!r} was changed elsewhere since you opened it; "
            "nothing was overwritten"
        )
        self.record = record
        self.mine = mine
        self.theirs = theirs
        """The text saved meanwhile (None: it was removed meanwhile)."""
        self.version = version
        """Its version: save against this one to replace it."""

    def merged(self) -> str:
        """Both texts, for the editor: the user's first, then the one saved meanwhile."""
        if not self.theirs:
            return self.mine
        return f"{self.mine}\n\n— saved meanwhile elsewhere —\n{self.theirs}"


@dataclass(frozen=True)
class WorkItem:
    """One author's pin and/or annotation on a record, with what was known of the record when it
    was marked."""

    record: str
    title: str
    kind: str
    position: int | None
    """Place in the pinned list (None: annotated, not pinned)."""
    annotation: str | None
    author: str = ""
    at: str = ""
    """When it was pinned (or, only annotated, last annotated): ISO 8601, UTC."""
    version: int = 0
    """The annotation's version (0: none)."""

    @property
    def pinned(self) -> bool:
        return self.position is not None


@dataclass
class ImportReport:
    taken: int = 0
    unchanged: int = 0
    """Lines taken that brought nothing new (an annotation already there)."""
    problems: list[str] = field(default_factory=list)
    """One line per skipped or altered input line, naming the line (the first
    :data:`MAX_IMPORT_PROBLEMS`; :attr:`more_problems` counts the others)."""
    more_problems: int = 0
    stopped: str | None = None
    """Why the import stopped before the end of its input (too big), if it did."""

    def problem(self, text: str) -> None:
        if len(self.problems) < MAX_IMPORT_PROBLEMS:
            self.problems.append(text)
        else:
            self.more_problems += 1

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def summary_lines(self) -> list[str]:
        """What to tell the user about the skipped lines: each named, then a count of the rest."""
        lines = list(self.problems)
        if self.more_problems:
            lines.append(f"… and {self.more_problems:,} more problem lines (not shown)")
        if self.stopped:
            lines.append(self.stopped)
        return lines


def path_beside(db: Path) -> Path:
    """Where the local working set of the dossier at ``db`` lives."""
    return db.with_name(f"{db.stem}.workset.db")


def clean_author(name: str) -> str:
    """An author's name as stored: one line of printable text, at most 64 characters."""
    text = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return " ".join(text.split())[:MAX_AUTHOR_CHARS]


def default_author(given: str | None = None) -> str:
    """Who is working: ``--as NAME``, else ``DOSSIER_AUTHOR``, else the OS user."""
    for candidate in (given, os.environ.get("DOSSIER_AUTHOR")):
        if candidate and clean_author(candidate):
            return clean_author(candidate)
    import getpass  # with termios and pwd: only when no name was given

    try:
        user = getpass.getuser()
    except Exception:  # no user name in the environment nor the password database
        user = ""
    return clean_author(user) or "me"


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _clean(text: str) -> tuple[str, bool]:
    """Remove control characters other than newline and tab; say whether any were removed."""
    kept = "".join(
        c for c in text if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cs", "Co")
    )
    return kept.replace("\r\n", "\n"), kept != text


def _locked(method: Callable[P, R]) -> Callable[P, R]:
    """Serialise calls: the app reads and writes the working set from worker threads."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with args[0]._lock:  # type: ignore[attr-defined]
            return method(*args, **kwargs)

    return wrapper


Rows = list[tuple[Any, ...]]
Run = Callable[[str, Mapping[str, object]], tuple[Rows, int]]
"""Run one statement (named ``:parameters``) in the current transaction: its rows and row count."""


class SqlWorkset:
    """The working set over SQL both stores understand. A store supplies :meth:`_read` (one
    statement, outside a transaction) and :meth:`_tx` (a function of :data:`Run`, in one
    transaction), and the table names."""

    PIN = "pin"
    NOTE = "annotation"
    label = ""
    """How the header names this working set (a path, or a URL without its password)."""

    def __init__(self, author: str | None = None) -> None:
        self.author = default_author(author)
        self._lock = threading.RLock()
        self.problem: str | None = None
        """Why pins cannot be saved, if they cannot."""

    # -- the store's part -------------------------------------------------------------------------

    def _read(self, sql: str, params: Mapping[str, object] | None = None) -> Rows:
        raise NotImplementedError

    def _tx(self, work: Callable[[Run], R]) -> R:
        raise NotImplementedError

    def close(self) -> None:
        """Let go of the store's connections."""

    @property
    def writable(self) -> bool:
        return self.problem is None

    # -- reading --------------------------------------------------------------------------------

    def _who(self, author: str | None) -> dict[str, object]:
        return {"who": author}

    def _items_sql(self) -> str:
        pin, note = self.PIN, self.NOTE
        return (
            "SELECT record, title, kind, position, text, author, at, version FROM ("
            " SELECT p.record AS record, p.title AS title, p.kind AS kind,"
            " p.position AS position, a.text AS text, p.author AS author, p.pinned_at AS at,"
            " a.version AS version, 0 AS part"
            f" FROM {pin} p LEFT JOIN {note} a ON a.record = p.record AND a.author = p.author"
            " WHERE (CAST(:who AS TEXT) IS NULL OR p.author = CAST(:who AS TEXT))"
            " UNION ALL"
            " SELECT a.record, a.title, a.kind, NULL, a.text, a.author, a.updated_at, a.version, 1"
            f" FROM {note} a WHERE NOT EXISTS (SELECT 1 FROM {pin} p"
            " WHERE p.record = a.record AND p.author = a.author)"
            " AND (CAST(:who AS TEXT) IS NULL OR a.author = CAST(:who AS TEXT))"
            ") AS items ORDER BY part, position, record, author LIMIT :limit OFFSET :offset"
        )

    @staticmethod
    def _item(row: tuple[Any, ...]) -> WorkItem:
        record, title, kind, position, text, author, at, version = row
        if isinstance(at, dt.datetime):
            at = at.astimezone(dt.UTC).isoformat(timespec="seconds")
        return WorkItem(
            record, title, kind, position, text, author, str(at or ""), int(version or 0)
        )

    @_locked
    def page(self, offset: int = 0, limit: int = -1, author: str | None = None) -> list[WorkItem]:
        """A page of :meth:`items`: pinned records in order, then records only annotated;
        everyone's, or one ``author``'s."""
        params = {
            **self._who(author),
            "limit": limit if limit >= 0 else _NO_LIMIT,
            "offset": offset,
        }
        return [self._item(r) for r in self._read(self._items_sql(), params)]

    def items(self, author: str | None = None) -> list[WorkItem]:
        """Pinned records in their order, then records only annotated."""
        return self.page(author=author)

    @_locked
    def pinned(self, offset: int = 0, limit: int = -1, author: str | None = None) -> list[WorkItem]:
        return [item for item in self.page(author=author) if item.pinned][
            offset : None if limit < 0 else offset + limit
        ]

    @_locked
    def count(self, author: str | None = None) -> int:
        """How many rows the Pinned pane has: pins, then annotations without a pin."""
        pin, note = self.PIN, self.NOTE
        rows = self._read(
            f"SELECT (SELECT count(*) FROM {pin} p"
            " WHERE CAST(:who AS TEXT) IS NULL OR p.author = CAST(:who AS TEXT))"
            f" + (SELECT count(*) FROM {note} a WHERE NOT EXISTS (SELECT 1 FROM {pin} p"
            " WHERE p.record = a.record AND p.author = a.author)"
            " AND (CAST(:who AS TEXT) IS NULL OR a.author = CAST(:who AS TEXT)))",
            self._who(author),
        )
        return int(rows[0][0]) if rows else 0

    @_locked
    def pin_count(self, author: str | None = None) -> int:
        rows = self._read(
            f"SELECT count(*) FROM {self.PIN}"
            " WHERE CAST(:who AS TEXT) IS NULL OR author = CAST(:who AS TEXT)",
            self._who(author),
        )
        return int(rows[0][0]) if rows else 0

    def pinned_ids(self, author: str | None = None) -> list[str]:
        """Pinned record ids in order, each once (everyone's, unless ``author``)."""
        return list(dict.fromkeys(item.record for item in self.pinned(author=author)))

    @_locked
    def is_pinned(self, record: str, author: str | None = None) -> bool:
        """Whether the record is pinned by ``author`` (by default: by whoever is working)."""
        return bool(
            self._read(
                f"SELECT 1 FROM {self.PIN} WHERE record = :record AND author = :author",
                {"record": record, "author": author or self.author},
            )
        )

    @_locked
    def note(self, record: str, author: str | None = None) -> tuple[str, int] | None:
        """The annotation of ``record`` by ``author`` (by default: whoever is working) and its
        version, or None."""
        rows = self._read(
            f"SELECT text, version FROM {self.NOTE} WHERE record = :record AND author = :author",
            {"record": record, "author": author or self.author},
        )
        return (rows[0][0], int(rows[0][1])) if rows else None

    def annotation(self, record: str, author: str | None = None) -> str | None:
        found = self.note(record, author)
        return found[0] if found else None

    @_locked
    def notes_of(self, record: str) -> list[tuple[str, str]]:
        """Everyone's annotations of ``record``: (author, text), the working author's first."""
        rows = self._read(
            f"SELECT author, text FROM {self.NOTE} WHERE record = :record ORDER BY author",
            {"record": record},
        )
        return sorted(((a, t) for a, t in rows), key=lambda r: r[0] != self.author)

    @_locked
    def marks(self) -> dict[str, str]:
        """Record id → its mark in lists: ``★`` pinned by you, ``☆`` pinned only by others,
        ``✎`` annotated (by anyone)."""
        marks: dict[str, str] = {}
        for record, author in self._read(f"SELECT record, author FROM {self.PIN}"):
            if author == self.author or marks.get(record) != "★":
                marks[record] = "★" if author == self.author else "☆"
        for (record,) in self._read(f"SELECT DISTINCT record FROM {self.NOTE}"):
            marks[record] = marks.get(record, "") + "✎"
        return marks

    @_locked
    def annotations(self) -> dict[str, tuple[str, int]]:
        """The working author's annotations: record → (text, version)."""
        return {
            r: (t, int(v))
            for r, t, v in self._read(
                f"SELECT record, text, version FROM {self.NOTE} WHERE author = :author",
                {"author": self.author},
            )
        }

    def orphans(self, known: Callable[[str], bool]) -> list[WorkItem]:
        """Items whose record is not in the dossier (``known`` says whether an id is)."""
        return [item for item in self.items() if not known(item.record)]

    # -- writing --------------------------------------------------------------------------------

    def _pin_in(self, run: Run, record: str, title: str, kind: str, author: str, at: str) -> int:
        _, added = run(
            f"INSERT INTO {self.PIN}(record, author, position, pinned_at, title, kind)"
            f" SELECT :record, :author, coalesce(max(position), 0) + 1, :at, :title, :kind"
            f" FROM {self.PIN} WHERE true ON CONFLICT (record, author) DO NOTHING",
            {"record": record, "author": author, "at": at, "title": title, "kind": kind},
        )
        return added

    @_locked
    def pin(self, record: str, title: str = "", kind: str = "") -> bool:
        """Pin ``record`` (as the working author) at the end of the list; False if it was pinned
        already. Idempotent, and safe from any number of processes at once."""
        return bool(
            self._tx(lambda run: self._pin_in(run, record, title, kind, self.author, now()))
        )

    @_locked
    def unpin(self, record: str) -> bool:
        """Remove the working author's pin of ``record`` (nobody else's); False if there was none."""
        return bool(
            self._tx(
                lambda run: run(
                    f"DELETE FROM {self.PIN} WHERE record = :record AND author = :author",
                    {"record": record, "author": self.author},
                )[1]
            )
        )

    def toggle(self, record: str, title: str = "", kind: str = "") -> bool:
        """Pin or unpin the working author's pin; returns whether the record is now pinned."""
        if self.unpin(record):
            return False
        self.pin(record, title, kind)
        return True

    @_locked
    def move(self, record: str, delta: int) -> bool:
        """Move one of the working author's pins ``delta`` places among their pins (−1 up, +1
        down); False at either end."""

        def go(run: Run) -> bool:
            rows, _ = run(
                f"SELECT record, position FROM {self.PIN} WHERE author = :author"
                " ORDER BY position, record",
                {"author": self.author},
            )
            order = [r for r, _ in rows]
            if record not in order:
                return False
            at = order.index(record)
            to = at + delta
            if not 0 <= to < len(order):
                return False
            positions = sorted(int(p) for _, p in rows)
            order.insert(to, order.pop(at))
            for position, rid in zip(positions, order, strict=True):
                run(
                    f"UPDATE {self.PIN} SET position = :position"
                    " WHERE record = :record AND author = :author",
                    {"position": position, "record": rid, "author": self.author},
                )
            if len(set(positions)) != len(positions):  # ties (pins made at once): spread them
                base = positions[0]
                for n, rid in enumerate(order):
                    run(
                        f"UPDATE {self.PIN} SET position = :position"
                        " WHERE record = :record AND author = :author",
                        {"position": base + n, "record": rid, "author": self.author},
                    )
            return True

        return self._tx(go)

    def _note_in(
        self,
        run: Run,
        record: str,
        text: str,
        title: str,
        kind: str,
        expected: int | None,
        author: str,
        at: str,
    ) -> int:
        key = {"record": record, "author": author}
        if not text.strip():  # an empty text removes the annotation
            if expected is None:
                run(f"DELETE FROM {self.NOTE} WHERE record = :record AND author = :author", key)
            elif expected == 0:
                if self._current(run, key) is not None:
                    raise self._conflict(run, key, text)
            elif not run(
                f"DELETE FROM {self.NOTE} WHERE record = :record AND author = :author"
                " AND version = :expected",
                {**key, "expected": expected},
            )[1]:
                raise self._conflict(run, key, text)
            return 0
        values = {**key, "text": text, "at": at, "title": title, "kind": kind}
        if expected is None:
            rows, _ = run(
                f"INSERT INTO {self.NOTE}(record, author, text, updated_at, title, kind, version)"
                " VALUES (:record, :author, :text, :at, :title, :kind, 1)"
                " ON CONFLICT (record, author) DO UPDATE SET text = excluded.text,"
                f" updated_at = excluded.updated_at, title = excluded.title, kind = excluded.kind,"
                f" version = {self.NOTE}.version + 1 RETURNING version",
                values,
            )
            return int(rows[0][0])
        if expected == 0:
            rows, _ = run(
                f"INSERT INTO {self.NOTE}(record, author, text, updated_at, title, kind, version)"
                " VALUES (:record, :author, :text, :at, :title, :kind, 1)"
                " ON CONFLICT (record, author) DO NOTHING RETURNING version",
                values,
            )
        else:
            rows, _ = run(
                f"UPDATE {self.NOTE} SET text = :text, updated_at = :at, title = :title,"
                " kind = :kind, version = version + 1"
                " WHERE record = :record AND author = :author AND version = :expected"
                " RETURNING version",
                {**values, "expected": expected},
            )
        if not rows:
            raise self._conflict(run, key, text)
        return int(rows[0][0])

    def _current(self, run: Run, key: Mapping[str, object]) -> tuple[str, int] | None:
        rows, _ = run(
            f"SELECT text, version FROM {self.NOTE} WHERE record = :record AND author = :author",
            key,
        )
        return (rows[0][0], int(rows[0][1])) if rows else None

    def _conflict(self, run: Run, key: Mapping[str, object], mine: str) -> AnnotationConflict:
        current = self._current(run, key)
        return AnnotationConflict(
            str(key["record"]),
            mine,
            current[0] if current else None,
            current[1] if current else 0,
        )

    @staticmethod
    def _checked(record: str, text: str) -> str:
        text, _ = _clean(text)
        if len(text) > MAX_ANNOTATION_CHARS:
            raise WorksetError(
                f"annotation of {record!r} is {len(text):,} characters; the limit is "
                f"{MAX_ANNOTATION_CHARS:,}"
            )
        return text

    @_locked
    def annotate(
        self,
        record: str,
        text: str,
        title: str = "",
        kind: str = "",
        *,
        expected: int | None = None,
    ) -> int:
        """Save the working author's annotation of ``record`` (an empty text removes it); returns
        its new version (0: removed). ``expected``: the version the text was edited from (0: there
        was none); if the annotation is at another version now, nothing is saved and
        :class:`AnnotationConflict` says so with both texts. None saves unconditionally."""
        text = self._checked(record, text)
        return self._tx(
            lambda run: self._note_in(run, record, text, title, kind, expected, self.author, now())
        )

    @_locked
    def drop(self, record: str) -> bool:
        """Remove the working author's pin and annotation of a record (for orphans the user
        decided to let go)."""

        def go(run: Run) -> bool:
            key = {"record": record, "author": self.author}
            _, pins = run(
                f"DELETE FROM {self.PIN} WHERE record = :record AND author = :author", key
            )
            _, notes = run(
                f"DELETE FROM {self.NOTE} WHERE record = :record AND author = :author", key
            )
            return bool(pins or notes)

        return self._tx(go)

    @_locked
    def reattach(self, old: str, new: str, title: str = "", kind: str = "") -> None:
        """Move the working author's pin and annotation of ``old`` to ``new``, merging with what
        ``new`` has."""
        me = self.author

        def go(run: Run) -> None:
            old_key = {"record": old, "author": me}
            new_key = {"record": new, "author": me}
            pinned_old = run(
                f"SELECT 1 FROM {self.PIN} WHERE record = :record AND author = :author", old_key
            )[0]
            note_old = self._current(run, old_key)
            if not pinned_old and note_old is None:
                raise WorksetError(f"nothing pinned or annotated under {old!r}")
            if pinned_old:
                if run(
                    f"SELECT 1 FROM {self.PIN} WHERE record = :record AND author = :author",
                    new_key,
                )[0]:
                    run(
                        f"DELETE FROM {self.PIN} WHERE record = :record AND author = :author",
                        old_key,
                    )
                else:
                    run(
                        f"UPDATE {self.PIN} SET record = :new, title = :title, kind = :kind"
                        " WHERE record = :old AND author = :author",
                        {"new": new, "old": old, "author": me, "title": title, "kind": kind},
                    )
            if note_old is not None:
                note_new = self._current(run, new_key)
                merged = (
                    note_old[0]
                    if note_new is None
                    else f"{note_new[0]}\n\n— moved from {old} —\n{note_old[0]}"
                )
                run(f"DELETE FROM {self.NOTE} WHERE record = :record AND author = :author", old_key)
                self._note_in(run, new, merged, title, kind, None, me, now())

        self._tx(go)

    # -- sharing --------------------------------------------------------------------------------

    def export_lines(self) -> Iterator[str]:
        """One JSON object a line: the pinned records in order, then the only-annotated ones,
        each with its author and time."""
        for item in self.items():
            obj: dict[str, object] = {"record": item.record, "pinned": item.pinned}
            if item.title:
                obj["title"] = item.title
            if item.kind:
                obj["kind"] = item.kind
            if item.annotation is not None:
                obj["annotation"] = item.annotation
            if item.author:
                obj["author"] = item.author
            if item.at:
                obj["at"] = item.at
            yield json.dumps(obj, ensure_ascii=False, sort_keys=True)

    @_locked
    def import_lines(
        self,
        lines: Iterable[str | bytes | BaseException],
        known: Callable[[str], tuple[str, str] | None] | None,
    ) -> ImportReport:
        """Take each valid line; report every other one by its number. ``known`` gives the title and
        kind of a record id of the dossier, or None (``known=None``: take every id, as when moving
        a working set between stores). Existing annotations are kept: an imported one that differs
        is appended below them. A line's ``author`` is kept (else it is the working author's)."""
        report = ImportReport()
        seen: dict[tuple[str, str], int] = {}
        for number, raw in enumerate(lines, start=1):
            where = f"line {number}"
            if isinstance(raw, BaseException):  # the reader's word: a line too long, a file too big
                if isinstance(raw, ImportStopped):
                    report.stopped = f"{where}: {raw}; stopped here"
                    break
                report.problem(f"{where}: {raw}; skipped")
                continue
            if isinstance(raw, bytes):
                if len(raw) > MAX_IMPORT_LINE_BYTES:
                    report.problem(f"{where}: {len(raw):,} bytes is too long; skipped")
                    continue
                try:
                    raw = raw.decode("utf-8")
                except UnicodeDecodeError:
                    report.problem(f"{where}: not UTF-8 text; skipped")
                    continue
            if len(raw) > MAX_IMPORT_LINE_BYTES:
                report.problem(f"{where}: {len(raw):,} characters is too long; skipped")
                continue
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                report.problem(f"{where}: not JSON ({exc.msg} at column {exc.colno}); skipped")
                continue
            except RecursionError:
                report.problem(f"{where}: nested too deep; skipped")
                continue
            if not isinstance(obj, dict) or not isinstance(obj.get("record"), str):
                report.problem(f'{where}: expected an object with a "record" id; skipped')
                continue
            record = obj["record"]
            author = obj.get("author", self.author)
            if not isinstance(author, str) or not clean_author(author):
                report.problem(f'{where}: "author" must be a name; skipped')
                continue
            author = clean_author(author)
            if (record, author) in seen:
                report.problem(f"{where}: {record!r} repeats line {seen[record, author]}; skipped")
                continue
            seen[record, author] = number
            if known is None:
                title, kind = obj.get("title", ""), obj.get("kind", "")
                if not isinstance(title, str) or not isinstance(kind, str):
                    report.problem(f'{where}: "title" and "kind" must be text; skipped')
                    continue
            else:
                info = known(record)
                if info is None:
                    report.problem(f"{where}: no record {record!r} in this dossier; skipped")
                    continue
                title, kind = info
            pinned = obj.get("pinned", False)
            note = obj.get("annotation")
            at = obj.get("at")
            if not isinstance(pinned, bool) or (note is not None and not isinstance(note, str)):
                report.problem(
                    f'{where}: "pinned" must be true/false and "annotation" text; skipped'
                )
                continue
            at = at if isinstance(at, str) and _is_time(at) else now()
            if note is not None:
                note, altered = _clean(note)
                if altered:
                    report.problem(f"{where}: control characters removed from the annotation")
                if len(note) > MAX_ANNOTATION_CHARS:
                    report.problem(
                        f"{where}: annotation of {len(note):,} characters is over the "
                        f"{MAX_ANNOTATION_CHARS:,} limit; skipped"
                    )
                    continue
            try:
                one = functools.partial(
                    self._import_one,
                    record=record,
                    author=author,
                    title=title,
                    kind=kind,
                    pinned=pinned,
                    note=note,
                    at=at,
                )
                outcome = self._tx(one)
            except WorksetError as exc:
                if exc.transient:
                    raise
                report.problem(f"{where}: {exc.message}")
                continue
            if outcome == "over":
                report.problem(f"{where}: merged annotation would exceed the limit; skipped")
                continue
            if outcome == "same":
                report.unchanged += 1
            report.taken += 1
        return report

    def _import_one(
        self,
        run: Run,
        record: str,
        author: str,
        title: str,
        kind: str,
        pinned: bool,
        note: str | None,
        at: str,
    ) -> str:
        """One line of an import, in one transaction: 'new', 'same' (nothing new) or 'over'."""
        outcome = "new"
        if note and note.strip():
            existing = self._current(run, {"record": record, "author": author})
            if existing is None:
                self._note_in(run, record, note, title, kind, None, author, at)
            elif note.strip() in existing[0]:
                outcome = "same"
            else:
                merged = f"{existing[0]}\n\n— imported —\n{note}"
                if len(merged) > MAX_ANNOTATION_CHARS:
                    return "over"
                self._note_in(run, record, merged, title, kind, None, author, now())
        if pinned:
            self._pin_in(run, record, title, kind, author, at)
        return outcome


def _is_time(text: str) -> bool:
    try:
        dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


class ImportStopped(Exception):
    """The input is too big to read further."""


class LineTooLong(Exception):
    """One line of the input is over the limit."""


def bounded_lines(
    fh: IO[bytes], max_line: int | None = None, max_total: int | None = None
) -> Iterator[bytes | BaseException]:
    """The lines of a binary file, each read with a bound: a line over ``max_line`` bytes is
    yielded as :class:`LineTooLong` (and skipped to its end), and past ``max_total`` bytes the
    file ends with :class:`ImportStopped`. ``/dev/zero`` ends there too, using little memory."""
    max_line = MAX_IMPORT_LINE_BYTES if max_line is None else max_line
    max_total = MAX_IMPORT_BYTES if max_total is None else max_total
    total = 0
    while True:
        line = fh.readline(max_line + 1)
        if not line:
            return
        total += len(line)
        if total > max_total:
            yield ImportStopped(f"the input is over {max_total:,} bytes")
            return
        if len(line) > max_line and not line.endswith(b"\n"):
            skipped = len(line)
            while True:
                more = fh.readline(1 << 20)
                total += len(more)
                skipped += len(more)
                if total > max_total:
                    yield ImportStopped(f"the input is over {max_total:,} bytes")
                    return
                if not more or more.endswith(b"\n"):
                    break
            yield LineTooLong(f"{skipped:,} bytes is too long")
            continue
        yield line


class Workset(SqlWorkset):
    """The local store: one SQLite file, created on the first write (opening a dossier leaves no
    trace). A folder that cannot be written makes :attr:`writable` false and every write raise
    :class:`WorksetError`; a file that exists but cannot be read makes every read raise it too."""

    def __init__(self, path: Path, author: str | None = None) -> None:
        super().__init__(author)
        self.path = path
        self.label = str(path)
        self._conn: sqlite3.Connection | None = None
        self.unreadable: str | None = None
        """Why the file cannot be read, if it exists and cannot."""
        if path.exists():
            self._connect()
        elif not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
            self.problem = f"{path}: pins and annotations cannot be saved (the folder is read-only)"

    def _connect(self) -> None:
        try:
            self._conn = self._open(self.path, self.author)
        except (sqlite3.Error, OSError, ValueError) as exc:
            self._conn = None
            reason = _reason(exc)
            self.problem = f"{self.path}: pins and annotations cannot be saved ({reason})"
            if self.path.exists():
                self.unreadable = f"{self.path}: pins and annotations cannot be read ({reason})"

    @staticmethod
    def _open(path: Path, author: str) -> sqlite3.Connection:
        if path.exists():
            with path.open("rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise sqlite3.DatabaseError("not a working-set file")
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
        try:
            conn.execute("PRAGMA synchronous=FULL")
            if _version(conn) == WORKSET_VERSION:
                return conn  # the usual case: a plain read, no write lock taken on the way in
            if path.exists() and not os.access(path, os.W_OK):
                raise sqlite3.DatabaseError("an older working set in a read-only file")
            conn.execute("BEGIN IMMEDIATE")  # one process sets up or upgrades the file
            version = _version(conn)
            if version != WORKSET_VERSION:
                has_pin = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='pin'"
                ).fetchone()
                if has_pin:
                    _upgrade(conn, author)
                else:
                    _script(conn, _SCHEMA)
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('version', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (str(WORKSET_VERSION),),
                )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()
            raise
        return conn

    @_locked
    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _db(self, *, reading: bool = False) -> sqlite3.Connection | None:
        if self.unreadable is not None:
            raise WorksetError(self.unreadable)
        if self._conn is None and reading and not self.path.exists():
            return None  # nothing saved yet: nothing to read, and no file made for it
        if self._conn is None and self.problem is None:
            self._connect()
            if self.unreadable is not None:
                raise WorksetError(self.unreadable)
        if self._conn is None:
            if reading:
                return None
            raise WorksetError(self.problem or f"{self.path}: the working set is closed")
        return self._conn

    def _read(self, sql: str, params: Mapping[str, object] | None = None) -> Rows:
        conn = self._db(reading=True)
        if conn is None:
            return []
        try:
            return conn.execute(sql, dict(params or {})).fetchall()
        except sqlite3.Error as exc:
            raise WorksetError(
                f"{self.path}: cannot read the working set ({_reason(exc)})"
            ) from None

    def _tx(self, work: Callable[[Run], R]) -> R:
        conn = self._db()
        assert conn is not None

        def run(sql: str, params: Mapping[str, object]) -> tuple[Rows, int]:
            cursor = conn.execute(sql, dict(params))
            rows = cursor.fetchall()
            return rows, cursor.rowcount

        try:
            conn.execute("BEGIN IMMEDIATE")
            result = work(run)
            conn.execute("COMMIT")
            return result
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise WorksetError(f"{self.path}: could not save ({_reason(exc)})") from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _version(conn: sqlite3.Connection) -> int | None:
    """The file's working-set version (None: not set up yet); newer than ours is an error."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).fetchone()
    row = (
        conn.execute("SELECT value FROM meta WHERE key='version'").fetchone() if has_meta else None
    )
    version = int(row[0]) if row else None
    if version is not None and version > WORKSET_VERSION:
        raise sqlite3.DatabaseError(
            f"working set version {version} is newer than this program reads "
            f"({WORKSET_VERSION}); update dossier"
        )
    return version


def _script(conn: sqlite3.Connection, script: str, **params: object) -> None:
    """Run a script statement by statement, inside the open transaction (``executescript``
    would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement, {k: v for k, v in params.items() if f":{k}" in statement})


def _upgrade(conn: sqlite3.Connection, author: str) -> None:
    """A version 1 working set (one user, no authors): every pin and note becomes ``author``'s."""
    _script(conn, _UPGRADE_FROM_1.format(schema=_SCHEMA), author=author)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return "the folder or file is read-only"
    if "disk is full" in text or "database or disk is full" in text:
        return "the disk is full"
    return text


def open_workset(
    db: Path, spec: str | None = None, author: str | None = None, *, live: bool = False
) -> SqlWorkset:
    """The working set to use with the dossier at ``db``: ``spec`` (``--workset``), else
    ``DOSSIER_WORKSET``, else the file beside the dossier. A PostgreSQL URL opens the team store:
    ``live`` (the app) reads a local copy kept in step with the server and queues writes while it
    is away; otherwise (the command line) every call goes to the server."""
    spec = spec if spec is not None else os.environ.get("DOSSIER_WORKSET") or None
    if spec is None:
        return Workset(path_beside(db), author)
    if is_team_url(spec):
        if live:
            from dossier.teamsync import TeamWorkset

            return TeamWorkset(spec, author)
        from dossier.teamset import PgWorkset

        return PgWorkset(spec, author)
    return Workset(Path(spec), author)


def is_team_url(spec: str) -> bool:
    return spec.split(":", 1)[0].lower() in ("postgresql", "postgres")


def pinned_rows(
    workset: SqlWorkset, reader: Reader, offset: int, limit: int, author: str | None = None
) -> list[RowData]:
    """A page of the Pinned pane: pinned records in order (numbered), then those only annotated
    (no number: their ✎ is in the table's gutter), each with whose it is; orphans marked as such."""
    from dossier.kinds import KIND_LABEL

    items = workset.page(offset, limit, author)
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
                    str(offset + n + 1) if item.position is not None else "",
                    title,
                    kind_label,
                    item.author,
                    note[0] if note else "",
                ),
            )
        )
    return rows
