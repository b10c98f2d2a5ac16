"""Link text and lead-ins are no listings' names: an instruction before an article
("Visit the housing website"), generic link words ("information here"), a document
("Guide (PDF 2MB)"), a clause with a pronoun subject, and a time ("At 12am"). A site
named by its link ("Red Cross Website") stays a name: a reading full of them is a
reading of links, and leaving them out would hide that from its score."""

from __future__ import annotations

import pytest

from resource_catalog.pages.parse import read_listings
from resource_catalog.pages.scoring import is_name, name_quality
from resource_catalog.profile import Profile


@pytest.mark.parametrize(
    "name",
    [
        "Visit the Housing Hub website",
        "information here",
        "More information",
        "Find out more here",
        "Travel checklist (PDF | 300KB)",
        "You can reach our team in several ways",
    ],
)
def test_link_text_and_clauses_are_no_names(name: str) -> None:
    assert not is_name(name)
    assert name_quality(name) < 0.3


@pytest.mark.parametrize("name", ["At 12am", "Available 24/7", "Every day", "Non-urgent", "Urgent"])
def test_a_time_reads_as_no_name(name: str) -> None:
    assert name_quality(name) < 0.5


@pytest.mark.parametrize(
    "name",
    [
        "Learning Commons",
        "Information Desk",
        "Visitor Centre",
        "IT Help Desk",
        "It Gets Better Project",
        "Day Care Centre",
        "Book a Stop 1 adviser",
        "Red Cross Website",
    ],
)
def test_names_that_start_alike_stay_names(name: str) -> None:
    assert is_name(name)
    assert name_quality(name) > 0.5


def test_a_named_reading_leaves_link_text_out() -> None:
    page = (
        "<html><body><main><h1>Housing</h1><ul>"
        '<li><a href="https://a.example.org">Tenancy Advice Line</a> 617-555-0120</li>'
        '<li><a href="https://b.example.org">Visit the housing website</a></li>'
        '<li><a href="https://c.example.org">Legal Aid Desk</a> 617-555-0121</li>'
        "</ul></main></body></html>"
    )
    profile = Profile.model_validate(
        {
            "version": 4,
            "listings": {"selector": "li", "named": True},
            "section": {"from": "none"},
        }
    )
    listings = read_listings(page, profile=profile, campus=None).listings
    assert [x.name for x in listings] == ["Tenancy Advice Line", "Legal Aid Desk"]
