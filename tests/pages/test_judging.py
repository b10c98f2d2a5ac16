"""How a reading is judged: numbers to dial are no names, an emergency number is no
listing's own, a runner-up that is wrong in itself leaves the choice sure, a listing
that holds half of a finer reading's offices is their section, a sentence about
everyone names nobody, and lines of hours are no names (nor sections' listings)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from resource_catalog.models import Listing, Phone
from resource_catalog.pages.infer import Confidence, Scored, _judge
from resource_catalog.pages.inference.candidates import Candidate
from resource_catalog.pages.inference.nesting import Nest, coarse_readings, holds_listings
from resource_catalog.pages.parse import Reading
from resource_catalog.pages.reading.names import leading_phrase
from resource_catalog.pages.scoring import is_name, name_quality, score_reading
from resource_catalog.profile import Profile


@pytest.mark.parametrize(
    "name", ["Call 911", "Dial 999", "Ext 3333", "Text 741741", "ext. 4-2000", "First dial 999"]
)
def test_a_number_to_dial_is_no_name(name: str) -> None:
    assert not is_name(name)


@pytest.mark.parametrize("name", ["Call Security", "Dial-a-Ride", "Text Line 24/7", "Room 12 Desk"])
def test_a_name_that_starts_like_an_instruction_is_still_a_name(name: str) -> None:
    assert is_name(name)


def _listing(name: str, *numbers: str, description: str = "", section: str = "S") -> Listing:
    return Listing(
        name=name,
        section=section,
        phones=[Phone(number=n) for n in numbers],
        description=description,
    )


def test_an_emergency_number_is_no_listing_s_own() -> None:
    # the page says "dial 911" and lists two offices with their own numbers: a reading
    # of the two offices accounts for every number that is someone's
    offices = [_listing("Night Desk", "+16175550101"), _listing("Key Office", "+16175550102")]
    content = {"6175550101", "6175550102", "911"}
    assert score_reading(offices, content).coverage == 1.0
    assert score_reading(offices[:1], content).coverage == 0.5


def _scored(names: list[str], score: float | None = None) -> Scored:
    listings = [_listing(n, f"+1617555{i:04d}") for i, n in enumerate(names)]
    reading = Reading(listings, "body", len(listings), (), None)
    candidate = Candidate(Profile.model_validate({"listings": {"selector": "li"}}), "each li")
    signals = score_reading(listings, {f"617555{i:04d}" for i in range(len(names))})
    return Scored(candidate, reading, signals if score is None else replace(signals, score=score))


def test_a_runner_up_of_one_listing_leaves_the_choice_sure() -> None:
    # it scores close, but a reading of one listing would be refused in itself
    best = _scored(["Night Desk", "Key Office", "Post Room"])
    lone = _scored(["Night Desk Annex"], score=best.score * 0.95)
    assert _judge(best, lone, steered=False)[0] is Confidence.OK


def test_a_runner_up_that_is_a_reading_in_itself_makes_the_choice_ambiguous() -> None:
    best = _scored(["Night Desk", "Key Office", "Post Room"])
    other = _scored(["Help Point", "Print Room", "Bike Store"], score=best.score * 0.95)
    assert _judge(best, other, steered=False)[0] is Confidence.AMBIGUOUS


def test_a_listing_holding_half_the_finer_offices_is_their_section() -> None:
    names = ["Night Desk", "Key Office", "Post Room", "Help Point", "Print Room", "Bike Store"]
    offices = [_listing(n, f"+1617555010{i}") for i, n in enumerate(names)]
    finer = Nest(offices, 0.5)
    # the first section holds three of the six (the other three sit under another)
    outer = Nest(
        [
            Listing(
                name="After Hours", section="S", description="Night Desk, Key Office or Post Room"
            ),
            Listing(name="Daytime", section="S", description="Nothing listed here"),
        ],
        0.5,
    )
    assert holds_listings(outer, finer)
    # three of seven is less than half: the section is one among others
    more = Nest([*offices, _listing("Lost Property", "+16175550109")], 0.5)
    assert not holds_listings(outer, more)


@pytest.mark.parametrize(
    "sentence",
    ["Everyone in the Brightwater College community helps", "Anyone at Harbor Campus may call"],
)
def test_a_sentence_about_everyone_is_named_by_no_phrase(sentence: str) -> None:
    assert leading_phrase(sentence) == ""


@pytest.mark.parametrize(
    "name", ["Monday to Friday 9:00 A.M. - 4:00 P.M.", "Fall/Winter Terms", "Summer Term"]
)
def test_a_line_of_hours_reads_as_no_name(name: str) -> None:
    assert name_quality(name) < 0.5


@pytest.mark.parametrize("name", ["Summer Programs Office", "Open Door Clinic", "May Center"])
def test_a_name_with_a_word_of_time_is_still_a_name(name: str) -> None:
    assert name_quality(name) == 1.0


def test_lines_of_hours_under_office_headings_do_not_make_them_sections() -> None:
    # three offices, each a heading; under each, its hours as lines: the hours lines
    # name no office, so the headings are the listings, not the hours' sections
    offices = Nest([_listing(n, section="S") for n in ["Bookshop", "Library", "Key Office"]], 0.5)
    hours = Nest(
        [
            _listing(n, section=s)
            for s, n in [
                ("Bookshop", "Monday to Friday"),
                ("Bookshop", "Summer Term"),
                ("Library", "Fall/Winter Terms"),
                ("Key Office", "Weekends"),
            ]
        ],
        0.5,
        quality=0.3,
    )
    assert not coarse_readings([offices, hours])[0]
    named = Nest(
        [
            _listing(n, section=s)
            for s, n in [
                ("Bookshop", "Book Returns"),
                ("Bookshop", "Textbook Desk"),
                ("Library", "Map Room"),
                ("Key Office", "Lockers"),
            ]
        ],
        0.5,
    )
    assert coarse_readings([offices, named])[0]
