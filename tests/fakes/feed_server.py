"""A local stand-in for the public AWS Health Dashboard feed, over real HTTP on 127.0.0.1.

Serves recorded bodies from `tests/data/public-feed/` byte for byte (the gate must decode them
itself), can fail the next requests with an HTTP status, and records every request's headers.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.loopback import LoopbackServer

__all__ = ["FEEDS", "FeedServer", "feed_server"]

FEEDS = Path(__file__).resolve().parents[1] / "data" / "public-feed"
FEED_PATH = "/public/currentevents"


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str
    location: str | None = None
    send_length: bool = True


@dataclass
class FeedServer(LoopbackServer):
    """Answers GET /public/currentevents with the current body; `url` points there."""

    _reply: _Reply = field(default_factory=lambda: _Reply(200, b"[]", "application/json"))
    _failures: list[_Reply] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.url = self._serve(_Server(self), name="feed-fake") + FEED_PATH

    def serve(
        self,
        body: bytes,
        status: int = 200,
        content_type: str = "application/json",
        send_length: bool = True,
    ) -> None:
        """Answer with `body`; without `send_length`, no Content-Length (the body ends with
        the connection), so a reader cannot tell its size in advance."""
        with self._lock:
            self._reply = _Reply(status, body, content_type, send_length=send_length)

    def serve_file(self, name: str, content_type: str = "application/json") -> None:
        """A recorded body; the charset is left out of the header, as the live feed's misleads."""
        self.serve((FEEDS / name).read_bytes(), content_type=content_type)

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._failures.append(_Reply(status, b"<html>error</html>", "text/html"))
            self._failures.extend(self._failures[-1:] * (times - 1))

    def redirect_next(self, location: str, status: int = 302) -> None:
        """Answer the next request with a redirect to `location`."""
        with self._lock:
            self._failures.append(_Reply(status, b"", "text/plain", location=location))

    def answer(self, path: str, headers: dict[str, str]) -> _Reply:
        with self._lock:
            self.requests.append({"path": path, **headers})
            if path != FEED_PATH:
                return _Reply(404, b"not found", "text/plain")
            if self._failures:
                return self._failures.pop(0)
            return self._reply


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, feed: FeedServer) -> None:
        self.feed = feed
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing to drain on close
    server: _Server

    def do_GET(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        reply = self.server.feed.answer(self.path, headers)
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        if reply.send_length:
            self.send_header("Content-Length", str(len(reply.body)))
        if reply.location is not None:
            self.send_header("Location", reply.location)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A running feed fake; point the gate at it with HEALTH_GATE_PUBLIC_FEED_URL=feed.url."""
    with FeedServer() as server:
        yield server
