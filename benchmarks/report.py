"""Turn measurements into ``results.md`` (tables, targets, machine) and ``scaling.png``."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import platform
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import accuracy, links, memory, onboarding, sources, steps

HERE = Path(__file__).resolve().parent
LABELS = {
    "validate": "load + validate catalog",
    "parse": "parse page",
    "diff": "diff (1% changed)",
    "csv": "export CSV",
    "json": "export JSON",
}
#: Largest-size ratio to the floor that each step must stay within.
RATIO_TARGETS = {"validate": 1.5, "parse": 2.0, "diff": 3.0, "csv": 2.0, "json": 2.0}
GROWTH_LIMIT = 12.0
MEMORY_LIMIT_KIB = 1024 * 1024
STARTUP_LIMIT = 1.5
PACKAGES = (
    "resource-catalog", "pydantic", "pydantic-core", "beautifulsoup4", "lxml",
    "phonenumbers", "click", "matplotlib",
)  # fmt: skip
FIXES = HERE / "FIXES.md"


@dataclass(frozen=True)
class RunInfo:
    """How the run was made."""

    argv: list[str]
    wall_seconds: float
    generate_seconds: float
    quick: bool
    startup_reps: int


@dataclass(frozen=True)
class Target:
    """One target of issue 7 and whether this run met it."""

    name: str
    measured: str
    limit: str
    met: bool


def _by_step(results: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in results:
        grouped.setdefault(r["step"], []).append(r)
    for rows in grouped.values():
        rows.sort(key=lambda r: r["n"])
    return grouped


def check_targets(
    results: list[dict[str, Any]], times: dict[str, dict[str, Any]], hygiene: dict[str, Any]
) -> list[Target]:
    """Every target of the issue, judged at the largest size measured."""
    targets: list[Target] = []
    for step, rows in _by_step(results).items():
        top = rows[-1]
        if len(rows) > 1:
            prev = rows[-2]
            growth = top["time"] / prev["time"]
            scale = top["n"] / prev["n"]
            targets.append(
                Target(
                    f"{LABELS[step]}: time({top['n']:,}) / time({prev['n']:,})",
                    f"{growth:.1f} (sizes x{scale:g})",
                    f"<= {GROWTH_LIMIT * scale / 10:g}",
                    growth <= GROWTH_LIMIT * scale / 10,
                )
            )
        ratio = top["time"] / top["floor"]
        targets.append(
            Target(
                f"{LABELS[step]} at {top['n']:,}: time / floor",
                f"{ratio:.2f}",
                f"<= {RATIO_TARGETS[step]:g}",
                ratio <= RATIO_TARGETS[step],
            )
        )
    biggest = max(r["n"] for r in results)
    targets.extend(
        Target(
            f"peak memory (RSS) of {LABELS[r['step']]} at {biggest:,}",
            f"{r['peak_rss_kib'] / 1024:.0f} MiB",
            "< 1024 MiB",
            r["peak_rss_kib"] < MEMORY_LIMIT_KIB,
        )
        for r in results
        if r["n"] == biggest
    )
    base = times["python -c 'import pydantic'"]["median"]
    cli = times["resource-catalog --help"]["median"]
    targets.append(
        Target(
            "resource-catalog --help / python -c 'import pydantic'",
            f"{cli / base:.2f} ({cli * 1000:.0f} ms / {base * 1000:.0f} ms)",
            f"<= {STARTUP_LIMIT:g}",
            cli / base <= STARTUP_LIMIT,
        )
    )
    targets.append(
        Target(
            "offline commands load no network code; import and --help no HTML code either",
            "none loaded" if hygiene["ok"] else "LOADED (see below)",
            "none",
            bool(hygiene["ok"]),
        )
    )
    return targets


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed (source tree on PYTHONPATH)" if package == PACKAGES[0] else "-"


def machine() -> list[str]:
    """Markdown lines describing the machine and the software."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    versions = ", ".join(f"{p} {_version(p)}" for p in PACKAGES)
    return [
        (
            f"- CPU: {_cpu_model()}; {os.cpu_count()} logical cores ({usable} usable); "
            f"memory {_memory()}"
        ),
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_implementation()} {sys.version.split()[0]}",
        f"- Packages: {versions}",
    ]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def _step_table(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        (
            "| step | N | time (median) | floor | ratio | alt floor | ratio to alt "
            "| peak RSS | RSS before step | reps |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for step, rows in _by_step(results).items():
        for r in rows:
            alt = r["alt"]
            alt_ratio = f"{r['time'] / alt:.2f}" if alt else "-"
            lines.append(
                f"| {LABELS[step]} | {r['n']:,} | {_ms(r['time'])} | {_ms(r['floor'])} "
                f"| {r['time'] / r['floor']:.2f} | {_ms(alt) if alt else '-'} "
                f"| {alt_ratio} | {_mib(r['peak_rss_kib'])} "
                f"| {_mib(r['rss_before_kib'])} | {r['reps']} |"
            )
    return lines


def _growth_table(results: list[dict[str, Any]]) -> list[str]:
    lines = ["| step | sizes | time ratio | floor ratio |", "| --- | --- | ---: | ---: |"]
    for step, rows in _by_step(results).items():
        for a, b in itertools.pairwise(rows):
            lines.append(
                f"| {LABELS[step]} | {a['n']:,} -> {b['n']:,} | {b['time'] / a['time']:.1f} "
                f"| {b['floor'] / a['floor']:.1f} |"
            )
    return lines


def _shown(argv: list[str]) -> str:
    return " ".join(Path(a).name if "/" in a else a for a in argv)


def _startup_lines(times: dict[str, dict[str, Any]], hygiene: dict[str, Any]) -> list[str]:
    base = times["python -c 'import pydantic'"]["median"]
    return [
        "| command | median | / import pydantic |",
        "| --- | ---: | ---: |",
        *(
            f"| `{label}` | {_ms(t['median'])} | {t['median'] / base:.2f} |"
            for label, t in times.items()
        ),
        "",
        f"`resource-catalog --help` ran as `{_shown(times['resource-catalog --help']['argv'])}`.",
        "",
        "Heavy modules loaded (a subprocess lists `sys.modules` after the command):",
        "",
        "| command | loaded | may not load |",
        "| --- | --- | --- |",
        *(
            f"| `{label}` | {', '.join(mods) or '(none of them)'} | "
            f"{', '.join(hygiene['forbidden'][label])} |"
            for label, mods in hygiene["commands"].items()
        ),
        "",
        (
            "`validate` and `export` read the catalog, whose profiles have their CSS "
            "selectors checked by soupsieve; soupsieve imports bs4, and bs4 its lxml builder."
        ),
        "",
        (
            f"`python -X importtime -c 'import resource_catalog'`: "
            f"{hygiene['importtime_total_us'] / 1000:.1f} ms cumulative; network or HTML modules "
            f"imported: {', '.join(hygiene['importtime_forbidden']) or 'none'}. "
            "Largest self times:"
        ),
        "",
        "| module | self | cumulative |",
        "| --- | ---: | ---: |",
        *(
            f"| `{name}` | {self_us / 1000:.1f} ms | {cum / 1000:.1f} ms |"
            for self_us, cum, name in hygiene["importtime_top"]
        ),
    ]


def render(
    results: list[dict[str, Any]],
    times: dict[str, dict[str, Any]],
    hygiene: dict[str, Any],
    targets: list[Target],
    run: RunInfo,
    scored: dict[str, Any] | None = None,
    many: dict[str, Any] | None = None,
    onboarded: str | None = None,
    linked: dict[str, Any] | None = None,
    peaks: list[dict[str, Any]] | None = None,
) -> str:
    """The whole ``results.md`` (with the accuracy, sources, links and onboarding sections when
    their measurements are given)."""
    via_nox = os.environ.get("BENCH_VIA_NOX") == "1"
    command = "nox -s bench" + (" -- " + " ".join(run.argv[3:]) if run.argv[3:] else "")
    lines = [
        "# Benchmark results" + (" (quick smoke run: not the real sizes)" if run.quick else ""),
        "",
        "Generated by the benchmark runner from scratch; do not edit by hand (hand-written",
        "notes live in [`FIXES.md`](FIXES.md), which is copied in at the end).",
        "",
        f"- Command: `{command if via_nox else ' '.join(run.argv)}`"
        + (f" (runs `{' '.join(run.argv)}`)" if via_nox else ""),
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        (
            f"- Wall time of the run: {run.wall_seconds:.0f} s (data generation "
            f"{run.generate_seconds:.0f} s)"
        ),
        *machine(),
        "",
        "## Targets (issue 7)",
        "",
        "| target | measured | limit | met |",
        "| --- | --- | --- | --- |",
        *(
            f"| {t.name} | {t.measured} | {t.limit} | {'yes' if t.met else '**no**'} |"
            for t in targets
        ),
        "",
        "## Steps",
        "",
        "Median of the repetitions; each ratio is to a floor timed in the same process,",
        "interleaved with the step. Peak RSS is `VmHWM` of the step's own process",
        '(interpreter + inputs + one run of the step); "RSS before step" is what the',
        "interpreter and the inputs already held, so the step's share is the difference.",
        "",
        *_step_table(results),
        "",
        "![time against N, log-log](scaling.png)",
        "",
        "### Growth (time(10N) / time(N); linear is 10)",
        "",
        *_growth_table(results),
        "",
        "## Start-up",
        "",
        f"Wall time of a whole subprocess, median of {run.startup_reps} interleaved rounds.",
        "",
        *_startup_lines(times, hygiene),
        "",
        *(_memory_section(peaks, results) if peaks else []),
        *(accuracy.render(scored, "python -m benchmarks.accuracy") if scored else []),
        *(sources.render(many, "python -m benchmarks.sources") if many else []),
        *(links.render(linked, "python -m benchmarks.links") if linked else []),
        *(
            [onboarding.START, *onboarded.rstrip().splitlines(), onboarding.END, ""]
            if onboarded
            else []
        ),
        "## How the steps and floors are defined",
        "",
        "```text",
        *(steps.__doc__ or "").strip().splitlines(),
        "```",
        "",
    ]
    if FIXES.exists():
        lines += ["", *FIXES.read_text(encoding="utf-8").strip().splitlines(), ""]
    return "\n".join(lines)


def json_ratio(results: list[dict[str, Any]]) -> float | None:
    """JSON export's time over its stdlib floor at the largest size measured."""
    rows = _by_step(results).get("json")
    return rows[-1]["time"] / rows[-1]["floor"] if rows else None


def _memory_section(peaks: list[dict[str, Any]], results: list[dict[str, Any]]) -> list[str]:
    sizes = " ".join(str(n) for n in sorted({r["n"] for r in peaks}))
    return memory.render(peaks, f"python -m benchmarks.memory DATA {sizes}", json_ratio(results))


def write_plot(results: list[dict[str, Any]], path: Path) -> None:
    """Time against N per step (log-log, floors dashed) and the ratio to the floor."""
    import matplotlib as mpl  # noqa: PLC0415

    mpl.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 5))
    for step, rows in _by_step(results).items():
        ns = [r["n"] for r in rows]
        (line,) = left.plot(ns, [r["time"] for r in rows], "o-", label=LABELS[step])
        left.plot(ns, [r["floor"] for r in rows], "x--", color=line.get_color(), alpha=0.6)
        right.plot(ns, [r["time"] / r["floor"] for r in rows], "o-", label=LABELS[step])
        right.axhline(RATIO_TARGETS[step], color=line.get_color(), linestyle=":", alpha=0.5)
    left.set(xscale="log", yscale="log", xlabel="N (resources or listings)", ylabel="seconds")
    left.set_title("time against N (solid: step, dashed: its floor)")
    left.grid(visible=True, which="both", alpha=0.3)
    left.legend(fontsize="small")
    right.set(xscale="log", xlabel="N", ylabel="time / floor")
    right.set_title("ratio to the floor (dotted: target)")
    right.grid(visible=True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
