"""The retrier's first job: record a stage failure if, and only if, the gate blocked it.

A stage-failed message is a hint; the record is made from what ListActionExecutions shows, and
only for a gate run younger than the record lifetime (an older one may have been handled, and
its tombstone forgotten). The registry refuses a run it has seen, open or closed, so a replayed
message is never recorded twice, nor retried twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from fnmatch import fnmatchcase

from health_gate.errors import GateError, PermissionDenied, PipelineMissing
from health_gate.retry.blocked import BlockedExecution, NotBlocked, find_blocked
from health_gate.retry.messages import StageFailed
from health_gate.retry.notices import blocked_notice
from health_gate.retry.outcomes import Registration
from health_gate.retry.ports import Retrier, notify
from health_gate.retry.steps import Step, StepKind, step_for

__all__ = ["is_retryable", "register"]


def is_retryable(retrier: Retrier, pipeline: str) -> bool:
    """RetryablePipelines: names and patterns with `*`, as the IAM policy matches them."""
    return any(fnmatchcase(pipeline, pattern) for pattern in retrier.retryable)


def _auto_retry(retrier: Retrier, record: BlockedExecution) -> bool:
    """False when any gate action of the stage opted out. An unreadable configuration keeps
    auto-retry on: the sweep then keeps the record and says why, rather than forget it."""
    for text in record.user_parameters:
        try:
            if not retrier.load(text).auto_retry:
                return False
        except GateError:
            continue
    return True


def register(retrier: Retrier, failure: StageFailed, now: datetime) -> list[Step]:
    """Record the execution if, and only if, the gate's latest run blocked its stage."""

    def about(kind: StepKind, reason: str) -> list[Step]:
        return [Step(kind, failure.pipeline, failure.stage or "", failure.execution_id, reason)]

    if not is_retryable(retrier, failure.pipeline):
        return about(StepKind.NOT_PERMITTED, "not matched by RetryablePipelines")
    try:
        attempts = retrier.pipelines.action_attempts(failure.pipeline, failure.execution_id)
    except PipelineMissing as err:
        return about(StepKind.PIPELINE_MISSING, str(err))
    except PermissionDenied as err:  # the role's policy leaves this pipeline out: not ours
        return about(StepKind.NOT_PERMITTED, str(err))
    found = find_blocked(
        attempts, failure.pipeline, failure.execution_id, failure.stage, retrier.gate, now
    )
    if isinstance(found, NotBlocked):
        return about(StepKind.NOT_BLOCKED, f"{found.code}: {found.detail}")
    if now - found.started >= retrier.lifetime:
        return about(StepKind.TOO_OLD, f"the gate run started {found.started:%Y-%m-%d %H:%M}")
    record = replace(
        found,
        lifetime_ends=found.started + retrier.lifetime,
        auto_retry=_auto_retry(retrier, found),
    )
    outcome = retrier.registry.register(record)
    steps = [step_for(StepKind(outcome.value), record)]
    if outcome in (Registration.NEW, Registration.REPLACED):
        notice = blocked_notice(record, retrier.region, retrier.sweep_minutes)
        steps += notify(retrier, notice, record)
    return steps
