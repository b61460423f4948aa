"""The wait loop: check, then check again every `pollIntervalSeconds` while time allows.

Shared by the Lambda handler (bounded by the invocation's remaining time, ending in a
continuation) and the CLI (no bound: it waits until released or `maxWaitMinutes`). The clock
is injected so tests drive time without sleeping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from health_gate.config.settings import GateSettings
from health_gate.pipeline.report import JobOutcome
from health_gate.pipeline.wait_token import WaitState
from health_gate.pipeline.waiting import continuation, decide_wait, seconds_left
from health_gate.runtime.clock import Clock
from health_gate.runtime.deadline import REPORT_RESERVE_SECONDS
from health_gate.verdict.decision import Decision

__all__ = ["MIN_CHECK_SECONDS", "WaitResult", "poll"]

# A re-check starts only with this much time for itself, on top of the report's reserve: a
# check cut short by the deadline would count as "AWS Health unavailable" and end the wait.
MIN_CHECK_SECONDS = 15.0

WaitStep = JobOutcome | WaitState


@dataclass(frozen=True)
class WaitResult:
    """How one stretch of waiting ended: the report to send and the last decision behind it."""

    outcome: JobOutcome
    decision: Decision
    decisions: int


def poll(
    decide: Callable[[datetime], Decision],
    waiting: WaitState | None,
    settings: GateSettings,
    clock: Clock,
    remaining_seconds: Callable[[], float] = lambda: math.inf,
    on_decision: Callable[[Decision, WaitStep], None] | None = None,
) -> WaitResult:
    """Decide until released, past maxWaitMinutes, or out of invocation time (a continuation).

    `decide` raises GateErrors (after onHealthApiError had its say); they end the
    wait like any failed decision in fail mode.
    """
    decisions = 0
    while True:
        now = clock.now()
        decision = decide(now)
        decisions += 1
        step = decide_wait(decision, waiting, settings, now)
        if on_decision is not None:
            on_decision(decision, step)
        if not isinstance(step, WaitState):
            return WaitResult(step, decision, decisions)
        waiting = step
        pause = min(float(settings.poll_interval_seconds), seconds_left(step, settings, now))
        if remaining_seconds() - pause < REPORT_RESERVE_SECONDS + MIN_CHECK_SECONDS:
            return WaitResult(continuation(step, decision, settings, now), decision, decisions)
        clock.sleep(pause)
