"""HSDS 3.0's change log, the ``metadata`` table, built from the catalog's history.

The table is validated with frictionless against the official descriptor (as
``test_hsds.py`` does for the other tables), the nested form against the compiled
service schema.
"""

from __future__ import annotations

import csv
import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import frictionless

from resource_catalog.checks.validate import load_catalog
from resource_catalog.exports import hsds
from resource_catalog.exports import writers as ex
from resource_catalog.models import Link, Status
from resource_catalog.store.catalog import Catalog
from resource_catalog.store.events import Action, Event
from tests.exports.test_export import make_resource
from tests.exports.test_hsds import read_rows, service_validator, services_json

T0 = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
T1 = dt.datetime(2026, 2, 6, 7, 0, tzinfo=dt.UTC)
COLUMNS = [
    "id",
    "resource_id",
    "resource_type",
    "last_action_date",
    "last_action_type",
    "field_name",
    "previous_value",
    "replacement_value",
    "updated_by",
]
PHONE = {"number": "+16175550100", "extension": None, "label": None, "kind": "voice"}


def ev(action: Action, rid: str | None, field: str | None = None, **values: Any) -> Event:
    return Event(at=values.pop("at", T0), action=action, resource_id=rid, field=field, **values)


HISTORY = [
    ev(Action.UPDATED, None, "schema_version", before="1.0", after="2.0"),  # the catalog's
    ev(Action.CREATED, "helpline", after="Help Line", source_id="p"),
    ev(Action.UPDATED, "helpline", "description", before="Old.", after="New."),
    ev(Action.UPDATED, "helpline", "phones", before=[], after=[PHONE]),
    ev(Action.UPDATED, "helpline", "sources", before=None, after=None),  # no HSDS home
    ev(Action.UPDATED, "helpline", "topics", before=[], after=["x"]),  # no HSDS home
    ev(Action.CONFLICT, "helpline", "name", before="Help Line", after="Helpline"),
    ev(Action.RESOLVED, "helpline", "name", before="Help Line", after="Help Line"),  # kept
    ev(
        Action.UPDATED,
        "helpline",
        "links",
        before=[],
        after=[{"url": "https://example.edu/a", "label": None}],
    ),
    ev(Action.RETIRED, "gone", "status", before="active", after="retired", at=T1),
    ev(
        Action.REVIEWED,
        "helpline",
        "review",
        before={"needs_review": True, "last_reviewed": None},
        after={"needs_review": False, "last_reviewed": "2026-02-06"},
        at=T1,
    ),
    ev(Action.UPDATED, "not-exported", "name", before="A", after="B"),
]


def resources() -> list[Any]:
    return [
        make_resource("helpline", name="Help Line", links=[Link(url="https://example.edu/a")]),
        make_resource("gone", status=Status.RETIRED),
    ]


def rows(directory: Path) -> list[dict[str, str]]:
    return read_rows(directory / "metadata.csv")


def test_metadata_rows_follow_the_history_for_exported_services(tmp_path: Path) -> None:
    ex.to_hsds(resources(), tmp_path, include_retired=True, history=HISTORY)
    found = [
        (
            r["last_action_date"],
            r["last_action_type"],
            r["field_name"],
            r["previous_value"],
            r["replacement_value"],
            r["updated_by"],
        )
        for r in rows(tmp_path)
    ]
    assert found == [
        ("2026-01-05", "created", "name", "null", "Help Line", "resource-catalog sync"),
        ("2026-01-05", "updated", "description", "Old.", "New.", "resource-catalog sync"),
        (
            "2026-01-05",
            "updated",
            "phones",
            "[]",
            '[{"number":"+16175550100","extension":null,"label":null,"kind":"voice"}]',
            "resource-catalog sync",
        ),
        ("2026-01-05", "updated", "url", "null", "https://example.edu/a", "resource-catalog sync"),
        ("2026-02-06", "retired", "status", "active", "inactive", "resource-catalog sync"),
        (
            "2026-02-06",
            "reviewed",
            "assured_date",
            "null",
            "2026-02-06",
            "resource-catalog review",
        ),
    ]
    service = {r["id"]: r["name"] for r in read_rows(tmp_path / "services.csv")}
    assert {service[r["resource_id"]] for r in rows(tmp_path)} == {"Help Line", "Gone"}
    assert {r["resource_type"] for r in rows(tmp_path)} == {"service"}


def test_metadata_table_validates_against_the_hsds_descriptor(tmp_path: Path) -> None:
    ex.to_hsds(resources(), tmp_path, include_retired=True, history=HISTORY)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
    with (tmp_path / "metadata.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == COLUMNS


def test_a_required_column_left_empty_is_caught(tmp_path: Path) -> None:
    # Guards the test above: the official schema requires every column, so an absent
    # value must be written ("null"), not left empty.
    ex.to_hsds(resources(), tmp_path, include_retired=True, history=HISTORY)
    path = tmp_path / "metadata.csv"
    text = path.read_text(encoding="utf-8").replace(",null,", ",,", 1)
    path.write_text(text, encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert [e[0] for e in report.flatten(["type"])] == ["constraint-error"]


def test_nested_metadata_is_valid_in_each_service(tmp_path: Path) -> None:
    ex.to_hsds(resources(), tmp_path, include_retired=True, history=HISTORY)
    by_name = {s["name"]: s for s in services_json(tmp_path)}
    assert [m["last_action_type"] for m in by_name["Gone"]["metadata"]] == ["retired"]
    assert len(by_name["Help Line"]["metadata"]) == 5
    for service in by_name.values():
        service_validator().validate(service)


def test_metadata_ids_are_deterministic_unique_uuids(tmp_path: Path) -> None:
    twice = [*HISTORY, HISTORY[2]]  # the same event twice still gets two ids
    first = hsds.metadata_rows(twice)
    assert first == hsds.metadata_rows(twice)
    ids = [r["id"] for r in first]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 5 for i in ids)


def test_without_history_the_table_is_empty_and_valid(tmp_path: Path) -> None:
    ex.to_hsds(resources(), tmp_path, include_retired=True)
    assert rows(tmp_path) == []
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid
    assert all(s["metadata"] == [] for s in services_json(tmp_path))


def test_a_catalog_brings_its_own_history(tmp_path: Path) -> None:
    catalog = load_catalog()
    helpline = ev(Action.UPDATED, "chaplaincy", "name", before="C", after="Chaplaincy")
    with_history = Catalog(catalog.meta, catalog.resources, catalog.path, (helpline,))
    ex.to_hsds(with_history, tmp_path)
    [row] = rows(tmp_path)
    assert row["resource_id"] == hsds.hsds_id("service", "chaplaincy")
    assert frictionless.validate(str(tmp_path / "datapackage.json")).valid
