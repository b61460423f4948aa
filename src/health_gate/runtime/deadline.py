"""Keep slow calls from eating the time an invocation needs to finish: the gate's report, the
retrier's sweep.

botocore's timeouts and retries are per request; only a deadline over the whole check
guarantees that the report goes out before Lambda stops the function. The deadline reads an
injected clock, so tests move time instead of waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from health_gate.config import GateSettings
from health_gate.errors import HealthUnavailable
from health_gate.runtime.clock import Clock
from health_gate.verdict.decision import Decision, decide
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import HealthSource

__all__ = [
    "REPORT_RESERVE_SECONDS",
    "BoundedHealthSource",
    "Deadline",
    "budget_seconds",
    "decide_in_time",
]

T = TypeVar("T")

REPORT_RESERVE_SECONDS = 5.0  # kept back for PutJob*Result and its retries
CHECK_CAP_SECONDS = 60.0  # one health check never holds a pipeline longer than this
TICK_SECONDS = 0.05  # how often a waiting caller looks at the clock (real seconds)


def budget_seconds(remaining_ms: int, cap: float = CHECK_CAP_SECONDS) -> float:
    """Time a health check may take: the invocation's remaining time less a reserve to report."""
    remaining = remaining_ms / 1000
    reserve = min(REPORT_RESERVE_SECONDS, remaining / 4)
    return max(0.0, min(cap, remaining - reserve))


class Deadline:
    """A moment on the clock's monotonic time by which work must have answered."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock.monotonic() + seconds

    def remaining(self) -> float:
        return self._end - self._clock.monotonic()

    def run(self, work: Callable[[], T], what: str) -> T:
        """Run `work` in a daemon thread; HealthUnavailable once the deadline has passed,
        and without starting `work` when it has passed already.

        The thread is left behind when it overruns: it can do no harm (a late answer is
        dropped), and Lambda freezes it with the container.
        """
        if self.remaining() <= 0:
            raise HealthUnavailable(f"{what} did not answer within {self.seconds:.1f} s")
        results: list[T] = []
        errors: list[BaseException] = []

        def target() -> None:
            try:
                results.append(work())
            except BaseException as err:  # handed to the caller's thread below
                errors.append(err)

        worker = threading.Thread(target=target, name="health-check", daemon=True)
        worker.start()
        while worker.is_alive():
            left = self.remaining()
            if left <= 0:
                raise HealthUnavailable(f"{what} did not answer within {self.seconds:.1f} s")
            worker.join(min(left, TICK_SECONDS))
        if errors:
            raise errors[0]
        return results[0]


class BoundedHealthSource:
    """A HealthSource whose every query must answer by one deadline.

    Wrapping the source (rather than the whole check) lets `decide` apply onHealthApiError
    to a timeout like to any other unavailability.
    """

    def __init__(self, inner: HealthSource, deadline: Deadline) -> None:
        self._inner = inner
        self._deadline = deadline

    @property
    def source_note(self) -> str | None:
        return self._inner.source_note

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        return self._deadline.run(lambda: self._inner.events(query), "AWS Health")


def decide_in_time(
    source: HealthSource, settings: GateSettings, clock: Clock, remaining_ms: int
) -> Decision:
    """`decide` inside a Lambda invocation: every query must answer within the remaining time
    less the report's reserve, or counts as AWS Health unavailable (onHealthApiError)."""
    deadline = Deadline(budget_seconds(remaining_ms), clock)
    return decide(BoundedHealthSource(source, deadline), settings, clock.now())
