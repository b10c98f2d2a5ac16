"""Tests for resource_catalog.contacts.phones: parse_phone, validate_phone_number, find_phones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_catalog.contacts.phones import (
    CAMPUS_EXCHANGES,
    MIT_DIAL_PLAN,
    SHORT_CODES,
    find_phones,
    parse_phone,
    suggest_e164,
    validate_phone_number,
)
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import Phone, PhoneKind
from resource_catalog.profile import DialPlan

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


@pytest.mark.parametrize(
    "number", ["+16172531212", "+18002738255", "911", "988", "711", "211", "741741"]
)
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


# --- issue 13: as a careful reader reads them --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Number formats.
        ("Reach the front desk at 617/253-1212.", [voice(CAMPUS_POLICE)]),
        ("Operator: (617)-253-1212", [voice(CAMPUS_POLICE)]),
        ("Help desk 617-253-1101,x3-4357", [voice("+16172531101"), voice("+16172534357")]),
        ("After 5 pm call Building Services directly at 253-7923.", [voice("+16172537923")]),
        ("Facilities answers at 3-4948 for leaks and lockouts.", [voice("+16172534948")]),
        # Crisis lines: short codes with hyphens, text lines in other words, relay after 711.
        ("Dial 9-8-8 at any hour.", [kind("988", PhoneKind.EMERGENCY)]),
        ("TEXT 741-741 for live support", [kind("741741", PhoneKind.SMS)]),
        ("You can also text REACH at 741 741.", [kind("741741", PhoneKind.SMS)]),
        ("Text MHA SCREEN to 741741 for a screening.", [kind("741741", PhoneKind.SMS)]),
        ("Texts to our short code, 741741, cost nothing.", [kind("741741", PhoneKind.SMS)]),
        ("Text the number 741741 with any message.", [kind("741741", PhoneKind.SMS)]),
        ("Crisis Text Line: 741741", [kind("741741", PhoneKind.SMS)]),
        ("Prefer writing? Send the word HOME to 741741.", [kind("741741", PhoneKind.SMS)]),
        ("The Trevor Project: text START to 678-678.", [kind("678678", PhoneKind.SMS)]),
        ("Massachusetts Relay 711", [kind("711", PhoneKind.TTY)]),
        ("711 (relay) reaches us too", [kind("711", PhoneKind.TTY)]),
        ("TRS: 711", [kind("711", PhoneKind.TTY)]),
        # A short code named as a line.
        ("988 Suicide & Crisis Lifeline", [kind("988", PhoneKind.EMERGENCY)]),
        ("Emergency: 911", [kind("911", PhoneKind.EMERGENCY)]),
        ("Mass 211: dial 2-1-1 for local services.", [voice("211")]),
        ("Emergencies: 911 (police, fire, ambulance)", [kind("911", PhoneKind.EMERGENCY)]),
        # Kinds.
        ("TTY users can call 617-253-0999.", [kind("+16172530999", PhoneKind.TTY)]),
        (
            "Fax 617-253-9999 or call 617-253-1212",
            [kind("+16172539999", PhoneKind.FAX), voice(CAMPUS_POLICE)],
        ),
        ("Interpreters: 1-800-249-9949 TTY/Voice", [kind("+18002499949", PhoneKind.TTY)]),
        (
            "Call 1-800-273-8255 (TTY: 1-800-799-4889)",
            [voice("+18002738255"), kind("+18007994889", PhoneKind.TTY)],
        ),
    ],
)
def test_find_phones_real_text_forms(text: str, expected: list[Phone]) -> None:
    assert find_phones(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Hardening: a bare short code in prose is a count, not an emergency number.
        "We served 988 students last year.",
        "Over 911 people attended the fair.",
        "Our 741 volunteers answered 7,411 texts.",
        "The 911 Commission report is on reserve.",
        "Meeting ID 984 2231 6650; passcode 741741.",
        "711 students enrolled in the course",
        "Call extension 211 for the front desk.",  # an extension, not the 211 line
    ],
)
def test_find_phones_bare_short_codes_need_a_cue(text: str) -> None:
    assert find_phones(text) == []


def test_campus_exchanges_come_from_the_dial_plan() -> None:
    assert dict(CAMPUS_EXCHANGES) == MIT_DIAL_PLAN.prefixes
    assert set(MIT_DIAL_PLAN.ambiguous) == {"2", "5"}


def test_campus_none_reads_only_full_numbers_and_short_codes() -> None:
    text = "Call x3-1212, 3-4948 or 253-7923; main line 617-253-1000; or 911."
    assert [p.number for p in find_phones(text, campus=None)] == ["+16172531000", "911"]
    with pytest.raises(InvalidPhoneError):
        parse_phone("x3-1212", campus=None)


YALE = DialPlan(name="Yale", area_code="203", prefixes={"2": "432"})


def test_another_campus_reads_its_own_extensions() -> None:
    text = "Campus police: 203-432-4400, or 2-4400 from a campus phone."
    assert [p.number for p in find_phones(text, campus=YALE)] == ["+12034324400"]
    assert find_phones("From a campus phone dial 2-4400.", campus=YALE) == [voice("+12034324400")]
    assert parse_phone("x2-4400", campus=YALE) == "+12034324400"


def test_short_forms_on_a_page_of_another_area_code_are_not_the_campus_s() -> None:
    # Yale's page, read with the default (MIT) plan: 8-4444 is not 617-258-4444.
    text = "Yale Police 203-432-4400; from a campus phone dial 8-4444 or x3-1212."
    assert [p.number for p in find_phones(text)] == ["+12034324400"]
    # Toll-free numbers say nothing about the campus; a 617 number keeps it.
    assert "+16172534948" in {p.number for p in find_phones("Call 877-870-4673 or 3-4948.")}
    assert "+16172534948" in {p.number for p in find_phones("617-495-1212 or 3-4948")}


def test_region_reads_that_country_s_numbers_and_emergency_codes() -> None:
    text = "Wellbeing: 020 7946 0000. In an emergency dial 999; Samaritans free on 116 123."
    assert find_phones(text, region="GB", campus=None) == [
        voice("+442079460000"),
        kind("999", PhoneKind.EMERGENCY),
        voice("116123"),
    ]
    # The MIT plan is a US plan: it does not apply to a British page.
    assert find_phones("dial 3-4948", region="GB") == []
    assert parse_phone("020 7946 0000", region="GB") == "+442079460000"
    assert find_phones("text SHOUT to 85258", region="GB") == [kind("85258", PhoneKind.SMS)]
    # "Ring" is how a British page says call: the cue before a short number.
    rung = find_phones("Or ring the Samaritans free on 116 123.", region="GB", campus=None)
    assert rung == [voice("116123")]


def test_a_number_broken_after_a_hyphen_at_a_line_end_is_one_number() -> None:
    assert find_phones("Reach the duty dean at 617-253-\n4000 any day.") == [voice("+16172534000")]
    assert find_phones("Front desk (802) 555-\n  0143", campus=None) == [voice("+18025550143")]
    assert find_phones("617-\n253-1212") == [voice("+16172531212")]
    # A page's text has the break as a space ("617-253-<br>4000").
    assert find_phones("Reach us at 617-253- 4000.") == [voice("+16172534000")]
    # Only a hyphen joins lines: a line that ends without one starts a new thing.
    assert find_phones("Office 617-253\n4000 visitors") == []
    # A room broken the same way is not a phone, and a year range stays a year range.
    assert find_phones("Room 4-\n2310 and seasons 2024-\n2025") == []


@pytest.mark.parametrize("function", [parse_phone, find_phones, validate_phone_number])
def test_none_is_a_type_error_with_a_message(function: Callable[[str], object]) -> None:
    with pytest.raises(TypeError, match=r"takes the text as a str, not NoneType"):
        function(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("617-253-2916", "write it as +16172532916"),
        ("x3-1212", "write it as +16172531212"),
        ("+1 617 253 1212", "write it as +16172531212"),
    ],
)
def test_validate_says_what_would_be_valid(number: str, reason: str) -> None:
    with pytest.raises(InvalidPhoneError) as info:
        validate_phone_number(number)
    assert info.value.reason.endswith(reason)


def test_suggest_e164() -> None:
    assert suggest_e164("617-253-2916") == "+16172532916"
    assert suggest_e164("call me") is None


def test_a_contact_block_s_f_label_is_the_fax_line() -> None:
    block = "Dean's office\nT: 617-253-6772\nF: 617-258-6180"
    assert find_phones(block) == [voice("+16172536772"), kind("+16172586180", PhoneKind.FAX)]
    # a section called F is not a fax label when the line says call
    assert find_phones("Section F: call 617-253-1212") == [voice("+16172531212")]


def test_another_nanp_country_s_n11_lines_are_read_but_not_in_the_us() -> None:
    ontario = "For health advice call 811 to reach a nurse; in a crisis, call or text 988."
    assert find_phones(ontario, region="CA", campus=None) == [
        voice("811"),
        kind("988", PhoneKind.EMERGENCY),
    ]
    validate_phone_number("811", regions=["CA"])
    # a US page keeps to the codes validate_phone_number knows there
    assert find_phones("Call 311 for city services.", campus=None) == []
    assert find_phones("Get the 811 on parking.", region="CA", campus=None) == []
