"""The compiled methods of dataclasses, kept between runs like Python keeps a module's bytecode.

CPython makes a dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and, for a
frozen one, ``__setattr__``/``__delattr__`` by writing their source and compiling it, every time
the class is made: 0.2–0.5 ms a method, 1.3–2.5 ms a class (``benchmarks/results.md``). A
``dossier check`` makes 29 classes, ``export`` 29 and the app's first screen some 60 (Textual's
own among them): compiling was a third of ``check``'s time. The text of a method depends only on
the class's fields and options, so the same text comes back every run; loading its compiled code
from a file takes 2 % of compiling it.

:func:`install` gives :mod:`dataclasses` an ``exec`` of its own that looks the text up first
(the module calls ``exec(text, globals, namespace)`` in one place, in 3.11 to 3.13), and saves
what it had to compile at exit. Only the entry point calls it; importing dossier as a library
changes nothing.

The file is the user's own, like ``__pycache__``: it is used only when it is a regular file
owned by the user and writable by nobody else, of a bounded size, and written for this exact
interpreter (its name holds ``sys.hexversion``). A file that is not, or does not load, is ignored
and written anew. ``DOSSIER_CACHE_DIR`` moves it (default ``$XDG_CACHE_HOME/dossier``, else
``~/.cache/dossier``); ``DOSSIER_NO_METHOD_CACHE=1`` turns it off.
"""

from __future__ import annotations

import builtins
import marshal
import os
import stat
import sys
import threading
from pathlib import Path
from types import CodeType

TYPE_CHECKING = False  # typing itself costs 6 ms to import, before anything else needs it

if TYPE_CHECKING:
    from typing import Any

LIMIT_BYTES = 16 * 1024 * 1024
"""A cache file larger than this is not read (ordinary use writes ~0.5 MB)."""
MAX_ENTRIES = 4096
"""Past this many methods the cache is written again with only those this run used."""

_FILENAME = "<string>"  # what exec(text) compiles under, so tracebacks read the same


def cache_folder() -> Path:
    """The folder of dossier's caches: ``DOSSIER_CACHE_DIR``, else ``$XDG_CACHE_HOME/dossier``,
    else ``~/.cache/dossier``."""
    root = os.environ.get("DOSSIER_CACHE_DIR")
    if root:
        return Path(root)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "dossier"


def cache_path() -> Path:
    """Where this interpreter's cache of compiled dataclass methods is kept."""
    tag = sys.implementation.cache_tag or sys.implementation.name
    return cache_folder() / f"dataclass-methods-2.{tag}-{sys.hexversion:x}.marshal"


def read_cache(path: Path) -> dict[str, bytes]:
    """The cache file at ``path`` (text → bytes, marshalled), or an empty one when it is
    missing, not trusted (see the module's description) or not loadable."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        own = getattr(os, "getuid", None)
        if (
            not stat.S_ISREG(info.st_mode)
            or info.st_size > LIMIT_BYTES
            or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            or (own is not None and info.st_uid != own())
        ):
            return {}
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(LIMIT_BYTES + 1)
    except OSError:
        return {}
    finally:
        os.close(fd)
    try:
        loaded = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if type(k) is str and type(v) is bytes}


def write_cache(path: Path, codes: dict[str, bytes]) -> None:
    """Replace the cache at ``path`` with ``codes``, atomically; never anything but a regular
    file, and never raising (a cache that cannot be written is only slower)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                return
        except FileNotFoundError:
            pass
        data = marshal.dumps(codes)
        if len(data) > LIMIT_BYTES:
            return
        from dossier.files import mkstemp  # only when there is something to write

        fd, name = mkstemp(path.parent, path.name)
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            temp.replace(path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        return


class CacheFile:
    """One cache file's entries (text → bytes) for a run: read at the start, marked as used when
    asked for, and written back by :meth:`save` when the run added any. Past ``max_entries`` it
    is written with only those this run used."""

    def __init__(self, path: Path, max_entries: int) -> None:
        self.path = path
        self.max_entries = max_entries
        self.entries = read_cache(path)
        self.added = 0
        """Entries added since the file was read or last saved."""
        self.reused = 0
        self.used: set[str] = set()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        return self.entries.get(key)

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self.entries[key] = data
            self.added += 1

    def save(self) -> None:
        """Write the file if this run added anything."""
        with self._lock:
            if not self.added:
                return
            entries = dict(self.entries)
            if len(entries) > self.max_entries:  # start again from what this run used
                entries = {k: v for k, v in entries.items() if k in self.used}
            self.added = 0
        write_cache(self.path, entries)


class MethodCache(CacheFile):
    """An ``exec`` for :mod:`dataclasses` that reuses compiled code for a text seen before.

    Each method's code is marshalled on its own, and loaded only when its text comes: loading
    them all at once took 7 ms of a 490 kB file, the bytes alone 0.6 ms."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, MAX_ENTRIES)

    def exec(
        self,
        source: Any,
        globals: dict[str, Any] | None = None,  # exec's own names
        locals: Any = None,
        /,
    ) -> None:
        if type(source) is not str:
            builtins.exec(source, globals, locals)
            return
        data = self.get(source)
        code = None
        if data is not None:
            try:
                code = marshal.loads(data)
            except (ValueError, EOFError, TypeError):
                code = None
        if type(code) is CodeType:
            self.reused += 1
        else:
            # dont_inherit: not this module's `from __future__ import annotations`, which would
            # make the generated __init__'s annotations strings ('_type_x') where exec gives types.
            code = compile(source, _FILENAME, "exec", dont_inherit=True)
            self.put(source, marshal.dumps(code))
        builtins.exec(code, globals, locals)


_INSTALLED: MethodCache | None = None


def install() -> MethodCache | None:
    """Give :mod:`dataclasses` the cache's ``exec``, once a process; ``None`` when turned off or
    when something else already replaced that module's ``exec``."""
    global _INSTALLED
    if _INSTALLED is not None:
        return _INSTALLED
    if os.environ.get("DOSSIER_NO_METHOD_CACHE"):
        return None
    import dataclasses

    if "exec" in vars(dataclasses):
        return None
    cache = MethodCache(cache_path())
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    import atexit

    atexit.register(cache.save)
    _INSTALLED = cache
    return cache
