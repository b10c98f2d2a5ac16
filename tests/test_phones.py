"""Tests for resource_catalog.phones: parse_phone, validate_phone_number, find_phones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import Phone, PhoneKind
from resource_catalog.phones import (
    CAMPUS_EXCHANGES,
    SHORT_CODES,
    find_phones,
    parse_phone,
    validate_phone_number,
)

CAMPUS_POLICE = "+16172531212"

# --- parse_phone -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "617-253-1212",
        "(617) 253-1212",
        "617.253.1212",
        "+1 617 253 1212",
        "x3-1212",
        "3-1212",
        "X3-1212",
        "x31212",
        "ext. 3-1212",
        "  617-253-1212  ",
        "tel:+16172531212",
        "1 (617) 253-1212",
        "617\u2013253\u20131212",
    ],
)
def test_parse_phone_campus_police_forms(text: str) -> None:
    assert parse_phone(text) == CAMPUS_POLICE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("617-253-4861", "+16172534861"),
        ("x3-HELP", "+16172534357"),  # documented in the reference README
        ("4-1234", "+16173241234"),  # confirmed: 4-xxxx = 617-324-xxxx
        ("8-1234", "+16172581234"),  # derived: 258 is the only exchange ending in 8
        ("x7-1234", "+16175771234"),  # derived: 577 is the only exchange ending in 7
        ("1-800-273-TALK", "+18002738255"),
        ("1-800-273-8255", "+18002738255"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_parse_phone_values(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("617-253-291", "not a valid phone number"),
        ("555-0100-99", "not a valid phone number"),
        ("2-1234", "ambiguous between 617-252 and 617-452"),
        ("x5-1234", "unconfirmed 617-715"),
        ("6-1234", "not an MIT campus extension"),
        ("911", "short code"),
        ("", "empty"),
        ("   ", "empty"),
        ("617-253-1212 x5", "has an extension (5)"),
        ("617-253-1212 and 617-253-4861", "too long"),
        ("call me maybe", "not"),
        ("5-104", "not a valid phone number"),
        ("9" * 80, "too long"),
    ],
)
def test_parse_phone_errors(text: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneError) as info:
        parse_phone(text)
    assert info.value.value == text
    assert reason in info.value.reason
    assert isinstance(info.value, ValueError)


def test_campus_table_is_the_documented_one() -> None:
    assert dict(CAMPUS_EXCHANGES) == {"3": "253", "4": "324", "7": "577", "8": "258"}


@given(st.text(max_size=60))
def test_parse_phone_returns_e164_or_raises(text: str) -> None:
    try:
        result = parse_phone(text)
    except InvalidPhoneError:
        return
    assert result.startswith("+")
    assert result[1:].isdigit()


@given(st.from_regex(r"\A\(?[2-9][0-9]{2}\)?[ .-]?[2-9][0-9]{2}[ .-]?[0-9]{4}\Z"))
def test_parse_phone_digits_survive(text: str) -> None:
    try:
        result = parse_phone(text)
    except InvalidPhoneError:
        return
    digits = "".join(c for c in text if c.isdigit())
    assert result == "+1" + digits


# --- validate_phone_number ---------------------------------------------------


@pytest.mark.parametrize("number", ["+16172531212", "+18002738255", "911", "988", "711", "741741"])
def test_validate_phone_number_accepts(number: str) -> None:
    validate_phone_number(number)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+1617253291", "not a valid phone number"),
        ("+1555010099", "not a valid phone number"),
        ("123", "not a known short code"),
        ("838255", "not a known short code"),
        ("617-253-1212", "neither E.164"),
        ("+1 617 253 1212", "canonical E.164"),
        ("+", "not a phone number"),
    ],
)
def test_validate_phone_number_rejects(number: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneError) as info:
        validate_phone_number(number)
    assert reason in info.value.reason


def test_short_code_kinds() -> None:
    assert SHORT_CODES["911"] is PhoneKind.EMERGENCY
    assert SHORT_CODES["988"] is PhoneKind.EMERGENCY
    assert SHORT_CODES["711"] is PhoneKind.TTY
    assert SHORT_CODES["741741"] is PhoneKind.SMS


# --- find_phones -------------------------------------------------------------


def voice(number: str, extension: str | None = None) -> Phone:
    return Phone(number=number, extension=extension, kind=PhoneKind.VOICE)


def kind(number: str, phone_kind: PhoneKind) -> Phone:
    return Phone(number=number, kind=phone_kind)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Real listings from the source page.
        (
            (
                "Mental Health is located in E23 and may be contacted 617-253-2916. That same "
                "number will put you in touch with their 24-hour emergency on-call clinician"
            ),
            [voice("+16172532916")],
        ),
        (
            "call Campus Police (617-253-1212) and ask for the dean-on-call.",
            [voice(CAMPUS_POLICE)],
        ),
        (
            "S3 is located in 5-104 and may be reached at 617-253-4861.",
            [voice("+16172534861")],
        ),
        # Short codes and text lines.
        ("In an emergency call 911.", [kind("911", PhoneKind.EMERGENCY)]),
        ("Dial 9-1-1 now", [kind("911", PhoneKind.EMERGENCY)]),
        ("Call or text 988 (crisis line)", [kind("988", PhoneKind.EMERGENCY)]),
        ("Relay users dial 711.", [kind("711", PhoneKind.TTY)]),
        ("text HOME to 741741", [kind("741741", PhoneKind.SMS)]),
        ("Text 741741 any time", [kind("741741", PhoneKind.SMS)]),
        (
            "Call 911 or 988; TTY users dial 711. Or text HOME to 741741.",
            [
                kind("911", PhoneKind.EMERGENCY),
                kind("988", PhoneKind.EMERGENCY),
                kind("711", PhoneKind.TTY),
                kind("741741", PhoneKind.SMS),
            ],
        ),
        # Vanity numbers: once, not double-counted with the digits in brackets.
        ("Lifeline: 1-800-273-TALK (8255)", [voice("+18002738255")]),
        ("1-800-273-TALK (1-800-273-8255)", [voice("+18002738255")]),
        (
            "1-800-273-TALK (617-253-1212)",  # not an echo of the letters: a second number
            [voice("+18002738255"), voice(CAMPUS_POLICE)],
        ),
        # Campus extensions.
        ("Call x3-1212 after hours", [voice(CAMPUS_POLICE)]),
        ("call 3-1212", [voice(CAMPUS_POLICE)]),
        ("phone: 3-4861", [voice("+16172534861")]),
        ("or reached at x3-HELP", [voice("+16172534357")]),
        ("call 2-1234", []),  # ambiguous prefix: nothing we could store
        # With no cue word, an extension-shaped code is a phone (MIT rooms in one-digit
        # buildings have three digits); issue 13 reversed the old "could be a room".
        ("3-1212", [voice(CAMPUS_POLICE)]),
        # Extensions in their own field.
        ("617-253-1212 x5", [voice(CAMPUS_POLICE, "5")]),
        ("617-253-1212, ext. 5", [voice(CAMPUS_POLICE, "5")]),
        ("(617) 253-1212 extension 12", [voice(CAMPUS_POLICE, "12")]),
        ("617-253-1212x5", [voice(CAMPUS_POLICE, "5")]),
        # Kinds from nearby words.
        (
            "Phone 617-253-1212, Fax: 617-253-9999",
            [voice(CAMPUS_POLICE), kind("+16172539999", PhoneKind.FAX)],
        ),
        ("TTY: 617-253-1212", [kind(CAMPUS_POLICE, PhoneKind.TTY)]),
        ("617-253-1212 (TTY)", [kind(CAMPUS_POLICE, PhoneKind.TTY)]),
        ("Text: 617-253-1212", [kind(CAMPUS_POLICE, PhoneKind.SMS)]),
        ("Call or text 617-253-1212", [voice(CAMPUS_POLICE)]),
        # Order of appearance, duplicates dropped, different kinds kept.
        (
            "617-253-4861 or 617-253-1212, again 617.253.4861",
            [voice("+16172534861"), voice(CAMPUS_POLICE)],
        ),
        (
            "Voice 617-253-1212; TTY 617-253-1212",
            [voice(CAMPUS_POLICE), kind(CAMPUS_POLICE, PhoneKind.TTY)],
        ),
        ("+1 617 253 1212 or +44 20 7946 0958", [voice(CAMPUS_POLICE), voice("+442079460958")]),
    ],
)
def test_find_phones(text: str, expected: list[Phone]) -> None:
    assert find_phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Founded in 1988, renovated 2024.",
        "Open 24-hour, 7 days",
        "S3 is located in 5-104",
        "room W20-549",
        "located in 5-1044",
        "located in 3-1044",
        "Room 3-1212",
        "On 2024-01-15 and 01/15/2024",
        "Cambridge, MA 02139 or 02139-4307",
        "Tickets cost $617.25 or $9.11",
        "Room 911, suite 988",
        "911 Main Street",
        "988 Massachusetts Avenue",
        "711 students enrolled",
        "617-253-291",
        "555-0100-99",
        "version 6.172.531.212",
        "5-10 minutes, ages 18-25",
        "ID 61725312120",
        "0-1234 and 6-1234 and 9-1234 call",
        "context 741741",
        "call 123-456-7890",  # no such area code
        "617-2-5-3-1212",
    ],
)
def test_find_phones_false_positives(text: str) -> None:
    assert find_phones(text) == []


def test_find_phones_returns_a_fresh_list() -> None:
    first = find_phones("call 617-253-1212")
    first.clear()
    assert find_phones("call 617-253-1212") == [voice(CAMPUS_POLICE)]


def _assert_storable(phones: list[Phone]) -> None:
    for phone in phones:
        if phone.number.startswith("+"):
            validate_phone_number(phone.number)
        else:  # a text line may name a short code we do not know yet
            assert phone.number.isdigit()
            assert 3 <= len(phone.number) <= 6


@given(st.text(max_size=200))
def test_find_phones_never_raises(text: str) -> None:
    _assert_storable(find_phones(text))


_PHONEISH = st.text(alphabet="0123456789-(). x+TtextHOMEcall911988711 \n", max_size=80)


@given(_PHONEISH)
def test_find_phones_phone_like_text_gives_valid_numbers(text: str) -> None:
    _assert_storable(find_phones(text))
