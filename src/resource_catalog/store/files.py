"""The catalog on disk: its layout, reading it, the journalled save and the locks.

A catalog is a directory::

    catalog.json              CatalogMeta: schema version, source pages and their profiles
    resources/<id>.json       one Resource per file
    history.jsonl             one change event per line (sync, migrate, review)
    buildings.csv             the building registry
    snapshots/<name>          the last page seen of each source
    .sync.lock                held by a running sync (flock; never stale)
    .save-journal.json        present only while a save is committing (or after a crash)

Saving is all or nothing. Every changed file is first written and fsynced under a
temporary name beside it; then, holding the commit lock (an ``flock`` on the catalog
directory) exclusively, a journal lists
the renames, the renames are done and the journal is removed. A crash before the
journal leaves the old catalog; a crash after it is rolled forward by :func:`recover`
(which the next :func:`catalog_lock` runs). Readers (:func:`read_files`) hold the
commit lock shared, so they never see half a commit, and a reader that finds a
journal left by a crash reads the catalog as the roll-forward will leave it.

The journal is data from disk, so it is checked before it is obeyed: it may name only
a temporary file and its final file side by side inside the catalog, in the layout's
own places (``catalog.json``, ``history.jsonl``, ``resources/<id>.json``,
``snapshots/<name>``). Anything else is refused with :class:`CatalogError`.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from resource_catalog._base.atomic import read_regular
from resource_catalog.errors import CatalogError, CatalogLockedError
from resource_catalog.models import READABLE_VERSIONS, SCHEMA_VERSION, CatalogMeta
from resource_catalog.store._journal import (
    commit,
    commit_lock,
    current,
    journal_entries,
    journal_problem,
    recover,
    same_json,
)
from resource_catalog.store._layout import (
    BUILDINGS_FILE,
    HISTORY_FILE,
    JOURNAL_FILE,
    LOCK_FILE,
    META_FILE,
    RESOURCES_DIR,
    SNAPSHOTS_DIR,
    check_writable,
    free_snapshot_name,
    inside,
    resource_path,
    snapshot_path,
    snapshot_problem,
)
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.migrate import V1, upgrade_meta

__all__ = [
    "BUILDINGS_FILE",
    "HISTORY_FILE",
    "JOURNAL_FILE",
    "META_FILE",
    "RESOURCES_DIR",
    "SNAPSHOTS_DIR",
    "CatalogFiles",
    "catalog_lock",
    "check_writable",
    "commit",
    "free_snapshot_name",
    "journal_problem",
    "open_files",
    "parse_meta",
    "read_files",
    "read_meta",
    "recover",
    "resource_path",
    "same_json",
    "save_catalog",
    "snapshot_path",
    "snapshot_problem",
    "to_json_bytes",
]


@contextmanager
def catalog_lock(directory: Path) -> Iterator[None]:
    """Hold the catalog's sync lock; a second holder gets :class:`CatalogLockedError`.

    The lock is an ``flock`` on ``.sync.lock``: the kernel releases it when the
    holder dies, so a crashed sync never leaves a stale lock behind. On entry an
    interrupted earlier save is rolled forward.
    """
    check_writable(directory)
    lock_path = directory / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
            raise CatalogLockedError(
                f"catalog {directory} is locked by a running sync (pid {holder}); "
                "try again when it has finished"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        recover(directory)
        yield
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- reading


class Refused(Exception):  # noqa: N818 (a value, not raised out of this module)
    """A file the store would not read (a symlink that leaves the catalog)."""


@dataclass
class CatalogFiles:
    """The raw bytes of a catalog, read in one consistent view.

    ``names`` are the ``resources/*.json`` file names, sorted. ``resources`` maps each
    to its bytes, or to the :class:`OSError` / :class:`Refused` that kept it from being
    read (filled by :func:`read_files`; inside :func:`open_files`, read the files one at
    a time with :meth:`each_resource` instead). ``interrupted`` is true when a crash
    left a journal; the view is then the rolled-forward one. ``journal_error`` says why
    a journal found was refused (the view is then the files as they stand);
    ``history_error`` why ``history.jsonl`` was not read.
    """

    directory: Path
    meta: bytes | OSError
    resources: dict[str, bytes | OSError | Refused] = field(default_factory=dict)
    history: bytes | None = None
    interrupted: bool = False
    journal_error: str | None = None
    history_error: OSError | Refused | None = None
    names: tuple[str, ...] = ()
    _reader: Callable[[str], bytes | OSError | Refused] | None = field(default=None, repr=False)
    _progress: Callable[[int, int], None] | None = field(default=None, repr=False)

    def each_resource(
        self, names: Sequence[str] | None = None
    ) -> Iterator[tuple[str, bytes | OSError | Refused]]:
        """Each resource file's name and bytes (or why it was not read), read as asked.

        Only inside :func:`open_files`, whose shared lock keeps the view consistent;
        no file's bytes are kept, so a caller holds one file at a time. ``names`` (some
        of :attr:`names`, in the order wanted) reads those instead, with no progress.
        """
        reader, progress = self._reader, self._progress if names is None else None
        if reader is None:
            raise RuntimeError("each_resource() is only for a view open in open_files()")
        chosen = self.names if names is None else names
        for done, name in enumerate(chosen, start=1):
            if progress is not None:
                progress(done, len(chosen))
            yield name, reader(name)


def _read(path: Path, directory: Path, *, folder_leaves: bool = False) -> bytes | OSError | Refused:
    if folder_leaves:
        return Refused(
            f"its folder {path.parent.name}/ is a symbolic link out of the catalog; not read"
        )
    if path.is_symlink() and not inside(path, directory):
        return Refused("a symbolic link to a file outside the catalog; not read")
    try:
        return read_regular(path)
    except OSError as exc:
        return exc


@contextmanager
def open_files(
    directory: Path, *, progress: Callable[[int, int], None] | None = None
) -> Iterator[CatalogFiles]:
    """A consistent view of the catalog's files while the ``with`` block runs.

    ``catalog.json`` and the history are read at once; resource files are read one at a
    time through :meth:`CatalogFiles.each_resource` (``progress(done, total)`` is called
    as they are), so a large catalog's bytes are never all held. Holds the commit lock
    shared: a save committing at the same time is seen whole or not at all, and waits
    for the block to end.
    """
    if not directory.is_dir():
        raise CatalogError(f"catalog directory not found: {directory}")
    with commit_lock(directory, exclusive=False):
        overlay: dict[Path, Path] = {}
        files = CatalogFiles(directory=directory, meta=b"")
        journal = directory / JOURNAL_FILE
        if journal.exists() or journal.is_symlink():
            try:
                overlay = {final: tmp for tmp, final in journal_entries(directory) if tmp.exists()}
                files.interrupted = True
            except CatalogError as exc:
                files.journal_error = str(exc)

        folder = directory / RESOURCES_DIR
        leaves = folder.is_symlink() and not inside(folder, directory)

        def read(path: Path) -> bytes | OSError | Refused:
            return _read(
                overlay.get(path, path), directory, folder_leaves=leaves and path.parent == folder
            )

        meta = read(directory / META_FILE)
        files.meta = OSError(str(meta)) if isinstance(meta, Refused) else meta
        history = directory / HISTORY_FILE
        if history in overlay or history.exists() or history.is_symlink():
            raw = read(history)
            if isinstance(raw, bytes):
                files.history = raw
            else:
                files.history_error = raw
        files.names = tuple(
            sorted(
                {p.name for p in _json_files(folder)}
                | {f.name for f in overlay if f.parent == folder}
            )
        )
        files._reader = lambda name: read(folder / name)
        files._progress = progress
        try:
            yield files
        finally:
            files._reader = None


def read_files(
    directory: Path, *, progress: Callable[[int, int], None] | None = None
) -> CatalogFiles:
    """Read ``catalog.json``, every resource file and the history, as one consistent view.

    As :func:`open_files`, with every resource file read into ``resources`` at once.
    """
    with open_files(directory, progress=progress) as files:
        files.resources = dict(files.each_resource())
    return files


def _json_files(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.endswith(".json") and not entry.name.startswith("."):
            yield entry


# --------------------------------------------------------------------------- metadata


def parse_meta(raw: bytes, where: str = META_FILE) -> tuple[CatalogMeta, str]:
    """``catalog.json``'s bytes -> (metadata in the current form, the version on disk).

    A UTF-8 BOM is accepted; a 1.0 file is upgraded in memory. Raises
    :class:`CatalogError` naming every problem when the file is not a valid
    ``catalog.json``.
    """
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{where} is not UTF-8 (byte {exc.start})") from None
    except RecursionError:
        raise CatalogError(f"{where} is nested too deeply to be a catalog.json") from None
    except ValueError as exc:
        raise CatalogError(f"{where} is not valid JSON: {exc}") from None
    version = data.get("schema_version", SCHEMA_VERSION) if isinstance(data, dict) else None
    if isinstance(data, dict) and not isinstance(version, str):
        raise CatalogError(
            f"{where} has schema_version {json.dumps(version)}, which is not a string: write "
            f'it in quotes, e.g. "schema_version": "{SCHEMA_VERSION}"'
        )
    if isinstance(data, dict) and version not in READABLE_VERSIONS:
        raise CatalogError(
            f"{where} has schema_version {version!r}; this version of resource-catalog reads "
            f"{' and '.join(READABLE_VERSIONS)} (a newer tool wrote it?)"
        )
    if version == V1:
        data = upgrade_meta(data)
    try:
        meta = CatalogMeta.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise CatalogError(f"{where} is not a valid catalog.json: {problems}") from None
    return meta, str(version)


def read_meta(directory: Path) -> CatalogMeta:
    """Read ``catalog.json``; a missing, unreadable or invalid file is a :class:`CatalogError`."""
    if not directory.is_dir():
        raise CatalogError(f"catalog directory not found: {directory}")
    meta_path = directory / META_FILE
    try:
        raw = read_regular(meta_path)
    except OSError as exc:
        raise CatalogError(f"cannot read {meta_path}: {exc.strerror or exc}") from exc
    return parse_meta(raw, str(meta_path))[0]


# --------------------------------------------------------------------------- saving


def to_json_bytes(model: BaseModel) -> bytes:
    """The canonical on-disk form of a model: 2-space JSON, field order, trailing newline."""
    text = json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


def _refuse_unreadable(catalog: Catalog, meta_bytes: bytes) -> None:
    """Raise :class:`CatalogError` when the catalog, once saved, would not load again.

    ``model_copy(update=...)`` runs no validator, so a change can build metadata or a
    record that its own model rejects (two sources sharing a snapshot file, a record
    with two observations of one page). Every save passes here: ``catalog.json`` is
    read back from the very bytes about to be written, and each record's model-level
    rules are run again (its fields are already typed values, so this stays cheap).
    """
    try:
        parse_meta(meta_bytes)
    except CatalogError as exc:
        raise CatalogError(f"refusing to save: {exc}; nothing was written") from None
    for resource in catalog.resources:
        try:
            type(resource).model_validate(dict(resource))
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            raise CatalogError(
                f"refusing to save: record {resource.id!r} would not load again "
                f"({first['msg']}); nothing was written"
            ) from None


def save_catalog(
    catalog: Catalog,
    directory: str | os.PathLike[str] | None = None,
    *,
    snapshots: Mapping[str, bytes] | None = None,
    history: Sequence[bytes] = (),
) -> list[Path]:
    """Write a catalog to ``directory`` (default: ``catalog.path``), all or nothing.

    ``snapshots`` maps snapshot file names to the pages to save; ``history`` holds
    lines to append to ``history.jsonl`` in the same commit, so an event is never
    written without its change, nor a change without its event. Only files whose
    content changes are written (a JSON file that says the same thing in another
    layout is left alone). Records are never deleted. Returns the paths written.
    """
    target = Path(directory) if directory is not None else catalog.path
    if target is None:
        raise CatalogError("save_catalog needs a directory: this catalog was not loaded from one")
    check_writable(target)
    meta_bytes = to_json_bytes(catalog.meta)
    _refuse_unreadable(catalog, meta_bytes)
    wanted: dict[Path, bytes] = {target / META_FILE: meta_bytes}
    for resource in catalog.resources:
        wanted[resource_path(target, resource.id)] = to_json_bytes(resource)
    for name, content in (snapshots or {}).items():
        wanted[snapshot_path(target, name)] = content
    if history:
        old = current(target / HISTORY_FILE) or b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        wanted[target / HISTORY_FILE] = old + b"".join(
            line if line.endswith(b"\n") else line + b"\n" for line in history
        )
    return commit(target, wanted)
