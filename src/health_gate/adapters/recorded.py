"""A `HealthSource` over recorded DescribeEvents responses, for offline checks and demos."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from health_gate.errors import ConfigurationError
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery

__all__ = ["RecordedHealthSource"]


class RecordedHealthSource:
    """Reads a response object (`{"events": [...]}`) or a list of pages of them.

    The query is ignored: the decision core applies every filter itself.
    """

    source_note: str | None = None

    def __init__(self, path: Path) -> None:
        self._path = path
        self._events: list[HealthEvent] | None = None

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        if self._events is None:
            self._events = self._load()
        return self._events

    def _load(self) -> list[HealthEvent]:
        try:
            data: Any = json.loads(self._path.read_text(encoding="utf-8"))
            pages = data if isinstance(data, list) else [data]
            return [HealthEvent.from_api(raw) for page in pages for raw in page["events"]]
        except OSError as err:
            raise ConfigurationError(
                f"Cannot read events file {self._path}: {err.strerror}"
            ) from err
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ConfigurationError(
                f"Events file {self._path} is not a recorded DescribeEvents response "
                f'(expected {{"events": [...]}} or a list of such pages): {err}'
            ) from err
