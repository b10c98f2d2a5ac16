"""Checking N links: ``links`` against slow local servers, timed against the concurrency bound.

``python -m benchmarks.links [--json] [--reps R] [--delay S] [--quick]``

Local HTTP servers on separate loopback addresses (127.0.0.30 onwards, separate hosts
to the checker) answer every ``HEAD`` after ``--delay`` seconds, the way a slow campus
server would. A copy of the bundled catalog gets N links spread over H hosts, and
:func:`resource_catalog.workflows.links.check_links` checks them with its defaults (8 at once, at
most 2 per host). The bound is what those limits allow at best: rounds of
``min(8, 2 * H)`` answers, each round one delay, so ``ceil(N / min(8, 2H)) * delay``.
A ratio near 1 means the checker keeps every allowed slot busy; one host (H = 1)
shows the per-host limit holding.
"""

from __future__ import annotations

import argparse
import http.server
import json
import math
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalog"
#: (links, hosts) of each row.
CASES = ((50, 20), (200, 20), (800, 20), (100, 1))
QUICK_CASES = ((20, 20), (40, 1))
JOBS, PER_HOST = 8, 2


class _Slow(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    delay: ClassVar[float] = 0.05

    def do_HEAD(self) -> None:
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def _servers(count: int) -> Iterator[list[str]]:
    with ExitStack() as stack:
        urls = []
        for n in range(count):
            host = f"127.0.0.{30 + n}"
            httpd = _Server((host, 0), _Slow)
            thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            stack.callback(thread.join)
            stack.callback(httpd.server_close)
            stack.callback(httpd.shutdown)
            urls.append(f"http://{host}:{httpd.server_port}")
        yield urls


def _catalog(target: Path, urls: list[str]) -> Path:
    """The bundled catalog with ``urls`` dealt out as curated links of its records."""
    shutil.copytree(CATALOG, target)
    files = sorted((target / "resources").glob("*.json"))
    records = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    for i, url in enumerate(urls):
        records[i % len(records)]["links"].append({"url": url, "label": None})
    for path, data in zip(files, records, strict=True):
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return target


def bound(links: int, hosts: int, delay: float) -> float:
    """The best time the limits allow (links spread evenly over the hosts)."""
    return math.ceil(links / min(JOBS, PER_HOST * hosts)) * delay


def _time(directory: Path, state: Path, links: int) -> float:
    from resource_catalog.workflows.links import check_links  # noqa: PLC0415

    started = time.perf_counter()
    report = check_links(directory, state=state, jobs=JOBS, per_host=PER_HOST)
    elapsed = time.perf_counter() - started
    if report.summary() != {  # the benchmark checks its answer
        "links": links,
        "ok": links,
        "redirected": 0,
        "broken": 0,
        "unreachable": 0,
    }:
        raise RuntimeError(f"benchmark link check was not all ok: {report.summary()}")
    return elapsed


def measure(reps: int, delay: float, cases: tuple[tuple[int, int], ...] = CASES) -> dict[str, Any]:
    """Median time of each (links, hosts) case, next to its bound."""
    _Slow.delay = delay
    rows = []
    most_hosts = max(h for _, h in cases)
    with _servers(most_hosts) as hosts, tempfile.TemporaryDirectory(prefix="bench-links-") as tmp:
        for links, count in cases:
            urls = [f"{hosts[i % count]}/page-{i}" for i in range(links)]
            directory = _catalog(Path(tmp) / f"catalog-{links}-{count}", urls)
            state = Path(tmp) / f"state-{links}-{count}.json"
            times = [_time(directory, state, links) for _ in range(reps)]
            rows.append(
                {
                    "links": links,
                    "hosts": count,
                    "time": statistics.median(times),
                    "bound": bound(links, count, delay),
                }
            )
    return {"delay": delay, "jobs": JOBS, "per_host": PER_HOST, "reps": reps, "rows": rows}


def render(result: dict[str, Any], command: str) -> list[str]:
    """The results.md section."""
    lines = [
        "## Checking N links (issue 25)",
        "",
        (
            f"Command: `{command}`. Local servers on separate loopback hosts answer every "
            f"HEAD after {result['delay']:g} s; `check_links` with {result['jobs']} at once "
            f"and {result['per_host']} per host, median of {result['reps']}. The bound is "
            f"ceil(N / min({result['jobs']}, {result['per_host']} x hosts)) slow answers."
        ),
        "",
        "| links | hosts | time | bound | time / bound |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {row['links']} | {row['hosts']} | {row['time']:.2f} s | {row['bound']:.2f} s | "
        f"{row['time'] / row['bound']:.2f} |"
        for row in result["rows"]
    ]
    lines += [
        "",
        "A ratio near 1 is the limits used in full; what is above it is connecting,",
        "judging and the catalog's load.",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure and print the section (or, with --json, the numbers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--quick", action="store_true", help="two small cases: a smoke run")
    args = parser.parse_args(argv)
    result = measure(args.reps, args.delay, QUICK_CASES if args.quick else CASES)
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(render(result, "python -m benchmarks.links")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
