"""The benchmark code at tiny sizes, so that it cannot rot between benchmark runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from benchmarks import accuracy, generate, memory, report, startup, steps

from resource_catalog.checks.validate import validate_catalog
from resource_catalog.models import Listing
from resource_catalog.pages.parse import parse_page


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A catalog of 60 records, its one-file array and a page of 40 listings."""
    root = tmp_path_factory.mktemp("bench")
    records = generate.make_records(60)
    generate.write_catalog(root / "catalog-60", records)
    generate.write_single_file(root / "records-60.json", records)
    page = generate.page_html(generate.page_listings(40))
    (root / "page-40.html").write_text(page, encoding="utf-8")
    return root


def test_records_are_deterministic_unique_and_realistic() -> None:
    records = generate.make_records(300)
    assert records == generate.make_records(300)
    assert len({r["id"] for r in records}) == 300
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    lengths = sorted(len(r["description"]) for r in records)
    assert 150 <= lengths[150] <= 450  # the real catalog's median is about 220
    phones = [p["number"] for r in records for p in r["phones"]]
    assert len(phones) > 200
    assert all(p.startswith("+1617253") for p in phones)
    buildings = set(generate.load_buildings())
    assert all(loc["building"] in buildings for r in records for loc in r["locations"])


def test_generated_catalog_validates_clean(data: Path) -> None:
    result = validate_catalog(data / "catalog-60")
    assert result.errors == ()
    assert len(result.catalog) == 60


def test_generated_page_parses_to_its_listings(data: Path) -> None:
    listings = generate.page_listings(40)
    parsed = parse_page(
        (data / "page-40.html").read_text(encoding="utf-8"), base_url=generate.PAGE_URL
    )
    assert [x.name for x in parsed] == [x["name"] for x in listings]
    assert [x.section for x in parsed] == [x["section"] for x in listings]
    expected = [[p["number"] for p in x["phones"]] for x in listings]
    assert [[p.number for p in x.phones] for x in parsed] == expected
    assert "617-555-0142" not in " ".join(x.description for x in parsed)  # chrome stays out


def test_changed_listings_change_one_percent() -> None:
    before = generate.listings_of(generate.make_records(400))
    after = generate.changed_listings(before)
    assert sum(a != b for a, b in zip(before, after, strict=True)) == 4
    assert [Listing.model_validate(x) for x in after]  # still valid listings


@pytest.mark.untraced
@pytest.mark.parametrize("step", sorted(steps.SETUPS))
def test_every_step_runs_and_checks_its_answer(data: Path, step: str) -> None:
    n = 40 if step == "parse" else 60
    result = steps.measure(step, data, n, reps=1)
    assert result["n"] == n
    assert result["time"] > 0
    assert result["floor"] > 0
    assert result["peak_rss_kib"] > 0
    assert result["rss_before_kib"] > 0


def test_a_wrong_answer_stops_the_run(data: Path, tmp_path: Path) -> None:
    (tmp_path / "catalog-61").symlink_to(data / "catalog-60")  # holds 60, not 61
    with pytest.raises(RuntimeError, match="wrong result"):
        steps.measure("validate", tmp_path, 61, reps=1)


def test_report_judges_targets_and_renders(data: Path) -> None:
    results = [
        {"step": "csv", "n": n, "time": t, "floor": f, "alt": None, "reps": 1,
         "peak_rss_kib": 2048, "rss_before_kib": 1024}
        for n, t, f in ((10, 1.0, 1.0), (100, 13.0, 10.0))
    ]  # fmt: skip
    times = {
        label: {"argv": ["x"], "times": [t], "median": t}
        for label, t in (
            ("python -c pass", 0.01),
            ("python -c 'import pydantic'", 0.04),
            ("python -c 'import resource_catalog'", 0.05),
            ("resource-catalog --help", 0.07),
        )
    }
    hygiene = {
        "commands": {"resource-catalog --help": ["click"]},
        "forbidden": {"resource-catalog --help": ["requests", "bs4"]},
        "broken": {},
        "importtime_forbidden": [],
        "importtime_total_us": 1000,
        "importtime_top": [(500, 1000, "resource_catalog")],
        "ok": True,
    }
    targets = {t.name: t for t in report.check_targets(results, times, hygiene)}
    assert not targets["export CSV: time(100) / time(10)"].met  # 13 > 12
    assert targets["export CSV at 100: time / floor"].met  # 1.3 <= 2
    assert not targets["resource-catalog --help / python -c 'import pydantic'"].met  # 1.75
    run = report.RunInfo(["python", "-m", "benchmarks.run"], 1.0, 0.5, quick=True, startup_reps=1)
    text = report.render(results, times, hygiene, list(targets.values()), run)
    assert "| export CSV | 100 | 13.00 s | 10.00 s | 1.30 |" in text
    assert "AMD" in text or "CPU:" in text
    assert "| `resource-catalog --help` | click | requests, bs4 |" in text


def test_import_hygiene_names_what_each_command_may_not_load() -> None:
    """validate may load bs4 (selectors are checked with soupsieve); --help may not."""
    hygiene = startup.import_hygiene()
    assert "requests" not in hygiene["commands"]["resource-catalog validate"]
    assert "bs4" in hygiene["forbidden"]["resource-catalog --help"]
    assert "bs4" not in hygiene["forbidden"]["resource-catalog validate"]
    assert hygiene["broken"] == {}
    assert hygiene["ok"]


# -- accuracy on real-world-shaped text (issue 13) --------------------------------


def test_score_counts_true_and_false_positives() -> None:
    found: set[accuracy.Item] = {("+16172531212", "voice"), ("911", "emergency")}
    truth: set[accuracy.Item] = {("+16172531212", "voice"), ("988", "emergency")}
    result = accuracy.score([(found, truth), (set(), {("5-104", "")})])
    assert (result.tp, result.fp, result.fn) == (1, 1, 2)
    assert result.precision == 0.5
    assert result.recall == 1 / 3
    assert result.f1 == pytest.approx(0.4)


def test_accuracy_scores_a_corpus_and_finds_what_it_says(tmp_path: Path) -> None:
    snippets: list[dict[str, Any]] = [
        {"id": "a", "group": "g", "region": "US", "campus": "MIT",
         "text": "S3 is in 5-104; call 617-253-4861 or x3-1212.",
         "phones": [["+16172534861", "voice"], ["+16172531212", "voice"]],
         "locations": [["5-104", None]]},
        {"id": "b", "group": "g", "region": "US", "campus": None,
         "text": "Yale: 203-432-0290, or 2-0290 from a campus phone.",
         "phones": [["+12034320290", "voice"]], "locations": [["E23", None]]},
    ]  # fmt: skip
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(s) + "\n" for s in snippets), encoding="utf-8")
    result = accuracy.measure(reps=1, corpora={"tiny": path})
    scores = result["corpora"]["tiny"]["scores"]
    assert scores["find_phones: number"]["f1"] == 1.0
    assert scores["PhoneNumberMatcher: number"]["recall"] == 2 / 3  # no campus extension
    assert scores["find_locations: code + floor"]["fn"] == 1  # the made-up E23
    assert result["timing"]["ratio"] > 0
    assert accuracy.misses(accuracy.load_corpus(path)) == [
        "b locations: extra [] missed [('E23', '')]: " + snippets[1]["text"]
    ]
    text = "\n".join(accuracy.render(result, "python -m benchmarks.accuracy"))
    assert "| find_phones: number | 1.000 | 1.000 | 1.000 | 3 | 0 | 0 |" in text


@pytest.mark.parametrize("name", sorted(accuracy.CORPORA))
def test_the_finders_meet_issue_13_on_the_corpora(name: str) -> None:
    corpus = accuracy.load_corpus(accuracy.CORPORA[name])
    assert len(corpus) >= 40
    scores = accuracy.accuracy(corpus)
    for reader in ("find_phones: number", "find_phones: number + kind", "find_locations"):
        f1 = next(s["f1"] for r, s in scores.items() if r.startswith(reader))
        assert f1 >= 0.95, (reader, f1, accuracy.misses(corpus))
    assert scores["find_phones: number"]["f1"] > scores["PhoneNumberMatcher: number"]["f1"]


@pytest.mark.untraced
def test_checking_n_local_sources_runs_and_reports_parallel_against_serial() -> None:
    from benchmarks import sources  # noqa: PLC0415

    result = sources.measure(reps=1, delay=0.05)
    assert [row["n"] for row in result["rows"]] == list(sources.SIZES)
    sixteen = result["rows"][-1]
    assert sixteen["serial"] >= 16 * 0.05  # one at a time: every slow answer in turn
    assert sixteen["parallel"] < sixteen["serial"]  # four at a time, eight hosts
    text = "\n".join(sources.render(result, "python -m benchmarks.sources"))
    assert "| 16 |" in text
    assert "Checking N local sources" in text


@pytest.mark.untraced
@pytest.mark.parametrize("name", ["holdout", "holdout2", "holdout3", "holdout4"])
def test_onboarding_meets_issue_12_on_the_held_out_pages(name: str) -> None:
    # The tests read the structures corpus page by page; this keeps the held-out pages
    # from sliding back unseen (the first holdout once did, through a tree change).
    from benchmarks import onboarding  # noqa: PLC0415

    pages = sorted(onboarding.CORPORA[name].glob("*.html"))
    results = [onboarding.measure(page, onboarding.ROOT / "catalog") for page in pages]
    with_listings = [r for r in results if r.expected]
    expected = sum(r.expected for r in with_listings)
    matched = sum(r.matched for r in with_listings)
    found = sum(r.found for r in with_listings)
    assert len(with_listings) >= 6
    assert matched >= 0.9 * expected, [(r.page, r.missing) for r in results if r.missing]
    assert matched >= 0.9 * found, [(r.page, r.extra) for r in results if r.extra]
    assert all(r.exact == r.matched for r in results)
    leaks = sum(len(r.chrome_phones) + len(r.chrome_names) for r in results)
    # the one known leak: a sidebar box in holdout4 that copies the listings' markup
    # exactly (benchmarks/FIXES.md, "a fourth holdout"); any other is a regression
    assert leaks <= (1 if name == "holdout4" else 0), [r.page for r in results if r.chrome_phones]
    # a page with nothing to list is judged weak and saves nothing
    assert all(r.exit_code == 1 for r in results if not r.expected)


def test_memory_targets_judge_issue_24_at_the_top_size() -> None:
    def row(command: str, n: int, mib: float, wall: float, code: int = 0) -> dict[str, Any]:
        return {"command": command, "n": n, "exit": code, "wall": wall, "peak_rss_kib": mib * 1024}

    rows = [
        row(memory.FLOOR, 10, 50, 1.0),
        row(memory.FLOOR, 100, 400, 10.0),
        row("validate", 10, 60, 1.0),
        row("validate", 100, 100, 12.0),  # 1.2x the floor, growth 12 > 11
        row("export json", 100, 300, 5.0),  # over 256 MiB
        row("diff", 100, 90, 1.0, code=2),  # refused: not met, whatever its memory
    ]
    judged = {name: (measured, met) for name, measured, _limit, met in memory.targets(rows, 0.5)}
    assert judged["peak RSS of validate at 100"] == ("100 MiB", True)
    assert judged["peak RSS of export json at 100"] == ("300 MiB", False)
    assert judged["peak RSS of diff at 100"] == ("90 MiB (exit 2)", False)
    assert judged["validate at 100: wall / keep-all pydantic floor"] == ("1.20", True)
    assert not judged["validate: wall(100) / wall(10)"][1]
    assert judged["export JSON at the top size: time / stdlib json floor"] == ("0.50", True)
    text = "\n".join(memory.render(rows, "python -m benchmarks.memory DATA 10 100", 0.5))
    assert "| validate | 60 MiB | 1.00 s | 100 MiB | 12.00 s | 1.7x | 12.0x |" in text
    assert "| peak RSS of export json at 100 | 300 MiB | < 256 MiB | **no** |" in text
