"""Read a saved page from disk with the limits a fetched page has.

A saved page (``--html FILE``, a source's snapshot) is read with the same size limit
as a fetch (:data:`MAX_PAGE_BYTES`), and only when it is a regular file: a FIFO would
block forever and ``/dev/zero`` never ends. The file is opened without blocking and
checked with ``fstat`` on the open descriptor, so what is checked is what is read.
"""

from __future__ import annotations

import os
import stat
from typing import Final

from resource_catalog.errors import ParseError

__all__ = ["MAX_PAGE_BYTES", "read_page_file"]

#: The largest page read, fetched or saved (5 MB: far above any real resource page).
MAX_PAGE_BYTES: Final = 5_000_000
_CHUNK: Final = 1 << 20


def read_page_file(path: str | os.PathLike[str], max_bytes: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of a saved page; :class:`ParseError` when it is not a regular file or is
    larger than ``max_bytes``, :class:`OSError` when it cannot be opened."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ParseError(
                f"{os.fspath(path)} is not a regular file (a FIFO, a device or a folder): "
                "only a saved page is read"
            )
        if info.st_size > max_bytes:
            raise ParseError(
                f"{os.fspath(path)} is too large to be a page ({info.st_size} bytes; "
                f"the limit is {max_bytes})"
            )
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, _CHUNK):
            size += len(chunk)
            if size > max_bytes:  # it grew while read
                raise ParseError(
                    f"{os.fspath(path)} is too large to be a page (over {max_bytes} bytes)"
                )
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)
