"""Streamed exports write the bytes the exports wrote when they held every record.

``tests/data/golden-export`` holds a frozen catalog and what ``export`` wrote from it
before the exports streamed (see its README).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from resource_catalog.checks.stream import open_stream
from resource_catalog.checks.validate import load_catalog
from resource_catalog.cli import cli
from resource_catalog.errors import CatalogError, ExportError
from resource_catalog.exports import writers as ex
from tests.conftest import DATA

GOLDEN = DATA / "golden-export"
STREAM_FORMATS = ("json", "jsonl", "csv", "datapackage", "hsds")


def _files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"": path.read_bytes()}
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*"))}


@pytest.mark.parametrize(
    ("fmt", "kept"),
    [*((fmt, "retired") for fmt in STREAM_FORMATS), ("json", "active"), ("csv", "active")],
)
def test_a_streamed_export_writes_the_expected_bytes(tmp_path: Path, fmt: str, kept: str) -> None:
    out = tmp_path / "out"
    with open_stream(GOLDEN / "catalog") as stream:
        ex.export(stream, fmt, out, include_retired=kept == "retired")
    expected = _files(GOLDEN / kept / f"{fmt}.out")
    assert _files(out) == expected
    # The same bytes from a loaded catalog: one code path writes both.
    again = tmp_path / "again"
    ex.export(load_catalog(GOLDEN / "catalog"), fmt, again, include_retired=kept == "retired")
    assert _files(again) == expected


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_the_command_streams_the_same_bytes_to_standard_output(fmt: str) -> None:
    args = ["export", "--catalog", str(GOLDEN / "catalog"), "--format", fmt, "--include-retired"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (GOLDEN / "retired" / f"{fmt}.out").read_bytes()


def test_a_text_stream_without_a_buffer_gets_the_same_text() -> None:
    out = io.StringIO()
    with open_stream(GOLDEN / "catalog") as stream:
        ex.to_json(stream, out, include_retired=True)
    assert out.getvalue().encode("utf-8") == (GOLDEN / "retired" / "json.out").read_bytes()


def test_an_invalid_catalog_writes_nothing(catalog_dir: Path, tmp_path: Path) -> None:
    (catalog_dir / "resources" / "broken.json").write_text("{", encoding="utf-8")
    out = tmp_path / "hsds"
    with pytest.raises(CatalogError), open_stream(catalog_dir) as stream:
        ex.export(stream, "hsds", out)
    assert not out.exists()
    result = CliRunner().invoke(cli, ["export", "--catalog", str(catalog_dir), "--format", "json"])
    assert result.exit_code == 2
    assert result.stdout_bytes == b""


def test_a_failure_midway_publishes_no_file_of_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(_resource: object) -> object:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ex, "table_rows", fail)
    out = tmp_path / "dp"
    with pytest.raises(ExportError, match="No space"), open_stream(GOLDEN / "catalog") as stream:
        ex.to_datapackage(stream, out)
    assert list(out.iterdir()) == []  # no table, no temp file, no descriptor
