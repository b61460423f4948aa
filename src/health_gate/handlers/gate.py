"""Lambda entry point of the gate: every invocation ends in exactly one CodePipeline report."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from health_gate.config import GateSettings
from health_gate.config.settings import Mode
from health_gate.errors import AlreadyReported, GateError
from health_gate.handlers.observability import logger, metrics
from health_gate.pipeline.job import PipelineJob
from health_gate.pipeline.report import Continue, Fail, JobOutcome, report_for, report_for_error
from health_gate.runtime import clock as runtime_clock
from health_gate.runtime import reporting, settings, sources
from health_gate.runtime.clock import Clock
from health_gate.runtime.deadline import decide_in_time
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.drill import drill_end
from health_gate.verdict.sources import HealthSource

if TYPE_CHECKING:
    from health_gate.pipeline.wait_token import WaitState

__all__ = ["handler"]

INTERNAL_ERROR = (
    "health-gate hit an internal error and could not decide on AWS Health. "
    "Its CloudWatch logs carry the details under this job ID as correlation_id."
)
_VERDICT_METRICS = {
    Verdict.HEALTHY: ("GatePassed",),
    Verdict.BLOCKED: ("GateBlocked",),
    Verdict.UNKNOWN: ("GatePassed", "GateErrors"),
}


class _Invocation:
    """One invocation's means to decide: the settings, the source, the clock and the deadline."""

    def __init__(self, gate: GateSettings, context: LambdaContext, clock: Clock) -> None:
        self.settings = gate
        self.source: HealthSource = sources.health_source(gate)
        self.context = context
        self.clock = clock

    def decide(self) -> Decision:
        started = time.perf_counter()
        try:
            remaining_ms = self.context.get_remaining_time_in_millis()
            return decide_in_time(self.source, self.settings, self.clock, remaining_ms)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            metrics.add_metric("HealthApiLatency", MetricUnit.Milliseconds, elapsed_ms)


def _wait(job: PipelineJob, call: _Invocation) -> tuple[Decision, JobOutcome]:
    # Imported here: fail mode, the default, never loads the wait machinery.
    from health_gate.pipeline.wait_token import WaitState
    from health_gate.pipeline.waiting import resume
    from health_gate.runtime import polling

    def _log_wait_decision(decision: Decision, step: JobOutcome | WaitState) -> None:
        extra: dict[str, Any] = {
            "verdict": decision.verdict.value,
            "blocking": len(decision.blocking),
        }
        if isinstance(step, WaitState):
            extra.update(first_blocked=step.first_blocked.isoformat(), attempt=step.attempt + 1)
        logger.info("gate decided while waiting", extra=extra)

    waiting = resume(job.continuation_token, call.clock.now())
    result = polling.poll(
        lambda _now: call.decide(),
        waiting,
        call.settings,
        call.clock,
        remaining_seconds=lambda: call.context.get_remaining_time_in_millis() / 1000,
        on_decision=_log_wait_decision,
    )
    if isinstance(result.outcome, Continue):
        logger.info(
            "gate still waiting",
            extra={
                "percent_complete": result.outcome.percent_complete,
                "token_chars": len(result.outcome.continuation_token),
                "decisions": result.decisions,
            },
        )
    return result.decision, result.outcome


def _decide(job: PipelineJob, context: LambdaContext) -> tuple[Decision, JobOutcome]:
    call = _Invocation(
        settings.gate_settings(job.user_parameters), context, runtime_clock.system_clock()
    )
    if call.settings.mode is Mode.WAIT:
        return _wait(job, call)
    decision = call.decide()
    return decision, report_for(decision)


def _outcome(job: PipelineJob, context: LambdaContext) -> JobOutcome:
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
        metrics.add_metric("GateInternalErrors", MetricUnit.Count, 1)  # GateInternalErrorsAlarm
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
            "drill_until": end.isoformat() if (end := drill_end(decision.blocking)) else None,
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
    outcome = _outcome(job, context)
    try:
        reporting.job_reporter().report(job.id, outcome)
    except AlreadyReported as err:
        # Not raised: Lambda would retry an invocation that can no longer help.
        metrics.add_metric("JobAlreadyEnded", MetricUnit.Count, 1)
        logger.warning(
            "job already ended; result not taken",
            extra={"job_id": job.id, "reason": str(err), "result": type(outcome).__name__},
        )
        return
    # ReportFailed propagates: Lambda retries, then the on-failure destination keeps the event.
    logger.info("job reported", extra={"result": type(outcome).__name__})
