"""The drill's adapters over this process's clients (the CLI's credentials)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from health_gate.adapters import drill_reads
from health_gate.adapters.pipeline_editor import CodePipelineEditor
from health_gate.adapters.registry import DynamoBlockRegistry
from health_gate.config.retrier_settings import MAX_LIFETIME_DAYS
from health_gate.pipeline.drill_checklist import RecordView
from health_gate.retry.action_attempts import GateFunction
from health_gate.retry.blocked import BlockedExecution, find_blocked
from health_gate.runtime import clients
from health_gate.runtime.retry_services import pipeline_control

__all__ = ["dead_letters", "editor", "give_up", "record", "stack_outputs"]


def editor() -> CodePipelineEditor:
    return CodePipelineEditor(clients.codepipeline())


def record(table: str, pipeline: str, stage: str) -> RecordView | None:
    return drill_reads.read_record(clients.dynamodb(), table, pipeline, stage)


def stack_outputs(stack: str) -> dict[str, str]:
    return drill_reads.stack_outputs(clients.cloudformation(), stack)


def dead_letters(queue_url: str) -> int | None:
    return drill_reads.dead_letters(clients.sqs(), queue_url)


def give_up(
    table: str, function: str, pipeline: str, stage: str, execution_id: str, now: datetime
) -> bool:
    """Close the retrier's record of the drilled run (writing it first if its message has not
    arrived yet), so the retrier never retries a run the drill abandoned. False: nothing to
    close (the gate did not block it, or the stage's record is another run's)."""
    gate = GateFunction.named(function)
    attempts = pipeline_control().action_attempts(pipeline, execution_id)
    found = find_blocked(attempts, pipeline, execution_id, stage, gate, now)
    if not isinstance(found, BlockedExecution):
        return False
    # A tombstone written ahead of the message must outlive it: the retrier registers a gate
    # run until its lifetime (RecordLifetimeDays, at most MAX_LIFETIME_DAYS) has passed.
    record = replace(found, lifetime_ends=found.started + timedelta(days=MAX_LIFETIME_DAYS))
    return DynamoBlockRegistry(clients.dynamodb(), table).give_up(record, "drill-abandoned")
