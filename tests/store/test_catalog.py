"""Catalog in memory and on disk: lookup, search, atomic save, lock, recovery."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from resource_catalog._base import atomic as _atomic
from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.errors import CatalogError, CatalogLockedError
from resource_catalog.models import Status
from resource_catalog.store import files as store_files
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.files import (
    JOURNAL_FILE,
    catalog_lock,
    open_files,
    recover,
    resource_path,
    save_catalog,
    to_json_bytes,
)
from tests.conftest import CATALOG


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return load_catalog(CATALOG)


def test_lookup_by_id(bundled: Catalog) -> None:
    s3 = bundled["student-support-services"]
    assert s3.acronym == "S3"
    assert bundled.get("nope") is None
    assert "student-support-services" in bundled
    with pytest.raises(KeyError):
        bundled["nope"]
    assert [r.id for r in bundled] == sorted(r.id for r in bundled)


def test_search_ranks_name_hits_first(bundled: Catalog) -> None:
    hits = bundled.search("disability")
    assert {r.id for r in hits[:2]} == {
        "student-disability-services",
        "student-disability-services-office",
    }
    assert bundled.search("S3")[0].id == "student-support-services"
    assert bundled.search("no-such-words-anywhere") == []


def test_filter_by_section_topic_audience(bundled: Catalog) -> None:
    support = bundled.filter(section="Support Resources")
    assert len(support) == 11
    assert all(r.section == "Support Resources" for r in support)
    grads = bundled.filter(audience="graduate-students")
    assert grads
    assert all("graduate-students" in r.audience for r in grads)


def test_save_roundtrips_byte_identical(bundled: Catalog, catalog_dir: Path) -> None:
    assert save_catalog(load_catalog(catalog_dir)) == []  # nothing changed, nothing written
    for resource in bundled:
        path = CATALOG / "resources" / f"{resource.id}.json"
        assert path.read_bytes() == to_json_bytes(resource)


def test_save_writes_only_changed_files(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    s3 = catalog["student-support-services"]
    changed = catalog.replace(
        [r for r in catalog if r.id != s3.id] + [s3.model_copy(update={"name": "S3"})]
    )
    written = save_catalog(changed)
    assert written == [catalog_dir / "resources" / "student-support-services.json"]
    assert load_catalog(catalog_dir)["student-support-services"].name == "S3"
    assert not list(catalog_dir.rglob("*.tmp"))


def test_failed_write_leaves_old_catalog_and_no_temp_files(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(catalog_dir)
    retired = catalog.replace([r.model_copy(update={"status": Status.RETIRED}) for r in catalog])
    real_fsync = os.fsync
    calls = {"n": 0}

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space"):
        save_catalog(retired)
    monkeypatch.undo()
    assert len(load_catalog(catalog_dir).active) == 23  # all old
    assert not list(catalog_dir.rglob("*.tmp"))
    assert not (catalog_dir / JOURNAL_FILE).exists()


def test_crash_during_renames_is_rolled_forward(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = load_catalog(catalog_dir)
    retired = catalog.replace([r.model_copy(update={"status": Status.RETIRED}) for r in catalog])
    real_replace = os.replace
    calls = {"n": 0}

    def crashing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls["n"] += 1
        if calls["n"] == 6:  # the journal is rename 1; crash after four records moved
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crashing_replace)
    with pytest.raises(KeyboardInterrupt):
        save_catalog(retired)
    monkeypatch.undo()
    assert (catalog_dir / JOURNAL_FILE).exists()
    assert recover(catalog_dir)
    after = load_catalog(catalog_dir)
    assert len(after.active) == 0  # all new
    assert not list(catalog_dir.rglob("*.tmp"))
    assert not (catalog_dir / JOURNAL_FILE).exists()


def test_recover_removes_stray_temp_files(catalog_dir: Path) -> None:
    stray = catalog_dir / "resources" / ".chaplaincy.json.123.tmp"
    stray.write_text("half", encoding="utf-8")
    assert recover(catalog_dir)
    assert not stray.exists()
    assert not recover(catalog_dir)


def test_second_lock_is_refused(catalog_dir: Path) -> None:
    with catalog_lock(catalog_dir), pytest.raises(CatalogLockedError, match="locked"):  # noqa: SIM117
        with catalog_lock(catalog_dir):
            pass  # pragma: no cover
    with catalog_lock(catalog_dir):  # released: can be taken again
        pass


def test_never_writes_into_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    from resource_catalog._base import paths  # noqa: PLC0415

    catalog = load_catalog(CATALOG)
    monkeypatch.setattr(paths, "_PACKAGE_DIR", CATALOG.parent)
    with pytest.raises(CatalogError, match="bundled"):
        save_catalog(catalog, CATALOG)


@pytest.mark.parametrize("bad", ["../x", "a/b", "", "X"])
def test_unsafe_ids_are_refused_before_writing(tmp_path: Path, bad: str) -> None:
    with pytest.raises(CatalogError, match="unsafe id"):
        resource_path(tmp_path, bad)


def test_snapshot_is_saved_and_names_are_checked(catalog_dir: Path) -> None:
    catalog = load_catalog(catalog_dir)
    save_catalog(catalog, snapshots={"page.html": b"<html></html>"})
    assert (catalog_dir / "snapshots" / "page.html").read_bytes() == b"<html></html>"
    with pytest.raises(CatalogError, match="snapshot"):
        save_catalog(catalog, snapshots={"../evil.html": b""})


def test_open_files_reads_one_record_file_at_a_time(
    catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """validate holds one file's bytes at a time, not the whole catalog's (300 MB at 100k)."""
    reads: list[str] = []
    real = _atomic.read_regular  # every catalog file is read through it (no FIFO waits)

    def counting(path: str | os.PathLike[str]) -> bytes:
        if Path(path).parent.name == "resources":
            reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store_files, "read_regular", counting)
    with open_files(catalog_dir) as files:
        assert len(files.names) == 23
        assert reads == []  # nothing read before it is asked for
        seen: list[str] = []
        for name, raw in files.each_resource():
            assert reads[-1] == name
            assert len(reads) == len(seen) + 1
            assert isinstance(raw, bytes)
            seen.append(name)
        assert seen == sorted(seen) == list(files.names)
    with pytest.raises(RuntimeError, match="open_files"):
        next(files.each_resource())
    result = validate_catalog(catalog_dir)
    assert result.ok()
    assert len(result.catalog.resources) == 23
