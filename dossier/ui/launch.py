"""Start the app from the command line: check the database first, so bad paths exit with code 2
before the app takes the screen."""

from __future__ import annotations

import gc
from concurrent.futures import Future
from pathlib import Path

from dossier import store
from dossier.errors import DossierError, shown
from dossier.queries import Opening, Reader, read_opening


def read_early(db: Path, meta: dict[str, str] | None) -> Future[tuple[Reader, Opening]]:
    """Read what the first screen shows before the app starts, so that its first frame has
    rows; a failure is handed to the app, which reads again and reports it.

    In the calling thread, once Textual is imported. It used to run in a thread of its own,
    started before that import, to overlap the two: but the read is mostly Python (the first
    pages, and the registry it imports), and the two threads took turns at the GIL. At 1M quotes
    on two cores, the first frame came at 0.69-1.11 s with the thread and 0.64-0.85 s without,
    in four alternated pairs: the read alone is 31-35 ms."""
    future: Future[tuple[Reader, Opening]] = Future()
    try:
        reader = Reader(db, meta=meta)
        future.set_result((reader, read_opening(reader)))
    except Exception as exc:  # handed to the app, which reads again and reports it
        future.set_exception(exc)
    return future


_resumed = False


def resume_collection() -> None:
    """Garbage collection back on, once the first frame is shown.

    The console script turns it off before it opens the app (:func:`dossier.entry.main`): the
    start allocates a few hundred thousand objects that all stay alive (modules, classes, the
    widgets), and collecting them took 85–100 ms of a 0.8 s start at 1M quotes, one full
    collection 38 ms of it. What is alive by the first frame is frozen (:func:`gc.freeze`), so
    that no later collection scans it again: a full one mid-search costs a few milliseconds
    instead of tens. Does nothing when collection was not turned off, and after the first call."""
    global _resumed
    if _resumed:
        return
    _resumed = True
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def _run(app_kwargs: dict[str, object], db: Path) -> None:
    from dossier.ui import csscache, frames

    csscache.install()
    frames.install()
    from dossier.ui.app import DossierApp

    if "build_from" not in app_kwargs:
        meta = app_kwargs.get("meta")
        app_kwargs["early"] = read_early(db, meta if isinstance(meta, dict) else None)

    app = DossierApp(db, started=resume_collection, **app_kwargs)  # type: ignore[arg-type]
    try:
        app.run()
    finally:
        resume_collection()
    if app.error_message:
        raise DossierError(app.error_message)
    if app.return_code not in (None, 0):
        raise SystemExit(app.return_code)


def launch_bundled(
    case: Path = store.BUNDLED_CASE,
    db: Path = store.BUNDLED_DB,
    *,
    workset: str | None = None,
    author: str | None = None,
) -> None:
    """Open the bundled case, building its database first when it is missing or stale.
    ``workset`` and ``author``: ``--workset`` and ``--as`` (else the environment's)."""
    state = store.staleness(db, case)
    who: dict[str, object] = {"workset": workset, "author": author}
    if state.stale:
        aside = store.set_aside(db)  # damaged or not a dossier: kept, renamed, never deleted
        kept = f"; the old file is kept as {aside.name}" if aside is not None else ""
        _run({"build_from": case, "build_reason": state.reason + kept, **who}, db)
    else:
        _run(who, db)


def launch_path(path: Path, *, workset: str | None = None, author: str | None = None) -> None:
    """Open the dossier at ``path``; a path that is not a readable dossier is a one-line error."""
    try:
        meta = store.validate(path)
    except DossierError as exc:
        raise DossierError(exc.message.replace(str(path), shown(path), 1)) from None
    _run({"meta": meta, "workset": workset, "author": author}, path)
