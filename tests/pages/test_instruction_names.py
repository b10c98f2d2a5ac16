"""Names written as instructions to reach someone: the one reached is the name."""

from __future__ import annotations

from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import Profile

_PAGE = (
    "<html><body><main><h1>In an emergency</h1>"
    "<h3>First dial 999</h3><p>For fire, police or an ambulance.</p>"
    "<h3>Then call Security</h3><p>On 0141 330 4444, day or night.</p>"
    "<h3>Call the Night Line at 0141 330 5555</h3><p>Listening, every night of term.</p>"
    "<h3>Notify Residence Life</h3><p>Room 4, Kelvin House.</p>"
    "<h3>Ask a Nurse</h3><p>Advice by phone on 0141 330 6666.</p>"
    "</main></body></html>"
)


def _profile(version: int) -> Profile:
    return Profile.model_validate(
        {
            "version": version,
            "listings": {"group": "headings", "selector": "h3"},
            "section": {"from": "none"},
            "region": "GB",
            "campus": "none",
        }
    )


def test_the_office_an_instruction_reaches_names_the_listing() -> None:
    names = [x.name for x in read_listings(_PAGE, profile=_profile(2)).listings]
    # a step that dials a number reaches no office, and a service named with a verb
    # ("Ask a Nurse") is left as it is
    assert names == ["First dial 999", "Security", "Night Line", "Residence Life", "Ask a Nurse"]


def test_the_number_after_the_office_stays_its_phone() -> None:
    night = read_listings(_PAGE, profile=_profile(2)).listings[2]
    assert [p.number for p in night.phones] == ["+441413305555"]


def test_version_1_profiles_keep_the_instruction_as_the_name() -> None:
    names = [x.name for x in read_listings(_PAGE, profile=_profile(1)).listings]
    assert names[1] == "Then call Security"
    assert names[2].startswith("Call the Night Line")


def test_an_indefinite_article_before_lower_case_words_is_not_part_of_the_name() -> None:
    page = (
        "<html><body><main><h1>Help</h1><ul>"
        "<li><b>An after-hours support line</b> takes calls on 0141 330 7777.</li>"
        "<li><b>A Safe Place</b> runs a drop-in on 0141 330 8888.</li>"
        "</ul></main></body></html>"
    )
    profile = Profile.model_validate(
        {"listings": {"selector": "li"}, "section": {"from": "none"}, "region": "GB"}
    )
    names = [x.name for x in read_listings(page, profile=profile, campus=None).listings]
    assert names == ["after-hours support line", "A Safe Place"]
