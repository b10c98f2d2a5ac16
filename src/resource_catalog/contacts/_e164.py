"""One written number -> E.164: the core that parse_phone and find_phones share.

Holds the separators every phone pattern uses, a :class:`DialPlan` in the hashable
form the caches need (:class:`Dial`), and :func:`parse_number`, the cached
``text -> (E.164, extension)`` whose validity ``phonenumbers`` decides. The public
functions live in :mod:`resource_catalog.contacts.phones`.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

import phonenumbers

from resource_catalog.contacts._shortcodes import SHORT_CODES
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.profile import DialPlan


class Dial(NamedTuple):
    """A DialPlan as a hashable key for the caches (a DialPlan holds dicts)."""

    name: str
    country_code: int
    area_code: str
    prefixes: tuple[tuple[str, str], ...]
    ambiguous: tuple[tuple[str, str], ...]


def to_dial(plan: DialPlan | None) -> Dial | None:
    if plan is None:
        return None
    return Dial(
        plan.name,
        plan.country_code,
        plan.area_code,
        tuple(sorted(plan.prefixes.items())),
        tuple(sorted(plan.ambiguous.items())),
    )


_MAX_PHONE_TEXT = 64
_CACHE_SIZE = 8192
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})

SEP = r"[ \t\u00a0.\-\u2010-\u2015]"
DASH = r"[\-\u2010-\u2015\u2212]"
NOT_BEFORE = r"(?<![\w$#@/+.,\-\u2010-\u2015])"
#: NOT_BEFORE for a pattern's first digit, placed right after it ("\\d" + this).
NOT_BEFORE_DIGIT = r"(?<![\w$#@/+.,\-\u2010-\u2015]\d)"
NOT_AFTER = r"(?![\w%]|[.,/\-\u2010-\u2015]\d)"
EXT_WORD = r"(?i:x|ext\.?|extension)"
_TEL_URI_RE = re.compile(r"^tel:", re.I | re.ASCII)
NON_DIGIT_RE = re.compile(r"\D", re.ASCII)


_CAMPUS_TEXT_RE = re.compile(
    rf"(?:{EXT_WORD}[ \t]*(?P<xprefix>\d){DASH}?|(?P<prefix>\d){DASH})"
    r"(?P<rest>[0-9A-Za-z]{4})",
    re.ASCII,
)
_LOCAL_TEXT_RE = re.compile(r"(?P<exchange>\d{3})[ .\-](?P<rest>\d{4})", re.ASCII)


@functools.lru_cache(maxsize=256)
def region_code(region: str) -> int:
    """The country calling code of a region (``US`` -> 1, ``GB`` -> 44); 0 when unknown."""
    return int(phonenumbers.country_code_for_region(region.upper()))


def home_plan(dial: Dial | None, region: str) -> Dial | None:
    """The plan, when it applies to a page of ``region`` (a plan is one country's)."""
    return dial if dial is not None and dial.country_code == region_code(region) else None


class PlanTables(NamedTuple):
    """A Dial's lookups, built once per plan."""

    prefixes: dict[str, str]
    ambiguous: dict[str, str]
    exchanges: frozenset[str]
    country: str  # "+1"
    home: str  # "+1617"


@functools.lru_cache(maxsize=64)
def tables(dial: Dial) -> PlanTables:
    """The lookups of ``dial`` (cached: plans are few)."""
    prefixes = dict(dial.prefixes)
    country = f"+{dial.country_code}"
    return PlanTables(
        prefixes, dict(dial.ambiguous), frozenset(prefixes.values()), country,
        country + dial.area_code,
    )  # fmt: skip


def campus_to_e164(value: str, dial: Dial, prefix: str, rest: str) -> str:
    """Map a campus extension (``3`` + ``1212``) to E.164, or raise."""
    plan = tables(dial)
    if prefix in plan.ambiguous:
        raise InvalidPhoneError(value, plan.ambiguous[prefix])
    exchange = plan.prefixes.get(prefix)
    if exchange is None:
        raise InvalidPhoneError(value, f"{prefix}-xxxx is not an {dial.name} campus extension")
    digits = (
        rest if rest.isdigit() else phonenumbers.convert_alpha_characters_in_number(rest.upper())
    )
    return f"{plan.home}{exchange}{digits}"


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_number(text: str, region: str = "US", dial: Dial | None = None) -> tuple[str, str | None]:
    """``text`` -> (E.164, extension or None); raise InvalidPhoneError. Cached."""
    value = _TEL_URI_RE.sub("", text.strip())
    if not value:
        raise InvalidPhoneError(text, "empty")
    if len(value) > _MAX_PHONE_TEXT:
        raise InvalidPhoneError(text, "too long to be one phone number")
    if value in SHORT_CODES:
        raise InvalidPhoneError(text, "a short code has no E.164 form; store its digits")
    home = home_plan(dial, region)
    campus = _CAMPUS_TEXT_RE.fullmatch(value) if home else None
    local = _LOCAL_TEXT_RE.fullmatch(value) if home else None
    if home and campus:
        value = campus_to_e164(text, home, campus["xprefix"] or campus["prefix"], campus["rest"])
    elif home and local and local["exchange"] in tables(home).exchanges:
        value = f"+{home.country_code}{home.area_code}{local['exchange']}{local['rest']}"
    try:
        number = phonenumbers.parse(value, region.upper())
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


def nanp_e164(num: str) -> str | None:
    """A number ``_NANP_RE`` matched (digits only) -> E.164, or None when not valid."""
    digits = NON_DIGIT_RE.sub("", num)
    if len(digits) == 11 and digits[0] == "1":  # noqa: PLR2004
        digits = digits[1:]
    if len(digits) == 10 and digits[0] in "23456789":  # noqa: PLR2004
        return _nanp(digits)
    try:
        return parse_number(num)[0]
    except InvalidPhoneError:
        return None


def require_text(function: str, text: object) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{function}() takes the text as a str, not {type(text).__name__}")


def is_toll_free(e164: str) -> bool:
    if e164.startswith("+1"):
        return e164[2:5] in _TOLL_FREE
    kind = phonenumbers.number_type(phonenumbers.parse(e164, None))
    return kind in {phonenumbers.PhoneNumberType.TOLL_FREE, phonenumbers.PhoneNumberType.UAN}


def another_campus(numbers: list[str], dial: Dial) -> bool:
    """True when the text's geographic full numbers of the plan's country all have
    another area code: its short forms are that other place's, not this campus's."""
    plan = tables(dial)
    geographic = [n for n in numbers if n.startswith(plan.country) and not is_toll_free(n)]
    return bool(geographic) and not any(n.startswith(plan.home) for n in geographic)
