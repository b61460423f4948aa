"""The retrier's two jobs over the ports: record a verified block, and sweep the records.

Both return `Step` values instead of logging, so the handler logs them and tests read them.
Safety rests on three rules: a record is made only from what ListActionExecutions shows;
a retry needs a claim (a conditional lease) on the record; and just before retrying, the
stage is checked again, so a stage that has since failed for another reason is never retried.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from health_gate.config.settings import GateSettings
from health_gate.core.action_attempts import GateFunction
from health_gate.core.blocked import BlockedExecution, Claim, NotBlocked, find_blocked
from health_gate.core.notification import Notification, blocked_notice, resumed_notice, stale_notice
from health_gate.core.pipeline_messages import StageFailed
from health_gate.core.ports import BlockRegistry, Notifier, PipelineControl
from health_gate.core.retry_plan import configurations, plan_retries
from health_gate.core.stage_retry import Registration, RetryKind, RetryResult
from health_gate.errors import GateError, NotificationFailed, PermissionDenied, PipelineMissing
from health_gate.verdict.decision import Decision

__all__ = ["Retrier", "Step", "register_failure", "sweep"]


@dataclass(frozen=True)
class Step:
    """One thing the retrier did or decided; `action` is from a fixed vocabulary."""

    action: str
    pipeline: str = ""
    stage: str = ""
    execution_id: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Retrier:
    """What both jobs need: the ports, and facts for the notifications."""

    gate: GateFunction
    pipelines: PipelineControl
    registry: BlockRegistry
    notifier: Notifier
    region: str
    sweep_minutes: int


def _step(action: str, record: BlockedExecution, reason: str = "") -> Step:
    return Step(action, record.pipeline, record.stage, record.execution_id, reason)


def _notify(retrier: Retrier, notice: Notification, record: BlockedExecution) -> list[Step]:
    try:
        retrier.notifier.notify(notice)
    except NotificationFailed as err:
        return [_step("notify-failed", record, f"{notice.event_type}: {err}")]
    return [_step("notified", record, notice.event_type)]


def register_failure(retrier: Retrier, failure: StageFailed, now: datetime) -> list[Step]:
    """Record the execution if, and only if, the gate's latest run blocked its stage."""
    where = Step("", failure.pipeline, failure.stage or "", failure.execution_id)
    try:
        attempts = retrier.pipelines.action_attempts(failure.pipeline, failure.execution_id)
    except PipelineMissing as err:
        return [Step("pipeline-missing", where.pipeline, where.stage, where.execution_id, str(err))]
    except PermissionDenied as err:  # RetryablePipelines leaves this pipeline out: not ours
        return [Step("not-permitted", where.pipeline, where.stage, where.execution_id, str(err))]
    found = find_blocked(
        attempts, failure.pipeline, failure.execution_id, failure.stage, retrier.gate, now
    )
    if isinstance(found, NotBlocked):
        reason = f"{found.code}: {found.detail}"
        return [Step("not-blocked", where.pipeline, where.stage, where.execution_id, reason)]
    outcome = retrier.registry.register(found)
    steps = [_step(outcome.value, found)]
    if outcome in (Registration.NEW, Registration.REPLACED):
        notice = blocked_notice(found, retrier.region, retrier.sweep_minutes)
        steps += _notify(retrier, notice, found)
    return steps


def sweep(
    retrier: Retrier,
    load: Callable[[str], GateSettings],
    judge: Callable[[GateSettings], Decision],
    now: datetime,
) -> Iterator[Step]:
    """Re-judge every record, one health check per configuration, and retry the clear ones.

    A generator, so each step can be logged as it happens, even if a later one crashes.
    """
    records = retrier.registry.blocked(now)
    found = configurations(records, load)
    answers: dict[tuple[object, ...], Decision | GateError] = {}
    for key, settings in found.settings.items():
        try:
            answers[key] = judge(settings)
        except GateError as err:
            answers[key] = err
    plan = plan_retries(records, found, answers)
    for record, reason in plan.keep:
        yield _step("kept", record, reason)
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
        return [_step("claimed-elsewhere", record)]
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
        return [_step("error", record, str(err))]
    return _settle(retrier, claim, result)


def _settle(retrier: Retrier, claim: Claim, result: RetryResult) -> list[Step]:
    record = claim.record
    if result.kind is RetryKind.BUSY:
        retrier.registry.release(claim)
        return [_step("busy", record, f"{result.code}: {result.message}")]
    steps: list[Step] = []
    try:
        if not retrier.registry.remove(claim):
            steps.append(_step("record-replaced", record))
    except GateError as err:  # the lease expires; the next sweep finds the stage changed
        steps.append(_step("error", record, f"record not deleted: {err}"))
    if result.kind is RetryKind.RETRIED:
        steps.insert(0, _step("retried", record))
        return steps + _notify(retrier, resumed_notice(record, retrier.region), record)
    reason = f"{result.code}: {result.message}"
    steps.insert(0, _step("stale", record, reason))
    return steps + _notify(retrier, stale_notice(record, retrier.region, reason), record)
