"""A catalog directory's layout: its files and folders, and which paths belong to it.

One place for the names (``catalog.json``, ``resources/``...) and for the rule of which
paths a write or a save journal may touch. Used by :mod:`resource_catalog.store.files` and
:mod:`resource_catalog.store._journal`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from resource_catalog._base.atomic import TEMP_SUFFIX
from resource_catalog._base.paths import inside, is_bundled, saved_file_problem
from resource_catalog.errors import CatalogError
from resource_catalog.models import ID_PATTERN, SNAPSHOT_PATTERN, CatalogMeta

__all__ = [
    "BUILDINGS_FILE",
    "HISTORY_FILE",
    "JOURNAL_FILE",
    "LOCK_FILE",
    "META_FILE",
    "RESOURCES_DIR",
    "SNAPSHOTS_DIR",
    "TEMP_RE",
    "check_writable",
    "free_snapshot_name",
    "inside",
    "layout_file",
    "output_problem",
    "resource_path",
    "snapshot_path",
    "snapshot_problem",
]

META_FILE = "catalog.json"
RESOURCES_DIR = "resources"
SNAPSHOTS_DIR = "snapshots"
BUILDINGS_FILE = "buildings.csv"
HISTORY_FILE = "history.jsonl"
LOCK_FILE = ".sync.lock"
JOURNAL_FILE = ".save-journal.json"

_TOP_FILES = frozenset({META_FILE, HISTORY_FILE})
_ID_RE = re.compile(ID_PATTERN)
_SNAPSHOT_RE = re.compile(SNAPSHOT_PATTERN)
TEMP_RE = re.compile(r"\.(?P<final>.+)\.[0-9]+" + re.escape(TEMP_SUFFIX))


def resource_path(directory: Path, resource_id: str) -> Path:
    """The file of a resource; refuses ids that could escape the directory."""
    if not _ID_RE.fullmatch(resource_id):
        raise CatalogError(f"refusing to write resource with unsafe id {resource_id!r}")
    return directory / RESOURCES_DIR / f"{resource_id}.json"


def snapshot_path(directory: Path, name: str) -> Path:
    """The saved page ``name`` of a catalog; refuses names that could escape ``snapshots/``."""
    if not _SNAPSHOT_RE.fullmatch(name):
        raise CatalogError(f"refusing unsafe snapshot file name {name!r}")
    return directory / SNAPSHOTS_DIR / name


def snapshot_problem(directory: Path, name: str) -> tuple[str, str] | None:
    """Why the snapshot ``name`` must not be read, as (finding code, message), or ``None``
    (a missing file is no problem): :func:`resource_catalog._base.paths.saved_file_problem`
    for the catalog's ``snapshots/``, after refusing a name that could leave it."""
    snapshot_path(directory, name)
    return saved_file_problem(directory, SNAPSHOTS_DIR, name)


def output_problem(directory: Path, output: str | os.PathLike[str]) -> str | None:
    """Why a command's output ``output`` must not be written, or ``None``.

    An output (``export -o``, ``diff --report-dir``) that lands on one of the catalog's
    own files (``catalog.json``, ``history.jsonl``, ``buildings.csv``, the journal) or
    in its ``resources/`` or ``snapshots/`` would replace curated data outside the
    lock and the journal, or leave a file ``validate`` then rejects. Links are followed.
    """
    try:
        where = Path(output).resolve()
        home = directory.resolve()
    except (OSError, RuntimeError):
        return None  # the write itself reports what is wrong with the path
    own = {home / name for name in (META_FILE, HISTORY_FILE, BUILDINGS_FILE, JOURNAL_FILE)}
    folders = (home / RESOURCES_DIR, home / SNAPSHOTS_DIR)
    if where in own or any(where == f or where.is_relative_to(f) for f in folders):
        return (
            f"{os.fspath(output)} is inside the catalog {directory} (its own "
            f"{where.relative_to(home).as_posix()}); write the output somewhere else"
        )
    return None


def layout_file(rel: str) -> bool:
    """Whether ``rel`` (a POSIX path relative to the catalog) is one of the layout's files."""
    parts = rel.split("/")
    if len(parts) == 1:
        return parts[0] in _TOP_FILES
    if len(parts) == 2:  # noqa: PLR2004 (folder/name)
        folder, name = parts
        if folder == RESOURCES_DIR:
            return name.endswith(".json") and bool(_ID_RE.fullmatch(name[: -len(".json")]))
        if folder == SNAPSHOTS_DIR:
            return bool(_SNAPSHOT_RE.fullmatch(name))
    return False


def check_writable(directory: Path) -> None:
    """Refuse to write into the installed package or a read-only directory."""
    if is_bundled(directory):
        raise CatalogError(
            f"{directory} is the catalog bundled in the installed package and is never "
            "written to; pass --catalog DIR with a writable copy"
        )
    if not directory.is_dir():
        raise CatalogError(f"catalog directory not found: {directory}")
    if not os.access(directory, os.W_OK):
        raise CatalogError(f"catalog directory {directory} is not writable; pass --catalog DIR")


def free_snapshot_name(meta: CatalogMeta, source_id: str, directory: Path | None = None) -> str:
    """A snapshot file name for ``source_id`` that no other source of ``meta`` uses.

    ``ID.html`` when it is free, else ``ID-2.html``, ``ID-3.html``... With
    ``directory``, a name whose file already exists there is not free either (a file
    no source claims is still not ours to overwrite).
    """
    taken = {s.snapshot for s in meta.sources if s.id != source_id and s.snapshot}
    n = 1
    while True:
        name = f"{source_id}.html" if n == 1 else f"{source_id}-{n}.html"
        if not _SNAPSHOT_RE.fullmatch(name):
            return name  # left for the model to reject, with its message
        path = directory / SNAPSHOTS_DIR / name if directory is not None else None
        on_disk = path is not None and (path.exists() or path.is_symlink())
        if name not in taken and not on_disk:
            return name
        n += 1
