"""iter_resources and open_stream: a checked catalog's records, one file at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import resource_catalog as rc
from resource_catalog.checks.stream import open_stream
from resource_catalog.checks.validate import load_catalog
from resource_catalog.errors import CatalogError
from tests.conftest import DATA, read_record, write_record

GOLDEN = DATA / "golden-export" / "catalog"


def test_iter_resources_yields_what_load_catalog_holds_in_the_same_order() -> None:
    streamed = list(rc.iter_resources(GOLDEN))
    loaded = load_catalog(GOLDEN)
    assert [r.id for r in streamed] == [r.id for r in loaded.resources]
    assert streamed == list(loaded.resources)
    # Ids, not file names, give the order: "x-office.json" sorts before "x.json".
    ids = [r.id for r in streamed]
    assert ids.index("student-disability-services") < ids.index(
        "student-disability-services-office"
    )
    assert any(r.status is rc.Status.RETIRED for r in streamed)  # retired ones too


def test_a_missing_catalog_is_a_catalog_error(tmp_path: Path) -> None:
    records = rc.iter_resources(tmp_path / "nowhere")
    with pytest.raises(CatalogError, match="not found"):
        next(records)


def test_a_bad_file_raises_with_every_finding_before_any_record(catalog_dir: Path) -> None:
    (catalog_dir / "resources" / "broken.json").write_text('{"id": "broken",\n  "name": }')
    data = read_record(catalog_dir, "chaplaincy")
    data["phones"] = [{"number": "not a phone"}]
    write_record(catalog_dir, "chaplaincy", data)
    seen: list[str] = []
    with pytest.raises(CatalogError, match="2 error") as caught:
        seen.extend(r.id for r in rc.iter_resources(catalog_dir))
    assert seen == []
    assert {f.file for f in caught.value.findings if f.severity is rc.Severity.ERROR} == {
        "resources/broken.json",
        "resources/chaplaincy.json",
    }


def test_each_iteration_of_a_stream_reads_the_files_again(catalog_dir: Path) -> None:
    calls: list[int] = []
    with open_stream(catalog_dir, progress=lambda done, _total: calls.append(done)) as stream:
        checked = len(calls)  # progress is the check's, not the reading's
        first = [r.id for r in stream]
        second = [r.id for r in stream]
    assert first == second
    assert checked == len(first) == len(calls)
    assert stream.meta.name == load_catalog(catalog_dir).meta.name
    with pytest.raises(RuntimeError, match="only for a view open"):
        next(iter(stream))  # the files' view closed with the block


def test_importing_the_package_for_iter_resources_loads_no_pydantic() -> None:
    probe = (
        "import json, sys; import resource_catalog as rc; "
        "before = 'pydantic' in sys.modules; n = sum(1 for _ in rc.iter_resources()); "
        "print(json.dumps([before, n > 0]))"
    )
    package_parent = str(Path(rc.__file__).resolve().parent.parent)
    done = subprocess.run(  # noqa: S603 (our own interpreter on a fixed script)
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": package_parent},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, True]


def test_a_stream_keeps_no_warning_but_still_raises_every_error(catalog_dir: Path) -> None:
    data = read_record(catalog_dir, "chaplaincy")
    data["name"] = "MIT Police"  # a duplicate-name warning
    write_record(catalog_dir, "chaplaincy", data)
    assert sum(1 for _ in rc.iter_resources(catalog_dir)) == len(load_catalog(catalog_dir))
    (catalog_dir / "resources" / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        next(rc.iter_resources(catalog_dir))
    assert [f.code for f in caught.value.findings] == ["json"]
