"""Checking many sources: ``diff`` of N local pages, fetched in parallel or one by one.

``python -m benchmarks.sources [--json] [--reps R] [--delay S]``

Eight HTTP servers on loopback addresses (127.0.0.2-9, separate hosts to the fetcher)
serve the first source's snapshot, each answer held back ``--delay`` seconds the way a
slow campus server would be. A catalog follows N copies of that page (N = 1, 4, 16,
spread over the hosts); :func:`resource_catalog.workflows.diff.diff_catalog` checks all of
them with ``jobs=4`` (the default) and, in the same run and interleaved, with
``jobs=1``, the baseline. The ratio says what the parallel fetch saves: with four at a
time it should approach 1/4 of the serial time once N is large, and checking N pages
should cost about N/4 slow pages, not N.
"""

from __future__ import annotations

import argparse
import http.server
import json
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
FIRST = "osc-campus-resources"
HOSTS = tuple(f"127.0.0.{n}" for n in range(2, 10))
SIZES = (1, 4, 16)
JOBS = 4


class _Slow(http.server.BaseHTTPRequestHandler):
    body: ClassVar[bytes] = b""
    delay: ClassVar[float] = 0.0

    def do_GET(self) -> None:
        time.sleep(self.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        """Quiet."""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextmanager
def _servers() -> Iterator[list[str]]:
    with ExitStack() as stack:
        urls = []
        for host in HOSTS:
            httpd = _Server((host, 0), _Slow)
            # poll often: shutdown() waits for the serving loop's next check
            thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
            thread.start()
            stack.callback(thread.join)
            stack.callback(httpd.server_close)
            stack.callback(httpd.shutdown)
            urls.append(f"http://{host}:{httpd.server_address[1]}")
        yield urls


def _catalog(target: Path, urls: list[str]) -> Path:
    """The first source's catalog following ``urls`` (copies of its page) instead."""
    shutil.copytree(CATALOG, target)
    meta = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    (first,) = [s for s in meta["sources"] if s["id"] == FIRST]
    meta["sources"] = [
        {**first, "id": f"copy-{i}", "url": url, "snapshot": None} for i, url in enumerate(urls)
    ]
    (target / "catalog.json").write_text(json.dumps(meta), encoding="utf-8")
    (target / "history.jsonl").unlink()
    for path in (target / "resources").glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        seen = [o for o in data["sources"] if o["source_id"] == FIRST]
        if not seen:
            path.unlink()
            continue
        data["sources"] = [
            {**seen[0], "source_id": f"copy-{i}", "url": url} for i, url in enumerate(urls)
        ]
        path.write_text(json.dumps(data), encoding="utf-8")
    return target


def _time(directory: Path, jobs: int) -> float:
    from resource_catalog.workflows.diff import diff_catalog  # noqa: PLC0415

    started = time.perf_counter()
    result = diff_catalog(directory, jobs=jobs)
    elapsed = time.perf_counter() - started
    if result.drift.status != "clean":  # the benchmark checks its answer
        raise RuntimeError(f"benchmark diff was not clean: {result.drift.to_dict()}")
    return elapsed


def measure(reps: int, delay: float) -> dict[str, Any]:
    """Medians of ``jobs=4`` and ``jobs=1`` diffs at each N, interleaved."""
    _Slow.body = (CATALOG / "snapshots" / "campus-resources.html").read_bytes()
    _Slow.delay = delay
    rows = []
    with _servers() as hosts, tempfile.TemporaryDirectory(prefix="bench-sources-") as tmp:
        for n in SIZES:
            urls = [f"{hosts[i % len(hosts)]}/page-{i}" for i in range(n)]
            directory = _catalog(Path(tmp) / f"catalog-{n}", urls)
            parallel, serial = [], []
            for _ in range(reps):
                parallel.append(_time(directory, JOBS))
                serial.append(_time(directory, 1))
            rows.append(
                {
                    "n": n,
                    "parallel": statistics.median(parallel),
                    "serial": statistics.median(serial),
                }
            )
    return {"delay": delay, "jobs": JOBS, "hosts": len(HOSTS), "reps": reps, "rows": rows}


def render(result: dict[str, Any], command: str) -> list[str]:
    """The results.md section."""
    lines = [
        "## Checking N local sources (issue 11)",
        "",
        (
            f"Command: `{command}`. {result['hosts']} local servers (separate loopback "
            f"hosts) each hold every answer {result['delay']:g} s; the catalog follows N "
            f"copies of the first page. `diff` with `--jobs {result['jobs']}` against "
            f"`--jobs 1` in the same run, interleaved, median of {result['reps']}."
        ),
        "",
        "| N sources | jobs 1 | jobs 4 | ratio | cost in slow answers |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in result["rows"]:
        ratio = row["parallel"] / row["serial"]
        answers = row["parallel"] / result["delay"]
        lines.append(
            f"| {row['n']} | {row['serial']:.2f} s | {row['parallel']:.2f} s | "
            f"{ratio:.2f} | {answers:.1f} |"
        )
    lines += [
        "",
        "The ratio is jobs 4 over jobs 1; the last column is the parallel time in units of",
        "one slow answer (N/4 would be perfect, N is what one at a time costs).",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    """Measure and print the section (or, with --json, the numbers)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--delay", type=float, default=0.25)
    args = parser.parse_args(argv)
    result = measure(args.reps, args.delay)
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(render(result, "python -m benchmarks.sources")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
