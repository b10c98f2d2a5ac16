"""The save journal: how a commit of many files is all or nothing, and how it is checked.

:func:`commit` writes every changed file to a temporary name beside it, then, holding
the commit lock (an ``flock`` on the catalog directory) exclusively, writes a journal
of the renames, does them and removes the journal. :func:`recover` finishes a commit a
crash interrupted. The journal is data from disk, so it is checked before it is obeyed:
it may name only a temporary file and its final file side by side inside the catalog,
in the layout's own places; anything else is refused with :class:`CatalogError`.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from resource_catalog._base.atomic import (
    TEMP_SUFFIX,
    fsync_dir,
    read_regular,
    resolve_target,
    write_temp,
)
from resource_catalog.errors import CatalogError
from resource_catalog.store._layout import (
    JOURNAL_FILE,
    RESOURCES_DIR,
    SNAPSHOTS_DIR,
    TEMP_RE,
    inside,
    layout_file,
)

__all__ = [
    "commit",
    "commit_lock",
    "current",
    "journal_entries",
    "journal_problem",
    "recover",
    "same_json",
]


def journal_entries(directory: Path) -> list[tuple[Path, Path]]:
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
    if not layout_file(final):
        raise CatalogError(
            f"{where} names {final!r}, which is not a file of the catalog's layout; refusing "
            "to move anything (the journal was not written by this tool)"
        )
    head, _, name = final.rpartition("/")
    temp_head, _, temp_file = temp.rpartition("/")
    match = TEMP_RE.fullmatch(temp_file)
    if temp_head != head or match is None or match["final"] != name:
        raise CatalogError(f"{where} pairs {final!r} with {temp!r}, which is not its temp file")
    final_path, temp_path = directory / final, directory / temp
    if not inside(final_path.parent, directory) or temp_path.is_symlink():
        raise CatalogError(f"{where} points outside the catalog ({final_path}); refusing")
    return temp_path, final_path


def journal_problem(directory: Path) -> str | None:
    """Why the journal in ``directory`` would be refused, or ``None`` (none, or a sound one)."""
    if not (directory / JOURNAL_FILE).exists() and not (directory / JOURNAL_FILE).is_symlink():
        return None
    try:
        journal_entries(directory)
    except CatalogError as exc:
        return str(exc)
    return None


def _roll_forward(directory: Path) -> None:
    """Do the renames the journal lists, then remove it (the caller holds the commit lock)."""
    pairs = journal_entries(directory)
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
        with commit_lock(directory, exclusive=True):
            _roll_forward(directory)
        did = True
    for sub in (directory, directory / RESOURCES_DIR, directory / SNAPSHOTS_DIR):
        if sub.is_dir() and not sub.is_symlink():
            for stray in sub.glob(f".*{TEMP_SUFFIX}"):
                if TEMP_RE.fullmatch(stray.name) and not stray.is_symlink():
                    stray.unlink(missing_ok=True)
                    did = True
    return did


@contextmanager
def commit_lock(directory: Path, *, exclusive: bool) -> Iterator[None]:
    """Readers hold this shared; a save holds it exclusively while it renames.

    It is an ``flock`` on the catalog directory itself, so reading creates no file and
    works on a read-only copy as well.
    """
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


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


def current(path: Path) -> bytes | None:
    try:
        return read_regular(path)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _holds(target: Path, data: bytes, *, as_json: bool) -> bool:
    """Whether ``target`` already holds ``data`` (a JSON file: says the same thing).

    Any other file of another size differs without being read: a saved page may have
    grown to hundreds of megabytes, and a sync that replaces it need not load it.
    """
    if not as_json:
        try:
            if target.stat().st_size != len(data):
                return False
        except FileNotFoundError:
            return False
    old = current(target)
    if old is None:
        return False
    return same_json(old, data) if as_json else old == data


def _target(directory: Path, final: Path) -> Path:
    """Where a write of ``final`` lands: a symlink inside the catalog is written through."""
    if not final.is_symlink():
        return final
    target = resolve_target(final)
    rel = target.relative_to(directory.resolve()) if inside(target, directory) else None
    if (
        rel is None
        or not layout_file(rel.as_posix())
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
        if not layout_file(rel):
            raise CatalogError(f"refusing to write {final}: not a file of the catalog's layout")
        target = _target(directory, final)
        if _holds(target, data, as_json=json_files and target.suffix == ".json"):
            continue
        targets[target] = final
        changed.append(final)
    if not changed:
        return []
    for sub in {t.parent for t in targets}:
        if sub.is_symlink() and not inside(sub, directory):
            raise CatalogError(
                f"{sub} is a symbolic link to {resolve_target(sub)}, outside the catalog; "
                "refusing to write there (nothing was written)"
            )
        sub.mkdir(parents=True, exist_ok=True)
    temps: dict[Path, Path] = {}
    try:
        for target, final in targets.items():
            temps[target] = write_temp(target, wanted[final])
        with commit_lock(directory, exclusive=True):
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
