"""Atomic file writes: the one helper every writer uses (store, exports, schemas, reports).

A regular file (or a path that does not exist yet) is replaced atomically: the data is
written to a temporary file in the same directory, flushed and fsynced, given the old
file's permission bits, then renamed over the target, so a reader sees the old file or
the new one, never half of one. What is not a regular file is written *through*:

* a symbolic link is followed, and its final target is replaced atomically (the link
  stays a link);
* a name for one of this process's open files (``/dev/stdout``, ``/dev/stderr``,
  ``/dev/fd/N``, ``/proc/self/fd/N``) is written to that file descriptor, as a shell
  redirection would be: ``-o /dev/stdout`` works into a pipe, and after ``>> log`` it
  appends;
* a FIFO, a character device (``/dev/null``, a terminal) or anything else that is not a
  regular file is opened and written in place, never replaced, so ``-o /dev/full``
  fails with "No space left" while the device node stays what it was.

A symbolic link loop is an :class:`OSError` (``ELOOP``), like any other unusable path.

Errors are :class:`OSError`; callers turn them into their own error type.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "TEMP_SUFFIX",
    "atomic_writer",
    "fsync_dir",
    "open_descriptor",
    "read_regular",
    "resolve_target",
    "temp_name",
    "write_atomic",
    "write_temp",
]

TEMP_SUFFIX = ".tmp"
_DEFAULT_MODE = 0o644


def temp_name(final: Path) -> Path:
    """The temporary sibling a write of ``final`` goes through (hidden, pid-tagged)."""
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")


def resolve_target(path: Path) -> Path:
    """``path`` with symbolic links followed (the file that a write should replace).

    Raises :class:`OSError` (``ELOOP``) for a symbolic link loop.
    """
    if path.is_symlink():
        try:
            return path.resolve()
        except RuntimeError:  # how Python before 3.13 reports a loop
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), str(path)) from None
    return path


_FD_DIRS = ("/proc/self/fd", "/dev/fd")


def open_descriptor(path: Path) -> int | None:
    """The file descriptor of this process that ``path`` names (``/dev/stdout``,
    ``/dev/fd/1``, ``/proc/self/fd/1``), links followed; ``None`` for any other path."""
    own = {Path(d).resolve() for d in _FD_DIRS if Path(d).is_dir()}
    for _ in range(40):  # the kernel's own limit on links followed
        try:
            folder = path.parent.resolve()
        except (OSError, RuntimeError):
            return None
        if folder in own:
            return int(path.name) if path.name.isdigit() else None
        if not path.is_symlink():
            return None
        try:
            link = path.readlink()
        except OSError:
            return None
        path = link if link.is_absolute() else path.parent / link
    return None


def _write_fd(fd: int, payload: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):  # what Python holds for the same file goes first
        try:
            if stream is not None and stream.fileno() == fd:
                stream.flush()
        except (AttributeError, OSError, ValueError):  # replaced or closed streams
            continue
    view = memoryview(payload)
    while view:
        view = view[os.write(fd, view) :]


def write_temp(final: Path, data: bytes, *, mode: int | None = None) -> Path:
    """Write ``data`` to ``final``'s temporary sibling, fsynced; return the temp path.

    The temp file gets ``mode``, else the permission bits of ``final`` when it exists,
    else ``0o644``. On any failure the temp file is removed.
    """
    tmp = temp_name(final)
    if mode is None:
        try:
            mode = final.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = _DEFAULT_MODE
    tmp.unlink(missing_ok=True)  # a leftover of this pid; "x" below never follows a link
    try:
        with tmp.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def fsync_dir(directory: Path) -> None:
    """Make the renames in ``directory`` durable.

    A file system that cannot sync a directory (``EINVAL``, ``ENOTSUP``) is passed over;
    any other failure is raised: the renames may not survive a crash.
    """
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def _is_special(path: Path) -> bool:
    """Whether ``path`` exists and is not a regular file (a FIFO, a device, a socket)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(st.st_mode)


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8, no newline translation) to ``path``; see the module doc.

    Returns the file that was written (the symlink's target for a link).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd = open_descriptor(Path(path))
    if fd is not None:
        _write_fd(fd, payload)
        return Path(path)
    target = resolve_target(Path(path))
    if _is_special(target):
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(path))
        with target.open("wb") as fh:  # O_TRUNC is harmless on a FIFO or a device
            fh.write(payload)
            fh.flush()
        return target
    tmp = write_temp(target, payload)
    try:
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)
    return target


@contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, piece by piece, as :func:`write_atomic`
    writes it whole: a regular file appears (or is replaced) only when the block ends
    without an error, and its temporary file is removed when it does not, so a large
    output is never held in memory and never seen half written.
    """
    fd = open_descriptor(Path(path))
    if fd is not None:
        _write_fd(fd, b"")  # flush what Python holds for the same descriptor first
        with os.fdopen(os.dup(fd), "wb") as fh:
            yield fh
        return
    target = resolve_target(Path(path))
    if _is_special(target):
        if target.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(path))
        with target.open("wb") as fh:
            yield fh
        return
    tmp = temp_name(target)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _DEFAULT_MODE
    tmp.unlink(missing_ok=True)
    try:
        with tmp.open("xb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        tmp.chmod(mode)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(target.parent)


def read_regular(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular file; :class:`OSError` (``EINVAL``) for a FIFO, a device or
    a socket, which a plain read would wait on forever or never finish.

    The file is opened without blocking and checked on the open descriptor.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(mode):
            raise OSError(
                errno.EINVAL, "not a regular file (a FIFO, a device or a socket)", os.fspath(path)
            )
        chunks: list[bytes] = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
