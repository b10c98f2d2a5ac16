"""Exports checked by their real consumers: csv readers, jsonschema, frictionless."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import frictionless
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_catalog.errors import ExportError
from resource_catalog.exports import writers as ex
from resource_catalog.models import (
    CatalogMeta,
    Confidentiality,
    Link,
    Listing,
    Location,
    Phone,
    PhoneKind,
    Resource,
    Review,
    SourcePage,
    Status,
)
from resource_catalog.store.catalog import Catalog

ROOT = Path(__file__).resolve().parents[2]
RESOURCE_FILES = sorted((ROOT / "catalog" / "resources").glob("*.json"))

# Fixture data is synthetic: example.edu addresses and 555-01xx numbers (reserved
# for fiction), never real contacts.
SOURCE_URL = "https://example.edu/resources"


def make_resource(rid: str = "plain", **fields: Any) -> Resource:
    """A valid Resource; ``fields`` override the defaults."""
    data: dict[str, Any] = {
        "id": rid,
        "name": rid.replace("-", " ").title(),
        "section": "Support Resources",
        "description": f"About {rid}.",
        "sources": [
            {
                "source_id": "example-resources",
                "name": rid,
                "section": "Support Resources",
                "description": f"About {rid}.",
                "url": SOURCE_URL,
            }
        ],
    }
    data.update(fields)
    return Resource.model_validate(data)


def sample_resources() -> list[Resource]:
    """Resources covering every field, a formula-looking one, a retired one."""
    return [
        make_resource(
            "counseling-center",
            name="Counseling Center",
            acronym="CC",
            phones=[
                Phone(number="+16175550100", extension="12", label="Front desk; nights (on call)"),
                Phone(number="+16175550101", kind=PhoneKind.TTY),
                Phone(number="988", kind=PhoneKind.EMERGENCY, label="Crisis line"),
            ],
            locations=[
                Location(building="E23", room="104", label="Main office"),
                Location(building="5"),
            ],
            links=[
                Link(url="https://example.edu/counseling", label="Home"),
                Link(url="https://example.edu/a_(b)?q=1;2"),
            ],
            emails=["help@example.edu"],
            topics=["mental-health", "crisis"],
            audience=["students"],
            confidentiality=Confidentiality.CONFIDENTIAL,
            availability="24/7,\nincluding holidays",
            description='Says "hello", then a comma, then a\nnew line.',
            review=Review(needs_review=True, last_reviewed=dt.date(2024, 5, 1)),
        ),
        make_resource(
            "formula",
            name='=HYPERLINK("https://evil.example","click")',
            acronym="@SUM(A1)",
            description="-2+3",
            availability="+1 day",
        ),
        make_resource(
            "old-office",
            status=Status.RETIRED,
            locations=[Location(building="E23", room="104")],
        ),
        make_resource("zz-minimal", description="", section="Other"),
    ]


ACTIVE_IDS = ["counseling-center", "formula", "zz-minimal"]

PHONE_ITEM = re.compile(
    r"(?P<number>\+?[0-9]+)(?: x(?P<ext>[0-9]+))?(?: \[(?P<kind>[a-z]+)\])?(?: \((?P<label>.*)\))?",
    re.DOTALL,
)
LABELLED_ITEM = re.compile(r"(?P<value>\S+)(?: \((?P<label>.*)\))?", re.DOTALL)


def parse_phone_item(item: str) -> Phone:
    """A consumer's parser for the documented phone item grammar."""
    m = PHONE_ITEM.fullmatch(item)
    assert m, item
    return Phone(
        number=m["number"],
        extension=m["ext"],
        kind=PhoneKind(m["kind"] or "voice"),
        label=m["label"],
    )


def parse_labelled(item: str) -> tuple[str, str | None]:
    m = LABELLED_ITEM.fullmatch(item)
    assert m, item
    return m["value"], m["label"]


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# -- csv -------------------------------------------------------------------------


def test_csv_round_trips_through_dictreader(tmp_path: Path) -> None:
    resources = sample_resources()
    target = tmp_path / "resources.csv"
    ex.to_csv(resources, target)

    with target.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == ex.CSV_COLUMNS
        rows = [{k: ex.unneutralise(v) for k, v in row.items()} for row in reader]
    assert [r["id"] for r in rows] == ACTIVE_IDS

    by_id = {r.id: r for r in resources}
    for row in rows:
        res = by_id[row["id"]]
        assert row["name"] == res.name
        assert row["acronym"] == (res.acronym or "")
        assert row["section"] == res.section
        assert row["description"] == res.description
        assert [parse_phone_item(i) for i in ex.split_multi(row["phones"])] == res.phones
        assert [parse_labelled(i) for i in ex.split_multi(row["locations"])] == [
            (loc.code, loc.label) for loc in res.locations
        ]
        assert [parse_labelled(i) for i in ex.split_multi(row["links"])] == [
            (link.url, link.label) for link in res.links
        ]
        assert ex.split_multi(row["emails"]) == res.emails
        assert ex.split_multi(row["topics"]) == res.topics
        assert ex.split_multi(row["audience"]) == res.audience
        assert row["confidentiality"] == res.confidentiality.value
        assert row["availability"] == (res.availability or "")
        assert row["status"] == res.status.value
        assert row["needs_review"] == str(res.review.needs_review).lower()


def test_csv_cells_are_documented_text(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    ex.to_csv(sample_resources(), target)
    raw = target.read_bytes()
    assert raw.startswith(b"id,name,acronym,section,description,phones,")
    assert raw.endswith(b"\r\n")
    row = read_csv_rows(target)[0]
    assert row["phones"] == (
        "'+16175550100 x12 (Front desk\\; nights (on call)); "
        "+16175550101 [tty]; 988 [emergency] (Crisis line)"
    )
    assert row["locations"] == "E23-104 (Main office); 5"
    assert (
        row["links"] == "https://example.edu/counseling (Home); https://example.edu/a_(b)?q=1\\;2"
    )


def test_csv_neutralises_formula_cells(tmp_path: Path) -> None:
    target = tmp_path / "r.csv"
    ex.to_csv(sample_resources(), target)
    row = {r["id"]: r for r in read_csv_rows(target)}["formula"]
    assert row["name"] == "'" + '=HYPERLINK("https://evil.example","click")'
    assert row["acronym"] == "'@SUM(A1)"
    assert row["description"] == "'-2+3"
    assert row["availability"] == "'+1 day"
    assert row["section"] == "Support Resources"  # plain text is left alone
    for cell in read_csv_rows(target)[0].values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_neutralise_is_reversible(first: str) -> None:
    cell = first + "cmd|' /C calc'!A0"
    safe = ex.neutralise(cell)
    assert safe == "'" + cell
    assert ex.unneutralise(safe) == cell


def test_neutralise_leaves_plain_text() -> None:
    assert ex.neutralise("Counseling +1") == "Counseling +1"
    assert ex.unneutralise("Counseling +1") == "Counseling +1"


@given(st.lists(st.text(min_size=1), max_size=5))
def test_join_split_round_trip(items: list[str]) -> None:
    assert ex.split_multi(ex.join_multi(items)) == items


def test_csv_stream_equals_file(tmp_path: Path) -> None:
    buf = io.StringIO(newline="")
    ex.to_csv(sample_resources(), buf)
    ex.to_csv(sample_resources(), tmp_path / "r.csv")
    assert buf.getvalue().encode("utf-8") == (tmp_path / "r.csv").read_bytes()


def test_csv_include_retired(tmp_path: Path) -> None:
    ex.to_csv(sample_resources(), tmp_path / "r.csv", include_retired=True)
    rows = read_csv_rows(tmp_path / "r.csv")
    assert [r["id"] for r in rows] == sorted([*ACTIVE_IDS, "old-office"])
    assert {r["id"]: r["status"] for r in rows}["old-office"] == "retired"


def test_listings_csv_and_json() -> None:
    listing = Listing(
        name="=cmd",
        section="Support Resources",
        description="Call us.",
        phones=[Phone(number="+16175550100", extension="3")],
    )
    rows = list(csv.DictReader(io.StringIO(ex.listings_to_csv([listing]), newline="")))
    assert tuple(rows[0]) == ex.LISTING_CSV_COLUMNS
    assert rows[0]["name"] == "'=cmd"
    assert rows[0]["phones"] == "'+16175550100 x3"
    assert json.loads(ex.listings_to_json([listing])) == [listing.model_dump(mode="json")]


# -- json / jsonl --------------------------------------------------------------------


@functools.cache
def resource_validators() -> list[jsonschema.protocols.Validator]:
    """Both resource schemas' validators, built once: a validator keeps no state between calls."""
    schemas = [
        Resource.model_json_schema(),
        json.loads((ROOT / "schemas" / "resource.schema.json").read_text(encoding="utf-8")),
    ]
    validators: list[jsonschema.protocols.Validator] = []
    for schema in schemas:
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
        validators.append(cls(schema, format_checker=cls.FORMAT_CHECKER))
    return validators


def test_json_validates_against_resource_schemas() -> None:
    buf = io.StringIO()
    ex.to_json(sample_resources(), buf, include_retired=True)
    records = json.loads(buf.getvalue())
    assert [r["id"] for r in records] == sorted([*ACTIVE_IDS, "old-office"])
    for validator in resource_validators():
        for record in records:
            validator.validate(record)
    originals = {r.id: r for r in sample_resources()}
    assert [Resource.model_validate(r) for r in records] == [originals[r["id"]] for r in records]


def test_resource_schema_rejects_a_broken_record() -> None:
    buf = io.StringIO()
    ex.to_json(sample_resources(), buf)
    record = json.loads(buf.getvalue())[0]
    record["phones"][0]["number"] = "call us"
    for validator in resource_validators():
        assert not validator.is_valid(record)


def test_jsonl_one_record_per_line(tmp_path: Path) -> None:
    ex.to_jsonl(sample_resources(), tmp_path / "r.jsonl")
    ex.to_json(sample_resources(), tmp_path / "r.json")
    text = (tmp_path / "r.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n")
    lines = text.splitlines()
    assert [json.loads(line) for line in lines] == json.loads(
        (tmp_path / "r.json").read_text(encoding="utf-8")
    )
    assert len(lines) == len(ACTIVE_IDS)


def test_json_accepts_a_catalog() -> None:
    meta = CatalogMeta(
        name="Test",
        sources=[SourcePage(id="example-resources", url=SOURCE_URL, title="T", sections=["S"])],
    )
    catalog = Catalog(meta=meta, resources=tuple(sample_resources()))
    from_catalog, from_list = io.StringIO(), io.StringIO()
    ex.to_json(catalog, from_catalog)
    ex.to_json(sample_resources(), from_list)
    assert from_catalog.getvalue() == from_list.getvalue()


# -- determinism, atomicity, dispatch ---------------------------------------------------


def _export_bytes(fmt: str, resources: list[Resource], target: Path) -> dict[str, bytes]:
    out = target if fmt in ex.DIRECTORY_FORMATS else target / f"out.{fmt}"
    target.mkdir(parents=True, exist_ok=True)
    ex.export(resources, fmt, out, include_retired=True)
    files = (p for p in sorted(target.rglob("*")) if p.is_file())  # the site has folders
    return {p.relative_to(target).as_posix(): p.read_bytes() for p in files}


@pytest.mark.parametrize("fmt", ex.FORMATS)
def test_export_is_deterministic(tmp_path: Path, fmt: str) -> None:
    resources = sample_resources()
    first = _export_bytes(fmt, resources, tmp_path / "a")
    resources.reverse()  # input order must not matter
    second = _export_bytes(fmt, resources, tmp_path / "b")
    assert first == second
    assert all(data.endswith(b"\n") for data in first.values())


def test_failed_write_keeps_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "r.json"
    target.write_text("old\n", encoding="utf-8")

    def fail(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(ExportError, match="No space left"):
        ex.to_json(sample_resources(), target)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_interrupted_write_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ex.to_csv(sample_resources(), tmp_path / "r.csv")
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_directory_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(ExportError):
        ex.to_json(sample_resources(), tmp_path / "missing" / "r.json")


def test_duplicate_ids_are_refused() -> None:
    twice = [make_resource("same"), make_resource("same", name="Other")]
    with pytest.raises(ExportError, match="same"):
        ex.to_json(twice, io.StringIO())


def test_export_dispatch_errors(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        ex.export(sample_resources(), "xml", io.StringIO())
    with pytest.raises(ExportError, match="directory"):
        ex.export(sample_resources(), "hsds", io.StringIO())
    buf = io.StringIO()
    ex.export(sample_resources(), "jsonl", buf)
    direct = io.StringIO()
    ex.to_jsonl(sample_resources(), direct)
    assert buf.getvalue() == direct.getvalue()


# -- datapackage -------------------------------------------------------------------


def validate_package(descriptor: Path) -> list[list[Any]]:
    """Errors frictionless reports for the package (empty when valid)."""
    report = frictionless.validate(str(descriptor))
    errors: list[list[Any]] = report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.valid == (not errors)
    return errors


def test_datapackage_is_valid(tmp_path: Path) -> None:
    ex.to_datapackage(sample_resources(), tmp_path, include_retired=True)
    assert validate_package(tmp_path / "datapackage.json") == []
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in descriptor["resources"]] == [
        "resources.csv",
        "phones.csv",
        "locations.csv",
        "links.csv",
    ]
    assert [r["id"] for r in read_csv_rows(tmp_path / "resources.csv")] == sorted(
        [*ACTIVE_IDS, "old-office"]
    )
    phones = read_csv_rows(tmp_path / "phones.csv")
    assert [(p["resource_id"], p["position"], p["number"]) for p in phones] == [
        ("counseling-center", "1", "+16175550100"),
        ("counseling-center", "2", "+16175550101"),
        ("counseling-center", "3", "988"),
    ]
    assert phones[0]["label"] == "Front desk; nights (on call)"  # exact values here
    row = {r["id"]: r for r in read_csv_rows(tmp_path / "resources.csv")}["formula"]
    assert row["name"].startswith("=")  # not neutralised: documented, typed data


@pytest.mark.parametrize(
    ("table", "column", "value", "error"),
    [
        ("phones.csv", "kind", "pager", "constraint-error"),
        ("phones.csv", "resource_id", "no-such-resource", "foreign-key"),
        ("resources.csv", "needs_review", "maybe", "type-error"),
        ("locations.csv", "building", "", "constraint-error"),
    ],
)
def test_datapackage_schema_catches_bad_rows(
    tmp_path: Path, table: str, column: str, value: str, error: str
) -> None:
    ex.to_datapackage(sample_resources(), tmp_path)
    path = tmp_path / table
    rows = read_csv_rows(path)
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    errors = validate_package(tmp_path / "datapackage.json")
    assert [e[2] for e in errors] == [error]
    # frictionless names the field of a cell error; a foreign-key error is per row
    assert errors[0][1] == (None if error == "foreign-key" else column)


def test_datapackage_title_from_catalog(tmp_path: Path) -> None:
    meta = CatalogMeta(
        name="Campus resources",
        sources=[SourcePage(id="example-resources", url=SOURCE_URL, title="T", sections=["S"])],
    )
    ex.to_datapackage(Catalog(meta=meta, resources=tuple(sample_resources())), tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["title"] == "Campus resources"


# -- the real catalog ------------------------------------------------------------


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=[p.stem for p in RESOURCE_FILES])
def test_catalog_resource_exports(path: Path) -> None:
    resource = Resource.model_validate_json(path.read_text(encoding="utf-8"))
    buf = io.StringIO()
    ex.to_json([resource], buf, include_retired=True)
    (record,) = json.loads(buf.getvalue())
    for validator in resource_validators():
        validator.validate(record)
    buf = io.StringIO(newline="")
    ex.to_csv([resource], buf, include_retired=True)
    (row,) = csv.DictReader(io.StringIO(buf.getvalue(), newline=""))
    assert ex.unneutralise(row["name"]) == resource.name
    assert [parse_phone_item(i) for i in ex.split_multi(ex.unneutralise(row["phones"]))] == (
        resource.phones
    )


def test_catalog_datapackage_is_valid(tmp_path: Path) -> None:
    resources = [
        Resource.model_validate_json(p.read_text(encoding="utf-8")) for p in RESOURCE_FILES
    ]
    assert resources, "the repository's catalog has resources"
    ex.to_datapackage(resources, tmp_path, include_retired=True)
    assert validate_package(tmp_path / "datapackage.json") == []


def test_jsonl_keeps_one_record_per_line_whatever_the_text() -> None:
    # str.splitlines() also breaks on NEL, LINE and PARAGRAPH SEPARATOR, which
    # json.dumps leaves raw; a record containing them must still be one line.
    tricky = make_resource(description="one\x85two\u2028three\u2029four")
    out = io.StringIO()
    ex.to_jsonl([tricky], out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["description"] == tricky.description


def test_a_location_item_shows_its_floor_only_when_given() -> None:
    assert ex.format_location(Location(building="W98", floor="2", label="Front desk")) == (
        "W98 [floor 2] (Front desk)"
    )
    assert ex.format_location(Location(building="5", room="104")) == "5-104"
