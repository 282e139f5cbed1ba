"""The team's working set in the app: read from a local copy, kept in step with the server, live.

The app never waits on the network. It reads a local SQLite copy of the team's working set (the
same file format as a personal working set), so it opens and reads with the server down. A pin or
note is made in the copy and, in the same transaction, queued in its *outbox*; a thread sends the
outbox to the server in order and takes each change the server announces (PostgreSQL
``LISTEN``/``NOTIFY``, no polling of the tables) into the copy. While the server is away the outbox
grows and :meth:`TeamWorkset.status` says how many writes wait; when it is back they are sent. A
write the server refuses for good (a read-only role, a note changed meanwhile) is kept, text and
all, in the copy's ``refused`` table and said in the status line.

Standard library only at import: SQLAlchemy and psycopg are imported by the thread.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from dossier.teamurl import check_url, mask_url, scrub
from dossier.workset import (
    AnnotationConflict,
    R,
    Run,
    Workset,
    WorksetError,
    _locked,
    now,
)

if TYPE_CHECKING:
    from dossier.teamset import PgWorkset

T = TypeVar("T")

_LOCAL = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL,
    args TEXT NOT NULL,
    record TEXT NOT NULL,
    author TEXT NOT NULL,
    made_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS refused (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    op TEXT NOT NULL,
    args TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0
)
"""
FULL_PULL_OVER = 2000
"""More changed keys than this in one batch: read the whole working set instead."""


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "dossier"


def replica_path(url: str, author: str) -> Path:
    """Where the local copy of a team's working set lives (one per server database and author)."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        key = f"{parts.hostname}:{parts.port}/{parts.path}?{parts.query}|{parts.username}|{author}"
    except ValueError:
        key = f"{url}|{author}"
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:16]
    return state_dir() / f"team-{digest}.workset.db"


class TeamWorkset(Workset):
    """The team store as the app sees it: reads and writes local, the server reached by a thread.
    Call :meth:`start` to begin syncing; ``on_change`` is called (from that thread) whenever what
    the app shows may have changed: a colleague's pin, a write sent, the server gone or back."""

    def __init__(
        self,
        url: str,
        author: str | None = None,
        *,
        replica: Path | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        from dossier.workset import default_author

        check_url(url)  # a malformed URL is said at once, before any copy is made
        who = default_author(author)
        path = replica or replica_path(url, who)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        super().__init__(path, who)
        self.url = url
        self.label = mask_url(url)
        self.on_change = on_change
        self.online = False
        self.server_problem: str | None = "connecting…"
        self._kick = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pending_op: tuple[str, dict[str, Any]] | None = None
        self.pulls = 0
        """How many times changes were taken from the server (for tests and benchmarks)."""
        self._local_tables()

    def _local_tables(self) -> None:
        conn = self._db()
        assert conn is not None
        for statement in _LOCAL.split(";"):
            if statement.strip():
                conn.execute(statement)

    # -- writes: into the copy and the outbox, in one transaction ---------------------------------

    def _tx(self, work: Callable[[Run], R]) -> R:
        op, self._pending_op = self._pending_op, None
        if op is None:
            return super()._tx(work)
        name, args = op

        def both(run: Run) -> R:
            result = work(run)
            run(
                "INSERT INTO outbox(op, args, record, author, made_at)"
                " VALUES (:op, :args, :record, :author, :at)",
                {
                    "op": name,
                    "args": json.dumps(args, ensure_ascii=False),
                    "record": str(args.get("record", "")),
                    "author": self.author,
                    "at": now(),
                },
            )
            return result

        result = super()._tx(both)
        self._kick.set()
        return result

    def _queued(self, name: str, call: Callable[[], T], **args: Any) -> T:
        self._pending_op = (name, args)
        try:
            return call()
        finally:
            self._pending_op = None

    @_locked
    def pin(self, record: str, title: str = "", kind: str = "") -> bool:
        at = now()
        return self._queued(
            "pin",
            lambda: bool(
                self._tx(lambda run: self._pin_in(run, record, title, kind, self.author, at))
            ),
            record=record,
            title=title,
            kind=kind,
            at=at,
        )

    @_locked
    def unpin(self, record: str) -> bool:
        return self._queued("unpin", lambda: Workset.unpin(self, record), record=record)

    @_locked
    def move(self, record: str, delta: int) -> bool:
        return self._queued("move", lambda: Workset.move(self, record, delta), record=record,
                            delta=delta)  # fmt: skip

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
        return self._queued(
            "annotate",
            lambda: Workset.annotate(self, record, text, title, kind, expected=expected),
            record=record,
            text=self._checked(record, text),
            title=title,
            kind=kind,
            expected=expected,
        )

    @_locked
    def drop(self, record: str) -> bool:
        return self._queued("drop", lambda: Workset.drop(self, record), record=record)

    @_locked
    def reattach(self, old: str, new: str, title: str = "", kind: str = "") -> None:
        self._queued(
            "reattach",
            lambda: Workset.reattach(self, old, new, title, kind),
            record=old,
            new=new,
            title=title,
            kind=kind,
        )

    # -- what the status line says ----------------------------------------------------------------

    @_locked
    def waiting(self) -> int:
        """How many writes wait to be sent."""
        return int(self._read("SELECT count(*) FROM outbox")[0][0])

    @_locked
    def refusals(self, *, unseen: bool = False) -> list[tuple[str, dict[str, Any], str]]:
        """Writes the server refused: (op, its arguments with the text, why)."""
        rows = self._read(
            "SELECT op, args, reason FROM refused"
            + (" WHERE seen = 0" if unseen else "")
            + " ORDER BY id"
        )
        return [(op, json.loads(args), reason) for op, args, reason in rows]

    @_locked
    def mark_refusals_seen(self) -> None:
        Workset._tx(self, lambda run: run("UPDATE refused SET seen = 1", {}))

    def status(self) -> str:
        """One line: the server's state, the writes waiting, the writes refused."""
        parts = []
        if not self.online:
            parts.append(f"team working set offline ({self.server_problem or 'not connected'})")
        waiting = self.waiting()
        if waiting:
            parts.append(f"{waiting} write{'s' if waiting != 1 else ''} waiting to be sent")
        refused = len(self.refusals(unseen=True))
        if refused:
            parts.append(f"{refused} refused by the server (kept)")
        return " · ".join(parts)

    # -- the thread ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="dossier-team", daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        self._kick.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        super().close()

    def _changed(self) -> None:
        if self.on_change is not None:
            with contextlib.suppress(Exception):
                self.on_change()

    def _set_online(self, online: bool, problem: str | None = None) -> None:
        changed = online != self.online or problem != self.server_problem
        self.online, self.server_problem = online, problem
        if changed:
            self._changed()

    def _run(self) -> None:
        delay = 0.25
        server: PgWorkset | None = None
        while not self._stop.is_set():
            try:
                if server is None:
                    from dossier.teamset import PgWorkset

                    server = PgWorkset(self.url, self.author)
                self._session(server)
                delay = 0.25
            except WorksetError as exc:
                from dossier.teamset import ServerUnreachable

                if server is not None:
                    server.close()
                self._set_online(False, _short(exc.message, self.label))
                if not isinstance(exc, ServerUnreachable):
                    delay = max(delay, 5.0)  # a refusal (credentials, version): do not hammer
            except Exception as exc:
                if server is not None:
                    server.close()
                self._set_online(False, scrub(f"{type(exc).__name__}: {exc}", self.url))
            self._kick.wait(delay)
            self._kick.clear()
            delay = min(delay * 2, 5.0)

    def _session(self, server: PgWorkset) -> None:
        """Connected: listen first (so no change is missed), send the outbox, read everything,
        then take each announced change until the connection drops."""
        from dossier.teamset import CHANNEL, explain

        server.check()
        listener = server.connect_raw(autocommit=True)
        try:
            listener.execute(f"LISTEN {CHANNEL}")
            self._send(server)
            self._pull(server, None)
            self._set_online(True, None)
            while not self._stop.is_set():
                keys: set[tuple[str, str, str]] = set()
                whole = False
                try:
                    # Wait for the first change, then take those that came with it.
                    notes = list(listener.notifies(timeout=0.2, stop_after=1))
                    if notes:
                        notes += listener.notifies(timeout=0.005, stop_after=FULL_PULL_OVER)
                    for note in notes:
                        try:
                            change = json.loads(note.payload)
                            if change.get("whole"):
                                whole = True
                            keys.add((str(change["t"]), str(change["r"]), str(change["a"])))
                        except (ValueError, KeyError, TypeError, AttributeError):
                            whole = True
                    if len(keys) >= FULL_PULL_OVER:
                        whole = True
                except Exception as exc:
                    raise explain(exc, self.url) from None
                if self._kick.is_set():
                    self._kick.clear()
                    self._send(server)
                if whole:
                    self._pull(server, None)
                elif keys:
                    self._pull(server, keys)
        finally:
            with contextlib.suppress(Exception):
                listener.close()

    # -- sending the outbox -------------------------------------------------------------------------

    def _send(self, server: PgWorkset) -> None:
        """Send every queued write in order. Only one app per copy sends (a lock file): two
        windows of one author on one team store never send a write twice."""
        from dossier.teamset import ServerUnreachable

        lock_path = self.path.with_suffix(".lock")
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return  # another window of this author is sending
            sent = False
            while not self._stop.is_set():
                with self._lock:
                    rows = self._read(
                        "SELECT id, op, args, author FROM outbox ORDER BY id LIMIT 200"
                    )
                if not rows:
                    break
                for row_id, op, args, author in rows:
                    try:
                        _apply(server, op, json.loads(args), author)
                    except ServerUnreachable:
                        raise
                    except WorksetError as exc:
                        self._refuse(row_id, op, args, exc.message)
                        continue
                    self._sent(int(row_id))
                    sent = True
            if sent:
                self._changed()

    def _sent(self, row_id: int) -> None:
        with self._lock:
            Workset._tx(self, lambda run: run("DELETE FROM outbox WHERE id = :id", {"id": row_id}))

    def _refuse(self, row_id: int, op: str, args: str, reason: str) -> None:
        def go(run: Run) -> None:
            run(
                "INSERT INTO refused(op, args, reason, at) VALUES (:op, :args, :reason, :at)",
                {"op": op, "args": args, "reason": reason, "at": now()},
            )
            run("DELETE FROM outbox WHERE id = :id", {"id": row_id})

        with self._lock:
            Workset._tx(self, go)
        self._changed()

    # -- taking the server's state into the copy ------------------------------------------------------

    def _pull(self, server: PgWorkset, keys: set[tuple[str, str, str]] | None) -> None:
        """Copy the server's rows (all, or those of ``keys``) into the local copy, leaving alone
        the rows that have writes waiting (they would come back as they were, then change)."""
        pins: list[tuple[Any, ...]]
        notes: list[tuple[Any, ...]]
        pin_cols = "record, author, position, pinned_at, title, kind"
        note_cols = "record, author, text, updated_at, title, kind, version"
        if keys is None:
            pins = server._read(f"SELECT {pin_cols} FROM dossier_pin")
            notes = server._read(f"SELECT {note_cols} FROM dossier_annotation")
        else:
            pin_keys = sorted((r, a) for t, r, a in keys if t == "dossier_pin")
            note_keys = sorted((r, a) for t, r, a in keys if t == "dossier_annotation")
            pins = _fetch(server, "dossier_pin", pin_cols, pin_keys)
            notes = _fetch(server, "dossier_annotation", note_cols, note_keys)

        def go(run: Run) -> None:
            waiting = {(r, a) for r, a in run("SELECT record, author FROM outbox", {})[0]}
            if keys is None:
                run("DELETE FROM pin", {})
                run("DELETE FROM annotation", {})
            else:
                for table, record, author in keys:
                    if (record, author) in waiting:
                        continue
                    local = "pin" if table == "dossier_pin" else "annotation"
                    run(
                        f"DELETE FROM {local} WHERE record = :record AND author = :author",
                        {"record": record, "author": author},
                    )
            for row in pins:
                if (row[0], row[1]) not in waiting:
                    run(
                        f"INSERT OR REPLACE INTO pin({pin_cols}) VALUES"
                        " (:r, :a, :position, :at, :title, :kind)",
                        dict(zip(("r", "a", "position", "at", "title", "kind"), row, strict=True)),
                    )
            for row in notes:
                if (row[0], row[1]) not in waiting:
                    run(
                        f"INSERT OR REPLACE INTO annotation({note_cols}) VALUES"
                        " (:r, :a, :text, :at, :title, :kind, :version)",
                        dict(
                            zip(
                                ("r", "a", "text", "at", "title", "kind", "version"),
                                row,
                                strict=True,
                            )
                        ),
                    )

        with self._lock:
            Workset._tx(self, go)
        self.pulls += 1
        self._changed()


def _fetch(
    server: PgWorkset, table: str, cols: str, keys: list[tuple[str, str]]
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    qualified = ", ".join(f"t.{c.strip()}" for c in cols.split(","))
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows += server._read(
            f"SELECT {qualified} FROM {table} t JOIN unnest(CAST(:records AS TEXT[]),"
            " CAST(:authors AS TEXT[])) AS k(record, author)"
            " ON t.record = k.record AND t.author = k.author",
            {"records": [r for r, _ in chunk], "authors": [a for _, a in chunk]},
        )
    return rows


def _apply(server: PgWorkset, op: str, args: Mapping[str, Any], author: str) -> None:
    """One queued write, on the server, as its author."""
    server.author = author
    record = str(args["record"])
    if op == "pin":
        server._tx(
            lambda run: server._pin_in(
                run, record, str(args["title"]), str(args["kind"]), author, str(args["at"])
            )
        )
    elif op == "unpin":
        server.unpin(record)
    elif op == "move":
        server.move(record, int(args["delta"]))
    elif op == "annotate":
        try:
            server.annotate(
                record, str(args["text"]), str(args["title"]), str(args["kind"]),
                expected=args["expected"],
            )  # fmt: skip
        except AnnotationConflict as conflict:
            if (conflict.theirs or "") == str(args["text"]).strip() or (
                conflict.theirs == str(args["text"])
            ):
                return  # sent before, and the answer lost with the connection
            raise
    elif op == "drop":
        server.drop(record)
    elif op == "reattach":
        server.reattach(record, str(args["new"]), str(args["title"]), str(args["kind"]))
    else:
        raise WorksetError(f"unknown queued write {op!r}")


def _short(message: str, label: str) -> str:
    """A server problem for the status line, without the URL it starts with."""
    for prefix in (f"{label}: ",):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Wait until ``condition`` holds (tests and benchmarks)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
