"""Fault matrix: ``-o PATH`` and ``--report-dir`` write into whatever is at the path.

A regular file (or nothing) is replaced atomically; what is not a regular file is
written *through*: a symbolic link's target is replaced and the link kept, a FIFO or
a device is written in place, and a name for one of the process's open files
(``/dev/stdout``, ``/dev/fd/N``) is written to that descriptor, appending after
``>>``. What cannot be written is one ``error:`` line and exit 2, with nothing left
behind. Every command that writes a file is covered: ``export``, ``diff`` (``-o`` and
``--report-dir``) and ``scrape``; and ``sync``, whose files may be links too.

Device nodes are the tests' own copies (``mknod``, as root) wherever that is possible,
so a regression that replaced the node would replace the copy, not the system's.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from resource_catalog import load_catalog
from resource_catalog.cli import cli
from tests.conftest import DATA

PAGE = DATA / "campus-resources.html"
EDITED = DATA / "campus-resources-edited.html"
ROOT_USER = os.geteuid() == 0


def command(name: str, catalog_dir: Path) -> list[str]:
    """A command that writes JSON to ``-o`` (appended by the caller)."""
    return {
        "export": ["export", "--catalog", str(catalog_dir), "--format", "json"],
        "diff": ["diff", "--catalog", str(catalog_dir), "--html", str(PAGE), "--format", "json"],
        "scrape": ["scrape", "--html", str(PAGE)],
    }[name]


COMMANDS = ["export", "diff", "scrape"]


def run(args: list[str]) -> Result:
    return CliRunner().invoke(cli, args)


def written(data: bytes | str) -> object:
    """The JSON a command wrote (every command here writes JSON)."""
    return json.loads(data)


def one_error_line(result: Result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


def device_copy(tmp_path: Path, name: str, major: int, minor: int) -> Path:
    """Our own character device ``major:minor`` (root), else the system's ``/dev/NAME``."""
    node = tmp_path / name
    try:
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    except PermissionError:
        return Path("/dev") / name
    return node


# --------------------------------------------------------------- regular files


@pytest.mark.parametrize("name", COMMANDS)
def test_a_new_file_is_written(tmp_path: Path, catalog_dir: Path, name: str) -> None:
    out = tmp_path / "out.json"
    result = run([*command(name, catalog_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert written(out.read_bytes())
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_a_regular_file_is_replaced_whole_and_keeps_its_mode(
    tmp_path: Path, catalog_dir: Path, name: str
) -> None:
    out = tmp_path / "out.json"
    out.write_text("x" * 1_000_000)
    out.chmod(0o600)
    inode = out.stat().st_ino
    result = run([*command(name, catalog_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert written(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.stat().st_ino != inode  # a new file renamed over it, not rewritten in place
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------- links


@pytest.mark.parametrize("name", COMMANDS)
def test_a_symlink_stays_a_link_and_its_target_is_written(
    tmp_path: Path, catalog_dir: Path, name: str
) -> None:
    target = tmp_path / "real" / "report.json"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    result = run([*command(name, catalog_dir), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert written(target.read_bytes())


def test_a_chain_of_relative_links_is_followed_to_the_end(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "final.json").write_text("old")
    (tmp_path / "middle.json").symlink_to(Path("a") / "final.json")
    (tmp_path / "first.json").symlink_to("middle.json")
    result = run([*command("scrape", tmp_path), "-o", str(tmp_path / "first.json")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "first.json").is_symlink()
    assert (tmp_path / "middle.json").is_symlink()
    assert written((tmp_path / "a" / "final.json").read_bytes())


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to("not-yet.json")
    result = run([*command("scrape", tmp_path), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert written((tmp_path / "not-yet.json").read_bytes())


def test_a_symlink_into_a_missing_directory_is_one_error_line(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "gone" / "report.json")
    one_error_line(run([*command("scrape", tmp_path), "-o", str(link)]), "No such file")
    assert link.is_symlink()


def test_a_symlink_loop_is_one_error_line(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to("b.json")
    (tmp_path / "b.json").symlink_to("a.json")
    result = run([*command("scrape", tmp_path), "-o", str(tmp_path / "a.json")])
    one_error_line(result, "symbolic links")
    assert (tmp_path / "a.json").is_symlink()


# --------------------------------------------------------------- FIFOs and devices


@pytest.mark.parametrize("name", COMMANDS)
def test_a_fifo_is_written_into_not_replaced(tmp_path: Path, catalog_dir: Path, name: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    try:
        result = run([*command(name, catalog_dir), "-o", str(fifo)])
        reader.join(timeout=60)
    finally:
        if reader.is_alive():  # nothing came: let the reader go
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            reader.join(timeout=10)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert written(got[0])


def test_dev_null_takes_the_output_and_stays_a_device(tmp_path: Path) -> None:
    null = device_copy(tmp_path, "null", 1, 3)
    result = run([*command("scrape", tmp_path), "-o", str(null)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert leftovers(null.parent) == []


def test_dev_full_is_no_space_left_and_stays_a_device(tmp_path: Path) -> None:
    full = device_copy(tmp_path, "full", 1, 7)
    if not os.access(full, os.W_OK):
        pytest.skip(f"{full} is not writable here")
    result = run([*command("scrape", tmp_path), "-o", str(full)])
    one_error_line(result, "No space left on device")
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert leftovers(full.parent) == []


def cli_process(
    *args: str, stdout: int | None = subprocess.PIPE
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 (our own interpreter running our own CLI)
        [sys.executable, "-m", "resource_catalog", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("out", ["/dev/fd/1", "/proc/self/fd/1", "LINK"])
def test_a_name_for_standard_output_writes_into_the_pipe(tmp_path: Path, out: str) -> None:
    # LINK: our own link to /proc/self/fd/1, which is what /dev/stdout is.
    if out == "LINK":
        out = str(tmp_path / "stdout")
        Path(out).symlink_to("/proc/self/fd/1")
    done = cli_process("scrape", "--html", str(PAGE), "-o", out)
    assert done.returncode == 0, done.stderr
    assert len(written(done.stdout)) == 23  # type: ignore[arg-type]


def test_standard_output_redirected_to_append_keeps_what_was_there(
    tmp_path: Path, catalog_dir: Path
) -> None:
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n")
    with log.open("ab") as appending:
        done = cli_process(
            "export", "--catalog", str(catalog_dir), "--format", "jsonl",
            "-o", str(link), stdout=appending.fileno(),
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = log.read_text().splitlines()
    assert lines[0] == "earlier line"
    assert len(lines) == 1 + len(load_catalog(catalog_dir).active)


def test_standard_error_can_take_the_report_too(tmp_path: Path) -> None:
    link = tmp_path / "stderr"
    link.symlink_to("/proc/self/fd/2")
    done = cli_process("scrape", "--html", str(PAGE), "-o", str(link))
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert len(written(done.stderr)) == 23  # type: ignore[arg-type]


@pytest.mark.skipif(ROOT_USER, reason="as root a regression would replace the system's node")
def test_dev_stdout_itself_writes_into_the_pipe() -> None:
    done = cli_process("scrape", "--html", str(PAGE), "-o", "/dev/stdout")
    assert done.returncode == 0, done.stderr
    assert len(written(done.stdout)) == 23  # type: ignore[arg-type]


# --------------------------------------------------------------- places that cannot be written


@pytest.mark.parametrize("name", COMMANDS)
def test_a_directory_is_one_error_line(tmp_path: Path, catalog_dir: Path, name: str) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    one_error_line(run([*command(name, catalog_dir), "-o", str(folder)]))
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", COMMANDS)
def test_a_path_in_a_missing_directory_is_one_error_line(
    tmp_path: Path, catalog_dir: Path, name: str
) -> None:
    out = tmp_path / "missing" / "out.json"
    one_error_line(run([*command(name, catalog_dir), "-o", str(out)]), "No such file")
    assert not out.parent.exists()


@pytest.mark.skipif(ROOT_USER, reason="root writes into a read-only directory anyway")
def test_a_read_only_directory_is_one_error_line(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "out.json").write_text("old")
    folder.chmod(0o555)
    try:
        result = run([*command("scrape", tmp_path), "-o", str(folder / "out.json")])
    finally:
        folder.chmod(0o755)
    one_error_line(result, "Permission denied")
    assert (folder / "out.json").read_text() == "old"
    assert leftovers(folder) == []


# --------------------------------------------------------------- --report-dir and directories


def diff_reports(catalog_dir: Path, report_dir: Path) -> Result:
    return run(
        [
            "diff",
            "--catalog",
            str(catalog_dir),
            "--html",
            str(EDITED),
            "--report-dir",
            str(report_dir),
        ]
    )


def test_report_dir_is_created_with_its_three_reports(tmp_path: Path, catalog_dir: Path) -> None:
    reports = tmp_path / "a" / "b" / "reports"
    assert diff_reports(catalog_dir, reports).exit_code == 1
    assert sorted(p.name for p in reports.iterdir()) == ["drift.html", "drift.json", "drift.md"]


def test_report_dir_through_a_symlink_keeps_the_link(tmp_path: Path, catalog_dir: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "drift.md").write_text("old")
    link = tmp_path / "reports"
    link.symlink_to(real)
    assert diff_reports(catalog_dir, link).exit_code == 1
    assert link.is_symlink()
    assert (real / "drift.md").read_text() != "old"
    assert written((real / "drift.json").read_bytes())


def test_report_files_that_are_links_stay_links(tmp_path: Path, catalog_dir: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (tmp_path / "kept.md").write_text("old")
    (reports / "drift.md").symlink_to(tmp_path / "kept.md")
    assert diff_reports(catalog_dir, reports).exit_code == 1
    assert (reports / "drift.md").is_symlink()
    assert "chaplaincy" in (tmp_path / "kept.md").read_text()


def test_report_dir_that_is_a_file_is_one_error_line(tmp_path: Path, catalog_dir: Path) -> None:
    afile = tmp_path / "reports"
    afile.write_text("not a directory")
    result = diff_reports(catalog_dir, afile)  # a usage error: click checks the option
    assert result.exit_code == 2, result.output
    assert "is a file" in result.stderr
    assert afile.read_text() == "not a directory"


@pytest.mark.parametrize("fmt", ["datapackage", "hsds"])
def test_a_directory_export_into_a_symlinked_directory(
    tmp_path: Path, catalog_dir: Path, fmt: str
) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "out"
    link.symlink_to(real)
    result = run(["export", "--catalog", str(catalog_dir), "--format", fmt, "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert any(p.suffix == ".json" for p in real.iterdir())


# --------------------------------------------------------------- sync and links in the catalog


def test_sync_writes_through_a_link_to_a_snapshot_in_its_folder(catalog_dir: Path) -> None:
    snapshots = catalog_dir / "snapshots"
    (snapshots / "campus-resources.html").rename(snapshots / "kept.html")
    (snapshots / "campus-resources.html").symlink_to("kept.html")
    result = run(["sync", "--catalog", str(catalog_dir), "--html", str(EDITED)])
    assert result.exit_code == 0, result.output
    assert (snapshots / "campus-resources.html").is_symlink()
    assert (snapshots / "kept.html").read_bytes() == EDITED.read_bytes()
    assert leftovers(snapshots) == []


def test_sync_refuses_to_write_through_a_link_elsewhere_in_the_catalog(catalog_dir: Path) -> None:
    shelf = catalog_dir / "shelf"
    shelf.mkdir()
    record = catalog_dir / "resources" / "student-support-services.json"
    record.rename(shelf / "s3.json")
    record.symlink_to(Path("..") / "shelf" / "s3.json")
    before = (shelf / "s3.json").read_bytes()
    result = run(["sync", "--catalog", str(catalog_dir), "--html", str(EDITED)])
    one_error_line(result, "student-support-services.json", "symbolic link")
    assert record.is_symlink()
    assert (shelf / "s3.json").read_bytes() == before


def test_sync_refuses_a_catalog_with_a_link_out_of_it(tmp_path: Path, catalog_dir: Path) -> None:
    outside = tmp_path / "elsewhere.json"
    record = catalog_dir / "resources" / "chaplaincy.json"
    record.rename(outside)
    record.symlink_to(outside)
    before = outside.read_bytes()
    result = run(["sync", "--catalog", str(catalog_dir), "--html", str(EDITED)])
    one_error_line(result, "invalid")
    assert record.is_symlink()
    assert outside.read_bytes() == before
    validated = run(["validate", "--catalog", str(catalog_dir), "--format", "json"])
    findings = json.loads(validated.stdout)["findings"]
    assert [(f["code"], f["file"]) for f in findings if f["severity"] == "error"] == [
        ("symlink", "resources/chaplaincy.json")
    ]


def test_sync_writes_nothing_into_a_snapshots_folder_linked_out(
    tmp_path: Path, catalog_dir: Path
) -> None:
    # It used to write its temp files there, then a journal its own roll-forward
    # refused, so that every later sync failed until someone removed it by hand.
    elsewhere = tmp_path / "elsewhere"
    (catalog_dir / "snapshots").rename(elsewhere)
    (catalog_dir / "snapshots").symlink_to(elsewhere)
    before = sorted(p.name for p in elsewhere.iterdir())
    result = run(["sync", "--catalog", str(catalog_dir), "--html", str(EDITED)])
    # validate reports the folder now, so sync refuses the catalog before any write
    one_error_line(result, "the folder snapshots/ is a symbolic link out of the catalog")
    assert sorted(p.name for p in elsewhere.iterdir()) == before
    assert not (catalog_dir / ".save-journal.json").exists()
    assert leftovers(catalog_dir) == []


def test_a_resources_folder_linked_out_is_not_read(tmp_path: Path, catalog_dir: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    records = len(list((catalog_dir / "resources").glob("*.json")))
    (catalog_dir / "resources").rename(elsewhere)
    (catalog_dir / "resources").symlink_to(elsewhere)
    validated = run(["validate", "--catalog", str(catalog_dir), "--format", "json"])
    assert validated.exit_code == 1
    findings = json.loads(validated.stdout)["findings"]
    assert {f["code"] for f in findings} == {"symlink"}
    assert len(findings) == records
    one_error_line(run(["sync", "--catalog", str(catalog_dir), "--html", str(EDITED)]), "invalid")
