"""A real HTTP server on 127.0.0.1 for the network tests, in a background thread."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class QuietServer(http.server.ThreadingHTTPServer):
    """A server that does not print the client's hang-ups (broken pipes) to stderr."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up early is what many of these tests are about."""


@contextmanager
def serve(handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free local port; yields ``http://127.0.0.1:PORT``."""
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
