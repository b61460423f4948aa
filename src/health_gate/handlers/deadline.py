"""Keep slow calls from eating the time an invocation needs to finish: the gate's report, the
retrier's sweep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from health_gate.config.settings import GateSettings
from health_gate.errors import HealthUnavailable
from health_gate.verdict.decision import Decision, decide
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import HealthSource

__all__ = [
    "REPORT_RESERVE_SECONDS",
    "BoundedHealthSource",
    "budget_seconds",
    "evaluate_in_time",
    "run_within",
]

T = TypeVar("T")

REPORT_RESERVE_SECONDS = 5.0  # kept back for PutJob*Result and its retries
CHECK_CAP_SECONDS = 60.0  # one health check never holds a pipeline longer than this


def budget_seconds(remaining_ms: int, cap: float = CHECK_CAP_SECONDS) -> float:
    """Time a health check may take: the invocation's remaining time less a reserve to report."""
    remaining = remaining_ms / 1000
    reserve = min(REPORT_RESERVE_SECONDS, remaining / 4)
    return max(0.0, min(cap, remaining - reserve))


def run_within(seconds: float, work: Callable[[], T], what: str) -> T:
    """Run `work` in a daemon thread and give up after `seconds`.

    botocore's timeouts and retries are per request; only a wall-clock bound guarantees the
    report goes out before Lambda stops the function.
    """
    results: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            results.append(work())
        except BaseException as err:  # handed to the caller's thread below
            errors.append(err)

    worker = threading.Thread(target=target, name="health-check", daemon=True)
    worker.start()
    worker.join(max(0.0, seconds))
    if worker.is_alive():
        raise HealthUnavailable(f"{what} did not answer within {seconds:.1f} s")
    if errors:
        raise errors[0]
    return results[0]


class BoundedHealthSource:
    """A HealthSource whose every query must finish by one monotonic deadline.

    Wrapping the source (rather than the whole check) lets `decide` apply onHealthApiError
    to a timeout like to any other unavailability.
    """

    def __init__(self, inner: HealthSource, seconds: float) -> None:
        self._inner = inner
        self._deadline = time.monotonic() + seconds
        self._seconds = seconds

    @property
    def source_note(self) -> str | None:
        """The wrapped source's note (e.g. the public feed's coverage), passed through."""
        return self._inner.source_note

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise HealthUnavailable(f"AWS Health did not answer within {self._seconds:.1f} s")
        return run_within(remaining, lambda: self._inner.events(query), "AWS Health")


def evaluate_in_time(
    source: HealthSource, settings: GateSettings, now: datetime, remaining_ms: int
) -> Decision:
    """`decide` inside a Lambda invocation: every query must finish within the remaining
    time less the report's reserve, or counts as AWS Health unavailable (onHealthApiError)."""
    return decide(BoundedHealthSource(source, budget_seconds(remaining_ms)), settings, now)
