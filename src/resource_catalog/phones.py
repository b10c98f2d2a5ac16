"""Phone numbers: text -> E.164, and every phone in free text.

:func:`parse_phone` turns one written number into E.164 (``+16172531212``);
:func:`find_phones` finds every phone in a listing's free text for the scraper;
:func:`validate_phone_number` checks a stored ``Phone.number`` for the validator.
Validity is decided by the ``phonenumbers`` library (default region US), never by
a pattern alone.

Campus extensions
-----------------
MIT writes an on-campus number as its last five digits (``x3-1212``, ``3-1212``)
[news.mit.edu/2002/phone-1002; tech.mit.edu/V121/N34/34howto.34n.html]. The 2002
notice lists the exchanges 225, 252, 253, 258, 324, 452 and 577.

=======  =================  ==========  ==============================================
Written  Number             Status      Source
=======  =================  ==========  ==============================================
3-xxxx   +1 617-253-xxxx    confirmed   ``x3-HELP`` = 617-253-4357
                                        (web.mit.edu/ist/tel/isdnguide.html)
4-xxxx   +1 617-324-xxxx    confirmed   news.mit.edu/2002/phone-1002
8-xxxx   +1 617-258-xxxx    derived     last-five-digits rule + exchange list: 258 is
                                        the only listed exchange ending in 8
7-xxxx   +1 617-577-xxxx    derived     same rule: 577 is the only one ending in 7
2-xxxx   252 or 452?        ambiguous   rejected with :class:`InvalidPhoneError`
5-xxxx   225 or 715?        ambiguous   rejected: 617-715 appears in no source found
=======  =================  ==========  ==============================================

Short codes
-----------
A short code is stored as its digits with a ``kind`` saying what it is (see
:data:`SHORT_CODES`): 911 (emergency), 988 (Suicide & Crisis Lifeline, emergency),
711 (telecommunications relay, tty) and 741741 (Crisis Text Line, sms).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from types import MappingProxyType

import phonenumbers

from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import Phone, PhoneKind

__all__ = [
    "CAMPUS_EXCHANGES",
    "SHORT_CODES",
    "find_phones",
    "parse_phone",
    "validate_phone_number",
]

#: Campus extension prefix digit -> 617 exchange (confirmed or derived, see above).
CAMPUS_EXCHANGES: Mapping[str, str] = MappingProxyType(
    {"3": "253", "4": "324", "7": "577", "8": "258"}
)
_AMBIGUOUS_PREFIXES: Mapping[str, str] = MappingProxyType(
    {
        "2": "2-xxxx is ambiguous between 617-252 and 617-452",
        "5": "5-xxxx is ambiguous between 617-225 and the unconfirmed 617-715",
    }
)
#: Known short codes and what they are.
SHORT_CODES: Mapping[str, PhoneKind] = MappingProxyType(
    {
        "911": PhoneKind.EMERGENCY,
        "988": PhoneKind.EMERGENCY,
        "711": PhoneKind.TTY,
        "741741": PhoneKind.SMS,
    }
)

_MAX_PHONE_TEXT = 64
_WINDOW = 40  # characters before a match searched for context words
_CACHE_SIZE = 8192

_SEP = r"[ \t\u00a0.\-\u2010-\u2015]"
_DASH = r"[\-\u2010-\u2015]"
_NOT_BEFORE = r"(?<![\w$#@/+.,\-\u2010-\u2015])"
_NOT_AFTER = r"(?![\w%]|[.,/\-\u2010-\u2015]\d)"
_EXT_WORD = r"(?i:x|ext\.?|extension)"

# A North American number, digits or vanity letters, with an optional extension.
_NANP_RE = re.compile(
    rf"""{_NOT_BEFORE}
    (?P<num>
      (?:\+?1{_SEP}?)?
      (?:\([ ]?\d{{3}}[ ]?\)[ ]?|\d{{3}}{_SEP}?)
      (?:\d{{3}}{_SEP}?\d{{4}}|(?P<vanity>[0-9A-Z](?:{_SEP}?[0-9A-Z]){{6}}))
    )
    (?:[ \t]*,?[ \t]*{_EXT_WORD}[ \t]*(?P<ext>\d{{1,6}}))?
    (?![\w%]|[.\-\u2010-\u2015]\d)""",
    re.VERBOSE | re.ASCII,
)
_INTL_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<num>\+[2-9](?:[ \t.()\-]?\d){{6,14}}){_NOT_AFTER}", re.ASCII
)
# The digits repeated after a vanity number: "1-800-273-TALK (8255)".
_ECHO_RE = re.compile(r"[ \t]*\((?P<digits>\d[\d \t.\-]*)\)", re.ASCII)
_CAMPUS_X_RE = re.compile(
    rf"{_NOT_BEFORE}{_EXT_WORD}[ \t]?(?P<prefix>\d){_DASH}?(?P<rest>\d{{4}}|[A-Z]{{4}})(?![\w-])",
    re.ASCII,
)
_CAMPUS_BARE_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<prefix>\d){_DASH}(?P<rest>\d{{4}}){_NOT_AFTER}", re.ASCII
)
_SMS_RE = re.compile(
    r"(?i:\btext(?:ing)?)[ \t]+(?:\S{1,20}[ \t]+(?i:to)[ \t]+)?(?P<code>\d{5,6})" + _NOT_AFTER,
    re.ASCII,
)
_SHORT_RE = re.compile(rf"{_NOT_BEFORE}(?P<code>9-1-1|911|988|711){_NOT_AFTER}", re.ASCII)

_KIND_WORDS = {
    "tty": PhoneKind.TTY,
    "tdd": PhoneKind.TTY,
    "fax": PhoneKind.FAX,
    "facsimile": PhoneKind.FAX,
    "text": PhoneKind.SMS,
    "sms": PhoneKind.SMS,
    "voice": PhoneKind.VOICE,
}
_LABEL_AFTER_RE = re.compile(
    r"[ \t]*[(\[][ \t]*(?P<word>tty|tdd|fax|sms|text|voice)\b", re.I | re.ASCII
)
_KIND_CUE_RE = re.compile(
    r"\b(?:tty|tdd|fax|facsimile|text|sms|voice|call|phone|tel)\b", re.I | re.ASCII
)
_VOICE_CUES = frozenset({"call", "phone", "tel", "voice"})
# Words that make "3-1212" a phone or a room: the nearest one before it wins.
_CONTEXT_CUE_RE = re.compile(
    r"""\b(?P<phone>call(?:ing)?|phone|telephone|tel|dial|contact(?:ed)?|reach(?:ed)?
    |hotline|line|number|ext|extension|fax|tty|tdd)\b
    |\b(?P<place>room|rm|building|bldg|located|suite|office|floor|in)\b""",
    re.I | re.VERBOSE | re.ASCII,
)
_RELAY_CUE_RE = re.compile(
    r"\b(?:relay|tty|tdd|dial(?:ing)?|call(?:ing)?|deaf|hearing)\b", re.I | re.ASCII
)
_NOT_A_CODE_BEFORE_RE = re.compile(
    r"\b(?:room|rm|suite|ste|no|building|bldg|route|rte|apt|floor|page|pp?|unit)\.?[ \t]*$",
    re.I | re.ASCII,
)
_STREET_AFTER_RE = re.compile(
    r"[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Drive|Dr|Boulevard|Blvd"
    r"|Way|Place|Pl|Lane|Ln|Court|Ct)\b",
    re.ASCII,
)
_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n")
_TEL_URI_RE = re.compile(r"^tel:", re.I | re.ASCII)
# Cheap necessary conditions, tested before the patterns above: a pattern that starts
# with a look-behind is tried at every position of the text, which was most of the
# cost of a listing; these start with a literal or a class and skip ahead in C.
_CAMPUS_BARE_HINT_RE = re.compile(rf"\d{_DASH}\d{{4}}", re.ASCII)
_SHORT_HINT_RE = re.compile(r"911|988|711|9-1-1")
_NON_DIGIT_RE = re.compile(r"\D", re.ASCII)
#: Per pattern, a necessary condition on (text, lower-cased text): when it is false
#: the pattern cannot match and is not run.
_HINTS: dict[re.Pattern[str], Callable[[str, str], bool]] = {
    _INTL_RE: lambda text, _: "+" in text,
    _CAMPUS_X_RE: lambda _, lowered: "x" in lowered,  # x, ext, extension
    _CAMPUS_BARE_RE: lambda text, _: _CAMPUS_BARE_HINT_RE.search(text) is not None,
    _SMS_RE: lambda _, lowered: "text" in lowered,
    _SHORT_RE: lambda text, _: _SHORT_HINT_RE.search(text) is not None,
}


def _may_match(regex: re.Pattern[str], text: str, lowered: str) -> bool:
    hint = _HINTS.get(regex)
    return hint is None or hint(text, lowered)


_CAMPUS_TEXT_RE = re.compile(
    rf"(?:{_EXT_WORD}[ \t]*(?P<xprefix>\d){_DASH}?|(?P<prefix>\d){_DASH})"
    r"(?P<rest>[0-9A-Za-z]{4})",
    re.ASCII,
)


def _campus_to_e164(value: str, prefix: str, rest: str) -> str:
    """Map a campus extension (``3`` + ``1212``) to E.164, or raise."""
    if prefix in _AMBIGUOUS_PREFIXES:
        raise InvalidPhoneError(value, _AMBIGUOUS_PREFIXES[prefix])
    exchange = CAMPUS_EXCHANGES.get(prefix)
    if exchange is None:
        raise InvalidPhoneError(value, f"{prefix}-xxxx is not an MIT campus extension")
    digits = phonenumbers.convert_alpha_characters_in_number(rest.upper())
    return f"+1617{exchange}{digits}"


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _parse(text: str) -> tuple[str, str | None]:
    """``text`` -> (E.164, extension or None); raise InvalidPhoneError. Cached."""
    value = _TEL_URI_RE.sub("", text.strip())
    if not value:
        raise InvalidPhoneError(text, "empty")
    if len(value) > _MAX_PHONE_TEXT:
        raise InvalidPhoneError(text, "too long to be one phone number")
    if value in SHORT_CODES:
        raise InvalidPhoneError(text, "a short code has no E.164 form; store its digits")
    campus = _CAMPUS_TEXT_RE.fullmatch(value)
    if campus:
        prefix = campus["xprefix"] or campus["prefix"]
        value = _campus_to_e164(text, prefix, campus["rest"])
    try:
        number = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneError(text, str(exc.args[0]) if exc.args else "not a number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhoneError(text, "not a valid phone number")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return str(e164), (str(number.extension) if number.extension else None)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _nanp(digits: str) -> str | None:
    """Ten NANP digits (area code 2-9) -> E.164, or None when not a valid number. Cached.

    What ``phonenumbers.parse(written, "US")`` gives for any way of writing these
    digits (``617-253-1212``, ``(617) 253 1212``, ``+1 617...``), without parsing the
    text again; validity is still decided by ``phonenumbers``.
    """
    number = phonenumbers.PhoneNumber(country_code=1, national_number=int(digits))
    return f"+1{digits}" if phonenumbers.is_valid_number(number) else None


def _nanp_e164(num: str) -> str | None:
    """A number ``_NANP_RE`` matched (digits only) -> E.164, or None when not valid."""
    digits = _NON_DIGIT_RE.sub("", num)
    if len(digits) == 11 and digits[0] == "1":  # noqa: PLR2004
        digits = digits[1:]
    if len(digits) == 10 and digits[0] in "23456789":  # noqa: PLR2004
        return _nanp(digits)
    try:
        return _parse(num)[0]
    except InvalidPhoneError:
        return None


def parse_phone(text: str) -> str:
    """Normalise one written phone number to E.164.

    Accepts the usual US forms (``617-253-1212``, ``(617) 253-1212``,
    ``617.253.1212``, ``+1 617 253 1212``), vanity letters (``1-800-273-TALK``),
    a ``tel:`` URI, international ``+`` numbers and campus extensions (``x3-1212``,
    ``3-1212``; see the module docstring). A number with an extension is rejected
    rather than silently dropping the extension: :func:`find_phones` keeps it.

    Raises:
        InvalidPhoneError: not exactly one valid phone number, an ambiguous campus
            extension (``2-xxxx``, ``5-xxxx``), or a short code such as ``911``.
    """
    e164, extension = _parse(text)
    if extension is not None:
        raise InvalidPhoneError(text, f"has an extension ({extension}); use find_phones to keep it")
    return e164


def validate_phone_number(number: str) -> None:
    """Check a stored ``Phone.number``: valid E.164, or a known short code.

    Raises:
        InvalidPhoneError: not canonical E.164, not a valid number according to
            ``phonenumbers``, or a short code not in :data:`SHORT_CODES`.
    """
    if number.isascii() and number.isdigit():
        if number not in SHORT_CODES:
            known = ", ".join(sorted(SHORT_CODES))
            raise InvalidPhoneError(number, f"not a known short code ({known})")
        return
    if not number.startswith("+"):
        raise InvalidPhoneError(number, "neither E.164 (+digits) nor a short code")
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneError(number, "not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneError(number, "not a valid phone number")
    if phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) != number:
        raise InvalidPhoneError(number, "not in canonical E.164 form")


def _window_before(text: str, start: int) -> str:
    """Up to _WINDOW characters before ``start``, cut at the last sentence end."""
    window = text[max(0, start - _WINDOW) : start]
    ends = list(_SENTENCE_END_RE.finditer(window))
    return window[ends[-1].end() :] if ends else window


def _kind_near(text: str, start: int, end: int) -> PhoneKind:
    """The kind a number's surroundings give it: "(TTY)" after, "Fax:" before."""
    after = _LABEL_AFTER_RE.match(text, end)
    if after:
        return _KIND_WORDS[after["word"].lower()]
    cues = [m.group().lower() for m in _KIND_CUE_RE.finditer(_window_before(text, start))]
    if not cues or cues[-1] not in _KIND_WORDS:
        return PhoneKind.VOICE
    kind = _KIND_WORDS[cues[-1]]
    if kind is PhoneKind.SMS and _VOICE_CUES.intersection(cues):
        return PhoneKind.VOICE  # "call or text 617-...": a voice line that also takes texts
    return kind


def _nearest_cue_is_phone(text: str, start: int) -> bool:
    """True when the nearest context word before ``start`` says "phone"."""
    cues = list(_CONTEXT_CUE_RE.finditer(_window_before(text, start)))
    return bool(cues) and cues[-1]["phone"] is not None


_Candidate = tuple[int, int, Phone]


def _numbers(text: str, lowered: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for regex in (_NANP_RE, _INTL_RE):
        if not _may_match(regex, text, lowered):
            continue
        for m in regex.finditer(text):
            num = m["num"]
            vanity = m.groupdict().get("vanity")
            if vanity is not None and not any(c.isalpha() for c in vanity):
                continue  # digits split oddly ("617-2-5-3-1212"), not a written number
            if regex is _NANP_RE and vanity is None:
                nanp = _nanp_e164(num)
                if nanp is None:
                    continue
                e164 = nanp
            else:
                try:
                    e164, _ = _parse(num)
                except InvalidPhoneError:
                    continue
            end = m.end()
            if vanity is not None:
                echo = _ECHO_RE.match(text, end)
                if echo and e164.endswith(re.sub(r"\D", "", echo["digits"])):
                    end = echo.end()
            ext = m.groupdict().get("ext")
            kind = _kind_near(text, m.start(), end)
            found.append((m.start(), end, Phone(number=e164, extension=ext, kind=kind)))
    return found


def _campus(text: str, lowered: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    for regex in (_CAMPUS_X_RE, _CAMPUS_BARE_RE):
        if not _may_match(regex, text, lowered):
            continue
        for m in regex.finditer(text):
            if regex is _CAMPUS_BARE_RE and not _nearest_cue_is_phone(text, m.start()):
                continue
            exchange = CAMPUS_EXCHANGES.get(m["prefix"])
            if exchange is None:
                continue  # ambiguous or not a campus prefix: nothing we can store
            number = _campus_to_e164(m.group(), m["prefix"], m["rest"])
            kind = _kind_near(text, m.start(), m.end())
            found.append((m.start(), m.end(), Phone(number=number, kind=kind)))
    return found


def _short_codes(text: str, lowered: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    if _may_match(_SMS_RE, text, lowered):
        found += (
            (m.start(), m.end(), Phone(number=m["code"], kind=PhoneKind.SMS))
            for m in _SMS_RE.finditer(text)
        )
    if not _may_match(_SHORT_RE, text, lowered):
        return found
    for m in _SHORT_RE.finditer(text):
        code = m["code"].replace("-", "")
        before = text[max(0, m.start() - 12) : m.start()]
        if _NOT_A_CODE_BEFORE_RE.search(before) or _STREET_AFTER_RE.match(text, m.end()):
            continue
        if code == "711" and not _RELAY_CUE_RE.search(_window_before(text, m.start())):
            continue  # "711" alone is too often a room or a count
        found.append((m.start(), m.end(), Phone(number=code, kind=SHORT_CODES[code])))
    return found


@functools.lru_cache(maxsize=1024)
def _find(text: str) -> tuple[Phone, ...]:
    taken = bytearray(len(text))
    accepted: list[_Candidate] = []
    # Earlier groups win overlaps: a full number beats the campus extension or
    # short code inside it.
    lowered = text.lower()
    for group in (_numbers(text, lowered), _campus(text, lowered), _short_codes(text, lowered)):
        for start, end, phone in group:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            accepted.append((start, end, phone))
    accepted.sort(key=lambda c: c[0])
    seen: set[tuple[str, str | None, PhoneKind]] = set()
    phones: list[Phone] = []
    for _, _, phone in accepted:
        key = (phone.number, phone.extension, phone.kind)
        if key not in seen:
            seen.add(key)
            phones.append(phone)
    return tuple(phones)


def find_phones(text: str) -> list[Phone]:
    """Every phone in free text, in order of appearance, without duplicates.

    Finds full numbers (with an extension kept in ``extension``), vanity numbers
    (``1-800-273-TALK (8255)`` once), campus extensions (``x3-1212`` always,
    ``3-1212`` only after a phone word such as "call" and not after a place word
    such as "room" or "located in"), text lines (``text HOME to 741741``, kind
    sms) and short codes (911, 988, and 711 after a relay/TTY/call word). A
    "TTY"/"fax"/"text" word before a number or "(TTY)" after it sets the kind.
    Never raises; what cannot be normalised (an ambiguous ``2-xxxx``) is skipped.
    Duplicates are the same (number, extension, kind).
    """
    return list(_find(text))
