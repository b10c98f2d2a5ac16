"""One benchmark step at one size, in its own process: ``python -m benchmarks.steps STEP N DATA``.

Each step is timed against its floor in the same process, interleaved (step, floor,
alternative floor, step, ...) so that a noisy neighbour slows both alike; the
median of the repetitions is reported. Before the timed repetitions the step runs
once untimed: that first run is where peak memory is read, as the process's
``VmHWM`` of /proc/self/status (the peak resident set of the whole job: interpreter,
inputs and the step; unlike ``ru_maxrss`` it does not inherit the parent's peak
across fork + exec), next to the resident set just before the step (``VmRSS``), so
the step's own share is the difference. The peak is reset (``/proc/self/clear_refs``)
once the inputs are built, so building them (the diff's scraped side is generated
through a list of dicts) does not count as the step's peak. The library's memo caches (phones,
locations) are emptied before every run of the step, as in a fresh process.
The result is one JSON line on stdout.

Floors (what the same work costs with no library code of ours):

``validate``  ``TypeAdapter(list[Resource]).validate_json`` on one file holding the
              same records; alt: read the N files and ``Resource.model_validate_json``
              each, with the cyclic GC paused as ``validate_catalog`` pauses it.
``parse``     ``BeautifulSoup(html, parser)`` with the parser ``parse_page`` uses; alt: the
              same with the cyclic GC paused, as ``parse_page`` pauses it.
``diff``      reading both sides: ``model_dump()`` of every active record's ``source``
              and of every listing; alt: that plus joining the two sides on the
              name and comparing the dumped fields (a naive exact diff).
``csv``       ``csv.writer`` writing rows prepared beforehand (same 15 columns, multi-valued
              cells joined with "; "); alt: ``model_dump`` + the same rows + ``csv.writer``.
``json``      ``json.dump(dicts, indent=2, ensure_ascii=False)`` on the records already
              dumped (``model_dump(mode="json")``); alt: ``model_dump`` + ``json.dump``.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import generate

Thunk = Callable[[], object]


@dataclass
class Step:
    """The callables of one step: the step itself, its floor, an optional second floor."""

    run: Thunk
    floor: Thunk
    alt: Thunk | None = None
    check: Callable[[object], None] | None = None
    warm: Callable[[], None] | None = None  # prepares the floors' inputs, after the peak


def _expect(condition: object, detail: object) -> None:
    """Stop the run when a step gives the wrong answer (a fast wrong step is no result)."""
    if not condition:
        raise RuntimeError(f"benchmark step gave a wrong result: {detail}")


def _status_kib(field: str) -> int:
    """A size from /proc/self/status (``VmRSS``: now, ``VmHWM``: peak), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    """Make ``VmHWM`` start again from the current resident set (Linux 4.0+)."""
    # Without it the peak includes building the inputs: an over-estimate.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _resources(data: Path, n: int) -> list[Any]:
    """The N records as models, read file by file like the library (no 300 MB string)."""
    from resource_catalog.models import Resource  # noqa: PLC0415

    gc.disable()
    try:
        files = sorted((data / f"catalog-{n}" / "resources").glob("*.json"))
        records = [Resource.model_validate_json(f.read_bytes()) for f in files]
    finally:
        gc.enable()
    return sorted(records, key=lambda r: str(r.id))  # the catalog's order


def setup_validate(data: Path, n: int) -> Step:
    """Load + validate N resource files, against validating one file with the bare model."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    from resource_catalog.checks.validate import validate_catalog  # noqa: PLC0415
    from resource_catalog.models import Resource  # noqa: PLC0415

    directory = data / f"catalog-{n}"
    single = data / f"records-{n}.json"
    adapter = TypeAdapter(list[Resource])

    def floor() -> object:
        return adapter.validate_json(single.read_bytes())

    def alt() -> object:
        gc.disable()  # as validate_catalog does while it loads
        try:
            files = sorted((directory / "resources").glob("*.json"))
            return [Resource.model_validate_json(f.read_bytes()) for f in files]
        finally:
            gc.enable()

    def check(result: Any) -> None:
        _expect(not result.errors, result.errors[:3])
        _expect(len(result.catalog) == n, len(result.catalog))

    return Step(lambda: validate_catalog(directory), floor, alt, check)


def setup_parse(data: Path, n: int) -> Step:
    """parse_page on a page of N listings, against BeautifulSoup alone with the same parser."""
    from bs4 import BeautifulSoup  # noqa: PLC0415

    from resource_catalog.pages.parse import DEFAULT_PARSER, parse_page  # noqa: PLC0415

    page = (data / f"page-{n}.html").read_text(encoding="utf-8")

    def check(result: Any) -> None:
        _expect(len(result) == n, len(result))

    def alt() -> object:
        gc.disable()  # as parse_page does while it builds and reads the tree
        try:
            return BeautifulSoup(page, DEFAULT_PARSER)
        finally:
            gc.enable()

    return Step(
        lambda: parse_page(page, base_url=generate.PAGE_URL),
        lambda: BeautifulSoup(page, DEFAULT_PARSER),
        alt,
        check,
    )


def setup_diff(data: Path, n: int) -> Step:
    """compare(catalog, page) with 1% changed, against reading both sides."""
    from pydantic import TypeAdapter  # noqa: PLC0415

    from resource_catalog.drift.compare import compare  # noqa: PLC0415
    from resource_catalog.models import Listing  # noqa: PLC0415
    from resource_catalog.store.catalog import Catalog  # noqa: PLC0415
    from resource_catalog.store.files import read_meta  # noqa: PLC0415

    resources = _resources(data, n)
    catalog = Catalog(meta=read_meta(data / f"catalog-{n}"), resources=tuple(resources))
    dumped = [
        r.source.model_dump(mode="json", exclude={"url", "source_id", "listed"}) for r in resources
    ]
    listings = TypeAdapter(list[Listing]).validate_python(generate.changed_listings(dumped))
    del dumped

    def floor() -> object:
        before = [r.source.model_dump() for r in catalog.active]
        after = [x.model_dump() for x in listings]
        return before, after

    def alt() -> object:
        hidden = {"url", "source_id", "listed"}
        before = {r.source.name: r.source.model_dump(exclude=hidden) for r in catalog.active}
        after = {x.name: x.model_dump() for x in listings}
        return [name for name, fields in after.items() if before.get(name) != fields]

    def check(report: Any) -> None:
        changes = max(1, round(n * 0.01))
        renames = (changes + 3) // 4  # every fourth change is a rename
        _expect(len(report.renamed) == renames, len(report.renamed))
        _expect(not report.added, f"added: {report.added[:2]}")
        _expect(not report.removed, f"removed: {report.removed[:2]}")
        _expect(report.changed or changes == renames, "no field changes found")

    return Step(lambda: compare(catalog, listings), floor, alt, check)


def _flat_row(d: dict[str, Any]) -> list[str]:
    def items(key: str, value: str) -> str:
        return "; ".join(str(x[value]) for x in d[key])

    return [
        d["id"],
        d["name"],
        d["acronym"] or "",
        d["section"],
        d["description"],
        items("phones", "number"),
        "; ".join(f"{x['building']}-{x['room']}" for x in d["locations"]),
        items("links", "url"),
        "; ".join(d["emails"]),
        "; ".join(d["topics"]),
        "; ".join(d["audience"]),
        d["confidentiality"],
        d["availability"] or "",
        d["status"],
        str(d["review"]["needs_review"]).lower(),
    ]


def setup_csv(data: Path, n: int) -> Step:
    """to_csv against csv.writer on rows prepared beforehand."""
    from resource_catalog.exports.writers import CSV_COLUMNS, to_csv  # noqa: PLC0415

    resources = _resources(data, n)
    rows: list[list[str]] = []  # built by warm(), after the step's peak memory is read

    def warm() -> None:
        rows.extend(_flat_row(r.model_dump(mode="json")) for r in resources)

    def write(prepared: list[list[str]]) -> str:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(prepared)
        return buf.getvalue()

    def run() -> str:
        buf = io.StringIO(newline="")
        to_csv(resources, buf)
        return buf.getvalue()

    def check(text: Any) -> None:
        _expect(text.count("\r\n") >= n + 1, text.count("\r\n"))

    return Step(
        run,
        lambda: write(rows),
        lambda: write([_flat_row(r.model_dump(mode="json")) for r in resources]),
        check,
        warm,
    )


def setup_json(data: Path, n: int) -> Step:
    """to_json against json.dump of the records already dumped to dicts."""
    from resource_catalog.exports.writers import to_json  # noqa: PLC0415

    resources = _resources(data, n)
    dicts: list[dict[str, Any]] = []  # built by warm(), after the step's peak memory is read

    def warm() -> None:
        dicts.extend(r.model_dump(mode="json") for r in resources)

    def dump(records: list[dict[str, Any]]) -> str:
        buf = io.StringIO()
        json.dump(records, buf, indent=2, ensure_ascii=False)
        buf.write("\n")
        return buf.getvalue()

    def run() -> str:
        buf = io.StringIO()
        to_json(resources, buf)
        return buf.getvalue()

    def check(text: Any) -> None:
        reference = dump([r.model_dump(mode="json") for r in resources])
        _expect(text == reference, "to_json output differs from the floor's")

    return Step(
        run,
        lambda: dump(dicts),
        lambda: dump([r.model_dump(mode="json") for r in resources]),
        check,
        warm,
    )


SETUPS: dict[str, Callable[[Path, int], Step]] = {
    "validate": setup_validate,
    "parse": setup_parse,
    "diff": setup_diff,
    "csv": setup_csv,
    "json": setup_json,
}


def clear_caches() -> None:
    """Empty the library's memo caches, so every timed run starts as a fresh process does.

    Without this a repeated run of a small page or catalog is served from the phone
    and location caches the first run filled (1,024 texts), and looks much cheaper
    than a first run; a large one does not fit, which made growth look superlinear.
    """
    for name, module in list(sys.modules.items()):
        if name == "resource_catalog" or name.startswith("resource_catalog."):
            for value in list(vars(module).values()):
                clear = getattr(value, "cache_clear", None)
                if callable(clear) and getattr(value, "__module__", None) == name:
                    clear()


def _timed(func: Thunk, *, cold: bool = False) -> float:
    if cold:
        clear_caches()
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def measure(name: str, data: Path, n: int, reps: int) -> dict[str, Any]:
    """Run step ``name`` at size ``n``: memory on the first run, then ``reps`` timed rounds."""
    step = SETUPS[name](data, n)
    clear_caches()
    gc.collect()
    _reset_peak()
    rss_before = _status_kib("VmRSS")
    start = time.perf_counter()
    result = step.run()
    first = time.perf_counter() - start
    peak = _status_kib("VmHWM")
    if step.check is not None:
        step.check(result)
    del result
    if step.warm is not None:
        step.warm()
    step.floor()  # untimed warm-up, like the step's first run
    if step.alt is not None:
        step.alt()
    times: list[float] = []
    floors: list[float] = []
    alts: list[float] = []
    for _ in range(reps):
        times.append(_timed(step.run, cold=True))
        floors.append(_timed(step.floor))
        if step.alt is not None:
            alts.append(_timed(step.alt))
    return {
        "step": name,
        "n": n,
        "reps": reps,
        "first": first,
        "times": times,
        "floors": floors,
        "alts": alts,
        "time": statistics.median(times),
        "floor": statistics.median(floors),
        "alt": statistics.median(alts) if alts else None,
        "rss_before_kib": rss_before,
        "peak_rss_kib": peak,
    }


def main(argv: list[str]) -> None:
    """``STEP N DATA_DIR REPS``: print the measurement as one JSON line."""
    name, n, data, reps = argv[0], int(argv[1]), Path(argv[2]), int(argv[3])
    print(json.dumps(measure(name, data, n, reps)))


if __name__ == "__main__":
    main(sys.argv[1:])
