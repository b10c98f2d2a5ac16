"""Phone numbers: text -> E.164, and every phone in free text.

:func:`parse_phone` turns one written number into E.164 (``+16172531212``);
:func:`find_phones` finds every phone in a listing's free text for the scraper;
:func:`validate_phone_number` checks a stored ``Phone.number`` for the validator.
Validity is decided by the ``phonenumbers`` library, never by a pattern alone.
``region`` is the page's country (ISO 3166 alpha-2, default ``US``): a page from
elsewhere reads that country's national numbers and emergency numbers.

Campus extensions
-----------------
A campus's short extensions are data, a :class:`~resource_catalog.models.DialPlan`
passed as ``campus=``; :mod:`resource_catalog.contacts.dialplans` says how MIT writes its
own numbers and which plan applies to which text.

Short codes
-----------
A short code is stored as its digits with a ``kind`` saying what it is (see
:data:`SHORT_CODES`): 911 (emergency), 988 (Suicide & Crisis Lifeline, emergency),
711 (telecommunications relay, tty), 211 (community services and information, voice)
and 741741 (Crisis Text Line, sms). In free text
a short code needs a cue (:mod:`resource_catalog.contacts._shortcodes` has the rules).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

import phonenumbers
from phonenumbers import shortnumberinfo

from resource_catalog.contacts._e164 import (
    DASH,
    EXT_WORD,
    NON_DIGIT_RE,
    NOT_AFTER,
    NOT_BEFORE,
    NOT_BEFORE_DIGIT,
    SEP,
    Dial,
    another_campus,
    campus_to_e164,
    home_plan,
    nanp_e164,
    parse_number,
    region_code,
    require_text,
    tables,
    to_dial,
)
from resource_catalog.contacts._scan import Reading, claim, code_reading, window_before
from resource_catalog.contacts._shortcodes import SHORT_CODES, find_short_codes
from resource_catalog.contacts.dialplans import CAMPUS_EXCHANGES, MIT_DIAL_PLAN, resolve_campus
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.models import Phone, PhoneKind
from resource_catalog.profile import DialPlan

__all__ = [
    "CAMPUS_EXCHANGES",
    "MIT_DIAL_PLAN",
    "SHORT_CODES",
    "find_phones",
    "parse_phone",
    "resolve_campus",
    "suggest_e164",
    "validate_phone_number",
]

_MIT = to_dial(MIT_DIAL_PLAN)

# A separator, or a hyphen followed by a line break or spaces: a number broken across
# lines the way a word is ("617-253-" / "2300", which a page's text reads as
# "617-253- 2300") is one number to a reader.
_GROUP_SEP = rf"(?:{DASH}[ \t\u00a0]*(?:\r?\n[ \t\u00a0]*)?|{SEP})"
# A North American number, digits or vanity letters, with an optional extension:
# "617-253-1212", "(617) 253-1212", "(617)-253-1212", "617/253-1212", "1-800-273-TALK".
_NANP_RE = re.compile(
    rf"""{NOT_BEFORE}
    (?P<num>
      (?:\+?1{SEP}?)?
      (?:\([ ]?\d{{3}}[ ]?\)[ ]?(?:{DASH}[ ]?)?|\d{{3}}(?:{_GROUP_SEP}|/[ ]?)?)
      (?:\d{{3}}{_GROUP_SEP}?\d{{4}}|(?P<vanity>[0-9A-Z](?:[.\-\u2010-\u2015]?[0-9A-Z]){{6}}))
    )
    (?:[ \t]*,?[ \t]*{EXT_WORD}[ \t]*(?P<ext>\d{{1,6}}))?
    (?![\w%]|[.\-\u2010-\u2015]\d)""",
    re.VERBOSE | re.ASCII,
)
_INTL_RE = re.compile(
    rf"{NOT_BEFORE}(?P<num>\+[2-9](?:[ \t.()\-]?\d){{6,14}}){NOT_AFTER}", re.ASCII
)
# The digits repeated after a vanity number: "1-800-273-TALK (8255)".
_ECHO_RE = re.compile(r"[ \t]*\((?P<digits>\d[\d \t.\-]*)\)", re.ASCII)
# "x3-1212", "ext. 3-1212", also glued to the punctuation before it: "…,x3-1212".
_CAMPUS_X_RE = re.compile(
    rf"(?<![A-Za-z0-9]){EXT_WORD}[ \t]?(?P<prefix>\d){DASH}?"
    r"(?P<rest>\d{4}|[A-Z]{4})(?![\w-])",
    re.ASCII,
)
# "3-4948" (an extension) or "253-7923" (the last seven digits, an exchange of the
# campus's plan), in one pass. It starts with a digit and checks the character before
# it right after that digit: a pattern that starts with a look-behind is tried at
# every position of the text, one that starts with a digit class skips ahead in C.
_CAMPUS_BARE_RE = re.compile(
    rf"(?P<lead>\d){NOT_BEFORE_DIGIT}(?:(?P<mid>\d\d)[.\-]|{DASH})(?P<rest>\d{{4}}){NOT_AFTER}",
    re.ASCII,
)

_KIND_WORDS = {
    "tty": PhoneKind.TTY,
    "tdd": PhoneKind.TTY,
    "fax": PhoneKind.FAX,
    "facsimile": PhoneKind.FAX,
    "text": PhoneKind.SMS,
    "sms": PhoneKind.SMS,
    "voice": PhoneKind.VOICE,
}
# "617-253-0999 (TTY)", "1-800-249-9949 TTY/Voice": the first label word after it,
# unless it labels the next number ("617-… (TTY: 617-…)").
_LABEL_AFTER_RE = re.compile(
    r"[ \t]*[(\[]?[ \t]*(?P<word>tty|tdd|fax|sms|text|voice)\b(?![ \t]*:?[ \t]*[+(0-9])",
    re.I | re.ASCII,
)
# A contact block's one-letter labels: "T: 617-…  F: 617-…" (F is the fax line).
_F_LABEL_RE = re.compile(r"(?<![\w.])F[ \t]*:[ \t]*$", re.ASCII)
_KIND_CUE_RE = re.compile(
    r"\b(?:tty|tdd|fax|facsimile|text|sms|voice|call|phone|tel)\b", re.I | re.ASCII
)
_VOICE_CUES = frozenset({"call", "phone", "tel", "voice"})
_STICKY_KINDS = frozenset({PhoneKind.TTY, PhoneKind.FAX})
_LAST_DIGIT_RE = re.compile(r".*[0-9]", re.ASCII | re.DOTALL)
# Cheap necessary conditions, tested before the patterns above: a pattern that starts
# with a look-behind is tried at every position of the text, which was most of the
# cost of a listing; these start with a literal or a class and skip ahead in C.
_X_HINT_RE = re.compile(r"[xX](?:[tT](?:\.|ension)?)?[ \t]?\d", re.ASCII)  # x3, ext. 3
#: Per pattern, a necessary condition on (text, lower-cased text): when it is false
#: the pattern cannot match and is not run.
_HINTS: dict[re.Pattern[str], Callable[[str, str], bool]] = {
    _INTL_RE: lambda text, _: "+" in text,
    _CAMPUS_X_RE: lambda text, _: _X_HINT_RE.search(text) is not None,
}


def _may_match(regex: re.Pattern[str], text: str, lowered: str) -> bool:
    hint = _HINTS.get(regex)
    return hint is None or hint(text, lowered)


def parse_phone(text: str, *, region: str = "US", campus: DialPlan | None = MIT_DIAL_PLAN) -> str:
    """Normalise one written phone number to E.164.

    Accepts the usual US forms (``617-253-1212``, ``(617) 253-1212``,
    ``617.253.1212``, ``617/253-1212``, ``+1 617 253 1212``), vanity letters
    (``1-800-273-TALK``), a ``tel:`` URI, international ``+`` numbers, ``region``'s
    national numbers and ``campus``'s extensions (``x3-1212``, ``3-1212``,
    ``253-1212`` for MIT; see the module docstring). A number with an extension is
    rejected rather than silently dropping the extension: :func:`find_phones` keeps it.

    Raises:
        InvalidPhoneError: not exactly one valid phone number, an ambiguous campus
            extension (``2-xxxx``, ``5-xxxx``), or a short code such as ``911``.
        TypeError: ``text`` is not a string (``None``, say).
    """
    require_text("parse_phone", text)
    e164, extension = parse_number(text, region, to_dial(campus))
    if extension is not None:
        raise InvalidPhoneError(
            text, f"has an extension ({extension}); use find_phones to keep it, or store {e164}"
        )
    return e164


def suggest_e164(text: str) -> str | None:
    """The E.164 form a written number stands for, when one can be derived, else None.

    For messages that say what would be valid: ``"617-253-2916"`` -> ``"+16172532916"``.
    """
    try:
        return parse_number(text, "US", _MIT)[0]
    except InvalidPhoneError:
        return None


def validate_phone_number(number: str, *, regions: Iterable[str] = ()) -> None:
    """Check a stored ``Phone.number``: valid E.164, or a known short code.

    A short code is known when it is one of :data:`SHORT_CODES` (the US lines) or a
    valid short number of one of ``regions`` (the countries of the pages that list
    the record: ``999`` for GB).

    Raises:
        InvalidPhoneError: not canonical E.164, not a valid number according to
            ``phonenumbers``, or an unknown short code. The reason says what to write
            instead when that can be derived.
    """
    require_text("validate_phone_number", number)
    if number.isascii() and number.isdigit():
        if number not in SHORT_CODES and not any(
            _regional_short_number(number, r) for r in regions if r != "US"
        ):
            known = ", ".join(sorted(SHORT_CODES))
            raise InvalidPhoneError(number, f"not a known short code ({known})")
        return
    if not number.startswith("+"):
        hint = suggest_e164(number)
        reason = "neither E.164 (+digits) nor a short code"
        raise InvalidPhoneError(number, f"{reason}; write it as {hint}" if hint else reason)
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        raise InvalidPhoneError(number, "not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneError(number, "not a valid phone number")
    canonical = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if canonical != number:
        raise InvalidPhoneError(number, f"not in canonical E.164 form; write it as {canonical}")


def _regional_short_number(number: str, region: str) -> bool:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(shortnumberinfo.is_valid_short_number_for_region(parsed, region))


def _kind_near(text: str, start: int, end: int) -> PhoneKind:
    """The kind a number's surroundings give it: "(TTY)" after, "Fax:" before.

    Only the words since the previous number count ("Fax 617-… or call 617-…": the
    second is a voice line). A TTY or fax word keeps its kind through a later verb
    ("TTY users can call 617-…"); "call or text 617-…" is a voice line that also
    takes texts.
    """
    after = _LABEL_AFTER_RE.match(text, end)
    if after:
        return _KIND_WORDS[after["word"].lower()]
    window = window_before(text, start)
    last = _LAST_DIGIT_RE.match(window)
    if last:
        window = window[last.end() :]
    if _F_LABEL_RE.search(window):
        return PhoneKind.FAX
    cues = [m.group().lower() for m in _KIND_CUE_RE.finditer(window)]
    specific = [_KIND_WORDS[c] for c in cues if _KIND_WORDS.get(c) in _STICKY_KINDS]
    if not cues or cues[-1] not in _KIND_WORDS:
        return specific[-1] if specific else PhoneKind.VOICE
    kind = _KIND_WORDS[cues[-1]]
    if kind is PhoneKind.SMS and _VOICE_CUES.intersection(cues):
        return PhoneKind.VOICE  # "call or text 617-...": a voice line that also takes texts
    return kind


_Candidate = tuple[int, int, Phone]


def _phone(text: str, start: int, end: int, e164: str, ext: str | None = None) -> _Candidate:
    return start, end, _phone_model(e164, ext, _kind_near(text, start, end))


@functools.lru_cache(maxsize=4096)
def _phone_model(e164: str, ext: str | None, kind: PhoneKind) -> Phone:
    """One validated, frozen :class:`Phone` per value, shared by every text that has it:
    a directory of 10^5 listings writes the same few thousand numbers again and again."""
    return Phone(number=e164, extension=ext, kind=kind)


def _nanp_numbers(text: str, lowered: str) -> list[_Candidate]:
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
                e164 = nanp_e164(num)
            else:
                try:
                    e164 = parse_number(num)[0]
                except InvalidPhoneError:
                    e164 = None
            if e164 is None:
                continue
            end = m.end()
            if vanity is not None:
                echo = _ECHO_RE.match(text, end)
                if echo and e164.endswith(NON_DIGIT_RE.sub("", echo["digits"])):
                    end = echo.end()
            found.append(_phone(text, m.start(), end, e164, m.groupdict().get("ext")))
    return found


def _national_numbers(text: str, region: str) -> list[_Candidate]:
    """A page from outside North America: ``phonenumbers``' own matcher, for its region."""
    found: list[_Candidate] = []
    for m in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
        ext = str(m.number.extension) if m.number.extension else None
        found.append(_phone(text, m.start, m.end, str(e164), ext))
    return found


def _campus(text: str, lowered: str, dial: Dial) -> list[_Candidate]:
    plan = tables(dial)
    found: list[_Candidate] = []
    if _may_match(_CAMPUS_X_RE, text, lowered):
        for m in _CAMPUS_X_RE.finditer(text):
            if m["prefix"] in plan.prefixes:  # else ambiguous or not a campus prefix
                number = campus_to_e164(m.group(), dial, m["prefix"], m["rest"])
                found.append(_phone(text, m.start(), m.end(), number))
    for m in _CAMPUS_BARE_RE.finditer(text):
        lead, mid, rest = m["lead"], m["mid"], m["rest"]
        if mid is None and lead not in plan.prefixes:
            continue  # ambiguous or not a campus prefix: nothing we can store
        if mid is not None and lead + mid not in plan.exchanges:
            continue  # seven digits of another exchange
        if code_reading(text, m.start(), m.end()) is not Reading.PHONE:
            continue  # the scanner gives this code to the location finder
        exchange = plan.prefixes[lead] if mid is None else lead + mid
        found.append(_phone(text, m.start(), m.end(), f"{plan.home}{exchange}{rest}"))
    return found


def _spans(text: str, region: str = "US", dial: Dial | None = _MIT) -> list[_Candidate]:
    """Every phone in ``text`` with its span, in order of appearance (duplicates kept)."""
    lowered = text.lower()
    nanp = region_code(region) == 1
    numbers = _nanp_numbers(text, lowered) if nanp else _national_numbers(text, region.upper())
    home = home_plan(dial, region)
    campus: list[_Candidate] = []
    if home is not None:
        campus = _campus(text, lowered, home)
        if campus and another_campus([phone.number for _, _, phone in numbers], home):
            campus = []  # the page's full numbers say it is another campus's
    short = find_short_codes(text, lowered, nanp=nanp, region=region.upper())
    # Earlier groups win overlaps: a full number beats the campus extension or
    # short code inside it.
    return claim([numbers, campus, short])


@functools.lru_cache(maxsize=1024)
def _find(text: str, region: str = "US", dial: Dial | None = _MIT) -> tuple[Phone, ...]:
    seen: set[tuple[str, str | None, PhoneKind]] = set()
    phones: list[Phone] = []
    for _, _, phone in _spans(text, region, dial):
        key = (phone.number, phone.extension, phone.kind)
        if key not in seen:
            seen.add(key)
            phones.append(phone)
    return tuple(phones)


def find_phones(
    text: str, *, region: str = "US", campus: DialPlan | None = MIT_DIAL_PLAN
) -> list[Phone]:
    """Every phone in free text, in order of appearance, without duplicates.

    Finds full numbers (with an extension kept in ``extension``), vanity numbers
    (``1-800-273-TALK (8255)`` once), ``campus``'s extensions (``x3-1212`` always,
    ``3-1212`` unless the nearest cue word makes it a room, see
    :mod:`resource_catalog.contacts._scan`), text lines (``text HOME to 741741``, kind sms)
    and short codes named as lines (``call 911``, ``988 Suicide & Crisis Lifeline``,
    ``711`` with a relay word). A "TTY"/"fax"/"text" word before a number or "(TTY)"
    after it sets the kind. ``region`` is the page's country; ``campus=None`` reads no
    extensions at all. Never raises on text; what cannot be normalised (an ambiguous
    ``2-xxxx``) is skipped. Duplicates are the same (number, extension, kind).

    Raises:
        TypeError: ``text`` is not a string.
    """
    require_text("find_phones", text)
    return list(_find(text, region, to_dial(campus)))
