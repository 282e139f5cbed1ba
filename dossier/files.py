"""Write a file atomically, or not at all: a temporary file in the same folder, flushed to disk, then
renamed into place. Nothing here imports Textual; the CLI and the app both save through it.

Every failure is a one-line :class:`~dossier.errors.DossierError` naming the path, and leaves neither a
partial file nor the temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from dossier.errors import DossierError
from dossier.sources import kind_of


class TargetExistsError(DossierError):
    """The file is there already and the caller did not ask to replace it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: already exists; not overwritten")
        self.path = path


def mkstemp(folder: Path, name: str) -> tuple[int, str]:
    """A new file ``.NAME.XXXXXXXX.tmp`` in ``folder``, created exclusively, mode 0600: what
    :func:`tempfile.mkstemp` makes, without importing :mod:`tempfile` and with it :mod:`shutil`
    and :mod:`random` (9 ms of a 0.2 s ``dossier export``)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        candidate = folder / f".{name}.{os.urandom(6).hex()}.tmp"
        try:
            return os.open(candidate, flags, 0o600), str(candidate)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


MODE = 0o644
"""Permissions of a new file (``mkstemp`` makes 0600; a brief is meant to be shared)."""


def check_target(path: Path) -> None:
    """Refuse a path that cannot be a file to write: a directory, or a file in a missing folder."""
    if path.is_dir():
        raise DossierError(f"{path}: is a directory; give a file name")
    folder = path.parent
    if not folder.exists():
        raise DossierError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise DossierError(f"{folder}: is not a folder")


def check_replaceable(path: Path) -> None:
    """Refuse to replace anything but a regular file (or a link to one): renaming over a FIFO, a
    device node (as root, even ``/dev/full``), a socket or a directory would replace it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return  # nothing there (or a dangling link, which the rename replaces)
    except OSError as exc:
        raise DossierError(f"{path}: cannot check the file ({_reason(exc)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise DossierError(
            f"{path}: is {kind_of(info.st_mode)}; --force replaces only a regular file"
        )


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a short write is not an error)."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EDQUOT:
        return "over the disk quota"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "read-only file system"
    return exc.strerror or str(exc)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every system can open a folder, so best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, force: bool = False) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically.

    Without ``force`` an existing file is never replaced, even one that appears while writing: the
    new file is hard-linked into place, which fails if the name is taken (on file systems without
    hard links, the check before the rename is the guard).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    check_target(path)
    if path.exists() and not force:
        raise TargetExistsError(path)
    if force:
        check_replaceable(path)
    folder = path.parent
    try:
        fd, tmp_name = mkstemp(folder, path.name)
    except OSError as exc:
        raise DossierError(f"{path}: cannot create a file in {folder} ({_reason(exc)})") from None
    tmp = Path(tmp_name)
    try:
        try:
            _write_all(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        tmp.chmod(MODE)
        if force:
            tmp.replace(path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise TargetExistsError(path) from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                tmp.replace(path)  # no hard links here: the check above has to do
        _fsync_folder(folder)
    except DossierError:
        raise
    except OSError as exc:
        raise DossierError(f"{path}: cannot write the file ({_reason(exc)})") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


# --------------------------------------------------------------------------------------------------
# Temporary files of a build: removed on a signal, and swept by the next build after a kill -9.


class Interrupted(SystemExit):
    """SIGTERM or SIGHUP arrived while a temporary file existed: unwind (so that ``finally``
    blocks remove it), then exit as the signal would have, 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(128 + signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def _signals_unwind() -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Interrupted` for the duration (SIGINT raises
    ``KeyboardInterrupt`` already); only in the main thread, where Python runs handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    import signal  # here: the everyday commands never need it

    previous: dict[int, Any] = {}
    for signum in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if signum is None:
            continue
        handler = signal.getsignal(signum)
        if handler in (signal.SIG_DFL, None):  # leave a handler someone else installed alone
            previous[signum] = handler
            signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def sweep_temp_files(target: Path) -> int:
    """Remove what an interrupted write of ``target`` left beside it (``.NAME.*.tmp``) and no
    live writer holds (each writer holds an exclusive ``flock`` on its file until it is done).
    Returns how many were removed."""
    removed = 0
    try:
        candidates = list(target.parent.glob(f".{glob_escape(target.name)}.*.tmp"))
    except OSError:
        return 0
    for leftover in candidates:
        try:
            fd = os.open(leftover, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # a build in progress
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
                removed += 1
        finally:
            os.close(fd)
    return removed


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


@contextlib.contextmanager
def temp_beside(target: Path) -> Iterator[Path]:
    """A new empty temporary file beside ``target`` (``.NAME.XXXX.tmp``), for a writer that
    renames it into place when complete. It is removed whatever happens: an error, Ctrl+C,
    SIGTERM or SIGHUP (which then exit with 128 + the signal). Leftovers of writers killed with
    SIGKILL are swept first (:func:`sweep_temp_files`); this one is held under an exclusive
    ``flock`` while it exists, so that a sweep by another process never takes it."""
    folder = target.parent
    sweep_temp_files(target)
    with _signals_unwind():
        try:
            fd, name = mkstemp(folder, target.name)
        except OSError as exc:
            raise DossierError(f"{folder}: cannot write here ({_reason(exc)})") from None
        tmp = Path(name)
        try:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            yield tmp
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            os.close(fd)
