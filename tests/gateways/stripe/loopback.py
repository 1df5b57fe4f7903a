"""A canned HTTP server on loopback for what no cassette can show: how many requests a client
really sends (a retry would be a second one), timeouts, and unreachable hosts."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Canned:
    status: int
    body: str = "{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    delay: float = 0.0  # seconds before answering


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Loopback:
    """Answers every request with `canned` (a list: one answer per request, in order, the
    last one repeated); `seen` lists what arrived."""

    def __init__(self, canned: Canned | list[Canned]) -> None:
        self.answers = canned if isinstance(canned, list) else [canned]
        self.seen: list[Seen] = []
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        server.daemon_threads = True
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_port}"
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> Loopback:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self):
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                loopback.seen.append(Seen(self.command, self.path, dict(self.headers),
                                          self.rfile.read(length)))
                canned = loopback.answers[min(len(loopback.seen), len(loopback.answers)) - 1]
                time.sleep(canned.delay)
                body = canned.body.encode()
                try:
                    self.send_response(canned.status)
                    for name, value in {**canned.headers,
                                        "Content-Length": str(len(body))}.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out first, as the slow-answer tests intend

            do_GET = do_POST = _answer

            def log_message(self, *args) -> None:  # keep pytest's output clean
                pass

        return Handler


def unused_port_url() -> str:
    """A loopback URL nothing listens on (connection refused)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_port
    server.server_close()
    return f"http://127.0.0.1:{port}"
