"""Ask web servers whether links still lead somewhere: HEAD first, politely, in parallel.

:func:`probe_link` asks about one URL with the fetch module's session (its User-Agent,
retries and capped ``Retry-After``), under a deadline
(:class:`~resource_catalog.pages.fetching.deadline.Watchdog`), following redirects
itself so that every hop's status is known (a permanent redirect is told from a
temporary one). It sends ``HEAD``; when the server refuses it (an error status other
than 429, or a dropped connection) it asks again with a ``GET`` whose body is never
read: the response is closed as soon as its headers are in.

:func:`probe_links` asks about many URLs with at most ``jobs`` requests at once and at
most ``per_host`` to one host; a host that answers 429 or 503 with ``Retry-After`` is
left alone for that long. A total deadline bounds the run: URLs not started by then
are returned as ``None`` (not checked). What the answers mean is decided elsewhere
(:mod:`resource_catalog.links.verdicts`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Final
from urllib.parse import urljoin, urlsplit

import requests
from urllib3.exceptions import HTTPError

from resource_catalog.links.verdicts import Hop, Probe
from resource_catalog.pages.fetch import MAX_REDIRECTS, _request_error, make_session
from resource_catalog.pages.fetching.deadline import ACTIVE, Watchdog

__all__ = ["LINK_TIMEOUT", "host_of", "link_session", "probe_link", "probe_links"]

#: The default bound over one link's check (connect, redirects, retries), in seconds.
LINK_TIMEOUT: Final = 20.0
REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
#: Failures a GET cannot mend: asking again would only double the wait.
_FINAL_ERRORS: Final = ("DNS lookup failed", "connection refused", "timed out", "took longer")
_MAX_PAUSE: Final = 60.0


def link_session() -> requests.Session:
    """The fetch module's session, with fewer and shorter retries: a link check asks about
    many URLs, and a host that is down stays down for this run."""
    return make_session(retries=2, backoff=0.5, max_retry_after=10.0, max_backoff=4.0)


def host_of(url: str) -> str:
    """The host a connection goes to (``name:port``), the unit of the per-host limit."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{(parts.hostname or '').lower()}:{port or ''}"


def probe_link(
    url: str,
    *,
    session: requests.Session,
    timeout: float = LINK_TIMEOUT,
) -> Probe:
    """Ask the server about one http(s) ``url``: ``HEAD``, then ``GET`` if HEAD is refused.

    ``timeout`` bounds the whole check (both requests, redirects, retries and their
    waits). Never raises for what a server does; raises :class:`ValueError` for a URL
    that is not http(s) or a ``timeout`` that is not a positive number.
    """
    if not 0 < timeout < float("inf"):
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise ValueError(f"{url!r} is not an http(s) URL")
    watchdog = Watchdog(timeout)
    token = ACTIVE.set(watchdog)
    try:
        probe = _follow(url, "HEAD", session, watchdog)
        if _refused(probe) and not watchdog.expired:
            probe = _follow(url, "GET", session, watchdog)
        return probe
    finally:
        watchdog.stop()
        ACTIVE.reset(token)


def _refused(probe: Probe) -> bool:
    """Whether a HEAD answer is worth asking again with GET."""
    if probe.error is not None:
        return not probe.error.startswith(_FINAL_ERRORS) and "redirect" not in probe.error
    status = probe.hops[-1].status
    return status >= 400 and status != 429  # noqa: PLR2004 (error statuses but rate limiting)


def _follow(url: str, method: str, session: requests.Session, watchdog: Watchdog) -> Probe:
    """Send ``method`` and follow the redirects by hand, recording each answer."""
    hops: list[Hop] = []
    seen = {url}
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        left = watchdog.remaining()
        try:
            with session.request(
                method,
                current,
                timeout=(min(5.0, left), min(20.0, left)),
                allow_redirects=False,
                stream=True,  # a GET's body is never read: closing drops the connection
            ) as response:
                status = response.status_code
                location = response.headers.get("Location")
                wait = _retry_after(response.headers.get("Retry-After"))
        except (requests.RequestException, HTTPError, ValueError) as exc:
            return Probe(url, tuple(hops), _failure(current, exc, watchdog), method)
        hops.append(Hop(status, current))
        if status in REDIRECTS and location:
            current = urljoin(current, location.strip())
            if current in seen:
                return Probe(url, tuple(hops), f"redirect loop back to {current}", method)
            seen.add(current)
            continue
        asked = wait if status in {429, 503} else None
        return Probe(url, tuple(hops), None, method, asked)
    return Probe(url, tuple(hops), f"more than {MAX_REDIRECTS} redirects", method)


def _failure(url: str, exc: Exception, watchdog: Watchdog) -> str:
    if watchdog.expired:  # still running: a GET after a failed HEAD stays watched
        return f"took longer than {watchdog.seconds:g} s in total (server too slow)"
    if isinstance(exc, ValueError) and not isinstance(exc, requests.RequestException):
        return f"not a valid URL ({exc})"
    return _request_error(url, exc).reason


def _retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (a number or an HTTP date)."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


# --------------------------------------------------------------------------- many


class _Queue:
    """URLs grouped by host, handed out so that no host has more than ``per_host`` at once
    and a host that asked for a pause gets it; nothing is handed out past ``until``."""

    def __init__(self, urls: Iterable[str], per_host: int, until: float) -> None:
        self._pending: dict[str, deque[str]] = {}
        for url in urls:
            self._pending.setdefault(host_of(url), deque()).append(url)
        self._busy: dict[str, int] = dict.fromkeys(self._pending, 0)
        self._resume: dict[str, float] = dict.fromkeys(self._pending, 0.0)
        self._per_host = per_host
        self._until = until
        self._cond = threading.Condition()

    def take(self) -> str | None:
        """The next URL to check, waiting for a free host; ``None`` when there is none left
        or the deadline has passed."""
        with self._cond:
            while True:
                now = time.monotonic()
                if now >= self._until or not any(self._pending.values()):
                    return None
                soonest = self._until
                free: list[str] = []
                for host, waiting in self._pending.items():
                    if not waiting or self._busy[host] >= self._per_host:
                        continue
                    if self._resume[host] > now:
                        soonest = min(soonest, self._resume[host])
                    else:
                        free.append(host)
                if free:  # the least busy host first: spread the load over the hosts
                    host = min(free, key=self._busy.__getitem__)
                    self._busy[host] += 1
                    return self._pending[host].popleft()
                self._cond.wait(timeout=max(0.0, soonest - now))

    def done(self, url: str, pause: float | None) -> None:
        """``url`` is checked; its host may take the next, after ``pause`` seconds if asked."""
        host = host_of(url)
        with self._cond:
            self._busy[host] -= 1
            if pause:
                resume = time.monotonic() + min(pause, _MAX_PAUSE)
                self._resume[host] = max(self._resume[host], resume)
            self._cond.notify_all()


def probe_links(
    urls: Iterable[str],
    *,
    jobs: int = 8,
    per_host: int = 2,
    timeout: float = LINK_TIMEOUT,
    deadline: float = 900.0,
    session_factory: Callable[[], requests.Session] = link_session,
    progress: Callable[[str, Probe], None] | None = None,
) -> dict[str, Probe | None]:
    """Probe every URL (each once), ``jobs`` at a time and ``per_host`` per host.

    ``deadline`` bounds the whole run in seconds: no check starts after it, and each
    check's own ``timeout`` is cut to the time left. A URL not checked by then maps to
    ``None``. Each worker thread has its own session from ``session_factory``.
    """
    if jobs < 1 or per_host < 1:
        raise ValueError("jobs and per_host must be at least 1")
    if not 0 < deadline < float("inf"):
        raise ValueError(f"deadline must be a positive number of seconds, not {deadline!r}")
    wanted = list(dict.fromkeys(urls))
    until = time.monotonic() + deadline
    queue = _Queue(wanted, per_host, until)
    results: dict[str, Probe | None] = dict.fromkeys(wanted)
    lock = threading.Lock()

    def work() -> None:
        with session_factory() as session:
            while (url := queue.take()) is not None:
                left = until - time.monotonic()
                probe = (
                    probe_link(url, session=session, timeout=min(timeout, left))
                    if left > 0
                    else None
                )
                queue.done(url, probe.retry_after if probe is not None else None)
                if probe is None:
                    continue
                with lock:
                    results[url] = probe
                if progress is not None:
                    progress(url, probe)

    count = min(jobs, len(wanted))
    if count:
        with ThreadPoolExecutor(max_workers=count, thread_name_prefix="link-check") as pool:
            for future in [pool.submit(work) for _ in range(count)]:
                future.result()  # a worker's unexpected error is the caller's
    return results
