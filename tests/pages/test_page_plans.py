"""Pages of another campus that write their own numbers short, and small pages of two
offices: a page's own exchange is read, topic headings give way to the offices their
sentences name, and two clean offices that hold the page's numbers are a reading."""

from __future__ import annotations

from resource_catalog.contacts.dialplans import MIT_DIAL_PLAN
from resource_catalog.models import Listing, Phone
from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.inference.dialing import page_plan
from resource_catalog.pages.inference.judging import faults
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup, read_listings
from resource_catalog.pages.scoring import score_reading
from resource_catalog.profile import DialPlan, ListingRule

_FOOTER = "<footer><p>Switchboard: 503-725-4000</p></footer>"


def _page(content: str, footer: str = _FOOTER) -> str:
    return f"<html><body><main><h1>Staying Safe</h1>{content}</main>{footer}</body></html>"


_TOPICS = _page(
    "<h2>Night Trouble</h2><p>If something goes wrong after dark, ring 725-4411 (Patrol Office)"
    " and tell the Housing Desk (725-4180) what happened.</p>"
    "<h2>Feeling Unwell</h2><p>Call the Wellness Clinic at 725-4270 in the daytime; at night,"
    " call the Patrol Office at 725-4411.</p>"
    "<h2>Smoke</h2><p>Leave the building first, tell the Patrol Office, then follow these"
    " steps:</p>"
    "<ul><li>Close the doors behind you as you go.</li><li>Wait at the meeting point.</li></ul>"
    "<h2>Flooding</h2><p>Move to higher floors and wait for staff.</p>"
)


def _plan(html: str) -> DialPlan | None:
    return page_plan(PageTree(page_soup(html)), "US", MIT_DIAL_PLAN)


def test_a_page_that_writes_its_own_exchange_short_gets_a_plan_of_it() -> None:
    plan = _plan(_TOPICS)
    assert plan is not None
    assert (plan.area_code, plan.prefixes) == ("503", {"7": "725"})


def test_each_short_exchange_is_read_under_its_first_digit_with_the_pages_area_code() -> None:
    # offices in other exchanges than the switchboard's are dialled in its area code too
    plan = _plan(_page("<p>Call 356-2060 or 264-9871; the night line is 264-9872.</p>"))
    assert plan is not None
    assert (plan.area_code, plan.prefixes) == ("503", {"3": "356", "2": "264"})
    # two exchanges with one first digit: that digit cannot say which one was meant
    assert _plan(_page("<p>Call 356-2060 or 377-1000.</p>")) is None


def test_no_plan_without_short_numbers_abroad_or_on_the_campus_s_own() -> None:
    assert _plan(_page("<p>Call the Patrol Office at 503-725-4411.</p>")) is None
    tree = PageTree(page_soup(_page("<p>Call the Patrol Office at 725-4411.</p>")))
    assert page_plan(tree, "GB", None) is None
    mit = "<footer><p>Main: 617-253-1000</p></footer>"
    assert _plan(_page("<p>Call the Patrol Office at 253-4411.</p>", mit)) is None
    assert _plan(_page("<p>Call the Patrol Office at 725-4411.</p>", "")) is None  # no full one


def test_topic_headings_give_way_to_the_offices_their_sentences_give_a_short_number() -> None:
    inference = infer_profile(_TOPICS, url="https://example.edu/safety")
    assert inference.confidence is Confidence.OK
    names = inference.best.names
    assert {"Patrol Office", "Housing Desk", "Wellness Clinic"} <= set(names)
    assert not {"Night Trouble", "Smoke", "Flooding"} & set(names)
    # the profile carries the page's plan, so a later scrape reads the numbers the same way
    assert isinstance(inference.profile.campus, DialPlan)
    read = read_listings(_TOPICS, profile=inference.profile, campus=MIT_DIAL_PLAN)
    phones = {p.number for x in read.listings for p in x.phones}
    assert {"+15037254411", "+15037254180", "+15037254270"} <= phones


_PAIR = _page(
    "<p>Staff on the front desk can help with most things.</p>"
    "<ul><li><strong>Porters' Lodge</strong>: 503-725-4500, open all night</li>"
    "<li><strong>Wellness Clinic</strong>: 503-725-4270, weekdays</li></ul>",
    "",
)


def test_two_clean_offices_that_hold_the_page_s_numbers_are_a_reading() -> None:
    inference = infer_profile(_PAIR, url="https://example.edu/help")
    assert inference.confidence is Confidence.OK, inference.reasons
    assert inference.best.names == ["Porters' Lodge", "Wellness Clinic"]


def _two(*numbers: str) -> list[Listing]:
    return [
        Listing(name=name, section="S", description="", phones=[Phone(number=number)])
        for name, number in zip(("Porters' Lodge", "Wellness Clinic"), numbers, strict=True)
    ]


def test_two_offices_are_thin_when_cut_from_sentences_or_leaving_numbers_out() -> None:
    pair = _two("+15037254500", "+15037254270")
    held = score_reading(pair, {"5037254500", "5037254270"})
    elements = ListingRule(selector="li")
    assert faults(held, pair, rule=elements) == ([], [])
    # names cut from a story's sentences: two offices mentioned in passing
    cut = ListingRule(selector="p", names=["Porters' Lodge", "Wellness Clinic"])
    assert faults(held, pair, rule=cut)[0] == ["only 2 listing(s)"]
    # the page gives more numbers than the two hold: more offices than these
    partial = score_reading(pair, {"5037254500", "5037254270", "5037254999"})
    assert faults(partial, pair, rule=elements)[0] == ["only 2 listing(s)"]
    assert faults(held, pair)[0] == ["only 2 listing(s)"]  # no rule said: as before


_LINKED = (
    "<html><body><main><h1>Help</h1>"
    "<p>Graduate study is hard at times, and many have been where you are.</p>"
    "<h2>In a Crisis?</h2><p>For help the same day, call 503-555-0144 at any hour.</p>"
    "<h2>Disputes and Support</h2><ul>"
    '<li><a href="/mediation">Mediation Office</a> \u2013 a confidential place to talk a dispute'
    " through and choose a next step.</li>"
    '<li><a href="/care">Care Team</a> - links students with help across many parts of'
    " life.</li>"
    '<li><a href="/conduct">Conduct Office</a> \u2013 helps students settle conflicts with each'
    " other.</li>"
    '<li><a href="/law">Student Law Clinic</a> - helps students sort out a legal problem.</li>'
    "</ul><h2>Study Concerns</h2><p>Talk first to the people involved; if that fails, write"
    ' to <a href="mailto:grad@example.edu">grad@example.edu</a>.</p>'
    "</main></body></html>"
)


def test_a_heading_over_a_list_of_described_links_is_their_section_not_an_office() -> None:
    inference = infer_profile(_LINKED, url="https://example.edu/help")
    assert inference.best.names == [
        "Mediation Office",
        "Care Team",
        "Conduct Office",
        "Student Law Clinic",
    ]
