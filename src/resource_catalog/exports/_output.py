"""Where an export goes, written as it is made: a file (atomically) or a text stream.

The writers in :mod:`resource_catalog.exports.writers` hand each record's text or bytes
to a ``write`` function as soon as it is made, so no export holds its whole output nor
every record: pydantic-core's bytes go to the file as they are, CSV rows one by one.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TextIO

from resource_catalog._base.atomic import atomic_writer, write_atomic
from resource_catalog.errors import ExportError

__all__ = [
    "Output",
    "Write",
    "csv_rows",
    "json_array",
    "open_output",
    "open_outputs",
    "write_text_atomic",
]

#: Where a stream format goes: a text stream, or a file path (``str`` or path-like).
Output = TextIO | str | os.PathLike[str]
#: Takes a piece of the output: UTF-8 bytes, or text.
Write = Callable[[bytes | str], object]


def _utf8(chunk: bytes | str) -> bytes:
    return chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")


@contextmanager
def open_output(out: Output) -> Iterator[Write]:
    """A :data:`Write` for ``out``: a path is written atomically (the file appears when
    the block ends without an error), a text stream in place (through its binary
    buffer when it has one). Raises :class:`ExportError` when a path cannot be written."""
    if isinstance(out, str | os.PathLike):
        try:
            with atomic_writer(out) as fh:
                yield lambda chunk: fh.write(_utf8(chunk))
        except OSError as exc:
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from exc
        return
    buffer = getattr(out, "buffer", None)
    if buffer is None:  # a StringIO
        yield lambda chunk: out.write(chunk if isinstance(chunk, str) else chunk.decode())
        return
    out.flush()
    yield lambda chunk: buffer.write(_utf8(chunk))
    buffer.flush()


@contextmanager
def open_outputs(
    directory: str | os.PathLike[str], names: Sequence[str]
) -> Iterator[dict[str, Write]]:
    """A :data:`Write` for each file ``names`` of ``directory`` (created if missing), all
    open at once; each file appears atomically when the block ends without an error,
    and none does when it raises."""
    if not isinstance(directory, str | os.PathLike):
        raise ExportError("this format writes a directory: give a path, not a stream")
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {folder}: {exc}") from exc
    with ExitStack() as stack:
        yield {name: stack.enter_context(open_output(folder / name)) for name in names}


class _Lines:
    """What :func:`csv.writer` writes to: each row's text goes to ``write``."""

    def __init__(self, write: Write) -> None:
        self.write = write


def csv_rows(write: Write, header: Sequence[str]) -> Any:
    """A :func:`csv.writer` (RFC 4180, ``\\r\\n``) on ``write``, its header written."""
    writer = csv.writer(_Lines(write), lineterminator="\r\n")
    writer.writerow(header)
    return writer


def json_array(write: Write, items: Iterable[bytes | str]) -> None:
    """Write a JSON array indented by 2 from each item's own JSON text (indented by 2
    from column 0), and a final newline: what ``json.dumps(list, indent=2)`` writes."""
    lead = "[\n  "
    for chunk in items:
        write(lead)
        lead = ",\n  "
        write(
            chunk.replace(b"\n", b"\n  ")
            if isinstance(chunk, bytes)
            else chunk.replace("\n", "\n  ")
        )
    write("[]\n" if lead == "[\n  " else "\n]\n")


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 (no newline translation), atomically.

    A regular file is replaced atomically and keeps its permission bits (a new one gets
    ``0o644``); a symlink's target is replaced and the link kept; a FIFO or a device
    (``/dev/stdout``) is written through (:mod:`resource_catalog._base.atomic`). Raises
    :class:`ExportError` when it cannot be written; the old file is then intact.
    """
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
