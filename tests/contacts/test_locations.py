"""Tests for resource_catalog.contacts.locations: the registry, parse_location, find_locations."""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resource_catalog.contacts.locations import (
    BUILDING_COLUMNS,
    BuildingInfo,
    BuildingRegistry,
    find_locations,
    load_buildings,
    nearest_buildings,
    parse_location,
)
from resource_catalog.errors import CatalogError, InvalidLocationError
from resource_catalog.models import Location

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "catalog" / "buildings.csv"
HEADER = ",".join(BUILDING_COLUMNS)

# --- the bundled registry ----------------------------------------------------


def test_bundled_registry_loads_every_row() -> None:
    with BUNDLED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    registry = load_buildings()
    assert len(registry) == len(rows) == 139
    assert [info.building for info in registry] == [row["building"] for row in rows]


def test_default_registry_is_cached() -> None:
    assert load_buildings() is load_buildings()
    assert load_buildings(BUNDLED) is not load_buildings()


@pytest.mark.parametrize(
    ("building", "expected"),
    [
        ("E23", BuildingInfo("E23", None, "25 Carleton Street", 42.361020, -71.086603)),
        ("W20", BuildingInfo("W20", "Stratton Student Center", "84 Massachusetts Avenue",
                             42.359054, -71.094787)),
        ("nw61", BuildingInfo("NW61", "Random Hall", "290 Massachusetts Avenue", None, None)),
        (" 5 ", BuildingInfo("5", "Pratt School of Naval Architecture and Marine Engineering",
                             "55 Massachusetts Avenue", 42.358711, -71.092920)),
        ("42", BuildingInfo("42", "Dickson Cogeneration Plant", "59, 71 Vassar Street",
                            42.361107, -71.093501)),
        ("S3", None),
        ("W85ABCD", None),
        ("", None),
    ],
)  # fmt: skip
def test_registry_get(building: str, expected: BuildingInfo | None) -> None:
    registry = load_buildings()
    assert registry.get(building) == expected
    assert (building in registry) is (expected is not None)


def test_registry_contains_non_strings_is_false() -> None:
    assert 5 not in load_buildings()


def test_registry_is_immutable() -> None:
    registry = load_buildings()
    with pytest.raises(AttributeError):
        registry._buildings = {}
    with pytest.raises(AttributeError):
        del registry._buildings
    info = registry.get("E23")
    assert info is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.name = "changed"  # type: ignore[misc]


def test_registry_rejects_duplicates() -> None:
    with pytest.raises(CatalogError, match="duplicate building '5'"):
        BuildingRegistry([BuildingInfo("5"), BuildingInfo("5")])


def test_registry_repr_and_iteration() -> None:
    registry = BuildingRegistry([BuildingInfo("E23"), BuildingInfo("5")])
    assert [b.building for b in registry] == ["E23", "5"]
    assert repr(registry) == "<BuildingRegistry: 2 buildings>"


# --- load_buildings errors -----------------------------------------------------


def write_csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "buildings.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_buildings_custom_file_and_blank_lines(tmp_path: Path) -> None:
    path = write_csv(tmp_path, f"{HEADER}\n5,Pratt,,42.1,-71.1\n\nE23,, 25 Carleton St ,,\n")
    registry = load_buildings(path)
    assert list(registry) == [
        BuildingInfo("5", "Pratt", None, 42.1, -71.1),
        BuildingInfo("E23", None, "25 Carleton St", None, None),
    ]


def test_load_buildings_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "buildings.csv"
    path.write_bytes(b"\xef\xbb\xbf" + f"{HEADER}\nE23,,,,\n".encode())
    assert "E23" in load_buildings(path)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("building,name,street_address,latitude\n5,,,1\n", 1, "missing ['longitude']"),
        (f"{HEADER},floor\n5,,,,,1\n", 1, "unexpected ['floor']"),
        ("", 1, "missing"),
        (f"{HEADER}\n5,,,,\n6,,,,\n5,Again,,,\n", 4, "duplicate building '5' (line 2)"),
        (f"{HEADER}\n5,,,north,-71.1\n", 2, "latitude 'north' is not a number"),
        (f"{HEADER}\n5,,,42.1,west\n", 2, "longitude 'west' is not a number"),
        (f"{HEADER}\n5,,,95,-71.1\n", 2, "latitude '95' is out of range"),
        (f"{HEADER}\n5,,,nan,-71.1\n", 2, "out of range"),
        (f"{HEADER}\n5,,,42.1,\n", 2, "given together"),
        (f"{HEADER}\nE 23,,,,\n", 2, "building 'E 23' is not a building number"),
        (f"{HEADER}\nW85ABCD,,,,\n", 2, "building 'W85ABCD' is not a building number"),
        (f"{HEADER}\n,Nameless,,,\n", 2, "building '' is not"),
        (f"{HEADER}\n5,,,\n", 2, "expected 5 fields, found 4"),
        (f'{HEADER}\n5,"unclosed,,,\n', 2, "malformed CSV"),
    ],
)
def test_load_buildings_errors_name_file_and_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(CatalogError) as info:
        load_buildings(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line {line}: ")
    assert reason in message
    assert info.value.findings
    assert info.value.findings[0].file == str(path)
    assert info.value.findings[0].field == f"line {line}"


def test_load_buildings_reports_every_bad_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, f"{HEADER}\n5,,,x,1\n6,,,,\nbad one,,,,\n6,,,,\n")
    with pytest.raises(CatalogError) as info:
        load_buildings(path)
    assert "(and 2 more)" in str(info.value)
    assert [f.field for f in info.value.findings] == ["line 2", "line 4", "line 5"]


def test_load_buildings_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot read the building registry"):
        load_buildings(tmp_path / "nope.csv")


def test_load_buildings_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "buildings.csv"
    path.write_bytes(f"{HEADER}\n".encode() + b"5,Caf\xe9,,,\n")
    with pytest.raises(CatalogError, match="not UTF-8"):
        load_buildings(path)


# --- parse_location ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "building", "room"),
    [
        ("5-104", "5", "104"),
        ("E23", "E23", None),
        ("W20-549", "W20", "549"),
        ("NW61", "NW61", None),
        ("Building 5, Room 104", "5", "104"),
        ("building 5 room 104", "5", "104"),
        ("Bldg. E23", "E23", None),
        ("room 5-104", "5", "104"),
        ("Rm. 5-104.", "5", "104"),
        ("e23", "E23", None),
        ("w20-549", "W20", "549"),
        ("  10 - 250 ", "10", "250"),
        ("building 32-G882", "32", "G882"),
        ("7A", "7A", None),
        ("10", "10", None),
    ],
)
def test_parse_location(text: str, building: str, room: str | None) -> None:
    assert parse_location(text) == Location(building=building, room=room)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Z99", "building Z99 is not in the building registry"),
        ("S3", "building S3 is not in the building registry"),
        ("NE45-100", "building NE45 is not in the building registry"),
        ("W85ABCD", "not a campus location"),
        ("room 10", "not a campus location"),
        ("hello", "not a campus location"),
        ("", "not a campus location"),
        ("5-", "not a campus location"),
        ("617-253-2916", "not a campus location"),
    ],
)
def test_parse_location_errors(text: str, reason: str) -> None:
    with pytest.raises(InvalidLocationError) as info:
        parse_location(text)
    assert info.value.value == text
    assert reason in info.value.reason


def test_parse_location_uses_the_given_registry() -> None:
    tiny = BuildingRegistry([BuildingInfo("Z99")])
    assert parse_location("z99-1", tiny) == Location(building="Z99", room="1")
    with pytest.raises(InvalidLocationError, match="not in the building registry"):
        parse_location("E23", tiny)


# --- find_locations ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Real listings from the source page.
        (
            (
                "Mental Health is located in E23 and may be contacted 617-253-2916. That same "
                "number will put you in touch with their 24-hour emergency on-call clinician"
            ),
            ["E23"],
        ),
        ("S3 is located in 5-104 and may be reached at 617-253-4861.", ["5-104"]),
        # Forms with context.
        ("Visit Building 10 today", ["10"]),
        ("It is located in 10.", ["10"]),
        ("Office: 10-250", ["10-250"]),
        ("Call us later. 10-250 is the office", ["10-250"]),  # the cue is in another sentence
        ("Building 5, Room 104", ["5-104"]),
        ("bldg. e23", ["E23"]),
        ("located in 5-1044", ["5-1044"]),
        ("in building 32-G882", ["32-G882"]),
        # Lettered buildings stand alone.
        ("Come to W20-549 or NW61, then E23", ["W20-549", "NW61", "E23"]),
        # Order of appearance, deduplicated.
        ("E23, then 5-104, then E23 again and 5-104", ["E23", "5-104"]),
        ("W20 and W20-549", ["W20", "W20-549"]),
    ],
)  # fmt: skip
def test_find_locations(text: str, expected: list[str]) -> None:
    assert [location.code for location in find_locations(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "call 617-253-2916",
        "(617) 253-2916",
        "a 24-hour line",
        "in 2024 and 1999",
        "S3 is a safe place",
        "call x3-1212",
        "reached at 3-1212",
        "Call us: 3-1212",
        "10 students in 5 rooms",
        "ages 18-100",
        "from 10-250 people",
        "5-10 minutes",
        "1-800 numbers",
        "1-800-273-TALK",
        "e23 lower case alone",
        "NE45 and Z99-100",
        "The W2 form",
        "room 104",
        "COVID-19",
        "10-250%",
    ],
)
def test_find_locations_false_positives(text: str) -> None:
    assert find_locations(text) == []


def test_find_locations_only_registry_buildings() -> None:
    tiny = BuildingRegistry([BuildingInfo("5")])
    assert [loc.code for loc in find_locations("E23 and 5-104", tiny)] == ["5-104"]


def test_find_locations_returns_a_fresh_list() -> None:
    first = find_locations("E23")
    first.clear()
    assert find_locations("E23") == [Location(building="E23")]


@given(st.text(max_size=200))
def test_find_locations_never_raises(text: str) -> None:
    registry = load_buildings()
    for location in find_locations(text):
        assert location.building in registry


_LOCATIONISH = st.text(alphabet="0123456789-EWN ,.()roombuildingxcall\n", max_size=80)


@given(_LOCATIONISH)
def test_find_locations_location_like_text(text: str) -> None:
    registry = load_buildings()
    for location in find_locations(text):
        assert location.building in registry
        # The code has no floor ("W2-2nd" is building W2, floor 2): compare without it.
        assert parse_location(location.code) == location.model_copy(update={"floor": None})


# --- issue 13: locations as a careful reader reads them ------------------------


def codes_and_floors(text: str) -> list[tuple[str, str | None]]:
    return [(loc.code, loc.floor) for loc in find_locations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Unicode hyphens between building and room.
        ("Room 5\u2010104 is on the left", [("5-104", None)]),
        ("Go to 10\u2011250 first", [("10-250", None)]),
        ("S3, 5\u2013104, is open", [("5-104", None)]),
        # Lettered rooms, lower case, wings, current buildings.
        ("Office hours in 32-G9", [("32-G9", None)]),
        ("meet at w20-500 after class", [("W20-500", None)]),
        (
            "Lit tea in 14N-417; Hayden Library (14S) is next door",
            [("14N-417", None), ("14S", None)],
        ),
        ("Facilities, NE49-2200; MIT Police, W89", [("NE49-2200", None), ("W89", None)]),
        # Floors after or before the building.
        ("Front desk: W98-2nd FL", [("W98", "2")]),
        ("Urgent care, E23, first floor", [("E23", "1")]),
        ("The office is in W31 on the 3rd floor", [("W31", "3")]),
        ("Counseling is on the third floor of E23", [("E23", "3")]),
        ("Drop in: 2nd floor, building E23", [("E23", "2")]),
        ("Building 10, 2nd floor", [("10", "2")]),
        # A room that cannot be dialled keeps its place after a phone word.
        ("Call x3-2811 or stop by W59-200.", [("W59-200", None)]),
        # Hardening: "from 5-104" is a place.
        ("From 5-104, walk east toward Lobby 10.", [("5-104", None)]),
        ("Take the shuttle from 10-250 to the boathouse.", [("10-250", None)]),
    ],
)
def test_find_locations_real_text_forms(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert codes_and_floors(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "from 3-5 pm",
        "ages 5-12",
        "Rooms hold 10-250 people",
        "The clinic gave 10-250 doses a day",
        "from 10-250 to 300 seats",  # a range
        "10 2nd floor",  # a plain number needs a hyphen or a building word
        "the 5th floor is closed",
        # The finders agree: an extension-shaped code with no cue is a phone, not a room.
        "Facilities answers at 3-4948",
        "3-4948",
        "Call Facilities: 3-4948",
    ],
)
def test_find_locations_real_text_negatives(text: str) -> None:
    assert find_locations(text) == []


def test_a_place_word_makes_an_extension_shaped_code_a_room() -> None:
    assert codes_and_floors("The lab is in room 3-1044") == [("3-1044", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("W98-2nd FL", Location(building="W98", floor="2")),
        ("E23, 3rd floor", Location(building="E23", floor="3")),
        ("5\u2013104", Location(building="5", room="104")),
        ("32\u2010G9", Location(building="32", room="G9")),
        ("14N-417", Location(building="14N", room="417")),
    ],
)
def test_parse_location_real_text_forms(text: str, expected: Location) -> None:
    assert parse_location(text) == expected


def test_a_floor_is_not_part_of_the_code() -> None:
    location = parse_location("W98-2nd FL")
    assert location.code == "W98"
    assert location.model_dump() == {"building": "W98", "room": None, "label": None, "floor": "2"}
    assert "floor" not in Location(building="W98").model_dump()  # old records stay as they were


@pytest.mark.parametrize("function", [parse_location, find_locations])
def test_none_is_a_type_error_with_a_message(function: Callable[[str], object]) -> None:
    with pytest.raises(TypeError, match=r"takes the text as a str, not NoneType"):
        function(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "nearest"),
    [
        ("NE45-100", "the nearest known: NE49"),
        ("14W-111", "the nearest known: 14, 14E, 14N"),
        ("E99", "the nearest known: E62, E60, E53"),
    ],
)
def test_an_unknown_building_names_the_nearest_known(text: str, nearest: str) -> None:
    with pytest.raises(InvalidLocationError) as info:
        parse_location(text)
    assert info.value.reason.endswith(f"({nearest})")


def test_nearest_buildings_falls_back_to_spelling() -> None:
    registry = BuildingRegistry([BuildingInfo("E23"), BuildingInfo("E25"), BuildingInfo("W20")])
    assert nearest_buildings("E24", registry) == ["E23", "E25"]
    assert nearest_buildings("XW20", registry) == ["W20"]
    assert nearest_buildings("Q", registry) == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Location: Building 16, Room 16-151", ["16-151"]),
        ("in Building 7 (7-104)", ["7-104"]),
        ("E23, room E23-368, any weekday", ["E23-368"]),
        ("7-104 (Building 7)", ["7-104"]),
        # named apart, in another clause or with another room: two places
        ("Staff moved to NE49; the help desk is NE49-2200.", ["NE49", "NE49-2200"]),
        ("W20 and W20-549", ["W20", "W20-549"]),
        ("Building 7, Room 10-250", ["7", "10-250"]),
    ],
)
def test_a_building_given_next_to_a_room_of_it_is_one_place(text: str, codes: list[str]) -> None:
    assert [loc.code for loc in find_locations(text)] == codes


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Defenses meet in room 154 in building 66 this term.", ["66-154"]),
        ("Rm. 104, Bldg E23", ["E23-104"]),
        ("Its staff sit in Walker Memorial (50).", ["50"]),
        # a number in parentheses after a word that is not in that building's name
        ("The hall seats students (50) at most.", []),
        ("Walker Memorial (48)", []),
    ],
)
def test_a_room_before_its_building_and_a_building_named_with_its_number(
    text: str, codes: list[str]
) -> None:
    assert [loc.code for loc in find_locations(text)] == codes
