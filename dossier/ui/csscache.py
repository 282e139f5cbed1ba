"""Textual's parsed stylesheets, kept between runs.

Textual parses the CSS of every widget class the first time one is mounted, and the app's own
stylesheet, in every process: 33-44 ms of the app's first frame (11 sources), and more when the
search screen first opens. The result depends only on the CSS text, where it was read from, the
theme's variables and Textual's parser, so it is kept, pickled, in the user's cache folder
beside the compiled dataclass methods (:mod:`dossier.methodcache`, same checks: a regular file
of the user's own that nobody else can write, of a bounded size; anything else is ignored). The
key holds the size and modification time of Textual's parser modules, so another Textual parses
again. A source that does not parse, or whose rules do not pickle, is simply not kept.

Only :mod:`dossier.ui.launch` installs it, for the console script; tests and library use parse
as Textual always does. ``DOSSIER_NO_METHOD_CACHE=1`` turns this off too.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dossier.methodcache import CacheFile, cache_folder

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.css.stylesheet import Stylesheet

MAX_ENTRIES = 1000
"""Past this many parsed sources (a few themes' worth) only those this run used are kept."""

_INSTALLED: CssCache | None = None


def _parser_stamp() -> str:
    """Size and modification time of the modules whose objects the parsed rules hold (Textual's
    CSS parser and values, Rich's styles and colours): which code made the rules."""
    import rich.color
    import rich.style
    import textual.color
    import textual.css.model
    import textual.css.parse
    import textual.css.scalar
    import textual.css.styles
    import textual.css.tokenize
    import textual.geometry

    modules = (
        textual.css.parse,
        textual.css.model,
        textual.css.styles,
        textual.css.scalar,
        textual.css.tokenize,
        textual.color,
        textual.geometry,
        rich.style,
        rich.color,
    )
    parts = []
    for module in modules:
        info = Path(module.__file__ or "").stat()
        parts.append(f"{info.st_size}:{info.st_mtime_ns}")
    return ",".join(parts)


class CssCache(CacheFile):
    """Parsed rules by (CSS text, where from, options, theme variables)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, MAX_ENTRIES)
        self._stamp = _parser_stamp()

    def key(self, variables: dict[str, str], css: str, where: object, options: object) -> str:
        theme = repr(sorted(variables.items()))
        return "\x00".join((self._stamp, theme, repr(where), repr(options), css))

    def rules(self, key: str) -> list[Any] | None:
        data = self.get(key)
        if data is None:
            return None
        try:
            rules = pickle.loads(data)
        except Exception:  # a damaged entry: parsed again
            return None
        if not isinstance(rules, list):
            return None
        self.reused += 1
        return rules

    def keep(self, key: str, rules: list[Any]) -> None:
        try:
            data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # rules that do not pickle are parsed each time
            return
        self.put(key, data)


def through(cache: CssCache, original: Callable[..., list[Any]]) -> Callable[..., list[Any]]:
    """``Stylesheet._parse_rules`` (``original``) looking in ``cache`` first."""

    def _parse_rules(
        self: Stylesheet,
        css: str,
        read_from: Any,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[Any]:
        memo_key = (css, read_from, is_default_rules, tie_breaker, scope)
        memo = self._parse_cache.get(memo_key)  # Textual's own, for this process
        if memo is not None:
            return memo
        key = cache.key(self._variables, css, read_from, (is_default_rules, tie_breaker, scope))
        rules = cache.rules(key)
        if rules is None:
            rules = original(self, css, read_from, is_default_rules, tie_breaker, scope)
            cache.keep(key, rules)
        else:
            self._parse_cache[memo_key] = rules
        return rules

    return _parse_rules


def install() -> CssCache | None:
    """Parse Textual CSS through the cache, once a process (``None`` when turned off)."""
    global _INSTALLED
    if _INSTALLED is not None:
        return _INSTALLED
    if os.environ.get("DOSSIER_NO_METHOD_CACHE"):
        return None
    from textual.css.stylesheet import Stylesheet

    cache = CssCache(cache_folder() / "textual-css-2.pickle")
    Stylesheet._parse_rules = through(cache, Stylesheet._parse_rules)  # type: ignore[method-assign]
    import atexit

    atexit.register(cache.save)
    _INSTALLED = cache
    return cache
