"""The dial plan a page implies: seven-digit numbers completed with its own area code."""

from __future__ import annotations

from resource_catalog.pages.inference.dialling import page_plan

_PAGE = "Call 356-2060 or 264-9871; the night line is 264-9872. Switchboard: (479) 968-0389."


def test_the_area_code_of_the_full_numbers_and_the_exchanges_of_the_short_ones() -> None:
    plan = page_plan(_PAGE, _PAGE, "US", None)
    assert plan is not None
    assert (plan.area_code, plan.prefixes) == ("479", {"3": "356", "2": "264"})


def test_no_plan_without_an_area_code_abroad_or_with_two_exchanges_of_one_digit() -> None:
    assert page_plan("Call 356-2060.", "Call 356-2060.", "US", None) is None
    assert page_plan(_PAGE, _PAGE, "GB", None) is None
    clash = "Call 356-2060 or 377-1000. Switchboard: (479) 968-0389."
    assert page_plan(clash, clash, "US", None) is None
