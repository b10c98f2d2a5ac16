"""The suite's own bookkeeping: the list of tests the coverage tracer skips stays true."""

from __future__ import annotations

import os

import pytest
from benchmarks.untraced import choose

from .conftest import TRACE_LISTED, UNTRACED_LIST, listed_untraced


def test_every_untraced_test_listed_exists(request: pytest.FixtureRequest) -> None:
    # A renamed or deleted test would leave a line that marks nothing; checked for the
    # files this run collected, so a run of one file still checks that file's lines.
    names = listed_untraced()
    collected = {item.nodeid for item in request.session.items}
    files = {nodeid.split("::", 1)[0] for nodeid in collected}
    stale = sorted(t for t in names if t.split("::", 1)[0] in files and t not in collected)
    assert not stale, f"tests/untraced.txt names tests that do not exist: {stale}"
    if os.environ.get(TRACE_LISTED):
        return  # the audit traces them all, to see what each reaches
    for item in request.session.items:  # and the ones this run holds are marked
        listed = item.nodeid in names
        assert listed <= (item.get_closest_marker("untraced") is not None), item.nodeid


def test_the_list_names_each_test_once_by_its_id() -> None:
    text = UNTRACED_LIST.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert len(lines) == len(set(lines))
    assert all("::" in line and line.startswith("tests/") for line in lines)


def test_a_test_whose_arcs_another_reaches_is_chosen_slowest_first() -> None:
    arcs = {
        "": {(1, 1, 2)},  # collection: imports reach module lines
        "slow": {(1, 1, 2), (1, 2, 3)},
        "twin": {(1, 2, 3)},
        "alone": {(1, 4, 5)},
        "quick": {(1, 2, 3)},
    }
    seconds = {"slow": 3.0, "twin": 2.0, "alone": 5.0, "quick": 0.01}
    # "alone" is the only test of its arc; "slow" goes first, then "twin" (the fast
    # "quick" still reaches arc 2-3), and "quick" must stay: it is the last one left.
    assert choose(arcs, seconds, least=0.0) == ["slow", "twin"]
    # under the threshold a test stays traced, and so keeps what it reaches
    assert choose(arcs, seconds, least=2.5) == ["slow"]
    del seconds["quick"], arcs["quick"]
    assert choose(arcs, seconds, least=0.0) == ["slow"]
