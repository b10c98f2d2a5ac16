"""Headings that say only when ("During Business Hours", "Outside of Business Hours")
are no offices' names, and a side menu named by its class ("side-nav") is chrome."""

from __future__ import annotations

import pytest

from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup
from resource_catalog.pages.scoring import name_quality


@pytest.mark.parametrize(
    "name", ["During Business Hours", "Outside of Business Hours", "After Hours", "Overnight"]
)
def test_a_heading_that_says_only_when_reads_as_no_name(name: str) -> None:
    assert name_quality(name) < 0.5


@pytest.mark.parametrize(
    "name", ["Business Office", "After Hours Support Line", "Night Desk", "Evening Clinic"]
)
def test_an_office_named_after_its_hours_is_still_a_name(name: str) -> None:
    assert name_quality(name) > 0.9


def test_a_side_menu_named_by_its_class_is_chrome_and_its_sibling_content_is_not() -> None:
    tree = PageTree(
        page_soup(
            '<html><body><main><div class="side-nav"><h3>Topics</h3><ul>'
            '<li><a href="/a">Safety</a></li><li><a href="/b">Travel</a></li></ul></div>'
            '<div class="side-content"><h2>Help Desk</h2><p>Call 617-555-0100.</p></div>'
            "</main></body></html>"
        )
    )
    menu, content = tree.soup.select_one(".side-nav"), tree.soup.select_one(".side-content")
    assert menu is not None
    assert content is not None
    assert tree.is_chrome(menu)
    assert not tree.is_chrome(content)
