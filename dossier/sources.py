"""Read the files a case file names, as someone else's case file may name them: only regular files,
only inside the project's ``seeds/`` folder, never more than a set size, never blocking.

A case file travels (a pull request, a shared folder), so ``file = "../../../etc/passwd"``, an
absolute path, a symlink out of ``seeds/``, ``/dev/zero`` or a FIFO must each be a one-line error —
without reading a byte of a file outside the project, so that no message (a wrong sha256, a
closest passage) can reveal anything about it. Nothing here imports Textual.
"""

from __future__ import annotations

import errno
import importlib
import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

SEEDS = "seeds"
"""The folder of the project, beside ``data/``, that holds every source."""

MAX_SOURCE_BYTES = 50 * 1024 * 1024
"""The largest source read (50 MiB: a long book is 2 MiB of text)."""

MAX_CASE_BYTES = 100 * 1024 * 1024
"""The largest case file read (100 MiB: a million quotes' worth of TOML)."""


class ReadError(Exception):
    """A file that must not or cannot be read; ``message`` says why in a few words, without the
    content of the file, and ``key`` is the case-file key to point at."""

    def __init__(self, message: str, key: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.key = key


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_regular(path: Path, limit: int, what: str) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them. A FIFO is never
    opened for blocking (the type is checked first, and the open does not wait for a writer),
    a device or a directory is refused, a file larger than ``limit`` is refused unread."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ReadError(f"{what} not found") from None
    except OSError as exc:
        raise ReadError(f"cannot read {what} ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ReadError(f"{what} is {kind_of(info.st_mode)}, not a regular file")
    if info.st_size > limit:
        raise ReadError(f"{what} is {info.st_size:,} bytes, more than the {limit:,} allowed")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:
            raise ReadError(f"{what} is not a regular file") from None
        raise ReadError(f"cannot read {what} ({exc.strerror})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since the check above
            raise ReadError(f"{what} is not a regular file")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # grew while being read
                raise ReadError(f"{what} is more than the {limit:,} bytes allowed")
        return b"".join(chunks)
    except OSError as exc:
        raise ReadError(f"cannot read {what} ({exc.strerror})") from None
    finally:
        os.close(fd)


def confined(root: Path, file: str) -> Path:
    """The path a case file's ``file = ...`` names, resolved (symlinks followed), when it lies
    inside ``root/seeds``; else :class:`ReadError`. Nothing outside is opened or read."""
    if not file.strip():
        raise ReadError("source file is empty")
    if "\x00" in file:
        raise ReadError(f"source file {file!r} is not a path")
    if PurePosixPath(file).is_absolute() or PureWindowsPath(file).is_absolute():
        raise ReadError(
            f"source file {file} is an absolute path; give a path inside {SEEDS}/, "
            "relative to the project"
        )
    seeds = (root / SEEDS).resolve()
    try:
        target = (root / file).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise ReadError(f"source file {file} cannot be resolved (a symlink loop?)") from None
    if not target.is_relative_to(seeds) or target == seeds:
        raise ReadError(
            f"source file {file} is outside the project's {SEEDS}/ folder "
            "(after following links); sources must be files in it"
        )
    return target


def read_source(root: Path, file: str, limit: int | None = None) -> bytes:
    """The bytes of a case file's source ``file``: confined to ``root/seeds``, a regular file, at
    most ``limit`` bytes (:data:`MAX_SOURCE_BYTES` by default, read when called).
    :class:`ReadError` otherwise, naming only ``file``."""
    target = confined(root, file)
    try:
        return read_regular(
            target, MAX_SOURCE_BYTES if limit is None else limit, f"source file {file}"
        )
    except ReadError as exc:
        if exc.message.endswith(" not found"):
            raise ReadError(f"source file {file} not found (looked in {root})") from None
        raise


SMALL_HASH_BYTES = 256 * 1024
"""Up to this size :func:`sha256_hex` hashes without :mod:`hashlib`."""


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex. Every everyday command hashes the bundled case file and
    its sources (is the dossier up to date?), a few tens of kB: importing :mod:`hashlib` and its
    OpenSSL backend takes 5 ms, the interpreter's own SHA-256 1 ms. That one is 7x slower on
    long data (7.7 ms a MiB against 1.1), so longer data goes to :mod:`hashlib`."""
    if len(data) <= SMALL_HASH_BYTES:
        for name in ("_sha2", "_sha256"):  # CPython 3.12+, 3.11
            try:
                builtin: Any = importlib.import_module(name)
            except ImportError:
                continue
            return str(builtin.sha256(data).hexdigest())
    import hashlib

    return hashlib.sha256(data).hexdigest()


def sha256_of(root: Path, file: str) -> str | None:
    """The sha256 of a source as :func:`read_source` reads it, or None when it cannot be read
    (for a staleness check, which only needs to know that something changed)."""
    try:
        return sha256_hex(read_source(root, file))
    except ReadError:
        return None
