"""Lambda entry point of the retrier: SNS messages from GateEventsTopic, or the schedule.

A stage-failed message registers a verified block; a Health message or the schedule sweeps
the records. A malformed message is logged and dropped; any other failure is logged, the
rest of the batch still runs, and the invocation then fails so Lambda retries it (every
write is conditional, so a retry repeats nothing) and finally keeps it in the DLQ.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_gate.config import GateSettings
from health_gate.errors import GateError, RetrierFailed
from health_gate.handlers.observability import logger, metrics
from health_gate.retry.messages import (
    HealthNews,
    Ignored,
    PipelineMessage,
    ScheduledSweep,
    StageFailed,
    messages_of,
)
from health_gate.retry.ports import Retrier
from health_gate.retry.registration import register
from health_gate.retry.steps import Step, StepKind
from health_gate.retry.sweep import sweep, sweep_due
from health_gate.runtime import clock as runtime_clock
from health_gate.runtime import retry_services, sources
from health_gate.runtime.clock import Clock
from health_gate.runtime.deadline import decide_in_time
from health_gate.verdict.decision import Decision

__all__ = ["handler"]

_STEPS = {  # kind -> (log message, log level, metric)
    StepKind.NEW: ("blocked execution registered", "info", "BlockedRegistered"),
    StepKind.REPLACED: (
        "blocked execution registered over an older one",
        "info",
        "BlockedRegistered",
    ),
    StepKind.DUPLICATE: ("blocked execution already registered", "info", None),
    StepKind.OUTDATED: ("newer execution already registered; message ignored", "info", None),
    StepKind.ENDED: ("blocked execution already handled; message ignored", "info", None),
    StepKind.TOO_OLD: ("gate run older than the record lifetime; ignored", "warning", None),
    StepKind.NOT_BLOCKED: ("stage failure is not a gate block; ignored", "info", None),
    StepKind.PIPELINE_MISSING: ("pipeline or execution not found; ignored", "warning", None),
    StepKind.NOT_PERMITTED: ("pipeline outside RetryablePipelines; ignored", "warning", None),
    StepKind.KEPT: ("blocked execution kept", "info", None),
    StepKind.CLAIMED_ELSEWHERE: ("record claimed by another invocation", "info", None),
    StepKind.RETRIED: ("stage retried", "info", "StagesRetried"),
    StepKind.STALE: ("stale record closed", "warning", "RecordsStale"),
    StepKind.EXPIRED: ("record expired without a retry; closed", "warning", "RecordsExpired"),
    StepKind.BUSY: ("stage busy; record kept for the next sweep", "info", None),
    StepKind.RECORD_REPLACED: ("record replaced during the retry", "info", None),
    StepKind.NOTIFIED: ("notification sent", "info", None),
    StepKind.NOTIFY_FAILED: ("notification failed", "warning", "NotificationFailures"),
    StepKind.ERROR: ("retry attempt failed; record kept", "error", "RetrierErrors"),
}


def _log(step: Step) -> None:
    message, level, metric = _STEPS[step.kind]
    extra = {
        "step": step.kind.value,
        "pipeline": step.pipeline,
        "stage": step.stage,
        "execution_id": step.execution_id,
        "reason": step.reason,
    }
    getattr(logger, level)(message, extra=extra)
    if metric:
        metrics.add_metric(metric, MetricUnit.Count, 1)


def _decide_within(context: LambdaContext, clock: Clock) -> Callable[[GateSettings], Decision]:
    """Each configuration's decision is bounded by the invocation's remaining time, as the
    gate's is: during an outage a slow Health API times out as unavailable (records kept)
    instead of timing the whole sweep out."""

    def decide(gate: GateSettings) -> Decision:
        source = sources.health_source(gate)
        return decide_in_time(source, gate, clock, context.get_remaining_time_in_millis())

    return decide


def _handle(retrier: Retrier, clock: Clock, message_id: str, message: PipelineMessage) -> bool:
    """True when the message asks for a sweep."""
    logger.set_correlation_id(message_id)
    if isinstance(message, StageFailed):
        logger.info(
            "stage failure received",
            extra={"pipeline": message.pipeline, "stage": message.stage, "shape": message.shape},
        )
        for step in register(retrier, message, clock.now()):
            _log(step)
        return False
    if isinstance(message, HealthNews):
        logger.info(
            "health event received; sweeping",
            extra={
                "event_arn": message.event_arn,
                "status": message.status,
                "backup": message.backup,
            },
        )
        return True
    if isinstance(message, ScheduledSweep):
        logger.info("scheduled sweep")
        return True
    if isinstance(message, Ignored):
        logger.info("message ignored", extra={"reason": message.reason})
        return False
    metrics.add_metric("MessagesDropped", MetricUnit.Count, 1)
    logger.warning("message dropped", extra={"reason": message.reason})
    return False


def _log_failure(work: str, err: Exception) -> None:
    """Called inside `except`: a GateError is explained, anything else is a bug (traceback)."""
    metrics.add_metric("RetrierErrors", MetricUnit.Count, 1)
    if isinstance(err, GateError):
        extra = {"work": work, "failure_type": err.failure_type, "reason": str(err)}
        logger.error("retrier work failed", extra=extra)
    else:
        logger.exception("retrier work crashed", extra={"work": work})


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    retrier = retry_services.retrier(lambda: context.get_remaining_time_in_millis() / 1000)
    clock = runtime_clock.system_clock()
    messages = list(messages_of(event))
    metrics.add_metric("MessagesReceived", MetricUnit.Count, len(messages))
    failed = 0
    sweep_wanted = False
    for message_id, message in messages:
        try:
            sweep_wanted = _handle(retrier, clock, message_id, message) or sweep_wanted
        except Exception as err:  # one message never stops the others
            failed += 1
            _log_failure("message", err)
    swept = False
    if sweep_wanted:
        try:
            swept = _sweep(retrier, context, clock, scheduled="Records" not in event)
        except Exception as err:  # the records stay; the schedule sweeps again
            failed += 1
            _log_failure("sweep", err)
    if failed:
        raise RetrierFailed(f"{failed} part(s) of the event failed; see the log")
    return {"messages": len(messages), "swept": int(swept)}


def _sweep(retrier: Retrier, context: LambdaContext, clock: Clock, scheduled: bool) -> bool:
    """The schedule invokes the function directly; a sweep asked for through the topic waits
    its turn (retry.sweep.SWEEP_SPACING)."""
    if not sweep_due(retrier, clock.now(), scheduled):
        logger.info("sweep skipped: the last one began less than a minute ago")
        return False
    for step in sweep(retrier, _decide_within(context, clock), clock.now()):
        _log(step)
    return True
