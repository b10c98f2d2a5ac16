"""Fault matrix: a save journal that this tool did not write is never obeyed.

``.save-journal.json`` tells the next sync which temp files to rename over which
catalog files. It is data on disk, so it may have been edited, corrupted, planted or
swapped for a link. A sound journal names a temp file and its final file side by side
in one of the layout's own places (``catalog.json``, ``history.jsonl``,
``resources/<id>.json``, ``snapshots/<name>``), inside the catalog. Anything else:

* ``sync`` exits 2 with one ``error:`` line about the journal, and moves nothing:
  every file in the catalog and beside it is byte for byte what it was;
* ``validate`` reports ``unsafe-journal`` (exit 1), and ``load_catalog`` raises
  :class:`CatalogError` (a reader never reads through a refused journal).

Sound journals, as a crash leaves them, are still finished (the last tests).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from resource_catalog import CatalogError, load_catalog, validate_catalog
from resource_catalog.cli import cli
from tests.conftest import DATA, read_record

PAGE = DATA / "campus-resources.html"
JOURNAL = ".save-journal.json"
TEMP = "resources/.chaplaincy.json.4242.tmp"
FINAL = "resources/chaplaincy.json"
LOCKS = (".sync.lock", ".commit.lock")

Setup = Callable[[Path, Path], Any]


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` (links as what they point to), locks aside."""
    return {
        str(p.relative_to(directory)): (
            b"-> " + str(p.readlink()).encode() if p.is_symlink() else p.read_bytes()
        )
        for p in sorted(directory.rglob("*"))
        if (p.is_file() or p.is_symlink()) and p.name not in LOCKS
    }


def changed_copy(catalog_dir: Path, where: str = TEMP, record: str = "chaplaincy") -> Path:
    """A temp file as a save leaves it: the record with a new description."""
    path = catalog_dir / where
    data = read_record(catalog_dir, record)
    data["description"] = "written through the journal"
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path


def journal(catalog_dir: Path, entries: Any) -> None:
    (catalog_dir / JOURNAL).write_text(json.dumps(entries), encoding="utf-8")


def entry(temp: str = TEMP, final: str = FINAL) -> list[dict[str, str]]:
    return [{"temp": temp, "final": final}]


def naming(final: str, temp: str = TEMP) -> Setup:
    """A journal renaming a (real) temp file to ``final``."""

    def setup(catalog_dir: Path, outside: Path) -> None:
        changed_copy(catalog_dir)
        journal(catalog_dir, entry(temp, final.replace("OUTSIDE", str(outside))))

    return setup


def raw(content: bytes) -> Setup:
    def setup(catalog_dir: Path, outside: Path) -> None:
        changed_copy(catalog_dir)
        (catalog_dir / JOURNAL).write_bytes(content)

    return setup


def temp_elsewhere(catalog_dir: Path, outside: Path) -> None:
    changed_copy(catalog_dir, "snapshots/.chaplaincy.json.4242.tmp")
    journal(catalog_dir, entry("snapshots/.chaplaincy.json.4242.tmp"))


def temp_of_another_file(catalog_dir: Path, outside: Path) -> None:
    changed_copy(catalog_dir, "resources/.mit-police.json.4242.tmp", "mit-police")
    journal(catalog_dir, entry("resources/.mit-police.json.4242.tmp"))


def temp_is_a_record(catalog_dir: Path, outside: Path) -> None:
    journal(catalog_dir, entry("resources/mit-police.json"))


def temp_links_out(catalog_dir: Path, outside: Path) -> None:
    planted = outside / "planted.json"
    data = read_record(catalog_dir, "chaplaincy")
    data["description"] = "planted from outside"
    planted.write_text(json.dumps(data), encoding="utf-8")
    (catalog_dir / TEMP).symlink_to(planted)
    journal(catalog_dir, entry())


def journal_links_out(catalog_dir: Path, outside: Path) -> None:
    changed_copy(catalog_dir)
    sound = outside / "journal.json"
    sound.write_text(json.dumps(entry()), encoding="utf-8")
    (catalog_dir / JOURNAL).symlink_to(sound)


def journal_is_a_folder(catalog_dir: Path, outside: Path) -> None:
    (catalog_dir / JOURNAL).mkdir()


def resources_folder_links_out(catalog_dir: Path, outside: Path) -> None:
    moved = outside / "resources"
    shutil.move(catalog_dir / "resources", moved)
    (catalog_dir / "resources").symlink_to(moved)
    changed_copy(catalog_dir)
    journal(catalog_dir, entry())


def snapshots_folder_links_out(catalog_dir: Path, outside: Path) -> None:
    moved = outside / "snapshots"
    shutil.move(catalog_dir / "snapshots", moved)
    (catalog_dir / "snapshots").symlink_to(moved)
    (moved / ".campus-resources.html.4242.tmp").write_text("<p>planted</p>")
    journal(
        catalog_dir,
        entry("snapshots/.campus-resources.html.4242.tmp", "snapshots/campus-resources.html"),
    )


UNSAFE: dict[str, Setup] = {
    "absolute final": naming("OUTSIDE/chaplaincy.json"),
    "../ final": naming("../chaplaincy.json"),
    "../ hidden in a layout path": naming("resources/../../chaplaincy.json"),
    "final in another folder": naming("notes/chaplaincy.json"),
    "final in a sub-folder of resources": naming("resources/old/chaplaincy.json"),
    "final not a record file": naming("resources/chaplaincy.txt"),
    "final with an unsafe id": naming("resources/Chaplaincy Office.json"),
    "final is the building registry": naming("buildings.csv"),
    "final is the lock file": naming(".sync.lock"),
    "final is the journal itself": naming(JOURNAL),
    "final is empty": naming(""),
    "temp in another folder": temp_elsewhere,
    "temp of another file": temp_of_another_file,
    "temp is a record": temp_is_a_record,
    "temp links out of the catalog": temp_links_out,
    "journal links out of the catalog": journal_links_out,
    "journal is a folder": journal_is_a_folder,
    "resources/ links out of the catalog": resources_folder_links_out,
    "snapshots/ links out of the catalog": snapshots_folder_links_out,
    "not JSON": raw(b"{not json"),
    "empty": raw(b""),
    "whitespace": raw(b" \n"),
    "[]": raw(b"[]"),
    "{}": raw(b"{}"),
    "null": raw(b"null"),
    "a list of names": raw(json.dumps([TEMP, FINAL]).encode()),
    "missing key": raw(json.dumps([{"temp": TEMP}]).encode()),
    "extra key": raw(json.dumps([{"temp": TEMP, "final": FINAL, "mode": "0777"}]).encode()),
    "wrong types": raw(json.dumps([{"temp": 1, "final": ["resources", "x.json"]}]).encode()),
    "not UTF-8": raw(b'[{"temp": "\xff\xfe", "final": "catalog.json"}]'),
    "BOM before an unsafe final": raw(
        b"\xef\xbb\xbf" + json.dumps(entry(final="../x.json")).encode()
    ),
    "nested 100,000 deep": raw(b"[" * 100_000 + b"]" * 100_000),
    "huge": raw(b'"' + b"x" * 20_000_000 + b'"'),
    "one bad entry after 2,000 sound ones": raw(
        json.dumps(entry() * 2_000 + entry(final="../x.json")).encode()
    ),
}


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the catalog, where nothing may land."""
    folder = tmp_path / "beside"
    folder.mkdir()
    (folder / "keep.txt").write_text("untouched")
    return folder


def sync(catalog_dir: Path) -> Result:
    return CliRunner().invoke(cli, ["sync", "--catalog", str(catalog_dir), "--html", str(PAGE)])


@pytest.mark.parametrize("case", list(UNSAFE))
def test_sync_refuses_the_journal_and_moves_nothing(
    catalog_dir: Path, outside: Path, case: str
) -> None:
    UNSAFE[case](catalog_dir, outside)
    before, beside = files_of(catalog_dir), files_of(outside)
    result = sync(catalog_dir)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "journal" in lines[0] or "outside the catalog" in lines[0]
    assert len(lines[0]) < 1_000  # a planted 20 MB journal is not echoed back
    assert files_of(catalog_dir) == before
    assert files_of(outside) == beside


@pytest.mark.untraced
@pytest.mark.parametrize("case", list(UNSAFE))
def test_validate_reports_the_journal_and_readers_refuse_it(
    catalog_dir: Path, outside: Path, case: str
) -> None:
    UNSAFE[case](catalog_dir, outside)
    before = files_of(catalog_dir)
    result = validate_catalog(catalog_dir)
    if case != "snapshots/ links out of the catalog":  # its entry is sound; sync refuses it
        assert "unsafe-journal" in {f.code for f in result.errors}
        with pytest.raises(CatalogError):
            load_catalog(catalog_dir)
    assert all("written through the journal" not in r.description for r in result.catalog)
    assert files_of(catalog_dir) == before
    shown = CliRunner().invoke(cli, ["validate", "--catalog", str(catalog_dir)])
    assert shown.exit_code in (0, 1), shown.output
    assert len(shown.stdout) < 100_000


# ------------------------------------------------------------------ sound journals


def test_a_sound_journal_left_by_a_crash_is_finished(catalog_dir: Path, outside: Path) -> None:
    changed_copy(catalog_dir)
    journal(catalog_dir, entry())
    assert "interrupted-save" in {f.code for f in validate_catalog(catalog_dir).warnings}
    assert load_catalog(catalog_dir)["chaplaincy"].description == "written through the journal"
    result = sync(catalog_dir)
    assert result.exit_code == 0, result.output
    assert not (catalog_dir / JOURNAL).exists()
    assert not (catalog_dir / TEMP).exists()
    assert read_record(catalog_dir, "chaplaincy")["description"] == "written through the journal"


def test_a_sound_journal_with_a_bom_is_finished(catalog_dir: Path, outside: Path) -> None:
    changed_copy(catalog_dir)
    (catalog_dir / JOURNAL).write_bytes(b"\xef\xbb\xbf" + json.dumps(entry()).encode())
    assert sync(catalog_dir).exit_code == 0
    assert read_record(catalog_dir, "chaplaincy")["description"] == "written through the journal"


def test_a_journal_whose_renames_were_all_done_is_removed(catalog_dir: Path) -> None:
    journal(catalog_dir, entry() + entry("snapshots/.x.html.1.tmp", "snapshots/x.html"))
    before = files_of(catalog_dir)
    assert sync(catalog_dir).exit_code == 0
    assert not (catalog_dir / JOURNAL).exists()
    assert files_of(catalog_dir) == {k: v for k, v in before.items() if k != JOURNAL}


def test_every_layout_place_may_be_journalled(catalog_dir: Path) -> None:
    places = ["catalog.json", "history.jsonl", FINAL, "snapshots/campus-resources.html"]
    entries = []
    for final in places:
        head, _, name = final.rpartition("/")
        temp = f"{head}/.{name}.7.tmp" if head else f".{name}.7.tmp"
        (catalog_dir / temp).write_bytes((catalog_dir / final).read_bytes())
        entries += entry(temp, final)
    journal(catalog_dir, entries)
    assert validate_catalog(catalog_dir).errors == ()
    assert sync(catalog_dir).exit_code == 0
    assert not any(p.name.endswith(".tmp") for p in catalog_dir.rglob("*"))
