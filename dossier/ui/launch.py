"""Start the app from the command line: check the database first, so bad paths exit with code 2
before the app takes the screen."""

from __future__ import annotations

from pathlib import Path

from dossier import store
from dossier.errors import DossierError, shown


def _run(app_kwargs: dict[str, object], db: Path) -> None:
    from dossier.ui.app import DossierApp

    app = DossierApp(db, **app_kwargs)  # type: ignore[arg-type]
    app.run()
    if app.error_message:
        raise DossierError(app.error_message)
    if app.return_code not in (None, 0):
        raise SystemExit(app.return_code)


def launch_bundled(case: Path = store.BUNDLED_CASE, db: Path = store.BUNDLED_DB) -> None:
    """Open the bundled case, building its database first when it is missing or stale."""
    state = store.staleness(db, case)
    if state.stale:
        _run({"build_from": case, "build_reason": state.reason}, db)
    else:
        _run({}, db)


def launch_path(path: Path) -> None:
    """Open the dossier at ``path``; a path that is not a readable dossier is a one-line error."""
    try:
        meta = store.validate(path)
    except DossierError as exc:
        raise DossierError(exc.message.replace(str(path), shown(path), 1)) from None
    _run({"meta": meta}, path)
