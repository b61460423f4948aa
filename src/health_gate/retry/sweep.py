"""The retrier's second job: plan which records are clear, and retry their stages.

Safety rests on four rules: a record is made only from what ListActionExecutions shows; a
retry needs a claim (a conditional lease) on the record; just before retrying, the stage is
checked again, so a stage that has since failed for another reason is never retried; and a
handled record becomes a tombstone, never deleted, so nothing brings it back.

Honest outcomes: the intent to retry is noted on the record before RetryStageExecution, so if
the function dies after the call, the next sweep sees the stage running again and says
"resumed"; a record whose lifetime ends without a retry says "expired: retry by hand" once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta

from health_gate.config import GateSettings
from health_gate.errors import GateError, PipelineMissing
from health_gate.retry.action_attempts import ActionAttempt
from health_gate.retry.blocked import (
    BlockedExecution,
    Claim,
    NotBlocked,
    find_blocked,
    latest_attempts,
)
from health_gate.retry.notices import expired_notice, resumed_notice, stale_notice
from health_gate.retry.outcomes import RetryKind, RetryResult
from health_gate.retry.plan import configurations, plan_retries
from health_gate.retry.ports import Retrier, notify
from health_gate.retry.steps import Step, StepKind, step_for
from health_gate.verdict.decision import Decision

__all__ = ["SWEEP_SPACING", "sweep", "sweep_due"]

# CodePipeline's clock and ours may differ a little: a gate run that started this long before
# the retrier noted its retry still counts as the retry's.
CLOCK_SKEW = timedelta(minutes=5)
# A sweep asked for by a message (an AWS Health event, or anything published to the topic)
# runs at most this often: whoever can publish to GateEventsTopic can ask for sweeps, and each
# costs one AWS Health query per configuration. The schedule's own sweeps always run.
SWEEP_SPACING = timedelta(minutes=1)


def sweep_due(retrier: Retrier, now: datetime, scheduled: bool) -> bool:
    """Whether to sweep now: always on the schedule, else at most once per SWEEP_SPACING."""
    return scheduled or retrier.registry.claim_sweep(now, SWEEP_SPACING)


def sweep(
    retrier: Retrier, decide: Callable[[GateSettings], Decision], now: datetime
) -> Iterator[Step]:
    """Decide again for every record, one health check per configuration; retry the clear ones.

    A generator, so each step can be logged as it happens, even if a later one crashes.
    """
    live: list[BlockedExecution] = []
    for record in retrier.registry.blocked(now):
        if record.lifetime_ends is None or record.lifetime_ends > now:
            live.append(record)
        else:
            yield from _expire(retrier, record, now)
    found = configurations(live, retrier.load)
    answers: dict[tuple[object, ...], Decision | GateError] = {}
    for key, settings in found.settings.items():
        try:
            answers[key] = decide(settings)
        except GateError as err:
            answers[key] = err
    plan = plan_retries(live, found, answers)
    for record, reason in plan.keep:
        yield step_for(StepKind.KEPT, record, reason)
    for record in plan.retry:
        yield from _retry(retrier, record, now)


def _expire(retrier: Retrier, record: BlockedExecution, now: datetime) -> list[Step]:
    claim = retrier.registry.claim(record, now)
    if claim is None:
        return [step_for(StepKind.CLAIMED_ELSEWHERE, record)]
    try:
        closed = retrier.registry.close(claim, StepKind.EXPIRED.value)
    except GateError as err:
        return [step_for(StepKind.ERROR, record, f"expired record not closed: {err}")]
    if not closed:
        return [step_for(StepKind.RECORD_REPLACED, record)]
    notice = expired_notice(record, retrier.region)
    return [step_for(StepKind.EXPIRED, record), *notify(retrier, notice, record)]


def _resumed_since(attempts: Sequence[ActionAttempt], record: BlockedExecution) -> bool:
    """A run of the gate in the stage, other than the blocked ones, started after the
    retrier noted its retry: the stage was retried (by that call, or by hand meanwhile)."""
    if record.retry_requested_at is None:
        return False
    since = record.retry_requested_at - CLOCK_SKEW
    return any(
        a.stage == record.stage
        and a.attempt_id not in record.attempt_ids
        and a.started is not None
        and a.started >= since
        for a in latest_attempts(attempts)
    )


def _recheck(retrier: Retrier, record: BlockedExecution, now: datetime) -> RetryResult | None:
    """None when the stage is still blocked as recorded, else what became of it."""
    try:
        attempts = retrier.pipelines.action_attempts(record.pipeline, record.execution_id)
    except PipelineMissing as err:
        return RetryResult(RetryKind.STALE, "PipelineMissing", str(err))
    found = find_blocked(
        attempts, record.pipeline, record.execution_id, record.stage, retrier.gate, now
    )
    if isinstance(found, NotBlocked):
        if _resumed_since(attempts, record):
            return RetryResult(RetryKind.RETRIED, "AlreadyResumed", "the stage runs again")
        reason = f"the stage changed since it was blocked ({found.code}: {found.detail})"
        return RetryResult(RetryKind.STALE, "StageChanged", reason)
    if found.user_parameters != record.user_parameters:
        reason = "the gate's configuration changed since it was blocked"
        return RetryResult(RetryKind.STALE, "StageChanged", reason)
    return None


def _retry(retrier: Retrier, record: BlockedExecution, now: datetime) -> list[Step]:
    claim = retrier.registry.claim(record, now)
    if claim is None:
        return [step_for(StepKind.CLAIMED_ELSEWHERE, record)]
    try:
        result = _recheck(retrier, record, now)
        if result is None:
            if not retrier.registry.mark_retry(claim, now):
                return [step_for(StepKind.RECORD_REPLACED, record)]
            result = retrier.pipelines.retry_stage(
                record.pipeline, record.stage, record.execution_id
            )
    except GateError as err:
        retrier.registry.release(claim)
        return [step_for(StepKind.ERROR, record, str(err))]
    return _settle(retrier, claim, result)


def _settle(retrier: Retrier, claim: Claim, result: RetryResult) -> list[Step]:
    record = claim.record
    if result.kind is RetryKind.BUSY:
        retrier.registry.release(claim)
        return [step_for(StepKind.BUSY, record, f"{result.code}: {result.message}")]
    kind = StepKind.RETRIED if result.kind is RetryKind.RETRIED else StepKind.STALE
    reason = "" if kind is StepKind.RETRIED else f"{result.code}: {result.message}"
    steps = [step_for(kind, record, reason)]
    try:
        if not retrier.registry.close(claim, kind.value):
            steps.append(step_for(StepKind.RECORD_REPLACED, record))
    except GateError as err:  # the lease expires; the next sweep finds the stage changed
        steps.append(step_for(StepKind.ERROR, record, f"record not closed: {err}"))
    if kind is StepKind.RETRIED:
        return steps + notify(retrier, resumed_notice(record, retrier.region), record)
    return steps + notify(retrier, stale_notice(record, retrier.region, reason), record)
