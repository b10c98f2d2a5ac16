"""What a page's listings cost once read: parts shared, nothing checked twice.

A directory page of 10^5 listings is read whole by ``diff`` and every listing is kept in
the report, so the bytes a listing holds are multiplied by 10^5. The reader builds each
phone, location and link once per value, gives every listing the same set of fields and
one string per section, and does not validate again what it has just validated.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest
from benchmarks import generate
from benchmarks.steps import clear_caches

from resource_catalog.models import Link, Listing
from resource_catalog.pages.parse import parse_page
from resource_catalog.pages.text import clean_page_text

PAGE = """<html><body><main>
<h2>Help</h2>
<ul>
<li><strong>Night Line:</strong> Call 617-253-1212 in 10-250.
  <a href="/help">Help</a> <a href="https://www.example.edu/night">Website</a></li>
<li><strong>Day Line:</strong> Call 617-253-1212 or stop by 10-250.
  <a href="/help">Help</a></li>
<li><strong>Empty Link:</strong> See <a href="">nothing</a> or
  <a href="http://[::1">a broken one</a>.</li>
</ul>
<h2>Help</h2>
<ul><li><strong>Late Line:</strong> Room E23-100.</li></ul>
</main></body></html>"""


def test_listings_share_equal_parts_and_read_as_validated_models() -> None:
    night, day, empty, late = parse_page(PAGE, base_url="https://studentlife.example.edu/")
    assert night.phones[0] is day.phones[0]
    assert night.locations[0] is day.locations[0]
    assert night.links[0] is not day.links[0]  # a link's label is its own
    assert night.links[0] == day.links[0]
    assert night.section is late.section
    assert night.__pydantic_fields_set__ is day.__pydantic_fields_set__
    assert night.__pydantic_fields_set__ == set(Listing.model_fields)
    assert night.links[0].__pydantic_fields_set__ == set(Link.model_fields)
    assert empty.links == []  # an empty href and a URL no reader can follow are dropped
    for listing in (night, day, empty, late):
        # what the reader built is what validating its own dump builds
        again = Listing.model_validate(listing.model_dump())
        assert again == listing
        assert again.model_dump_json() == listing.model_dump_json()


@pytest.mark.untraced  # the first test covers the same paths, traced
def test_a_page_of_listings_is_read_within_its_memory_budget() -> None:
    # The page side of `diff`: the tree while the page is read (the peak) and the
    # listings kept afterwards, in bytes a listing on a generated directory page.
    count = 100
    page = generate.page_html(generate.page_listings(count))
    parse_page(page, base_url=generate.PAGE_URL)  # imports and compiled patterns first
    clear_caches()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        listings = parse_page(page, base_url=generate.PAGE_URL)
        clear_caches()  # the memo caches are not the listings' own
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(listings) == count
    assert (kept - start) / count < 3_400  # about 2,900 (4,000 when each part was its own)
    # the peak is BeautifulSoup's tree of the page and the pieces walked out of it:
    # about 14,200 (18,800 while the tree was still held as the listings were built)
    assert (peak - start) / count < 17_000


def test_a_clean_page_is_not_copied_and_a_dirty_one_is_cleaned() -> None:
    page = "<p>Caf\u00e9 \u2013 617-253-1212</p>\n" * 50
    assert clean_page_text(page) is page
    assert clean_page_text("a\x00b\x1b[0m\x85c") == "ab[0mc"
    # a lone surrogate reads as replacement characters, as UTF-8 decoding reads it
    lone = "x\ud800y\udfff\ud83d\ude00\x07z"
    expected = lone.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    assert clean_page_text(lone) == expected.replace("\x07", "")
    assert "\ufffd" in clean_page_text(lone)
