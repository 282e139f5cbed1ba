"""Counting and listing in running English: the one place the dossier's outputs say "1 quote",
"12 quotes" or "no quotes". Standard library only: the app's first screen uses it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def plural(n: int, one: str, many: str | None = None, none: str | None = None) -> str:
    """``1 quote``, ``1,200 quotes``, ``no quotes``: ``many`` when adding an "s" will not do,
    ``none`` when zero reads otherwise ("none", "no sentence")."""
    if not n:
        return none or f"no {many or one + 's'}"
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def join_and(items: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def did_you_mean(value: str, options: Iterable[str]) -> str:
    """`` (did you mean 'acquitted'?)`` for the closest option, or "" when none is close: the one
    hint of every message about a mistyped value, field or key."""
    import difflib  # on an error's path only

    close = difflib.get_close_matches(value, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
