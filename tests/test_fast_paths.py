"""The performance fast paths give exactly what the straightforward code gives."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from resource_catalog.catalog import Catalog, load_catalog
from resource_catalog.datapackage import json_text
from resource_catalog.export import to_json
from resource_catalog.models import Resource
from resource_catalog.parse import CHROME_SELECTORS, CHROME_TAGS, MAIN_SELECTORS, _select_each

DATA = Path(__file__).resolve().parent / "data"
PAGES = sorted(p.name for p in DATA.glob("*.html") if "cp1252" not in p.name)


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


@pytest.mark.parametrize("page", PAGES)
def test_one_walk_selects_what_soupsieve_selects(page: str) -> None:
    soup = BeautifulSoup((DATA / page).read_text(encoding="utf-8"), "html.parser")
    selectors = (*MAIN_SELECTORS, *CHROME_TAGS, *CHROME_SELECTORS, "div > ul", "li:first-child")
    found = _select_each(soup, selectors)
    for selector, tags in zip(selectors, found, strict=True):
        assert [id(t) for t in tags] == [id(t) for t in soup.select(selector)], selector
    assert any(found), "the pages have chrome and main content to find"


@pytest.fixture
def bundled() -> Catalog:
    """The repository's catalog."""
    return load_catalog(Path(__file__).resolve().parent.parent / "catalog")
