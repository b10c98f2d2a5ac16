"""A real HTTP server on 127.0.0.1 for the network tests, in a background thread."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

POLL = 0.02  # seconds between the serving loop's checks for shutdown


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that does not print the client's hang-ups (broken pipes) to stderr."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up early is what many of these tests are about."""


@contextmanager
def serve(
    handler: type[http.server.BaseHTTPRequestHandler], host: str = "127.0.0.1"
) -> Iterator[str]:
    """Serve ``handler`` on a free port of ``host`` (a loopback address); yields its URL.

    Other loopback addresses (``127.0.0.2``...) give the tests separate hosts.
    """
    httpd = QuietServer((host, 0), handler)
    # A short poll interval: shutdown() waits for the loop's next poll, and the
    # default half second would be paid by every test that stops a server.
    thread = threading.Thread(target=httpd.serve_forever, args=(POLL,), daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
