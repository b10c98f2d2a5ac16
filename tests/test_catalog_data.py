"""Tests of the curated catalog data itself (``catalog/``), loaded straight with the models.

Controlled vocabularies used by ``audience`` and ``topics`` (extend them here, on purpose,
when a new record needs a new value):

- audience: who the page says a resource is for.
- topics: what the page says a resource helps with.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import phonenumbers
import pytest

from resource_catalog.models import CatalogMeta, Confidentiality, Resource, Status

CATALOG_DIR = Path(__file__).resolve().parents[1] / "catalog"
RESOURCES_DIR = CATALOG_DIR / "resources"
PAGE_URL = "http://studentlife.mit.edu/citizenship/resources"
SUPPORT = "Support Resources"
PARTNERS = "Additional Institute Partners and Resources"
SECTIONS = [SUPPORT, "Policy Documents", PARTNERS, "Off Campus Resources"]

AUDIENCE = frozenset(
    {
        "anyone",
        "campus-community",
        "faculty",
        "fsilg-residents",
        "graduate-students",
        "international-students",
        "postdocs",
        "staff",
        "students",
        "survivors",
        "undergraduate-students",
    }
)
TOPICS = frozenset(
    {
        "advocacy",
        "after-hours",
        "coaching",
        "complaints",
        "conflict-resolution",
        "counseling",
        "crime-statistics",
        "crisis",
        "dining",
        "disability-accommodations",
        "education",
        "fire-safety",
        "harassment",
        "housing",
        "immigration",
        "intimate-partner-violence",
        "international-students",
        "law-enforcement",
        "mental-health",
        "peer-support",
        "policies",
        "referrals",
        "reporting",
        "resource-directory",
        "safety",
        "sexual-misconduct",
        "spiritual-support",
        "stalking",
        "student-organizations",
        "student-support",
        "substance-use",
        "violence-prevention",
    }
)

#: Listings of the form "Name: description" (source.name is the text before the colon).
COLON_FORM = frozenset(
    {
        "Mental Health and Counseling",
        "House Teams",
        "Chaplaincy",
        "Dean On Call",
        "Community Development and Substance Abuse",
        "MIT Conflict Management",
        "Student Support Services (S3)",
        "MIT Together",
        "Violence Prevetion and Response",
        "Resources for Easing Friction and Stress (REFS)",
        "Student Disability Services",
        "Ombuds Office",
        "Annual Security and Fire Safety Report",
    }
)
#: Listings that open with a link (source.description is the whole listing text).
LEADING_LINK_FORM = frozenset(
    {
        "",
        "MIT Police",
        "EthicsPoint",
        "Stop It!",
        "MIT Student Disability Services office (SDS)",
        "Office of the Dean for Graduate Education (ODGE)",
        "International Students Office (ISO)",
        "Residential Life and Dining",
        "Office of Fraternities, Sororities, and Independent Living Groups",
        "Guidelines for Raising Complaints about Harassment",
    }
)

#: The phones and locations the page's text gives, by record id.
SOURCE_PHONES = {
    "mental-health-and-counseling": ["+16172532916"],
    "dean-on-call": ["+16172531212"],
    "student-support-services": ["+16172534861"],
}
SOURCE_LOCATIONS = {
    "mental-health-and-counseling": ["E23"],
    "student-support-services": ["5-104"],
}

RESOURCE_FILES = sorted(RESOURCES_DIR.glob("*.json"))


@cache
def load(path: Path) -> Resource:
    """Load one resource file with the model (strict: unknown fields fail)."""
    return Resource.model_validate_json(path.read_bytes())


def all_resources() -> list[Resource]:
    """Every record in the catalog."""
    return [load(path) for path in RESOURCE_FILES]


def by_id(resource_id: str) -> Resource:
    """The record with this id (its file must exist)."""
    return load(RESOURCES_DIR / f"{resource_id}.json")


def load_meta() -> CatalogMeta:
    """The catalog's ``catalog.json``."""
    return CatalogMeta.model_validate_json((CATALOG_DIR / "catalog.json").read_bytes())


def national(number: str) -> str:
    """``+16172534861`` as the page writes it: ``617-253-4861``."""
    digits = number.removeprefix("+1")
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def ids(paths: list[Path]) -> list[str]:
    """Test ids: the file stems."""
    return [path.stem for path in paths]


# --- the catalog as a whole ------------------------------------------------------------


def test_catalog_meta() -> None:
    meta = load_meta()
    assert meta.schema_version == "2.0"
    assert meta.name
    [page] = meta.sources
    assert page.url == PAGE_URL
    assert page.title == "Campus Resources"
    assert page.sections == SECTIONS
    assert page.snapshot == "campus-resources.html"
    assert (page.etag, page.last_modified, page.last_sync) == (None, None, None)


def test_twenty_three_records_with_ids_equal_to_file_names() -> None:
    assert len(RESOURCE_FILES) == 23
    record_ids = [load(path).id for path in RESOURCE_FILES]
    assert record_ids == [path.stem for path in RESOURCE_FILES]
    assert len(set(record_ids)) == 23


def test_records_per_section() -> None:
    counts = Counter(resource.section for resource in all_resources())
    assert counts == {SUPPORT: 11, PARTNERS: 12}


def test_every_listing_name_of_the_page_appears_once() -> None:
    names = Counter(resource.source.name for resource in all_resources())
    assert set(names) == COLON_FORM | LEADING_LINK_FORM
    assert all(count == 1 for count in names.values())


def test_curated_names_are_unique() -> None:
    names = [resource.name for resource in all_resources()]
    assert len(set(names)) == len(names)


def test_page_typo_is_kept_in_source_but_fixed_in_name() -> None:
    vpr = by_id("violence-prevention-and-response")
    assert vpr.source.name == "Violence Prevetion and Response"
    assert vpr.name == "Violence Prevention and Response"
    assert all("Prevetion" not in resource.name for resource in all_resources())


def test_nameless_listing_has_a_curated_name_and_is_flagged() -> None:
    [nameless] = [resource for resource in all_resources() if resource.source.name == ""]
    assert nameless.source.section == PARTNERS
    assert nameless.source.description.startswith("is a central web resource for information")
    assert nameless.name.strip()
    assert nameless.review.needs_review
    assert any("lost" in reason for reason in nameless.review.reasons)


def test_student_disability_services_has_two_records_flagged_as_duplicates() -> None:
    support = by_id("student-disability-services")
    office = by_id("student-disability-services-office")
    assert support.source.section == SUPPORT
    assert support.source.name == "Student Disability Services"
    assert office.source.section == PARTNERS
    assert office.source.name == "MIT Student Disability Services office (SDS)"
    assert office.source.description.startswith("The MIT Student Disability Services office (SDS)")
    for record, other in ((support, office), (office, support)):
        assert record.review.needs_review
        assert any(other.id in reason for reason in record.review.reasons)


def test_phones_in_the_catalog_are_exactly_those_the_page_gives() -> None:
    found = {
        resource.id: [phone.number for phone in resource.source.phones]
        for resource in all_resources()
        if resource.source.phones
    }
    assert found == SOURCE_PHONES


def test_locations_in_the_catalog_are_exactly_those_the_page_gives() -> None:
    found = {
        resource.id: [location.code for location in resource.source.locations]
        for resource in all_resources()
        if resource.source.locations
    }
    assert found == SOURCE_LOCATIONS


def test_availability_is_only_claimed_where_the_page_says_so() -> None:
    claimed = {r.id: r.availability for r in all_resources() if r.availability is not None}
    assert claimed == {"mental-health-and-counseling": "24/7", "dean-on-call": "24/7"}


# --- every record ----------------------------------------------------------------------


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_file_is_in_canonical_format(path: Path) -> None:
    """Byte-identical to what saving the model writes, so a save makes no diff."""
    text = path.read_text(encoding="utf-8")
    expected = json.dumps(load(path).model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    assert text == expected


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_source_follows_the_page_rules(path: Path) -> None:
    resource = load(path)
    source = resource.source
    assert source.url == PAGE_URL
    assert source.section == resource.section
    assert source.section in load_meta().sources[0].sections
    assert source.links == []  # the capture lost every link target; none is invented
    for text in (source.name, source.description):
        assert text == " ".join(text.split())  # whitespace collapsed and stripped
    if source.name in LEADING_LINK_FORM:
        assert source.name in source.description
    else:
        assert source.name in COLON_FORM
        assert not source.description.startswith(f"{source.name}:")
    for phone in source.phones:
        assert (phone.extension, phone.label, phone.kind) == (None, None, "voice")
    for location in source.locations:
        assert location.label is None


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_phones_are_valid_and_come_from_the_page(path: Path) -> None:
    resource = load(path)
    for phone in (*resource.phones, *resource.source.phones):
        parsed = phonenumbers.parse(phone.number)
        assert phonenumbers.is_valid_number(parsed)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert e164 == phone.number
    for phone in resource.source.phones:
        assert national(phone.number) in resource.source.description
    assert [p.number for p in resource.phones] == [p.number for p in resource.source.phones]
    assert all(phone.label for phone in resource.phones)


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_locations_come_from_the_page(path: Path) -> None:
    resource = load(path)
    for location in resource.source.locations:
        assert re.search(rf"\b{re.escape(location.code)}\b", resource.source.description)
    curated = [location.code for location in resource.locations]
    assert curated == [location.code for location in resource.source.locations]
    assert all(location.label for location in resource.locations)


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_curated_fields_are_supported_by_the_page(path: Path) -> None:
    resource = load(path)
    text = resource.source.description
    assert resource.status is Status.ACTIVE
    assert resource.description.strip()
    assert resource.links == []  # no link target is known for sure
    assert resource.emails == []  # the page gives no e-mail address
    if resource.acronym is not None:
        assert resource.acronym in f"{resource.source.name} {text}"
    if resource.confidentiality is not Confidentiality.NOT_STATED:
        assert resource.confidentiality.value in text.lower()
    assert set(resource.audience) <= AUDIENCE
    assert set(resource.topics) <= TOPICS
    assert resource.topics, "every record names at least one topic"
    assert len(set(resource.topics)) == len(resource.topics)
    assert len(set(resource.audience)) == len(resource.audience)


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_review_state_is_consistent(path: Path) -> None:
    review = load(path).review
    assert review.last_reviewed is not None
    assert bool(review.reasons) == review.needs_review
