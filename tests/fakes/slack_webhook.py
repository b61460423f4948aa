"""A local Slack incoming webhook: records posts and answers from a script (e.g. 500, then 200)."""

from __future__ import annotations

import json
import threading
from types import TracebackType
from typing import Any

from tests.fakes.aws_fake_http import JsonServer

__all__ = ["SlackWebhookFake"]


class SlackWebhookFake:
    """Answers 200 "ok" unless `statuses` says otherwise for the next posts."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()
        self._server = JsonServer(self._respond)
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}/services/T000/B000/XXXX"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def _respond(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            self.posts.append(json.loads(body))
            status = self.statuses.pop(0) if self.statuses else 200
        return status, b"ok" if status == 200 else b"internal_error"

    def close(self) -> None:
        self._server.shutdown()
        self._server.abort_connections()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> SlackWebhookFake:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
