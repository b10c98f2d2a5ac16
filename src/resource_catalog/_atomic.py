"""Atomic file writes: the one helper every writer uses (store, exports, schemas, reports).

A regular file (or a path that does not exist yet) is replaced atomically: the data is
written to a temporary file in the same directory, flushed and fsynced, given the old
file's permission bits, then renamed over the target, so a reader sees the old file or
the new one, never half of one. What is not a regular file is written *through*:

* a symbolic link is followed, and its final target is replaced atomically (the link
  stays a link);
* a FIFO, a character device (``/dev/stdout``, ``/dev/null``, a terminal) or anything
  else that is not a regular file is opened and written in place, never replaced, so
  ``-o /dev/stdout`` works for any user and ``-o /dev/full`` fails with "No space left"
  while the device node stays what it was.

Errors are :class:`OSError`; callers turn them into their own error type.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = ["TEMP_SUFFIX", "fsync_dir", "resolve_target", "temp_name", "write_atomic", "write_temp"]

TEMP_SUFFIX = ".tmp"
_DEFAULT_MODE = 0o644


def temp_name(final: Path) -> Path:
    """The temporary sibling a write of ``final`` goes through (hidden, pid-tagged)."""
    return final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")


def resolve_target(path: Path) -> Path:
    """``path`` with symbolic links followed (the file that a write should replace)."""
    if path.is_symlink():
        return path.resolve()
    return path


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
    target = resolve_target(Path(path))
    payload = data.encode("utf-8") if isinstance(data, str) else data
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
