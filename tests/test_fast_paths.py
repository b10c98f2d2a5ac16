"""The performance fast paths give exactly what the straightforward code gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from resource_catalog.checks.validate import load_catalog
from resource_catalog.contacts import _e164, locations, phones
from resource_catalog.errors import InvalidPhoneError
from resource_catalog.exports.datapackage import json_text
from resource_catalog.exports.writers import to_json
from resource_catalog.models import Resource
from resource_catalog.pages.parse import parse_page
from resource_catalog.pages.profiles import CHROME_SELECTORS, CHROME_TAGS, select_each
from resource_catalog.profile import DEFAULT_CONTENT
from resource_catalog.store.catalog import Catalog

DATA = Path(__file__).resolve().parent / "data"
PAGES = sorted(
    p.relative_to(DATA).as_posix()
    for p in (*DATA.glob("*.html"), *DATA.glob("structures/*.html"))
    if "cp1252" not in p.name
)


def _reference_json(resources: list[Resource]) -> str:
    return json_text([r.model_dump(mode="json") for r in sorted(resources, key=lambda r: r.id)])


def test_to_json_writes_the_reference_text_for_the_bundled_catalog(
    bundled: Catalog,
) -> None:
    out = io.StringIO()
    to_json(bundled, out)
    assert out.getvalue() == _reference_json(list(bundled.active))


@pytest.mark.parametrize(
    "text",
    [
        'quote " backslash \\ slash / tab \t newline \n',
        "controls \x00 \x01 \x1f del \x7f",
        "nbsp \xa0 em dash \u2014 curly \u2019 line sep \u2028 para sep \u2029",
        "astral \U0001f600 and CJK \u4e2d\u6587",
        "lone surrogate \ud800 (Python's json writes it; pydantic cannot)",
    ],
)
def test_to_json_escapes_like_the_reference(bundled: Catalog, text: str) -> None:
    record = bundled.resources[0].model_copy(update={"description": text})
    out = io.StringIO()
    to_json([record], out)
    assert out.getvalue() == _reference_json([record])


@pytest.mark.untraced
@pytest.mark.parametrize("page", PAGES)
def test_one_walk_selects_what_soupsieve_selects(page: str) -> None:
    soup = BeautifulSoup((DATA / page).read_text(encoding="utf-8"), "html.parser")
    selectors = (
        *DEFAULT_CONTENT,
        *CHROME_TAGS,
        *CHROME_SELECTORS,
        "div > ul",
        "li:first-child",
        "h2, h3, h4",
        "h3,h2 , .region-content, #main-content",
        "li, li",
        "[role=main], main",
        "h2, :is(h3)",
        "form[role=search], li:first-child, div.content",
        "ul li",
        "li:not(.menu-item)",
        "a[href^=http]",
        "ul.menu, li.leaf",
        "div#main-content.region",
        "div.region.region-content, section#block-system-main",
        "li.menu-item.first.nowhere",
    )
    found = select_each(soup, selectors)
    for selector, tags in zip(selectors, found, strict=True):
        assert [id(t) for t in tags] == [id(t) for t in soup.select(selector)], selector
    inner = soup.body or soup  # a root below the document: relations above it still count
    for selector, tags in zip(selectors, select_each(inner, selectors), strict=True):
        assert [id(t) for t in tags] == [id(t) for t in inner.select(selector)], selector
    assert any(found), "the pages have chrome and main content to find"


def test_a_tag_with_ids_and_classes_matches_as_in_soupsieve() -> None:
    # compounds such as div#a.x are matched without soupsieve: every id and every class
    # must be on the element, in any order, and the tag name must agree
    soup = BeautifulSoup(
        '<div id="a" class="x y"><p class="y x">1</p><p id="a">2</p><div class="x">3</div>'
        '<section class="x y">4</section><div class="X">5</div></div>',
        "html.parser",
    )
    selectors = (
        "div.x.y",
        "div.y.x",
        "div#a.x",
        "div#b.x",
        "p.y",
        "p#a",
        "div.x.z",
        "div.x",
        "section.y, p.x",
        "div#a#a",
    )
    found = select_each(soup, selectors)
    for selector, tags in zip(selectors, found, strict=True):
        assert [id(t) for t in tags] == [id(t) for t in soup.select(selector)], selector
    assert [len(tags) for tags in found] == [1, 1, 1, 0, 1, 1, 0, 2, 2, 1]


@pytest.fixture
def bundled() -> Catalog:
    """The repository's catalog."""
    return load_catalog(Path(__file__).resolve().parent.parent / "catalog")


# -- phones and locations: cheap necessary conditions before the patterns -----------

_TRICKY = [
    "Call 617-253-1212 or (617) 253 1213, +1 617 253 1214, 1-800-273-TALK (8255).",
    "Fax: 617.253.9999; TTY 617-253-0000 (TTY); ext. 5 or x3-1212, EXT 4-5678, Ext.8-1234.",
    "From a campus phone dial 3-4357; room 3-4357 is not a phone. Extension 7-1234.",
    "Text HOME to 741741, TEXTING 12345 works; call 9-1-1 or 911, 988, relay 711.",
    "Room 711, 911 Main Street, page 988; International: +44 20 7946 0958.",
    "Building 10, bldg. E23, BUILDING 32-G882, Bldg 7 rm 104; located in 10; housed at 7.",
    "Offices W20-549, NW61, E23, 5-104, 10-250, N52-3rd; 24-hour line; 5-10 minutes; S3.",
    "Numbers 555-123-4567, 123-456-7890, 011-44-20-7946, 212 555 0100 and 1 617 253 1212.",
    "Non-ASCII: \u0130stanbul x3\u20131212, 617\u2011253\u20111212, \u00a0617 253 1212.",
    "The office is located in 10.",
    "W98-2nd FL, E23, third floor; the 3rd floor of W31; 2nd floor, building 10; 14S-100.",
    "Texting? Send REACH to 741 741, call 9-8-8, TRS: 711, or 253-7923; 617/253-1212.",
    "Services are housed at 7; the team is based in 4.",
    "Text 741741 for help. Call x3-1212. Dial 9-1-1.",
    "No digits here at all.",
    "",
]


def _corpus() -> list[str]:
    texts = list(_TRICKY)
    for name in ("campus-resources.html", "campus-resources-edited.html"):
        page = (DATA / name).read_text(encoding="utf-8")
        texts += [x.description for x in parse_page(page)]
    return texts


@pytest.mark.parametrize(
    "written",
    [
        "617-253-1212", "(617) 253-1212", "617.253.1212", "+1 617 253 1212", "1-617-253-1212",
        "6172531212", "16172531212", "800-273-8255", "212-555-0100", "555-123-4567",
        "100-253-1212", "011-253-1212", "617-053-1212", "911-253-1212", "888 555 1212",
    ],
)  # fmt: skip
def test_nanp_digits_give_what_phonenumbers_parse_gives(written: str) -> None:
    try:
        reference: str | None = _e164.parse_number(written)[0]
    except InvalidPhoneError:
        reference = None
    assert _e164.nanp_e164(written) == reference


def test_phone_hints_skip_only_patterns_that_cannot_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _corpus()
    hinted = [phones._find.__wrapped__(t) for t in texts]
    monkeypatch.setattr(phones, "_HINTS", {})
    assert [phones._find.__wrapped__(t) for t in texts] == hinted
    assert sum(map(len, hinted)) > 20  # the corpus does hold phones


def test_location_hints_skip_only_patterns_that_cannot_match(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    registry = locations.load_buildings()
    texts = _corpus()
    hinted = [locations._find.__wrapped__(t, registry) for t in texts]
    every = [
        locations._FLOOR_RE,
        locations._FLOOR_OF_RE,
        locations._KEYWORD_RE,
        locations._CODE_ROOM_RE,
        locations._LOCATED_RE,
        locations._LETTERED_RE,
    ]
    monkeypatch.setattr(locations, "_patterns", lambda text: every)
    assert [locations._find.__wrapped__(t, registry) for t in texts] == hinted
    assert sum(map(len, hinted)) > 10  # the corpus does hold locations
