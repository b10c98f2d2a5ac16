"""A list of links to the page's own parts ("On this page") is a way around the page:
chrome, never listings."""

from __future__ import annotations

from resource_catalog.pages.infer import infer_profile
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup

_PAGE = """<html><body><main><h1>Getting help</h1>
<p>Jump to a part of this guide:</p>
<ul class="jump"><li><a href="#offices">Where to go first</a></li>
<li><a href="#late">Late at night</a></li><li><a href="#online">Help online</a></li></ul>
<h2 id="offices">Where to go first</h2>
<ul class="offices">
<li><a href="https://example.edu/counsel">Counseling Center</a> 617-555-0101</li>
<li><a href="https://example.edu/health">Student Health Clinic</a> 617-555-0102</li>
<li><a href="https://example.edu/dean">Dean on Call</a> 617-555-0103</li>
</ul>
<h2 id="late">Late at night</h2><p>The clinic's nurse line answers all night.</p>
<h2 id="online">Help online</h2><p>The counselors also meet students by video.</p>
</main></body></html>"""


def test_a_list_of_links_to_the_page_s_parts_is_chrome() -> None:
    tree = PageTree(page_soup(_PAGE))
    jump = tree.soup.select_one("ul.jump")
    offices = tree.soup.select_one("ul.offices")
    assert jump is not None
    assert offices is not None
    assert tree.is_chrome(jump)
    assert not tree.is_chrome(offices)


def test_the_parts_of_the_page_are_not_read_as_listings() -> None:
    inference = infer_profile(_PAGE, url="https://example.edu/help")
    names = [x.name for x in inference.reading.listings]
    assert names == ["Counseling Center", "Student Health Clinic", "Dean on Call"]


def test_a_list_whose_items_say_more_than_their_anchor_link_is_content() -> None:
    page = _PAGE.replace('">Late at night</a>', '">Late at night</a> (call 617-555-0104)')
    tree = PageTree(page_soup(page))
    jump = tree.soup.select_one("ul.jump")
    assert jump is not None
    assert not tree.is_chrome(jump)
