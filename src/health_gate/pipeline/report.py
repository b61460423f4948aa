"""What the gate reports to CodePipeline: one outcome per invocation, within the API's limits."""

from __future__ import annotations

from dataclasses import dataclass, field

from health_gate.errors import GateError
from health_gate.pipeline.block_message import BLOCKED_MARKER, blocked_message, counted
from health_gate.pipeline.limits import MAX_FAILURE_MESSAGE, MAX_SUMMARY, clip
from health_gate.verdict.decision import Decision, Verdict

__all__ = [
    "Continue",
    "Fail",
    "JobOutcome",
    "Succeed",
    "report_for",
    "report_for_error",
]


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


def _variables(decision: Decision) -> dict[str, str]:
    return {
        "status": decision.verdict.value,
        "blockingEvents": str(len(decision.blocking)),
        "regions": ",".join(decision.regions),
    }


def report_for(decision: Decision) -> JobOutcome:
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
            f"({counted(decision.considered, 'event')} checked).{note}"
        )
    return Succeed(clip(summary, MAX_SUMMARY), _variables(decision))


def report_for_error(error: GateError) -> Fail:
    """A configuration, permission or availability problem, with its own failure type."""
    return Fail(error.failure_type, clip(str(error), MAX_FAILURE_MESSAGE))
