"""Link health against real local servers: each answer a server can give, and its verdict.

A server on 127.0.0.1 plays every case (200, HEAD refused, 301/308 chains, 302, 404,
410, 429 with Retry-After, 500, a hang, a redirect loop, a huge body); the catalog
tests put its URLs in a record and run ``check_links`` and the command three times to
see the flap rule. Timeouts are a fraction of a second; the only real waits are the
ones a test is about (Retry-After, a slow host).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
from click.testing import CliRunner

from resource_catalog.checks.validate import load_catalog
from resource_catalog.cli import cli
from resource_catalog.links.probe import host_of, probe_link, probe_links
from resource_catalog.links.verdicts import (
    Hop,
    LinkState,
    LinkStatus,
    Probe,
    StateEntry,
    Verdict,
    judge,
    judge_offline,
    parse_state,
    settle,
    state_bytes,
)
from resource_catalog.pages.fetch import USER_AGENT, make_session
from resource_catalog.workflows.links import STATE_FILE, check_links, collect_links

from ..conftest import read_record, write_record
from ..localserver import QuietServer, serve

HUGE = 1 << 30  # a body of 1 GiB is announced; reading it would take the test's lifetime


class Cases(http.server.BaseHTTPRequestHandler):
    """One path per case; counts requests per (method, path) and bytes sent."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[Counter[tuple[str, str]]] = Counter()
    agents: ClassVar[set[str]] = set()
    sent: ClassVar[dict[str, int]] = {}
    flaky: ClassVar[dict[str, int]] = {}
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_GET(self) -> None:
        self._answer("GET")

    def log_message(self, *args: Any) -> None:
        """Quiet."""

    def _send(self, status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    #: Cases whose answer never changes: path -> (status, headers).
    FIXED: ClassVar[dict[str, tuple[int, dict[str, str]]]] = {
        "/ok": (200, {"Content-Type": "text/html"}),
        "/p301": (301, {"Location": "/p301-b"}),
        "/p301-b": (301, {"Location": "/ok"}),
        "/t302": (302, {"Location": "/ok"}),
        "/p301-then-302": (301, {"Location": "/t302"}),
        "/p301-to-404": (301, {"Location": "/missing"}),
        "/gone": (410, {}),
        "/limited": (429, {"Retry-After": "1"}),
        "/error": (500, {}),
        "/loop-a": (302, {"Location": "/loop-b"}),
        "/loop-b": (301, {"Location": "/loop-a"}),
    }

    def _answer(self, method: str) -> None:
        path = self.path
        with self.lock:
            self.seen[method, path] += 1
            self.agents.add(self.headers.get("User-Agent", ""))
            count = self.seen[method, path]
        if path in self.FIXED:
            status, headers = self.FIXED[path]
            self._send(status, headers, b"<p>ok</p>" if status == 200 else b"")
        elif path in {"/no-head", "/head-forbidden"}:
            refusal = 405 if path == "/no-head" else 403
            self._send(refusal if method == "HEAD" else 200)
        elif path == "/head-drops":
            if method == "HEAD":  # hang up without an answer: HEAD unsupported
                self.close_connection = True
                return
            self._send(200)
        elif path == "/p308":
            self._send(308, {"Location": f"http://{self.headers['Host']}/ok"})
        elif path == "/limited-once":
            self._send(*((429, {"Retry-After": "1"}) if count == 1 else (200, {})))
        elif path == "/flaky":
            self._send(500 if self.flaky.get("down") else 200)
        elif path == "/hang":
            time.sleep(2)
            self._send(200)
        elif path in {"/huge", "/huge-no-head"}:
            self._huge(method, path)
        else:
            self._send(404)

    def _huge(self, method: str, path: str) -> None:
        """A 1 GiB page: HEAD answers (or, on /huge-no-head, is refused), GET drips it."""
        if method == "HEAD" and path == "/huge-no-head":
            self._send(405)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        if method == "GET":
            self._drip(path)

    def _drip(self, path: str) -> None:
        """Send the huge body until the client hangs up, counting what got out."""
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < HUGE:
                self.wfile.write(chunk)
                sent += len(chunk)
        except OSError:
            pass
        with self.lock:
            self.sent[path] = sent


@pytest.fixture(scope="module")
def cases_server() -> Iterator[str]:
    with serve(Cases) as url:
        yield url


@pytest.fixture
def server(cases_server: str) -> str:
    """The cases server, its counters cleared for this test."""
    Cases.seen.clear()
    Cases.agents.clear()
    Cases.sent.clear()
    Cases.flaky.clear()
    return cases_server


def quick_session() -> requests.Session:
    """The fetch session, retrying once without backoff (fast tests)."""
    return make_session(retries=1, backoff=0.0, max_retry_after=2.0, max_backoff=0.0)


def probe(url: str, timeout: float = 3.0) -> Probe:
    with quick_session() as session:
        return probe_link(url, session=session, timeout=timeout)


# -- one URL, each answer ------------------------------------------------------------


def test_200_is_ok_after_one_head(server: str) -> None:
    verdict = judge(probe(f"{server}/ok"))
    assert verdict.status is LinkStatus.OK
    assert verdict.http_status == 200
    assert Cases.seen == Counter({("HEAD", "/ok"): 1})
    assert Cases.agents == {USER_AGENT}


@pytest.mark.parametrize("path", ["/no-head", "/head-forbidden", "/head-drops"])
def test_head_refused_then_get_200_is_ok(server: str, path: str) -> None:
    result = probe(f"{server}{path}")
    assert result.method == "GET"
    assert judge(result).status is LinkStatus.OK
    assert Cases.seen["GET", path] == 1


@pytest.mark.parametrize(
    ("path", "final", "chain"),
    [("/p301", "/ok", "301 -> 301 -> 200"), ("/p308", "/ok", "308 -> 200")],
)
def test_permanent_redirect_chains_are_redirected_to_the_end(
    server: str, path: str, final: str, chain: str
) -> None:
    verdict = judge(probe(f"{server}{path}"))
    assert verdict.status is LinkStatus.REDIRECTED
    assert verdict.final_url == f"{server}{final}"
    assert verdict.http_status == 200
    assert chain in verdict.message


def test_temporary_redirect_is_ok_and_keeps_the_link(server: str) -> None:
    verdict = judge(probe(f"{server}/t302"))
    assert verdict.status is LinkStatus.OK
    assert "302 -> 200" in verdict.message


def test_a_permanent_redirect_then_a_temporary_one_moves_to_the_permanent_target(
    server: str,
) -> None:
    verdict = judge(probe(f"{server}/p301-then-302"))
    assert verdict.status is LinkStatus.REDIRECTED
    assert verdict.final_url == f"{server}/t302"


@pytest.mark.parametrize(
    ("path", "code", "words"),
    [("/missing", 404, "not found"), ("/gone", 410, "gone"), ("/p301-to-404", 404, "not found")],
)
def test_404_and_410_are_broken_even_after_a_redirect(
    server: str, path: str, code: int, words: str
) -> None:
    verdict = judge(probe(f"{server}{path}"))
    assert verdict.status is LinkStatus.BROKEN
    assert verdict.http_status == code
    assert verdict.message.startswith(words)


def test_429_retry_after_is_waited_for_then_the_page_answers(server: str) -> None:
    started = time.monotonic()
    verdict = judge(probe(f"{server}/limited-once"))
    assert verdict.status is LinkStatus.OK
    assert time.monotonic() - started >= 0.9  # the server asked for one second
    assert Cases.seen["HEAD", "/limited-once"] == 2


def test_429_still_refused_is_unreachable_not_broken_and_not_asked_again_with_get(
    server: str,
) -> None:
    result = probe(f"{server}/limited")
    verdict = judge(result)
    assert verdict.status is LinkStatus.UNREACHABLE
    assert verdict.http_status == 429
    assert result.retry_after == 1.0
    assert ("GET", "/limited") not in Cases.seen


def test_500_is_unreachable_after_the_retries(server: str) -> None:
    verdict = judge(probe(f"{server}/error"))
    assert verdict.status is LinkStatus.UNREACHABLE
    assert verdict.message.startswith("server error (500)")
    assert Cases.seen["HEAD", "/error"] == 2  # the first try and one retry


def test_a_hang_is_cut_at_the_links_timeout(server: str) -> None:
    started = time.monotonic()
    verdict = judge(probe(f"{server}/hang", timeout=0.3))
    assert time.monotonic() - started < 1.5
    assert verdict.status is LinkStatus.UNREACHABLE
    assert verdict.http_status is None
    assert "longer than 0.3 s" in verdict.message or "timed out" in verdict.message


def test_a_redirect_loop_is_unreachable(server: str) -> None:
    verdict = judge(probe(f"{server}/loop-a"))
    assert verdict.status is LinkStatus.UNREACHABLE
    assert verdict.message.startswith(f"redirect loop back to {server}/loop-a")
    assert Cases.seen["HEAD", "/loop-a"] == 1


@pytest.mark.parametrize("path", ["/huge", "/huge-no-head"])
def test_a_huge_body_is_never_read(server: str, path: str) -> None:
    started = time.monotonic()
    verdict = judge(probe(f"{server}{path}"))
    assert verdict.status is LinkStatus.OK
    assert time.monotonic() - started < 2
    if path == "/huge-no-head":
        deadline = time.monotonic() + 2
        while path not in Cases.sent and time.monotonic() < deadline:
            time.sleep(0.01)
        assert Cases.sent[path] < HUGE // 16  # the client hung up long before the end


def test_a_refused_connection_is_unreachable() -> None:
    with serve(Cases) as url:
        pass  # the port is free again: nothing listens there
    verdict = judge(probe(f"{url}/ok"))
    assert verdict.status is LinkStatus.UNREACHABLE
    assert verdict.message.startswith("connection refused")


def test_probe_link_refuses_what_it_cannot_check() -> None:
    with pytest.raises(ValueError, match="not an http"):
        probe("mailto:someone@example.edu")
    with pytest.raises(ValueError, match="positive"):
        probe("http://127.0.0.1/", timeout=0)


# -- offline links ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "status", "final"),
    [
        ("mailto:help@mit.edu", LinkStatus.OK, "mailto:help@mit.edu"),
        ("mailto:a@mit.edu,b@mit.edu?subject=Hi", LinkStatus.OK, None),
        ("mailto:not-an-address", LinkStatus.BROKEN, None),
        ("mailto:", LinkStatus.BROKEN, None),
        ("tel:+1-617-253-1212", LinkStatus.OK, "tel:+16172531212"),
        ("tel:12", LinkStatus.BROKEN, None),
        ("ftp://files.mit.edu/x", LinkStatus.BROKEN, None),
    ],
)
def test_mailto_and_tel_are_checked_offline(
    url: str, status: LinkStatus, final: str | None
) -> None:
    verdict = judge_offline(url)
    assert verdict.status is status
    if final is not None:
        assert verdict.final_url == final
    assert verdict.http_status is None


def test_judge_offline_does_not_take_web_links() -> None:
    with pytest.raises(ValueError, match="web link"):
        judge_offline("https://mit.edu/")


# -- the flap rule and the state file ---------------------------------------------------

DOWN = Verdict(LinkStatus.UNREACHABLE, 500, None, "server error (500)")
DAY = dt.datetime(2025, 3, 1, 6, 17, tzinfo=dt.UTC)


def test_settle_counts_failing_runs_and_breaks_at_the_threshold() -> None:
    first, entry, count = settle(DOWN, None, at=DAY)
    assert (first.status, count) == (LinkStatus.UNREACHABLE, 1)
    assert entry is not None
    second, entry, count = settle(DOWN, entry, at=DAY + dt.timedelta(days=1))
    assert (second.status, count) == (LinkStatus.UNREACHABLE, 2)
    assert entry is not None
    third, entry, count = settle(DOWN, entry, at=DAY + dt.timedelta(days=2))
    assert (third.status, count) == (LinkStatus.BROKEN, 3)
    assert entry is not None
    assert entry.first_failed == DAY
    assert "3 runs in a row (since 2025-03-01)" in third.message
    back, gone, count = settle(
        Verdict(LinkStatus.OK, 200, "http://x/", "answers 200"), entry, at=DAY
    )
    assert (back.status, gone, count) == (LinkStatus.OK, None, 0)


def test_settle_with_fail_after_one_breaks_at_once_and_refuses_zero() -> None:
    verdict, _, _ = settle(DOWN, None, at=DAY, fail_after=1)
    assert verdict.status is LinkStatus.BROKEN
    with pytest.raises(ValueError, match="at least 1"):
        settle(DOWN, None, at=DAY, fail_after=0)


def test_the_state_file_round_trips_and_rejects_what_is_not_one() -> None:
    state = LinkState(
        links={"http://b/": StateEntry(failures=2, first_failed=DAY, last_failed=DAY)}
    )
    assert parse_state(state_bytes(state), "s.json") == state
    with pytest.raises(ValueError, match=r"s\.json is not a link state file"):
        parse_state(b'{"links": {"http://b/": {"failures": 0}}}', "s.json")
    with pytest.raises(ValueError, match="version 2"):
        parse_state(b'{"version": 2}', "s.json")


def test_judge_reads_statuses_other_than_the_named_ones() -> None:
    def one(status: int) -> Verdict:
        return judge(Probe("http://x/", (Hop(status, "http://x/"),)))

    assert one(401).status is LinkStatus.OK  # a login wall is not a dead link
    assert one(400).status is LinkStatus.UNREACHABLE  # counts once it persists
    assert judge(Probe("http://x/")).status is LinkStatus.UNREACHABLE


# -- many links: concurrency bounds -----------------------------------------------------


class Slow(http.server.BaseHTTPRequestHandler):
    """Every answer takes ``delay`` seconds; records the most requests at once per port."""

    protocol_version = "HTTP/1.1"
    delay: ClassVar[float] = 0.1
    now: ClassVar[Counter[str]] = Counter()
    most: ClassVar[Counter[str]] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def do_HEAD(self) -> None:
        host = self.headers["Host"]
        with self.lock:
            self.now[host] += 1
            self.most[host] = max(self.most[host], self.now[host])
        time.sleep(self.delay)
        with self.lock:
            self.now[host] -= 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def slow_hosts() -> Iterator[Callable[[int], list[str]]]:
    """``make(n)``: n slow servers on separate loopback addresses (separate hosts)."""
    Slow.now.clear()
    Slow.most.clear()
    servers: list[QuietServer] = []
    threads: list[threading.Thread] = []

    def make(n: int) -> list[str]:
        urls = []
        for i in range(n):
            host = f"127.0.0.{10 + i}"
            httpd = QuietServer((host, 0), Slow)
            thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
            thread.start()
            servers.append(httpd)
            threads.append(thread)
            urls.append(f"http://{host}:{httpd.server_port}")
        return urls

    try:
        yield make
    finally:
        for httpd in servers:
            httpd.shutdown()
            httpd.server_close()
        for thread in threads:
            thread.join()


@pytest.mark.untraced
def test_200_links_on_20_slow_hosts_take_what_8_at_a_time_predicts(
    slow_hosts: Callable[[int], list[str]],
) -> None:
    hosts = slow_hosts(20)
    urls = [f"{hosts[i % 20]}/page-{i}" for i in range(200)]
    started = time.monotonic()
    probes = probe_links(urls, jobs=8, timeout=5, session_factory=quick_session)
    elapsed = time.monotonic() - started
    bound = 200 / 8 * Slow.delay  # 2.5 s: 25 rounds of 8 slow answers
    assert all(p is not None and judge(p).status is LinkStatus.OK for p in probes.values())
    assert bound * 0.9 <= elapsed <= bound * 2, elapsed
    assert max(Slow.most.values()) <= 2


def test_one_host_gets_at_most_two_at_once(slow_hosts: Callable[[int], list[str]]) -> None:
    [host] = slow_hosts(1)
    urls = [f"{host}/page-{i}" for i in range(12)]
    started = time.monotonic()
    probe_links(urls, jobs=8, timeout=5, session_factory=quick_session)
    elapsed = time.monotonic() - started
    assert Slow.most == Counter({host.removeprefix("http://"): 2})
    assert elapsed >= 12 / 2 * Slow.delay * 0.9  # six rounds of two, not two of eight


def test_the_total_deadline_leaves_the_rest_unchecked(
    slow_hosts: Callable[[int], list[str]],
) -> None:
    [host] = slow_hosts(1)
    urls = [f"{host}/page-{i}" for i in range(40)]
    started = time.monotonic()
    probes = probe_links(urls, jobs=2, timeout=5, deadline=0.35, session_factory=quick_session)
    assert time.monotonic() - started < 1.0
    checked = [u for u, p in probes.items() if p is not None]
    assert 4 <= len(checked) < 40
    assert list(probes) == urls


def test_a_host_that_asks_for_a_pause_gets_it(server: str) -> None:
    urls = [f"{server}/limited", f"{server}/ok"]
    started = time.monotonic()
    probes = probe_links(urls, jobs=1, timeout=5, session_factory=quick_session)
    assert probes[f"{server}/ok"] is not None
    # /limited waited its Retry-After once (urllib3), then the host was paused once more
    assert time.monotonic() - started >= 1.9


def test_host_of_tells_ports_apart() -> None:
    assert host_of("http://127.0.0.1:8000/a") != host_of("http://127.0.0.1:8001/a")
    assert host_of("https://MIT.edu/a") == host_of("https://mit.edu/b")


# -- the workflow on a catalog -----------------------------------------------------------


def add_links(directory: Path, rid: str, curated: list[str], seen: list[str] = ()) -> None:  # type: ignore[assignment]
    data = read_record(directory, rid)
    data["links"] = [{"url": u, "label": None} for u in curated]
    data["sources"][0]["links"] = [{"url": u, "label": None} for u in seen]
    write_record(directory, rid, data)


def test_collect_links_takes_curated_and_page_links_once_each(catalog_dir: Path) -> None:
    add_links(catalog_dir, "chaplaincy", ["https://a.example/", "https://b.example/"])
    add_links(catalog_dir, "house-teams", ["https://a.example/"], ["https://c.example/"])
    found = collect_links(load_catalog(catalog_dir))
    assert found == {
        "https://a.example/": ("chaplaincy", "house-teams"),
        "https://b.example/": ("chaplaincy",),
        "https://c.example/": ("house-teams",),
    }
    with pytest.raises(Exception, match="no source 'nope'"):
        collect_links(load_catalog(catalog_dir), ["nope"])


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_flap_rule_across_three_runs_of_the_command(
    catalog_dir: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("resource_catalog.links.probe.link_session", quick_session)
    add_links(catalog_dir, "chaplaincy", [f"{server}/flaky", f"{server}/ok"])
    Cases.flaky["down"] = 1
    codes, states = [], []
    for _ in range(3):
        result = run("links", "--catalog", catalog_dir, "--format", "json", "--timeout", "2")
        codes.append(result.exit_code)
        states.append({r["url"]: r for r in json.loads(result.stdout)["links"]})
    assert codes == [0, 0, 1]
    flaky = [s[f"{server}/flaky"] for s in states]
    assert [f["status"] for f in flaky] == ["unreachable", "unreachable", "broken"]
    assert [f["failures"] for f in flaky] == [1, 2, 3]
    assert flaky[0]["resource_ids"] == ["chaplaincy"]
    assert states[2][f"{server}/ok"]["status"] == "ok"
    saved = json.loads((catalog_dir / STATE_FILE).read_text(encoding="utf-8"))
    assert saved["links"][f"{server}/flaky"]["failures"] == 3
    Cases.flaky["down"] = 0
    back = run("links", "--catalog", catalog_dir, "--format", "json")
    assert back.exit_code == 0
    assert json.loads((catalog_dir / STATE_FILE).read_text(encoding="utf-8"))["links"] == {}


def test_404_exits_1_and_the_text_names_the_link_and_its_records(
    catalog_dir: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("resource_catalog.links.probe.link_session", quick_session)
    add_links(catalog_dir, "chaplaincy", [f"{server}/missing"], [f"{server}/ok"])
    result = run("links", "--catalog", catalog_dir)
    assert result.exit_code == 1
    assert f"broken      404  {server}/missing  [chaplaincy]: not found (404)" in result.stdout
    assert "2 link(s): 1 ok, 0 redirected, 1 broken, 0 unreachable" in result.stdout
    markdown = run("links", "--catalog", catalog_dir, "--format", "markdown")
    assert markdown.stdout.startswith("## Link check: 1 broken link(s)")
    assert "| broken |" in markdown.stdout


def test_an_unknown_source_or_a_missing_state_folder_exits_2(
    catalog_dir: Path, tmp_path: Path
) -> None:
    result = run("links", "--catalog", catalog_dir, "--source", "nope")
    assert result.exit_code == 2
    assert "no source 'nope'" in result.stderr
    result = run("links", "--catalog", catalog_dir, "--state", tmp_path / "no" / "s.json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_a_corrupt_state_file_exits_2_naming_it(catalog_dir: Path) -> None:
    (catalog_dir / STATE_FILE).write_text("[]", encoding="utf-8")
    result = run("links", "--catalog", catalog_dir)
    assert result.exit_code == 2
    assert "is not a link state file" in result.stderr


def test_fix_rewrites_moved_curated_links_with_history(
    catalog_dir: Path, server: str, tmp_path: Path
) -> None:
    add_links(catalog_dir, "chaplaincy", [f"{server}/p301", f"{server}/ok"], [f"{server}/p308"])
    state = tmp_path / "state.json"
    report = check_links(catalog_dir, fix=True, state=state, session_factory=quick_session)
    assert {f.old: f.new for f in report.fixes} == {f"{server}/p301": f"{server}/ok"}
    record = read_record(catalog_dir, "chaplaincy")
    # the moved link became the one already there: one link, not two
    assert [link["url"] for link in record["links"]] == [f"{server}/ok"]
    assert record["sources"][0]["links"] == [{"url": f"{server}/p308", "label": None}]
    last = json.loads((catalog_dir / "history.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert (last["action"], last["resource_id"], last["field"]) == (
        "updated",
        "chaplaincy",
        "links",
    )
    assert run("validate", "--catalog", catalog_dir).exit_code == 0
    assert not (catalog_dir / STATE_FILE).exists()  # the state went where it was told


def test_without_fix_nothing_in_the_catalog_changes(catalog_dir: Path, server: str) -> None:
    add_links(catalog_dir, "chaplaincy", [f"{server}/p301"])
    before = sorted((p.name, p.read_bytes()) for p in catalog_dir.rglob("*") if p.is_file())
    report = check_links(catalog_dir, session_factory=quick_session)
    assert report.summary()["redirected"] == 1
    after = sorted(
        (p.name, p.read_bytes())
        for p in catalog_dir.rglob("*")
        if p.is_file() and p.name != STATE_FILE
    )
    assert after == before


def test_a_run_cut_by_its_deadline_exits_2(
    catalog_dir: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("resource_catalog.links.probe.link_session", quick_session)
    add_links(catalog_dir, "chaplaincy", [f"{server}/hang", f"{server}/ok"])
    report = check_links(
        catalog_dir, jobs=1, per_host=1, deadline=0.3, session_factory=quick_session
    )
    [left] = report.not_checked
    assert left.message.startswith("not checked: the run's deadline (0.3 s)")
    assert left.status is LinkStatus.UNREACHABLE
    result = run("links", "--catalog", catalog_dir, "--jobs", "1", "--deadline", "0.3")
    assert result.exit_code == 2
    assert "1 link(s) not checked before the deadline" in result.stderr


def test_a_catalog_without_links_exits_0_and_writes_no_state(catalog_dir: Path) -> None:
    result = run("links", "--catalog", catalog_dir, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "summary": {"links": 0, "ok": 0, "redirected": 0, "broken": 0, "unreachable": 0},
        "links": [],
    }
    assert not (catalog_dir / STATE_FILE).exists()


def test_fix_from_the_command_line_says_what_it_rewrote(
    catalog_dir: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("resource_catalog.links.probe.link_session", quick_session)
    add_links(catalog_dir, "house-teams", [f"{server}/p308"])
    result = run("links", "--catalog", catalog_dir, "--fix")
    assert result.exit_code == 0, result.output
    assert f"fixed house-teams: {server}/p308 -> {server}/ok" in result.stdout
    assert read_record(catalog_dir, "house-teams")["links"] == [
        {"url": f"{server}/ok", "label": None}
    ]
    again = run("links", "--catalog", catalog_dir, "--format", "json")
    assert json.loads(again.stdout)["summary"] == {
        "links": 1,
        "ok": 1,
        "redirected": 0,
        "broken": 0,
        "unreachable": 0,
    }
