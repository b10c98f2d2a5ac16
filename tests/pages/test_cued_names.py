"""Small prose pages read with no example: offices named in sentences with their own cue.

A page that names two to five offices inside its sentences ("Contact the Housing
Operations Office at ...", "call Security on ...") is read zero-shot at those names;
a capitalised phrase with no number or address of its own (a topic heading, an
instruction) is not an office, and two offices that each give a number are not "too few".
"""

from __future__ import annotations

from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.inference.cued import Cued, cued_names
from resource_catalog.pages.inference.structure import PageTree
from resource_catalog.pages.parse import page_soup, read_listings

_URL = "https://example.edu/housing/after-hours"

#: Three offices inside sentences, a topic heading and a bold phrase with no number.
_PROSE = """<html><body><main><h1>After hours in the halls</h1>
<h2>Repairs and Lockouts</h2>
<p>Locked out? Contact the Housing Operations Office at 479-968-0376 during the day.</p>
<p>At night, call Campus Security on 479-968-0222 and an officer will come.</p>
<h2>Feeling Low</h2>
<p>The Student Counselling Centre offers free sessions to every student; call
479-968-0500 to book one.</p>
<p><b>Quiet Hours Policy</b> applies from 11 pm in every hall.</p>
</main></body></html>"""

#: Only two offices, each with its number.
_TWO = """<html><body><main><h1>Who to call</h1>
<p>For a broken heater, contact the Facilities Help Desk at 479-968-0400.</p>
<p>If you feel unsafe, call University Police at 479-968-0911 at any hour.</p>
<p>Please keep this page handy during the year.</p>
</main></body></html>"""

#: Capitalised phrases and a number that belongs to none of them.
_NO_OFFICES = """<html><body><main><h1>Moving In Day</h1>
<p>Welcome to Moving In Day at Riverside Hall and Oak Court.</p>
<p>Bring Photo ID and your Housing Contract; parking is free on Saturday.</p>
<p>479-968-0100</p>
</main></body></html>"""


def _cued(html: str) -> Cued:
    return cued_names(PageTree(page_soup(html)), "US", None)


def test_names_are_the_offices_each_sentence_gives_a_number_for() -> None:
    assert _cued(_PROSE).names == [
        "Housing Operations Office",
        "Campus Security",
        "Student Counselling Centre",
    ]


def test_capitalised_phrases_without_a_cue_of_their_own_are_no_offices() -> None:
    assert _cued(_NO_OFFICES).names == []


def test_a_small_prose_page_is_read_zero_shot_and_the_reading_holds_in_scrape() -> None:
    inference = infer_profile(_PROSE, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    found = {x.name: [p.number for p in x.phones] for x in inference.reading.listings}
    assert found == {
        "Housing Operations Office": ["+14799680376"],
        "Campus Security": ["+14799680222"],
        "Student Counselling Centre": ["+14799680500"],
    }
    again = read_listings(_PROSE, profile=inference.profile, base_url=_URL, campus=None)
    assert [x.name for x in again.listings] == list(found)


def test_two_offices_each_with_a_number_are_not_too_few() -> None:
    inference = infer_profile(_TWO, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    assert [x.name for x in inference.reading.listings] == [
        "Facilities Help Desk",
        "University Police",
    ]


#: A story that mentions two offices, each with its number, among other paragraphs.
_STORY = """<html><body><main><h1>A quiet lounge opens</h1>
<p>The new lounge on the fourth floor opened last week after two terms of planning.</p>
<p>It has two nap pods, a pair of massage chairs and a small kitchen with free tea.</p>
<p>Staff from Community Wellness will run drop-in sessions; call 479-968-1316 to book.</p>
<p>Organisers say the room is not a clinical space and keeps quiet hours.</p>
<p>Students who are struggling can reach Student Counselling at 479-968-2916.</p>
<p>The lounge is open from 8 a.m. to 11 p.m. daily during the term.</p>
<p>Funding came from a student grant, and a second room may open next year.</p>
</main></body></html>"""


def test_two_offices_with_their_own_numbers_make_a_page_however_much_prose_is_around() -> None:
    cued = _cued(_STORY)
    assert cued.names == ["Community Wellness", "Student Counselling"]
    assert not cued.about_them  # most paragraphs name no office ...
    inference = infer_profile(_STORY, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons  # ... yet two is a page
    assert [x.name for x in inference.reading.listings] == cued.names


def test_a_dated_story_is_about_the_offices_only_when_its_title_names_one() -> None:
    dated = _STORY.replace(
        "</h1>", '</h1><p class="byline">By A. Writer, <time>May 2, 2025</time></p>'
    )
    assert infer_profile(dated, url=_URL, campus=None).confidence is Confidence.WEAK
    titled = dated.replace("A quiet lounge opens", "Student Counselling opens a quiet lounge")
    inference = infer_profile(titled, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons


#: One office with its number; the other capitalised phrases have none of their own.
_ONE = """<html><body><main><h1>Spring Formal</h1>
<p>The Spring Formal returns to Riverside Hall with the Jazz Ensemble and a Photo Booth.</p>
<p>Tickets go on sale at the Student Union Box Office next Monday.</p>
<p>Questions about access can go to Disability Services at 479-968-0700.</p>
</main></body></html>"""


def test_one_office_with_a_cue_among_capitalised_phrases_stays_weak() -> None:
    assert _cued(_ONE).names == []
    assert infer_profile(_ONE, url=_URL, campus=None).confidence is Confidence.WEAK


#: Bullets under topic headings; offices reached by e-mail or by phone.
_BULLETS = """<html><body><main><h1>Getting Support</h1>
<h2>Studying With a Disability</h2>
<ul><li>The Accessibility Centre arranges exam adjustments; email access@example.edu.</li>
<li>Bring your Medical Evidence to your first meeting.</li></ul>
<h2>Money Worries</h2>
<ul><li>Talk to the Student Funding Office on 479-968-0600 about hardship grants.</li></ul>
<h2>Faith and Belief</h2>
<ul><li>The Multifaith Chaplaincy welcomes everyone: chaplains@example.edu.</li></ul>
</main></body></html>"""


def test_bullets_under_topic_headings_read_the_offices_not_the_topics() -> None:
    inference = infer_profile(_BULLETS, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    assert [x.name for x in inference.reading.listings] == [
        "Accessibility Centre",
        "Student Funding Office",
        "Multifaith Chaplaincy",
    ]


#: A cue given in the sentence after the bold office; a building after "room N of the";
#: an office of one word reached by "calling"; a web address written out as the cue.
_LATER = """<html><body><main><h1>Support</h1>
<p>The <b>Night Listening Line</b> is run by trained students. You will find it in room
12 of the Old Library Annex, 479-968-0812, or write to listen@example.edu.</p>
<p>Out of hours, get help by calling Security on 479-968-0999.</p>
<p>The Writing Centre has guides at https://example.edu/writing for every course.</p>
</main></body></html>"""


def test_a_cue_goes_to_the_office_of_its_block_not_to_the_building_it_is_in() -> None:
    assert _cued(_LATER).names == ["Night Listening Line", "Security", "Writing Centre"]


#: Local numbers with no area code; a bold heading and a linked form with no cue.
_LOCAL = """<html><body><main><h1>Repairs</h1>
<p><a href="/repairs/form"><b>Repair Request Form</b></a></p>
<p><b>Who Is On Duty</b><br>In the day, please call the Grounds Desk at 356-2060.
At night, the Night Porter can be reached at 264-9872.</p>
</main></body></html>"""


def test_local_numbers_are_cues_and_phrases_without_one_are_no_offices() -> None:
    assert _cued(_LOCAL).names == ["Grounds Desk", "Night Porter"]
    inference = infer_profile(_LOCAL, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    assert [x.name for x in inference.reading.listings] == ["Grounds Desk", "Night Porter"]


#: Offices reached through their links, a room, and a three-digit emergency line.
_REACHED = """<html><body><main><h1>Lost property</h1>
<p>If you lose something, contact the <a href="/safety/desk">Safety Desk</a> straight away.
Read our <a href="/terms">Terms of Use</a> first.</p>
<ul><li>Collect items from <strong>Porters Lodge</strong> in Kings Building, Room 108.</li>
<li>In danger, call Campus Patrol on 479-968-0333 or Town Police on 911.</li></ul>
</main></body></html>"""


def test_a_link_one_is_told_to_reach_a_room_and_an_emergency_line_are_cues() -> None:
    assert _cued(_REACHED).names == ["Safety Desk", "Porters Lodge", "Campus Patrol", "Town Police"]


def test_seven_digit_numbers_take_the_area_code_of_the_page_s_full_numbers() -> None:
    page = _LOCAL.replace(
        "</main>", "</main><footer><p>Main switchboard (479) 968-0389</p></footer>"
    )
    inference = infer_profile(page, url=_URL)  # the catalog's campus: another area code
    assert inference.confidence is Confidence.OK, inference.reasons
    found = {x.name: [p.number for p in x.phones] for x in inference.reading.listings}
    assert found == {"Grounds Desk": ["+14793562060"], "Night Porter": ["+14792649872"]}


#: Offices named in full once with their acronyms, then given numbers by the acronym
#: in bullets under topic headings.
_ACRONYMS = """<html><body><main><h1>Reporting an emergency</h1>
<h2>Overview</h2>
<p>The Global Learners Office (GLO) works with the Campus Patrol Unit (CPU) when a
student abroad is in trouble.</p>
<h3>In Office Hours</h3>
<ul><li>Phone the GLO desk at 479-968-0420 and ask for an adviser.</li>
<li>Plan your call: have the student's name ready.</li></ul>
<h3>At Night</h3>
<ul><li>If it cannot wait, call CPU at 479-968-0911.</li>
<li>Write down what happened as soon as you can.</li></ul>
</main></body></html>"""


def test_an_acronym_given_a_number_is_the_office_it_stands_for() -> None:
    assert _cued(_ACRONYMS).names == ["Global Learners Office (GLO)", "Campus Patrol Unit (CPU)"]
    inference = infer_profile(_ACRONYMS, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    found = {x.name: [p.number for p in x.phones] for x in inference.reading.listings}
    assert found == {
        "Global Learners Office (GLO)": ["+14799680420"],
        "Campus Patrol Unit (CPU)": ["+14799680911"],
    }


#: A second linked office joined by "or"; a role with "a"; an office in lower case; a
#: verb that opens the next line; a bare div as a block of prose.
_JOINS = """<html><body><main><h1>Help</h1>
<p>Get in touch with the <a href="/ombuds">Graduate Ombuds</a> or with the office of
<a href="/equity">Equity and Inclusion Programs</a>.</p>
<p>Reach a Resolution Officer by phone 479-968-0441 if you are unsure.</p>
<ul><li>Night Crisis Support Line<br>Call 479-968-0442 at any hour.</li></ul>
<div>If anyone is hurt, call campus police at 911 straight away.</div>
</main></body></html>"""


def test_joined_links_roles_lower_case_offices_and_verbs_of_the_next_line() -> None:
    assert _cued(_JOINS).names == [
        "Graduate Ombuds",
        "Equity and Inclusion Programs",
        "Night Crisis Support Line",
        "campus police",
    ]


#: Numbers that name their service after them, and one that only gives a purpose.
_AFTER = """<html><body><main><h1>In an emergency</h1>
<ol><li>Call 911 for police, fire crews or ambulance.</li>
<li>Then ring 1-800-555-0134 (1-800-555-HELP) - our student emergency line.</li>
<li>Call 479-968-0500 for more information about the procedure.</li></ol>
</main></body></html>"""


def test_a_number_with_no_name_before_it_names_its_service_after_it() -> None:
    assert _cued(_AFTER).names == ["police, fire crews or ambulance", "student emergency line"]


#: Topic headings over a page whose sentences reach three offices; a bold label line and
#: a linked list with no office of their own.
_TOPICS = """<html><body><main><h1>Help after an assault</h1>
<p>The College will not tolerate harassment of any kind.</p>
<h2>Getting advice</h2>
<p>If it happens to you, get in touch with the
<a href="https://example.edu/safe">Safe Campus Team</a> for support.</p>
<p><strong>Phone:</strong>&nbsp;&nbsp; 479-968-0555<br><strong>Bookings:</strong>&nbsp;
<a href="https://example.edu/book">Book an adviser</a></p>
<p>For help straight away, call Campus Patrol on 479-968-0666 or Town Police on 911.</p>
<p>See also our <a href="https://example.edu/numbers">list of useful numbers</a>.</p>
<h2>Reporting to the College</h2>
<p>The Safe Campus Team takes reports of every kind of behaviour that worries you.</p>
<h2>Reporting to Town Police</h2>
<p>You have the right to report to the police at any time.</p>
</main></body></html>"""


def test_topic_headings_over_the_offices_of_their_sentences_give_way_to_the_offices() -> None:
    inference = infer_profile(_TOPICS, url=_URL, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    assert inference.best.names == ["Safe Campus Team", "Campus Patrol", "Town Police"]


#: Linked offices inside a sentence, named as offices are; a linked page that is not one;
#: a menu of links.
_LINKED = """<html><body><main><h1>Out of hours</h1>
<ul class="subnav"><li><a href="/advice">Advice Service</a></li></ul>
<p>Our partners work alongside in-house teams such as the
<a href="/advice">Advice Service</a> and the <a href="/access">Access Centre</a>.</p>
<p>Read the <a href="/guide">Student Guide</a> before term.</p>
</main></body></html>"""


def test_a_linked_office_inside_a_sentence_is_an_office_a_menu_link_is_not() -> None:
    cued = _cued(_LINKED)
    assert cued.names == ["Advice Service", "Access Centre"]
    assert [b.name for b in cued.blocks] == ["p", "p"]


def test_a_number_in_parentheses_after_the_name_is_its_cue() -> None:
    # "the Grounds Desk (479-968-0455)": the parenthesis opens the number, it does not
    # start a note after it, so the office keeps its cue.
    html = (
        "<html><body><main><h1>Storm season</h1>"
        "<p>If a tree falls near your hall, tell the Grounds Desk (479-968-0455) right away.</p>"
        "<p>For injuries, call the Campus Clinic at 479-968-0270.</p></main></body></html>"
    )
    found = cued_names(PageTree(page_soup(html)), "US", None)
    assert {"Grounds Desk", "Campus Clinic"} <= set(found.names)
