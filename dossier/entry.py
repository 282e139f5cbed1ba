"""The ``dossier`` console script: opening the app does not load the command-line toolkit.

Typer costs ~0.15 s to import, and parsing any typed argument imports pydantic (~0.5 s): more
than the app's own start-up. So ``dossier`` and ``dossier open PATH`` go straight to the app,
and everything else (``--help``, the other commands, usage errors) to :mod:`dossier.cli`, which
accepts the same two forms and does the same with them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    """Console-script entry point: one-line errors, exit code 2."""
    args = sys.argv[1:]
    app_only = not args or (len(args) == 2 and args[0] == "open" and not args[1].startswith("-"))
    if not app_only or "_DOSSIER_COMPLETE" in os.environ:  # shell completion is Typer's too
        from dossier.cli import main as cli_main

        cli_main()
        return
    from dossier.errors import DossierError

    try:
        from dossier.ui import launch

        if args:
            launch.launch_path(Path(args[1]))
        else:
            launch.launch_bundled()
    except DossierError as exc:
        from dossier.safetext import line

        print(f"dossier: error: {line(exc.message)}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:  # as Typer reports it inside a command
        print("Aborted!", file=sys.stderr)
        sys.exit(1)
