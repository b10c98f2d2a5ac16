"""Campus locations: text -> Location, and every location in free text.

MIT writes a room as ``<building>-<room>``: ``5-104`` is building 5, room 104;
``W20-549`` is building W20, room 549; ``32-G9`` has a lettered room; a building
alone is ``E23`` or ``NW61``; a floor without a room is ``W98-2nd FL``. The wings of
building 14 are buildings of their own in the registry (``14N-417``, ``14S-100``).
A building is only accepted when it is in the registry (``catalog/buildings.csv``,
see ``catalog/NOTICE.md`` for its sources; :mod:`resource_catalog.contacts._buildings` reads
it), so a typo cannot pass as a place.

:func:`find_locations` is deliberately conservative, because listings are full of
things that look like rooms: a plain number counts as a building only with
context (``Building 10``, ``located in 10``, ``10-250``), while a lettered
building (``E23``, ``W20``) stands alone; phone numbers, extensions
(``x3-1212``), ranges and durations (``24-hour``, ``5-10 minutes``) never count.
Whether a code such as ``3-4948`` is a room or a phone is decided once, for both
finders, by :func:`resource_catalog.contacts._scan.code_reading`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from resource_catalog.contacts._buildings import (
    BUILDING_COLUMNS,
    BuildingInfo,
    BuildingRegistry,
    load_buildings,
    nearest_buildings,
)
from resource_catalog.contacts._scan import DASHES, Reading, claim, code_reading, inside_full_number
from resource_catalog.errors import InvalidLocationError
from resource_catalog.models import Location

__all__ = [
    "BUILDING_COLUMNS",
    "BuildingInfo",
    "BuildingRegistry",
    "find_locations",
    "load_buildings",
    "nearest_buildings",
    "parse_location",
]

# --- parsing ---------------------------------------------------------------

_B = r"[A-Z]{0,2}[0-9]+[A-Z]{0,3}"
_R = r"[0-9A-Z][0-9A-Z.]*"
_ORDINAL = r"(?P<f>[0-9]{1,2})(?:ST|ND|RD|TH)"
_FLOOR_WORD = r"(?:FL\.?|FLR\.?|FLOOR)"
_ROOM_WORD = r"(?:ROOM|RM\.?)"
_BUILDING_WORD = r"(?:BUILDING|BLDG\.?)"
_DASH_RE = re.compile(f"[{DASHES}]")
_PARSE_FORMS = (
    # "5-104", "E23"
    re.compile(rf"(?P<b>{_B})(?: ?- ?(?P<r>{_R}))?", re.ASCII),
    # "W98-2nd FL", "E23, 3rd floor"
    re.compile(rf"(?P<b>{_B})(?: ?- ?|,? ){_ORDINAL}(?: ?{_FLOOR_WORD})?", re.ASCII),
    # "room 5-104" (a room word needs the building too: "room 10" is not building 10)
    re.compile(rf"{_ROOM_WORD} ?(?P<b>{_B}) ?- ?(?P<r>{_R})", re.ASCII),
    # "Building 5, Room 104", "Bldg. E23", "building 32-G882"
    re.compile(
        rf"{_BUILDING_WORD} ?(?P<b>{_B})(?:(?: ?- ?| ?[,;]? ?{_ROOM_WORD} ?)(?P<r>{_R}))?",
        re.ASCII,
    ),
)


def _unknown_building(text: str, building: str, registry: BuildingRegistry) -> InvalidLocationError:
    near = nearest_buildings(building, registry)
    hint = f"the nearest known: {', '.join(near)}" if near else "expected one such as E23 or 10"
    return InvalidLocationError(
        text, f"building {building} is not in the building registry ({hint})"
    )


def parse_location(text: str, registry: BuildingRegistry | None = None) -> Location:
    """Parse one campus location: ``5-104``, ``E23``, ``W20-549``, ``NW61``, ``W98-2nd FL``.

    Also accepts ``room 5-104``, ``Building 5, Room 104``, any hyphen or dash
    between building and room, and lower case (``e23``). ``registry`` defaults to
    the bundled one.

    Raises:
        InvalidLocationError: the text is not a location, or its building is not
            in the registry (the message names the nearest known buildings).
        TypeError: ``text`` is not a string (``None``, say).
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_location() takes the text as a str, not {type(text).__name__}")
    normal = _DASH_RE.sub("-", " ".join(text.split()).upper()).rstrip(".,;")
    for form in _PARSE_FORMS:
        match = form.fullmatch(normal)
        if match:
            break
    else:
        raise InvalidLocationError(
            text, "not a campus location (expected a building such as E23, or 5-104)"
        )
    fields = match.groupdict()
    building = fields["b"]
    registry = load_buildings() if registry is None else registry
    if building not in registry:
        raise _unknown_building(text, building, registry)
    return Location(building=building, room=fields.get("r"), floor=fields.get("f"))


# --- finding in free text --------------------------------------------------

_D = f"[{DASHES}]"
_NOT_BEFORE = rf"(?<![\w$#@/.+,{DASHES}])"
_NOT_AFTER = rf"(?![\w%]|[.,/:{DASHES}][0-9])"
_ROOM = r"(?:[A-Za-z][0-9]{1,4}[A-Za-z]?|[0-9]{3,4}[A-Za-z]?)"
# "Building 10", "bldg. E23, room 104", "building 32-G882": case-insensitive.
_KEYWORD_RE = re.compile(
    rf"""\b(?:building|bldg\.?)[ \t]+(?P<b>[A-Za-z]{{0,2}}[0-9]+[A-Za-z]?)
    (?:(?:{_D}|[ \t]*[,;]?[ \t]*(?:room|rm\.?)[ \t]+)(?P<r>[A-Za-z]?[0-9]+[A-Za-z]?))?
    {_NOT_AFTER}""",
    re.I | re.ASCII | re.VERBOSE,
)
# "room 154 in building 66", "Rm. 104, Bldg E23": the room first, then its building.
_ROOM_OF_RE = re.compile(
    rf"""\b(?:room|rm\.?)[ \t]+(?P<r>[A-Za-z]?[0-9]+[A-Za-z]?)[ \t]*,?[ \t]*
    (?:(?:in|of|at)[ \t]+)?(?:the[ \t]+)?(?:building|bldg\.?)[ \t]+
    (?P<b>[A-Za-z]{{0,2}}[0-9]+[A-Za-z]?){_NOT_AFTER}""",
    re.I | re.ASCII | re.VERBOSE,
)
# "Walker Memorial (50)": a building's number in parentheses after a word of its name
# (the registry's name for it); "students (50)" is a count.
_NAMED_RE = re.compile(r"(?P<word>[A-Za-z]{4,})[ \t]*\((?P<b>[0-9]{1,3}[A-Z]?)\)", re.ASCII)
# "5-104", "W20-549", "32-G9", "w20-500", "14N-417", "5\u2013104".
_CODE_ROOM_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<b>[A-Za-z]{{0,2}}[0-9]+[A-Za-z]{{0,3}}){_D}(?P<r>{_ROOM}){_NOT_AFTER}",
    re.ASCII,
)
_ORDINALS = {
    "first": "1", "second": "2", "third": "3", "fourth": "4", "fifth": "5",
    "sixth": "6", "seventh": "7", "eighth": "8", "ninth": "9", "tenth": "10",
}  # fmt: skip


def _ordinal(name: str) -> str:
    words = "|".join(_ORDINALS)
    return rf"(?:(?P<{name}>[0-9]{{1,2}})(?:st|nd|rd|th)|(?P<{name}w>{words}))"


_FLOOR_WORD_RE = r"(?:fl|flr|floor)\b\.?"
_ANY_B = r"[A-Za-z]{0,2}[0-9]+[A-Za-z]?"
# "W98-2nd FL", "N52-3rd", "E23, 3rd floor", "W31 on the 3rd floor", "Building 10, first floor".
_FLOOR_RE = re.compile(
    rf"""(?:\b(?:building|bldg\.?)[ \t]+|{_NOT_BEFORE})(?P<b>{_ANY_B})
    (?:{_D}{_ordinal("f")}(?:[ \t]*{_FLOOR_WORD_RE})?
      |[ \t]*,?[ \t]+(?:on[ \t]+)?(?:the[ \t]+)?{_ordinal("g")}[ \t]+{_FLOOR_WORD_RE})""",
    re.I | re.ASCII | re.VERBOSE,
)
# "the 3rd floor of W31", "2nd floor, building E23", "third floor in Building 10".
_FLOOR_OF_RE = re.compile(
    rf"""\b{_ordinal("f")}[ \t]+{_FLOOR_WORD_RE}[ \t]*(?:,|of|in|at)?[ \t]*(?:the[ \t]+)?
    (?P<kw>(?:building|bldg\.?)[ \t]+)?(?P<b>{_ANY_B}){_NOT_AFTER}""",
    re.I | re.ASCII | re.VERBOSE,
)
# "located in 10", "housed at building 7".
_LOCATED_RE = re.compile(
    rf"""\b(?:located|housed|based)[ \t]+(?:in|at)[ \t]+(?P<b>[0-9]+[A-Z]{{0,3}}){_NOT_AFTER}""",
    re.I | re.ASCII,
)
# "E23", "NW61": a lettered building on its own, upper case only; "14N": a wing.
_LETTERED_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<b>[A-Z]{{1,2}}[0-9]+[A-Z]{{0,3}}|[0-9]+[NSEW]){_NOT_AFTER}", re.ASCII
)

# Cheap necessary conditions for the patterns above, tested first: a pattern that starts
# with a look-behind or an optional part is tried at every position of the text.
_CODE_ROOM_HINT_RE = re.compile(rf"{_D}[A-Za-z]?[0-9]", re.ASCII)
_DASH_ORDINAL_RE = re.compile(rf"{_D}[0-9]{{1,2}}(?:st|nd|rd|th)\b", re.I | re.ASCII)
_LETTERED_HINT_RE = re.compile(r"[A-Z][0-9]", re.ASCII)  # one class first: fast
_WING_HINT_RE = re.compile(r"[0-9][NSEW]\b", re.ASCII)
_DIGIT_RE = re.compile(r"[0-9]", re.ASCII)

# "ages 18-100", "pages 10-250", "2 10-250": a range or a list of numbers.
# "ages 5-12", "pages 10-120", "(3) 10-250": a short number or a range word just before.
# The tail of a longer number ("617-253-2300 4-235", a phone then a room) is not one.
_RANGE_BEFORE_RE = re.compile(
    r"(?:\b(?:ages?|aged|pages?|pp|grades?|nos?|years?)\.?"
    r"|(?<![0-9.\-])[0-9]{1,3}[ \t]*\)?)[ \t]*$",
    re.I | re.ASCII,
)
# "10-250 to 300": the code starts a range (but "from 5-104 to 10-250" is a walk).
_RANGE_AFTER_RE = re.compile(
    rf"[ \t]*(?:to|through|thru|{_D})[ \t]*[0-9]+(?![0-9]*{_D}[0-9])", re.I | re.ASCII
)
_UNIT_AFTER_RE = re.compile(
    r"[ \t]*(?:%|percent\b|(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
    r"|people|students|times|am|pm|forms?|doses|sessions|participants|attendees|seats|visits"
    r"|patients|appointments|calls|cases|beds|copies|items|units|responses|members)\b)",
    re.I | re.ASCII,
)
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})


def _plausible(text: str, match: re.Match[str], *, code: bool) -> bool:
    """Reject a match that reads as a range, a quantity, or a phone number."""
    unit = _UNIT_AFTER_RE.match(text, match.end())
    # "Room E17-461 Hours Mon-Fri": a capitalised word after a room labels what comes
    # next; a quantity's unit is written in lower case ("5-10 hours")
    if unit and not (code and unit[0].strip()[:1].isupper() and not unit[0].isupper()):
        return False
    if code:
        before = text[max(0, match.start() - 12) : match.start()]
        if _RANGE_BEFORE_RE.search(before) or _RANGE_AFTER_RE.match(text, match.end()):
            return False
        if code_reading(text, match.start(), match.end()) is not Reading.PLACE:
            return False
        if inside_full_number(text, match.start(), match.end()):
            return False  # no room is read out of a phone number
    return True


_Candidate = tuple[int, int, Location]


def _patterns(text: str) -> list[re.Pattern[str]]:
    """The patterns that can match ``text``, the most specific first."""
    if not _DIGIT_RE.search(text):
        return []  # every form has a building number
    lowered = text.lower()
    floor_word = "fl" in lowered  # fl, flr, floor
    hints = (
        floor_word or _DASH_ORDINAL_RE.search(text) is not None,  # "W98-2nd" has no word
        floor_word,
        ("room" in lowered or "rm" in lowered) and ("building" in lowered or "bldg" in lowered),
        "building" in lowered or "bldg" in lowered,
        _CODE_ROOM_HINT_RE.search(text) is not None,
        "located" in lowered or "housed" in lowered or "based" in lowered,
        _LETTERED_HINT_RE.search(text) is not None or _WING_HINT_RE.search(text) is not None,
        "(" in text,
    )
    regexes = (
        _FLOOR_RE,
        _FLOOR_OF_RE,
        _ROOM_OF_RE,
        _KEYWORD_RE,
        _CODE_ROOM_RE,
        _LOCATED_RE,
        _LETTERED_RE,
        _NAMED_RE,
    )
    return [regex for regex, hint in zip(regexes, hints, strict=True) if hint]


def _floor(fields: dict[str, str | None]) -> str | None:
    for name in ("f", "g"):
        if fields.get(name):
            return fields[name]
        word = fields.get(name + "w")
        if word:
            return _ORDINALS[word.lower()]
    return None


def _location(
    m: re.Match[str], regex: re.Pattern[str], registry: BuildingRegistry
) -> Location | None:
    building = m["b"].upper()
    if building not in registry:
        return None
    fields = m.groupdict()
    if regex is _NAMED_RE:
        info = registry.get(building)  # known: checked above
        if not re.search(rf"\b{re.escape(fields['word'])}\b", (info and info.name) or "", re.I):
            return None
    room = (fields.get("r") or "").upper() or None
    if regex is _CODE_ROOM_RE and building == "1" and room in _TOLL_FREE:
        return None  # "1-800"
    if regex is _FLOOR_OF_RE or (
        regex is _FLOOR_RE and not fields.get("f") and not fields.get("fw")
    ):
        # "10, 2nd floor" or "2nd floor of 10": a plain number needs a building word.
        worded = fields.get("kw") or m.group().lower().startswith(("building", "bldg"))
        if not building[0].isalpha() and not worded:
            return None
    return _location_model(building, room, _floor(fields))


@functools.lru_cache(maxsize=4096)
def _location_model(building: str, room: str | None, floor: str | None) -> Location:
    """One validated, frozen :class:`Location` per value, shared by every text that has it."""
    return Location(building=building, room=room, floor=floor)


def _candidates(text: str, registry: BuildingRegistry) -> Iterator[list[_Candidate]]:
    """Candidates per pattern, the most specific pattern first."""
    for regex in _patterns(text):
        found: list[_Candidate] = []
        for m in regex.finditer(text):
            location = _location(m, regex, registry)
            if location is not None and _plausible(text, m, code=regex is _CODE_ROOM_RE):
                found.append((m.start(), m.end(), location))
        yield found


def _spans(text: str, registry: BuildingRegistry) -> list[tuple[int, int, Location]]:
    """Every location in ``text`` with its span, in order of appearance (duplicates kept)."""
    return claim(_candidates(text, registry))


# What may stand between a building and a room of it when the two name one place:
# "Building 16, Room 16-151", "E23 (E23-368)", "7-104 (building 7)".
_SAME_PLACE_GAP_RE = re.compile(
    rf"[\s,:(\[{DASHES}]*(?:(?:room|rm\.?|suite|ste\.?|office|in|building|bldg\.?)\b[\s#.:]*)?",
    re.I,
)


def _one_place(spans: list[tuple[int, int, Location]], text: str) -> list[Location]:
    """The locations, less a building given right next to a room of it: one place."""
    kept: list[Location] = []
    for i, (start, end, location) in enumerate(spans):
        if location.room is None and location.floor is None:
            near = [(spans[i - 1], text[spans[i - 1][1] : start])] if i else []
            if i + 1 < len(spans):
                near.append((spans[i + 1], text[end : spans[i + 1][0]]))
            if any(
                other[2].building == location.building
                and other[2].room is not None
                and _SAME_PLACE_GAP_RE.fullmatch(gap)
                for other, gap in near
            ):
                continue
        kept.append(location)
    return kept


@functools.lru_cache(maxsize=1024)
def _find(text: str, registry: BuildingRegistry) -> tuple[Location, ...]:
    seen: set[tuple[str, str | None, str | None]] = set()
    locations: list[Location] = []
    for location in _one_place(_spans(text, registry), text):
        key = (location.building, location.room, location.floor)
        if key not in seen:
            seen.add(key)
            locations.append(location)
    return tuple(locations)


def find_locations(text: str, registry: BuildingRegistry | None = None) -> list[Location]:
    """Every campus location in free text, in order of appearance, deduplicated.

    Only buildings in ``registry`` (default: the bundled one) count. Lettered
    buildings and wings stand alone (``E23``, ``14N``); a plain number needs context
    (``Building 10``, ``located in 10``, ``10-250``). A floor is kept when no room
    is given (``W98-2nd FL``). Phone numbers, extensions, ``24-hour``, years, ranges
    and acronyms such as ``S3`` give nothing. Never raises on text.

    Raises:
        TypeError: ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise TypeError(f"find_locations() takes the text as a str, not {type(text).__name__}")
    return list(_find(text, load_buildings() if registry is None else registry))
