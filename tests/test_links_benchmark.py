"""The link benchmark at a tiny size, so that it cannot rot between benchmark runs."""

from __future__ import annotations

from benchmarks import links


def test_the_bound_is_rounds_of_the_allowed_slots() -> None:
    assert links.bound(200, 20, 0.05) == 25 * 0.05  # 8 at once
    assert links.bound(100, 1, 0.05) == 50 * 0.05  # 2 per host
    assert links.bound(9, 2, 1.0) == 3.0  # 4 slots: rounds of 4, 4, 1


def test_checking_n_links_runs_and_is_never_faster_than_its_bound() -> None:
    result = links.measure(reps=1, delay=0.05, cases=((16, 4), (6, 1)))
    rows = {(r["links"], r["hosts"]): r for r in result["rows"]}
    assert rows[16, 4]["bound"] == 2 * 0.05
    assert rows[6, 1]["bound"] == 3 * 0.05
    for row in rows.values():
        assert row["time"] >= row["bound"] * 0.9  # no limit was broken to get there
    text = "\n".join(links.render(result, "python -m benchmarks.links"))
    assert "| 16 | 4 |" in text
    assert "Checking N links" in text
