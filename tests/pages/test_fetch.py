"""Tests of fetch.py: every HTTP exchange is mocked with ``responses`` or served on 127.0.0.1."""

from __future__ import annotations

import gzip
import http.server
import io
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import responses
from requests.adapters import HTTPAdapter
from responses import registries
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from resource_catalog import __version__
from resource_catalog.errors import FetchError
from resource_catalog.pages.fetch import (
    USER_AGENT,
    FetchResult,
    choose_encoding,
    decode_html,
    fetch_page,
    make_session,
)
from resource_catalog.pages.fetching.deadline import Watchdog
from tests.localserver import serve

DATA = Path(__file__).parents[1] / "data"
URL = "http://studentlife.mit.edu/citizenship/resources"
HTML_UTF8 = "text/html; charset=utf-8"
PAGE = (
    "<!DOCTYPE html><html><body><h2>Support Resources</h2>"
    "<ul><li>x \u2014 y\u2019s</li></ul></body></html>"
)


def fast_session(retries: int = 2) -> requests.Session:
    """A session that retries like the real one but without waiting."""
    return make_session(retries=retries, backoff=0.001, max_retry_after=0.01, max_backoff=0.01)


def fetch(
    url: str = URL,
    *,
    max_bytes: int = 5_000_000,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """fetch_page with a fast retrying session."""
    return fetch_page(
        url,
        session=fast_session(),
        max_bytes=max_bytes,
        etag=etag,
        last_modified=last_modified,
    )


# ------------------------------------------------------------------ success, headers


@responses.activate
def test_success_returns_decoded_page_and_metadata() -> None:
    responses.get(
        URL,
        body=PAGE.encode("utf-8"),
        content_type=HTML_UTF8,
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"},
    )
    result = fetch()
    assert result.html == PAGE
    assert result.status == 200
    assert result.encoding == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert result.content == PAGE.encode("utf-8")
    assert (result.url, result.final_url) == (URL, URL)
    assert not result.not_modified
    assert not result.redirected
    assert not result.moved
    assert result.elapsed >= 0


@responses.activate
def test_user_agent_names_tool_version_and_project_url() -> None:
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    fetch_page(URL)  # the default session
    sent = responses.calls[0].request.headers["User-Agent"]
    assert sent == USER_AGENT
    assert "resource-catalog" in sent
    assert __version__ in sent
    assert "https://github.com/mit-student-life/resource-catalog" in sent


@responses.activate
def test_a_plain_session_of_the_caller_still_sends_our_user_agent() -> None:
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    fetch_page(URL, session=requests.Session())
    assert responses.calls[0].request.headers["User-Agent"] == USER_AGENT


@pytest.mark.parametrize(
    "url", ["ftp://studentlife.mit.edu/x", "file:///etc/passwd", "javascript:alert(1)", "nope", ""]
)
@responses.activate
def test_only_http_and_https_urls(url: str) -> None:
    with pytest.raises(FetchError, match="only http and https") as excinfo:
        fetch_page(url)
    assert excinfo.value.url == url
    assert len(responses.calls) == 0


# ------------------------------------------------------------------ network faults


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (requests.ConnectTimeout("connect timed out"), "timed out connecting"),
        (requests.ReadTimeout("read timed out"), "timed out waiting"),
    ],
)
@responses.activate
def test_timeouts(error: Exception, expected: str) -> None:
    responses.get(URL, body=error)
    with pytest.raises(FetchError, match=expected) as excinfo:
        fetch()
    assert excinfo.value.status is None


@responses.activate
def test_dns_failure() -> None:
    cause = NameResolutionError(
        "studentlife.mit.edu",
        None,  # type: ignore[arg-type]
        socket.gaierror(-2, "Name or service not known"),
    )
    responses.get(URL, body=requests.ConnectionError(MaxRetryError(None, URL, cause)))  # type: ignore[arg-type]
    with pytest.raises(FetchError, match="DNS lookup failed"):
        fetch()


@responses.activate
def test_connection_refused_reported_from_urllib3_chain() -> None:
    cause = NewConnectionError(
        None,  # type: ignore[arg-type]
        "Failed to establish a new connection: [Errno 111] Connection refused",
    )
    responses.get(URL, body=requests.ConnectionError(MaxRetryError(None, URL, cause)))  # type: ignore[arg-type]
    with pytest.raises(FetchError, match="connection refused"):
        fetch()


def test_connection_refused_on_a_real_closed_port() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # nothing listens on the port any more
    with pytest.raises(FetchError, match="connection refused"):
        fetch_page(f"http://127.0.0.1:{port}/", session=fast_session(retries=1))


@responses.activate(registry=registries.OrderedRegistry)
def test_retries_then_success() -> None:
    responses.get(URL, status=500)
    responses.get(URL, status=503, headers={"Retry-After": "1"})
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    result = fetch()
    assert result.html == PAGE
    assert len(responses.calls) == 3


@responses.activate(registry=registries.OrderedRegistry)
def test_429_with_retry_after_then_success() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "3600"})
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    started = time.monotonic()
    assert fetch().html == PAGE
    assert time.monotonic() - started < 5


@responses.activate
def test_500_forever_gives_up_after_the_retries() -> None:
    responses.get(URL, status=500)
    with pytest.raises(FetchError, match=r"server error \(500\) after retries") as excinfo:
        fetch_page(URL, session=fast_session(retries=2))
    assert excinfo.value.status == 500
    assert len(responses.calls) == 3  # first try + 2 retries


@responses.activate
def test_429_forever_is_rate_limited() -> None:
    responses.get(URL, status=429)
    with pytest.raises(FetchError, match="rate limited") as excinfo:
        fetch()
    assert excinfo.value.status == 429


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (401, r"unauthorized \(401\): the page now needs a login"),
        (403, r"forbidden \(403\): the server refuses to serve the page"),
        (404, r"not found \(404\)"),
        (410, r"gone \(410\)"),
        (413, r"refused as too large \(413\) by the server"),
        (418, "HTTP error 418"),
    ],
)
@responses.activate
def test_client_errors_are_not_retried(status: int, reason: str) -> None:
    responses.get(URL, status=status)
    with pytest.raises(FetchError, match=reason) as excinfo:
        fetch()
    assert excinfo.value.status == status
    assert excinfo.value.url == URL
    assert f"(HTTP {status})" in str(excinfo.value)
    assert len(responses.calls) == 1


@responses.activate
def test_413_with_retry_after_is_retried_then_refused_in_bounded_time() -> None:
    # urllib3 retries 413 when the server names a Retry-After; the wait is capped too.
    responses.get(URL, status=413, headers={"Retry-After": "3600"})
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"refused as too large \(413\)") as excinfo:
        fetch()
    assert time.monotonic() - started < 2.0
    assert excinfo.value.status == 413
    assert len(responses.calls) == 3  # first try + 2 retries


def test_retry_after_is_capped_and_the_cap_survives_each_retry() -> None:
    adapter = make_session(max_retry_after=7.0).get_adapter(URL)
    assert isinstance(adapter, HTTPAdapter)
    retry = adapter.max_retries
    assert retry.parse_retry_after("3600") == 7.0
    assert retry.parse_retry_after("2") == 2.0
    assert retry.new(total=1).parse_retry_after("3600") == 7.0
    assert retry.status_forcelist is not None
    assert {429, 500, 503}.issubset(retry.status_forcelist)


# ------------------------------------------------------------------ conditional requests


@responses.activate
def test_304_with_etag_is_not_modified() -> None:
    responses.get(URL, status=304, headers={"ETag": '"v1"'})
    result = fetch(etag='"v1"', last_modified="Wed, 25 Nov 2026 10:00:00 GMT")
    sent = responses.calls[0].request.headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 25 Nov 2026 10:00:00 GMT"
    assert result.not_modified
    assert result.html is None
    assert result.status == 304
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 25 Nov 2026 10:00:00 GMT"


@responses.activate
def test_no_conditional_headers_without_validators() -> None:
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    fetch()
    sent = responses.calls[0].request.headers
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


# ------------------------------------------------------------------ redirects


@pytest.mark.parametrize(
    ("target", "moved"),
    [
        ("https://studentlife.mit.edu/citizenship/resources", False),  # scheme only
        ("http://studentlife.mit.edu/citizenship/resources/", False),  # trailing slash
        ("http://studentlife.mit.edu/citizenship/campus-resources", True),  # new path
        ("https://doingwell.mit.edu/citizenship/resources", True),  # new host
        ("http://studentlife.mit.edu:8080/citizenship/resources", True),  # new port
    ],
)
@responses.activate
def test_redirects_are_followed_and_moves_reported(target: str, moved: bool) -> None:
    responses.get(URL, status=301, headers={"Location": target})
    responses.get(target, body=PAGE, content_type=HTML_UTF8)
    result = fetch()
    assert result.html == PAGE
    assert result.redirected
    assert result.final_url == target
    assert result.moved is moved


@responses.activate
def test_redirect_loop() -> None:
    other = "http://studentlife.mit.edu/loop"
    responses.get(URL, status=302, headers={"Location": other})
    responses.get(other, status=302, headers={"Location": URL})
    with pytest.raises(FetchError, match="too many redirects"):
        fetch()


# ------------------------------------------------------------------ size, type, body


class _EndlessBody(io.RawIOBase):
    """A body of ``size`` bytes made on demand, counting what was read."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.size - self.served)
        buffer[:n] = b"x" * n
        self.served += n
        return n


@responses.activate
def test_too_large_by_content_length_is_refused_before_reading() -> None:
    body = _EndlessBody(50_000_000)
    responses.get(
        URL,
        body=io.BufferedReader(body),
        content_type=HTML_UTF8,
        headers={"Content-Length": "50000000"},
    )
    with pytest.raises(FetchError, match="too large") as excinfo:
        fetch(max_bytes=1_000_000)
    assert excinfo.value.status == 200
    assert body.served == 0


@responses.activate
def test_too_large_while_streaming_stops_reading() -> None:
    body = _EndlessBody(50_000_000)
    responses.get(URL, body=io.BufferedReader(body), content_type=HTML_UTF8)
    with pytest.raises(FetchError, match="too large"):
        fetch(max_bytes=200_000)
    assert body.served < 1_000_000  # stopped soon after the limit; did not buffer 50 MB


@responses.activate
def test_body_at_the_limit_is_accepted() -> None:
    page = ("<html><body>" + "x" * 1000 + "</body></html>").encode()
    responses.get(URL, body=page, content_type=HTML_UTF8)
    assert fetch(max_bytes=len(page)).content == page


@pytest.mark.parametrize("content_type", ["application/json", "application/pdf", "text/plain"])
@responses.activate
def test_wrong_content_type(content_type: str) -> None:
    responses.get(URL, body=b"{}", content_type=content_type)
    with pytest.raises(FetchError, match="not HTML") as excinfo:
        fetch()
    assert content_type in excinfo.value.reason


@responses.activate
def test_xhtml_is_html() -> None:
    responses.get(URL, body=PAGE, content_type="application/xhtml+xml; charset=utf-8")
    assert fetch().html == PAGE


@responses.activate
def test_missing_content_type_is_sniffed() -> None:
    responses.get(URL, body=PAGE, content_type=None)
    assert fetch().html == PAGE
    responses.replace(responses.GET, URL, body=b"%PDF-1.4 binary", content_type=None)
    with pytest.raises(FetchError, match="not HTML"):
        fetch()


@responses.activate
def test_truncated_body() -> None:
    responses.get(
        URL, body=PAGE.encode(), content_type=HTML_UTF8, headers={"Content-Length": "100000"}
    )
    with pytest.raises(FetchError, match="truncated"):
        fetch()


@responses.activate
def test_gzip_body_is_decompressed() -> None:
    responses.get(
        URL,
        body=gzip.compress(PAGE.encode()),
        content_type=HTML_UTF8,
        headers={"Content-Encoding": "gzip"},
    )
    assert fetch().html == PAGE


@responses.activate
def test_read_timeout_while_streaming() -> None:
    class Stalling(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            raise TimeoutError("timed out")

    responses.get(URL, body=io.BufferedReader(Stalling()), content_type=HTML_UTF8)
    with pytest.raises(FetchError):
        fetch()


# ------------------------------------------------------------------ decoding

CP1252_PAGE = (DATA / "campus-resources-cp1252.html").read_bytes()


@responses.activate
def test_charset_from_the_header() -> None:
    responses.get(URL, body=PAGE.encode("utf-16"), content_type="text/html; charset=utf-16")
    assert fetch().html == PAGE


@responses.activate
def test_latin1_label_is_read_as_windows_1252() -> None:
    responses.get(URL, body=PAGE.encode("cp1252"), content_type="text/html; charset=ISO-8859-1")
    result = fetch()
    assert result.encoding == "cp1252"
    assert result.html == PAGE  # em dash and curly apostrophe survive


@responses.activate
def test_charset_only_in_meta() -> None:
    assert b"charset=windows-1252" in CP1252_PAGE
    responses.get(URL, body=CP1252_PAGE, content_type="text/html")
    result = fetch()
    assert result.encoding == "cp1252"
    assert result.html is not None
    assert "The site\u2019s purpose" in result.html
    assert "Graduate Resident Tutor (GRT)—or" in result.html
    assert "\ufffd" not in result.html


@responses.activate
def test_charset_detected_without_any_declaration() -> None:
    undeclared = CP1252_PAGE.replace(
        b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">', b""
    )
    assert b"charset" not in undeclared
    responses.get(URL, body=undeclared, content_type="text/html")
    html = fetch().html
    assert html is not None
    assert "The site\u2019s purpose" in html
    assert "(GRT)—or" in html


def test_decode_html_order_bom_header_meta_detection() -> None:
    assert (
        decode_html(b"\xef\xbb\xbf<p>\xe2\x80\x94</p>", "text/html; charset=cp1252") == "<p>—</p>"
    )
    assert decode_html("<p>—</p>".encode("cp1252"), "text/html; charset=windows-1252") == "<p>—</p>"
    assert (
        decode_html(b'<meta charset="bogus-enc"><p>\xe2\x80\x94</p>')
        == '<meta charset="bogus-enc"><p>—</p>'
    )
    assert choose_encoding(b"<p>plain ascii</p>") == "utf-8"
    assert choose_encoding(b"<meta charset='utf-16'>") == "utf-8"
    # Browsers decode Shift_JIS as Microsoft's variant: Python's cp932.
    assert choose_encoding(b"x", "Shift_JIS") == "cp932"


def test_decoding_is_re_exported_from_fetch() -> None:
    from resource_catalog.pages.fetching import encoding as _encoding  # noqa: PLC0415

    assert decode_html is _encoding.decode_html
    assert choose_encoding is _encoding.choose_encoding


def test_reading_a_saved_page_imports_neither_requests_nor_the_detector() -> None:
    code = (
        "import sys\n"
        "from resource_catalog.pages.read import read_page\n"
        f"pages = read_page({str(DATA / 'campus-resources.html')!r})\n"
        "assert pages.listings\n"
        "print(sorted({'requests', 'urllib3', 'charset_normalizer'} & set(sys.modules)))\n"
    )
    src = str(Path(__file__).parents[2] / "src")
    done = subprocess.run(  # noqa: S603 - our own interpreter, our own code
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": src},
    )
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------ a real local server


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "500"
    hits = 0

    def do_GET(self) -> None:
        type(self).hits += 1
        if self.mode == "500":
            self.send_response(503)
            self.send_header("Retry-After", "3600")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:  # a body shorter than announced, then the connection closes
            self.send_response(200)
            self.send_header("Content-Type", HTML_UTF8)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body>only part of it")
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    with serve(_Handler) as base:
        yield base + "/"


def test_real_server_503_forever_with_long_retry_after_ends_in_bounded_time(server: str) -> None:
    _Handler.mode, _Handler.hits = "500", 0
    session = make_session(retries=2, backoff=0.01, max_retry_after=0.05, max_backoff=0.05)
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"server error \(503\)") as excinfo:
        fetch_page(server, session=session, timeout=(1.0, 1.0))
    assert time.monotonic() - started < 3.0  # Retry-After: 3600 was capped
    assert excinfo.value.status == 503
    assert _Handler.hits == 3


def test_real_server_truncated_body(server: str) -> None:
    _Handler.mode = "truncated"
    with pytest.raises(FetchError, match="truncated"):
        fetch_page(server, session=fast_session(retries=0), timeout=(1.0, 2.0))


# ------------------------------------------------------------------ the deadline

#: Each byte comes just inside the read timeout, so only the deadline can end these.
DRIP_EVERY = 0.45
READ_TIMEOUT = 1.0
DEADLINE = 1.0
#: Without the watchdog a read blocked on the next byte would end up to DRIP_EVERY late.
MARGIN = 0.3
TOO_SLOW = r"took longer than 1 s in total \(server too slow\)"


class _Dripping(http.server.BaseHTTPRequestHandler):
    """Sends one byte every DRIP_EVERY seconds, for ten seconds at most."""

    protocol_version = "HTTP/1.1"
    mode = "body"

    def do_GET(self) -> None:
        if self.mode == "headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
        else:
            self.send_response(200)
            self.send_header("Content-Type", HTML_UTF8)
            if self.mode == "body":
                self.send_header("Content-Length", "5000")
            else:  # "until-close": the end of the stream is the end of the body
                self.send_header("Connection", "close")
            self.end_headers()
        self._drip(b"<html><body>" + b"x" * 5000)
        self.close_connection = True

    def _drip(self, data: bytes) -> None:
        started = time.monotonic()
        for byte in data:
            if time.monotonic() - started > 10:  # the client must have hung up long before
                return
            try:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
            except OSError:  # the client hung up: what we want
                return
            time.sleep(DRIP_EVERY)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture
def dripping() -> Iterator[str]:
    with serve(_Dripping) as base:
        yield base + "/"


def timed_fetch(url: str, session: requests.Session | None = None) -> float:
    """Seconds until fetch_page gave up on the dripping server with the deadline error."""
    started = time.monotonic()
    with pytest.raises(FetchError, match=TOO_SLOW) as excinfo:
        fetch_page(
            url,
            session=session or make_session(retries=0),
            timeout=(READ_TIMEOUT, READ_TIMEOUT),
            deadline=DEADLINE,
        )
    assert excinfo.value.url == url
    return time.monotonic() - started


@pytest.mark.parametrize("mode", ["body", "until-close", "headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(
    dripping: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "until-close": the watchdog's shutdown reads as an end of stream, and must not
    # pass for the end of the page. "headers": cut before there is any response.
    monkeypatch.setattr(_Dripping, "mode", mode)
    elapsed = timed_fetch(dripping)
    assert DEADLINE <= elapsed < DEADLINE + MARGIN


def test_the_deadline_cuts_the_body_read_of_a_callers_own_session(dripping: str) -> None:
    # A plain requests.Session has none of our watched connections; the socket under
    # its response is watched once the headers are in.
    with requests.Session() as session:
        elapsed = timed_fetch(dripping, session)
    assert DEADLINE <= elapsed < DEADLINE + MARGIN


def test_without_a_deadline_the_read_timeout_alone_would_not_end_it(dripping: str) -> None:
    # The fault the deadline exists for: every read is inside the read timeout, so a
    # fetch with a long deadline is still reading well past it.
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"took longer than 3 s"):
        fetch_page(dripping, session=make_session(retries=0), timeout=(1.0, 1.0), deadline=3.0)
    assert time.monotonic() - started >= 3.0


def test_retry_waits_never_pass_the_deadline(server: str) -> None:
    # 503 with Retry-After: 3600 under the real caps (30 s): the wait ends at the
    # deadline, and no request is made after it.
    _Handler.mode, _Handler.hits = "500", 0
    started = time.monotonic()
    with pytest.raises(FetchError, match=TOO_SLOW) as excinfo:
        fetch_page(server, timeout=(1.0, 1.0), deadline=DEADLINE)
    assert DEADLINE <= time.monotonic() - started < DEADLINE + MARGIN
    assert excinfo.value.status is None
    assert _Handler.hits == 1


@pytest.mark.parametrize("deadline", [0.0, -1.0, float("nan"), float("inf")])
def test_deadline_must_be_positive_and_finite(deadline: float) -> None:
    with pytest.raises(ValueError, match="deadline must be a positive number"):
        fetch_page(URL, deadline=deadline)


@responses.activate
def test_no_watchdog_outlives_a_fetch() -> None:
    responses.get(URL, body=PAGE, content_type=HTML_UTF8)
    assert fetch().html == PAGE
    timers = [t for t in threading.enumerate() if isinstance(t, threading.Timer)]
    for timer in timers:
        timer.join(timeout=1.0)
    assert not [t for t in timers if t.is_alive()]


def test_watchdog_wakes_a_blocked_read_and_a_stopped_one_never_fires() -> None:
    left, right = socket.socketpair()
    with left, right:
        left.settimeout(5.0)
        started = time.monotonic()  # before the timer starts: the lower bound must hold
        dog = Watchdog(0.2)
        dog.watch(left)
        assert left.recv(1) == b""  # woken by the shutdown, long before the 5 s timeout
        assert 0.2 <= time.monotonic() - started < 1.0
        assert dog.expired
        assert dog.stop() is True
    left, right = socket.socketpair()
    with left, right:
        dog = Watchdog(0.05)
        dog.watch(left)
        assert dog.stop() is False
        time.sleep(0.15)
        right.sendall(b"x")
        assert left.recv(1) == b"x"  # still open: the stopped watchdog did nothing
