"""A `HealthSource` over recorded DescribeEvents responses, for offline checks and demos.

The file is read again on every query, so `health-gate check --wait --events-file` sees a
recorded incident end when the file changes. It is decoded from its bytes: UTF-8 with or
without a byte-order mark, UTF-16 (PowerShell's default for `>`) and UTF-32.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from health_gate.errors import ConfigurationError
from health_gate.pipeline.limits import clip
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery

__all__ = ["RecordedHealthSource"]

_SHAPE = 'a recorded DescribeEvents response: {"events": [...]} or a list of such pages'


class RecordedHealthSource:
    """Reads a response object (`{"events": [...]}`) or a list of pages of them.

    The query is ignored: the decision core applies every filter itself.
    """

    source_note: str | None = None

    def __init__(self, path: Path) -> None:
        self._path = path

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        return [self._event(raw, where) for raw, where in self._raw_events(self._load())]

    def _load(self) -> Any:
        try:
            body = self._path.read_bytes()
        except OSError as err:
            raise ConfigurationError(
                f"Cannot read events file {self._path}: {err.strerror or err}."
            ) from err
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as err:
            raise self._wrong(f"it is not JSON ({_reason(err)})") from err

    def _raw_events(self, data: Any) -> list[tuple[Any, str]]:
        pages = data if isinstance(data, list) else [data]
        found = []
        for number, page in enumerate(pages, 1):
            where = f"page {number}" if isinstance(data, list) else "the response"
            if not isinstance(page, dict) or not isinstance(page.get("events"), list):
                raise self._wrong(f'{where} has no "events" list')
            found += [(raw, f"event {n} of {where}") for n, raw in enumerate(page["events"], 1)]
        return found

    def _event(self, raw: Any, where: str) -> HealthEvent:
        if not isinstance(raw, dict):
            raise self._wrong(f"{where} is not a JSON object")
        try:
            return HealthEvent.from_api(raw)
        except (ValueError, TypeError, OverflowError) as err:
            raise self._wrong(f"{where} has a field it cannot read ({_reason(err)})") from err

    def _wrong(self, what: str) -> ConfigurationError:
        return ConfigurationError(f"Events file {self._path} is not {_SHAPE}: {what}.")


def _reason(err: Exception) -> str:
    return clip(str(err), 160)
