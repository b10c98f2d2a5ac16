"""Shared fixtures: a writable copy of the bundled catalog, record helpers."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import shutil
import sys
import threading
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "catalog"
DATA = Path(__file__).resolve().parent / "data"


#: Slow tests whose every arc a traced test also reaches (``benchmarks/untraced.py``).
UNTRACED_LIST = Path(__file__).resolve().parent / "untraced.txt"


def listed_untraced() -> set[str]:
    """The test ids ``tests/untraced.txt`` lists (comments and blank lines left out)."""
    lines = UNTRACED_LIST.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


#: Set by ``benchmarks/untraced.py``: the audit must see what every listed test reaches.
TRACE_LISTED = "RESOURCE_CATALOG_TRACE_LISTED"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests ``tests/untraced.txt`` lists ``untraced`` (not during its audit)."""
    if os.environ.get(TRACE_LISTED):
        return
    listed = listed_untraced()
    for item in items:
        if item.nodeid in listed:
            item.add_marker(pytest.mark.untraced)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Import every module of the package while coverage traces (so before any test).

    A module that a test imports lazily is otherwise first imported by whichever test
    needs it; when that test is ``untraced`` the module's top-level lines would count as
    missed. ``__main__`` is left out: importing it runs the command line.
    """
    import resource_catalog  # noqa: PLC0415

    for module in pkgutil.walk_packages(resource_catalog.__path__, "resource_catalog."):
        if not module.name.endswith(".__main__"):
            importlib.import_module(module.name)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Run a test marked ``untraced`` with every trace function off (coverage's too).

    Such a test times the code or feeds it large inputs: under the coverage tracer it
    would measure the tracer (often three times slower), and the lines it runs are
    covered by the small tests. pytest-cov's own ``no_cover`` does not reach the tracer
    that an xdist worker keeps running underneath its own, so this pauses tracing
    itself and restores it after.
    """
    if item.get_closest_marker("untraced") is None:
        return (yield)
    tracer, thread_tracer = sys.gettrace(), threading.gettrace()
    sys.settrace(None)
    threading.settrace(None)  # type: ignore[arg-type, unused-ignore]
    try:
        return (yield)
    finally:
        threading.settrace(thread_tracer)  # type: ignore[arg-type, unused-ignore]
        sys.settrace(tracer)


FIRST_SOURCE = "osc-campus-resources"
_IGNORED = shutil.ignore_patterns(".sync.lock", ".commit.lock", ".*.tmp")


def copy_catalog(target: Path) -> Path:
    """A writable copy of the repository's whole catalog (every source)."""
    shutil.copytree(CATALOG, target, ignore=_IGNORED)
    return target


def first_page_catalog(target: Path) -> Path:
    """A writable copy of the catalog as it follows only its first page.

    The tests of the first page's behaviour (sync, diff, the fault matrices) run on it:
    catalog.json keeps the first source, the records it lists keep only their
    observation of it, and the history keeps only their events.
    """
    copy_catalog(target)
    meta = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    dropped = [s for s in meta["sources"] if s["id"] != FIRST_SOURCE]
    meta["sources"] = [s for s in meta["sources"] if s["id"] == FIRST_SOURCE]
    (target / "catalog.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    for source in dropped:
        (target / "snapshots" / source["snapshot"]).unlink()
    kept: set[str] = set()
    for path in sorted((target / "resources").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        seen = [o for o in data["sources"] if o["source_id"] == FIRST_SOURCE]
        if not seen:
            path.unlink()
            continue
        data["sources"] = seen
        write_record(target, path.stem, data)
        kept.add(path.stem)
    history = target / "history.jsonl"
    if history.exists():
        lines = history.read_text(encoding="utf-8").splitlines(keepends=True)
        history.write_text(
            "".join(
                line
                for line in lines
                if json.loads(line).get("resource_id") in (None, *kept)
                and json.loads(line).get("source_id") in (None, FIRST_SOURCE)
            ),
            encoding="utf-8",
        )
    return target


@pytest.fixture
def catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the catalog following only its first page (23 records)."""
    return first_page_catalog(tmp_path / "catalog")


@pytest.fixture
def full_catalog_dir(tmp_path: Path) -> Path:
    """A writable copy of the repository's whole catalog, every source."""
    return copy_catalog(tmp_path / "catalog")


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
# "default" (plain pytest) and "ci" (``nox -s tests``, which is what CI runs) keep every
# property test quick; "thorough" (``nox -s thorough``) runs many more examples, for a
# nightly job or before a release. "deep" is the old name of "thorough".
settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=30, deadline=None, print_blob=True)
_THOROUGH = settings(
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("thorough", _THOROUGH)
settings.register_profile("deep", _THOROUGH)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
