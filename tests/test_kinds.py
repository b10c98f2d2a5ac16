"""The resource pages people write in rich-text fields (issue 20), one small page per kind.

``tests/data/kinds`` holds pages written for these tests: lines split by ``<br>``,
literal bullets, a heading that carries its phone with detail bullets under it,
accordions (``<details>`` and a button with a hidden panel), names inside sentences,
places with nested labelled fields, a name with a long parenthetical and "call or
text", a bold label / name / phone rhythm in one paragraph, an Australian page, a
handbook table that no zero-shot reading gets right and one keyed by its first column
with people and numbered rooms beside it, a printed phone card whose lines join names
to numbers with dot leaders under headings among the lines, and a news item whose
paragraphs hold a lead-in, a clause before the linked name and a sentence about others,
one whose resources give no phone, only the link in the sentence that names them, and a
list of "Category: <link>Office</link> number" items. Each has its ``*.expected.json``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import responses
from click.testing import CliRunner, Result
from pydantic import ValidationError

from resource_catalog.cli import cli
from resource_catalog.contacts.locations import find_locations
from resource_catalog.errors import ParseError
from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.parse import read_listings
from resource_catalog.pages.reading.listing import leading_phrase
from resource_catalog.pages.scoring import is_name, name_quality
from resource_catalog.profile import Grouping, Profile, RunStart

from .conftest import DATA

KINDS = DATA / "kinds"
STRUCTURES = DATA / "structures"
PROFILES: dict[str, dict[str, Any]] = json.loads((STRUCTURES / "profiles.json").read_text("utf-8"))
#: Pages that no zero-shot reading settles: k11's name column, and k16, where the label
#: before the colon and the link after it are both names to a reader that does not know
#: which the page means (an example says).
CHOSEN_BY_EXAMPLE = ("k11", "k16")
ZERO_SHOT = sorted(p for p in KINDS.glob("*.html") if not p.name.startswith(CHOSEN_BY_EXAMPLE))


def truth(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        page.with_suffix("").with_suffix(".expected.json").read_text("utf-8")
    )
    return data


def kind(prefix: str) -> Path:
    (page,) = KINDS.glob(f"{prefix}-*.html")
    return page


def rows(listings: Any) -> list[tuple[str, str, list[str]]]:
    return [(x.name, x.section, [p.number for p in x.phones]) for x in listings]


def wanted(page: Path) -> list[tuple[str, str, list[str]]]:
    data = truth(page)
    return [(x["name"], x["section"], x["phones"]) for x in data["listings"]]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def add(catalog_dir: Path, page: Path, *extra: str) -> Result:
    return run(
        "sources", "add", "--html", page, "--url", truth(page)["url"], "--catalog", catalog_dir,
        *extra,
    )  # fmt: skip


# --------------------------------------------------------------------------- zero-shot


@pytest.mark.untraced
@pytest.mark.parametrize("page", ZERO_SHOT, ids=lambda p: p.name[:3])
def test_each_kind_of_page_is_read_zero_shot_as_a_reader_lists_it(page: Path) -> None:
    inference = infer_profile(page.read_text("utf-8"), url=truth(page)["url"])
    assert inference.confidence is Confidence.OK, inference.reasons
    assert rows(inference.reading.listings) == wanted(page)
    # what inference previews is what the saved profile reads later
    again = read_listings(page.read_text("utf-8"), profile=inference.profile)
    assert rows(again.listings) == wanted(page)


def test_lines_of_one_paragraph_are_runs_and_the_intro_after_them_is_no_listing() -> None:
    page = kind("k01")
    inference = infer_profile(page.read_text("utf-8"), url=truth(page)["url"])
    assert inference.profile.listings.group is Grouping.RUNS
    assert "After hours" not in " ".join(x.name for x in inference.reading.listings)


def test_literal_bullets_open_runs_and_lose_their_bullet() -> None:
    profile = Profile.model_validate(
        {"listings": {"group": "runs", "selector": "p", "start": "bullet"}}
    )
    reading = read_listings(kind("k02").read_text("utf-8"), profile=profile)
    names = [x.name for x in reading.listings]
    assert names[:2] == ["Counseling and Psychological Services", "University Chaplain"]
    assert not any(n.startswith(("\u2022", "-")) for n in names)


def test_a_bold_label_line_is_the_section_of_the_run_it_opens() -> None:
    profile = Profile.model_validate(
        {
            "listings": {"group": "runs", "selector": "p", "start": "lead"},
            "section": {"from": "label", "selector": "strong, b"},
        }
    )
    reading = read_listings(kind("k09").read_text("utf-8"), profile=profile)
    assert rows(reading.listings) == wanted(kind("k09"))


def test_a_heading_that_carries_its_phone_gives_it_and_its_bullets_stay_details() -> None:
    page = kind("k03")
    inference = infer_profile(page.read_text("utf-8"), url=truth(page)["url"])
    listings = inference.reading.listings
    assert [x.name for x in listings] == [x[0] for x in wanted(page)]
    first = listings[0]
    assert [p.number for p in first.phones] == ["+19195550171"]
    # the nested bullets (what to call for) are the listing's description, not listings
    assert "thoughts of harming yourself" in first.description
    assert "call the number" in listings[2].description


def test_names_inside_sentences_come_from_the_link_bold_text_or_leading_phrase() -> None:
    profile = Profile.model_validate(
        {"listings": {"selector": "p", "named": True}, "name": {"inline": True, "phrase": True}}
    )
    reading = read_listings(kind("k06").read_text("utf-8"), profile=profile)
    assert [x.name for x in reading.listings] == [x[0] for x in wanted(kind("k06"))]
    crisis = Profile.model_validate(
        {"listings": {"selector": "li"}, "name": {"phrase": True, "lead": False}}
    )
    lines = read_listings(kind("k08").read_text("utf-8"), profile=crisis)
    assert rows(lines.listings) == wanted(kind("k08"))


def test_a_page_of_another_country_reads_its_national_numbers() -> None:
    page = kind("k10")
    inference = infer_profile(page.read_text("utf-8"), url=truth(page)["url"])
    assert inference.profile.region == "AU"
    # a number that a closing parenthesis and "24-hour" follow keeps its own digits
    html = page.read_text("utf-8").replace(
        "1800 555 203 (24 hours) &ndash;", "1800 555 203) &ndash;"
    )
    again = infer_profile(html, url=truth(page)["url"])
    assert [p.number for p in again.reading.listings[2].phones] == ["+611800555203"]


def test_numbers_with_a_country_code_name_the_country_of_a_page_on_a_com_host() -> None:
    html = kind("k10").read_text("utf-8").replace('lang="en-AU"', 'lang="en"')
    html = html.replace("(03) 9555 0202", "+61 3 9555 0202").replace(
        "(03) 9555 0100", "+61 3 9555 0100"
    )
    inference = infer_profile(html, url="https://www.southbank-college.com/support")
    assert inference.profile.region == "AU"


def test_a_room_followed_by_hours_is_still_a_room() -> None:
    (place,) = find_locations("Room E17-461 Hours Mon-Fri 9-5")
    assert (place.building, place.room) == ("E17", "461")
    assert find_locations("allow 5-10 hours") == []


# --------------------------------------------------------------------------- examples


def test_examples_rescue_a_page_no_zero_shot_reading_gets() -> None:
    page = kind("k11")
    html = page.read_text("utf-8")
    alone = infer_profile(html, url=truth(page)["url"])
    assert alone.confidence is not Confidence.OK
    assert [x.name for x in alone.reading.listings] != [x[0] for x in wanted(page)]
    steered = infer_profile(html, url=truth(page)["url"], examples=["Absences", "Transcripts"])
    assert steered.confidence is Confidence.OK, steered.reasons
    assert [x.name for x in steered.reading.listings] == [x[0] for x in wanted(page)]


def test_a_name_not_on_the_page_is_an_error_naming_the_closest_texts(catalog_dir: Path) -> None:
    html = kind("k11").read_text("utf-8")
    with pytest.raises(ParseError, match=r"'Transcript Office' is not on the page.*Transcripts"):
        infer_profile(html, examples=["Transcript Office"])
    result = add(catalog_dir, kind("k11"), "--example", "Transcript Office", "--dry-run")
    assert result.exit_code == 2
    assert "closest texts" in result.output


def test_an_empty_example_or_id_is_refused(catalog_dir: Path) -> None:
    empty = add(catalog_dir, kind("k01"), "--example", " ", "--dry-run")
    assert empty.exit_code == 2
    assert "--example" in empty.output
    no_id = add(catalog_dir, kind("k01"), "--id", "", "--dry-run")
    assert no_id.exit_code == 2
    assert "--id" in no_id.output


# --------------------------------------------------------------------------- --take


def test_a_weak_page_shows_two_readings_and_take_saves_the_chosen_one(catalog_dir: Path) -> None:
    (page,) = STRUCTURES.glob("24-*.html")  # an events page: weak, with a runner-up
    shown = add(catalog_dir, page, "--id", "events", "--dry-run", "--format", "json")
    refused = add(catalog_dir, page, "--id", "events")
    assert refused.exit_code == 1
    assert "reading 1:" in refused.output
    assert "reading 2" in refused.output
    assert "--take 1 or --take 2" in refused.output
    second = json.loads(shown.stdout)["runner_up"]
    assert second["reasons"]  # why the second reading is weak, too
    taken = add(catalog_dir, page, "--id", "events", "--take", "2", "--format", "json")
    assert taken.exit_code == 0, taken.output
    body = json.loads(taken.stdout)
    assert body["written"]
    assert body["confidence"] == "ok"
    assert body["profile"] == second["profile"]
    assert [x["name"] for x in body["listings"]] == [x["name"] for x in second["listings"]]


def test_take_2_without_a_second_reading_is_an_error(catalog_dir: Path) -> None:
    page = kind("k10")  # one reading only
    inference = infer_profile(page.read_text("utf-8"))
    assert inference.runner_up is None
    with pytest.raises(ValueError, match="no reading 2"):
        inference.take(2)
    assert inference.take(1).best is inference.best
    assert inference.take(1).confidence is Confidence.OK
    result = add(catalog_dir, page, "--take", "2", "--dry-run")
    assert result.exit_code == 2
    assert "no reading 2" in result.output


# --------------------------------------------------------------------------- versions


@pytest.mark.untraced
@pytest.mark.parametrize("stem", sorted(PROFILES))
def test_a_version_1_profile_reads_exactly_as_version_2_reads_it(stem: str) -> None:
    html = (STRUCTURES / f"{stem}.html").read_text("utf-8")
    old = Profile.model_validate({**PROFILES[stem], "version": 1})
    new = Profile.model_validate({**PROFILES[stem], "version": 2})
    assert old.version == 1
    assert read_listings(html, profile=old).listings == read_listings(html, profile=new).listings


def test_a_version_1_profile_cannot_use_what_version_2_added() -> None:
    with pytest.raises(ValidationError, match="need profile version 2"):
        Profile.model_validate({"version": 1, "listings": {"group": "runs", "selector": "p"}})
    with pytest.raises(ValidationError, match=r"name\.phrase"):
        Profile.model_validate({"version": 1, "name": {"phrase": True}})
    assert Profile().version == 2
    assert Profile().listings.start is RunStart.LINE


# --------------------------------------------------------------------------- messages


def test_a_title_with_no_latin_letters_takes_its_id_from_the_url(catalog_dir: Path) -> None:
    html = (
        kind("k02")
        .read_text("utf-8")
        .replace("<h1>Support Resources</h1>", "<h1>\u652f\u63f4\u670d\u52d9</h1>")
    )
    saved = catalog_dir.parent / "cjk.html"
    saved.write_text(html, encoding="utf-8")
    result = run(
        "sources", "add", "--html", saved, "--url", "https://www.pemberton.edu/help/support/",
        "--catalog", catalog_dir, "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.startswith("help-support:")


@responses.activate
def test_a_304_to_a_request_that_was_not_conditional_is_a_fetch_error(catalog_dir: Path) -> None:
    url = "https://www.pemberton.edu/help/support/"
    responses.add(responses.GET, url, status=304)
    result = run("sources", "add", "--url", url, "--catalog", catalog_dir, "--dry-run")
    assert result.exit_code == 2
    assert "304" in result.output
    assert "no repeated structure" not in result.output


def test_inference_keeps_to_its_time_budget() -> None:
    with pytest.raises(ParseError, match="took longer than"):
        infer_profile(kind("k01").read_text("utf-8"), seconds=0.0)


def test_national_numbers_alone_name_the_country_of_a_page_on_a_com_host() -> None:
    html = kind("k10").read_text("utf-8").replace('lang="en-AU"', 'lang="en"')
    inference = infer_profile(html, url="https://www.southbank-college.com/support")
    assert inference.profile.region == "AU"
    assert [p.number for p in inference.reading.listings[3].phones] == ["+61135520"]
    # a page whose numbers are American stays in the US
    us = infer_profile(kind("k12").read_text("utf-8"), url="https://www.ivesdale.com/card")
    assert us.profile.region == "US"


def test_a_handbook_table_is_named_by_its_key_column_not_the_people_beside_it() -> None:
    page = kind("k13")
    inference = infer_profile(page.read_text("utf-8"), url=truth(page)["url"])
    assert inference.profile.listings.columns == {"name": "Matter"}
    # the other column was a reading too, and lost on its names (people, not resources)
    assert inference.runner_up is not None
    assert "'Who' column" in inference.runner_up.candidate.description
    assert name_quality("Ms. Okafor") < name_quality("Bursar")
    # numbered rooms are contact cues: the reading is not weak for want of phones
    assert inference.best.signals.contact >= 0.5


def test_a_lead_in_ending_in_a_colon_and_a_sentence_about_others_are_no_listings() -> None:
    assert leading_phrase("Several residence halls keep advisers") == ""
    assert leading_phrase("Campus Police answers at all hours") == "Campus Police"
    html = (
        "<main><p>\u2022 Counselling Centre \u2013 506-555-0131<br>"
        "\u2022 Free lines that answer by phone include:<br>"
        "\u2022 Peer Support Line \u2013 506-555-0133</p></main>"
    )
    profile = Profile.model_validate(
        {
            "listings": {"group": "runs", "selector": "p", "start": "bullet", "named": True},
            "name": {"separators": [":", "\u2013"], "phrase": True},
            "section": {"from": "none"},
        }
    )
    names = [x.name for x in read_listings(html, profile=profile).listings]
    assert names == ["Counselling Centre", "Peer Support Line"]
    # a bold lead that ends in a dash with nothing after it heads what follows too
    bold = (
        "<main><p><strong>Policies and procedures -</strong></p>"
        "<p><strong>Care Team</strong> - 506-555-0135</p>"
        "<p><strong>Chaplaincy</strong> - 506-555-0134</p></main>"
    )
    leads = Profile.model_validate(
        {"listings": {"selector": "p"}, "name": {"separators": ["-"]}, "section": {"from": "none"}}
    )
    assert [x.name for x in read_listings(bold, profile=leads).listings] == [
        "Care Team",
        "Chaplaincy",
    ]


def test_a_link_right_after_a_category_label_names_the_listing() -> None:
    page = kind("k16")
    html = page.read_text("utf-8")
    profile = Profile.model_validate(
        {
            "content": ["article.page"],
            "listings": {"selector": "li", "named": True},
            "name": {"inline": True, "phrase": True},
            "section": {"from": "none"},
        }
    )
    reading = read_listings(html, profile=profile)
    assert rows(reading.listings) == wanted(page)
    assert reading.listings[1].description.startswith("Rooms/Roommates:")  # a detail now
    # zero-shot the office nearest before each number is its name, not the label
    alone = infer_profile(html, url=truth(page)["url"])
    assert alone.confidence is Confidence.OK, alone.reasons
    assert rows(alone.reading.listings) == wanted(page)
    steered = infer_profile(html, url=truth(page)["url"], examples=["Residence Life"])
    assert steered.confidence is Confidence.OK, steered.reasons
    assert rows(steered.reading.listings) == wanted(page)


def test_a_way_around_the_site_and_a_bare_date_name_nothing() -> None:
    assert not is_name("\u00bb Back to all news")
    assert not is_name("Oct 9th")
    assert is_name("October Reading Week Helpline")
    html = (
        '<main><p><a href="/news">\u00bb Back to all news</a></p>'
        "<p>Oct 9th</p>"
        '<p><a href="https://www.ivesdale.edu/eap">Employee Assistance Program</a> answers '
        "at 319-555-0161.</p>"
        '<p><a href="https://www.ivesdale.edu/care">Care Team</a> answers at 319-555-0162.</p>'
        "</main>"
    )
    profile = Profile.model_validate(
        {
            "listings": {"selector": "p", "named": True},
            "name": {"inline": True, "phrase": True},
            "section": {"from": "none"},
        }
    )
    names = [x.name for x in read_listings(html, profile=profile).listings]
    assert names == ["Employee Assistance Program", "Care Team"]


def test_a_possessive_before_the_lead_still_opens_the_item() -> None:
    html = (
        "<main><h2>Support</h2>"
        "<p><strong>Food Pantry</strong> \u2013 free groceries for any student.</p>"
        "<p>Phone 319-555-0171.</p>"
        "<p>Ivesdale\u2019s <a href='https://www.ivesdale.edu/ccd'>Center for Counseling</a>"
        " sees students for short-term counseling.</p>"
        "<p><strong>Emergency Fund</strong> \u2013 small grants after a sudden loss.</p></main>"
    )
    profile = Profile.model_validate(
        {
            "listings": {
                "selector": "p:has(>a:first-child,>b:first-child,>strong:first-child)",
                "named": True,
                "follow": True,
            },
            "name": {"separators": [":", "\u2013"]},
            "section": {"selector": "h2", "required": False},
        }
    )
    listings = read_listings(html, profile=profile).listings
    assert [x.name for x in listings] == ["Food Pantry", "Center for Counseling", "Emergency Fund"]
    assert [p.number for p in listings[0].phones] == ["+13195550171"]
