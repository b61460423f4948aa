"""The wait loop: check, then check again every `pollIntervalSeconds` while time allows.

Shared by the Lambda handler (bounded by the invocation's remaining time, ending in a
continuation) and the CLI (no bound: it waits until released or `maxWaitMinutes`). The clock
is injected so tests drive time without sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from health_gate.config.settings import GateSettings
from health_gate.handlers.deadline import REPORT_RESERVE_SECONDS
from health_gate.pipeline.report import JobOutcome
from health_gate.pipeline.wait_token import WaitState
from health_gate.pipeline.waiting import continuation, decide_wait, seconds_left
from health_gate.verdict.decision import Decision

__all__ = ["MIN_CHECK_SECONDS", "Clock", "SystemClock", "WaitResult", "poll", "system_clock"]

# A re-check starts only with this much time for itself, on top of the report's reserve: a
# check cut short by the deadline would count as "AWS Health unavailable" and end the wait.
MIN_CHECK_SECONDS = 15.0

CheckStep = JobOutcome | WaitState


class Clock(Protocol):
    """Wall-clock time and sleeping, injectable."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def system_clock() -> Clock:
    """The clock the handler and the CLI use; tests replace this function."""
    return SystemClock()


@dataclass(frozen=True)
class WaitResult:
    """How one stretch of waiting ended: the report to send and the last check behind it."""

    outcome: JobOutcome
    decision: Decision
    checks: int


def poll(
    check: Callable[[datetime], Decision],
    waiting: WaitState | None,
    settings: GateSettings,
    clock: Clock,
    remaining_seconds: Callable[[], float] = lambda: math.inf,
    on_check: Callable[[Decision, CheckStep], None] | None = None,
) -> WaitResult:
    """Check until released, past maxWaitMinutes, or out of invocation time (a continuation).

    `check` raises the core's GateErrors (after onHealthApiError had its say); they end the
    wait like any failed check in fail mode.
    """
    checks = 0
    while True:
        now = clock.now()
        decision = check(now)
        checks += 1
        step = decide_wait(decision, waiting, settings, now)
        if on_check is not None:
            on_check(decision, step)
        if not isinstance(step, WaitState):
            return WaitResult(step, decision, checks)
        waiting = step
        pause = min(float(settings.poll_interval_seconds), seconds_left(step, settings, now))
        if remaining_seconds() - pause < REPORT_RESERVE_SECONDS + MIN_CHECK_SECONDS:
            return WaitResult(continuation(step, decision, settings, now), decision, checks)
        clock.sleep(pause)
