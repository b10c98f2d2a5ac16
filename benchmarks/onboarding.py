"""How well ``sources add`` onboards a page with no hand edit: the issue 12 measurement.

For every page with listings in a corpus (``tests/data/structures``, the held-out
``tests/data/holdout``, and ``tests/data/holdout2`` to ``holdout4``, written later by
writers who had not read the inference code), this runs the command line a maintainer
would, in process and into a fresh copy of the bundled catalog::

    resource-catalog sources add --html PAGE --url URL --id ID --catalog COPY
    resource-catalog scrape --source ID --html PAGE --format json --catalog COPY

and compares what ``scrape`` printed with the page's ``*.expected.json``:

* recall and precision of the listing names (names matched as a reader compares them,
  :func:`resource_catalog.contacts.fold.fold`), and the share of matched names that are exact;
* chrome leaks: a phone the ground truth lists as chrome-only found in a listing, or a
  name that is a chrome word ("Home", "Search"...);
* agreement of the matched listings' phones, locations and sections.

A page whose ``sources add`` exits 1 (weak or ambiguous) saves nothing, so it counts as
nothing found; the pages without listings (weak by design) must exit 1. Run::

    python -m benchmarks.onboarding [--corpus NAME|all] [--examples N] [--write]

``--examples 2`` measures steering: a page refused zero-shot is added again with its
first two expected names as ``--example`` (what a person does next).

``--write`` puts the tables into ``benchmarks/results.md`` between the onboarding
markers (the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from resource_catalog.cli import cli
from resource_catalog.contacts.fold import fold
from resource_catalog.pages.scoring import CHROME_NAMES
from resource_catalog.workflows.sources import same_url

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CORPORA = {
    "structures": ROOT / "tests" / "data" / "structures",
    "holdout": ROOT / "tests" / "data" / "holdout",
    "holdout2": ROOT / "tests" / "data" / "holdout2",
    "holdout3": ROOT / "tests" / "data" / "holdout3",
    "holdout4": ROOT / "tests" / "data" / "holdout4",
    "kinds": ROOT / "tests" / "data" / "kinds",
    "realpages": ROOT / "tests" / "data" / "realpages",
    # Written without the code and measured once per reader change (INDEX.md there).
    "realpages-blind": ROOT / "tests" / "data" / "realpages-blind",
    "realpages-blind2": ROOT / "tests" / "data" / "realpages-blind2",
    "realpages-blind3": ROOT / "tests" / "data" / "realpages-blind3",
    "realpages-blind4": ROOT / "tests" / "data" / "realpages-blind4",
    "realpages-blind5": ROOT / "tests" / "data" / "realpages-blind5",
}
RESULTS = HERE / "results.md"
START, END = "<!-- onboarding:start -->", "<!-- onboarding:end -->"


@dataclass
class PageResult:
    """The measurement of one page."""

    page: str
    structure: str
    exit_code: int
    expected: int
    found: int = 0
    matched: int = 0
    exact: int = 0
    chrome_phones: list[str] = field(default_factory=list)
    chrome_names: list[str] = field(default_factory=list)
    phones_agree: int = 0
    locations_agree: int = 0
    sections_agree: int = 0
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def recall(self) -> float:
        """Matched / expected (1 when nothing is expected)."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        """Matched / found (1 when nothing was found)."""
        return self.matched / self.found if self.found else 1.0


def _match(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Pairs (expected index, found index) matched by folded name, in page order."""
    free: dict[str, list[int]] = {}
    for j, row in enumerate(found):
        free.setdefault(fold(row["name"]), []).append(j)
    pairs = []
    for i, row in enumerate(expected):
        slots = free.get(fold(row["name"]))
        if slots:
            pairs.append((i, slots.pop(0)))
    return pairs


def measure(page: Path, catalog: Path, examples: int = 0) -> PageResult:
    """Onboard ``page`` into a copy of ``catalog`` and compare the scrape with the truth.

    With ``examples`` (0 or more), a page whose zero-shot ``sources add`` is refused is
    added again with its first ``examples`` expected names as ``--example``."""
    truth = json.loads(page.with_suffix("").with_suffix(".expected.json").read_text("utf-8"))
    expected: list[dict[str, Any]] = truth["listings"]
    runner = CliRunner()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "catalog"
        shutil.copytree(catalog, copy, ignore=shutil.ignore_patterns(".sync.lock", ".*.tmp"))
        sid = "onboarded"
        # A page the bundled catalog already follows (by the rule `sources add` uses)
        # would be refused as a duplicate source; a newcomer's catalog would not follow
        # it, so the copy stops following it first.
        meta = json.loads((copy / "catalog.json").read_text("utf-8"))
        for held in meta["sources"]:
            if same_url(held["url"], truth["url"]):
                removed = runner.invoke(
                    cli, ["sources", "remove", held["id"], "--catalog", str(copy)]
                )
                if removed.exit_code != 0:
                    raise RuntimeError(f"{page.name}: could not stop following {held['id']}")
        command = ["sources", "add", "--html", str(page), "--url", truth["url"], "--id", sid,
                   "--catalog", str(copy), "--format", "json"]  # fmt: skip
        added = runner.invoke(cli, command)
        steered = [row["name"] for row in expected[:examples]]
        if added.exit_code != 0 and steered:
            added = runner.invoke(cli, [*command, *(f"--example={n}" for n in steered)])
        result = PageResult(page.name, truth["structure"], added.exit_code, len(expected))
        found: list[dict[str, Any]] = []
        if added.exit_code == 0:
            scraped = runner.invoke(
                cli,
                ["scrape", "--catalog", str(copy), "--source", sid, "--html", str(page),
                 "--format", "json"],
            )  # fmt: skip
            if scraped.exit_code == 0:
                found = json.loads(scraped.stdout)
    result.seconds = time.perf_counter() - started
    result.found = len(found)
    pairs = _match(expected, found)
    result.matched = len(pairs)
    chrome = set(truth.get("chrome_phones", []))
    title = truth["title"]
    for i, j in pairs:
        want, got = expected[i], found[j]
        result.exact += want["name"] == got["name"]
        result.phones_agree += set(want["phones"]) == {p["number"] for p in got["phones"]}
        codes = {
            f"{x['building']}-{x['room']}" if x["room"] else x["building"] for x in got["locations"]
        }
        result.locations_agree += set(want["locations"]) == codes
        result.sections_agree += fold(want["section"] or title) == fold(got["section"])
    for row in found:
        result.chrome_phones += [p["number"] for p in row["phones"] if p["number"] in chrome]
        if fold(row["name"]) in CHROME_NAMES:
            result.chrome_names.append(row["name"])
    matched_found = {j for _, j in pairs}
    matched_expected = {i for i, _ in pairs}
    result.missing = [r["name"] for i, r in enumerate(expected) if i not in matched_expected]
    result.extra = [r["name"] for j, r in enumerate(found) if j not in matched_found]
    return result


def _pct(num: int, den: int) -> str:
    return f"{num / den:.1%}" if den else "n/a"


def render(corpus: str, results: list[PageResult]) -> list[str]:
    """The markdown tables of one corpus."""
    listed = [r for r in results if r.expected]
    weak = [r for r in results if not r.expected]
    expected = sum(r.expected for r in listed)
    found = sum(r.found for r in listed)
    matched = sum(r.matched for r in listed)
    exact = sum(r.exact for r in listed)
    leaks = sum(len(r.chrome_phones) + len(r.chrome_names) for r in results)
    codes = Counter(r.exit_code for r in listed)
    agree = {
        "phones": sum(r.phones_agree for r in listed),
        "locations": sum(r.locations_agree for r in listed),
        "sections": sum(r.sections_agree for r in listed),
    }
    exits = ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))
    measures = [
        ("recall (listings found / expected)", f"{_pct(matched, expected)} ({matched}/{expected})"),
        ("precision (found that are expected)", f"{_pct(matched, found)} ({matched}/{found})"),
        ("names exact (of matched)", f"{_pct(exact, matched)} ({exact}/{matched})"),
        ("chrome leaks (chrome-only phones or chrome names)", str(leaks)),
        *((f"{what} agree (of matched)", _pct(n, matched)) for what, n in agree.items()),
        ("`sources add` exit codes", exits),
    ]
    lines = [
        f"### {corpus}: {len(listed)} pages with listings, {expected} listings",
        "",
        "| measure | value |",
        "| --- | --- |",
        *(f"| {what} | {value} |" for what, value in measures),
        "",
        (
            "| page | structure | add exit | recall | precision | exact | leaks | phones | rooms "
            "| sections |"
        ),
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines.extend(
        f"| {r.page} | {r.structure} | {r.exit_code} | {r.recall:.0%} | {r.precision:.0%} "
        f"| {_pct(r.exact, r.matched)} | {len(r.chrome_phones) + len(r.chrome_names)} "
        f"| {_pct(r.phones_agree, r.matched)} | {_pct(r.locations_agree, r.matched)} "
        f"| {_pct(r.sections_agree, r.matched)} |"
        for r in listed
    )
    if weak:
        lines += [
            "",
            "Pages without listings (a careful reader records none; `sources add` must exit 1):",
            "",
        ]
        lines += [f"- {r.page}: exit {r.exit_code}" for r in weak]
    misses = [r for r in listed if r.missing or r.extra]
    if misses:
        lines += ["", "Differences:", ""]
        for r in misses:
            lines.append(
                f"- {r.page}: missing {r.missing[:6]}{' ...' if len(r.missing) > 6 else ''}; "
                f"extra {r.extra[:6]}{' ...' if len(r.extra) > 6 else ''}"
            )
    return lines


def _write(text: str) -> None:
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    block = f"{START}\n{text.rstrip()}\n{END}\n"
    if START in old and END in old:
        head, _, rest = old.partition(START)
        _, _, tail = rest.partition(END)
        new = head + block + tail.lstrip("\n")
    else:
        new = old.rstrip() + "\n\n" + block
    RESULTS.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Measure the chosen corpora; print (and with --write, save) the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="all")
    parser.add_argument("--write", action="store_true", help="update benchmarks/results.md")
    parser.add_argument(
        "--examples",
        type=int,
        default=0,
        help="for a page refused zero-shot, add it again naming its first N listings",
    )
    args = parser.parse_args(argv)
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    catalog = ROOT / "catalog"
    started = time.perf_counter()
    out = [
        "## Onboarding: `sources add` with no hand edit (issue 12)",
        "",
        f"- Command: `python -m benchmarks.onboarding --corpus {args.corpus}"
        + (f" --examples {args.examples}`" if args.examples else "`"),
        "- Each page: `sources add --html PAGE --url URL --id ID` into a fresh copy of the",
        "  bundled catalog (which first stops following the page when it is one of its",
        "  sources, as a newcomer's catalog would not follow it), then",
        "  `scrape --source ID --html PAGE --format json`, compared with the page's",
        "  `*.expected.json`. Names are matched folded; `exact` is the share",
        "  of matched names that are identical. A page whose `sources add` exits 1 saves",
        "  nothing and counts as nothing found.",
        "",
    ]
    for name in names:
        pages = sorted(CORPORA[name].glob("*.html"))
        results = [measure(page, catalog, args.examples) for page in pages]
        out += [*render(name, results), ""]
    out.append(f"Wall time: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.write:
        _write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
