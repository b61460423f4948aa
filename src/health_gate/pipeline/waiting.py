"""Wait mode: hold the stage while AWS Health blocks it, up to `maxWaitMinutes`.

Pure rules over values: a check's `Decision`, the wait so far (`WaitState`, from this
invocation or from the continuation token) and `now`. The handler's polling loop decides only
*when* to check again; what each result means is decided here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from health_gate.config.settings import GateSettings
from health_gate.errors import ConfigurationError
from health_gate.pipeline.block_message import (
    BLOCKED_MARKER,
    blocked_message,
    counted,
    drill_note,
)
from health_gate.pipeline.limits import MAX_SUMMARY, clip
from health_gate.pipeline.report import Continue, Fail, JobOutcome, Succeed, report_for
from health_gate.pipeline.wait_token import WaitState, decode_token, encode_token
from health_gate.verdict.decision import Decision, Verdict

__all__ = [
    "CLOCK_SKEW",
    "WAITED_SECONDS",
    "continuation",
    "elapsed_seconds",
    "decide_wait",
    "resume",
    "seconds_left",
]

WAITED_SECONDS = "waitedSeconds"  # output variable, only on the final success
CLOCK_SKEW = timedelta(minutes=5)  # a token from a little in the future is still accepted


def resume(token: str | None, now: datetime) -> WaitState | None:
    """The wait carried over from the previous invocation, or None on the first one."""
    if token is None:
        return None
    state = decode_token(token)
    if state.first_blocked > now + CLOCK_SKEW:
        raise ConfigurationError(
            "Invalid continuation token: its first-blocked time "
            f"{state.first_blocked:%Y-%m-%d %H:%M UTC} lies in the future. "
            "Retry the stage to start a new wait."
        )
    return state


def elapsed_seconds(state: WaitState | None, now: datetime) -> float:
    """Seconds since the gate first found the stage blocked (0 when it never was)."""
    if state is None:
        return 0.0
    return max(0.0, (now - state.first_blocked).total_seconds())


def seconds_left(state: WaitState, settings: GateSettings, now: datetime) -> float:
    """Seconds until `maxWaitMinutes` runs out."""
    return max(0.0, settings.max_wait_minutes * 60 - elapsed_seconds(state, now))


def _minutes(seconds: float) -> int:
    return int(seconds // 60)


def _released(decision: Decision, waiting: WaitState | None, now: datetime) -> Succeed:
    outcome = report_for(decision)
    if not isinstance(outcome, Succeed):  # only a BLOCKED decision maps to anything else
        raise TypeError("a released wait needs a healthy or unknown decision")
    waited = int(elapsed_seconds(waiting, now))
    summary = outcome.summary
    if waited:
        took = f"{_minutes(waited)} min" if waited >= 60 else f"{waited} s"
        summary = clip(f"{summary} Waited {took} for AWS Health.", MAX_SUMMARY)
    return Succeed(summary, {**outcome.output_variables, WAITED_SECONDS: str(waited)})


def decide_wait(
    decision: Decision, waiting: WaitState | None, settings: GateSettings, now: datetime
) -> JobOutcome | WaitState:
    """A final outcome (released, or blocked past maxWaitMinutes), or the wait to go on with."""
    if decision.verdict is not Verdict.BLOCKED:
        return _released(decision, waiting, now)
    state = WaitState(
        first_blocked=waiting.first_blocked if waiting else now,
        attempt=waiting.attempt if waiting else 0,
        arns=tuple(event.arn for event in decision.blocking),
        total=len(decision.blocking),
    )
    elapsed = elapsed_seconds(state, now)
    if elapsed >= settings.max_wait_minutes * 60:
        lead = (
            f"; waited {_minutes(elapsed)} min "
            f"(maxWaitMinutes is {settings.max_wait_minutes}) and they are still open"
        )
        return Fail(
            "JobFailed", blocked_message(decision.blocking, decision.regions, lead), BLOCKED_MARKER
        )
    return state


def continuation(
    state: WaitState, decision: Decision, settings: GateSettings, now: datetime
) -> Continue:
    """The in-progress report that makes CodePipeline invoke the gate again with the token."""
    elapsed = elapsed_seconds(state, now)
    where = ", ".join(decision.event_regions) + drill_note(decision.blocking)
    summary = (
        f"Waiting for {counted(state.total, 'AWS Health event')} in {where} "
        f"({_minutes(elapsed)} min of {settings.max_wait_minutes}). "
        f"Checking every {settings.poll_interval_seconds} s; the stage fails if they are "
        f"still open after {settings.max_wait_minutes} min."
    )
    percent = min(99, int(elapsed * 100 // (settings.max_wait_minutes * 60)))
    token = encode_token(WaitState(state.first_blocked, state.attempt + 1, state.arns, state.total))
    return Continue(clip(summary, MAX_SUMMARY), token, percent)
