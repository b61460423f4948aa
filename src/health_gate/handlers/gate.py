"""Lambda entry point of the gate: every invocation ends in exactly one CodePipeline report."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import load_settings
from health_gate.errors import AlreadyReported, GateError
from health_gate.handlers import polling, wiring
from health_gate.handlers.deadline import evaluate_in_time
from health_gate.handlers.observability import logger, metrics
from health_gate.pipeline.job import PipelineJob
from health_gate.pipeline.report import Continue, Fail, JobOutcome, report_for, report_for_error
from health_gate.pipeline.wait_token import WaitState
from health_gate.pipeline.waiting import resume
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.sources import HealthSource

__all__ = ["handler"]

INTERNAL_ERROR = (
    "health-gate hit an internal error and could not judge AWS Health. "
    "Its CloudWatch logs carry the details under this job ID as correlation_id."
)
_VERDICT_METRICS = {
    Verdict.HEALTHY: ("GatePassed",),
    Verdict.BLOCKED: ("GateBlocked",),
    Verdict.UNKNOWN: ("GatePassed", "GateErrors"),
}


def _check(
    settings: GateSettings, source: HealthSource, context: LambdaContext, now: datetime
) -> Decision:
    started = time.perf_counter()
    try:
        return evaluate_in_time(source, settings, now, context.get_remaining_time_in_millis())
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000
        metrics.add_metric("HealthApiLatency", MetricUnit.Milliseconds, elapsed_ms)


def _log_wait_check(decision: Decision, step: JobOutcome | WaitState) -> None:
    extra: dict[str, Any] = {"verdict": decision.verdict.value, "blocking": len(decision.blocking)}
    if isinstance(step, WaitState):
        extra.update(first_blocked=step.first_blocked.isoformat(), attempt=step.attempt + 1)
    logger.info("gate checked while waiting", extra=extra)


def _wait(
    job: PipelineJob, settings: GateSettings, source: HealthSource, context: LambdaContext
) -> tuple[Decision, JobOutcome]:
    clock = polling.system_clock()
    waiting = resume(job.continuation_token, clock.now())
    result = polling.poll(
        lambda now: _check(settings, source, context, now),
        waiting,
        settings,
        clock,
        remaining_seconds=lambda: context.get_remaining_time_in_millis() / 1000,
        on_check=_log_wait_check,
    )
    if isinstance(result.outcome, Continue):
        logger.info(
            "gate still waiting",
            extra={
                "percent_complete": result.outcome.percent_complete,
                "token_chars": len(result.outcome.continuation_token),
                "checks": result.checks,
            },
        )
    return result.decision, result.outcome


def _decide(job: PipelineJob, context: LambdaContext) -> tuple[Decision, JobOutcome]:
    settings = load_settings(job.user_parameters, wiring.environ())
    source = wiring.health_source(settings)
    if settings.mode == "wait":
        return _wait(job, settings, source, context)
    decision = _check(settings, source, context, wiring.now())
    return decision, report_for(decision)


def _judge(job: PipelineJob, context: LambdaContext) -> JobOutcome:
    try:
        decision, outcome = _decide(job, context)
    except GateError as err:
        metrics.add_metric("GateErrors", MetricUnit.Count, 1)
        logger.warning(
            "gate could not decide", extra={"failure_type": err.failure_type, "reason": str(err)}
        )
        return report_for_error(err)
    except Exception:
        metrics.add_metric("GateErrors", MetricUnit.Count, 1)
        logger.exception("gate crashed")
        return Fail("JobFailed", INTERNAL_ERROR)
    waiting = isinstance(outcome, Continue)
    for name in ("GateWaiting",) if waiting else _VERDICT_METRICS[decision.verdict]:
        metrics.add_metric(name, MetricUnit.Count, 1)
    logger.info(
        "gate decided",
        extra={
            "verdict": decision.verdict.value,
            "blocking": [e.arn for e in decision.blocking],
            "regions": list(decision.regions),
            "considered": decision.considered,
            "warning": decision.warning,
            "source_note": decision.source_note,
            "result": type(outcome).__name__,
        },
    )
    return outcome


@metrics.log_metrics
@logger.inject_lambda_context(log_event=False, clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    try:
        job = PipelineJob.from_event(event)
    except (KeyError, TypeError):
        logger.error(
            "not a CodePipeline job event; nothing to report to", extra={"keys": sorted(event)}
        )
        return
    logger.set_correlation_id(job.id)
    outcome = _judge(job, context)
    try:
        wiring.job_reporter().report(job.id, outcome)
    except AlreadyReported as err:
        logger.warning("job already reported or timed out", extra={"reason": str(err)})
        return
    # ReportFailed propagates: Lambda retries, then the on-failure destination keeps the event.
    logger.info("job reported", extra={"result": type(outcome).__name__})
