"""The retrier's second job: plan which records are clear, and retry their stages.

Safety rests on three rules: a record is made only from what ListActionExecutions shows;
a retry needs a claim (a conditional lease) on the record; and just before retrying, the
stage is checked again, so a stage that has since failed for another reason is never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from health_gate.config.settings import GateSettings
from health_gate.errors import GateError, PipelineMissing
from health_gate.retry.blocked import BlockedExecution, Claim, NotBlocked, find_blocked
from health_gate.retry.notices import resumed_notice, stale_notice
from health_gate.retry.outcomes import RetryKind, RetryResult
from health_gate.retry.plan import configurations, plan_retries
from health_gate.retry.ports import Retrier, notify
from health_gate.retry.steps import Step, StepKind, step_for
from health_gate.verdict.decision import Decision

__all__ = ["sweep"]


def sweep(
    retrier: Retrier,
    load: Callable[[str], GateSettings],
    decide: Callable[[GateSettings], Decision],
    now: datetime,
) -> Iterator[Step]:
    """Decide again for every record, one health check per configuration; retry the clear ones.

    A generator, so each step can be logged as it happens, even if a later one crashes.
    """
    records = retrier.registry.blocked(now)
    found = configurations(records, load)
    answers: dict[tuple[object, ...], Decision | GateError] = {}
    for key, settings in found.settings.items():
        try:
            answers[key] = decide(settings)
        except GateError as err:
            answers[key] = err
    plan = plan_retries(records, found, answers)
    for record, reason in plan.keep:
        yield step_for(StepKind.KEPT, record, reason)
    for record in plan.retry:
        yield from _retry(retrier, record, now)


def _recheck(retrier: Retrier, record: BlockedExecution, now: datetime) -> str | None:
    """None when the stage is still blocked as recorded, else why it must not be retried."""
    try:
        attempts = retrier.pipelines.action_attempts(record.pipeline, record.execution_id)
    except PipelineMissing as err:
        return str(err)
    found = find_blocked(
        attempts, record.pipeline, record.execution_id, record.stage, retrier.gate, now
    )
    if isinstance(found, NotBlocked):
        return f"the stage changed since it was blocked ({found.code}: {found.detail})"
    if found.user_parameters != record.user_parameters:
        return "the gate's configuration changed since it was blocked"
    return None


def _retry(retrier: Retrier, record: BlockedExecution, now: datetime) -> list[Step]:
    claim = retrier.registry.claim(record, now)
    if claim is None:
        return [step_for(StepKind.CLAIMED_ELSEWHERE, record)]
    try:
        changed = _recheck(retrier, record, now)
        if changed is None:
            result = retrier.pipelines.retry_stage(
                record.pipeline, record.stage, record.execution_id
            )
        else:
            result = RetryResult(RetryKind.STALE, "StageChanged", changed)
    except GateError as err:
        retrier.registry.release(claim)
        return [step_for(StepKind.ERROR, record, str(err))]
    return _settle(retrier, claim, result)


def _settle(retrier: Retrier, claim: Claim, result: RetryResult) -> list[Step]:
    record = claim.record
    if result.kind is RetryKind.BUSY:
        retrier.registry.release(claim)
        return [step_for(StepKind.BUSY, record, f"{result.code}: {result.message}")]
    steps: list[Step] = []
    try:
        if not retrier.registry.remove(claim):
            steps.append(step_for(StepKind.RECORD_REPLACED, record))
    except GateError as err:  # the lease expires; the next sweep finds the stage changed
        steps.append(step_for(StepKind.ERROR, record, f"record not deleted: {err}"))
    if result.kind is RetryKind.RETRIED:
        steps.insert(0, step_for(StepKind.RETRIED, record))
        return steps + notify(retrier, resumed_notice(record, retrier.region), record)
    reason = f"{result.code}: {result.message}"
    steps.insert(0, step_for(StepKind.STALE, record, reason))
    return steps + notify(retrier, stale_notice(record, retrier.region, reason), record)
