"""A local Slack incoming webhook: records posts and answers from a script (e.g. 500, then 200)."""

from __future__ import annotations

import json
import threading
from typing import Any

from tests.fakes.aws_fake_http import JsonServer
from tests.fakes.loopback import LoopbackServer

__all__ = ["SlackWebhookFake"]


class SlackWebhookFake(LoopbackServer):
    """Answers 200 "ok" unless `statuses` says otherwise for the next posts."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._lock = threading.Lock()
        base = self._serve(JsonServer(self._respond), name="slack-fake", daemon=True)
        self.url = f"{base}/services/T000/B000/XXXX"

    def _respond(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self._lock:
            self.posts.append(json.loads(body))
            status = self.statuses.pop(0) if self.statuses else 200
        return status, b"ok" if status == 200 else b"internal_error"
