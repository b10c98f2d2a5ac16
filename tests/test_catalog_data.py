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
        "advising",
        "advocacy",
        "after-hours",
        "coaching",
        "complaints",
        "compliance",
        "conflict-resolution",
        "counseling",
        "crime-statistics",
        "crisis",
        "dining",
        "disability-accommodations",
        "discrimination",
        "education",
        "emergency",
        "fire-safety",
        "harassment",
        "health",
        "housing",
        "immigration",
        "intimate-partner-violence",
        "international-students",
        "it-security",
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
        "student-conduct",
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

#: The phones and locations the first page's text gives, by record id.
SOURCE_PHONES = {
    "mental-health-and-counseling": ["+16172532916"],
    "dean-on-call": ["+16172531212"],
    "student-support-services": ["+16172534861"],
}
SOURCE_LOCATIONS = {
    "mental-health-and-counseling": ["E23"],
    "student-support-services": ["5-104"],
}
OSC = "osc-campus-resources"
#: The pages the catalog follows besides the first, with how many listings each shows.
OTHER_PAGES = {
    "oge-roles-relationships": 6,
    "idhr-reporting-police": 4,
    "science-dispute-resolution": 4,
    "dusp-individual-and-community-support": 5,
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
    assert meta.schema_version == "2.1"
    assert meta.name
    first, *others = meta.sources
    assert first.id == OSC
    assert first.url == PAGE_URL
    assert first.title == "Campus Resources"
    assert first.sections == SECTIONS
    assert first.snapshot == "campus-resources.html"
    assert first.profile is None  # the first page is read with the default rules
    assert (first.etag, first.last_modified, first.last_sync) == (None, None, None)
    assert [s.id for s in others] == list(OTHER_PAGES)
    for page in others:
        assert page.profile is not None
        assert page.snapshot == f"{page.id}.html"


def test_every_snapshot_is_a_reconstruction_that_says_so() -> None:
    for page in load_meta().sources:
        assert page.snapshot is not None
        head = (CATALOG_DIR / "snapshots" / page.snapshot).read_text(encoding="utf-8")[:2000]
        assert "RECONSTRUCTION" in head
        assert page.url in head


def test_every_observation_is_what_its_page_says_through_its_profile() -> None:
    """Reading each snapshot with its source's profile gives the records' observations."""
    from resource_catalog.pages.read import read_page  # noqa: PLC0415

    for page in load_meta().sources:
        assert page.snapshot is not None
        read = read_page(CATALOG_DIR / "snapshots" / page.snapshot, source=page)
        observed = [
            obs.model_dump(exclude={"url", "source_id", "listed"})
            for r in all_resources()
            if (obs := r.observation(page.id)) is not None and obs.listed
        ]
        got = [x.model_dump() for x in read.listings]
        key = lambda d: (d["name"], d["section"], d["description"])  # noqa: E731
        assert sorted(got, key=key) == sorted(observed, key=key), page.id
        assert all(
            o.url == page.url for r in all_resources() for o in r.sources if o.source_id == page.id
        )


def test_records_with_ids_equal_to_file_names() -> None:
    assert len(RESOURCE_FILES) == 23 + 12
    record_ids = [load(path).id for path in RESOURCE_FILES]
    assert record_ids == [path.stem for path in RESOURCE_FILES]
    assert len(set(record_ids)) == len(record_ids)


def test_offices_listed_on_several_pages_are_one_record() -> None:
    several = {
        r.id: [o.source_id for o in r.sources] for r in all_resources() if len(r.sources) > 1
    }
    assert several == {
        "idhr": ["oge-roles-relationships", "dusp-individual-and-community-support"],
        "mit-conflict-management": [OSC, "science-dispute-resolution"],
        "mit-police": [OSC, "idhr-reporting-police"],
        "ombuds-office": [OSC, "oge-roles-relationships"],
        "resources-for-easing-friction-and-stress": [
            OSC,
            "oge-roles-relationships",
            "science-dispute-resolution",
        ],
        "student-support-services": [OSC, "science-dispute-resolution"],
    }
    listed = Counter(o.source_id for r in all_resources() for o in r.sources)
    assert listed == {OSC: 23, **OTHER_PAGES}


def test_records_per_section_of_the_first_page() -> None:
    counts = Counter(r.section for r in all_resources() if r.observation(OSC) is not None)
    assert counts == {SUPPORT: 11, PARTNERS: 12}


def test_every_listing_name_of_the_first_page_appears_once() -> None:
    names = Counter(obs.name for r in all_resources() if (obs := r.observation(OSC)))
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


def test_first_page_phones_are_exactly_those_the_page_gives() -> None:
    found = {
        r.id: [phone.number for phone in obs.phones]
        for r in all_resources()
        if (obs := r.observation(OSC)) is not None and obs.phones
    }
    assert found == SOURCE_PHONES


def test_first_page_locations_are_exactly_those_the_page_gives() -> None:
    found = {
        r.id: [location.code for location in obs.locations]
        for r in all_resources()
        if (obs := r.observation(OSC)) is not None and obs.locations
    }
    assert found == SOURCE_LOCATIONS


def test_availability_is_only_claimed_where_a_page_says_so() -> None:
    claimed = {r.id: r.availability for r in all_resources() if r.availability is not None}
    assert claimed == {
        "mental-health-and-counseling": "24/7",
        "dean-on-call": "24/7",
        "emergency-911": "24/7",
    }


# --- every record ----------------------------------------------------------------------


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_file_is_in_canonical_format(path: Path) -> None:
    """Byte-identical to what saving the model writes, so a save makes no diff."""
    text = path.read_text(encoding="utf-8")
    expected = json.dumps(load(path).model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    assert text == expected


FIRST_PAGE_FILES = [p for p in RESOURCE_FILES if load(p).observation(OSC) is not None]


@pytest.mark.parametrize("path", FIRST_PAGE_FILES, ids=ids(FIRST_PAGE_FILES))
def test_first_page_observation_follows_the_page_rules(path: Path) -> None:
    resource = load(path)
    source = resource.observation(OSC)
    assert source is not None
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


def _page_text(resource: Resource) -> str:
    return " ".join(f"{o.name} {o.description}" for o in resource.sources)


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_phones_are_valid_and_come_from_the_pages(path: Path) -> None:
    resource = load(path)
    observed = {p.number for o in resource.sources for p in o.phones}
    for phone in (*resource.phones, *(p for o in resource.sources for p in o.phones)):
        if phone.number.isdigit():  # a short code: its digits are on the page
            assert phone.number in _page_text(resource)
            continue
        parsed = phonenumbers.parse(phone.number)
        assert phonenumbers.is_valid_number(parsed)
        e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert e164 == phone.number
    for obs in resource.sources:
        for phone in obs.phones:
            if not phone.number.isdigit():
                assert national(phone.number) in obs.description
    assert {p.number for p in resource.phones} <= observed | {"911"}
    assert all(phone.label for phone in resource.phones)


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_locations_come_from_the_pages(path: Path) -> None:
    resource = load(path)
    for obs in resource.sources:
        for location in obs.locations:
            assert re.search(rf"\b{re.escape(location.code)}\b", obs.description)
    observed = {x.code for o in resource.sources for x in o.locations}
    assert {x.code for x in resource.locations} <= observed
    assert all(location.label for location in resource.locations)


#: E-mail addresses the pages give, by record.
PAGE_EMAILS = {
    "gradsupport": ["gradsupport@mit.edu"],
    "mit-anonymous-reporting-hotline": ["compliance@mit.edu"],
}


@pytest.mark.parametrize("path", RESOURCE_FILES, ids=ids(RESOURCE_FILES))
def test_curated_fields_are_supported_by_the_pages(path: Path) -> None:
    resource = load(path)
    text = _page_text(resource)
    assert resource.status is Status.ACTIVE
    assert resource.description.strip()
    assert resource.links == []  # no link target is known for sure
    assert resource.emails == PAGE_EMAILS.get(resource.id, [])
    for email in resource.emails:
        assert email in text
    if resource.acronym is not None:
        assert resource.acronym in text
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
