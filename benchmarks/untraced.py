"""Which slow tests the coverage tracer can skip without changing the coverage report.

``python -m benchmarks.untraced`` runs the whole suite once with a coverage context per
test (``--cov-context=test``) and with every test's duration, then walks the tests from
the slowest down: a test whose every arc another still-traced test also reaches is
listed, and its arcs are counted off. Tests listed in ``tests/untraced.txt`` run with the
tracer paused (``tests/conftest.py``); they still run and assert everything. The report
of a traced run is the same, arc for arc, as long as the list is fresh; when the code
changes under a listed test the report can only read *lower* (an arc that only a listed
test reaches shows as missed), never higher. Rerun this after large changes:

    python -m benchmarks.untraced [--min-seconds 0.2] [--write]

Without ``--write`` it prints the list and what it would save; with it, it rewrites
``tests/untraced.txt``. It takes about twice the suite's time (contexts are costly).
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "tests" / "untraced.txt"
HEADER = """\
# Tests run with the coverage tracer paused (tests/conftest.py): each one still runs and
# asserts everything, but every arc it reaches is also reached by a traced test, so the
# coverage report is the same without tracing it. Written by `python -m benchmarks.untraced
# --write` from a run with one coverage context per test; slowest first.
"""
_DURATION = re.compile(r"^([\d.]+)s (call|setup|teardown)\s+(\S+)")


def measure(workdir: Path) -> tuple[dict[str, set[tuple[int, int, int]]], dict[str, float]]:
    """Arcs reached per test (``""``: during collection) and seconds per test, from one run."""
    data = ROOT / ".coverage"  # where pytest-cov combines the workers' data (as nox -s tests)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-n",
            "auto",
            "-p",
            "no:randomly",
            "--cov",
            "--cov-context=test",
            "--cov-report=term",
            "--durations=0",
            "-o",
            f"cache_dir={workdir / 'cache'}",
        ],
        cwd=ROOT,
        # the listed tests traced too (the hand-marked ones stay paused: they reach nothing
        # the report counts, so they cannot stand in for another test)
        env={
            **{k: v for k, v in os.environ.items() if k != "COVERAGE_FILE"},
            "RESOURCE_CATALOG_TRACE_LISTED": "1",  # tests/conftest.py's TRACE_LISTED
        },
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise SystemExit(f"the suite failed; fix it first:\n{run.stdout[-3000:]}")
    seconds: dict[str, float] = collections.defaultdict(float)
    for line in run.stdout.splitlines():
        if found := _DURATION.match(line):
            seconds[found[3]] += float(found[1])
    with sqlite3.connect(data) as db:
        contexts = dict(db.execute("select id, context from context"))
        arcs: dict[str, set[tuple[int, int, int]]] = collections.defaultdict(set)
        for file_id, context_id, start, end in db.execute(
            "select file_id, context_id, fromno, tono from arc"
        ):
            arcs[contexts[context_id].rsplit("|", 1)[0]].add((file_id, start, end))
    return arcs, dict(seconds)


def choose(
    arcs: dict[str, set[tuple[int, int, int]]], seconds: dict[str, float], least: float
) -> list[str]:
    """The tests of at least ``least`` seconds, slowest first, that can go untraced
    together: every arc stays reached by some traced test (or by collection)."""
    reached: collections.Counter[tuple[int, int, int]] = collections.Counter()
    for held in arcs.values():
        reached.update(held)
    chosen = []
    for test in sorted(arcs, key=lambda t: (-seconds.get(t, 0.0), t)):
        if not test or seconds.get(test, 0.0) < least:
            continue
        if all(reached[arc] > 1 for arc in arcs[test]):
            chosen.append(test)
            reached.subtract(arcs[test])
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-seconds", type=float, default=0.2)
    parser.add_argument("--write", action="store_true", help=f"rewrite {LIST.name}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        arcs, seconds = measure(Path(workdir))
    chosen = choose(arcs, seconds, args.min_seconds)
    total = sum(seconds.values())
    spared = sum(seconds.get(t, 0.0) for t in chosen)
    print(f"{len(chosen)} tests, {spared:.1f} s of {total:.1f} s of test time, can run untraced")
    if args.write:
        LIST.write_text(HEADER + "".join(f"{test}\n" for test in chosen), encoding="utf-8")
        print(f"written: {LIST.relative_to(ROOT)}")
    else:
        print("\n".join(chosen))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
