"""Pages that mark no main content: a profile with ``content: []`` reads the whole body,
less the chrome, and inference proposes it only for a page that marks none."""

from __future__ import annotations

from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import Profile

# an old table layout: a side cell of links, the offices in another cell, a footer line
_TABLES = (
    "<html><body>"
    "<table><tr><td><p><b>Handbook</b><br><a href='/a'>Fees</a><br><a href='/b'>Awards</a>"
    "<br><a href='/c'>Regulations</a></p></td>"
    "<td><h1>Getting help</h1>"
    "<p class='office'><b>Writing Desk</b> Room 210, Hale Hall, 613-555-0141</p>"
    "<p class='office'><b>Study Skills Office</b> Room 114, Hale Hall, 613-555-0142</p>"
    "<p class='office'><b>Peer Tutors</b> Room 9, Lund Library, 613-555-0143</p>"
    "<p class='office'><b>Career Room</b> Room 301, Hale Hall, 613-555-0144</p>"
    "</td></tr></table>"
    "<div id='footer'><p><a href='/jobs'>Jobs</a> | Switchboard 613-555-0100</p></div>"
    "</body></html>"
)
_OFFICES = ["Writing Desk", "Study Skills Office", "Peer Tutors", "Career Room"]


def test_no_content_selectors_read_the_whole_body() -> None:
    profile = Profile.model_validate(
        {"content": [], "listings": {"selector": "p.office"}, "section": {"from": "none"}}
    )
    reading = read_listings(_TABLES, profile=profile, campus=None)
    assert [x.name for x in reading.listings] == _OFFICES
    assert reading.content == "body"


def test_inference_reads_a_page_without_a_content_element() -> None:
    inference = infer_profile(_TABLES, url="https://www.example.ca/help", campus=None)
    assert inference.confidence is Confidence.OK
    assert [x.name for x in inference.reading.listings] == _OFFICES
    assert inference.profile.content == []
    # the footer, chrome by its name, is dropped, so its switchboard is no one's number
    assert "#footer" in inference.profile.drop
    numbers = {p.number for x in inference.reading.listings for p in x.phones}
    assert "+16135550100" not in numbers


def test_a_page_that_marks_its_content_is_not_read_past_it() -> None:
    # the same offices, and a top bar of links beside <main>: a reading of every
    # paragraph in the body would read the bar too, so only the main content is read
    page = _TABLES.replace(
        "<table>",
        "<div class='bar'><p><b>Portal</b> Log in</p>"
        "<p><b>Webmail</b> Read mail</p></div><main><table>",
    ).replace("</table>", "</table></main>")
    inference = infer_profile(page, url="https://www.example.ca/help", campus=None)
    assert inference.profile.content != []
    assert [x.name for x in inference.reading.listings] == _OFFICES


def test_a_body_with_a_class_is_not_a_content_root_when_the_page_marks_its_content() -> None:
    # an alert bar above <main> writes a paragraph like the offices' own: the reading
    # of every paragraph in body.site would read it too
    page = (
        "<html><body class='site'><div class='notice'><p><b>Campus Patrol</b> Patrols"
        " tonight 613-555-0199</p></div><main><h1>Getting help</h1>"
        + "".join(
            f"<p><b>{n}</b> Room 2{i}, Hale Hall, 613-555-014{i}</p>"
            for i, n in enumerate(_OFFICES)
        )
        + "</main></body></html>"
    )
    inference = infer_profile(page, url="https://www.example.ca/help", campus=None)
    assert [x.name for x in inference.reading.listings] == _OFFICES
    assert not any("body" in c for c in inference.profile.content)
