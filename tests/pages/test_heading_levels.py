"""Offices under headings of two levels: the version 4 ``headings`` reading, in which a
heading with nothing under it but deeper listing headings is their section, and how
inference proposes it."""

from __future__ import annotations

from resource_catalog.pages.infer import infer_profile
from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import Profile

_PAGE = (
    "<html><body><main><h1>Where to get help</h1>"
    "<h2>Health</h2>"
    "<h3>Nurse Line</h3><p>Round the clock advice: 617-555-0131.</p>"
    "<h3>Dental Clinic</h3><p>Room 12, Kerr Hall; 617-555-0132.</p>"
    "<h3>Eye Clinic</h3><p>Room 14, Kerr Hall; 617-555-0133.</p>"
    "<h2>Housing Office</h2><p>Room 3, Bay House; 617-555-0134.</p>"
    "<h2>Legal Aid Desk</h2><p>Room 8, Bay House; 617-555-0135.</p>"
    "</main><div class='site-footer-bottom'><p>Switchboard 617-555-0100</p></div></body></html>"
)
_NAMES = ["Nurse Line", "Dental Clinic", "Eye Clinic", "Housing Office", "Legal Aid Desk"]


def _both(version: int) -> Profile:
    return Profile.model_validate(
        {
            "version": version,
            "listings": {"group": "headings", "selector": "h2, h3"},
            "section": {"from": "none"},
        }
    )


def test_a_heading_over_deeper_headings_is_their_section_from_version_4() -> None:
    listings = read_listings(_PAGE, profile=_both(4), campus=None).listings
    assert [x.name for x in listings] == _NAMES
    assert [x.section for x in listings] == [
        "Health",
        "Health",
        "Health",
        "Where to get help",
        "Where to get help",
    ]
    assert [[p.number for p in x.phones] for x in listings][3] == ["+16175550134"]


def test_version_3_reads_that_heading_as_a_listing_as_before() -> None:
    names = [x.name for x in read_listings(_PAGE, profile=_both(3), campus=None).listings]
    assert names == ["Health", *_NAMES]


def test_a_heading_listing_ends_with_the_block_that_holds_it() -> None:
    # an old layout: no main element, the offices in a table cell, a footer after it
    page = (
        "<html><body><table><tr><td><h1>Offices</h1>"
        "<h2>Hours</h2><h3>Bookshop</h3><p>Weekdays 9-5.</p>"
        "<h3>Print Room</h3><p>Weekdays 8-4.</p>"
        "<h2>Alumni Office</h2><p>Room 510, Tory Hall.</p></td></tr></table>"
        "<p>Main switchboard 617-555-0100</p></body></html>"
    )
    profile = _both(4).model_copy(update={"content": []})
    listings = read_listings(page, profile=profile, campus=None).listings
    assert [x.name for x in listings] == ["Bookshop", "Print Room", "Alumni Office"]
    assert "switchboard" not in listings[-1].description
    assert not listings[-1].phones


def test_inference_proposes_both_levels_and_an_example_chooses_them() -> None:
    inference = infer_profile(_PAGE, url="https://x.example.edu/help", campus=None)
    assert inference.profile.version == 4
    assert inference.profile.listings.selector == "h2, h3"
    assert [x.name for x in inference.reading.listings] == _NAMES
    steered = infer_profile(
        _PAGE, url="https://x.example.edu/help", campus=None, examples=["Housing Office"]
    )
    assert [x.name for x in steered.reading.listings] == _NAMES
