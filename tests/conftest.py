"""Shared fixtures: a writable copy of the bundled catalog, record helpers."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the repository's catalog."""
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target, ignore=shutil.ignore_patterns(".sync.lock", ".*.tmp"))
    return target


def read_record(directory: Path, resource_id: str) -> dict[str, Any]:
    """One resource file as a JSON dict."""
    data: dict[str, Any] = json.loads(
        (directory / "resources" / f"{resource_id}.json").read_text(encoding="utf-8")
    )
    return data


def write_record(directory: Path, name: str, data: dict[str, Any]) -> Path:
    """Write a dict as a resource file (no validation: tests write bad data on purpose)."""
    path = directory / "resources" / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def edit_record(catalog_dir: Path) -> Callable[[str, Callable[[dict[str, Any]], None]], Path]:
    """Edit one record of the copied catalog in place with a function."""

    def edit(resource_id: str, change: Callable[[dict[str, Any]], None]) -> Path:
        data = read_record(catalog_dir, resource_id)
        change(data)
        return write_record(catalog_dir, resource_id, data)

    return edit


# --------------------------------------------------------------- hypothesis profiles
# "default" keeps every property test quick enough for the default test session;
# HYPOTHESIS_PROFILE=deep runs many more examples (opt-in, e.g. a nightly job).
settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile(
    "deep",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
