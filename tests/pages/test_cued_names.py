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


#: A story that mentions two offices in passing among paragraphs about something else.
_STORY = """<html><body><main><h1>A quiet lounge opens</h1>
<p>The new lounge on the fourth floor opened last week after two terms of planning.</p>
<p>It has two nap pods, a pair of massage chairs and a small kitchen with free tea.</p>
<p>Staff from Community Wellness will run drop-in sessions; call 479-968-1316 to book.</p>
<p>Organisers say the room is not a clinical space and keeps quiet hours.</p>
<p>Students who are struggling can reach Student Counselling at 479-968-2916.</p>
<p>The lounge is open from 8 a.m. to 11 p.m. daily during the term.</p>
<p>Funding came from a student grant, and a second room may open next year.</p>
</main></body></html>"""


def test_a_story_that_mentions_two_offices_in_passing_stays_weak() -> None:
    cued = _cued(_STORY)
    assert cued.names == ["Community Wellness", "Student Counselling"]
    assert not cued.about_them
    assert infer_profile(_STORY, url=_URL, campus=None).confidence is Confidence.WEAK


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
