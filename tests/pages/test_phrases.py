"""Names inside sentences, several to a paragraph: the version 3 ``listings.phrases``
rule, how inference proposes it, and how an example inside a sentence chooses it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from resource_catalog.pages.infer import infer_profile
from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import Profile

_PAGE = (
    "<html><body><main><h1>After an incident</h1>"
    "<p>Anyone who was hurt can see a nurse at <a href='/health'>Health Services</a> in"
    " Room 110 of Bell Hall, or call <strong>Campus Patrol</strong> at 412-555-0122 for a"
    " ride there.</p>"
    "<p>To talk it through, the <a href='/care'>Care Office</a> answers at 412-555-0123;"
    " after hours, the <strong>Night Line</strong> takes calls at 412-555-0124.</p>"
    "<p>Write to <a href='mailto:help@example.edu'>help@example.edu</a> or call"
    " <a href='tel:4125550125'>412-555-0125</a> about anything else.</p>"
    "</main></body></html>"
)
_NAMES = ["Health Services", "Campus Patrol", "Care Office", "Night Line"]


def _phrases(version: int = 3) -> Profile:
    return Profile.model_validate(
        {
            "version": version,
            "listings": {"group": "items", "selector": "p", "named": True, "phrases": True},
            "section": {"required": False},
        }
    )


def test_each_phrase_names_a_listing_described_up_to_the_next() -> None:
    listings = read_listings(_PAGE, profile=_phrases(), base_url="https://x.example.edu/").listings
    assert [x.name for x in listings] == _NAMES
    assert [[p.number for p in x.phones] for x in listings] == [
        [],
        ["+14125550122"],
        ["+14125550123"],
        ["+14125550124"],
    ]
    assert "Room 110" in listings[0].description
    assert [str(link.url) for link in listings[2].links] == ["https://x.example.edu/care"]


def test_phrases_need_version_3_and_older_profiles_read_as_before() -> None:
    with pytest.raises(ValidationError, match=r"listings\.phrases needs profile version 3"):
        _phrases(version=2)
    assert Profile().version == 2
    old = Profile.model_validate(
        {
            "listings": {"group": "items", "selector": "p"},
            "name": {"inline": True},
            "section": {"required": False},
        }
    )
    assert not old.listings.phrases
    # one listing to a paragraph, named by its first link, as version 2 always read it
    names = [x.name for x in read_listings(_PAGE, profile=old).listings]
    assert names[:2] == ["Health Services", "Care Office"]
    assert len(names) == 3


def test_inference_reads_the_names_inside_sentences() -> None:
    inference = infer_profile(_PAGE, url="https://x.example.edu/help")
    assert [x.name for x in inference.reading.listings] == _NAMES
    assert inference.profile.version == 4  # phrases, and offices reached in plain text


def test_an_example_in_the_middle_of_a_sentence_chooses_the_phrase_reading() -> None:
    page = _PAGE.replace("<strong>Campus Patrol</strong>", "Campus Patrol")
    inference = infer_profile(page, url="https://x.example.edu/help", examples=["Night Line"])
    names = [x.name for x in inference.reading.listings]
    assert "Night Line" in names
    assert "Care Office" in names


_STEPS = (
    "<html lang='en-GB'><body><main><h1>If something happens</h1><ul>"
    "<li><strong>Find somewhere safe.</strong> On campus, call Security on 01227 922355.</li>"
    "<li><strong>Get support.</strong> The <a href='/safe'>SafeZone</a> app reaches a"
    " patrol, or contact the Night Line at 01227 922366.</li>"
    "<li><strong>Report it.</strong> Use <a href='/report'>Report and Support</a> online,"
    " or call DPS at 01227 922377.</li>"
    "</ul></main></body></html>"
)


def _steps(version: int) -> Profile:
    return Profile.model_validate(
        {
            "version": version,
            "listings": {"group": "items", "selector": "li", "named": True, "phrases": True},
            "section": {"required": False},
            "region": "GB",
            "campus": "none",
        }
    )


def test_version_4_also_names_the_office_a_sentence_says_to_call() -> None:
    listings = read_listings(_STEPS, profile=_steps(4)).listings
    # (an acronym alone is an office the page names in full elsewhere)
    assert [x.name for x in listings] == [
        "Security",
        "SafeZone",
        "Night Line",
        "Report and Support",
    ]
    assert [p.number for p in listings[0].phones] == ["+441227922355"]
    assert [p.number for p in listings[2].phones] == ["+441227922366"]


def test_version_3_reads_only_the_link_and_bold_phrases() -> None:
    names = [x.name for x in read_listings(_STEPS, profile=_steps(3)).listings]
    assert names == ["SafeZone", "Report and Support"]


def test_version_4_names_an_office_given_in_parentheses_with_its_number() -> None:
    page = _STEPS.replace(
        "</ul>",
        "<li>Reach the crisis service for your area (County Crisis Team at 01227 922388)"
        " at any hour; it is open on 25 December too.</li></ul>",
    )
    names = [x.name for x in read_listings(page, profile=_steps(4)).listings]
    assert names[-1] == "County Crisis Team"
    assert "December" not in names
