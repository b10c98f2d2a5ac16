"""Campus locations: the building registry, text -> Location, and every location in free text.

MIT writes a room as ``<building>-<room>``: ``5-104`` is building 5, room 104;
``W20-549`` is building W20, room 549; a building alone is ``E23`` or ``NW61``.
A building is only accepted when it is in the registry (``catalog/buildings.csv``,
see ``catalog/NOTICE.md`` for its sources), so a typo cannot pass as a place.

:func:`find_locations` is deliberately conservative, because listings are full of
things that look like rooms: a plain number counts as a building only with
context (``Building 10``, ``located in 10``, ``10-250``), while a lettered
building (``E23``, ``W20``) stands alone; phone numbers, extensions
(``x3-1212``), ranges and durations (``24-hour``, ``5-10 minutes``) never count.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Final

from resource_catalog._paths import bundled_catalog_dir
from resource_catalog.errors import CatalogError, InvalidLocationError
from resource_catalog.models import BUILDING_PATTERN, Finding, Location, Severity

__all__ = [
    "BUILDING_COLUMNS",
    "BuildingInfo",
    "BuildingRegistry",
    "find_locations",
    "load_buildings",
    "parse_location",
]

#: The columns of ``buildings.csv``, in order.
BUILDING_COLUMNS: Final = ("building", "name", "street_address", "latitude", "longitude")
_BUILDINGS_FILE = "buildings.csv"
_BUILDING_RE = re.compile(BUILDING_PATTERN)


@dataclass(frozen=True, slots=True)
class BuildingInfo:
    """One row of the building registry; empty cells are ``None``."""

    building: str
    name: str | None = None
    street_address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class BuildingRegistry:
    """The campus buildings, by number (immutable).

    ``"E23" in registry`` and ``registry.get("e23")`` ignore case and
    surrounding spaces; iteration yields :class:`BuildingInfo` in file order.
    """

    __slots__ = ("_buildings",)
    _buildings: Mapping[str, BuildingInfo]

    def __init__(self, buildings: Iterable[BuildingInfo] = ()) -> None:
        """Build a registry; a building number given twice raises CatalogError."""
        table: dict[str, BuildingInfo] = {}
        for info in buildings:
            if info.building in table:
                raise CatalogError(f"duplicate building {info.building!r} in the registry")
            table[info.building] = info
        object.__setattr__(self, "_buildings", MappingProxyType(table))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __contains__(self, building: object) -> bool:
        return isinstance(building, str) and building.strip().upper() in self._buildings

    def get(self, building: str) -> BuildingInfo | None:
        """The registry row for ``building``, or ``None`` when it is unknown."""
        return self._buildings.get(building.strip().upper())

    def __len__(self) -> int:
        return len(self._buildings)

    def __iter__(self) -> Iterator[BuildingInfo]:
        return iter(self._buildings.values())

    def __repr__(self) -> str:
        return f"<BuildingRegistry: {len(self)} buildings>"


# --- loading ---------------------------------------------------------------


def _optional(cell: str) -> str | None:
    cell = cell.strip()
    return cell or None


def _coordinate(cell: str, column: str, limit: float) -> float | None:
    """Parse a latitude/longitude cell; raise ValueError with the reason."""
    text = cell.strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(f"{column} {text!r} is out of range (-{limit:g}..{limit:g})")
    return value


def _row_info(cells: dict[str, str]) -> BuildingInfo:
    """One CSV row -> BuildingInfo; raise ValueError naming the bad value."""
    building = cells["building"].strip()
    if not _BUILDING_RE.fullmatch(building):
        raise ValueError(f"building {building!r} is not a building number like 5, E23, NW61 or 7A")
    latitude = _coordinate(cells["latitude"], "latitude", 90)
    longitude = _coordinate(cells["longitude"], "longitude", 180)
    if (latitude is None) != (longitude is None):
        raise ValueError("latitude and longitude must be given together")
    return BuildingInfo(
        building=building,
        name=_optional(cells["name"]),
        street_address=_optional(cells["street_address"]),
        latitude=latitude,
        longitude=longitude,
    )


def _read_registry(path: Path) -> BuildingRegistry:
    """Read and check a buildings.csv, reporting every bad line at once."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: building registry is not UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read the building registry: {exc}") from exc
    problems: list[tuple[int, str]] = []
    infos: list[BuildingInfo] = []
    first_line: dict[str, int] = {}
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        missing = [c for c in BUILDING_COLUMNS if c not in header]
        unknown = [c for c in header if c not in BUILDING_COLUMNS]
        if missing or unknown or len(set(header)) != len(header):
            expected = ",".join(BUILDING_COLUMNS)
            detail = f"missing {missing}" if missing else f"unexpected {unknown or header}"
            raise CatalogError(
                f"{path}, line 1: header must be {expected} ({detail})",
                [_problem(path, 1, f"header must be {expected} ({detail})")],
            )
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.append((line, f"expected {len(header)} fields, found {len(row)}"))
                continue
            try:
                info = _row_info(dict(zip(header, row, strict=True)))
            except ValueError as exc:
                problems.append((line, str(exc)))
                continue
            if info.building in first_line:
                where = first_line[info.building]
                problems.append((line, f"duplicate building {info.building!r} (line {where})"))
                continue
            first_line[info.building] = line
            infos.append(info)
    except csv.Error as exc:
        problems.append((reader.line_num, f"malformed CSV: {exc}"))
    if problems:
        line, reason = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CatalogError(
            f"{path}, line {line}: {reason}{more}",
            [_problem(path, n, why) for n, why in problems],
        )
    return BuildingRegistry(infos)


def _problem(path: Path, line: int, reason: str) -> Finding:
    return Finding(
        severity=Severity.ERROR,
        code="building-registry",
        message=f"line {line}: {reason}",
        file=str(path),
        field=f"line {line}",
    )


@functools.cache
def _default_registry() -> BuildingRegistry:
    return _read_registry(bundled_catalog_dir() / _BUILDINGS_FILE)


def load_buildings(path: str | os.PathLike[str] | None = None) -> BuildingRegistry:
    """Read a building registry CSV (default: the bundled ``buildings.csv``, cached).

    Raises:
        CatalogError: the file cannot be read, or its header, a building number,
            a coordinate or a duplicate building is wrong; the message names the
            file and the line, and ``.findings`` lists every bad line.
    """
    if path is None:
        return _default_registry()
    return _read_registry(Path(path))


# --- parsing ---------------------------------------------------------------

_B = r"[A-Z]{0,2}[0-9]+[A-Z]{0,3}"
_R = r"[0-9A-Z][0-9A-Z.]*"
_ROOM_WORD = r"(?:ROOM|RM\.?)"
_BUILDING_WORD = r"(?:BUILDING|BLDG\.?)"
_PARSE_FORMS = (
    # "5-104", "E23"
    re.compile(rf"(?P<b>{_B})(?: ?- ?(?P<r>{_R}))?", re.ASCII),
    # "room 5-104" (a room word needs the building too: "room 10" is not building 10)
    re.compile(rf"{_ROOM_WORD} ?(?P<b>{_B}) ?- ?(?P<r>{_R})", re.ASCII),
    # "Building 5, Room 104", "Bldg. E23", "building 32-G882"
    re.compile(
        rf"{_BUILDING_WORD} ?(?P<b>{_B})(?:(?: ?- ?| ?[,;]? ?{_ROOM_WORD} ?)(?P<r>{_R}))?",
        re.ASCII,
    ),
)


def parse_location(text: str, registry: BuildingRegistry | None = None) -> Location:
    """Parse one campus location: ``5-104``, ``E23``, ``W20-549``, ``NW61``.

    Also accepts ``room 5-104``, ``Building 5, Room 104`` and lower case
    (``e23``). ``registry`` defaults to the bundled one.

    Raises:
        InvalidLocationError: the text is not a location, or its building is not
            in the registry.
    """
    normal = " ".join(text.split()).upper().rstrip(".,;")
    for form in _PARSE_FORMS:
        match = form.fullmatch(normal)
        if match:
            break
    else:
        raise InvalidLocationError(
            text, "not a campus location (expected a building such as E23, or 5-104)"
        )
    building, room = match["b"], match["r"]
    registry = load_buildings() if registry is None else registry
    if building not in registry:
        raise InvalidLocationError(text, f"building {building} is not in the building registry")
    return Location(building=building, room=room)


# --- finding in free text --------------------------------------------------

_NOT_BEFORE = r"(?<![\w$#@/.+,\-\u2010-\u2015])"
_NOT_AFTER = r"(?![\w%]|[.,/:\-\u2010-\u2015][0-9])"
# "Building 10", "bldg. E23, room 104", "building 32-G882": case-insensitive.
_KEYWORD_RE = re.compile(
    rf"""\b(?:building|bldg\.?)[ \t]+(?P<b>[A-Za-z]{{0,2}}[0-9]+[A-Za-z]?)
    (?:(?:-|[ \t]*[,;]?[ \t]*(?:room|rm\.?)[ \t]+)(?P<r>[A-Za-z]?[0-9]+[A-Za-z]?))?
    {_NOT_AFTER}""",
    re.I | re.ASCII | re.VERBOSE,
)
# "5-104", "W20-549", "32-G882": upper case only.
_CODE_ROOM_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<b>[A-Z]{{0,2}}[0-9]+[A-Z]{{0,3}})-(?P<r>[A-Z]?[0-9]{{3,4}}[A-Z]?){_NOT_AFTER}",
    re.ASCII,
)
# "located in 10", "housed at building 7".
_LOCATED_RE = re.compile(
    rf"""\b(?:located|housed|based)[ \t]+(?:in|at)[ \t]+(?P<b>[0-9]+[A-Z]{{0,3}}){_NOT_AFTER}""",
    re.I | re.ASCII,
)
# "E23", "NW61": a lettered building on its own, upper case only.
_LETTERED_RE = re.compile(
    rf"{_NOT_BEFORE}(?P<b>[A-Z]{{1,2}}[0-9]+[A-Z]{{0,3}}){_NOT_AFTER}", re.ASCII
)

# Cheap necessary conditions for the patterns above, tested first: a pattern that starts
# with a look-behind or an optional part is tried at every position of the text.
_CODE_ROOM_HINT_RE = re.compile(r"-[A-Z]?[0-9]{3}", re.ASCII)
_LETTERED_HINT_RE = re.compile(r"[A-Z][0-9]", re.ASCII)
_DIGIT_RE = re.compile(r"[0-9]", re.ASCII)

_SENTENCE_END_RE = re.compile(r"[.!?;](?:\s|$)|\n")
_CUE_RE = re.compile(
    r"""\b(?P<phone>call(?:ing)?|phone|telephone|tel|dial|contact(?:ed)?|reach(?:ed)?
    |hotline|number|ext|extension|fax|tty|tdd|x)\b
    |\b(?P<place>room|rm|building|bldg|located|suite|office|floor|in)\b""",
    re.I | re.ASCII | re.VERBOSE,
)
_RANGE_BEFORE_RE = re.compile(
    r"(?:\b(?:from|between|ages?|aged|pages?|pp|grades?|nos?|years?)\.?|[0-9][ \t]*\)?)[ \t]*$",
    re.I | re.ASCII,
)
_UNIT_AFTER_RE = re.compile(
    r"[ \t]*(?:%|percent\b|(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?"
    r"|people|students|times|am|pm|forms?)\b)",
    re.I | re.ASCII,
)
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})
_WINDOW = 40


def _nearest_cue_is_phone(text: str, start: int) -> bool:
    window = text[max(0, start - _WINDOW) : start]
    ends = list(_SENTENCE_END_RE.finditer(window))
    if ends:
        window = window[ends[-1].end() :]
    cues = list(_CUE_RE.finditer(window))
    return bool(cues) and cues[-1]["phone"] is not None


def _plausible(text: str, match: re.Match[str], *, numeric_context: bool) -> bool:
    """Reject a match that reads as a range, a quantity, or a phone number."""
    if _UNIT_AFTER_RE.match(text, match.end()):
        return False
    if numeric_context:
        before = text[max(0, match.start() - 12) : match.start()]
        if _RANGE_BEFORE_RE.search(before) or _nearest_cue_is_phone(text, match.start()):
            return False
    return True


_Candidate = tuple[int, int, Location]


def _patterns(text: str) -> list[re.Pattern[str]]:
    """The patterns that can match ``text``, the most specific first."""
    if not _DIGIT_RE.search(text):
        return []  # every form has a building number
    lowered = text.lower()
    hints = (
        "building" in lowered or "bldg" in lowered,
        _CODE_ROOM_HINT_RE.search(text) is not None,
        "located" in lowered or "housed" in lowered or "based" in lowered,
        _LETTERED_HINT_RE.search(text) is not None,
    )
    regexes = (_KEYWORD_RE, _CODE_ROOM_RE, _LOCATED_RE, _LETTERED_RE)
    return [regex for regex, hint in zip(regexes, hints, strict=True) if hint]


def _candidates(text: str, registry: BuildingRegistry) -> Iterator[list[_Candidate]]:
    """Candidates per pattern, the most specific pattern first."""
    for regex in _patterns(text):
        found: list[_Candidate] = []
        for m in regex.finditer(text):
            building = m["b"].upper()
            room = (m.groupdict().get("r") or "").upper() or None
            if building not in registry:
                continue
            if regex is _CODE_ROOM_RE and (
                not _plausible(text, m, numeric_context=True)
                or (building == "1" and room in _TOLL_FREE)
            ):
                continue
            if regex is not _CODE_ROOM_RE and not _plausible(text, m, numeric_context=False):
                continue
            found.append((m.start(), m.end(), Location(building=building, room=room)))
        yield found


@functools.lru_cache(maxsize=1024)
def _find(text: str, registry: BuildingRegistry) -> tuple[Location, ...]:
    taken = bytearray(len(text))
    accepted: list[_Candidate] = []
    for group in _candidates(text, registry):
        for start, end, location in group:
            if 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            accepted.append((start, end, location))
    accepted.sort(key=lambda c: c[0])
    seen: set[tuple[str, str | None]] = set()
    locations: list[Location] = []
    for _, _, location in accepted:
        key = (location.building, location.room)
        if key not in seen:
            seen.add(key)
            locations.append(location)
    return tuple(locations)


def find_locations(text: str, registry: BuildingRegistry | None = None) -> list[Location]:
    """Every campus location in free text, in order of appearance, deduplicated.

    Only buildings in ``registry`` (default: the bundled one) count. Lettered
    buildings stand alone (``E23``); a plain number needs context (``Building
    10``, ``located in 10``, ``10-250``). Phone numbers, extensions, ``24-hour``,
    years, ranges and acronyms such as ``S3`` give nothing. Never raises.
    """
    return list(_find(text, load_buildings() if registry is None else registry))
