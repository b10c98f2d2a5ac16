"""Drift against records read one at a time reports what drift against the loaded
catalog reports, and holds far less than the records."""

from __future__ import annotations

import inspect
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from benchmarks import generate
from pydantic import TypeAdapter

from resource_catalog.drift.compare import compare
from resource_catalog.drift.streamed import compare_records
from resource_catalog.drift.types import DriftReport
from resource_catalog.models import Listing, Resource, Status
from resource_catalog.store.catalog import Catalog
from tests.drift import test_drift as cases

#: The drift tests that build their own catalog and page (no fixtures), but the one
#: that times a large catalog (it would time both).
CASES = [
    case
    for name, case in vars(cases).items()
    if name.startswith("test_")
    and name != "test_large_catalog_is_near_linear"
    and callable(case)
    and not inspect.signature(case).parameters
]


def _listed(catalog: Catalog, source_id: str) -> int:
    return sum(
        1
        for r in catalog.resources
        if r.status is Status.ACTIVE and (o := r.observation(source_id)) and o.listed
    )


def _both(calls: list[DriftReport]) -> Callable[..., DriftReport]:
    def compare_both(catalog: Catalog, scraped: Any, **options: Any) -> DriftReport:
        report = compare(catalog, scraped, **options)
        streamed = compare_records(catalog.meta, catalog.__iter__, scraped, **options)
        assert streamed.report == report
        sid = options.get("source_id") or catalog.meta.sources[0].id
        assert streamed.listed == _listed(catalog, sid)
        calls.append(report)
        return report

    return compare_both


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.__name__)
def test_each_drift_case_reports_the_same_streamed(
    monkeypatch: pytest.MonkeyPatch, case: Callable[[], None]
) -> None:
    calls: list[DriftReport] = []
    monkeypatch.setattr(cases, "compare", _both(calls))
    case()


def test_the_drift_cases_were_compared_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[DriftReport] = []
    monkeypatch.setattr(cases, "compare", _both(calls))
    for case in CASES:
        case()
    assert len(calls) >= 20  # most cases compare at least once
    assert any(r.renamed for r in calls)
    assert any(r.added for r in calls)
    assert any(r.removed for r in calls)


def _generated(n: int) -> tuple[list[dict[str, Any]], list[Listing]]:
    records = generate.make_records(n)
    # Some records the page had dropped, some retired, two of one name.
    for i in range(0, n, 97):
        records[i]["sources"][0]["listed"] = False
    for i in range(5, n, 89):
        records[i]["status"] = "retired"
    records[3]["sources"][0]["name"] = records[4]["sources"][0]["name"]
    page = generate.changed_listings(generate.listings_of(records))
    listings = TypeAdapter(list[Listing]).validate_python(page[: n - 7])
    return records, listings


def test_a_generated_catalog_reports_the_same_streamed() -> None:
    records, listings = _generated(600)
    catalog = Catalog(meta=_meta(), resources=tuple(Resource.model_validate(r) for r in records))
    report = compare(catalog, listings)
    assert report.renamed
    assert report.changed
    assert report.removed
    assert compare_records(catalog.meta, catalog.__iter__, listings) == (
        report,
        _listed(catalog, catalog.meta.sources[0].id),
    )


def _meta() -> Any:
    from resource_catalog.store.files import read_meta  # noqa: PLC0415

    return read_meta(generate.CATALOG)


@pytest.mark.untraced  # a thousand records, traced by tracemalloc already
def test_streamed_drift_holds_far_less_than_the_records() -> None:
    n = 1000
    records, listings = _generated(n)
    meta = _meta()

    def each() -> Iterator[Resource]:
        return (Resource.model_validate(r) for r in records)

    compare_records(meta, each, listings)  # caches first
    tracemalloc.start()
    try:
        held = list(each())
        whole, _ = tracemalloc.get_traced_memory()
        del held
        tracemalloc.reset_peak()
        base, _ = tracemalloc.get_traced_memory()
        result = compare_records(meta, each, listings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.report.renamed
    # The loaded catalog's records alone take `whole`; the streamed drift, its report
    # and its indexes included, a small part of that.
    assert peak - base < whole / 8, (peak - base, whole)
