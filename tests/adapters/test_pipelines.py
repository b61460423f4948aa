"""CodePipelineControl against botocore's Stubber: exact requests, errors as core values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from botocore.stub import Stubber

from health_gate.adapters.pipelines import CodePipelineControl
from health_gate.errors import JobFailed, PermissionDenied, PipelineMissing
from health_gate.pipeline.block_message import BLOCKED_MARKER
from health_gate.retry.outcomes import RetryKind
from tests.fakes.pipeline_runs import EXECUTION, PIPELINE, STAGE, action_run, blocked_run

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

RETRY = {
    "pipelineName": PIPELINE,
    "stageName": STAGE,
    "pipelineExecutionId": EXECUTION,
    "retryMode": "FAILED_ACTIONS",
}


@pytest.fixture
def control(codepipeline: CodePipelineClient) -> CodePipelineControl:
    return CodePipelineControl(codepipeline)


def list_params(token: str | None = None) -> dict[str, object]:
    params: dict[str, object] = {
        "pipelineName": PIPELINE,
        "filter": {"pipelineExecutionId": EXECUTION},
        "maxResults": 100,
    }
    if token:
        params["nextToken"] = token
    return params


def test_every_page_of_action_runs_is_read(
    codepipeline_stub: Stubber, control: CodePipelineControl
) -> None:
    # Given two pages of runs for the execution
    gate = blocked_run(attempt_id="run-1")
    build = action_run(status="Succeeded", stage="Build", action="Build", attempt_id="run-0")
    codepipeline_stub.add_response(
        "list_action_executions",
        {"actionExecutionDetails": [gate], "nextToken": "page-2"},
        list_params(),
    )
    codepipeline_stub.add_response(
        "list_action_executions", {"actionExecutionDetails": [build]}, list_params("page-2")
    )
    # When the runs are listed
    runs = control.action_attempts(PIPELINE, EXECUTION)
    # Then both pages are read and the gate's result is where the core looks for it
    assert [r.attempt_id for r in runs] == ["run-1", "run-0"]
    assert runs[0].external_id == BLOCKED_MARKER
    assert runs[0].error_code == "JobFailed"
    assert runs[0].message.startswith("Blocked by AWS Health")


@pytest.mark.parametrize(
    "code", ["PipelineNotFoundException", "PipelineExecutionNotFoundException"]
)
def test_a_missing_pipeline_or_execution_is_reported_as_such(
    code: str, codepipeline_stub: Stubber, control: CodePipelineControl
) -> None:
    codepipeline_stub.add_client_error(
        "list_action_executions", code, expected_params=list_params()
    )
    with pytest.raises(PipelineMissing, match=code):
        control.action_attempts(PIPELINE, EXECUTION)


def test_a_denied_listing_names_the_permission(
    codepipeline_stub: Stubber, control: CodePipelineControl
) -> None:
    codepipeline_stub.add_client_error(
        "list_action_executions", "AccessDeniedException", expected_params=list_params()
    )
    with pytest.raises(PermissionDenied, match="codepipeline:ListActionExecutions"):
        control.action_attempts(PIPELINE, EXECUTION)


def test_retry_asks_for_the_failed_actions_only(
    codepipeline_stub: Stubber, control: CodePipelineControl
) -> None:
    codepipeline_stub.add_response(
        "retry_stage_execution", {"pipelineExecutionId": EXECUTION}, RETRY
    )
    assert control.retry_stage(PIPELINE, STAGE, EXECUTION).kind is RetryKind.RETRIED


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("NotLatestPipelineExecutionException", 400, RetryKind.STALE),
        ("StageNotRetryableException", 400, RetryKind.STALE),
        ("PipelineNotFoundException", 400, RetryKind.STALE),
        ("StageNotFoundException", 400, RetryKind.STALE),
        ("ValidationException", 400, RetryKind.STALE),  # it can no longer be retried
        ("ConflictException", 409, RetryKind.BUSY),
        ("ConcurrentPipelineExecutionsLimitExceededException", 400, RetryKind.BUSY),
        ("ThrottlingException", 400, RetryKind.BUSY),
        ("InternalFailure", 500, RetryKind.BUSY),
    ],
)
def test_retry_errors_become_stale_or_busy(
    code: str,
    status: int,
    kind: RetryKind,
    codepipeline_stub: Stubber,
    control: CodePipelineControl,
) -> None:
    codepipeline_stub.add_client_error(
        "retry_stage_execution", code, "why", http_status_code=status, expected_params=RETRY
    )
    result = control.retry_stage(PIPELINE, STAGE, EXECUTION)
    assert (result.kind, result.code, result.message) == (kind, code, "why")


@pytest.mark.parametrize(
    ("code", "error"),
    [("InvalidStructureException", JobFailed), ("AccessDeniedException", PermissionDenied)],
)
def test_unexplained_retry_errors_are_raised(
    code: str, error: type[Exception], codepipeline_stub: Stubber, control: CodePipelineControl
) -> None:
    codepipeline_stub.add_client_error("retry_stage_execution", code, expected_params=RETRY)
    with pytest.raises(error, match="RetryStageExecution"):
        control.retry_stage(PIPELINE, STAGE, EXECUTION)
