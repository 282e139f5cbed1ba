"""The ``dossier`` console script: opening the app, and the everyday commands, do not load the
command-line toolkit.

Typer costs ~0.15 s to import, and parsing any typed argument imports pydantic (~0.5 s): more
than the app's own start-up, and several times what ``search``, ``check``, ``pins list`` or
``export`` do. So ``dossier`` and ``dossier open PATH`` go straight to the app, the plain forms of
those four commands are parsed here and run :mod:`dossier.commands` (as :mod:`dossier.cli` does
with the same arguments), and everything else — ``--help``, the other commands, anything this
parser does not recognise, usage errors — goes to :mod:`dossier.cli`, which accepts every form.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

APP_FPS = "120"
"""Textual's frame rate for the app (``TEXTUAL_FPS``, unless set already). Textual draws a
changed screen on a timer of that rate; after an idle moment its next frame can wait two periods
(the timer skips ahead one too many), so at 60 Hz a search's results waited up to 33 ms for their
frame. At 120 Hz: the results of `de` at 1M on screen 29.5 ms after the text was set instead of
42 ms (medians of 6 traced searches). Textual draws only what changed, so an idle app draws
nothing more."""


class _Unusual(Exception):
    """An argument list the fast path does not handle: Typer parses it (and reports errors)."""


def _options(
    args: list[str], flags: set[str], values: set[str], *, words: bool = False
) -> tuple[dict[str, list[str]], list[str]]:
    """``--flag``, ``--name VALUE`` / ``--name=VALUE`` and, with ``words``, other arguments (a
    search's query words, which may start with a single ``-``)."""
    found: dict[str, list[str]] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if name in flags and not eq:
                found.setdefault(name, []).append("")
            elif name in values:
                if not eq:
                    i += 1
                    if i >= len(args):
                        raise _Unusual
                    value = args[i]
                found.setdefault(name, []).append(value)
            else:
                raise _Unusual  # --help, --, an unknown option: Typer's to answer
        elif words and arg != "-":
            rest.append(arg)
        else:
            raise _Unusual
        i += 1
    return found, rest


def _one(found: dict[str, list[str]], name: str) -> str | None:
    given = found.get(name)
    if not given:
        return None
    if len(given) > 1:
        raise _Unusual
    return given[0]


def _path(found: dict[str, list[str]], name: str) -> Path | None:
    value = _one(found, name)
    return None if value is None else Path(value)


def _fast(args: list[str]) -> Callable[[], None] | None:
    """The command ``args`` asks for, when it is one of the everyday ones in a plain form."""
    from functools import partial

    from dossier import commands

    try:
        if args[0] == "check":
            found, _ = _options(args[1:], set(), {"--data"})
            data = _path(found, "--data")
            return partial(commands.check, data) if data is not None else commands.check
        if args[0] == "pins" and args[1:2] == ["list"]:
            found, _ = _options(args[2:], set(), {"--db"})
            return partial(commands.pins_list, _path(found, "--db"))
        if args[0] == "search":
            found, query = _options(args[1:], {"--json"}, {"--limit", "--db"}, words=True)
            limit_text = _one(found, "--limit")
            limit = 20 if limit_text is None else int(limit_text)
            if not query or not 1 <= limit <= 1000:
                raise _Unusual
            return partial(commands.search, query, limit, "--json" in found, _path(found, "--db"))
        if args[0] == "export":
            found, _ = _options(
                args[1:],
                {"--force", "--pinned"},
                {"--out", "--db", "--person", "--since", "--format"},
            )
            return partial(
                commands.export,
                _path(found, "--out"),
                "--force" in found,
                _path(found, "--db"),
                found.get("--person"),
                _one(found, "--since"),
                _one(found, "--format") or "md",
                "--pinned" in found,
            )
    except (_Unusual, ValueError):
        return None
    return None


def main() -> None:
    """Console-script entry point: one-line errors, exit code 2."""
    from dossier import methodcache

    methodcache.install()
    args = sys.argv[1:]
    app_only = not args or (len(args) == 2 and args[0] == "open" and not args[1].startswith("-"))
    completing = "_DOSSIER_COMPLETE" in os.environ  # shell completion is Typer's
    import gc

    usual = gc.get_threshold()
    if app_only and not completing:
        gc.disable()  # until the app's first frame: dossier.ui.launch.resume_collection
        os.environ.setdefault("TEXTUAL_FPS", APP_FPS)
    elif not completing:
        # The everyday commands are done in 0.1-0.2 s and keep almost everything they make
        # alive to the end: the default collection every 700 new objects spent 9-15 ms of each
        # scanning them. Every 50,000 is none at all for those, and still a bound for more.
        gc.set_threshold(50_000, 20, 20)
    command = None if app_only or completing else _fast(args)
    if completing or (not app_only and command is None):
        from dossier.cli import main as cli_main

        gc.set_threshold(*usual)  # the other commands (a build of a million quotes) as usual
        cli_main()
        return
    from dossier.errors import DossierError

    try:
        if command is not None:
            command()
            return
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
        print("\nAborted!" if command is not None else "Aborted!", file=sys.stderr)
        sys.exit(1)
