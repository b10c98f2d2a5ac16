"""Fault matrix: a sync or a review step interrupted at every file operation never
loses the catalog, nor separates a change from its history event.

``resource-catalog sync --html campus-resources-edited.html`` writes five files (one
changed record, one new, one retired, catalog.json, the snapshot) through a journal.
For every N up to the number of operations of a clean run, the Nth write (failing
half-way, as on a full disk), the Nth fsync or the Nth rename is made to fail:

* with an ``OSError`` in-process: the CLI exits 2 with one ``error:`` line;
* with a real crash (a forked child calls ``os._exit`` at that point, so no
  ``except``/``finally`` runs, as after a power cut or SIGKILL).

Afterwards (and after :func:`recover`, which the next sync runs by itself) the
catalog validates, every file is byte for byte either all the old catalog or all
the new one, no ``*.tmp`` file is left, and the next sync ends exactly where a clean
sync ends. A second sync while the lock is held is refused.

``review resolve`` and ``review done`` (on a catalog a sync left with a conflict and
a new listing) are swept the same way: they write the record and append its event to
``history.jsonl`` in one commit. In every case the history is checked against the
records: every event names a record, each field's latest event describes the record's
value, and a review step's change is there exactly when its event is.

The library-level pieces (one failed fsync, one crash mid-rename, stray temp
files, the lock) are also in ``test_catalog.py``; this module sweeps every point.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner, Result

from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.cli import cli
from resource_catalog.models import Resource
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action
from resource_catalog.store.files import JOURNAL_FILE, catalog_lock, recover
from resource_catalog.workflows import review
from resource_catalog.workflows import sync as syncing

from .conftest import DATA, first_page_catalog
from .curation import NEW, S3, make_review_work

EDITED = DATA / "campus-resources-edited.html"
#: A fixed clock, so that two syncs of the same page write the same bytes.
WHEN = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)
CRASH_STATUS = 70
OPS = ("write", "fsync", "rename")

Snapshot = dict[str, bytes]


def files_of(directory: Path) -> Snapshot:
    """Every file of a catalog directory but the lock file, by relative path."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name != ".sync.lock"
    }


def fresh_copy(target: Path) -> Path:
    return first_page_catalog(target)


def run_sync(directory: Path) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "sync",
            "--catalog",
            str(directory),
            "--source",
            "osc-campus-resources",
            "--html",
            str(EDITED),
        ],
    )


class Injector:
    """Counts file operations and fails the ``at``-th one of ``kind``.

    Writes are the writes of temp files (``*.tmp``); a failing write first writes
    half its data. ``crash`` ends the process on the spot (``os._exit``) instead of
    raising ``OSError``, so no cleanup code gets to run.
    """

    def __init__(self, kind: str | None = None, at: int = 0, *, crash: bool = False) -> None:
        self.kind, self.at, self.crash = kind, at, crash
        self.counts: dict[str, int] = dict.fromkeys(OPS, 0)

    def hit(self, kind: str) -> bool:
        self.counts[kind] += 1
        return kind == self.kind and self.counts[kind] == self.at

    def fail(self, kind: str) -> None:
        if self.crash:
            os._exit(CRASH_STATUS)
        code = errno.ENOSPC if kind == "write" else errno.EIO
        raise OSError(code, os.strerror(code))

    def install(self, mp: pytest.MonkeyPatch) -> None:
        real_fsync, real_replace, real_open = os.fsync, os.replace, Path.open

        def fsync(fd: int) -> None:
            if self.hit("fsync"):
                self.fail("fsync")
            real_fsync(fd)

        def replace(src: Any, dst: Any, **kwargs: Any) -> None:
            if self.hit("rename"):
                self.fail("rename")
            real_replace(src, dst, **kwargs)

        def open_(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
            handle = real_open(path, mode, *args, **kwargs)
            if ("w" in mode or "x" in mode) and path.name.endswith(".tmp"):
                return HalfWriter(handle, self)  # type: ignore[return-value]
            return handle

        mp.setattr(os, "fsync", fsync)
        mp.setattr(os, "replace", replace)
        mp.setattr(Path, "open", open_)


class HalfWriter:
    """A file whose failing write stores half the data first, as a full disk would."""

    def __init__(self, handle: IO[Any], injector: Injector) -> None:
        self.handle, self.injector = handle, injector

    def __enter__(self) -> HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        if self.injector.hit("write"):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            self.injector.fail("write")
        return int(self.handle.write(data))

    def flush(self) -> None:
        self.handle.flush()

    def fileno(self) -> int:
        return int(self.handle.fileno())


def freeze_clock(mp: pytest.MonkeyPatch) -> None:
    """Every time a sync or a review step writes (last_sync, review dates, history events)
    comes from syncing.now or review.now."""
    mp.setattr(syncing, "now", lambda: WHEN)
    mp.setattr(review, "now", lambda: WHEN)


@dataclass(frozen=True)
class Reference:
    """The catalog before and after a clean sync, and the operations it took."""

    before: Snapshot
    after: Snapshot
    counts: dict[str, int]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    directory = fresh_copy(tmp_path_factory.mktemp("reference") / "catalog")
    before = files_of(directory)
    injector = Injector()
    with pytest.MonkeyPatch.context() as mp:
        freeze_clock(mp)
        injector.install(mp)
        result = run_sync(directory)
    assert result.exit_code == 0, result.output
    after = files_of(directory)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    # S3 updated, one added, Chaplaincy retired, catalog.json, the snapshot, the history
    assert len(changed) == 6
    return Reference(before=before, after=after, counts=injector.counts)


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    freeze_clock(monkeypatch)


def assert_one_error_line(result: Result) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output


#: Events that set a record's field to their ``after`` value.
_SETS_FIELD = frozenset(
    {Action.UPDATED, Action.RETIRED, Action.RELISTED, Action.RESOLVED, Action.REVIEWED}
)


def assert_history_describes_records(catalog: Catalog, where: str) -> None:
    """Every event names a record, and each field's latest event describes its value now.

    (Nothing edits these catalogs by hand after their last event on a field.)
    """
    latest: dict[tuple[str, str], Any] = {}
    for event in catalog.history:
        if event.resource_id is None:
            continue
        assert event.resource_id in catalog, f"{where}: an event for a missing record"
        field = event.field or ""
        if event.action in _SETS_FIELD and field in Resource.model_fields and field != "sources":
            latest[(event.resource_id, field)] = event.after
    for (rid, field), after in latest.items():
        now = catalog[rid].model_dump(mode="json")[field]
        assert now == after, f"{where}: {rid}.{field} is not what its last event says"


def assert_old_or_new(directory: Path, reference: Reference, where: str) -> None:
    """After recover: valid, all old or all new, no temp files, no journal, and the
    history describes the records."""
    recover(directory)
    validation = validate_catalog(directory)
    assert validation.errors == (), where
    state = files_of(directory)
    assert state in (reference.before, reference.after), f"{where}: a mix of old and new"
    assert not list(directory.rglob("*.tmp")), where
    assert not (directory / JOURNAL_FILE).exists(), where
    assert_history_describes_records(validation.catalog, where)


def test_a_clean_sync_takes_several_operations_of_each_kind(reference: Reference) -> None:
    # Guards the sweeps below: they must have points to fail at.
    assert reference.counts["write"] == 7  # six files and the journal
    assert reference.counts["rename"] == 7
    assert reference.counts["fsync"] >= 6


@pytest.mark.untraced
@pytest.mark.parametrize("op", OPS)
def test_failure_at_every_operation_keeps_old_or_new(
    op: str, reference: Reference, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcomes = set()
    for n in range(1, reference.counts[op] + 1):
        where = f"{op} #{n} failed"
        directory = fresh_copy(tmp_path / f"{op}-{n}")
        with monkeypatch.context() as mp:
            Injector(op, n).install(mp)
            result = run_sync(directory)
        assert_one_error_line(result)
        if not (directory / JOURNAL_FILE).exists():
            # Before the journal (or after the save completed) the failed sync itself
            # leaves the old or the new catalog and cleans up its temp files.
            assert files_of(directory) in (reference.before, reference.after), where
            assert not list(directory.rglob("*.tmp")), where
        copy = tmp_path / f"{op}-{n}-recovered"
        shutil.copytree(directory, copy)
        assert_old_or_new(copy, reference, where)
        outcomes.add("new" if files_of(copy) == reference.after else "old")
        # The next sync (recovering on its own) ends exactly where a clean sync ends.
        assert run_sync(directory).exit_code == 0, where
        assert files_of(directory) == reference.after, where
        assert not list(directory.rglob("*.tmp")), where
    if op == "rename":  # failing renames come both before and after the journal
        assert outcomes == {"old", "new"}


def crash_in_child(command: Callable[[], Result], op: str, at: int) -> int:
    """Run ``command`` in a forked child that dies at the ``at``-th ``op``; its exit code."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            with pytest.MonkeyPatch.context() as mp:
                freeze_clock(mp)
                Injector(op, at, crash=True).install(mp)
                code = command().exit_code
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def crash_sync_in_child(directory: Path, op: str, at: int) -> int:
    """Run the sync in a forked child that dies at the ``at``-th ``op``; its exit code."""
    return crash_in_child(lambda: run_sync(directory), op, at)


@pytest.mark.untraced
@pytest.mark.parametrize("op", OPS)
def test_crash_at_every_operation_keeps_old_or_new(
    op: str, reference: Reference, tmp_path: Path
) -> None:
    outcomes = set()
    for n in range(1, reference.counts[op] + 1):
        where = f"crash at {op} #{n}"
        directory = fresh_copy(tmp_path / f"{op}-{n}")
        assert crash_sync_in_child(directory, op, n) == CRASH_STATUS, where
        copy = tmp_path / f"{op}-{n}-recovered"
        shutil.copytree(directory, copy)
        assert_old_or_new(copy, reference, where)
        outcomes.add("new" if files_of(copy) == reference.after else "old")
        result = run_sync(directory)  # the next run finishes or redoes the save
        assert result.exit_code == 0, f"{where}: {result.output}"
        assert files_of(directory) == reference.after, where
        assert not list(directory.rglob("*.tmp")), where
    assert "old" in outcomes
    if op == "rename":
        assert outcomes == {"old", "new"}


def test_an_interrupted_save_reads_as_finished_until_the_next_sync_finishes_it(
    reference: Reference, tmp_path: Path
) -> None:
    directory = fresh_copy(tmp_path / "catalog")
    assert crash_sync_in_child(directory, "rename", 3) == CRASH_STATUS  # mid roll-forward
    result = validate_catalog(directory)
    assert result.errors == ()
    assert {f.code for f in result.warnings} >= {"interrupted-save"}
    finished = fresh_copy(tmp_path / "finished")
    assert run_sync(finished).exit_code == 0
    assert result.catalog.resources == load_catalog(finished).resources  # what a reader sees
    cli_result = CliRunner().invoke(cli, ["validate", "--catalog", str(directory)])
    assert cli_result.exit_code == 0
    assert "the next sync finishes it" in cli_result.output
    assert run_sync(directory).exit_code == 0
    assert files_of(directory) == reference.after


# ------------------------------------------------------------------------ review steps


@dataclass(frozen=True)
class ReviewCase:
    """A review step, and how to tell from a catalog whether it took effect."""

    args: tuple[str, ...]
    resource_id: str
    action: Action

    def changed(self, catalog: Catalog) -> bool:
        record = catalog[self.resource_id]
        if self.action is Action.RESOLVED:
            return not record.review.conflicts
        return record.review.last_reviewed == WHEN.date()

    def logged(self, catalog: Catalog) -> bool:
        return any(
            e.action is self.action and e.resource_id == self.resource_id for e in catalog.history
        )


REVIEW_CASES = {
    "resolve": ReviewCase(
        ("review", "resolve", S3, "--field", "phones", "--take", "page"), S3, Action.RESOLVED
    ),
    "done": ReviewCase(("review", "done", NEW), NEW, Action.REVIEWED),
}


def run_review(case: ReviewCase, directory: Path) -> Result:
    return CliRunner().invoke(cli, [*case.args, "--catalog", str(directory)])


@pytest.fixture(scope="module")
def review_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The catalog after a sync that left a conflict (S3's phones) and a new listing."""
    scratch = tmp_path_factory.mktemp("review-base")
    with pytest.MonkeyPatch.context() as mp:
        freeze_clock(mp)
        return make_review_work(fresh_copy(scratch / "catalog"), scratch)


@pytest.fixture(scope="module", params=sorted(REVIEW_CASES))
def review_reference(
    request: pytest.FixtureRequest, review_base: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[ReviewCase, Reference]:
    case = REVIEW_CASES[request.param]
    directory = tmp_path_factory.mktemp(f"review-{request.param}") / "catalog"
    shutil.copytree(review_base, directory)
    before = files_of(directory)
    injector = Injector()
    with pytest.MonkeyPatch.context() as mp:
        freeze_clock(mp)
        injector.install(mp)
        result = run_review(case, directory)
    assert result.exit_code == 0, result.output
    after = files_of(directory)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed == {"history.jsonl", f"resources/{case.resource_id}.json"}
    assert counts_cover_a_commit(injector.counts)
    return case, Reference(before=before, after=after, counts=injector.counts)


def counts_cover_a_commit(counts: dict[str, int]) -> bool:
    """Two files and the journal: three writes and three renames, each fsynced."""
    return counts["write"] == 3 and counts["rename"] == 3 and counts["fsync"] >= 3


def assert_review_consistent(case: ReviewCase, directory: Path, where: str) -> None:
    catalog = load_catalog(directory)
    assert case.changed(catalog) == case.logged(catalog), f"{where}: change and event differ"


def finish_review(case: ReviewCase, directory: Path, reference: Reference, where: str) -> None:
    """The next run (recovering on its own) ends where a clean run ends.

    Where the interrupted step took effect, running it again finds nothing to do
    (``done``) or no conflict left (``resolve``, an error that writes nothing).
    """
    result = run_review(case, directory)
    assert result.exit_code in (0, 2), f"{where}: {result.output}"
    assert files_of(directory) == reference.after, where
    assert not list(directory.rglob("*.tmp")), where


def _review_copy(review_base: Path, target: Path) -> Path:
    shutil.copytree(review_base, target)
    return target


@pytest.mark.parametrize("op", OPS)
def test_review_failure_at_every_operation_keeps_old_or_new(
    op: str,
    review_reference: tuple[ReviewCase, Reference],
    review_base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case, reference = review_reference
    outcomes = set()
    for n in range(1, reference.counts[op] + 1):
        where = f"{case.action.value}: {op} #{n} failed"
        directory = _review_copy(review_base, tmp_path / f"{op}-{n}")
        with monkeypatch.context() as mp:
            Injector(op, n).install(mp)
            result = run_review(case, directory)
        assert_one_error_line(result)
        if not (directory / JOURNAL_FILE).exists():
            assert files_of(directory) in (reference.before, reference.after), where
            assert not list(directory.rglob("*.tmp")), where
        copy = tmp_path / f"{op}-{n}-recovered"
        shutil.copytree(directory, copy)
        assert_old_or_new(copy, reference, where)
        assert_review_consistent(case, copy, where)
        outcomes.add("new" if files_of(copy) == reference.after else "old")
        finish_review(case, directory, reference, where)
    if op == "rename":
        assert outcomes == {"old", "new"}
    else:
        assert "old" in outcomes


@pytest.mark.untraced
@pytest.mark.parametrize("op", OPS)
def test_review_crash_at_every_operation_keeps_old_or_new(
    op: str,
    review_reference: tuple[ReviewCase, Reference],
    review_base: Path,
    tmp_path: Path,
) -> None:
    case, reference = review_reference
    outcomes = set()
    for n in range(1, reference.counts[op] + 1):
        where = f"{case.action.value}: crash at {op} #{n}"
        directory = _review_copy(review_base, tmp_path / f"{op}-{n}")
        assert crash_in_child(partial(run_review, case, directory), op, n) == CRASH_STATUS, where
        copy = tmp_path / f"{op}-{n}-recovered"
        shutil.copytree(directory, copy)
        assert_old_or_new(copy, reference, where)
        assert_review_consistent(case, copy, where)
        outcomes.add("new" if files_of(copy) == reference.after else "old")
        finish_review(case, directory, reference, where)
    assert "old" in outcomes
    if op == "rename":
        assert outcomes == {"old", "new"}


# ------------------------------------------------------------------------ the lock


def test_second_sync_while_the_lock_is_held_is_refused(tmp_path: Path) -> None:
    directory = fresh_copy(tmp_path / "catalog")
    before = files_of(directory)
    with catalog_lock(directory):
        result = run_sync(directory)
    assert_one_error_line(result)
    assert "locked" in result.stderr
    assert "try again" in result.stderr
    assert files_of(directory) == before


@pytest.fixture
def lock_held_by_another_process(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A child process that holds the catalog's lock until told to exit."""
    directory = fresh_copy(tmp_path / "catalog")
    ready_r, ready_w = os.pipe()
    done_r, done_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            with catalog_lock(directory):
                os.write(ready_w, b"x")
                os.read(done_r, 1)
        finally:
            os._exit(0)
    os.read(ready_r, 1)
    try:
        yield directory, pid
    finally:
        os.write(done_w, b"x")
        os.waitpid(pid, 0)
        for fd in (ready_r, ready_w, done_r, done_w):
            os.close(fd)


def test_sync_refused_while_another_process_syncs(
    lock_held_by_another_process: tuple[Path, int],
) -> None:
    directory, pid = lock_held_by_another_process
    before = files_of(directory)
    result = run_sync(directory)
    assert_one_error_line(result)
    assert f"locked by a running sync (pid {pid})" in result.stderr
    assert files_of(directory) == before


def test_a_crashed_sync_leaves_no_stale_lock(reference: Reference, tmp_path: Path) -> None:
    directory = fresh_copy(tmp_path / "catalog")
    pid = os.fork()
    if pid == 0:
        try:
            with catalog_lock(directory):
                os._exit(CRASH_STATUS)  # dies holding the lock
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == CRASH_STATUS
    assert run_sync(directory).exit_code == 0
    assert files_of(directory) == reference.after
