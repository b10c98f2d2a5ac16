"""Which of two nested readings reads the other's details: the bodies rule, and the rule
of a listing that holds a finer reading's listings."""

from __future__ import annotations

from resource_catalog.models import Listing
from resource_catalog.pages.inference.nesting import Nest, holds_listings, reads_bodies


def _nest(*rows: tuple[str, str]) -> Nest:
    return Nest([Listing(name=n, section="S", description=d) for n, d in rows], 0.5)


# records whose descriptions are paragraphs: one opens with a phrase, one names an
# office deep inside its text
_RECORDS = _nest(
    ("Night Desk", "Term hours run late; keys left after ten go to the Key Office."),
    ("Print Room", "Weekend hours are short; parcels wait for you at the Post Room."),
    ("Help Point", "Summer hours follow the library's."),
)


def test_listings_named_by_the_first_words_of_bodies_read_those_bodies() -> None:
    firsts = _nest(("Term hours", "..."), ("Weekend hours", "..."), ("Summer hours", "..."))
    assert reads_bodies(firsts, _RECORDS)


def test_names_met_deep_inside_bodies_are_not_those_bodies() -> None:
    # "Key Office" and "Post Room" are named in passing, far into the text: a reading
    # that lists them reads other offices, not the records' details
    offices = _nest(("Key Office", "..."), ("Post Room", "..."))
    assert not reads_bodies(offices, _RECORDS)


def _phones(*rows: tuple[str, str]) -> Nest:
    return Nest(
        [Listing.model_validate({"name": n, "section": "S", "description": d,
                                 "phones": [{"number": "+12505550100"}]}) for n, d in rows],
        0.5,
    )  # fmt: skip


def test_a_listing_that_names_the_finer_listings_holds_them() -> None:
    outer = _nest(("Hotlines", "Crisis Line, Food Bank and Tenant Desk all answer by phone."))
    inner = _phones(("Crisis Line", "..."), ("Food Bank", "..."), ("Tenant Desk", "..."))
    assert holds_listings(outer, inner)


def test_a_label_met_as_a_plain_word_is_not_held() -> None:
    # "Urgent" and "Non-urgent" label two numbers; the card says "urgent" in a sentence
    outer = _nest(("Counselling", "North Campus, South Campus. Say if it is urgent."))
    inner = _phones(("North Campus", "..."), ("South Campus", "..."), ("Urgent", "..."))
    assert not holds_listings(outer, inner)
