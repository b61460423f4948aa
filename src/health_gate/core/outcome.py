"""What the gate tells CodePipeline: one outcome per invocation, rendered within API limits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from health_gate.errors import GateError
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent

__all__ = [
    "BLOCKED_MARKER",
    "BLOCKED_PREFIX",
    "MAX_FAILURE_MESSAGE",
    "MAX_SUMMARY",
    "Continue",
    "Fail",
    "JobOutcome",
    "Succeed",
    "blocked_message",
    "clip",
    "describe_event",
    "outcome_for",
    "outcome_for_error",
]

MAX_SUMMARY = 2048  # PutJobSuccessResult executionDetails.summary
MAX_FAILURE_MESSAGE = 5000  # PutJobFailureResult failureDetails.message
BLOCKED_PREFIX = "Blocked by AWS Health"
# Set as failureDetails.externalExecutionId on a blocked failure. CodePipeline shows it in
# ListActionExecutions, where the retrier checks it: only the gate's own role can write it.
BLOCKED_MARKER = "health-gate:blocked"


@dataclass(frozen=True)
class Succeed:
    """The stage succeeds; the output variables become #{Namespace.key} for later actions."""

    summary: str
    output_variables: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Continue:
    """Still waiting: CodePipeline re-invokes the function with this token."""

    summary: str
    continuation_token: str
    percent_complete: int


@dataclass(frozen=True)
class Fail:
    """The stage fails with this CodePipeline failure type."""

    failure_type: str
    message: str
    external_execution_id: str | None = None


JobOutcome = Succeed | Continue | Fail


def clip(text: str, limit: int) -> str:
    """Cut to the API's limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_event(event: HealthEvent) -> str:
    """One line a person can act on: what, where, since when, and the ARN to look it up."""
    since = event.start_time.strftime("%Y-%m-%d %H:%M UTC") if event.start_time else "unknown time"
    return f"- {event.service} {event.event_type_code} in {event.region} since {since}: {event.arn}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def blocked_message(
    events: Sequence[HealthEvent],
    regions: Sequence[str],
    lead: str = "",
    limit: int = MAX_FAILURE_MESSAGE,
) -> str:
    """'Blocked by AWS Health…' listing every event, or as many as fit and '… and N more'."""
    header = (
        f"{BLOCKED_PREFIX}: {_count(len(events), 'open event')} in {', '.join(regions)}{lead}. "
        "Retry this stage once AWS Health shows them resolved."
    )
    lines = [header]
    used = len(header)
    for index, event in enumerate(events):
        line = describe_event(event)
        rest = len(events) - index - 1
        tail = len(f"\n… and {len(events)} more") if rest else 0
        if used + 1 + len(line) + tail > limit:
            lines.append(f"… and {len(events) - index} more")
            break
        lines.append(line)
        used += 1 + len(line)
    return clip("\n".join(lines), limit)


def _variables(decision: Decision) -> dict[str, str]:
    return {
        "status": decision.verdict.value,
        "blockingEvents": str(len(decision.blocking)),
        "regions": ",".join(decision.regions),
    }


def outcome_for(decision: Decision) -> JobOutcome:
    """Map a verdict to the single report CodePipeline gets."""
    if decision.verdict is Verdict.BLOCKED:
        message = blocked_message(decision.blocking, decision.regions)
        return Fail("JobFailed", message, BLOCKED_MARKER)
    note = f" {decision.source_note}" if decision.source_note else ""
    if decision.verdict is Verdict.UNKNOWN:
        summary = (
            f"WARNING: AWS Health could not be checked ({decision.warning}). "
            'Deployment allowed because onHealthApiError is "pass".'
        )
    else:
        summary = (
            f"Healthy: no blocking AWS Health events in {', '.join(decision.regions)} "
            f"({_count(decision.considered, 'event')} checked).{note}"
        )
    return Succeed(clip(summary, MAX_SUMMARY), _variables(decision))


def outcome_for_error(error: GateError) -> Fail:
    """A configuration, permission or availability problem, with its own failure type."""
    return Fail(error.failure_type, clip(str(error), MAX_FAILURE_MESSAGE))
