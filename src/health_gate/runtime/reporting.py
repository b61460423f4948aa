"""The gate's job reporter: CodePipeline's PutJob*Result behind the `JobReporter` port."""

from __future__ import annotations

from health_gate.adapters.codepipeline import CodePipelineJobReporter
from health_gate.pipeline.ports import JobReporter
from health_gate.runtime import clients

__all__ = ["job_reporter"]


def job_reporter() -> JobReporter:
    return CodePipelineJobReporter(clients.codepipeline())
