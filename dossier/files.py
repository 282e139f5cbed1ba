"""Write a file atomically, or not at all: a temporary file in the same folder, flushed to disk, then
renamed into place. Nothing here imports Textual; the CLI and the app both save through it.

Every failure is a one-line :class:`~dossier.errors.DossierError` naming the path, and leaves neither a
partial file nor the temporary file behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

from dossier.errors import DossierError
from dossier.sources import kind_of


class TargetExistsError(DossierError):
    """The file is there already and the caller did not ask to replace it."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: already exists; not overwritten")
        self.path = path


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
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
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
