"""Inference on small pages of the kinds real editors write: where a record begins and
ends, and which readings only look like listings."""

from __future__ import annotations

from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup


def _page(body: str) -> str:
    return f"<html><body><main><h1>Getting help</h1>{body}</main></body></html>"


def _hotlines_page() -> str:
    """Three headings, one of them over a list of lines that each name a hotline and give
    its own number: read by its headings, the page has three listings, one crowded."""
    hotlines = "".join(
        f'<li><a href="https://example.org/{i}">{name}</a>: 1.800.555.01{i:02d}</li>'
        for i, name in enumerate(
            ["River Valley Crisis Line", "Student Veterans Line", "Night Owl Peer Line"]
        )
    )
    return _page(
        "<p>If someone is hurt, dial 911 or campus police at 555-201-1911.</p>"
        "<ul><li>Call the <a href='/care'>Care Team</a> at 555-201-4400 any weekday.</li>"
        "<li><strong>Walk-In Hours:</strong> Room 210 of Baker Hall, 1 to 4 p.m.</li></ul>"
        "<h3>Right Now</h3><p>Go to a safe place and call 555-201-9111.</p>"
        f"<h3>Phone Lines</h3><ul>{hotlines}"
        "<li>help after an assault on or near campus: 555.201.7233</li></ul>"
        "<h3>Text Support</h3><p>Text HELLO to 555-201-7000, day or night.</p>"
    )


def test_a_heading_over_a_list_of_hotlines_is_their_section_not_one_listing() -> None:
    inference = infer_profile(_hotlines_page())
    assert [x.name for x in inference.reading.listings] == [
        "Care Team",
        "Walk-In Hours",
        "River Valley Crisis Line",
        "Student Veterans Line",
        "Night Owl Peer Line",
        "help after an assault on or near campus",
    ]
    assert inference.confidence is Confidence.OK


def test_a_block_named_header_is_chrome_unless_it_holds_a_heading() -> None:
    html = (
        "<html><body><div id='header'><div class='section'><strong><a href='/'>Dean's Office"
        "</a></strong><p>Call 555-201-0000</p></div></div><div id='content'><h1>Help</h1>"
        "<p>Every office below sees students on weekdays; most of them also answer e-mail.</p>"
        "<div class='card'><div class='card-header'><h3>Tutoring</h3></div><p>Room 4</p></div>"
        "<div class='card'><div class='header'><p>Advising</p></div></div>"
        "</div></body></html>"
    )
    tree = PageTree(page_soup(html))
    chrome = {s: tree.is_chrome(tree.soup.select(s)[0]) for s in ("#header", ".card-header")}
    assert chrome == {"#header": True, ".card-header": False}
    # a header without a heading is chrome wherever it is (the reader's <header> rule)
    assert tree.is_chrome(tree.soup.select(".header")[0])


def _desks_table() -> str:
    """A table without <th>: the editor bolded its first row; one hall has two desks."""
    rows = [("Hall", "Room", "Telephone")]
    rows += [
        ("Ashby Hall", "Room 1.10", "020 7946 0101"),
        ("Ashby Hall", "Room 3.02", "020 7946 0102"),
        ("Birch House", "Room G.05", "020 7946 0103"),
        ("Cedar Court", "Room 2.20", "020 7946 0104"),
    ]
    cells = [
        "".join(f"<td><strong>{c}</strong></td>" if i == 0 else f"<td>{c}</td>" for c in row)
        for i, row in enumerate(rows)
    ]
    body = "".join(f"<tr>{r}</tr>" for r in cells)
    return _page(
        "<p>Hand in anything you find at one of these desks.</p>"
        f"<table class='desks'><tbody>{body}</tbody></table>"
    )


def test_a_bold_first_row_heads_a_table_and_one_name_may_have_two_desks() -> None:
    inference = infer_profile(_desks_table(), url="https://www.example.ac.uk/lost")
    assert [x.name for x in inference.reading.listings] == [
        "Ashby Hall",
        "Ashby Hall",
        "Birch House",
        "Cedar Court",
    ]
    assert inference.confidence is Confidence.OK


def _desks_without_numbers() -> str:
    """Three desks, each a heading and a paragraph that says what it does and gives no
    number; the last serves a list of units (its details, not listings)."""
    return _page(
        "<p>Loan Services lend equipment, renew loans and point you to the right room.</p>"
        "<h2>Where to find us</h2>"
        "<h3>North Loan Desk</h3><p>Loans North sits by the north doors of Perry Library; "
        "it checks items in and out and takes fines.</p>"
        "<h3>South Loan Desk</h3><p>Loans South, by the south doors, is the smaller desk, "
        "for returns and renewals only.</p>"
        "<h3>The Engineering Loan Desk</h3><p>Engineering Loans serves these units:</p>"
        "<ul><li>The School of Mining</li><li>The Department of Optics</li>"
        "<li>The Materials Lab</li></ul>"
    )


def test_headings_that_describe_desks_without_numbers_are_a_sure_reading() -> None:
    inference = infer_profile(_desks_without_numbers())
    assert [x.name for x in inference.reading.listings] == [
        "North Loan Desk",
        "South Loan Desk",
        "Engineering Loan Desk",
    ]
    assert inference.confidence is Confidence.OK


def test_named_services_that_only_say_when_they_are_open_are_a_sure_reading() -> None:
    status = [
        ("Writing Centre", "Open weekdays from 9 am to 4 pm."),
        ("Print Shop", "Closed for the summer term."),
        ("Language Café", "Open 8 am to 2:30 pm."),
        ("Chess Club", "Online"),
        ("Transit Office", "Working remotely this week."),
    ]
    items = "".join(
        f"<div class='item'><h3>{name}</h3><p>{text}</p></div>" for name, text in status
    )
    inference = infer_profile(_page(f"<div class='directory'>{items}</div>"))
    assert [x.name for x in inference.reading.listings] == [name for name, _ in status]
    assert inference.confidence is Confidence.OK


_VILLAGES = {
    "North Village": ["Campus Patrol", "Student Wellbeing", "Assault Support Line"],
    "River Village": ["Campus Patrol", "Student Wellbeing", "Night Talk Line", "Incident Reports"],
    "Hill Village": ["Campus Patrol"],
}


def _village_panels() -> str:
    """One heading over accordion panels, one per village; in each, a paragraph with a
    bold name opens an office, and the paragraphs after it without one are its details
    (reception hours, after hours) with numbers of their own."""
    panels = []
    for v, (village, offices) in enumerate(_VILLAGES.items()):
        lines = (
            "<p><strong>Village Office</strong></p>"
            "<p>Front Desk (Office Hours 9am-5pm):<br>"
            f"East wing: 08 6202 1{v}00<br>West wing: 08 6202 1{v}10</p>"
            f"<p>After Hours<br>East wing: 0488 22{v} 164<br>West wing: 0488 22{v} 810</p>"
        )
        lines += "".join(
            f"<p><strong>{name}</strong><br>08 6304 3{v}{i}3</p>" for i, name in enumerate(offices)
        )
        panels.append(
            f"<div class='acc-item'><div class='acc-title'><a href='#'>{village}</a></div>"
            f"<div class='acc-panel' role='tabpanel'>{lines}</div></div>"
        )
    return _page(
        "<p>Tell us when something is wrong; these people can help.</p>"
        f"<h2>Who to contact</h2><div class='acc'>{''.join(panels)}</div>"
    )


def test_detail_paragraphs_stay_with_the_office_they_follow() -> None:
    inference = infer_profile(_village_panels(), url="https://www.example.edu.au/help")
    names = [x.name for x in inference.reading.listings]
    assert names == [n for offices in _VILLAGES.values() for n in ["Village Office", *offices]]
    assert "After Hours" in inference.reading.listings[0].description
    assert inference.confidence is Confidence.OK


def _holiday_hours() -> str:
    """Units, each a heading over its holiday hours: several dates apiece, a schedule."""
    units = {
        "Campus Patrol": "<p>Non-emergency line: 250.555.0101</p>",
        "Dining Hall": "",
        "Book Shop": "",
        "Fitness Centre": "<p>Front desk: 250.555.0104</p>",
    }
    blocks = "".join(
        f"<h2>{unit}</h2>{extra}<ul><li>December 22: open 9 am to 1 pm</li>"
        "<li>December 23 to January 1: closed</li><li>January 2: usual hours</li></ul>"
        for unit, extra in units.items()
    )
    return _page(
        "<p>Between December 22 and January 2 most services keep short hours.</p>" + blocks
    )


def test_units_that_list_their_holiday_dates_are_not_events() -> None:
    inference = infer_profile(_holiday_hours(), url="https://www.example.ca/hours")
    assert [x.name for x in inference.reading.listings] == [
        "Campus Patrol",
        "Dining Hall",
        "Book Shop",
        "Fitness Centre",
    ]


def _topic_headings() -> str:
    """Headings that name times of day; the offices are the linked or bold names inside
    the paragraphs under them (the numbers often in a later sentence or paragraph)."""
    return _page(
        "<p>Help is there at any hour; who answers depends on when you call.</p>"
        "<h2>Weekdays, 9 a.m. to 5 p.m.</h2>"
        "<p>The <a href='/wellness'>Wellness Clinic</a> sees students without an appointment,"
        " in Room 12 of Hart Hall.</p>"
        "<p>To talk to someone first, call 555-301-2200.</p>"
        "<h2>Nights and weekends</h2>"
        "<p>A student in distress can ask the <strong>Night Nurse Line</strong> for advice by"
        " calling 555-301-2400, whatever the hour.</p>"
        "<h2>Further reading</h2>"
        "<ul><li><a href='/guides/sleep'>Sleep Guide</a></li>"
        "<li><a href='/guides/stress'>Stress Guide</a></li></ul>"
        "<p>After an event that shakes the whole campus, see"
        " <a href='/recovery'>Campus Recovery Programs</a>.</p>"
        "<h2>Signs to watch for</h2>"
        "<ul><li>sleeping much less than usual;</li><li>talking about being a burden</li></ul>"
    )


def test_topic_headings_give_way_to_the_offices_named_under_them() -> None:
    inference = infer_profile(_topic_headings(), url="https://www.example.edu/help")
    assert [x.name for x in inference.reading.listings] == [
        "Wellness Clinic",
        "Night Nurse Line",
        "Campus Recovery Programs",
    ]
