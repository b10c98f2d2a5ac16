"""A page whose offices are written in two structures: one reading of both."""

from __future__ import annotations

from resource_catalog.pages.infer import infer_profile

_PAGE = (
    "<html lang='en-AU'><body><header><nav><ul><li><a href='/'>Home</a></li>"
    "<li><a href='/study'>Study</a></li></ul></nav></header>"
    "<main><h1>Support after a hard week</h1>"
    "<p>Talk to a counsellor at the <a href='/caps'>Counselling Service</a> on"
    " 02 9351 2000 on weekdays.</p>"
    "<p>Staff can call the <a href='/eap'>Staff Assistance Program</a> on 1300 360 364"
    " at any time.</p>"
    "<p>If you feel unsafe on campus, the <a href='/safer'>Safer Communities Office</a>"
    " answers on 02 9114 1063.</p>"
    "<p>Outside the university, these services can help:</p>"
    "<ul><li><a href='https://lifeline.example.org'>Lifeline</a> on 13 11 14</li>"
    "<li><a href='https://beyond.example.org'>Beyond Blue</a> on 1300 22 4636</li>"
    "<li><a href='https://kids.example.org'>Kids Helpline</a> on 1800 55 1800</li></ul>"
    "</main></body></html>"
)


def test_offices_in_sentences_and_in_a_list_are_read_together() -> None:
    inference = infer_profile(_PAGE, url="https://www.example.edu.au/support")
    names = [x.name for x in inference.reading.listings]
    assert names == [
        "Counselling Service",
        "Staff Assistance Program",
        "Safer Communities Office",
        "Lifeline",
        "Beyond Blue",
        "Kids Helpline",
    ]
    assert ", " in inference.profile.listings.selector
