"""Bounded time for a fetch: capped retry waits and a deadline over the whole fetch.

Socket timeouts bound each read, not the fetch: a server that sends one byte just
inside the read timeout, again and again, keeps a fetch alive for days. A
:class:`Watchdog` is a timer over the whole fetch; when it fires it shuts down every
socket the fetch registered, so a read blocked in another thread returns at once
(end of stream) and the fetch can report the deadline.

Sockets are registered by the connection classes below, which
:mod:`resource_catalog.pages.fetch` mounts in its sessions: :class:`WatchedHTTPConnection`
registers its socket when it connects (so a slow TLS handshake or drip-fed headers
are cut too) and again before each response (a kept-alive connection from an earlier
fetch), and shortens a connect timeout to the time left. :class:`BoundedRetry` caps
``Retry-After`` and backoff waits, never waits past the deadline and stops retrying
once it has passed. The active watchdog is found through a
:class:`~contextvars.ContextVar`, so concurrent fetches in other threads each see
their own. This module needs urllib3 only, never :mod:`requests`.
"""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Final, Self

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import ConnectionPool, HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError
from urllib3.response import BaseHTTPResponse, HTTPResponse
from urllib3.util.retry import Retry

__all__ = [
    "ACTIVE",
    "WATCHED_POOLS",
    "BoundedRetry",
    "Watchdog",
    "WatchedHTTPConnection",
    "WatchedHTTPSConnection",
]


class Watchdog:
    """Shuts down the registered sockets once ``seconds`` have passed, unless stopped.

    Use one per fetch: create it, register sockets with :meth:`watch`, ask
    :attr:`expired` between steps, and call :meth:`stop` when done (it says whether
    the watchdog fired, i.e. whether an end of stream may have been its doing).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._stopped = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    @property
    def expired(self) -> bool:
        """True once the deadline has passed (whether or not the timer has run yet)."""
        return self._fired or time.monotonic() >= self.at

    def remaining(self) -> float:
        """Seconds left before the deadline, never negative."""
        return max(0.0, self.at - time.monotonic())

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has)."""
        if sock is None:
            return
        with self._lock:
            if self._fired:
                _shut(sock)
            elif not self._stopped:
                self._sockets.append(sock)

    def watch_response(self, raw: object) -> None:
        """Watch the socket under a urllib3 response, when it still has one."""
        sock = getattr(getattr(raw, "connection", None), "sock", None)
        if isinstance(sock, socket.socket):
            self.watch(sock)

    def stop(self) -> bool:
        """Stop the timer and forget the sockets; True if the watchdog had fired."""
        self._timer.cancel()
        with self._lock:
            self._stopped = True
            self._sockets.clear()
            return self._fired

    def _fire(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._fired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Wake any reader of ``sock`` with an end of stream; closing stays with its owner."""
    with contextlib.suppress(OSError):  # already closed, or never connected
        sock.shutdown(socket.SHUT_RDWR)


class BoundedRetry(Retry):
    """A urllib3 ``Retry`` whose ``Retry-After`` waits never exceed ``max_retry_after``.

    Newer urllib3 has ``retry_after_max``; this works with every urllib3 that
    requests supports, and the cap survives :meth:`new` (called on each retry).
    """

    def __init__(self, *args: Any, max_retry_after: float = 30.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_retry_after = max_retry_after

    def new(self, **kw: Any) -> Self:
        """Return the next retry state, keeping the cap."""
        retry = super().new(**kw)
        retry.max_retry_after = self.max_retry_after
        return retry

    def parse_retry_after(self, retry_after: str) -> float:
        """Seconds to wait for a ``Retry-After`` value, capped (and never past a deadline)."""
        return min(super().parse_retry_after(retry_after), self.max_retry_after, _time_left())

    def get_backoff_time(self) -> float:
        """The backoff wait, never past the running fetch's deadline."""
        return min(super().get_backoff_time(), _time_left())

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: ConnectionPool | None = None,
        _stacktrace: TracebackType | None = None,
    ) -> Self:
        """The next retry state; no further attempt once the fetch's deadline has passed."""
        watchdog = ACTIVE.get()
        if watchdog is not None and watchdog.expired:  # exhausted: raises, never retries
            return Retry.increment(self.new(total=0), method, url, response, error, _pool)
        return super().increment(method, url, response, error, _pool, _stacktrace)


def _time_left() -> float:
    watchdog = ACTIVE.get()
    return math.inf if watchdog is None else watchdog.remaining()


#: The watchdog of the fetch running in this thread (or context), if any.
ACTIVE: ContextVar[Watchdog | None] = ContextVar("resource_catalog_watchdog", default=None)


def _open_watched(conn: HTTPConnection, open_socket: Callable[[], socket.socket]) -> socket.socket:
    watchdog = ACTIVE.get()
    if watchdog is None:
        return open_socket()
    left = watchdog.remaining()
    if left <= 0:
        raise ConnectTimeoutError(conn, "the fetch's deadline passed before connecting")
    timeout = conn.timeout
    if not isinstance(timeout, int | float) or timeout > left:
        conn.timeout = left
    sock = open_socket()
    watchdog.watch(sock)
    return sock


def _watch_current(sock: socket.socket | None) -> None:
    watchdog = ACTIVE.get()
    if watchdog is not None:
        watchdog.watch(sock)


class WatchedHTTPConnection(HTTPConnection):
    """An HTTP connection whose socket the active :class:`Watchdog` can shut down."""

    def _new_conn(self) -> socket.socket:
        return _open_watched(self, super()._new_conn)

    def getresponse(self) -> HTTPResponse:  # type: ignore[override] # urllib3's own signature
        """Register the socket (it may come from the pool), then wait for the response."""
        _watch_current(self.sock)
        return super().getresponse()


class WatchedHTTPSConnection(WatchedHTTPConnection, HTTPSConnection):
    """The HTTPS variant; the TLS handshake runs on the watched socket."""


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


#: Pool classes for a urllib3 ``PoolManager.pool_classes_by_scheme``.
WATCHED_POOLS: Final[dict[str, type[HTTPConnectionPool]]] = {
    "http": _WatchedHTTPConnectionPool,
    "https": _WatchedHTTPSConnectionPool,
}
