"""The benchmark runner: ``python -m benchmarks.run [--quick]`` (``nox -s bench``).

Generates the synthetic data into a temporary directory, runs every step at every
size in its own subprocess (:mod:`benchmarks.steps`), measures the peak RSS of whole
commands at the two largest catalog sizes (:mod:`benchmarks.memory`), times start-up and
checks import hygiene (:mod:`benchmarks.startup`), scores the phone and location finders
on real-world-shaped text (:mod:`benchmarks.accuracy`), times checking N local sources
(:mod:`benchmarks.sources`) and N links against the concurrency bound
(:mod:`benchmarks.links`), measures onboarding on the test pages
(:mod:`benchmarks.onboarding`), then writes ``results.md`` and
``scaling.png``. A full run writes into ``benchmarks/``; ``--quick`` (tiny sizes, a
smoke test) writes into a temporary directory unless ``--output-dir`` is given.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import memory, report, startup

HERE = Path(__file__).resolve().parent
CATALOG_SIZES = (1_000, 10_000, 100_000)
PAGE_SIZES = (100, 1_000, 10_000)
QUICK_CATALOG_SIZES = (100, 1_000)
QUICK_PAGE_SIZES = (20, 200)
CATALOG_STEPS = ("validate", "diff", "csv", "json")


def prepare(data: Path, catalog_sizes: tuple[int, ...], page_sizes: tuple[int, ...]) -> None:
    """Write every input once (in a subprocess, so this process stays small)."""
    sizes = [",".join(map(str, catalog_sizes)), ",".join(map(str, page_sizes))]
    subprocess.run(
        [sys.executable, "-m", "benchmarks.generate", str(data), *sizes],
        check=True,
        cwd=HERE.parent,
    )


def run_step(step: str, n: int, data: Path, reps: int) -> dict[str, Any]:
    """Run one step at one size in a fresh interpreter; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.steps", step, str(n), str(data), str(reps)],
        check=True,
        stdout=subprocess.PIPE,  # stderr passes through: a failing step shows its traceback
        text=True,
        cwd=HERE.parent,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_memory(data: Path, sizes: tuple[int, ...]) -> list[dict[str, Any]]:
    """Peak RSS and wall time of whole commands at ``sizes`` (:mod:`benchmarks.memory`)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", str(data), *map(str, sizes), "--json"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )
    rows: list[dict[str, Any]] = json.loads(done.stdout.strip().splitlines()[-1])
    return rows


def run_accuracy(reps: int) -> dict[str, Any]:
    """Score and time the finders on the snippet corpora, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.accuracy", "--json", "--reps", str(reps)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_sources(reps: int, delay: float) -> dict[str, Any]:
    """Time checking N local sources, parallel against serial, in a fresh interpreter."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.sources",
            "--json",
            "--reps",
            str(reps),
            "--delay",
            str(delay),
        ],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_links(reps: int, delay: float, *, quick: bool) -> dict[str, Any]:
    """Time checking N links on slow local hosts against the bound, in a fresh interpreter."""
    command = [sys.executable, "-m", "benchmarks.links", "--json", "--reps", str(reps)]
    command += ["--delay", str(delay), *(["--quick"] if quick else [])]
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_onboarding() -> str:
    """The onboarding measurement's section (``sources add`` on the test pages)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.onboarding", "--corpus", "all"],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        cwd=HERE.parent,
    )
    return done.stdout


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The runner's options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke test")
    parser.add_argument("--reps", type=int, help="repetitions per size (default 5; 3 at the top)")
    parser.add_argument("--startup-reps", type=int, help="start-up repetitions (default 31)")
    parser.add_argument("--output-dir", type=Path, help="where results.md and scaling.png go")
    parser.add_argument("--data-dir", type=Path, help="keep the generated data here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run everything and write the report; with ``--strict``, 1 when a target is missed."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    began = time.perf_counter()
    catalog_sizes = QUICK_CATALOG_SIZES if args.quick else CATALOG_SIZES
    page_sizes = QUICK_PAGE_SIZES if args.quick else PAGE_SIZES
    startup_reps = args.startup_reps or (5 if args.quick else 31)
    out = args.output_dir or (Path(tempfile.mkdtemp(prefix="bench-")) if args.quick else HERE)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-data-") as tmp:
        data = args.data_dir or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        print(f"generating data in {data} ...", flush=True)
        prepare(data, catalog_sizes, page_sizes)
        generated = time.perf_counter() - began
        plan = [("parse", n) for n in page_sizes]
        plan += [(step, n) for step in CATALOG_STEPS for n in catalog_sizes]
        results: list[dict[str, Any]] = []
        for step, n in plan:
            sizes = page_sizes if step == "parse" else catalog_sizes
            reps = args.reps or (2 if args.quick else (3 if n == sizes[-1] else 5))
            result = run_step(step, n, data, reps)
            results.append(result)
            print(
                f"{step:>8} n={n:>7,}  {result['time']:8.3f}s  floor {result['floor']:8.3f}s"
                f"  x{result['time'] / result['floor']:.2f}"
                f"  peak {result['peak_rss_kib'] / 1024:7.1f} MiB",
                flush=True,
            )
        print("peak memory of whole commands ...", flush=True)
        peaks = run_memory(data, catalog_sizes[-2:])
    print("accuracy on real-world-shaped text ...", flush=True)
    scored = run_accuracy(3 if args.quick else 21)
    print(f"find_phones / PhoneNumberMatcher: {scored['timing']['ratio']:.2f}", flush=True)
    print("checking N local sources ...", flush=True)
    many = run_sources(1 if args.quick else 3, 0.05 if args.quick else 0.25)
    print("checking N links on slow local hosts ...", flush=True)
    linked = run_links(1 if args.quick else 3, 0.02 if args.quick else 0.05, quick=args.quick)
    print("onboarding the test pages ...", flush=True)
    onboarded = run_onboarding()
    print("start-up ...", flush=True)
    times = startup.time_startup(startup_reps)
    hygiene = startup.import_hygiene()
    wall = time.perf_counter() - began
    run = report.RunInfo(
        argv=["python", "-m", "benchmarks.run", *(argv if argv is not None else sys.argv[1:])],
        wall_seconds=wall,
        generate_seconds=generated,
        quick=args.quick,
        startup_reps=startup_reps,
    )
    targets = report.check_targets(results, times, hygiene)
    targets += [
        report.Target(*target) for target in memory.targets(peaks, report.json_ratio(results))
    ]
    report.write_plot(results, out / "scaling.png")
    (out / "results.md").write_text(
        report.render(
            results, times, hygiene, targets, run, scored, many, onboarded, linked, peaks
        ),
        encoding="utf-8",
    )
    for target in targets:
        print(f"{'ok ' if target.met else 'MISS'} {target.name}: {target.measured}")
    print(f"wrote {out / 'results.md'} and {out / 'scaling.png'} in {wall:.0f} s")
    return 1 if args.strict and not all(t.met for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())
