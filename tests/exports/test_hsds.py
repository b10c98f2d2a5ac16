"""HSDS 3.0 export: services.json by jsonschema, the tables by frictionless."""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import frictionless
import jsonschema
import pytest

from resource_catalog.contacts.locations import BuildingInfo, BuildingRegistry, load_buildings
from resource_catalog.exports import hsds
from resource_catalog.exports import writers as ex
from resource_catalog.models import Link, Location, Phone, PhoneKind, Resource, Review, Status
from tests.exports.test_export import RESOURCE_FILES, make_resource, sample_resources

DATA = Path(__file__).resolve().parents[1] / "data" / "hsds"
REQUIRED_TABLES = {
    "services.csv",
    "organizations.csv",
    "locations.csv",
    "phones.csv",
    "service_at_location.csv",
}


@cache
def service_validator() -> jsonschema.Draft202012Validator:
    """The standard's compiled service schema, with format checks (uuid, email...)."""
    schema = json.loads((DATA / "compiled" / "service.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_hsds(tmp_path: Path, resources: list[Resource], **options: Any) -> Path:
    ex.to_hsds(resources, tmp_path, include_retired=True, **options)
    return tmp_path


def services_json(directory: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(
        (directory / "services.json").read_text(encoding="utf-8")
    )
    return data


@pytest.mark.untraced
def test_services_json_valid_against_compiled_schema(tmp_path: Path) -> None:
    services = services_json(write_hsds(tmp_path, sample_resources()))
    assert len(services) == 4
    for service in services:
        service_validator().validate(service)


def test_compiled_schema_rejects_a_bad_service(tmp_path: Path) -> None:
    service = services_json(write_hsds(tmp_path, sample_resources()))[0]
    assert service_validator().is_valid(service)
    for key, bad in [("status", "retired"), ("id", "counseling-center")]:
        broken = {**service, key: bad}
        assert not service_validator().is_valid(broken), key


def test_tables_valid_with_frictionless(tmp_path: Path) -> None:
    directory = write_hsds(tmp_path, sample_resources())
    assert {p.name for p in directory.iterdir()} >= REQUIRED_TABLES
    report = frictionless.validate(str(directory / "datapackage.json"))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
    assert report.valid


def test_tables_catch_a_dangling_reference(tmp_path: Path) -> None:
    directory = write_hsds(tmp_path, sample_resources())
    path = directory / "service_at_location.csv"
    rows = read_rows(path)
    rows[0]["location_id"] = hsds.hsds_id("location", "nowhere")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = frictionless.validate(str(directory / "datapackage.json"))
    assert [e[0] for e in report.flatten(["type"])] == ["foreign-key"]


def test_descriptor_is_the_official_one_trimmed(tmp_path: Path) -> None:
    directory = write_hsds(tmp_path, sample_resources())
    written = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    official = json.loads(
        (Path(hsds.__file__).parent / "hsds_data" / "datapackage.json").read_text(encoding="utf-8")
    )
    official_by_name = {r["name"]: r for r in official["resources"]}
    names = [r["name"] for r in written["resources"]]
    assert set(names) == set(hsds.TABLES)
    assert written["version"] == official["version"] == "3.0.0"
    assert "license" not in written  # it licenses the specification, not our data
    for res in written["resources"]:
        original = official_by_name[res["name"]]
        assert res["path"] == original["path"]
        assert res["schema"]["fields"] == original["schema"]["fields"]
        assert res["schema"]["primaryKey"] == original["schema"]["primaryKey"]
        expected_fks = [
            fk
            for fk in original["schema"].get("foreignKeys", [])
            if fk["reference"]["resource"] in names
        ]
        assert res["schema"].get("foreignKeys", []) == expected_fks
        with (directory / res["path"]).open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh))
        assert header == [f["name"] for f in original["schema"]["fields"]]
    # the phone table keeps its links to service, location, organization...
    phone = next(r for r in written["resources"] if r["name"] == "phone")
    assert {fk["reference"]["resource"] for fk in phone["schema"]["foreignKeys"]} == {
        "location",
        "organization",
        "service",
        "service_at_location",
    }


def test_package_descriptor_refuses_unknown_tables() -> None:
    with pytest.raises(ValueError, match="widgets"):
        hsds.package_descriptor(["service", "widgets"])


def test_ids_are_deterministic_uuids_consistent_across_tables(tmp_path: Path) -> None:
    directory = write_hsds(tmp_path, sample_resources())
    services = read_rows(directory / "services.csv")
    namespace = hsds.NAMESPACE
    assert [s["id"] for s in services] == [
        str(uuid.uuid5(namespace, f"service:{rid}"))
        for rid in ["counseling-center", "formula", "old-office", "zz-minimal"]
    ]
    (org,) = read_rows(directory / "organizations.csv")
    assert org["name"] == "Massachusetts Institute of Technology"
    assert {s["organization_id"] for s in services} == {org["id"]}
    service_ids = {s["id"] for s in services}
    location_ids = {loc["id"] for loc in read_rows(directory / "locations.csv")}
    sal = read_rows(directory / "service_at_location.csv")
    assert {row["service_id"] for row in sal} <= service_ids
    assert {row["location_id"] for row in sal} == location_ids
    assert {p["service_id"] for p in read_rows(directory / "phones.csv")} <= service_ids
    # the nested form carries the same ids
    nested = services_json(directory)
    assert [s["id"] for s in nested] == [s["id"] for s in services]
    assert {
        loc["location"]["id"] for s in nested for loc in s["service_at_locations"]
    } == location_ids


def test_shared_location_is_one_row(tmp_path: Path) -> None:
    directory = write_hsds(tmp_path, sample_resources())
    locations = read_rows(directory / "locations.csv")
    assert [(loc["name"], loc["alternate_name"]) for loc in locations] == [
        ("Building 5", "5"),
        ("Building E23, room 104", "E23-104"),
    ]
    assert all(loc["location_type"] == "physical" for loc in locations)
    e23 = next(loc["id"] for loc in locations if loc["alternate_name"] == "E23-104")
    sal = read_rows(directory / "service_at_location.csv")
    assert sorted(row["description"] for row in sal if row["location_id"] == e23) == [
        "",
        "Main office",
    ]


def test_service_mapping(tmp_path: Path) -> None:
    resources = [
        make_resource(
            "helpline",
            name="Help Line",
            acronym="HL",
            links=[Link(url="https://example.edu/first"), Link(url="https://example.edu/2")],
            emails=["a@example.edu", "b@example.edu"],
            availability="Weekdays 9-5",
            review=Review(last_reviewed=dt.date(2024, 5, 1)),
            phones=[
                Phone(number="+16175550100", extension="0042", label="Desk"),
                Phone(number="+16175550101", kind=PhoneKind.TTY),
                Phone(number="+16175550102", kind=PhoneKind.SMS),
                Phone(number="+16175550103", kind=PhoneKind.FAX),
                Phone(number="911", kind=PhoneKind.EMERGENCY),
            ],
        ),
        make_resource("gone", status=Status.RETIRED, description=""),
    ]
    directory = write_hsds(
        tmp_path, resources, organization_name="Example College", organization_description="A."
    )
    gone, helpline = services_json(directory)
    assert helpline["name"] == "Help Line"
    assert helpline["alternate_name"] == "HL"
    assert helpline["url"] == "https://example.edu/first"
    assert helpline["email"] == "a@example.edu"
    assert helpline["status"] == "active"
    assert helpline["assured_date"] == "2024-05-01"
    assert [s["description"] for s in helpline["schedules"]] == ["Weekdays 9-5"]
    assert [(p["number"], p.get("extension"), p["type"]) for p in helpline["phones"]] == [
        ("+16175550100", 42, "voice"),
        ("+16175550101", None, "textphone"),
        ("+16175550102", None, "text"),
        ("+16175550103", None, "fax"),
        ("911", None, "voice"),
    ]
    assert helpline["phones"][4]["description"] == "Emergency"
    assert helpline["organization"] == {
        "id": hsds.hsds_id("organization", "Example College"),
        "name": "Example College",
        "description": "A.",
    }
    assert gone["status"] == "inactive"
    assert "description" not in gone  # empty text is omitted, not ""
    for service in (gone, helpline):
        service_validator().validate(service)
    phones = read_rows(directory / "phones.csv")
    assert phones[0]["extension"] == "42"
    assert frictionless.validate(str(directory / "datapackage.json")).valid


def test_hsds_excludes_retired_by_default(tmp_path: Path) -> None:
    ex.to_hsds(sample_resources(), tmp_path)
    names = [s["name"] for s in services_json(tmp_path)]
    assert "Old Office" not in names
    assert len(names) == 3


def test_location_without_room(tmp_path: Path) -> None:
    resource = make_resource("w20", locations=[Location(building="W20", label="Lobby")])
    directory = write_hsds(tmp_path, [resource])
    (sal,) = services_json(directory)[0]["service_at_locations"]
    assert sal["description"] == "Lobby"
    assert sal["location"]["name"] == "Building W20"


def test_locations_take_name_and_coordinates_from_the_registry(tmp_path: Path) -> None:
    registry = BuildingRegistry(
        [
            BuildingInfo("E23", name="Test Clinic", latitude=42.5, longitude=-71.25),
            BuildingInfo("5"),
        ]
    )
    directory = write_hsds(tmp_path, sample_resources(), buildings=registry)
    rows = {loc["alternate_name"]: loc for loc in read_rows(directory / "locations.csv")}
    assert (rows["E23-104"]["description"], rows["E23-104"]["latitude"]) == ("Test Clinic", "42.5")
    assert rows["E23-104"]["longitude"] == "-71.25"
    assert (rows["5"]["description"], rows["5"]["latitude"]) == ("", "")
    nested = services_json(directory)[0]["service_at_locations"][0]["location"]
    assert (nested["latitude"], nested["longitude"]) == (42.5, -71.25)
    for service in services_json(directory):
        service_validator().validate(service)
    assert frictionless.validate(str(directory / "datapackage.json")).valid


def test_bundled_registry_is_the_default(tmp_path: Path) -> None:
    ex.to_hsds([make_resource("x", locations=[Location(building="E23")])], tmp_path)
    (row,) = read_rows(tmp_path / "locations.csv")
    info = load_buildings().get("E23")
    assert info is not None
    assert row["description"] == (info.name or "")
    assert row["latitude"] == ("" if info.latitude is None else str(info.latitude))


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=[p.stem for p in RESOURCE_FILES])
def test_catalog_resource_is_a_valid_hsds_service(tmp_path: Path, path: Path) -> None:
    resource = Resource.model_validate_json(path.read_text(encoding="utf-8"))
    (service,) = services_json(write_hsds(tmp_path, [resource]))
    service_validator().validate(service)
    assert service["name"] == resource.name
    assert len(service["phones"]) == len(resource.phones)


def test_catalog_hsds_tables_are_valid(tmp_path: Path) -> None:
    resources = [
        Resource.model_validate_json(p.read_text(encoding="utf-8")) for p in RESOURCE_FILES
    ]
    assert resources, "the repository's catalog has resources"
    directory = write_hsds(tmp_path, resources)
    report = frictionless.validate(str(directory / "datapackage.json"))
    assert report.flatten(["rowNumber", "fieldName", "type", "note"]) == []
