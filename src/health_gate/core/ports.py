"""The interfaces the core needs from the outside world; adapters and test fakes implement them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from health_gate.core.models import HealthEvent
from health_gate.core.outcome import JobOutcome
from health_gate.core.query import HealthQuery

__all__ = ["HealthSource", "JobReporter"]


class HealthSource(Protocol):
    """Where events come from: the Health API (account or organization view) or the public feed."""

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        """All events matching the query, every page. Raises core GateErrors only."""
        ...


class JobReporter(Protocol):
    """Delivers the one result of a CodePipeline job."""

    def report(self, job_id: str, outcome: JobOutcome) -> None:
        """Send the outcome; raises ReportFailed when CodePipeline did not take it."""
        ...
