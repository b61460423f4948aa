"""Time, injectable: the wall clock for verdicts and tokens, a monotonic clock for deadlines,
and sleeping. Tests replace `system_clock` so no test waits or reads the real time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol

__all__ = ["Clock", "SystemClock", "system_clock"]


class Clock(Protocol):
    """Wall-clock time, monotonic seconds and sleeping."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def system_clock() -> Clock:
    """The clock the handlers and the CLI use; tests replace this function."""
    return SystemClock()
