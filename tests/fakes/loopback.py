"""The life cycle the loopback HTTP fakes share: serve on a thread from start until `close()`."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Self

from tests.fakes.aws_fake_http import JsonServer

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """Base of a fake served on 127.0.0.1: `_serve()` starts it, `close()` (or `with`) stops it."""

    def _serve(self, server: ThreadingHTTPServer, *, name: str, daemon: bool = False) -> str:
        """Serve `server` on a new thread; returns its base URL, `http://127.0.0.1:<port>`."""
        self._loopback_server = server
        self._loopback_closed = False
        self._loopback_thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.02}, name=name, daemon=daemon
        )
        self._loopback_thread.start()
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        """Stop serving, end open keep-alive connections, and join every thread. Idempotent."""
        if self._loopback_closed:
            return
        self._loopback_closed = True
        self._loopback_server.shutdown()
        if isinstance(self._loopback_server, JsonServer):
            self._loopback_server.abort_connections()
        self._loopback_server.server_close()
        self._loopback_thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
