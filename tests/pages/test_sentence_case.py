"""Names in sentence case, as British and Australian sites write them."""

from __future__ import annotations

from resource_catalog.pages.infer import Confidence, infer_profile
from resource_catalog.pages.scoring import name_quality


def test_a_service_named_in_sentence_case_reads_as_a_name() -> None:
    assert name_quality("Community legal services") > name_quality("Winter break activities")
    assert name_quality("Telephone counselling") >= 0.85
    assert name_quality("Telephone Counselling") == 1.0


def test_instructions_in_sentence_case_do_not() -> None:
    # a pronoun, an article or a word that names no service: an instruction or a topic
    assert name_quality("Trust your instincts") < 0.8
    assert name_quality("Contact the service") < 0.8
    assert name_quality("Emergency contact") < 0.8


def test_headings_of_services_without_numbers_are_a_sure_reading() -> None:
    page = (
        "<html lang='en-AU'><body><main><h1>Harassment</h1><h2>Help on campus</h2>"
        "<h3>Safer community unit</h3><p>Advice and a plan for staying safe, in confidence.</p>"
        "<h3>Student counselling service</h3><p>Free sessions with a counsellor each term.</p>"
        "<h3>Telephone counselling</h3><p>Talk to a counsellor by phone after hours.</p>"
        "<h3>Community legal services</h3><p>Free legal advice about orders and reports.</p>"
        "</main></body></html>"
    )
    inference = infer_profile(page, url="https://www.example.edu.au/harassment")
    assert inference.confidence is Confidence.OK
    assert [x.name for x in inference.reading.listings] == [
        "Safer community unit",
        "Student counselling service",
        "Telephone counselling",
        "Community legal services",
    ]
