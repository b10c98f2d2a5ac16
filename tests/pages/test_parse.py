"""Tests of parse.py against the golden pages in tests/data and small inline pages."""

from __future__ import annotations

import importlib.util
import json
import re
from html import unescape
from pathlib import Path

import pytest

from resource_catalog.errors import ParseError
from resource_catalog.models import Link, Listing
from resource_catalog.pages.fetch import decode_html
from resource_catalog.pages.parse import DEFAULT_PARSER, parse_page

ROOT = Path(__file__).parents[2]
DATA = Path(__file__).parents[1] / "data"
SNAPSHOT = ROOT / "catalog" / "snapshots" / "campus-resources.html"
CAPTURE = "http://studentlife.mit.edu/citizenship/resources"
SECTIONS = (
    "Support Resources",
    "Policy Documents",
    "Additional Institute Partners and Resources",
    "Off Campus Resources",
)
SUPPORT = "Support Resources"
ADDITIONAL = "Additional Institute Partners and Resources"
SUPPORT_NAMES = [
    "Mental Health and Counseling",
    "House Teams",
    "Chaplaincy",
    "Dean On Call",
    "Community Development and Substance Abuse",
    "MIT Conflict Management",
    "Student Support Services (S3)",
    "MIT Together",
    "Violence Prevetion and Response",
    "Resources for Easing Friction and Stress (REFS)",
    "Student Disability Services",
]
ADDITIONAL_NAMES = [
    "Ombuds Office",
    "",
    "MIT Police",
    "EthicsPoint",
    "Stop It!",
    "MIT Student Disability Services office (SDS)",
    "Office of the Dean for Graduate Education (ODGE)",
    "International Students Office (ISO)",
    "Residential Life and Dining",
    "Office of Fraternities, Sororities, and Independent Living Groups",
    "Annual Security and Fire Safety Report",
    "Guidelines for Raising Complaints about Harassment",
]
PARSERS = ["html.parser"] + (["lxml"] if importlib.util.find_spec("lxml") else [])


def page(name: str) -> str:
    return decode_html((DATA / name).read_bytes())


def parse(
    html: str,
    parser: str = "html.parser",
    *,
    base_url: str | None = None,
    known_sections: tuple[str, ...] | list[str] | None = None,
) -> list[Listing]:
    return parse_page(html, parser=parser, base_url=base_url, known_sections=known_sections)


def by_name(listings: list[Listing]) -> dict[str, Listing]:
    return {listing.name: listing for listing in listings}


def ul(*items: str, heading: str = "<h2>Support Resources</h2>") -> str:
    lis = "".join(f"<li>{item}</li>" for item in items)
    return f"<html><body><main>{heading}<ul>{lis}</ul></main></body></html>"


def one(item: str, *, base_url: str | None = None) -> Listing:
    (listing,) = parse(ul(item), base_url=base_url)
    return listing


# ------------------------------------------------------------------ the snapshot


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    "path", [DATA / "campus-resources.html", SNAPSHOT], ids=["golden", "bundled"]
)
def test_snapshot_yields_the_23_listings(path: Path, parser: str) -> None:
    listings = parse_page(
        decode_html(path.read_bytes()), base_url=CAPTURE, known_sections=SECTIONS, parser=parser
    )
    assert [x.name for x in listings if x.section == SUPPORT] == SUPPORT_NAMES
    assert [x.name for x in listings if x.section == ADDITIONAL] == ADDITIONAL_NAMES
    assert len(listings) == 23
    assert all(x.links == [] for x in listings)  # link targets were lost in capture


def test_descriptions_follow_the_name_rules() -> None:
    listings = by_name(parse(page("campus-resources.html")))
    # colon form: the text after the first colon, stripped, whitespace collapsed
    assert listings["Student Disability Services"].description.startswith(
        "The Office of Student Citizenship is committed"
    )
    assert (
        "substance use. CDSA also"
        in listings["Community Development and Substance Abuse"].description
    )
    # leading link: the whole listing, "The" included
    assert listings["MIT Police"].description.startswith("MIT Police are sworn law enforcement")
    assert listings["International Students Office (ISO)"].description.startswith(
        "The International Students Office (ISO) assists"
    )
    # lost link text: empty name, whole text
    assert listings[""].description.startswith("is a central web resource for information")
    # characters kept
    assert "The site\u2019s purpose" in listings["MIT Together"].description
    assert "(GRT)\u2014or" in listings["House Teams"].description
    assert "run by IS&T designed" in listings["Stop It!"].description


def test_matches_the_catalog_source_fields() -> None:
    """The catalog's ``source`` fields were written by the same rules: they must agree."""
    records = [
        json.loads(p.read_text("utf-8")) for p in (ROOT / "catalog/resources").glob("*.json")
    ]
    seen = [o for r in records for o in r["sources"] if o["source_id"] == "osc-campus-resources"]
    assert len(seen) == 23
    expected = sorted((o["name"], o["section"], o["description"]) for o in seen)
    got = sorted((x.name, x.section, x.description) for x in parse(page("campus-resources.html")))
    assert got == expected


def test_phones_and_locations_come_from_the_description() -> None:
    listings = by_name(parse(page("campus-resources.html")))
    s3 = listings["Student Support Services (S3)"]
    assert [p.number for p in s3.phones] == ["+16172534861"]
    assert [(loc.building, loc.room) for loc in s3.locations] == [("5", "104")]
    mental = listings["Mental Health and Counseling"]
    assert [p.number for p in mental.phones] == ["+16172532916"]
    assert [loc.building for loc in mental.locations] == ["E23"]
    assert [p.number for p in listings["Dean On Call"].phones] == ["+16172531212"]
    assert sum(len(x.phones) for x in listings.values()) == 3


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("name", ["campus-resources.html", "campus-resources-other-markup.html"])
def test_chrome_never_leaks(name: str, parser: str) -> None:
    html = page(name)
    assert "555-01" in html  # the chrome does carry phones and rooms
    assert "W20-549" in html
    listings = parse(html, parser=parser, base_url=CAPTURE)
    for listing in listings:
        text = f"{listing.name} {listing.description}"
        assert "555" not in text
        assert "W20-549" not in text
        assert not any("555" in p.number for p in listing.phones)
        assert not any(loc.building == "W20" and loc.room == "549" for loc in listing.locations)
    names = {x.name for x in listings}
    for chrome in ("Front desk", "Office hours", "Walk-in hours", "Emergency", "Injected", "Home"):
        assert chrome not in names
    assert "Office of Student Citizenship" not in names


def test_every_description_is_text_of_the_page() -> None:
    """Nothing is invented or glued together: each description is a run of the page's text."""
    html = page("campus-resources.html")
    text = " ".join(unescape(re.sub(r"<[^>]*>", "", html)).split())
    for listing in parse(html):
        assert listing.description in text
        assert f"{listing.name}: {listing.description}" in text or (
            listing.description.removeprefix("The ").startswith(listing.name)
        )


def test_unrelated_page_without_known_sections_keeps_only_its_main_content() -> None:
    listings = parse(page("unrelated-news.html"))
    assert [x.name for x in listings] == [
        "Dining hall hours",
        "New study spaces open",
        "bike share program",
        "Orientation fair",
        "",
    ]
    assert [x.section for x in listings] == ["Latest News"] * 3 + ["Upcoming Events"] * 2


# ------------------------------------------------------------------ markup independence


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(
    "name", ["campus-resources-other-markup.html", "campus-resources-cp1252.html"]
)
def test_same_content_in_other_markup_or_encoding_parses_the_same(name: str, parser: str) -> None:
    expected = parse(page("campus-resources.html"), base_url=CAPTURE)
    got = parse(page(name), parser=parser, base_url=CAPTURE)
    assert got == expected


def test_the_windows_1252_page_really_is_windows_1252() -> None:
    raw = (DATA / "campus-resources-cp1252.html").read_bytes()
    assert b"\x92" in raw  # right single quotation mark
    assert b"\x97" in raw  # em dash
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


@pytest.mark.parametrize("parser", PARSERS)
def test_parsers_agree_on_every_golden_page(parser: str) -> None:
    for name in sorted(p.name for p in DATA.glob("campus-resources*.html")):
        if "no-listings" in name:
            continue
        assert parse(page(name), parser) == parse(page(name), "html.parser"), name


def test_default_parser_is_lxml_when_installed() -> None:
    assert PARSERS[-1] == DEFAULT_PARSER
    assert parse_page(page("campus-resources.html")) == parse(page("campus-resources.html"))


@pytest.mark.parametrize(
    "item",
    [
        "<strong>House Teams:</strong> Your team &mdash; all of it.",
        "<b>House Teams:</b> Your team \u2014 all of it.",
        "<b>House Teams</b>: Your team &#x2014; all of it.",
        "<span><b>House<!-- c --> Teams</b></span>:<br>Your\n   team&nbsp;&#8212; all of it.",
        "<p><strong><span>House Teams:</span></strong></p><p>Your team \u2014 all   of it.</p>",
        "House Teams: Your team \u2014 all of it.",
    ],
)
def test_text_normalisation(item: str) -> None:
    assert one(item) == Listing(
        name="House Teams", section=SUPPORT, description="Your team \u2014 all of it."
    )


# ------------------------------------------------------------------ edits and bad pages


def test_page_with_known_edits() -> None:
    listings = by_name(parse(page("campus-resources-edited.html")))
    assert len(listings) == 23
    assert [p.number for p in listings["Student Support Services (S3)"].phones] == ["+16172539999"]
    assert "Chaplaincy" not in listings
    added = listings["Example Peer Listening Line"]
    assert added.section == ADDITIONAL
    assert [p.number for p in added.phones] == ["+16175550123"]


def test_page_that_lost_most_listings() -> None:
    listings = parse(page("campus-resources-gutted.html"), known_sections=SECTIONS)
    assert [x.name for x in listings] == [
        "Mental Health and Counseling",
        "Student Support Services (S3)",
        "MIT Police",
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_unrelated_page_is_not_recognised(parser: str) -> None:
    with pytest.raises(ParseError, match="page not recognised"):
        parse(page("unrelated-news.html"), parser=parser, known_sections=SECTIONS)


@pytest.mark.parametrize("parser", PARSERS)
def test_page_without_listings_is_not_recognised(parser: str) -> None:
    with pytest.raises(ParseError, match="no listings"):
        parse(page("campus-resources-no-listings.html"), parser=parser, known_sections=SECTIONS)


@pytest.mark.parametrize(
    "html",
    ["", "   ", "plain text", "<html><body><ul><li>no heading</li></ul></body></html>",
     "<h2>Support Resources</h2><p>no list</p>", "\x00\x01\x02<<<>>>", "<li" * 500],
)  # fmt: skip
def test_garbage_raises_parse_error(html: str) -> None:
    with pytest.raises(ParseError):
        parse(html)


def test_known_sections_are_matched_ignoring_case_and_spacing() -> None:
    html = ul("<b>X:</b> y", heading="<h3>support \n RESOURCES</h3>")
    assert [x.name for x in parse(html, known_sections=["Support Resources"])] == ["X"]
    with pytest.raises(ParseError, match="'Elsewhere'"):
        parse(html, known_sections=["Elsewhere"])


def test_bytes_are_refused() -> None:
    with pytest.raises(TypeError, match="str"):
        parse_page(b"<html></html>")  # type: ignore[arg-type]


# ------------------------------------------------------------------ name rules


@pytest.mark.parametrize(
    ("item", "name", "description"),
    [
        ("<strong>Name:</strong> text here", "Name", "text here"),
        ("<a>Name</a>: text here", "Name", "text here"),
        ("<strong>Name: text</strong> here: more", "Name", "text here: more"),
        ("Plain Name: text here", "Plain Name", "text here"),
        ("<a>Link</a> does things: really", "Link", "Link does things: really"),
        ("The <a>Office</a> helps", "Office", "The Office helps"),
        ("the <b>Office</b> helps", "Office", "the Office helps"),
        ("<a></a> is a site", "", "is a site"),
        ("<a> </a> is a site: yes", "", "is a site: yes"),
        ("<a id='x'></a><strong>Anchored:</strong> text", "Anchored", "text"),
        ("<strong></strong>Plain text only", "", "Plain text only"),
        ("Our <a>Office</a> helps", "", "Our Office helps"),
        ("See https://example.org for more", "", "See https://example.org for more"),
        ("just words", "", "just words"),
    ],
)
def test_name_rules(item: str, name: str, description: str) -> None:
    listing = one(item)
    assert (listing.name, listing.description) == (name, description)


# ------------------------------------------------------------------ structure


def test_sections_and_list_items() -> None:
    html = """<main>
      <ul><li><b>Before:</b> no heading yet</li></ul>
      <h2>One</h2><ul><li><b>A:</b> a</li></ul>
      <h3>Sub</h3><ol><li><b>B:</b> b <ul><li>nested</li></ul></li></ol>
      <h4>Deeper</h4><ul><li><b>C:</b> c</li></ul>
      <h2>Two</h2><ul><li><b>D:</b> d</li></ul>
      <h5>Not a section</h5><ul><li><b>E:</b> e</li></ul>
    </main>"""
    got = [(x.name, x.section, x.description) for x in parse(html)]
    assert got == [
        ("A", "One", "a"),
        ("B", "Sub", "b nested"),
        ("C", "Deeper", "c"),
        ("D", "Two", "d"),
        ("E", "Two", "e"),
    ]


def test_main_content_is_found_and_chrome_inside_it_removed() -> None:
    html = """<html><body>
      <header><h2>Site</h2><ul><li><b>Header:</b> 617-555-0100</li></ul></header>
      <div id="content" role="main">
        <nav class="breadcrumb"><ul><li>Home</li></ul></nav>
        <h2>Support Resources</h2>
        <script>document.write('<li><b>Script:</b> x</li>')</script>
        <style>li::before { content: "Style:" }</style>
        <ul><li><b>Real:</b> listing <noscript>617-555-0101</noscript></li></ul>
        <aside><ul><li><b>Aside:</b> x</li></ul></aside>
        <div class="menu"><ul><li><b>Menu:</b> x</li></ul></div>
        <template><ul><li><b>Template:</b> x</li></ul></template>
        <footer><ul><li><b>Inner footer:</b> x</li></ul></footer>
      </div>
      <div class="sidebar"><h2>Support Resources</h2><ul><li><b>Side:</b> x</li></ul></div>
      <footer><ul><li><b>Footer:</b> x</li></ul></footer>
    </body></html>"""
    for parser in PARSERS:
        assert [(x.name, x.description) for x in parse(html, parser=parser)] == [
            ("Real", "listing")
        ]


def test_without_a_main_container_the_body_without_chrome_is_used() -> None:
    html = """<body><nav><h2>Menu</h2><ul><li><b>Nav:</b> x</li></ul></nav>
      <h2>Support Resources</h2><ul><li><b>Body:</b> y</li></ul></body>"""
    assert [x.name for x in parse(html)] == ["Body"]


def test_a_main_candidate_without_the_known_headings_is_passed_over() -> None:
    html = """<body><main><h2>Elsewhere</h2><ul><li><b>Wrong:</b> x</li></ul></main>
      <div id="content"><h2>Support Resources</h2><ul><li><b>Right:</b> y</li></ul></div></body>"""
    assert [x.name for x in parse(html, known_sections=["Support Resources"])] == ["Right"]
    assert [x.name for x in parse(html)] == ["Wrong"]


# ------------------------------------------------------------------ links


def test_links_are_absolute_deduplicated_and_labelled() -> None:
    item = (
        '<a href="/medical/mental-health">Mental Health:</a> see '
        '<a href="https://medical.mit.edu/x">this</a>, <a href="/medical/mental-health">again</a>, '
        '<a href="mailto:a@mit.edu">mail</a>, <a href="javascript:void(0)">js</a>, '
        '<a href="#top">top</a>, <a href="tel:+16172532916">call</a>, <a>no href</a>, '
        '<a href="https://medical.mit.edu/y"><img alt=""></a>'
    )
    listing = one(item, base_url="https://studentlife.mit.edu/citizenship/resources")
    assert listing.name == "Mental Health"
    assert listing.links == [
        Link(url="https://studentlife.mit.edu/medical/mental-health", label="Mental Health:"),
        Link(url="https://medical.mit.edu/x", label="this"),
        Link(url="https://medical.mit.edu/y", label=None),
    ]


def test_relative_links_need_a_base_url() -> None:
    item = '<a href="/police">MIT Police</a> and <a href="http://example.org/a b">x</a>'
    listing = one(item)
    assert listing.name == "MIT Police"
    assert listing.links == []


def test_a_link_urljoin_cannot_read_is_left_out() -> None:
    # An unclosed IPv6 host makes urljoin raise: the listing keeps its other links.
    item = '<a href="http://[::1/desk">Help Desk</a>: <a href="https://ist.mit.edu/">IST</a>'
    listing = one(item, base_url="https://ist.mit.edu/help")
    assert listing.name == "Help Desk"
    assert listing.links == [Link(url="https://ist.mit.edu/", label="IST")]
