"""Profiles read every listing structure of the issue, on pages written for the project.

``tests/data/structures/profiles.json`` holds a hand-written profile per page (the way a
maintainer writes one); each page read through it must give exactly the listings its
``*.expected.json`` records: names, sections, phones and rooms, in page order, and
nothing from the page chrome.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from resource_catalog.errors import ParseError, ProfileMismatchError
from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import DEFAULT_PROFILE, Grouping, Profile, SectionFrom
from tests.conftest import DATA

PAGES = DATA / "structures"
PROFILES: dict[str, dict[str, Any]] = json.loads((PAGES / "profiles.json").read_text("utf-8"))


def expected(stem: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAGES / f"{stem}.expected.json").read_text("utf-8"))
    return data


def read(stem: str, profile: Profile) -> list[dict[str, Any]]:
    page = expected(stem)
    html = (PAGES / f"{stem}.html").read_text(encoding="utf-8")
    reading = read_listings(
        html, profile=profile, base_url=page["url"], default_section=page["title"]
    )
    return [
        {
            "name": x.name,
            "section": x.section,
            "phones": [p.number for p in x.phones],
            "locations": [loc.code for loc in x.locations],
        }
        for x in reading.listings
    ]


@pytest.mark.parametrize("stem", sorted(PROFILES))
def test_a_page_read_through_its_profile_gives_what_a_reader_sees(stem: str) -> None:
    page = expected(stem)
    got = read(stem, Profile.model_validate(PROFILES[stem]))
    want = [
        {
            "name": x["name"],
            "section": x["section"] or page["title"],  # no heading: the page's title
            "phones": x["phones"],
            "locations": x["locations"],
        }
        for x in page["listings"]
    ]
    assert got == want
    found = {number for listing in got for number in listing["phones"]}
    assert not found & set(page["chrome_phones"]), "a phone of the page chrome leaked in"


def test_every_structure_of_the_issue_has_pages_and_a_profile() -> None:
    structures = {expected(stem)["structure"] for stem in PROFILES}
    assert structures >= {
        "colon-items",
        "sibling-pairs",
        "definition-list",
        "heading-blocks",
        "cards",
        "br-lines",
        "nested-details",
        "accordion",
        "no-sections",
        "table",
        "uk",
        "other-campus",
    }
    groups = {Profile.model_validate(p).listings.group for p in PROFILES.values()}
    # runs (paragraphs written as lists) have their own pages: tests/test_kinds.py
    assert groups == set(Grouping) - {Grouping.RUNS}
    sources = {Profile.model_validate(p).section.source for p in PROFILES.values()}
    assert sources == set(SectionFrom)


def test_the_default_profile_alone_misreads_a_page_of_another_structure() -> None:
    # Guards the test above: the profiles do the work, not lenient defaults.
    with pytest.raises(ParseError):
        read("19-table-d10-mit-offices", DEFAULT_PROFILE)
    pairs = read("03-sibling-pairs-d10-mit-firstyear", DEFAULT_PROFILE)
    assert [x["name"] for x in pairs] != [
        x["name"] for x in expected("03-sibling-pairs-d10-mit-firstyear")["listings"]
    ]


@pytest.mark.parametrize(
    ("original", "redesigned", "part"),
    [
        ("01-colon-items-d7-mit-residents", "25-redesigned-d10-mit-residents", "content"),
        ("09-cards-d7-views-mit-basicneeds", "26-redesigned-d10-cards-mit-basicneeds", "listings"),
        ("19-table-d10-mit-offices", "27-redesigned-d10-mit-offices", "listings"),
    ],
)
def test_a_profile_that_stopped_matching_says_which_part_found_nothing(
    original: str, redesigned: str, part: str
) -> None:
    with pytest.raises(ProfileMismatchError, match="profile no longer matches the page") as err:
        read(redesigned, Profile.model_validate(PROFILES[original]))
    assert "selector" in str(err.value)
    assert f"'{PROFILES[original]['content'][0]}'" in str(err.value) or part != "content"


def test_a_page_of_another_campus_reads_its_own_extensions_and_no_mit_rooms() -> None:
    stem = "32-other-campus-d9-harwell"
    own = read(stem, Profile.model_validate(PROFILES[stem]))
    assert all(not x["locations"] for x in own)  # "Room E17" there is not MIT's E17
    as_mit = read(stem, Profile.model_validate({**PROFILES[stem], "campus": "catalog"}))
    assert any(n.startswith("+1617") for x in as_mit for n in x["phones"])  # the mistake
    none = read(stem, Profile.model_validate({**PROFILES[stem], "campus": "none"}))
    assert not any(n.startswith("+1617") for x in none for n in x["phones"])


def test_a_page_outside_the_us_reads_its_national_numbers_through_its_region() -> None:
    stem = "31-uk-bootstrap-accordion-kingsbridge"
    as_us = read(stem, Profile.model_validate({**PROFILES[stem], "region": "US"}))
    as_gb = read(stem, Profile.model_validate(PROFILES[stem]))
    assert sum(len(x["phones"]) for x in as_gb) > sum(len(x["phones"]) for x in as_us)
    assert any("999" in x["phones"] for x in as_gb)


def test_profiles_json_is_what_the_profile_model_writes() -> None:
    for stem, data in PROFILES.items():
        profile = Profile.model_validate(data)
        assert Profile.model_validate_json(profile.model_dump_json()) == profile, stem
    assert Path(PAGES / "profiles.json").read_text("utf-8").endswith("\n")
