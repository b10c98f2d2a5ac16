"""Profile inference on the structures corpus: every structure, steering, weak pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from resource_catalog.errors import ParseError
from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup, read_listings
from resource_catalog.pages.scoring import name_quality
from resource_catalog.profile import Grouping, Profile, SectionFrom

STRUCTURES = Path(__file__).resolve().parents[1] / "data" / "structures"
PAGES = sorted(STRUCTURES.glob("*.html"))


def _truth(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        page.with_suffix("").with_suffix(".expected.json").read_text("utf-8")
    )
    return data


def _page(prefix: str) -> Path:
    (page,) = STRUCTURES.glob(f"{prefix}-*.html")
    return page


LISTED = [p for p in PAGES if _truth(p)["listings"]]
WEAK = [p for p in PAGES if not _truth(p)["listings"]]


def test_the_corpus_has_pages_of_every_kind() -> None:
    assert len(LISTED) == 31
    assert [p.name[:2] for p in WEAK] == ["23", "24"]


@pytest.mark.parametrize("page", LISTED, ids=lambda p: p.name[:2])
def test_each_structure_infers_a_profile_that_reads_exactly_its_listings(page: Path) -> None:
    truth = _truth(page)
    inference = infer_profile(page.read_text("utf-8"), url=truth["url"])
    names = [x.name for x in inference.reading.listings]
    assert names == [x["name"] for x in truth["listings"]]
    assert inference.confidence is Confidence.OK, inference.reasons
    chrome = set(truth["chrome_phones"])
    assert not [
        p.number for x in inference.reading.listings for p in x.phones if p.number in chrome
    ]


@pytest.mark.untraced
@pytest.mark.parametrize("page", LISTED[:6], ids=lambda p: p.name[:2])
def test_the_preview_is_exactly_what_the_reader_reads_with_the_profile(page: Path) -> None:
    html = page.read_text("utf-8")
    url = _truth(page)["url"]
    inference = infer_profile(html, url=url)
    again = read_listings(html, profile=inference.profile, base_url=url)
    assert again.listings == inference.reading.listings


def test_the_profile_fits_the_structure() -> None:
    table = infer_profile(_page("19").read_text("utf-8")).profile
    assert table.listings.group is Grouping.TABLE
    assert table.listings.columns == {"name": "Office"}
    headings = infer_profile(_page("07").read_text("utf-8")).profile
    assert headings.listings.group is Grouping.HEADINGS
    assert headings.section.source is SectionFrom.HEADING
    lines = infer_profile(_page("11").read_text("utf-8")).profile
    assert lines.listings.group is Grouping.LINES
    assert lines.section.source is SectionFrom.LABEL
    flat = infer_profile(_page("18").read_text("utf-8")).profile
    assert flat.section.source is SectionFrom.NONE
    pairs = infer_profile(_page("05").read_text("utf-8")).profile
    assert pairs.listings.group is Grouping.PAIRS


def test_selectors_name_elements_by_class_not_position_when_they_can() -> None:
    cards = infer_profile(_page("09").read_text("utf-8")).profile
    assert cards.listings.selector == "div.views-row"
    assert cards.content == ["div.view-content"]
    assert ":nth" not in cards.model_dump_json()


def test_a_uk_page_gets_its_region_from_the_domain() -> None:
    page = _page("31")
    inference = infer_profile(page.read_text("utf-8"), url=_truth(page)["url"])
    assert inference.profile.region == "GB"
    us = infer_profile(_page("01").read_text("utf-8"), url="https://studentlife.mit.edu/x")
    assert us.profile.region == "US"


# --------------------------------------------------------------------------- steering


@pytest.mark.parametrize(
    ("prefix", "examples", "first", "count"),
    [
        ("21", ["Ombuds Office"], "Sloan Student Life Office", 6),
        ("21", ["Student Support Services (S3)", "Mental Health and Counseling"], None, 6),
        ("21", ["Academic calendar"], "Request a leave of absence", 6),
        ("22", ["Sports Medicine", "MIT Police"], "Sports Medicine", 12),
        ("22", ["Academics"], "Health and injury", 4),
    ],
)
def test_examples_steer_an_ambiguous_page(
    prefix: str, examples: list[str], first: str | None, count: int
) -> None:
    inference = infer_profile(_page(prefix).read_text("utf-8"), examples=examples)
    names = [x.name for x in inference.reading.listings]
    assert len(names) == count
    assert set(examples) <= set(names)
    if first is not None:
        assert names[0] == first


def test_examples_compare_as_a_reader_does() -> None:
    inference = infer_profile(_page("21").read_text("utf-8"), examples=["ombuds office "])
    assert "Ombuds Office" in [x.name for x in inference.reading.listings]


def test_the_wrong_reading_of_an_ambiguous_page_is_not_called_sure() -> None:
    inference = infer_profile(_page("22").read_text("utf-8"), examples=["Academics"])
    assert inference.confidence is Confidence.WEAK
    assert any("several phones" in r for r in inference.reasons)


def test_examples_no_reading_lists_are_an_error_naming_them() -> None:
    with pytest.raises(ParseError, match="'Hogwarts Office'"):
        infer_profile(_page("21").read_text("utf-8"), examples=["Ombuds Office", "Hogwarts Office"])


# --------------------------------------------------------------------------- weak pages


@pytest.mark.parametrize("page", WEAK, ids=lambda p: p.name[:2])
def test_a_weak_page_is_weak_with_a_runner_up(page: Path) -> None:
    inference = infer_profile(page.read_text("utf-8"), url=_truth(page)["url"])
    assert inference.confidence is Confidence.WEAK
    assert inference.reasons
    assert inference.runner_up is not None
    assert inference.runner_up.names != [x.name for x in inference.reading.listings]


def test_an_events_page_is_weak_because_its_listings_give_dates() -> None:
    inference = infer_profile(_page("24").read_text("utf-8"))
    assert any("dates" in r for r in inference.reasons)


def test_a_page_without_any_repeated_structure_is_not_recognised() -> None:
    html = "<html><body><main><h1>Hello</h1><p>Nothing to list here.</p></main></body></html>"
    with pytest.raises(ParseError, match="page not recognised"):
        infer_profile(html)


# --------------------------------------------------------------------------- the parts


@pytest.mark.parametrize(
    ("name", "good"),
    [
        ("Student Support Services (S3)", True),
        ("Office of Religious, Spiritual, and Ethical Life", True),
        ("Home", False),
        ("Search", False),
        ("617-253-1212", False),
        ("two nap pods, bookable in 30-minute slots", False),
        ("Clinicians at MIT Medical meet with students about stress.", False),
    ],
)
def test_name_quality(name: str, good: bool) -> None:
    assert (name_quality(name) >= 0.6) is good


def test_hidden_panels_are_content_and_hidden_menus_are_chrome() -> None:
    html = """<html><body><main><h1>T</h1>
      <div class="accordion__panel" hidden>
        <p><strong>Office A</strong> - call 617-253-1000</p></div>
      <div class="drawer-x" aria-hidden="true">
        <a href="/a">A</a> <a href="/b">B</a> <a href="/c">C</a></div>
      <div class="region-footer-widgets"><p>Footer 617-555-0100</p></div>
      <div class="elementor-widget"><p>Content</p></div>
    </main></body></html>"""
    tree = PageTree(page_soup(html))
    chrome = {" ".join(t.get_attribute_list("class")) for t in tree.chrome_roots}
    assert "accordion__panel" not in chrome
    assert "drawer-x" in chrome
    assert "region-footer-widgets" in chrome
    assert "elementor-widget" not in chrome


def test_a_profiles_drop_removes_a_footer_even_when_it_has_headings() -> None:
    html = """<html><body><main><h1>T</h1><ul>
      <li><b>Office A</b>: 617-253-1000</li><li><b>Office B</b>: 617-253-1001</li></ul>
      <footer class="page-end"><h4>More</h4><ul><li><b>Office C</b>: 617-253-1002</li></ul>
      </footer></main></body></html>"""
    plain = Profile.model_validate({"section": {"from": "none"}})
    assert len(read_listings(html, profile=plain).listings) == 3  # a footer with a heading stays
    dropped = plain.model_copy(update={"drop": ["footer.page-end"]})
    assert [x.name for x in read_listings(html, profile=dropped).listings] == [
        "Office A",
        "Office B",
    ]


def test_intro_and_closing_paragraphs_without_a_lead_are_left_out() -> None:
    offices = "".join(
        f"<p><strong>{name}</strong> can help, 617-253-10{i:02d}.</p>"
        for i, name in enumerate(["Counseling Center", "Health Services", "Campus Police"])
    )
    html = (
        "<html><body><main><div class='entry-content'><h1>Help</h1>"
        "<p>These offices can assist you during business hours.</p>"
        f"{offices}<p>Send corrections to the web team.</p></div></main></body></html>"
    )
    inference = infer_profile(html)
    assert [x.name for x in inference.reading.listings] == [
        "Counseling Center",
        "Health Services",
        "Campus Police",
    ]
    assert inference.confidence is Confidence.OK


def _layout_table_page() -> str:
    """An old hand-made site: the page itself is laid out in a table, and the offices
    are two tables inside it that leave out their optional <tbody>."""
    rows = "".join(
        f"<tr><td>{name}</td><td>802-555-01{i:02d}</td><td>Hale Hall {i}</td></tr>"
        for i, name in enumerate(["Advising Center", "Bursar", "Campus Safety", "Library"])
    )
    more = "<tr><td>County Hotline</td><td>1-800-555-0177</td><td></td></tr>"
    more += "<tr><td>Valley Hospital</td><td>802-555-0178</td><td>4 Elm St</td></tr>"
    head = "<tr><th>Office</th><th>Phone</th><th>Where</th></tr>"
    return (
        "<html><body><table><tr><td id='nav'><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/a'>About</a></li><li><a href='/c'>Contact</a></li></ul></td>"
        "<td id='main'><h1>Directory</h1><h2>On campus</h2>"
        f"<table class='listing'>{head}{rows}</table><h2>Nearby</h2>"
        f"<table class='listing'>{head}{more}</table></td></tr></table></body></html>"
    )


def test_tables_inside_a_layout_table_are_read_by_their_own_rows() -> None:
    # the rows' parent is an implied tbody; the layout table's row holds them all, so a
    # group keyed by "tbody > tr" alone was only that one outer row
    inference = infer_profile(_layout_table_page())
    assert inference.profile.listings.group is Grouping.TABLE
    assert "table.listing" in inference.profile.listings.selector
    assert [x.name for x in inference.reading.listings] == [
        "Advising Center",
        "Bursar",
        "Campus Safety",
        "Library",
        "County Hotline",
        "Valley Hospital",
    ]
    assert inference.confidence is Confidence.OK


def test_paragraphs_of_bold_text_only_name_the_paragraphs_after_them() -> None:
    # a page builder's text module: the editor set each name as a bold line of its own
    offices = [
        ("Counseling Center", "Talk with a counselor the same week; call 802-555-0150."),
        ("The Chaplain&rsquo;s Office", "Open afternoons for every tradition, 802-555-0151."),
        ("Tutoring Hub", "Drop in for writing and math help, or phone 802-555-0152."),
        ("Food Pantry", "Free groceries, no questions asked, in the basement of Hale Hall."),
    ]
    body = "<p>&nbsp;</p>".join(f"<p><strong>{n}</strong></p><p>{d}</p>" for n, d in offices)
    html = (
        "<html><body><div id='page'><h1>Where to get help</h1>"
        "<div class='et_pb_text_inner'><p><em>Any of these is a good first stop.</em></p></div>"
        f"<div class='et_pb_text_inner'>{body}</div></div></body></html>"
    )
    inference = infer_profile(html)
    assert inference.profile.listings.group is Grouping.PAIRS
    listings = inference.reading.listings
    assert [x.name for x in listings] == [
        "Counseling Center",
        "Chaplain\u2019s Office",
        "Tutoring Hub",
        "Food Pantry",
    ]
    assert [p.number for p in listings[0].phones] == ["+18025550150"]
    assert listings[3].description.startswith("Free groceries")
    assert inference.confidence is Confidence.OK


def test_an_item_named_before_a_dash_or_by_its_first_line_with_details_below() -> None:
    # the name never runs into the nested "Phone:" lines, with or without a dash
    items = [
        ("<a href='/wl'>Work-Life Center</a>", "Phone: 617-253-1592", "Location: 16-151"),
        ("<b>Childcare Centers (TCC)</b> &mdash; infant and toddler rooms", "Phone: x3-8490", ""),
        ("The Family Housing Office", "Phone: 617-253-5148", "Location: W59-200"),
        ("Student Financial Services &ndash; loans and aid", "Phone: 617-253-4971", ""),
    ]
    lis = "".join(
        f"<li>{n}<ul><li>{p}</li>{f'<li>{loc}</li>' if loc else ''}</ul></li>"
        for n, p, loc in items
    )
    html = f"<html><body><main><h1>Families</h1><h2>Help</h2><ul>{lis}</ul></main></body></html>"
    profile = Profile.model_validate(
        {
            "listings": {"group": "items", "selector": "main > ul > li"},
            "name": {"lead": False, "separators": [":", "\u2013", "\u2014", "-"]},
            "details": True,
        }
    )
    listings = read_listings(html, profile=profile).listings
    assert [x.name for x in listings] == [
        "Work-Life Center",
        "Childcare Centers (TCC)",
        "Family Housing Office",
        "Student Financial Services",
    ]
    assert [p.number for p in listings[0].phones] == ["+16172531592"]
    assert listings[1].description.startswith("infant and toddler rooms")
    # and the inference, offered the page, reads it the same way
    assert [x.name for x in infer_profile(html).reading.listings] == [x.name for x in listings]


def test_a_heading_names_its_box_in_full_and_a_promotion_box_is_no_section() -> None:
    boxes = [
        ("Learner Success Team", "Coaching by video, 970-555-0120."),
        ("Digital Library Desk", "Chat or call 970-555-0121."),
        ("Financial Aid &ndash; Online Programs", "Aid for distance students: 970-555-0127."),
        ("Veterans Office", "Benefits help at 970-555-0126."),
    ]
    html_boxes = [f"<div class='resource'><h4>{n}</h4><p>{d}</p></div>" for n, d in boxes]
    promo = (
        "<div class='promo'><h4>Wellness week goes online</h4>"
        "<p>Yoga and trivia from anywhere.</p></div>"
    )
    html = (
        "<html><body><main><h1>Support for online learners</h1>"
        f"{''.join(html_boxes[:2])}{promo}{''.join(html_boxes[2:])}</main></body></html>"
    )
    inference = infer_profile(html, url="https://www.calder.example.edu/online")
    listings = inference.reading.listings
    assert [x.name for x in listings] == [
        "Learner Success Team",
        "Digital Library Desk",
        "Financial Aid \u2013 Online Programs",
        "Veterans Office",
    ]
    assert {x.section for x in listings} == {"Support for online learners"}


def test_a_dash_inside_the_bold_name_is_not_part_of_it() -> None:
    items = "".join(
        f"<p><b>{name}</b><span> {rest}</span></p>"
        for name, rest in [
            ("Counselling Centre", "\u2013 drop in weekdays, 604-555-0120."),
            ("Elders in Residence \u2013", "visit the Longhouse; no appointment needed."),
            ("Writing Centre", "\u2013 sessions booked online."),
        ]
    )
    html = f"<html><body><main><h1>Supports</h1><h2>Help</h2><div>{items}</div></main></body>"
    profile = Profile.model_validate({"listings": {"selector": "div > p"}})
    names = [x.name for x in read_listings(html, profile=profile).listings]
    assert names == ["Counselling Centre", "Elders in Residence", "Writing Centre"]


def test_a_canadian_page_on_a_generic_host_gets_its_region_from_its_numbers() -> None:
    items = "".join(
        f"<li><b>{name}</b>: {text}</li>"
        for name, text in [
            ("Counselling Centre", "book at 604-555-0120"),
            ("Health Services", "call (604) 555-0121"),
            ("HealthLink BC", "dial 811 to speak with a nurse"),
            ("Food Bank", "questions to 604-555-0133, or toll-free 1-877-555-0142"),
        ]
    )
    html = (
        "<html lang='en-US'><body><main><h1>Get support</h1><h2>Health</h2>"
        f"<ul>{items}</ul></main></body></html>"
    )
    inference = infer_profile(html, url="https://sites.google.com/fraserbend/support")
    assert inference.profile.region == "CA"
    phones = {x.name: [p.number for p in x.phones] for x in inference.reading.listings}
    assert phones["HealthLink BC"] == ["811"]
    # the same page with Boston numbers stays a US page
    boston = html.replace("604", "617")
    assert infer_profile(boston, url="https://sites.google.com/x/support").profile.region == "US"


def test_theme_prefixes_do_not_hide_chrome_but_a_no_does() -> None:
    words = " ".join(["Offices that help students find their way."] * 20)
    html = f"""<html><body><main><h1>T</h1><p>{words}</p>
      <div class="sd-sharing sd-social"><h3>Share this page</h3><a href="/f">F</a></div>
      <div class="wp-navigation"><a href="/a">A</a></div>
      <div class="dataTables_wrapper no-footer"><table><tr><td>Office</td></tr></table></div>
    </main></body></html>"""
    tree = PageTree(page_soup(html))
    chrome = {" ".join(t.get_attribute_list("class")) for t in tree.chrome_roots}
    assert "sd-sharing sd-social" in chrome
    assert "wp-navigation" in chrome
    assert "dataTables_wrapper no-footer" not in chrome


def test_a_listing_of_lines_leaves_out_a_stray_paragraph_without_breaks() -> None:
    cards = "".join(
        f"<p><strong>{label}</strong><br>{name}<br>541-555-01{i:02d}<br>Morrow House</p>"
        for i, (label, name) in enumerate(
            [("Health", "Counseling Services"), ("Health", "Nurse Line"),
             ("Money", "Financial Aid"), ("Belonging", "Chaplain's Office")]
        )
    )  # fmt: skip
    html = (
        "<html><body><main><h1>Quick contacts</h1>"
        "<div class='html-content'><p>Keep this page close: it lists whom to call first "
        "for the problems students bring us most.</p></div>"
        f"<div class='html-content'>{cards}</div></main></body></html>"
    )
    inference = infer_profile(html)
    assert inference.profile.listings.selector.endswith(":has(> br)")
    assert [x.name for x in inference.reading.listings] == [
        "Counseling Services",
        "Nurse Line",
        "Financial Aid",
        "Chaplain's Office",
    ]
    assert [x.section for x in inference.reading.listings][:2] == ["Health", "Health"]
