"""The drill's adapters over this process's clients (the CLI's credentials)."""

from __future__ import annotations

from health_gate.adapters import drill_reads
from health_gate.adapters.pipeline_editor import CodePipelineEditor
from health_gate.pipeline.drill_checklist import RecordView
from health_gate.runtime import clients

__all__ = ["dead_letters", "editor", "record", "stack_outputs"]


def editor() -> CodePipelineEditor:
    return CodePipelineEditor(clients.codepipeline())


def record(table: str, pipeline: str, stage: str) -> RecordView | None:
    return drill_reads.read_record(clients.dynamodb(), table, pipeline, stage)


def stack_outputs(stack: str) -> dict[str, str]:
    return drill_reads.stack_outputs(clients.cloudformation(), stack)


def dead_letters(queue_url: str) -> int | None:
    return drill_reads.dead_letters(clients.sqs(), queue_url)
