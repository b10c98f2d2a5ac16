"""Short codes and text lines in free text, read as a careful reader reads them.

A three-digit number is an emergency, community or relay line only when the text
says so: "call 911", "dial 9-1-1", "Emergency: 911", "988 Suicide & Crisis Lifeline",
"dial 2-1-1", "711 (relay)". "We served 988 students" and "911 Main Street" are not
phones.
A five- or six-digit code (``741741``, ``741-741``, ``741 741``) is a text line when
a texting word comes before it in the sentence ("text HOME to", "text the number",
"our short code,", "Crisis Text Line:"); a known text line may also be named after it.

For a page outside the North American numbering plan, the emergency numbers are the
region's own (``999`` and ``112`` for GB), as ``phonenumbers.shortnumberinfo`` knows them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import phonenumbers
from phonenumbers import shortnumberinfo

from resource_catalog.contacts._scan import DASHES, window_after, window_before
from resource_catalog.models import Phone, PhoneKind

__all__ = ["SHORT_CODES", "find_short_codes"]

#: Known short codes of the North American plan and what they are.
SHORT_CODES: Mapping[str, PhoneKind] = MappingProxyType(
    {
        "911": PhoneKind.EMERGENCY,
        "988": PhoneKind.EMERGENCY,
        "711": PhoneKind.TTY,
        "211": PhoneKind.VOICE,
        "741741": PhoneKind.SMS,
    }
)

_Candidate = tuple[int, int, Phone]

# Each pattern starts with a digit and checks the character before it right after
# that digit: a pattern that starts with a look-behind is tried at every position.
_NB = rf"(?<![\w$#@/+.,{DASHES}][0-9])"
_NOT_AFTER = rf"(?![\w%]|[.,/{DASHES}][0-9])"
_NANP_SHORT_RE = re.compile(
    rf"(?P<code>(?:9{_NB}(?:11|88|[{DASHES}]1[{DASHES}]1|[{DASHES}]8[{DASHES}]8))"
    rf"|(?:[27]{_NB}(?:11|[{DASHES}]1[{DASHES}]1))){_NOT_AFTER}",
    re.ASCII,
)
_N11_RE = re.compile(r"[2-9]11", re.ASCII)
_ANY_SHORT_RE = re.compile(
    rf"(?P<code>[0-9]{_NB}[0-9]{{2}}(?:[ ]?[0-9]{{3}})?){_NOT_AFTER}", re.ASCII
)
_SMS_CODE_RE = re.compile(
    rf"(?P<code>[1-9]{_NB}(?:[0-9]{{4,5}}|[0-9]{{2}}[ {DASHES}][0-9]{{3}})){_NOT_AFTER}",
    re.ASCII,
)
_SMS_CUE_RE = re.compile(r"\b(?:text(?:s|ed|ing)?|sms|short[ \t]?code)\b", re.I | re.ASCII)
# "Send the word REACH to 741 741": sending something to a short code is texting.
_SEND_TO_RE = re.compile(r"\b(?:send|message)\b[^.!?;\n]{0,40}\bto[ \t]*$", re.I | re.ASCII)
# Words that make a number before or after them a phone line.
_LINE_CUE_BEFORE_RE = re.compile(
    r"\b(?:call(?:s|ed|ing)?|dial(?:ing)?|phon(?:e|ing)|telephone|text(?:ing)?|contact|reach"
    r"|ring(?:s|ing)?|freephone"
    r"|line|hotline|helpline|lifeline|emergenc(?:y|ies)|crisis)\b",
    re.I | re.ASCII,
)
_LABEL_AFTER_RE = re.compile(
    r"[ \t]*(?:[(\[:,\u2013\u2014-][ \t]*)?(?:(?:for|in|during)[ \t]+(?:an?[ \t]+|the[ \t]+)?)?"
    r"(?:suicide|crisis|lifeline|emergenc|police|fire|ambulance|hotline|helpline|relay)",
    re.I | re.ASCII,
)
_RELAY_BEFORE_RE = re.compile(
    r"\b(?:relay|trs|tty|tdd|dial(?:ing)?|call(?:ing)?|deaf|hearing)\b", re.I | re.ASCII
)
_RELAY_AFTER_RE = re.compile(
    r"\b(?:relay|trs|tty|tdd|deaf|hard[ \t]of[ \t]hearing|speech)\b", re.I | re.ASCII
)
_NOT_A_CODE_BEFORE_RE = re.compile(
    r"\b(?:room|rm|suite|ste|no|building|bldg|route|rte|apt|floor|page|pp?|unit|ext|extension)"
    r"\.?[ \t]*$",
    re.I | re.ASCII,
)
_STREET_AFTER_RE = re.compile(
    r"[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Boulevard|Blvd"
    r"|Way|Place|Pl|Lane|Ln|Court|Ct)\b",
    re.ASCII,
)
# "988 students", "911 people", "741741 conversations": a count, not a line.
_COUNT_AFTER_RE = re.compile(
    r"[ \t]+(?:(?!relay|line|crisis|lifeline|hotline|text)[a-z]+[ \t]+)?"
    r"(?:people|persons|students|members|messages|texts|conversations|times|users|calls|callers|texters|participants|staff|employees|attendees|residents)\b",
    re.I | re.ASCII,
)
# "Cambridge, MA 02139": a state and a ZIP code.
_STATE_BEFORE_RE = re.compile(r"\b[A-Z]{2}[ \t]+$", re.ASCII)
_SHORT_HINT_RE = re.compile(rf"9[{DASHES}]?[18][{DASHES}]?[18]|[27][{DASHES}]?1[{DASHES}]?1")
_DIGITS_RE = re.compile(r"[0-9]", re.ASCII)
_FULL_STOP_RE = re.compile(r"[.!?](?:\s|$)|\n")


def _a_count_or_address(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 12) : start]
    return bool(
        _NOT_A_CODE_BEFORE_RE.search(before)
        or _STREET_AFTER_RE.match(text, end)
        or _COUNT_AFTER_RE.match(text, end)
    )


def _clause_before(text: str, start: int) -> str:
    """Up to 40 characters before ``start`` in the same sentence; a semicolon does not
    end it here ("main line 617-253-1000; or 911" still lists phones)."""
    window = text[max(0, start - 40) : start]
    ends = list(_FULL_STOP_RE.finditer(window))
    return window[ends[-1].end() :] if ends else window


def _named_as_line(text: str, start: int, end: int) -> bool:
    """A phone word before the number (same sentence) or a line's label right after it."""
    return bool(
        _LINE_CUE_BEFORE_RE.search(_clause_before(text, start)) or _LABEL_AFTER_RE.match(text, end)
    )


def _nanp_short_codes(text: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    if _SHORT_HINT_RE.search(text) is None:
        return found
    for m in _NANP_SHORT_RE.finditer(text):
        code = "".join(_DIGITS_RE.findall(m["code"]))
        start, end = m.start(), m.end()
        if _a_count_or_address(text, start, end):
            continue
        if code == "711":
            relay = _RELAY_BEFORE_RE.search(window_before(text, start)) or _RELAY_AFTER_RE.search(
                window_after(text, end, 30)
            )
            if not relay:
                continue  # "711" alone is too often a room or a count
        elif not _named_as_line(text, start, end):
            continue
        found.append((start, end, Phone(number=code, kind=SHORT_CODES[code])))
    return found


def _regional_short_numbers(text: str, region: str) -> list[_Candidate]:
    """A region's own short numbers named as lines: ``999``/``112`` (emergency) or the
    Samaritans' ``116 123`` for GB, as ``phonenumbers.shortnumberinfo`` knows them."""
    found: list[_Candidate] = []
    for m in _ANY_SHORT_RE.finditer(text):
        code, start, end = "".join(_DIGITS_RE.findall(m["code"])), m.start(), m.end()
        if _a_count_or_address(text, start, end) or not _named_as_line(text, start, end):
            continue
        if shortnumberinfo.is_emergency_number(code, region):
            found.append((start, end, Phone(number=code, kind=PhoneKind.EMERGENCY)))
            continue
        try:
            number = phonenumbers.parse(code, region)
        except phonenumbers.NumberParseException:
            continue
        if shortnumberinfo.is_valid_short_number_for_region(number, region):
            found.append((start, end, Phone(number=code, kind=PhoneKind.VOICE)))
    return found


def _text_lines(text: str, lowered: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    if not (
        "text" in lowered
        or "sms" in lowered
        or "code" in lowered
        or "send" in lowered
        or "message" in lowered
    ):
        return found
    for m in _SMS_CODE_RE.finditer(text):
        code = "".join(_DIGITS_RE.findall(m["code"]))
        start, end = m.start(), m.end()
        if _COUNT_AFTER_RE.match(text, end) or _STATE_BEFORE_RE.search(text, 0, start):
            continue
        cue = _SMS_CUE_RE.search(window_before(text, start, 60)) or _SEND_TO_RE.search(
            text, max(0, start - 60), start
        )
        if cue is None and SHORT_CODES.get(code) is PhoneKind.SMS:
            cue = _SMS_CUE_RE.search(window_after(text, end, 30))
        if cue is not None:
            found.append((start, end, Phone(number=code, kind=PhoneKind.SMS)))
    return found


def find_short_codes(text: str, lowered: str, *, nanp: bool, region: str) -> list[_Candidate]:
    """Text lines, then short codes: the NANP ones when ``nanp``, else ``region``'s own."""
    found = _text_lines(text, lowered)
    if not nanp:
        return found + _regional_short_numbers(text, region)
    found += _nanp_short_codes(text)
    # Another NANP country's own N11 lines ("call 811", Canada's health advice); in
    # the US only SHORT_CODES count, as validate_phone_number holds them.
    if region != "US" and "11" in text:
        found += [
            c
            for c in _regional_short_numbers(text, region)
            if _N11_RE.fullmatch(c[2].number) and c[2].number not in SHORT_CODES
        ]
    return found
