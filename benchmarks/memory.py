"""Peak memory of whole commands: ``python -m benchmarks.memory DATA N [N ...] [--json]``.

Each command (``validate``, ``export`` in every stream and directory format, and ``diff``
against a page of the catalog's own listings with 1% changed) runs
the way a maintainer runs it, in a fresh interpreter of its own, on the synthetic
catalog of N records that :mod:`benchmarks.generate` wrote into DATA. The parent
waits for that one child with :func:`os.wait4`, whose resource usage is the child's
alone: ``ru_maxrss`` is its peak resident set (KiB on Linux), whatever the other
children did. Wall time is from the start of the child to its exit, so it includes
start-up and whatever teardown the command does at exit.

A floor is measured the same way: a child that reads every record file of the catalog
and validates each with the bare model, keeping them all (what any loader that holds
the records pays), and one that does the same but drops each record at once
(what a streaming reader pays). The result is one JSON line with ``--json``,
else a table with issue 24's targets (:func:`targets`); :mod:`benchmarks.run` runs it at
the two largest catalog sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: The source of the synthetic catalog (:data:`benchmarks.generate.SOURCE_ID`).
SOURCE_ID = "osc-campus-resources"

#: The commands measured: a label and the CLI arguments after ``--catalog DIR``.
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate"],
    "export json": ["export", "--format", "json", "-o", "{out}/out.json"],
    "export jsonl": ["export", "--format", "jsonl", "-o", "{out}/out.jsonl"],
    "export csv": ["export", "--format", "csv", "-o", "{out}/out.csv"],
    "export datapackage": ["export", "--format", "datapackage", "-o", "{out}/dp"],
    "export hsds": ["export", "--format", "hsds", "-o", "{out}/hsds"],
    "diff": [
        "diff",
        "--source",
        "{source}",
        "--html",
        "{page}",
        "--max-page-bytes",
        "{page_bytes}",
        "--format",
        "json",
    ],
}

_FLOOR_HOLD = """
import sys
from pathlib import Path
from resource_catalog.models import Resource
files = sorted(Path(sys.argv[1], "resources").glob("*.json"))
kept = [Resource.model_validate_json(f.read_bytes()) for f in files]
print(len(kept))
"""

_FLOOR_STREAM = """
import sys
from pathlib import Path
from resource_catalog.models import Resource
count = 0
for f in sorted(Path(sys.argv[1], "resources").glob("*.json")):
    Resource.model_validate_json(f.read_bytes())
    count += 1
print(count)
"""

FLOORS = {
    "floor: read + validate, kept": _FLOOR_HOLD,
    "floor: read + validate, one at a time": _FLOOR_STREAM,
}


def diff_page(data: Path, n: int) -> Path:
    """The page ``diff`` reads: the catalog's own listings with 1% changed (as the ``diff``
    step of :mod:`benchmarks.steps` builds them), grouped by section; written once.

    Written by a child process: a child's ``ru_maxrss`` starts from the RSS of the
    process it was forked from, so a parent that had held the 100,000 records (~850 MiB)
    to write the page would make every command measured after it look that large.
    """
    page = data / f"diff-page-{n}.html"
    if not page.is_file():
        subprocess.run(
            [sys.executable, "-m", "benchmarks.memory", "--page", str(data), str(n)],
            check=True,
            cwd=HERE.parent,
        )
    return page


def _write_diff_page(data: Path, n: int) -> None:
    from benchmarks import generate  # noqa: PLC0415 (only when a page is missing)

    records = json.loads((data / f"records-{n}.json").read_text(encoding="utf-8"))
    listings = generate.changed_listings(generate.listings_of(records))
    del records
    order = {name: k for k, name in enumerate(dict.fromkeys(x["section"] for x in listings))}
    listings.sort(key=lambda x: order[x["section"]])
    page = data / f"diff-page-{n}.html"
    page.write_text(generate.page_html(listings), encoding="utf-8")


def run_child(argv: list[str]) -> dict[str, Any]:
    """Run ``argv`` to its end; its exit code, wall time and peak RSS (KiB)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, cwd=HERE.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode(errors="replace") if child.stderr else ""
    if child.stderr:
        child.stderr.close()
    return {
        "exit": child.returncode,
        "wall": wall,
        "peak_rss_kib": usage.ru_maxrss,
        "stderr": errors[-400:],
    }


def measure(data: Path, n: int) -> list[dict[str, Any]]:
    """Every command and floor on the catalog of ``n`` records."""
    catalog = data / f"catalog-{n}"
    rows: list[dict[str, Any]] = []
    for label, code in FLOORS.items():
        row = run_child([sys.executable, "-c", code, str(catalog)])
        rows.append({"command": label, "n": n, **row})
    page = diff_page(data, n)
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as out:
        for label, args in COMMANDS.items():
            cli = [
                a.format(out=out, page=page, source=SOURCE_ID, page_bytes=page.stat().st_size)
                for a in args
            ]
            argv = [sys.executable, "-m", "resource_catalog", cli[0], "--catalog", str(catalog)]
            row = run_child(argv + cli[1:])
            rows.append({"command": label, "n": n, **row})
    return rows


#: Issue 24's limits: peak RSS of each command at the top size, validate's time against
#: the keep-all floor, its growth from one size to the next (x10), JSON export's time
#: against its stdlib floor (the ``json`` step of :mod:`benchmarks.steps`).
PEAK_LIMIT_MIB = 256
VALIDATE_RATIO = 1.5
GROWTH_LIMIT = 11.0
JSON_RATIO = 1.0
FLOOR = "floor: read + validate, kept"


def _row(rows: list[dict[str, Any]], label: str, n: int) -> dict[str, Any] | None:
    return next((r for r in rows if r["command"] == label and r["n"] == n), None)


def targets(
    rows: list[dict[str, Any]], json_ratio: float | None = None
) -> list[tuple[str, str, str, bool]]:
    """Issue 24's targets at the largest size: (target, measured, limit, met)."""
    sizes = sorted({r["n"] for r in rows})
    top = sizes[-1]
    found: list[tuple[str, str, str, bool]] = []
    for label in COMMANDS:
        row = _row(rows, label, top)
        if row is not None:
            mib = row["peak_rss_kib"] / 1024
            ran = row["exit"] in (0, 1)
            shown = f"{mib:,.0f} MiB" + ("" if ran else f" (exit {row['exit']})")
            found.append(
                (
                    f"peak RSS of {label} at {top:,}",
                    shown,
                    f"< {PEAK_LIMIT_MIB} MiB",
                    ran and mib < PEAK_LIMIT_MIB,
                )
            )
    check, floor = _row(rows, "validate", top), _row(rows, FLOOR, top)
    if check is not None and floor is not None:
        ratio = check["wall"] / floor["wall"]
        found.append(
            (
                f"validate at {top:,}: wall / keep-all pydantic floor",
                f"{ratio:.2f}",
                f"<= {VALIDATE_RATIO:g}",
                ratio <= VALIDATE_RATIO,
            )
        )
    before = _row(rows, "validate", sizes[-2]) if len(sizes) > 1 else None
    if check is not None and before is not None:
        growth = check["wall"] / before["wall"]
        scale = top / sizes[-2]
        limit = GROWTH_LIMIT * scale / 10
        found.append(
            (
                f"validate: wall({top:,}) / wall({sizes[-2]:,})",
                f"{growth:.1f} (sizes x{scale:g})",
                f"<= {limit:g}",
                growth <= limit,
            )
        )
    if json_ratio is not None:
        found.append(
            (
                "export JSON at the top size: time / stdlib json floor",
                f"{json_ratio:.2f}",
                f"<= {JSON_RATIO:g}",
                json_ratio <= JSON_RATIO,
            )
        )
    return found


def render(rows: list[dict[str, Any]], command: str, json_ratio: float | None = None) -> list[str]:
    """The markdown section for ``results.md``: issue 24's targets, then every command's
    peak RSS and wall time at each size, beside the floors, with their growth."""
    sizes = sorted({r["n"] for r in rows})
    lines = [
        "## Peak memory of whole commands (issue 24)",
        "",
        f"Command: `{command}`. Each command in a fresh interpreter of its own on the",
        "synthetic catalog; peak RSS is that child's `ru_maxrss` (from `os.wait4`), wall time",
        "runs from its start to its exit (start-up and teardown included). Exit 1 from",
        "`validate` and `diff` is expected (warnings, drift). `diff` reads a page of the",
        "catalog's own listings with 1% changed, with `--max-page-bytes` set to its size",
        "(at 100,000 listings it is 52 MB, over the 5 MB a fetched page may have).",
        "",
        "| target | measured | limit | met |",
        "| --- | --- | --- | --- |",
        *(
            f"| {name} | {measured} | {limit} | {'yes' if met else '**no**'} |"
            for name, measured, limit, met in targets(rows, json_ratio)
        ),
        "",
        "| command | "
        + " | ".join(f"peak RSS at {n:,} | wall at {n:,}" for n in sizes)
        + (" | growth of peak RSS | growth of wall |" if len(sizes) > 1 else " |"),
        "| --- | "
        + " | ".join("---: | ---:" for _ in sizes)
        + (" | ---: | ---: |" if len(sizes) > 1 else " |"),
    ]
    for label in dict.fromkeys(r["command"] for r in rows):
        cells = []
        for n in sizes:
            row = _row(rows, label, n)
            if row is None:
                cells.append("- | -")
                continue
            failed = "" if row["exit"] in (0, 1) else f" (exit {row['exit']})"
            cells.append(f"{row['peak_rss_kib'] / 1024:,.0f} MiB{failed} | {row['wall']:.2f} s")
        first, last = _row(rows, label, sizes[0]), _row(rows, label, sizes[-1])
        if len(sizes) > 1 and first is not None and last is not None:
            cells.append(f"{last['peak_rss_kib'] / first['peak_rss_kib']:.1f}x")
            cells.append(f"{last['wall'] / first['wall']:.1f}x")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure the given sizes in DATA (generated there first when missing)."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory", description=__doc__)
    parser.add_argument("data", type=Path)
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--json", action="store_true", help="one JSON line")
    parser.add_argument("--page", action="store_true", help="only write the diff page of N")
    args = parser.parse_args(argv)
    if args.page:
        for n in args.sizes:
            _write_diff_page(args.data, n)
        return 0
    missing = [n for n in args.sizes if not (args.data / f"catalog-{n}").is_dir()]
    if missing:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.generate",
                str(args.data),
                ",".join(map(str, missing)),
                "",
            ],
            check=True,
            cwd=HERE.parent,
        )
    rows = [row for n in args.sizes for row in measure(args.data, n)]
    if args.json:
        print(json.dumps(rows))
    else:
        print(
            "\n".join(
                render(rows, "python -m benchmarks.memory DATA " + " ".join(map(str, args.sizes)))
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
