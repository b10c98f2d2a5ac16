"""``validate`` writes the bytes it wrote when every finding was a model held at once.

``tests/data/golden-validate`` holds a catalog with findings of every kind and the
output of each format, written before the findings were kept compactly (see its README).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from resource_catalog.checks.validate import validate_catalog
from resource_catalog.cli import cli
from resource_catalog.reports.findings import render_validation
from tests.conftest import DATA

GOLDEN = DATA / "golden-validate"


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_validate_writes_the_golden_bytes(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(cli, ["validate", "--catalog", "catalog", "--format", fmt])
    assert result.exit_code == 1, result.output
    assert result.stdout_bytes == (GOLDEN / f"{fmt}.out").read_bytes()


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_the_library_renders_the_same_text(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.chdir(GOLDEN)
    result = validate_catalog(Path("catalog"))
    shown = render_validation(result, fmt)
    assert shown.encode("utf-8") == (GOLDEN / f"{fmt}.out").read_bytes()
