"""Tests for resource_catalog.contacts._scan: one reading of cues and overlaps for both finders.

The property tests build texts from the pieces listings are made of (codes, cue
words, numbers, short codes) and check that a span is never both a phone and a
location, and that a code is claimed only by the finder the scanner gives it to.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_catalog.contacts import locations, phones
from resource_catalog.contacts._scan import (
    Reading,
    claim,
    code_reading,
    full_number_spans,
    nearest_cue,
)
from resource_catalog.contacts.locations import find_locations, load_buildings
from resource_catalog.contacts.phones import find_phones


def reading_of(text: str, code: str) -> Reading:
    start = text.rindex(code)
    return code_reading(text, start, start + len(code))


@pytest.mark.parametrize(
    ("text", "code", "expected"),
    [
        ("call 3-1044", "3-1044", Reading.PHONE),
        ("room 3-1044", "3-1044", Reading.PLACE),
        ("located in 3-1044", "3-1044", Reading.PLACE),
        ("Room number: 3-1044", "3-1044", Reading.PLACE),  # "number" inside "room number"
        ("report it to the service center at 3-4948", "3-4948", Reading.PHONE),  # no cue
        ("3-4948", "3-4948", Reading.PHONE),  # extension-shaped, no cue
        ("call the office at 3-1212", "3-1212", Reading.PHONE),  # "office" is weak
        ("Office: 3-1044", "3-1044", Reading.PLACE),  # ... but right before the code
        ("We are in 3-1044", "3-1044", Reading.PLACE),
        ("Call us. 3-1044 is our room", "3-1044", Reading.PHONE),  # the cue is cut off
        ("10-250", "10-250", Reading.PLACE),  # cannot be dialled
        ("Call x3-2811 or stop by W59-200", "W59-200", Reading.PLACE),
        ("Phone: 10-250", "10-250", Reading.PHONE),  # a phone word right before it
        ("From 5-104, walk east", "5-104", Reading.PLACE),
        ("call Building Services at 253-7923", "253-7923", Reading.PHONE),
        ("Room x3-1212", "x3-1212", Reading.PHONE),  # written as an extension
        ("room 253-7923", "253-7923", Reading.PLACE),
    ],
)
def test_code_reading(text: str, code: str, expected: Reading) -> None:
    assert reading_of(text, code) is expected


def test_nearest_cue_stops_at_the_sentence() -> None:
    assert nearest_cue("Call us later. Then ", 20) is Reading.NONE
    assert nearest_cue("Call us later, then ", 20) is Reading.PHONE


def test_claim_keeps_the_earlier_group_and_sorts() -> None:
    first = [(10, 20, "full number")]
    second = [(0, 5, "code"), (15, 25, "extension inside the number"), (30, 35, "later")]
    assert claim([first, second]) == [(0, 5, "code"), (10, 20, "full number"), (30, 35, "later")]


def test_full_number_spans() -> None:
    text = "617-253-1212, (617) 253-1213, 617/253-1214, +44 20 7946 0958; room 10-250"
    assert [text[a:b] for a, b in full_number_spans(text)] == [
        "617-253-1212",
        "(617) 253-1213",
        "617/253-1214",
        "+44 20 7946 0958",
    ]


def test_both_finders_use_the_one_reading() -> None:
    for module in (phones, locations):
        assert vars(module)["code_reading"] is code_reading
        assert vars(module)["claim"] is claim
    for module in (phones, locations):  # the old private copies of the rule are gone
        assert not hasattr(module, "_nearest_cue_is_phone")
        assert not hasattr(module, "_CONTEXT_CUE_RE")
        assert not hasattr(module, "_CUE_RE")


# -- properties over listing-shaped text -----------------------------------------

_PIECES = [
    "call", "Call us at", "phone:", "Fax", "TTY", "text", "dial", "room", "Room", "Office:",
    "office", "in", "located in", "Building", "floor", "from", "ages", "pm", "the", "and",
    "3-4948", "3-1044", "4-1234", "8-4444", "2-1234", "5-104", "10-250", "W20-549",
    "w20-500", "32-G9", "14N-417", "W98-2nd FL", "E23", "x3-1212", "617-253-1212",
    "(617) 253-4861", "1-800-273-TALK", "253-7923", "911", "988", "711", "741741",
]  # fmt: skip
_SEPARATORS = [" ", " ", ", ", ". ", "; ", " (", ") ", "\u2013"]
_TEXT = st.lists(
    st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPARATORS)), max_size=14
).map(lambda parts: "".join(piece + sep for piece, sep in parts))
# A code standing on its own: not glued to a word, a decimal, or another dash and digit
# (then it is part of a longer token such as a range "3-4948-3-4949").
_CODE_RE = re.compile(
    r"(?<![\w.\-\u2010-\u2015])[A-Za-z]{0,2}[0-9]+[A-Za-z]?-[A-Za-z]?[0-9]{3,4}"
    r"(?![\w%]|[.,/\-\u2010-\u2015][0-9])"
)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@given(_TEXT)
def test_no_span_is_both_a_phone_and_a_location(text: str) -> None:
    phone_spans = [(a, b) for a, b, _ in phones._spans(text)]
    place_spans = [(a, b) for a, b, _ in locations._spans(text, load_buildings())]
    for place in place_spans:
        assert not any(_overlaps(place, phone) for phone in phone_spans), (text, place)


@given(_TEXT)
def test_a_code_is_claimed_only_by_the_finder_the_scanner_gives_it_to(text: str) -> None:
    phone_spans = [(a, b) for a, b, _ in phones._spans(text)]
    place_spans = [(a, b) for a, b, _ in locations._spans(text, load_buildings())]
    other_area = re.search(r"\d{3}-\d{3}-\d{4}", text) is None  # only 617 numbers here
    for m in _CODE_RE.finditer(text):
        span = (m.start(), m.end())
        owner = code_reading(text, *span)
        if any(_overlaps(span, s) for s in place_spans if s == span):
            assert owner is Reading.PLACE, (text, m.group())
        if span in phone_spans:
            assert owner is Reading.PHONE, (text, m.group())
        extension = re.fullmatch(r"[3478]-[0-9]{4}", m.group())
        if extension and owner is Reading.PHONE and other_area:
            assert span in phone_spans, (text, m.group())  # accounted for


@given(_TEXT)
def test_public_finders_agree_with_their_spans(text: str) -> None:
    assert {p.number for p in find_phones(text)} == {p.number for _, _, p in phones._spans(text)}
    assert {loc.code for loc in find_locations(text)} == {
        loc.code for _, _, loc in locations._spans(text, load_buildings())
    }
