"""validate_catalog and load_catalog: each bad input is a finding naming file, field, value."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from resource_catalog.checks.validate import load_catalog, validate_catalog
from resource_catalog.errors import CatalogError
from resource_catalog.models import Severity
from tests.conftest import CATALOG, read_record, write_record

Edit = Callable[[str, Callable[[dict[str, Any]], None]], Path]


def codes(directory: Path) -> list[tuple[str, str | None, str | None, str | None]]:
    result = validate_catalog(directory)
    return [(f.code, f.file, f.field, f.value) for f in result.errors]


def test_bundled_catalog_is_valid_with_35_active_resources_from_5_pages() -> None:
    result = validate_catalog(CATALOG)
    assert result.errors == ()
    assert result.summary()["resources"] == 35
    catalog = load_catalog(CATALOG)
    assert len(catalog.active) == 35
    assert len(catalog.meta.sources) == 5


def test_the_two_disability_services_records_are_one_office_accepted_as_listed_twice(
    full_catalog_dir: Path,
) -> None:
    assert validate_catalog(CATALOG).warnings == ()  # the curators accepted the warning
    path = full_catalog_dir / "resources" / "student-disability-services-office.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    [accepted] = data["review"].pop("accepted")
    assert accepted["about"] == "student-disability-services"
    path.write_text(json.dumps(data), encoding="utf-8")
    warnings = validate_catalog(full_catalog_dir).warnings
    flagged = {f.resource_id for f in warnings if f.code == "possible-duplicate"}
    assert flagged & {"student-disability-services", "student-disability-services-office"}


def test_malformed_json_is_reported_with_line_and_column(catalog_dir: Path) -> None:
    (catalog_dir / "resources" / "broken.json").write_text('{"id": "broken",\n  "name": }')
    [(code, file, _field, _value)] = codes(catalog_dir)
    assert (code, file) == ("json", "resources/broken.json")
    [finding] = validate_catalog(catalog_dir).errors
    assert "line 2" in finding.message


def test_truncated_file_is_reported(catalog_dir: Path) -> None:
    path = catalog_dir / "resources" / "chaplaincy.json"
    path.write_bytes(path.read_bytes()[:200])
    [(code, file, _field, value)] = codes(catalog_dir)
    assert (code, file) == ("json", "resources/chaplaincy.json")
    assert value  # the text around the cut is shown


def test_non_utf8_bytes_are_reported(catalog_dir: Path) -> None:
    path = catalog_dir / "resources" / "chaplaincy.json"
    path.write_bytes(path.read_bytes().replace(b"Chaplaincy", b"Chaplain\xe7y", 1))
    [(code, file, _field, value)] = codes(catalog_dir)
    assert (code, file) == ("encoding", "resources/chaplaincy.json")
    assert value is not None
    assert "\\xe7" in value


def test_wrong_type_names_field_and_value(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phones="617-253-2983"))
    assert codes(catalog_dir) == [("schema", "resources/chaplaincy.json", "phones", "617-253-2983")]


def test_unknown_field_is_an_error(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    [finding] = validate_catalog(catalog_dir).errors
    assert (finding.code, finding.field, finding.value) == ("schema", "phonez", "[]")
    assert "unknown field" in finding.message


def test_invalid_phone_is_reported(edit_record: Edit, catalog_dir: Path) -> None:
    def bad_phone(d: dict[str, Any]) -> None:
        d["phones"][0]["number"] = "+16170000000"

    edit_record("student-support-services", bad_phone)
    assert codes(catalog_dir) == [
        ("phone", "resources/student-support-services.json", "phones[0].number", "+16170000000")
    ]


def test_malformed_phone_is_a_phone_finding(edit_record: Edit, catalog_dir: Path) -> None:
    def bad_phone(d: dict[str, Any]) -> None:
        d["phones"][0]["number"] = "617-253-4861"

    edit_record("student-support-services", bad_phone)
    [(code, _file, field, value)] = codes(catalog_dir)
    assert (code, field, value) == ("phone", "phones[0].number", "617-253-4861")


def test_a_malformed_phone_says_what_would_be_valid(edit_record: Edit, catalog_dir: Path) -> None:
    def bad_phone(d: dict[str, Any]) -> None:
        d["phones"][0]["number"] = "617-253-4861"

    edit_record("student-support-services", bad_phone)
    [finding] = validate_catalog(catalog_dir).errors
    assert finding.message.endswith("; write it as +16172534861")


def test_an_unknown_building_names_the_nearest_known(edit_record: Edit, catalog_dir: Path) -> None:
    def bad_building(d: dict[str, Any]) -> None:
        d["locations"][0]["building"] = "NE45"

    edit_record("student-support-services", bad_building)
    [finding] = validate_catalog(catalog_dir).errors
    assert finding.message.endswith("; the nearest known: NE49")


def test_unknown_building_is_reported(edit_record: Edit, catalog_dir: Path) -> None:
    def bad_building(d: dict[str, Any]) -> None:
        d["locations"][0]["building"] = "E99"

    edit_record("student-support-services", bad_building)
    assert codes(catalog_dir) == [
        ("building", "resources/student-support-services.json", "locations[0].building", "E99")
    ]


def test_two_files_with_one_id(catalog_dir: Path) -> None:
    data = read_record(catalog_dir, "chaplaincy")
    write_record(catalog_dir, "chaplaincy-copy", data)
    found = codes(catalog_dir)
    assert ("id-mismatch", "resources/chaplaincy-copy.json", "id", "chaplaincy") in found
    assert ("duplicate-id", "resources/chaplaincy.json", "id", "chaplaincy") in found


@pytest.mark.parametrize("bad_id", ["../etc/passwd", "a/b", "..", "Chaplaincy", "x y"])
def test_unsafe_or_malformed_ids_are_rejected(
    edit_record: Edit, catalog_dir: Path, bad_id: str
) -> None:
    edit_record("chaplaincy", lambda d: d.update(id=bad_id))
    assert codes(catalog_dir) == [("schema", "resources/chaplaincy.json", "id", bad_id)]


def test_unknown_source_section(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d["sources"][0].update(section="Nowhere"))
    assert codes(catalog_dir) == [
        ("unknown-section", "resources/chaplaincy.json", "sources[0].section", "Nowhere")
    ]


def test_a_section_spelt_differently_is_the_same_section(
    edit_record: Edit, catalog_dir: Path
) -> None:
    edit_record("chaplaincy", lambda d: d["sources"][0].update(section="support  RESOURCES"))
    edit_record(
        "ombuds-office",
        lambda d: d["sources"][0].update(section="Additional Institute Partners & Resources"),
    )
    assert codes(catalog_dir) == []


def test_unknown_source_id(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d["sources"][0].update(source_id="elsewhere"))
    assert codes(catalog_dir) == [
        ("unknown-source", "resources/chaplaincy.json", "sources[0].source_id", "elsewhere")
    ]


def test_two_bad_files_are_both_reported(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    (catalog_dir / "resources" / "house-teams.json").write_text("{not json")
    files = sorted(f[1] or "" for f in codes(catalog_dir))
    assert files == ["resources/chaplaincy.json", "resources/house-teams.json"]


def test_every_problem_in_one_file_is_reported(edit_record: Edit, catalog_dir: Path) -> None:
    def many(d: dict[str, Any]) -> None:
        d.update(phonez=[], status="gone", confidentiality="secret")
        del d["name"]

    edit_record("chaplaincy", many)
    fields = sorted(f[2] or "" for f in codes(catalog_dir))
    assert fields == ["confidentiality", "name", "phonez", "status"]


def test_retired_records_are_excluded_from_counts_and_duplicates(
    edit_record: Edit, catalog_dir: Path
) -> None:
    edit_record("student-disability-services", lambda d: d.update(status="retired"))
    result = validate_catalog(catalog_dir)
    assert result.summary()["resources"] == 22
    assert not [f for f in result.warnings if f.code == "possible-duplicate"]


def test_duplicate_phone_is_a_warning(edit_record: Edit, catalog_dir: Path) -> None:
    s3 = read_record(catalog_dir, "student-support-services")
    edit_record("chaplaincy", lambda d: d.update(phones=s3["phones"]))
    result = validate_catalog(catalog_dir)
    assert result.errors == ()
    [dup] = [
        f for f in result.warnings if f.code == "duplicate-phone" and f.value == "+16172534861"
    ]
    assert dup.severity is Severity.WARNING
    assert dup.value == "+16172534861"
    assert not result.ok(strict=True)
    assert result.ok()


def test_load_catalog_raises_with_every_finding(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    edit_record("house-teams", lambda d: d.update(id="../x"))
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog_dir)
    errors = [f for f in info.value.findings if f.severity is Severity.ERROR]
    assert {f.file for f in errors} == {"resources/chaplaincy.json", "resources/house-teams.json"}
    assert "2 error(s)" in str(info.value)


def test_missing_directory_cannot_run(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="not found"):
        validate_catalog(tmp_path / "nope")


def test_invalid_catalog_json_is_a_finding_and_refuses_to_load(catalog_dir: Path) -> None:
    (catalog_dir / "catalog.json").write_text("{", encoding="utf-8")
    [finding] = validate_catalog(catalog_dir).errors
    assert (finding.code, finding.file) == ("catalog-json", "catalog.json")
    assert "not valid JSON" in finding.message
    with pytest.raises(CatalogError, match=r"catalog\.json"):
        load_catalog(catalog_dir)


def test_missing_catalog_json_cannot_run(catalog_dir: Path) -> None:
    (catalog_dir / "catalog.json").unlink()
    with pytest.raises(CatalogError, match="cannot read"):
        validate_catalog(catalog_dir)


def test_catalog_without_own_registry_uses_the_bundled_one(catalog_dir: Path) -> None:
    (catalog_dir / "buildings.csv").unlink()
    assert validate_catalog(catalog_dir).errors == ()


def test_findings_serialise_with_the_documented_keys(edit_record: Edit, catalog_dir: Path) -> None:
    edit_record("chaplaincy", lambda d: d.update(phonez=[]))
    [finding] = validate_catalog(catalog_dir).errors
    assert set(json.loads(finding.model_dump_json())) == {
        "severity",
        "code",
        "resource_id",
        "file",
        "field",
        "value",
        "message",
    }


@pytest.mark.parametrize("name", ["../outside.html", "a/b.html", ".hidden", ""])
def test_snapshot_names_cannot_leave_the_snapshots_directory(catalog_dir: Path, name: str) -> None:
    meta_path = catalog_dir / "catalog.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["sources"][0]["snapshot"] = name
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    [finding] = validate_catalog(catalog_dir).errors
    assert finding.code == "catalog-json"
    assert "snapshot" in finding.message
    with pytest.raises(CatalogError, match="snapshot"):
        load_catalog(catalog_dir)


def test_validating_without_keeping_records_finds_and_counts_the_same(
    edit_record: Edit, catalog_dir: Path
) -> None:
    # A record-level problem (a bad phone) and a cross-record one (a second record with
    # the first one's name), so that both kinds of check have something to find.
    first = read_record(catalog_dir, "student-support-services")

    def bad_phone(data: dict[str, Any]) -> None:
        data["phones"][0]["number"] = "+1617"

    def same_name(data: dict[str, Any]) -> None:
        data["name"] = first["name"]

    edit_record("student-support-services", bad_phone)
    edit_record("mit-police", same_name)
    kept = validate_catalog(catalog_dir)
    dropped = validate_catalog(catalog_dir, keep_records=False)
    assert {f.code for f in kept.findings} >= {"phone", "duplicate-name"}
    assert dropped.findings == kept.findings
    assert dropped.summary() == kept.summary()
    assert dropped.summary()["resources"] == len(kept.catalog.active)
    assert dropped.catalog.resources == ()  # nothing kept: that is the point
