"""Findings kept compactly: they read as the models they were, and they stay small.

``validate`` on a catalog of 10^5 records holds ~10^5 warnings and every active record's
keys until the cross-record checks end; as models these outgrew a 256 MiB budget.
"""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from resource_catalog.checks._finding import Findings, finding
from resource_catalog.checks.validate import ValidationResult, validate_catalog
from resource_catalog.models import Finding, Severity
from resource_catalog.reports.findings import iter_validation, render_validation
from resource_catalog.store.catalog import Catalog
from tests.conftest import DATA

GOLDEN = DATA / "golden-export" / "catalog"


def _some() -> list[Finding]:
    return [
        finding("phone", "not a valid phone number", "resources/a.json", "phones[0]", "+1", "a"),
        finding("duplicate-name", "same name", "resources/b.json", severity=Severity.WARNING),
        finding("history", "bad line", "history.jsonl", "line 3"),
    ]


def test_findings_read_as_the_tuple_of_models_they_were() -> None:
    models = _some()
    kept = Findings(models[:1])
    kept.extend(models[1:2])
    kept.append(models[2])
    assert len(kept) == 3
    assert kept == tuple(models)
    assert tuple(models) == tuple(kept)
    assert list(kept) == models
    assert kept[1] == models[1]
    assert kept[-1] == models[-1]
    assert kept[0:2] == tuple(models[0:2])
    assert kept == Findings(models)
    assert kept != Findings(models[:2])
    assert kept != tuple(models[::-1])
    assert kept.count(Severity.ERROR) == 2
    assert kept.count(models[1]) == 1
    assert list(kept.of(Severity.WARNING)) == [models[1]]
    assert not Findings()
    assert "duplicate-name" in repr(kept)


def test_a_result_counts_its_findings_by_severity() -> None:
    models = _some()
    catalog = Catalog(meta=validate_catalog(GOLDEN).catalog.meta, resources=())
    for findings in (Findings(models), tuple(models)):
        result = ValidationResult(GOLDEN, catalog, findings, active_count=4)
        assert result.summary() == {"resources": 4, "errors": 2, "warnings": 1}
        assert list(result.errors) == [models[0], models[2]]
        assert list(result.warnings) == [models[1]]
        assert not result.ok()
        assert not ValidationResult(GOLDEN, catalog, findings[1:2]).ok(strict=True)
        assert ValidationResult(GOLDEN, catalog, findings[1:2]).ok()


@pytest.mark.parametrize("count", [0, 1, 3])
def test_json_in_pieces_is_the_whole_json_dump(count: int) -> None:
    models = _some()[:count]
    catalog = Catalog(meta=validate_catalog(GOLDEN).catalog.meta, resources=())
    result = ValidationResult(GOLDEN, catalog, Findings(models), active_count=1)
    whole = {
        "summary": result.summary(),
        "catalog": str(GOLDEN),
        "findings": [f.model_dump(mode="json") for f in models],
    }
    expected = json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
    assert "".join(iter_validation(result, "json")) == expected
    assert render_validation(result, "json") == expected
    with pytest.raises(ValueError, match="unknown format"):
        next(iter_validation(result, "yaml"))


def _one_phone_catalog(tmp_path: Path, n: int) -> Path:
    """A catalog of ``n`` records that all list one phone: n - 1 duplicate-phone warnings."""
    directory = tmp_path / "catalog"
    shutil.copytree(GOLDEN, directory)
    (directory / "history.jsonl").write_text("", encoding="utf-8")
    resources = directory / "resources"
    template = json.loads((resources / "dean-on-call.json").read_text(encoding="utf-8"))
    shutil.rmtree(resources)
    resources.mkdir()
    for i in range(n):
        name = "Desk " + "".join("abcdefghijklmnopqrstuvwxyz"[int(d)] for d in str(i))
        record = dict(template, id=f"office-{i:05d}", name=name)
        record["sources"] = [dict(template["sources"][0], name=name)]
        (resources / f"office-{i:05d}.json").write_text(json.dumps(record), encoding="utf-8")
    return directory


@pytest.mark.untraced  # a thousand records, traced by tracemalloc already
def test_validate_holds_little_per_record_and_per_warning(tmp_path: Path) -> None:
    n = 1000
    directory = _one_phone_catalog(tmp_path, n)
    validate_catalog(directory, keep_records=False)  # imports and caches first
    # pathlib interns each file name; holding them keeps the interpreter's table of
    # interned strings from growing (a megabyte at once) while the peak is traced.
    held = [directory / "resources" / p.name for p in (directory / "resources").iterdir()]
    tracemalloc.start()
    try:
        result = validate_catalog(directory, keep_records=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(held) == n
    assert result.summary() == {"resources": n, "errors": 0, "warnings": n - 1}
    # Each record here is one warning and one record's keys (and the file being read).
    # As models and full keys they peaked at about 2,200 bytes a record; compactly at
    # about 1,450.
    assert peak / n < 1_800, peak / n
