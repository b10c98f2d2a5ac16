"""schemas/ is generated from the models, current, and independently validates the catalog."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from resource_catalog.exports.schemas import render_schemas, stale_schemas, write_schemas
from tests.conftest import CATALOG, ROOT

SCHEMAS = ROOT / "schemas"


def test_schemas_are_up_to_date() -> None:
    assert stale_schemas(SCHEMAS) == [], "run `nox -s schemas` and commit the result"


def test_rendering_is_byte_stable() -> None:
    assert render_schemas() == render_schemas()


def test_stale_file_is_detected(tmp_path: Path) -> None:
    write_schemas(tmp_path)
    assert stale_schemas(tmp_path) == []
    path = tmp_path / "resource.schema.json"
    path.write_text(path.read_text().replace('"phones"', '"phonez"', 1))
    assert stale_schemas(tmp_path) == ["resource.schema.json"]
    assert write_schemas(tmp_path) == [path]


def test_phone_numbers_are_marked_as_phone_format() -> None:
    schema = json.loads((SCHEMAS / "resource.schema.json").read_text())
    assert schema["$defs"]["Phone"]["properties"]["number"]["format"] == "phone"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    "path", sorted((CATALOG / "resources").glob("*.json")), ids=lambda p: p.stem
)
def test_every_resource_file_validates_against_the_schema(path: Path) -> None:
    schema = json.loads((SCHEMAS / "resource.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(json.loads(path.read_text()))


def test_catalog_json_validates_against_its_schema() -> None:
    schema = json.loads((SCHEMAS / "catalog.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(
        json.loads((CATALOG / "catalog.json").read_text())
    )


def test_the_json_schema_rejects_an_unknown_field() -> None:
    schema = json.loads((SCHEMAS / "resource.schema.json").read_text())
    record = json.loads((CATALOG / "resources" / "chaplaincy.json").read_text())
    record["phonez"] = []
    with pytest.raises(jsonschema.ValidationError, match="phonez"):
        jsonschema.Draft202012Validator(schema).validate(record)
