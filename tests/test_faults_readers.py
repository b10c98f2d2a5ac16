"""Fault matrix: readers see the old catalog or the new one, never an error, never a mix.

A sync commits by renaming files into place. Readers (``load_catalog``,
``validate``, ``diff``...) run at any time, from other threads and other processes,
and must see one whole catalog: the one before a commit or the one after it. Here a
writer process syncs the catalog with two pages in turn, over and over, while reader
threads and a reader process load it in a loop; every load must succeed and equal a
catalog some commit left (its metadata, its records and its history together).

A crash mid-commit (a writer process that dies at the Nth rename, no cleanup run)
leaves a journal: readers then see the finished catalog, and the next sync finishes
it on disk, byte for byte as a sync that was never interrupted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from resource_catalog import Catalog, load_catalog, sync_catalog, validate_catalog

from .conftest import DATA, ROOT

PAGES = (DATA / "campus-resources.html", DATA / "campus-resources-edited.html")
WHEN = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)
LOCKS = (".sync.lock", ".commit.lock")
CRASH = 70


def fingerprint(catalog: Catalog) -> str:
    """One catalog state: metadata, every record and the history, as saved."""
    state = [
        catalog.meta.model_dump(mode="json"),
        [r.model_dump(mode="json") for r in catalog.resources],
        [e.model_dump(mode="json") for e in catalog.history],
    ]
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def files_of(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and p.name not in LOCKS
    }


# The writer: syncs with the two pages in turn and prints the fingerprint of the catalog
# every commit left (it is the only writer, so what it loads after a sync is that state).
WRITER = """
import sys
from pathlib import Path
from resource_catalog import load_catalog, sync_catalog
from tests.test_faults_readers import fingerprint
directory, rounds, pages = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
print(fingerprint(load_catalog(directory)), flush=True)
for n in range(rounds):
    sync_catalog(directory, html=pages[n % len(pages)], force=True)
    print(fingerprint(load_catalog(directory)), flush=True)
"""

# A reader in a process of its own: loads until the stop file appears, one line per load.
READER = """
import json, sys
from pathlib import Path
from resource_catalog import load_catalog
from tests.test_faults_readers import fingerprint
directory, stop = Path(sys.argv[1]), Path(sys.argv[2])
while not stop.exists():
    try:
        print(json.dumps({"ok": fingerprint(load_catalog(directory))}), flush=True)
    except Exception as exc:
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
"""

# A sync that dies at the Nth rename (os.replace), as after SIGKILL or a power cut.
CRASHING = """
import datetime as dt, os, sys
from pathlib import Path
from resource_catalog import sync_catalog
directory, page, at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
real, count = os.replace, [0]
def replace(src, dst, **kw):
    count[0] += 1
    if count[0] == at:
        os._exit(70)
    real(src, dst, **kw)
os.replace = replace
sync_catalog(directory, html=page, at=dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC))
os._exit(0)
"""


def command(script: str, *args: object) -> list[str]:
    return [sys.executable, "-c", script, *(str(a) for a in args)]


def run_python(script: str, *args: object) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a process of its own, from the repository (it imports tests/)."""
    return subprocess.run(  # noqa: S603 (our own interpreter on our own script)
        command(script, *args),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.mark.untraced
def test_readers_in_threads_and_a_process_see_whole_catalogs_while_syncs_commit(
    tmp_path: Path, catalog_dir: Path
) -> None:
    stop = tmp_path / "stop"
    seen: list[str] = []
    errors: list[str] = []
    done = threading.Event()

    def read_in_a_loop() -> None:
        while not done.is_set():
            try:
                seen.append(fingerprint(load_catalog(catalog_dir)))
            except Exception as exc:  # noqa: BLE001 (any failure of a reader is the finding)
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=read_in_a_loop) for _ in range(2)]
    for thread in threads:
        thread.start()
    reader = subprocess.Popen(  # noqa: S603 (our own interpreter on our own script)
        command(READER, catalog_dir, stop),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        writer = run_python(WRITER, catalog_dir, 6, *PAGES)
    finally:
        done.set()
        stop.touch()
        for thread in threads:
            thread.join(timeout=120)
        out, err = reader.communicate(timeout=120)
    assert writer.returncode == 0, writer.stderr
    committed = set(writer.stdout.split())
    assert len(committed) >= 3  # the pages really did change the catalog, more than once
    lines = [json.loads(line) for line in out.splitlines()]
    assert reader.returncode == 0, err
    errors += [line["error"] for line in lines if "error" in line]
    seen += [line["ok"] for line in lines if "ok" in line]
    assert errors == []
    assert len(seen) > 6
    assert set(seen) <= committed  # every load was one whole committed catalog


@pytest.fixture
def clean_sync(tmp_path: Path, catalog_dir: Path) -> tuple[str, dict[str, bytes]]:
    """A copy of the catalog after an uninterrupted sync with the edited page: its state
    and its files."""
    directory = tmp_path / "clean"
    shutil.copytree(catalog_dir, directory)
    sync_catalog(directory, html=PAGES[1], at=WHEN)
    return fingerprint(load_catalog(directory)), files_of(directory)


def renames_of_a_clean_sync() -> int:
    # The journal's rename, then one per file: catalog.json, history.jsonl, the
    # snapshot, and the changed, new and retired records.
    return 1 + 3 + 3


@pytest.mark.parametrize("at", range(1, renames_of_a_clean_sync() + 1))
def test_after_a_crash_at_each_rename_readers_see_one_whole_catalog(
    catalog_dir: Path, clean_sync: tuple[str, dict[str, bytes]], at: int
) -> None:
    old_state, old_files = fingerprint(load_catalog(catalog_dir)), files_of(catalog_dir)
    crashed = run_python(CRASHING, catalog_dir, PAGES[1], at)
    assert crashed.returncode == CRASH, crashed.stderr
    new_state, new_files = clean_sync
    journal = catalog_dir / ".save-journal.json"
    # Before the journal is in place the old catalog stands; after it, the new one.
    expected = old_state if not journal.exists() else new_state
    assert at > 1 or not journal.exists()
    for _ in range(3):  # readers agree, again and again, and change nothing on disk
        assert fingerprint(load_catalog(catalog_dir)) == expected
    validation = validate_catalog(catalog_dir)
    assert validation.errors == ()
    if journal.exists():
        assert "interrupted-save" in {f.code for f in validation.warnings}
    # The next sync finishes (or redoes) the save: the files of an uninterrupted sync.
    sync_catalog(catalog_dir, html=PAGES[1], at=WHEN)
    assert files_of(catalog_dir) == new_files
    assert old_files != new_files
