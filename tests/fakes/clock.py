"""A clock that tests move by hand, and a Lambda context that counts down on it.

`FakeClock` implements `health_gate.runtime.clock.Clock`: `sleep` advances time at once, so
a 60-minute wait runs in milliseconds. Callbacks scheduled at a clock offset (e.g. "the AWS
Health event closes after 90 s") fire when the clock passes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tests.fakes.lambda_context import FakeLambdaContext

__all__ = ["FakeClock", "FakeClockContext", "START"]

START = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """Time starts at `start` and moves only through `sleep` and `advance`."""

    start: datetime = START
    offset: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    _due: list[tuple[float, Callable[[], None]]] = field(default_factory=list)

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.offset)

    def monotonic(self) -> float:
        return self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        due = [item for item in self._due if item[0] <= self.offset]
        self._due = [item for item in self._due if item[0] > self.offset]
        for _, action in sorted(due, key=lambda item: item[0]):
            action()

    def at(self, offset: float, action: Callable[[], None]) -> None:
        """Run `action` once the clock reaches `offset` seconds after `start`."""
        self._due.append((offset, action))


class FakeClockContext(FakeLambdaContext):
    """A Lambda context whose remaining time runs down with the fake clock and real time."""

    def __init__(self, clock: FakeClock, timeout_ms: int = 300_000) -> None:
        super().__init__(
            timeout_ms=timeout_ms,
            aws_request_id="8f2a3c1e-0000-4000-8000-000000000002",
            log_stream_name="2026/05/01/[$LATEST]0000",
        )
        self.clock = clock
        self._clock_start = clock.offset

    def elapsed_seconds(self) -> float:
        return super().elapsed_seconds() + self.clock.offset - self._clock_start
