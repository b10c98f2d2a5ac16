"""The CLI in-process with CliRunner: exit codes, formats, one-line errors."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

import resource_catalog
from resource_catalog import __version__
from resource_catalog.cli import _Progress, cli
from tests.conftest import CATALOG, ROOT

Edit = Callable[[str, Callable[[dict[str, Any]], None]], Path]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_every_command_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"resource-catalog {name}" in readme, name


def test_validate_bundled_catalog_exits_0() -> None:
    result = run("validate", "--catalog", CATALOG)
    assert result.exit_code == 0, result.output
    assert "35 active resources, 0 errors" in result.output


def test_validate_reports_file_field_and_value(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    edit_record("house-teams", lambda d: d.update(id="../evil"))
    result = run("validate", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert "resources/chaplaincy.json: phonez: '[]': error: unknown field" in result.output
    assert "resources/house-teams.json: id: '../evil': error:" in result.output
    assert "Traceback" not in result.output


def test_validate_json_format_has_the_documented_shape(
    edit_record: Edit, catalog_dir: Path
) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    result = run("validate", "--catalog", catalog_dir, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["catalog"] == str(catalog_dir)
    assert f"checked the catalog in {catalog_dir}" in result.stderr
    assert payload["summary"]["resources"] == 22
    assert payload["summary"]["errors"] == 1
    errors = [f for f in payload["findings"] if f["severity"] == "error"]
    assert errors == [
        {
            "severity": "error",
            "code": "schema",
            "message": "unknown field (not in the schema; a typo?)",
            "resource_id": "chaplaincy",
            "file": "resources/chaplaincy.json",
            "field": "phonez",
            "value": "[]",
        }
    ]


def test_validate_github_annotations(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    result = run("validate", "--catalog", catalog_dir, "--format", "github")
    assert result.exit_code == 1
    [line] = [x for x in result.output.splitlines() if x.startswith("::error ")]
    assert "resources/chaplaincy.json,title=schema::phonez:" in line


def test_strict_turns_warnings_into_failure(catalog_dir: Path) -> None:
    assert run("validate", "--catalog", catalog_dir, "--strict").exit_code == 0
    path = catalog_dir / "resources" / "chaplaincy.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["name"] = "MIT Police"  # a warning (duplicate-name), not an error
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run("validate", "--catalog", catalog_dir).exit_code == 0
    assert run("validate", "--catalog", catalog_dir, "--strict").exit_code == 1


def test_missing_catalog_is_exit_2_with_one_line(tmp_path: Path) -> None:
    result = run("validate", "--catalog", tmp_path / "nope")
    assert result.exit_code == 2
    assert result.output.startswith("error: catalog directory not found")
    assert len(result.output.strip().splitlines()) == 1


def test_debug_shows_the_exception(tmp_path: Path) -> None:
    result = run("--debug", "validate", "--catalog", tmp_path / "nope")
    assert result.exit_code == 2  # the exit code holds with --debug too
    assert "Traceback (most recent call last)" in result.stderr
    assert "CatalogError: catalog directory not found" in result.stderr


def test_catalog_defaults_to_cwd_then_bundled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalog_dir: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # tmp_path/catalog is the copy: it is used
    (catalog_dir / "resources" / "chaplaincy.json").write_text("{")
    assert run("validate").exit_code == 1
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no ./catalog: the bundled one
    assert run("validate").exit_code == 0


def test_schema_check(tmp_path: Path) -> None:
    assert run("schema", "--check", "--dir", ROOT / "schemas").exit_code == 0
    assert run("schema", "--check", "--dir", tmp_path).exit_code == 1
    assert run("schema", "--dir", tmp_path).exit_code == 0
    assert run("schema", "--check", "--dir", tmp_path).exit_code == 0


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("quiet", "tty", "total", "shown"),
    [
        (False, True, 600, True),
        (True, True, 600, False),  # --quiet
        (False, False, 600, False),  # not a terminal: CI logs stay clean
        (False, True, 10, False),  # small catalogs load too fast to need one
    ],
)
def test_progress_only_on_a_terminal_for_large_catalogs(
    monkeypatch: pytest.MonkeyPatch, quiet: bool, tty: bool, total: int, shown: bool
) -> None:
    stream = _Tty() if tty else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    with click.Context(cli, info_name="resource-catalog") as ctx:
        ctx.params["quiet"] = quiet
        with _Progress("Loading catalog") as progress:
            for done in range(1, total + 1):
                progress(done, total)
    assert ("Loading catalog" in stream.getvalue()) is shown


def test_interrupt_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import resource_catalog.checks.validate as validate_module  # noqa: PLC0415

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(validate_module, "validate_catalog", interrupted)
    result = run("validate", "--catalog", CATALOG)
    assert result.exit_code == 130
    assert result.output == "error: interrupted\n"


_FAST_EXIT = (
    "import atexit, sys\n"
    "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
    "from resource_catalog.cli import main\n"
    "sys.argv[0] = 'resource-catalog'\n"
    "main()\n"
)


@pytest.mark.parametrize(
    ("args", "code"), [(["export", "--format", "jsonl"], 0), (["validate"], 1)]
)
def test_the_command_line_exits_at_once_with_its_output_whole(
    tmp_path: Path, catalog_dir: Path, args: list[str], code: int
) -> None:
    if code:  # a warning (two records share a name) makes validate --strict exit 1
        (catalog_dir / "resources" / "chaplaincy.json").write_text(
            (catalog_dir / "resources" / "chaplaincy.json")
            .read_text(encoding="utf-8")
            .replace('"name": "Chaplaincy"', '"name": "MIT Police"'),
            encoding="utf-8",
        )
        args = [*args, "--strict"]
    done = subprocess.run(  # noqa: S603 (our own interpreter on a fixed script)
        [sys.executable, "-c", _FAST_EXIT, *args, "--catalog", str(catalog_dir)],
        capture_output=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(resource_catalog.__file__).resolve().parents[1])},
    )
    assert done.returncode == code, done.stderr
    assert b"teardown ran" not in done.stderr  # os._exit: no interpreter teardown
    in_process = CliRunner().invoke(cli, [*args, "--catalog", str(catalog_dir)])
    assert done.stdout == in_process.stdout_bytes  # flushed whole before the exit
    assert done.stdout.count(b"\n") > 1
