"""The catalog in memory (:class:`Catalog`) and on disk (load / save).

On disk a catalog is a directory::

    catalog.json              CatalogMeta: schema version, source pages
    resources/<id>.json       one Resource per file
    buildings.csv             the building registry
    snapshots/                the last source page seen

Writes are atomic per file (temp file + ``os.replace``) and a whole-catalog save
first writes every file to a temporary name, then renames them all, so a failure
before the renames leaves the old catalog untouched.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from resource_catalog._paths import is_bundled
from resource_catalog.errors import CatalogError, CatalogLockedError
from resource_catalog.models import ID_PATTERN, CatalogMeta, Resource, Status

META_FILE = "catalog.json"
RESOURCES_DIR = "resources"
SNAPSHOTS_DIR = "snapshots"
BUILDINGS_FILE = "buildings.csv"
LOCK_FILE = ".sync.lock"
JOURNAL_FILE = ".save-journal.json"
TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Catalog:
    """A loaded catalog: its metadata and resources, sorted by id."""

    meta: CatalogMeta
    resources: tuple[Resource, ...]
    path: Path | None = None
    _by_id: dict[str, Resource] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.resources, key=lambda r: r.id))
        object.__setattr__(self, "resources", ordered)
        object.__setattr__(self, "_by_id", {r.id: r for r in ordered})

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    def __contains__(self, resource_id: object) -> bool:
        return resource_id in self._by_id

    def get(self, resource_id: str) -> Resource | None:
        """The resource with this id, or ``None``."""
        return self._by_id.get(resource_id)

    def __getitem__(self, resource_id: str) -> Resource:
        return self._by_id[resource_id]

    @property
    def active(self) -> tuple[Resource, ...]:
        """Resources still listed on their page (retired ones excluded)."""
        return tuple(r for r in self.resources if r.status is Status.ACTIVE)

    def search(self, text: str, *, include_retired: bool = False) -> list[Resource]:
        """Resources whose name, acronym, description or topics contain every word of ``text``.

        Case-insensitive; results ranked by where the words hit (name and acronym
        first), then by id.
        """
        words = text.lower().split()
        pool = self.resources if include_retired else self.active
        hits: list[tuple[int, str, Resource]] = []
        for r in pool:
            title = f"{r.name} {r.acronym or ''}".lower()
            body = f"{r.description} {' '.join(r.topics)}".lower().replace("-", " ")
            if all(w in title or w in body for w in words):
                score = sum(w in title for w in words)
                hits.append((-score, r.id, r))
        return [r for _, _, r in sorted(hits, key=lambda h: (h[0], h[1]))]

    def filter(
        self,
        *,
        section: str | None = None,
        topic: str | None = None,
        audience: str | None = None,
        include_retired: bool = False,
    ) -> list[Resource]:
        """Resources in a section, with a topic and/or for an audience (all given must hold)."""
        pool = self.resources if include_retired else self.active
        return [
            r
            for r in pool
            if (section is None or r.section == section)
            and (topic is None or topic in r.topics)
            and (audience is None or audience in r.audience)
        ]

    def with_meta(self, meta: CatalogMeta) -> Catalog:
        """A copy of this catalog with other metadata."""
        return Catalog(meta=meta, resources=self.resources, path=self.path)

    def replace(self, resources: Sequence[Resource]) -> Catalog:
        """A copy of this catalog with other resources."""
        return Catalog(meta=self.meta, resources=tuple(resources), path=self.path)


# --------------------------------------------------------------------------- loading


def load_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Catalog:
    """Load and validate a catalog directory (the bundled catalog by default).

    Raises :class:`CatalogError` when the directory cannot be read or when any
    record is invalid; ``err.findings`` then holds every problem, not only the first.
    Warnings (possible duplicates) do not prevent loading. ``progress(done,
    total)`` is called as files are read.
    """
    from resource_catalog.validate import validate_catalog  # noqa: PLC0415 (cycle)

    result = validate_catalog(path, progress=progress)
    if result.errors:
        first = result.errors[0]
        raise CatalogError(
            f"catalog {result.directory} has {len(result.errors)} error(s); first: "
            f"{first.file}: {first.field}: {first.message}",
            result.findings,
        )
    return result.catalog


def read_meta(directory: Path) -> CatalogMeta:
    """Read ``catalog.json``; a missing or unreadable file is a :class:`CatalogError`."""
    meta_path = directory / META_FILE
    if not directory.is_dir():
        raise CatalogError(f"catalog directory not found: {directory}")
    try:
        raw = meta_path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read {meta_path}: {exc.strerror or exc}") from exc
    try:
        return CatalogMeta.model_validate_json(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise CatalogError(f"{meta_path} is not a valid catalog.json: {problems}") from exc


# --------------------------------------------------------------------------- saving


def mark_synced(
    catalog: Catalog,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    when: dt.datetime | None = None,
) -> Catalog:
    """Record a sync of the first source page: time, and validators for the next fetch."""
    first, *rest = catalog.meta.sources
    if first.snapshot is None:
        first = first.model_copy(update={"snapshot": "page.html"})
    first = first.model_copy(
        update={
            "etag": etag,
            "last_modified": last_modified,
            "last_sync": (when or dt.datetime.now(dt.UTC)).replace(microsecond=0),
        }
    )
    return catalog.with_meta(catalog.meta.model_copy(update={"sources": [first, *rest]}))


def to_json_text(model: BaseModel) -> str:
    """The canonical on-disk form of a model: 2-space JSON, field order, trailing newline."""
    return json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def check_writable(directory: Path) -> None:
    """Refuse to write into the installed package or a read-only directory."""
    if is_bundled(directory):
        raise CatalogError(
            f"{directory} is the catalog bundled in the installed package and is never "
            "written to; pass --catalog DIR with a writable copy"
        )
    if not os.access(directory, os.W_OK):
        raise CatalogError(f"catalog directory {directory} is not writable; pass --catalog DIR")


def save_catalog(
    catalog: Catalog,
    directory: str | os.PathLike[str] | None = None,
    *,
    snapshot: tuple[str, bytes] | None = None,
) -> list[Path]:
    """Write a catalog to ``directory`` (default: ``catalog.path``), all or nothing.

    Only files whose content changes are written. Every new file is first written
    and fsynced under a temporary name; a journal then lists the renames, and only
    after that are the files moved into place. A failure before the journal leaves
    the old catalog untouched; a crash after it is rolled forward by
    :func:`recover` (run automatically by the next :func:`catalog_lock`). Records
    are never deleted. Returns the paths that changed.
    """
    target = Path(directory) if directory is not None else catalog.path
    if target is None:
        raise CatalogError("save_catalog needs a directory: this catalog was not loaded from one")
    check_writable(target)
    (target / RESOURCES_DIR).mkdir(parents=True, exist_ok=True)
    wanted: dict[Path, bytes] = {target / META_FILE: to_json_text(catalog.meta).encode()}
    for resource in catalog.resources:
        wanted[resource_path(target, resource.id)] = to_json_text(resource).encode()
    if snapshot is not None:
        name, content = snapshot
        if Path(name).name != name or name.startswith("."):
            raise CatalogError(f"invalid snapshot file name {name!r}")
        (target / SNAPSHOTS_DIR).mkdir(exist_ok=True)
        wanted[target / SNAPSHOTS_DIR / name] = content
    changed = [p for p, data in wanted.items() if _read_or_none(p) != data]
    if not changed:
        return []
    temps: dict[Path, Path] = {}
    try:
        for final in changed:
            temps[final] = _write_temp(final, wanted[final])
        _write_journal(target, temps)
    except BaseException:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)
        raise
    _roll_forward(target)
    return sorted(changed)


def resource_path(directory: Path, resource_id: str) -> Path:
    """The file of a resource; refuses ids that could escape the directory."""
    if not re.fullmatch(ID_PATTERN, resource_id):
        raise CatalogError(f"refusing to write resource with unsafe id {resource_id!r}")
    return directory / RESOURCES_DIR / f"{resource_id}.json"


def recover(directory: Path) -> bool:
    """Finish an interrupted save and remove stray temp files. True if work was done."""
    did = False
    if (directory / JOURNAL_FILE).exists():
        _roll_forward(directory)
        did = True
    for sub in (directory, directory / RESOURCES_DIR, directory / SNAPSHOTS_DIR):
        if sub.is_dir():
            for stray in sub.glob(f".*{TEMP_SUFFIX}"):
                stray.unlink(missing_ok=True)
                did = True
    return did


@contextmanager
def catalog_lock(directory: Path) -> Iterator[None]:
    """Hold the catalog's sync lock; a second holder gets :class:`CatalogLockedError`.

    The lock is an ``flock`` on ``.sync.lock``: the kernel releases it when the
    holder dies, so a crashed sync never leaves a stale lock behind. On entry an
    interrupted earlier save is rolled forward.
    """
    check_writable(directory)
    lock_path = directory / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
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


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_temp(final: Path, data: bytes) -> Path:
    tmp = final.with_name(f".{final.name}.{os.getpid()}{TEMP_SUFFIX}")
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _write_journal(directory: Path, temps: dict[Path, Path]) -> None:
    entries = [
        {"temp": str(tmp.relative_to(directory)), "final": str(final.relative_to(directory))}
        for final, tmp in temps.items()
    ]
    journal = directory / JOURNAL_FILE
    tmp = _write_temp(journal, json.dumps(entries, indent=1).encode())
    try:
        tmp.replace(journal)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(directory)


def _roll_forward(directory: Path) -> None:
    journal = directory / JOURNAL_FILE
    entries = json.loads(journal.read_text(encoding="utf-8"))
    for entry in entries:
        tmp, final = directory / entry["temp"], directory / entry["final"]
        if tmp.exists():
            tmp.replace(final)
    for sub in {(directory / e["final"]).parent for e in entries}:
        _fsync_dir(sub)
    journal.unlink()
    _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
