"""`health-gate check --wait`: hold a CI job until AWS Health clears, printing each check.

The same wait rules as the Lambda gate (`pipeline.waiting`) and the same loop (`runtime.polling`),
without an invocation deadline: a terminal job simply waits up to `maxWaitMinutes`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TextIO

from health_gate.config.settings import GateSettings
from health_gate.pipeline.report import Succeed
from health_gate.pipeline.wait_token import WaitState
from health_gate.pipeline.waiting import WAITED_SECONDS, elapsed_seconds, seconds_left
from health_gate.runtime import clock as runtime_clock
from health_gate.runtime import polling
from health_gate.verdict.decision import Decision, decide
from health_gate.verdict.sources import HealthSource

__all__ = ["watch"]


def _stamp(when: datetime | None) -> str:
    return f"{when:%H:%M:%S} UTC" if when else "--:--:--"


def _progress(
    decision: Decision, step: object, settings: GateSettings, out: TextIO
) -> WaitState | None:
    """Print one line per check; returns the wait state while still blocked."""
    if not isinstance(step, WaitState):
        return None
    now = decision.checked_at or step.first_blocked
    waited = int(elapsed_seconds(step, now) // 60)
    pause = min(settings.poll_interval_seconds, seconds_left(step, settings, now))
    regions = ", ".join(sorted({e.region for e in decision.blocking}))
    print(
        f"[{_stamp(decision.checked_at)}] waiting: {len(decision.blocking)} blocking AWS Health "
        f"event(s) in {regions}; {waited} of {settings.max_wait_minutes} min waited; "
        f"next check in {pause:.0f} s",
        file=out,
        flush=True,
    )
    return step


def watch(source: HealthSource, settings: GateSettings, progress: TextIO) -> tuple[Decision, int]:
    """The final decision and the seconds waited: healthy (or unknown) or still blocked."""
    clock = runtime_clock.system_clock()
    last: list[WaitState] = []

    def on_check(decision: Decision, step: object) -> None:
        state = _progress(decision, step, settings, progress)
        if state is not None:
            last[:] = [state]

    result = polling.poll(
        lambda now: decide(source, settings, now), None, settings, clock, on_decision=on_check
    )
    if isinstance(result.outcome, Succeed):
        waited = int(result.outcome.output_variables.get(WAITED_SECONDS, "0"))
    else:
        waited = int(elapsed_seconds(last[0] if last else None, clock.now()))
    return result.decision, waited
