"""The campus building registry: ``catalog/buildings.csv`` read, checked and looked up.

:func:`load_buildings` reads the registry (the bundled one by default, cached) and
reports every bad line at once; :class:`BuildingRegistry` answers "is this a
building?" ignoring case; :func:`nearest_buildings` names the known buildings
closest to an unknown one, for messages. :mod:`resource_catalog.contacts.locations`
re-exports the public names.
"""

from __future__ import annotations

import csv
import difflib
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

from resource_catalog._base.atomic import read_regular
from resource_catalog._base.paths import bundled_catalog_dir
from resource_catalog.errors import CatalogError
from resource_catalog.models import BUILDING_PATTERN, Finding, Severity

__all__ = [
    "BUILDING_COLUMNS",
    "BuildingInfo",
    "BuildingRegistry",
    "load_buildings",
    "nearest_buildings",
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
        text = read_regular(path).decode("utf-8-sig")
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


_PARTS_RE = re.compile(r"([A-Z]*)([0-9]+)([A-Z]*)", re.ASCII)


def nearest_buildings(building: str, registry: BuildingRegistry, limit: int = 3) -> list[str]:
    """The known buildings closest to an unknown ``building``, closest first.

    Same letters first (``NE45`` -> ``NE46``...), nearest number first; else the
    closest spellings. For messages that say what would be valid.
    """
    wanted = building.strip().upper()
    parts = _PARTS_RE.fullmatch(wanted)
    known = [info.building for info in registry]
    if parts:
        letters, number = parts[1], int(parts[2])
        same = [
            (abs(int(m[2]) - number), b)
            for b in known
            if (m := _PARTS_RE.fullmatch(b)) and m[1] == letters
        ]
        if same:
            return [b for _, b in sorted(same)[:limit]]
    return difflib.get_close_matches(wanted, known, n=limit, cutoff=0.5)
