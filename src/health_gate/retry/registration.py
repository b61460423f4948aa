"""The retrier's first job: record a stage failure if, and only if, the gate blocked it.

A stage-failed message is a hint; the record is made from what ListActionExecutions shows.
"""

from __future__ import annotations

from datetime import datetime

from health_gate.errors import PermissionDenied, PipelineMissing
from health_gate.retry.blocked import NotBlocked, find_blocked
from health_gate.retry.messages import StageFailed
from health_gate.retry.notices import blocked_notice
from health_gate.retry.outcomes import Registration
from health_gate.retry.ports import Retrier, notify
from health_gate.retry.steps import Step, StepKind, step_for

__all__ = ["register"]


def register(retrier: Retrier, failure: StageFailed, now: datetime) -> list[Step]:
    """Record the execution if, and only if, the gate's latest run blocked its stage."""

    def about(kind: StepKind, reason: str) -> list[Step]:
        return [Step(kind, failure.pipeline, failure.stage or "", failure.execution_id, reason)]

    try:
        attempts = retrier.pipelines.action_attempts(failure.pipeline, failure.execution_id)
    except PipelineMissing as err:
        return about(StepKind.PIPELINE_MISSING, str(err))
    except PermissionDenied as err:  # RetryablePipelines leaves this pipeline out: not ours
        return about(StepKind.NOT_PERMITTED, str(err))
    found = find_blocked(
        attempts, failure.pipeline, failure.execution_id, failure.stage, retrier.gate, now
    )
    if isinstance(found, NotBlocked):
        return about(StepKind.NOT_BLOCKED, f"{found.code}: {found.detail}")
    outcome = retrier.registry.register(found)
    steps = [step_for(StepKind(outcome.value), found)]
    if outcome in (Registration.NEW, Registration.REPLACED):
        notice = blocked_notice(found, retrier.region, retrier.sweep_minutes)
        steps += notify(retrier, notice, found)
    return steps
