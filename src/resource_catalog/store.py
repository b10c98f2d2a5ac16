"""The catalog on disk: its layout, reading it, the journalled save and the locks.

A catalog is a directory::

    catalog.json              CatalogMeta: schema version, source pages and their profiles
    resources/<id>.json       one Resource per file
    history.jsonl             one change event per line (sync, migrate, review)
    buildings.csv             the building registry
    snapshots/<name>          the last page seen of each source
    .sync.lock                held by a running sync (flock; never stale)
    .commit.lock              held shared by readers, exclusively while a save renames
    .save-journal.json        present only while a save is committing (or after a crash)

Saving is all or nothing. Every changed file is first written and fsynced under a
temporary name beside it; then, holding the commit lock exclusively, a journal lists
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
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from resource_catalog._atomic import TEMP_SUFFIX, fsync_dir, resolve_target, write_temp
from resource_catalog._paths import is_bundled
from resource_catalog.catalog import Catalog
from resource_catalog.errors import CatalogError, CatalogLockedError
from resource_catalog.migrate import V1, upgrade_meta
from resource_catalog.models import (
    ID_PATTERN,
    READABLE_VERSIONS,
    SCHEMA_VERSION,
    SNAPSHOT_PATTERN,
    CatalogMeta,
)

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
    "journal_problem",
    "parse_meta",
    "read_files",
    "read_meta",
    "recover",
    "resource_path",
    "same_json",
    "save_catalog",
    "snapshot_path",
    "to_json_bytes",
]

META_FILE = "catalog.json"
RESOURCES_DIR = "resources"
SNAPSHOTS_DIR = "snapshots"
BUILDINGS_FILE = "buildings.csv"
HISTORY_FILE = "history.jsonl"
LOCK_FILE = ".sync.lock"
COMMIT_LOCK_FILE = ".commit.lock"
JOURNAL_FILE = ".save-journal.json"

_TOP_FILES = frozenset({META_FILE, HISTORY_FILE})
_ID_RE = re.compile(ID_PATTERN)
_SNAPSHOT_RE = re.compile(SNAPSHOT_PATTERN)
_TEMP_RE = re.compile(r"\.(?P<final>.+)\.[0-9]+" + re.escape(TEMP_SUFFIX))


# --------------------------------------------------------------------------- places


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


def _layout_file(rel: str) -> bool:
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


def _inside(path: Path, directory: Path) -> bool:
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


# --------------------------------------------------------------------------- journal


def _journal_entries(directory: Path) -> list[tuple[Path, Path]]:
    """The journal's (temp, final) pairs, checked; :class:`CatalogError` when unsafe or broken."""
    journal = directory / JOURNAL_FILE
    where = f"the save journal {journal}"
    if journal.is_symlink() or not journal.is_file():
        raise CatalogError(f"{where} is not a regular file; remove it by hand after a look")
    try:
        raw = journal.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read {where}: {exc.strerror or exc}") from exc
    try:
        entries = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CatalogError(
            f"{where} is corrupt ({type(exc).__name__}); no save can be finished from it. "
            "Look at the catalog, then remove the journal and its .tmp files by hand"
        ) from None
    if not isinstance(entries, list) or not entries:
        raise CatalogError(f"{where} is not a list of renames; remove it by hand after a look")
    pairs: list[tuple[Path, Path]] = []
    for n, entry in enumerate(entries):
        if (
            not isinstance(entry, dict)
            or set(entry) != {"temp", "final"}
            or not all(isinstance(v, str) for v in entry.values())
        ):
            raise CatalogError(f"{where}: entry {n} is not {{'temp': ..., 'final': ...}}")
        pairs.append(_checked_pair(directory, entry["temp"], entry["final"], f"{where}: entry {n}"))
    return pairs


def _checked_pair(directory: Path, temp: str, final: str, where: str) -> tuple[Path, Path]:
    """One journal entry, refused unless it names a layout file and its own temp beside it."""
    if not _layout_file(final):
        raise CatalogError(
            f"{where} names {final!r}, which is not a file of the catalog's layout; refusing "
            "to move anything (the journal was not written by this tool)"
        )
    head, _, name = final.rpartition("/")
    temp_head, _, temp_file = temp.rpartition("/")
    match = _TEMP_RE.fullmatch(temp_file)
    if temp_head != head or match is None or match["final"] != name:
        raise CatalogError(f"{where} pairs {final!r} with {temp!r}, which is not its temp file")
    final_path, temp_path = directory / final, directory / temp
    if not _inside(final_path.parent, directory) or temp_path.is_symlink():
        raise CatalogError(f"{where} points outside the catalog ({final_path}); refusing")
    return temp_path, final_path


def journal_problem(directory: Path) -> str | None:
    """Why the journal in ``directory`` would be refused, or ``None`` (none, or a sound one)."""
    if not (directory / JOURNAL_FILE).exists() and not (directory / JOURNAL_FILE).is_symlink():
        return None
    try:
        _journal_entries(directory)
    except CatalogError as exc:
        return str(exc)
    return None


def _roll_forward(directory: Path) -> None:
    """Do the renames the journal lists, then remove it (the caller holds the commit lock)."""
    pairs = _journal_entries(directory)
    for tmp, final in pairs:
        if tmp.exists():
            tmp.replace(final)
    for parent in {final.parent for _, final in pairs}:
        fsync_dir(parent)
    (directory / JOURNAL_FILE).unlink()
    fsync_dir(directory)


def recover(directory: Path) -> bool:
    """Finish an interrupted save and remove stray temp files. True if work was done.

    Raises :class:`CatalogError` when the journal is corrupt or names files outside the
    catalog's layout; nothing is moved then.
    """
    did = False
    journal = directory / JOURNAL_FILE
    if journal.exists() or journal.is_symlink():
        with _commit_lock(directory, exclusive=True):
            _roll_forward(directory)
        did = True
    for sub in (directory, directory / RESOURCES_DIR, directory / SNAPSHOTS_DIR):
        if sub.is_dir() and not sub.is_symlink():
            for stray in sub.glob(f".*{TEMP_SUFFIX}"):
                if _TEMP_RE.fullmatch(stray.name) and not stray.is_symlink():
                    stray.unlink(missing_ok=True)
                    did = True
    return did


# --------------------------------------------------------------------------- locks


@contextmanager
def _commit_lock(directory: Path, *, exclusive: bool) -> Iterator[None]:
    """Readers hold this shared; a save holds it exclusively while it renames.

    Where the lock file cannot exist (the bundled catalog, a read-only copy that has
    none) nobody can be committing, so readers go ahead without it.
    """
    path = directory / COMMIT_LOCK_FILE
    fd: int | None = None
    if not is_bundled(directory):
        for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
            try:
                fd = os.open(path, flags | os.O_NOFOLLOW, 0o644)
                break
            except OSError:
                continue
    if fd is None:
        if exclusive:
            raise CatalogError(f"cannot open the commit lock {path}")
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


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

    ``resources`` maps each ``resources/*.json`` file name to its bytes, or to the
    :class:`OSError` / :class:`Refused` that kept it from being read. ``interrupted``
    is true when a crash left a journal; the view is then the rolled-forward one.
    ``journal_error`` says why a journal found was refused (the view is then the
    files as they stand); ``history_error`` why ``history.jsonl`` was not read.
    """

    directory: Path
    meta: bytes | OSError
    resources: dict[str, bytes | OSError | Refused] = field(default_factory=dict)
    history: bytes | None = None
    interrupted: bool = False
    journal_error: str | None = None
    history_error: OSError | Refused | None = None


def _read(path: Path, directory: Path, *, folder_leaves: bool = False) -> bytes | OSError | Refused:
    if folder_leaves:
        return Refused(
            f"its folder {path.parent.name}/ is a symbolic link out of the catalog; not read"
        )
    if path.is_symlink() and not _inside(path, directory):
        return Refused("a symbolic link to a file outside the catalog; not read")
    try:
        return path.read_bytes()
    except OSError as exc:
        return exc


def read_files(
    directory: Path, *, progress: Callable[[int, int], None] | None = None
) -> CatalogFiles:
    """Read ``catalog.json``, every resource file and the history, as one consistent view.

    Holds the commit lock shared, so a save committing at the same time is seen whole or
    not at all. ``progress(done, total)`` is called as resource files are read.
    """
    if not directory.is_dir():
        raise CatalogError(f"catalog directory not found: {directory}")
    with _commit_lock(directory, exclusive=False):
        overlay: dict[Path, Path] = {}
        files = CatalogFiles(directory=directory, meta=b"")
        journal = directory / JOURNAL_FILE
        if journal.exists() or journal.is_symlink():
            try:
                overlay = {final: tmp for tmp, final in _journal_entries(directory) if tmp.exists()}
                files.interrupted = True
            except CatalogError as exc:
                files.journal_error = str(exc)

        folder = directory / RESOURCES_DIR
        leaves = folder.is_symlink() and not _inside(folder, directory)

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
        names = sorted(
            {p.name for p in _json_files(folder)} | {f.name for f in overlay if f.parent == folder}
        )
        for done, name in enumerate(names, start=1):
            if progress is not None:
                progress(done, len(names))
            files.resources[name] = read(folder / name)
    return files


def _json_files(folder: Path) -> Iterator[os.DirEntry[str]]:
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name.endswith(".json") and not entry.name.startswith("."):
            yield entry


# --------------------------------------------------------------------------- writing


def same_json(old: bytes | None, new: bytes) -> bool:
    """Whether ``old`` says what ``new`` says (formatting, line ends and a BOM aside)."""
    if old is None:
        return False
    if old == new:
        return True
    try:
        return bool(json.loads(old.decode("utf-8-sig")) == json.loads(new))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _target(directory: Path, final: Path) -> Path:
    """Where a write of ``final`` lands: a symlink inside the catalog is written through."""
    if not final.is_symlink():
        return final
    target = resolve_target(final)
    rel = target.relative_to(directory.resolve()) if _inside(target, directory) else None
    if (
        rel is None
        or not _layout_file(rel.as_posix())
        or rel.parent != final.parent.relative_to(directory)
    ):
        raise CatalogError(
            f"{final} is a symbolic link to {target}, outside the catalog's own "
            f"{final.parent.name}/ folder; refusing to write through it"
        )
    return directory / rel


def commit(directory: Path, wanted: Mapping[Path, bytes], *, json_files: bool = True) -> list[Path]:
    """Write ``wanted`` (path -> bytes, every path a layout file of ``directory``), all or nothing.

    A JSON file whose content already says the same thing is left alone (no byte of it
    changes); other files are compared byte for byte. Returns the paths written.
    """
    changed: list[Path] = []
    targets: dict[Path, Path] = {}
    for final, data in wanted.items():
        rel = final.relative_to(directory).as_posix()
        if not _layout_file(rel):
            raise CatalogError(f"refusing to write {final}: not a file of the catalog's layout")
        target = _target(directory, final)
        old = _current(target)
        is_json = json_files and target.suffix == ".json"
        if (same_json(old, data) if is_json else old == data) and old is not None:
            continue
        targets[target] = final
        changed.append(final)
    if not changed:
        return []
    for sub in {t.parent for t in targets}:
        if sub.is_symlink() and not _inside(sub, directory):
            raise CatalogError(
                f"{sub} is a symbolic link to {resolve_target(sub)}, outside the catalog; "
                "refusing to write there (nothing was written)"
            )
        sub.mkdir(parents=True, exist_ok=True)
    temps: dict[Path, Path] = {}
    try:
        for target, final in targets.items():
            temps[target] = write_temp(target, wanted[final])
        with _commit_lock(directory, exclusive=True):
            _write_journal(directory, temps)
            _roll_forward(directory)
    except BaseException:
        if not (directory / JOURNAL_FILE).exists():
            for tmp in temps.values():
                tmp.unlink(missing_ok=True)
        raise
    return sorted(changed)


def _write_journal(directory: Path, temps: Mapping[Path, Path]) -> None:
    entries = [
        {
            "temp": tmp.relative_to(directory).as_posix(),
            "final": final.relative_to(directory).as_posix(),
        }
        for final, tmp in temps.items()
    ]
    journal = directory / JOURNAL_FILE
    tmp = write_temp(journal, json.dumps(entries, indent=1).encode())
    try:
        tmp.replace(journal)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(directory)


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
        raw = meta_path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"cannot read {meta_path}: {exc.strerror or exc}") from exc
    return parse_meta(raw, str(meta_path))[0]


# --------------------------------------------------------------------------- saving


def to_json_bytes(model: BaseModel) -> bytes:
    """The canonical on-disk form of a model: 2-space JSON, field order, trailing newline."""
    text = json.dumps(model.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return text.encode("utf-8")


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
    wanted: dict[Path, bytes] = {target / META_FILE: to_json_bytes(catalog.meta)}
    for resource in catalog.resources:
        wanted[resource_path(target, resource.id)] = to_json_bytes(resource)
    for name, content in (snapshots or {}).items():
        wanted[snapshot_path(target, name)] = content
    if history:
        old = _current(target / HISTORY_FILE) or b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        wanted[target / HISTORY_FILE] = old + b"".join(
            line if line.endswith(b"\n") else line + b"\n" for line in history
        )
    return commit(target, wanted)
