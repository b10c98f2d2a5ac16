"""Headings that carry their own number: after the name with only a space ("Nurse Line
617-555-0131"), with an extension, or before it with a dash ("0800 555 123 - Night
Patrol"). The name is the heading without the number; the number is the listing's. A
line that names its office before a lone dash is named by the words before it."""

from __future__ import annotations

import pytest

from resource_catalog.pages.infer import infer_profile
from resource_catalog.pages.reading.listing import _phone_out_of_name
from resource_catalog.pages.reading.names import leading_phrase

_AFTER = (
    "<html><body><main><h1>Urgent help</h1><h2>On campus</h2>"
    "<h3>Nurse Line 617-555-0131</h3><p>Advice on health questions at any hour.</p>"
    "<h3>Harm Support Team 617-555-0132 Ext. 4410</h3>"
    "<p>Support for anyone who has been harmed, and for their friends.</p>"
    "</main><footer><p>Main campus 617-555-0100</p></footer></body></html>"
)

_BEFORE = (
    "<html><body><main><h1>In an emergency</h1><h2>Who to call</h2>"
    "<h3>111 - Emergency Services</h3><p>Ring when anyone is in danger.</p>"
    "<h3>0800 555 123 - Night Patrol</h3><p>Staff walk the campus every night.</p>"
    "<ul><li>Ring 0800 555 123</li></ul>"
    "<h3>021 555 0199 - Duty Counsellor</h3><p>Answered all weekend.</p>"
    "</main></body></html>"
)


def test_a_number_after_the_name_is_the_listings_phone() -> None:
    inference = infer_profile(_AFTER, url="https://help.example.ca/urgent", campus=None)
    listings = inference.reading.listings
    assert [x.name for x in listings] == ["Nurse Line", "Harm Support Team"]
    assert [[p.number for p in x.phones][:1] for x in listings] == [
        ["+16175550131"],
        ["+16175550132"],
    ]
    assert inference.confidence.value == "ok"


def test_a_number_before_the_name_and_a_dash_is_the_listings_phone() -> None:
    inference = infer_profile(_BEFORE, url="https://www.example.ac.nz/emergency", campus=None)
    listings = inference.reading.listings
    assert [x.name for x in listings] == ["Emergency Services", "Night Patrol", "Duty Counsellor"]
    assert [p.number for p in listings[1].phones][:1] == ["+64800555123"]
    assert inference.confidence.value == "ok"


@pytest.mark.parametrize(
    "heading",
    ["2024 - Annual report", "Building 7 Room 250", "24/7 - Crisis Line", "1 - Introduction"],
)
def test_a_year_a_room_or_a_small_figure_stays_in_the_name(heading: str) -> None:
    assert _phone_out_of_name(heading, "") == (heading, "")


def test_a_hyphen_inside_a_number_is_no_separator() -> None:
    # "519-661-3030" is one number: the name does not end at its first hyphen
    assert _phone_out_of_name("Health Services 519-661-3030", "") == (
        "Health Services",
        "519-661-3030",
    )


def test_a_literal_bullet_line_is_named_before_its_dash() -> None:
    # "• Night Patrol - Police, Fire or Ambulance": the name ends at the lone dash
    assert leading_phrase("Night Patrol - Police, Fire or Ambulance (dial 111)") == "Night Patrol"
    assert leading_phrase("Night Patrol Police Fire") == "Night Patrol Police Fire"
