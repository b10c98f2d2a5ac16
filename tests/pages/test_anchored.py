"""Examples always give a reading when the names are on the page (issue 20).

When no reading the inference proposes lists the examples (plain words inside a
sentence, an alert box taken for chrome), it reads from where they stand: a version 5
profile opens a listing at each given name, named as given, with the phones of its
sentence, and at the office a sentence of the same records says to call.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from resource_catalog.cli import cli
from resource_catalog.errors import ParseError
from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.parse import read_listings
from resource_catalog.profile import Profile

_URL = "https://example.edu/housing/help"

#: Offices named in lower case inside sentences, one with its number before the name.
_SENTENCES = """<html><body><main><h1>Help in your residence</h1>
<h2>Who to ask</h2>
<p>Welcome to the halls. We hope your year goes well, and here is who to ask.</p>
<p>If you feel unwell, the campus medical practice can see you the same day on 617-253-0100.</p>
<p>Call 617-253-0142 for the housing repairs team, who fix locks, heating and leaks.</p>
<p>Late at night, contact the Residence Life Desk at 617-253-0177 for anything urgent.</p>
<p>Please keep this page handy.</p>
</main></body></html>"""

#: Two offices inside an alert box (its class reads as page chrome), and a list of
#: linked services below it.
_CALLOUT = """<html><body><main><h1>Supporting a student in distress</h1>
<div class="alert"><h3>If someone is in danger</h3>
<p>First, call Emergency Services: 911<br>Then, call Campus Patrol: 617-253-0199</p></div>
<h2>Where to refer</h2>
<ul><li><a href="/health">Student Health</a>, for appointments and advice.</li>
<li><a href="/counselling">Counselling</a>, for someone who needs to talk.</li>
<li><a href="/advising">Advising</a>, for help with a course load.</li></ul>
</main></body></html>"""


#: Offices named by their headings, and one more inside a sentence below them.
_HEADINGS = """<html><body><main><h1>Evidence for a late return</h1>
<h2>Letters we accept</h2>
<h3>Disability Advice</h3><p>Our advisers write letters for students registered with them.</p>
<h3>Campus GP Surgery</h3><p>Ask at the front desk when you next visit.</p>
<p>Failing those, the chaplaincy team can write one: ring 01392 724000.</p>
</main></body></html>"""


def _names(html: str, examples: list[str], url: str = _URL) -> dict[str, list[str]]:
    inference = infer_profile(html, url=url, examples=examples, campus=None)
    assert inference.confidence is Confidence.OK, inference.reasons
    assert inference.profile.version == 5
    return {x.name: [p.number for p in x.phones] for x in inference.reading.listings}


def test_plain_text_names_in_sentences_are_read_from_the_examples() -> None:
    found = _names(_SENTENCES, ["campus medical practice", "housing repairs team"])
    assert found["campus medical practice"] == ["+16172530100"]
    # the number before the name, in its sentence, is the office's
    assert found["housing repairs team"] == ["+16172530142"]


def test_two_examples_find_a_third_office_written_the_same_way() -> None:
    found = _names(_SENTENCES, ["campus medical practice", "housing repairs team"])
    assert found["Residence Life Desk"] == ["+16172530177"]
    assert len(found) == 3  # no intro or closing sentence is a listing


def test_an_example_that_is_a_whole_heading_finds_the_other_headings() -> None:
    found = _names(_HEADINGS, ["Disability Advice", "chaplaincy team"], "https://example.ac.uk/")
    assert set(found) == {"Disability Advice", "Campus GP Surgery", "chaplaincy team"}
    assert found["chaplaincy team"] == ["+441392724000"]


def test_offices_in_a_box_taken_for_chrome_are_read_from_the_examples() -> None:
    found = _names(_CALLOUT, ["Emergency Services", "Campus Patrol"])
    assert found["Campus Patrol"] == ["+16172530199"]
    assert "Emergency Services" in found


def test_the_profile_reads_the_page_again_and_older_versions_refuse_names() -> None:
    inference = infer_profile(
        _SENTENCES, url=_URL, examples=["campus medical practice", "housing repairs team"]
    )
    saved = Profile.model_validate_json(inference.profile.model_dump_json())
    again = read_listings(_SENTENCES, profile=saved, base_url=_URL)
    assert [x.name for x in again.listings] == [x.name for x in inference.reading.listings]
    with pytest.raises(ValueError, match="version 5"):
        Profile.model_validate({"version": 4, "listings": {"names": ["Desk"]}})


def test_a_name_not_on_the_page_is_still_an_error_naming_the_closest(
    tmp_path: Path, catalog_dir: Path
) -> None:
    with pytest.raises(
        ParseError, match=r"'Student Healthcare' is not on the page.*Student Health"
    ):
        infer_profile(_CALLOUT, url=_URL, examples=["Student Healthcare"])
    page = tmp_path / "help.html"
    page.write_text(_CALLOUT, encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["sources", "add", "--html", str(page), "--url", _URL, "--id", "halls",
         "--example", "Student Healthcare", "--dry-run", "--catalog", str(catalog_dir)],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "closest texts" in result.output
