"""`health-gate check --wait`: hold a CI job until AWS Health clears, printing each check.

The same wait rules as the Lambda gate (`pipeline.waiting`) and the same loop (`runtime.polling`),
without an invocation deadline: a terminal job simply waits up to `maxWaitMinutes`.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TextIO

from health_gate.cli.output import progress_document
from health_gate.config import GateSettings
from health_gate.pipeline.block_message import counted
from health_gate.pipeline.report import Succeed
from health_gate.pipeline.wait_token import WaitState
from health_gate.pipeline.waiting import WAITED_SECONDS, elapsed_seconds, seconds_left
from health_gate.runtime import clock as runtime_clock
from health_gate.runtime import polling
from health_gate.verdict.decision import Decision, decide
from health_gate.verdict.sources import HealthSource

__all__ = ["duration", "watch"]


def duration(seconds: float) -> str:
    """ "4 min 05 s", "45 s": exact to the second."""
    whole = int(seconds)
    return f"{whole // 60} min {whole % 60:02d} s" if whole >= 60 else f"{whole} s"


def _stamp(when: datetime | None) -> str:
    return f"{when:%H:%M:%S} UTC" if when else "--:--:--"


def _progress(
    decision: Decision, step: WaitState, settings: GateSettings, out: TextIO, as_json: bool
) -> None:
    now = decision.checked_at or step.first_blocked
    waited = elapsed_seconds(step, now)
    pause = min(settings.poll_interval_seconds, seconds_left(step, settings, now))
    if as_json:
        document = progress_document(decision, waited, settings.max_wait_minutes, pause)
        print(json.dumps(document), file=out, flush=True)
        return
    print(
        f"[{_stamp(decision.checked_at)}] waiting: "
        f"{counted(len(decision.blocking), 'blocking AWS Health event')} in "
        f"{', '.join(decision.event_regions)}; {duration(waited)} of "
        f"{settings.max_wait_minutes} min waited; next check in {pause:.0f} s",
        file=out,
        flush=True,
    )


def watch(
    source: HealthSource, settings: GateSettings, progress: TextIO, as_json: bool = False
) -> tuple[Decision, int]:
    """The final decision and the seconds waited: healthy (or unknown) or still blocked."""
    clock = runtime_clock.system_clock()
    last: list[WaitState] = []

    def on_decision(decision: Decision, step: object) -> None:
        if isinstance(step, WaitState):
            _progress(decision, step, settings, progress, as_json)
            last[:] = [step]

    result = polling.poll(
        lambda now: decide(source, settings, now), None, settings, clock, on_decision=on_decision
    )
    if isinstance(result.outcome, Succeed):
        waited = int(result.outcome.output_variables.get(WAITED_SECONDS, "0"))
    else:
        waited = int(elapsed_seconds(last[0] if last else None, clock.now()))
    return result.decision, waited
