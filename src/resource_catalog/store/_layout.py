"""A catalog directory's layout: its files and folders, and which paths belong to it.

One place for the names (``catalog.json``, ``resources/``...) and for the rule of which
paths a write or a save journal may touch. Used by :mod:`resource_catalog.store.files` and
:mod:`resource_catalog.store._journal`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from resource_catalog._paths import is_bundled
from resource_catalog.errors import CatalogError
from resource_catalog.models import ID_PATTERN, SNAPSHOT_PATTERN
from resource_catalog.store.atomic import TEMP_SUFFIX

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
    "inside",
    "layout_file",
    "resource_path",
    "snapshot_path",
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


def inside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (symlinks followed) lies inside ``directory`` (symlinks followed)."""
    try:
        path.resolve().relative_to(directory.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


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
