"""Fetch the source page over HTTP: the only module that imports :mod:`requests`.

One public call, :func:`fetch_page`, returns a :class:`FetchResult` or raises
:class:`~resource_catalog.errors.FetchError` with the URL, a short reason and the HTTP
status if any. The session from :func:`make_session` (the seam for tests and callers)
retries connection errors, 429 and 5xx with exponential backoff and a capped
``Retry-After``. Above the per-read timeouts a ``deadline`` bounds the whole fetch: a
watchdog (:mod:`.fetching.deadline`) shuts the socket when it passes, so a server that
drips one byte at a time cannot hold a fetch open. Decoding (:mod:`.fetching.encoding`)
is re-exported here: :func:`decode_html`, :func:`choose_encoding`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import SplitResult, urlsplit

import requests
from requests.adapters import DEFAULT_POOLBLOCK, HTTPAdapter
from urllib3.exceptions import (
    DecodeError,
    HTTPError,
    NameResolutionError,
    ProtocolError,
    ReadTimeoutError,
)

from resource_catalog._version import __version__
from resource_catalog.errors import FetchError
from resource_catalog.pages.fetching.deadline import ACTIVE, WATCHED_POOLS, BoundedRetry, Watchdog
from resource_catalog.pages.fetching.encoding import (
    choose_encoding,
    decode_html,
    decode_with,
    looks_like_html,
    parse_content_type,
)
from resource_catalog.pages.fetching.local import MAX_PAGE_BYTES

__all__ = [
    "DEADLINE",
    "USER_AGENT",
    "FetchResult",
    "choose_encoding",
    "decode_html",
    "fetch_page",
    "make_session",
]

PROJECT_URL: Final = "https://github.com/mit-student-life/resource-catalog"
#: Identifies the tool, its version and where to read about it (and complain).
USER_AGENT: Final = f"resource-catalog/{__version__} (+{PROJECT_URL})"

HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES: Final = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS: Final = 10
#: The default bound over one whole fetch, in seconds.
DEADLINE: Final = 60.0
_CHUNK: Final = 64 * 1024

_ACCEPT: Final = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"


class _WatchedAdapter(HTTPAdapter):
    """An adapter whose connections register their sockets with the fetch's watchdog."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = DEFAULT_POOLBLOCK, **pool_kwargs: Any
    ) -> None:
        """Make the pool manager as requests does, with watched connection pools."""
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(WATCHED_POOLS)


def make_session(
    retries: int = 3,
    backoff: float = 0.5,
    *,
    max_retry_after: float = 30.0,
    max_backoff: float = 10.0,
) -> requests.Session:
    """Return a session that retries connection errors, 429 and 5xx, with our User-Agent.

    ``backoff`` is urllib3's backoff factor (waits of ``backoff * 2**n`` seconds, at most
    ``max_backoff``); ``Retry-After`` is honoured up to ``max_retry_after`` seconds. A run
    therefore waits at most about ``retries * max(max_retry_after, max_backoff)`` seconds
    on top of the request timeouts.
    """
    retry = BoundedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        backoff_factor=backoff,
        backoff_max=max_backoff,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
        max_retry_after=max_retry_after,
    )
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = USER_AGENT
    session.headers["Accept"] = _ACCEPT
    adapter = _WatchedAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass(frozen=True)
class FetchResult:
    """What one fetch returned.

    ``html`` is the decoded page, or ``None`` when the server answered 304 Not Modified.
    ``moved`` is true when redirects ended on another host or path than requested
    (the page moved); a change of scheme alone (http to https) or of a trailing slash
    is a redirect but not a move. ``content`` holds the raw (undecoded) body, for
    saving a snapshot byte for byte.
    """

    url: str
    final_url: str
    status: int
    html: str | None
    encoding: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    redirected: bool
    moved: bool
    elapsed: float
    content: bytes | None = field(default=None, repr=False)


def fetch_page(
    url: str,
    *,
    session: requests.Session | None = None,
    timeout: tuple[float, float] = (5.0, 20.0),
    deadline: float = DEADLINE,
    max_bytes: int = MAX_PAGE_BYTES,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch an HTML page and decode it.

    ``timeout`` is (connect, read) in seconds, for each socket operation; ``deadline``
    bounds the whole fetch in seconds: connecting, redirects, retries and their waits,
    and reading the body. A server that keeps every read inside the read timeout but
    never finishes is cut off at the deadline. (With a caller's session that does not
    come from :func:`make_session`, the deadline is checked between body chunks and
    interrupts the body read, but not the request before the response headers.)
    ``etag`` / ``last_modified`` from a previous fetch make the request conditional;
    an unchanged page comes back as a result with ``not_modified=True`` and
    ``html=None``. Bodies larger than ``max_bytes`` are refused without being read whole.

    Raises:
        FetchError: the URL is not http(s), or the page could not be fetched (DNS
            failure, refused connection, timeout, past the deadline, HTTP error after
            retries, too many redirects, too large, not HTML, truncated body).
        ValueError: ``deadline`` is not a positive, finite number of seconds.
    """
    if not 0 < deadline < math.inf:
        raise ValueError(f"deadline must be a positive number of seconds, not {deadline!r}")
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port  # both raise on a malformed netloc
    except ValueError:  # "http://[::1", "http://host:99999": not a URL at all
        raise FetchError(url, "not a valid URL") from None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        raise FetchError(url, "only http and https URLs can be fetched")
    own_session = session is None
    active = make_session() if session is None else session
    headers = _request_headers(active, etag, last_modified)
    started = time.monotonic()
    watchdog = Watchdog(deadline)
    token = ACTIVE.set(watchdog)
    try:
        with active.get(
            url,
            headers=headers,
            timeout=(min(timeout[0], deadline), min(timeout[1], deadline)),
            stream=True,
            allow_redirects=True,
        ) as response:
            return _read_result(
                url,
                response,
                watchdog,
                max_bytes=max_bytes,
                started=started,
                etag=etag,
                last_modified=last_modified,
            )
    except (requests.RequestException, HTTPError) as exc:
        watchdog.stop()
        if watchdog.expired:
            raise _too_slow(url, watchdog) from exc
        raise _request_error(url, exc) from exc
    finally:
        watchdog.stop()
        ACTIVE.reset(token)
        if own_session:
            active.close()


def _request_headers(
    session: requests.Session, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    if str(session.headers.get("User-Agent", "")).startswith("python-requests"):
        headers["User-Agent"] = USER_AGENT  # a caller's plain session still names us
    return headers


def _read_result(
    url: str,
    response: requests.Response,
    watchdog: Watchdog,
    *,
    max_bytes: int,
    started: float,
    etag: str | None,
    last_modified: str | None,
) -> FetchResult:
    status = response.status_code
    final_url = response.url or url
    if status == 304:  # noqa: PLR2004 - Not Modified
        return FetchResult(
            url=url,
            final_url=final_url,
            status=status,
            html=None,
            encoding=None,
            etag=response.headers.get("ETag", etag),
            last_modified=response.headers.get("Last-Modified", last_modified),
            not_modified=True,
            redirected=bool(response.history),
            moved=_moved(url, final_url),
            elapsed=time.monotonic() - started,
        )
    if not 200 <= status < 300:  # noqa: PLR2004 - the success range
        raise FetchError(url, _status_reason(status), status)
    content_type = response.headers.get("Content-Type")
    media_type, header_charset = parse_content_type(content_type)
    if media_type is not None and media_type not in HTML_TYPES:
        raise FetchError(url, f"not HTML (Content-Type {media_type})", status)
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise FetchError(url, f"too large ({int(declared)} bytes > {max_bytes})", status)
    body = _read_limited(url, response, watchdog, max_bytes, status)
    if media_type is None and not looks_like_html(body):
        raise FetchError(url, "not HTML (no Content-Type and no HTML markup)", status)
    encoding = choose_encoding(body, header_charset)
    return FetchResult(
        url=url,
        final_url=final_url,
        status=status,
        html=decode_with(body, encoding),
        encoding=encoding,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        not_modified=False,
        redirected=bool(response.history),
        moved=_moved(url, final_url),
        elapsed=time.monotonic() - started,
        content=body,
    )


def _read_limited(
    url: str, response: requests.Response, watchdog: Watchdog, max_bytes: int, status: int
) -> bytes:
    """Read the (decompressed) body, giving up past ``max_bytes`` or the deadline.

    Each ``read1`` returns what one socket read brought, so a read blocks at most the
    read timeout and the clock is checked between reads; the watchdog cuts a blocked
    read short at the deadline.
    """
    raw = response.raw
    watchdog.watch_response(raw)  # a caller's session: its connection was not watched
    # an older urllib3 has no read1: its read fills the chunk, still cut by the watchdog
    read = getattr(raw, "read1", None) or raw.read
    chunks: list[bytes] = []
    size = 0
    while not watchdog.expired:
        chunk = read(_CHUNK, decode_content=True)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(url, f"too large (more than {max_bytes} bytes)", status)
        chunks.append(chunk)
    if watchdog.stop() or watchdog.expired:  # a shut-down socket reads as the end
        raise _too_slow(url, watchdog)
    return b"".join(chunks)


def _too_slow(url: str, watchdog: Watchdog) -> FetchError:
    return FetchError(url, f"took longer than {watchdog.seconds:g} s in total (server too slow)")


def _request_error(url: str, exc: Exception) -> FetchError:
    """The FetchError for an exception of requests or of urllib3 (reading the body)."""
    if isinstance(exc, requests.TooManyRedirects):
        return FetchError(url, "too many redirects")
    if isinstance(exc, requests.ConnectTimeout):
        return FetchError(url, "timed out connecting")
    if isinstance(exc, requests.ReadTimeout | ReadTimeoutError):
        return FetchError(url, "timed out waiting for the server")
    corrupt = (
        requests.exceptions.ChunkedEncodingError,
        requests.exceptions.ContentDecodingError,
        ProtocolError,
        DecodeError,
    )
    if isinstance(exc, corrupt):
        return FetchError(url, f"truncated or corrupt body ({_innermost(exc)})")
    if isinstance(exc, requests.ConnectionError):
        return FetchError(url, _connection_reason(exc))
    return FetchError(url, f"request failed ({_innermost(exc)})")


def _status_reason(status: int) -> str:
    reasons = {
        401: "unauthorized (401): the page now needs a login",
        403: "forbidden (403): the server refuses to serve the page",
        404: "not found (404)",
        410: "gone (410): the page was removed",
        413: "refused as too large (413) by the server",
        429: "rate limited (429), still refused after retries",
    }
    if status in reasons:
        return reasons[status]
    if status >= 500:  # noqa: PLR2004 - server errors
        return f"server error ({status}) after retries"
    return f"HTTP error {status}"


def _connection_reason(exc: BaseException) -> str:
    for cause in _chain(exc):
        if isinstance(cause, NameResolutionError):
            return "DNS lookup failed: host not found"
        if isinstance(cause, ReadTimeoutError):
            return "timed out waiting for the server"
        if isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
            return "connection refused"
    return f"connection failed ({_innermost(exc)})"


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception, its causes/contexts and urllib3's ``reason``s, outermost first."""
    seen: list[BaseException] = []
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if any(current is s for s in seen):
            continue
        seen.append(current)
        nexts = [getattr(current, "reason", None), current.__cause__, current.__context__]
        nexts += list(current.args)
        todo.extend(n for n in nexts if isinstance(n, BaseException))
    return seen


def _innermost(exc: BaseException) -> str:
    inner = _chain(exc)[-1]
    return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__


def _moved(requested: str, final: str) -> bool:
    """True when ``final`` has another host (or port) or path than ``requested``."""
    before, after = urlsplit(requested), urlsplit(final)
    return _where(before.hostname, _port(before), before.path) != _where(
        after.hostname, _port(after), after.path
    )


def _where(host: str | None, port: int | None, path: str) -> tuple[str, int | None, str]:
    return (host or "").lower(), port, path.rstrip("/")


def _port(parts: SplitResult) -> int | None:
    try:
        port = parts.port
    except ValueError:
        return None
    defaults = {"http": 80, "https": 443}
    return None if port == defaults.get(parts.scheme.lower()) else port
