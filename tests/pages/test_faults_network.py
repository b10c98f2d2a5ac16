"""Fault matrix: the network. Every fault ends in bounded time, through the real CLI.

Each row runs ``resource-catalog diff --url ...`` in-process against a real HTTP server
on 127.0.0.1 (or a socket that misbehaves on purpose) and checks the promise of
issue 6: exit 2 and exactly one line on stderr starting ``error:`` with no
traceback, or a correct result (exit 0, the page is clean against the catalog).
Retries and timeouts are shortened through the one seam fetch.py offers
(``make_session`` / ``fetch_page`` arguments); one test runs the real defaults.

The same faults at the library level (``fetch_page`` raising ``FetchError`` with the
status, the Retry-After cap, ETag / 304, mocked with ``responses``) are in
``test_fetch.py``; this module proves what a user of the command line sees.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner, Result

from resource_catalog.cli import cli
from resource_catalog.errors import FetchError
from resource_catalog.pages import fetch
from tests.conftest import DATA
from tests.localserver import serve

PAGE = (DATA / "campus-resources.html").read_bytes()
PAGE_CP1252 = (DATA / "campus-resources-cp1252.html").read_bytes()
#: Every row must end well within this, retries included.
BOUND_SECONDS = 5.0
#: Short timeouts for the rows (connect, read); the defaults are tested once below.
TIMEOUT = (0.5, 0.5)
#: The drip route sends a byte this often, inside the read timeout.
DRIP_EVERY = 0.2


# ------------------------------------------------------------------ the local server


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves one behaviour per path; counts hits and the body bytes it sent."""

    protocol_version = "HTTP/1.1"
    hits: ClassVar[Counter[str]] = Counter()
    sent: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        type(self).hits[path] += 1
        route = ROUTES.get(path)
        if route is None:
            self._send(404, b"not here")
        else:
            route(self, type(self).hits[path])

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        type(self).sent[self.path] += len(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


def _page(h: Handler, _: int) -> None:
    h._send(200, PAGE)


def _gzip(h: Handler, _: int) -> None:
    h._send(200, gzip.compress(PAGE), headers={"Content-Encoding": "gzip"})


def _meta_charset(h: Handler, _: int) -> None:
    h._send(200, PAGE_CP1252, content_type="text/html")  # charset only in <meta>


def _429_then_ok(h: Handler, hit: int) -> None:
    if hit == 1:
        h._send(429, b"slow down", headers={"Retry-After": "1"})
    else:
        h._send(200, PAGE)


def _500_then_ok(h: Handler, hit: int) -> None:
    h._send(500, b"oops") if hit == 1 else h._send(200, PAGE)


def _500_forever(h: Handler, _: int) -> None:
    h._send(500, b"oops", headers={"Retry-After": "3600"})


def _304(h: Handler, _: int) -> None:
    h.send_response(304)
    h.send_header("ETag", '"v1"')
    h.end_headers()


def _redirect(to: str) -> Callable[[Handler, int], None]:
    def route(h: Handler, _: int) -> None:
        port = h.headers["Host"].rsplit(":", 1)[1]
        h._send(302, headers={"Location": to.format(port=port)})

    return route


def _status(code: int) -> Callable[[Handler, int], None]:
    return lambda h, _: h._send(code, b"<html><body>error page</body></html>")


def _json(h: Handler, _: int) -> None:
    h._send(200, b'{"resources": []}', content_type="application/json")


def _truncated(h: Handler, _: int) -> None:
    h._send(200, PAGE[:1000], headers={"Content-Length": str(len(PAGE))})
    h.close_connection = True


def _huge_declared(h: Handler, _: int) -> None:
    h._send(200, b"<html>", headers={"Content-Length": "100000000"})
    h.close_connection = True


def _endless(h: Handler, _: int) -> None:
    """An HTML body that never ends (no Content-Length, read until close)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Connection", "close")
    h.end_headers()
    chunk = b"<p>" + b"x" * 65_533
    started = time.monotonic()
    try:
        while time.monotonic() - started < 30:  # the client must hang up long before
            h.wfile.write(chunk)
            Handler.sent[h.path] += len(chunk)
    except OSError:  # the client hung up: what we want
        pass
    h.close_connection = True


def _drip(h: Handler, _: int) -> None:
    """The page one byte at a time, each inside the read timeout: only a deadline ends it."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    started = time.monotonic()
    try:
        for byte in PAGE:
            if time.monotonic() - started > 10:  # the client must hang up long before
                break
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            Handler.sent[h.path] += 1
            time.sleep(DRIP_EVERY)
    except OSError:  # the client hung up: what we want
        pass
    h.close_connection = True


def _slow_headers(h: Handler, _: int) -> None:
    time.sleep(3 * TIMEOUT[1])
    h._send(200, PAGE)


def _stalled_body(h: Handler, _: int) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html; charset=utf-8")
    h.send_header("Content-Length", str(len(PAGE)))
    h.end_headers()
    h.wfile.write(PAGE[:2000])
    h.wfile.flush()
    time.sleep(3 * TIMEOUT[1])
    h.close_connection = True


ROUTES: dict[str, Callable[[Handler, int], None]] = {
    "/page": _page,
    "/gzip": _gzip,
    "/meta-charset": _meta_charset,
    "/429-then-ok": _429_then_ok,
    "/500-then-ok": _500_then_ok,
    "/500-forever": _500_forever,
    "/304": _304,
    "/loop-a": _redirect("/loop-b"),
    "/loop-b": _redirect("/loop-a"),
    "/to-other-host": _redirect("http://localhost:{port}/page"),
    "/401": _status(401),
    "/403": _status(403),
    "/404": _status(404),
    "/413": _status(413),
    "/410": _status(410),
    "/json": _json,
    "/truncated": _truncated,
    "/huge-declared": _huge_declared,
    "/endless": _endless,
    "/drip": _drip,
    "/slow-headers": _slow_headers,
    "/stalled-body": _stalled_body,
}


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serve(Handler) as base:
        yield base


@pytest.fixture(autouse=True)
def fast_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tiny backoff and timeouts for every CLI fetch in this module (not the real ones)."""
    monkeypatch.setattr(
        fetch,
        "make_session",
        functools.partial(
            fetch.make_session, retries=2, backoff=0.01, max_retry_after=0.05, max_backoff=0.05
        ),
    )
    monkeypatch.setattr(fetch, "fetch_page", functools.partial(fetch.fetch_page, timeout=TIMEOUT))
    Handler.hits.clear()
    Handler.sent.clear()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_diff(catalog_dir: Path, url: str) -> tuple[Result, float]:
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["diff", "--catalog", str(catalog_dir), "--url", url])
    return result, time.monotonic() - started


def assert_one_error_line(result: Result, *fragments: str) -> str:
    """Exit 2, one ``error:`` line on stderr naming the fault (and at most a hint), no
    traceback; stdout is the report, its one source an error, or nothing (a bad URL)."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.stderr.splitlines() if not line.startswith("hint: ")]
    assert len(lines) == 1, result.stderr
    assert len(result.stderr.splitlines()) <= 2, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.output
    if result.stdout:  # the whole report: the source checked, as an error
        assert result.stdout.startswith("Drift check of 1 source(s): error\n"), result.stdout
        assert lines[0].removeprefix("error: ") in result.stdout
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


# ------------------------------------------------------------ rows: a correct result

CORRECT = {
    "/page": "plain page",
    "/gzip": "Content-Encoding: gzip is decoded",
    "/meta-charset": "windows-1252 declared only in <meta>",
    "/429-then-ok": "429 with Retry-After, then success",
    "/500-then-ok": "500, then success on the retry",
}


@pytest.mark.parametrize("path", list(CORRECT), ids=list(CORRECT.values()))
def test_fault_with_a_correct_result(server: str, catalog_dir: Path, path: str) -> None:
    result, elapsed = run_diff(catalog_dir, server + path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(": clean")  # the 23 listings, no drift
    assert result.stderr == ""
    assert elapsed < BOUND_SECONDS


def test_retries_hit_the_server_again(server: str, catalog_dir: Path) -> None:
    run_diff(catalog_dir, server + "/429-then-ok")
    run_diff(catalog_dir, server + "/500-then-ok")
    assert Handler.hits["/429-then-ok"] == 2
    assert Handler.hits["/500-then-ok"] == 2


def test_redirect_to_another_host_is_followed_and_reported_as_moved(
    server: str, catalog_dir: Path
) -> None:
    result, elapsed = run_diff(catalog_dir, server + "/to-other-host")
    assert result.exit_code == 0, result.output
    port = server.rsplit(":", 1)[1]
    assert result.stderr.splitlines() == [
        f"warning: the page moved: {server}/to-other-host -> http://localhost:{port}/page"
    ]
    assert elapsed < BOUND_SECONDS


# ------------------------------------------------------------- rows: exit 2, one line

FAILING = {
    "/500-forever": ("server error (500) after retries", "HTTP 500"),
    "/401": ("unauthorized (401)", "HTTP 401"),
    "/403": ("forbidden (403)", "HTTP 403"),
    "/404": ("not found (404)",),
    "/413": ("refused as too large (413)", "HTTP 413"),
    "/410": ("gone (410)",),
    "/loop-a": ("too many redirects",),
    "/json": ("not HTML (Content-Type application/json)",),
    "/truncated": ("truncated",),
    "/huge-declared": ("too large (100000000 bytes",),
    "/endless": ("too large (more than 5000000 bytes)",),
    "/slow-headers": ("timed out waiting for the server",),
    "/stalled-body": ("timed out waiting for the server",),
}


@pytest.mark.parametrize("path", list(FAILING))
def test_fault_is_exit_2_with_one_line(server: str, catalog_dir: Path, path: str) -> None:
    result, elapsed = run_diff(catalog_dir, server + path)
    assert_one_error_line(result, server + path, *FAILING[path])
    assert elapsed < BOUND_SECONDS


def test_500_forever_gives_up_after_the_retries_despite_retry_after(
    server: str, catalog_dir: Path
) -> None:
    result, elapsed = run_diff(catalog_dir, server + "/500-forever")
    assert_one_error_line(result, "after retries")
    assert Handler.hits["/500-forever"] == 3  # first try + 2 retries, then it stops
    assert elapsed < 2.0  # Retry-After: 3600 was capped


def test_endless_body_stops_reading_early(server: str, catalog_dir: Path) -> None:
    result, elapsed = run_diff(catalog_dir, server + "/endless")
    assert_one_error_line(result, "too large")
    time.sleep(0.2)  # let the server thread notice the hang-up
    # Stopped soon after the 5 MB limit; socket buffers hold at most a few MB more.
    assert Handler.sent["/endless"] < 5_000_000 + 8_000_000
    assert elapsed < BOUND_SECONDS


def test_endless_body_with_a_small_limit_stops_at_the_limit(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="too large"):
        fetch.fetch_page(server + "/endless", max_bytes=100_000, timeout=TIMEOUT)
    assert time.monotonic() - started < BOUND_SECONDS
    time.sleep(0.2)
    assert Handler.sent["/endless"] < 100_000 + 8_000_000  # never the 30 s of streaming


def test_a_dripping_server_is_cut_off_at_the_deadline(
    server: str, catalog_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One byte every 0.2 s never trips the 0.5 s read timeout; 66 bytes took 6.5 s
    # before the deadline existed, and the whole page would take over an hour.
    monkeypatch.setattr(fetch, "fetch_page", functools.partial(fetch.fetch_page, deadline=1.0))
    result, elapsed = run_diff(catalog_dir, server + "/drip")
    assert_one_error_line(
        result, server + "/drip", "took longer than 1 s in total (server too slow)"
    )
    assert 1.0 <= elapsed < 2.0
    time.sleep(0.3)  # let the server notice the hang-up
    assert Handler.sent["/drip"] < 20  # about 1 s of bytes, then the client hung up


def test_the_deadline_bounds_connect_attempts_and_their_retries(full_backlog: int) -> None:
    # Connect timeout 5 s and 2 retries would take over 15 s; the deadline ends it at 1 s.
    url = f"http://127.0.0.1:{full_backlog}/"
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 1 s in total"):
        fetch.fetch_page(url, timeout=(5.0, 5.0), deadline=1.0)
    assert 1.0 <= time.monotonic() - started < 1.5


def test_304_without_a_snapshot_to_fall_back_on_is_exit_2(server: str, catalog_dir: Path) -> None:
    # --url names another page than the catalog's: no snapshot of it, so nothing to
    # read. It must say so, never parse an empty body into "23 resources removed".
    result, _ = run_diff(catalog_dir, server + "/304")
    line = assert_one_error_line(result, "not modified (304)")
    assert "removed" not in line


def test_304_for_the_catalogs_own_page_reads_the_snapshot(server: str, catalog_dir: Path) -> None:
    meta_file = catalog_dir / "catalog.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["sources"][0]["url"] = server + "/304"
    meta["sources"][0]["etag"] = '"v1"'
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    result = CliRunner().invoke(cli, ["diff", "--catalog", str(catalog_dir)])
    assert result.exit_code == 0, result.output
    assert Handler.hits["/304"] == 1
    assert "not modified" in result.stdout
    assert result.stdout.splitlines()[0].endswith(": clean")


# ----------------------------------------------------- rows: connection-level faults


def test_refused_connection(catalog_dir: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"
    result, elapsed = run_diff(catalog_dir, url)
    assert_one_error_line(result, url, "connection refused")
    assert elapsed < BOUND_SECONDS


def test_dns_failure(catalog_dir: Path) -> None:
    # .invalid never resolves (RFC 6761): no network is needed to fail.
    url = "http://campus-resources.invalid/citizenship/resources"
    result, elapsed = run_diff(catalog_dir, url)
    assert_one_error_line(result, url, "DNS lookup failed")
    assert elapsed < BOUND_SECONDS


@pytest.fixture
def full_backlog() -> Iterator[int]:
    """A port whose accept queue is full: new connections are never answered."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)  # noqa: FBT003 (socket API)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield port
    finally:
        for sock in [*fillers, listener]:
            sock.close()


def test_connect_timeout(catalog_dir: Path, full_backlog: int) -> None:
    url = f"http://127.0.0.1:{full_backlog}/"
    result, elapsed = run_diff(catalog_dir, url)
    assert_one_error_line(result, url, "timed out connecting")
    assert elapsed < BOUND_SECONDS


# ------------------------------------------------------------ rows: refused URLs


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://x", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("gopher://127.0.0.1:70/", "only http and https"),
        ("http://", "only http and https"),
        ("http://[::1", "not a valid URL"),
        ("http://127.0.0.1:99999/", "not a valid URL"),
    ],
)
@pytest.mark.parametrize("command", ["diff", "scrape", "sync"])
def test_only_http_and_https_urls_are_accepted(
    catalog_dir: Path, command: str, url: str, reason: str
) -> None:
    before = files_of(catalog_dir)
    args = [command, "--url", url]
    args += ["--catalog", str(catalog_dir)] if command != "scrape" else []
    result = CliRunner().invoke(cli, args)
    assert_one_error_line(result, reason)
    assert files_of(catalog_dir) == before  # nothing written


def files_of(directory: Path) -> dict[str, bytes]:
    """Every file of a catalog but the lock file, by relative path."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in directory.rglob("*")
        if p.is_file() and p.name != ".sync.lock"
    }


# -------------------------------------------------------- the real defaults, once


def test_real_defaults_end_in_bounded_time(
    monkeypatch: pytest.MonkeyPatch, catalog_dir: Path
) -> None:
    monkeypatch.undo()  # the real make_session and fetch_page: 3 retries, backoff 0.5
    url = f"http://127.0.0.1:{closed_port()}/"
    result, elapsed = run_diff(catalog_dir, url)
    assert_one_error_line(result, "connection refused")
    assert elapsed < 10.0
