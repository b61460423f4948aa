"""The fake's CodePipeline side: job results, action executions, stage retries, pipeline state.

Pipelines set up by a test (`set_action_executions`, `set_pipeline_state`) answer from that
set-up; pipelines made with CreatePipeline are *declared* (tests.fakes.aws_fake_pipelines).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from tests.fakes.aws_fake_health import paginate
from tests.fakes.aws_fake_model import (
    AwsError,
    check_members,
    epoch,
    operation_model,
    service_model,
    to_wire,
)
from tests.fakes.aws_fake_pipelines import DeclaredPipelines

__all__ = ["CodePipelineState", "JobState"]

JobState = Literal["InProgress", "Succeeded", "Failed", "Missing"]


class CodePipelineState:
    """Jobs and pipelines as CodePipeline would hold them. Callers hold the fake's lock.

    A job ID never seen before is taken as an in-progress job (CodePipeline created it when it
    invoked the function); `Missing` makes it unknown to CodePipeline.
    """

    def __init__(self) -> None:
        self.jobs: dict[str, JobState] = {}
        self.action_executions: dict[str, list[dict[str, Any]]] = {}
        self.pipeline_states: dict[str, dict[str, Any]] = {}
        self.declared = DeclaredPipelines(self.action_executions)

    # --- set-up -------------------------------------------------------------------------------

    def set_action_executions(self, pipeline: str, details: Sequence[Mapping[str, Any]]) -> None:
        shape = service_model("codepipeline").shape_for("ActionExecutionDetail")
        for index, detail in enumerate(details):
            check_members(shape, detail, f"details[{index}]")
        # Newest first by startTime, as AWS lists them; ties keep their order, no time sorts last.
        stored = [copy.deepcopy(dict(d)) for d in details]
        stored.sort(key=lambda d: epoch(d.get("startTime") or 0), reverse=True)
        self.action_executions[pipeline] = stored

    def set_pipeline_state(self, pipeline: str, state: Mapping[str, Any]) -> None:
        output = operation_model("codepipeline", "GetPipelineState").output_shape
        assert output is not None
        check_members(output, state, "state")
        self.pipeline_states[pipeline] = {"pipelineName": pipeline, **copy.deepcopy(dict(state))}

    # --- operations ---------------------------------------------------------------------------

    def put_job_success_result(self, params: Mapping[str, Any]) -> None:
        if params.get("continuationToken") is not None and params.get("outputVariables"):
            raise AwsError(
                "ValidationException",
                "outputVariables can't be provided together with a continuationToken",
            )
        self._finish_job(params["jobId"], "Succeeded")

    def put_job_failure_result(self, params: Mapping[str, Any]) -> None:
        self._finish_job(params["jobId"], "Failed")

    def _finish_job(self, job_id: str, outcome: JobState) -> None:
        state = self.jobs.get(job_id, "InProgress")
        if state == "Missing":
            raise AwsError("JobNotFoundException", f"Job {job_id} was not found")
        if state != "InProgress":
            raise AwsError("InvalidJobStateException", f"Job {job_id} is already {state}")
        self.jobs[job_id] = outcome

    def list_action_executions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        name = params["pipelineName"]
        details = self._pipeline(name, self.action_executions)
        filt = params.get("filter") or {}
        execution_id = _execution_filter(filt)
        if name in self.declared and execution_id is not None:
            if not self.declared.has_execution(name, execution_id):
                raise AwsError(
                    "PipelineExecutionNotFoundException",
                    f"Pipeline execution with id '{execution_id}' does not exist in pipeline "
                    f"with name '{name}'",
                )
        # Newest first by startTime, as AWS lists them (runs are added as a pipeline runs).
        details = sorted(details, key=lambda d: epoch(d.get("startTime") or 0), reverse=True)
        details = _filtered(details, filt)
        page, token = paginate(
            details,
            list(range(len(details))),
            operation="ListActionExecutions",
            params=params,
            default_size=100,
            bad_token_code="InvalidNextTokenException",
        )
        return self._wire(
            "ListActionExecutions", {"actionExecutionDetails": page, "nextToken": token}
        )

    def retry_stage_execution(self, params: Mapping[str, Any]) -> dict[str, Any]:
        if params["pipelineName"] in self.declared:
            return self.declared.retry_stage_execution(params)
        # A retry resumes the same execution: AWS answers with the ID it was given.
        return {"pipelineExecutionId": params["pipelineExecutionId"]}

    def get_pipeline_state(self, params: Mapping[str, Any]) -> dict[str, Any]:
        name = params["name"]
        if name not in self.pipeline_states and name in self.declared:
            return self.declared.get_pipeline_state(name)
        return self._wire("GetPipelineState", self._pipeline(name, self.pipeline_states))

    @staticmethod
    def _pipeline(name: str, table: Mapping[str, Any]) -> Any:
        if name not in table:
            raise AwsError(
                "PipelineNotFoundException", f"Account does not have a pipeline with name '{name}'"
            )
        return table[name]

    @staticmethod
    def _wire(operation: str, value: Mapping[str, Any]) -> dict[str, Any]:
        shape = operation_model("codepipeline", operation).output_shape
        assert shape is not None
        result: dict[str, Any] = to_wire(shape, value)
        return result


def _execution_filter(filt: Mapping[str, Any]) -> str | None:
    latest = filt.get("latestInPipelineExecution") or {}
    execution_id = filt.get("pipelineExecutionId") or latest.get("pipelineExecutionId")
    return None if execution_id is None else str(execution_id)


def _filtered(details: list[dict[str, Any]], filt: Mapping[str, Any]) -> list[dict[str, Any]]:
    # `latestInPipelineExecution` is narrowed to its execution ID only; what its startTimeRange
    # "Latest" keeps is not documented precisely enough to imitate.
    execution_id = _execution_filter(filt)
    if execution_id is None:
        return details
    return [d for d in details if d.get("pipelineExecutionId") == execution_id]
