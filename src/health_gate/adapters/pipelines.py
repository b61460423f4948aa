"""CodePipeline's ListActionExecutions and RetryStageExecution as a `PipelineControl`.

RetryStageExecution's errors become values: the record is stale (close it, say so once) on
NotLatestPipelineExecution, StageNotRetryable, PipelineNotFound, StageNotFound and Validation
(the stage can no longer be retried: asking again on every sweep would never help); the stage
is busy (keep the record) on Conflict, the concurrent-executions limit, throttling and 5xx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    ACCESS_DENIED_CODES,
    NETWORK_ERRORS,
    describe,
    error_code,
    error_message,
    is_transient,
)
from health_gate.errors import (
    GateError,
    JobFailed,
    PermissionDenied,
    PipelineMissing,
    SystemUnavailable,
)
from health_gate.retry.action_attempts import ActionAttempt
from health_gate.retry.outcomes import RetryKind, RetryResult

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

__all__ = ["BUSY_CODES", "STALE_CODES", "CodePipelineControl"]

STALE_CODES = frozenset(
    {
        "NotLatestPipelineExecutionException",
        "StageNotRetryableException",
        "PipelineNotFoundException",
        "StageNotFoundException",
        "ValidationException",
    }
)
BUSY_CODES = frozenset({"ConflictException", "ConcurrentPipelineExecutionsLimitExceededException"})
MISSING_CODES = frozenset({"PipelineNotFoundException", "PipelineExecutionNotFoundException"})
PAGINATION = {"PageSize": 100}  # the API's maximum maxResults


def _denied(action: str, err: ClientError) -> PermissionDenied:
    return PermissionDenied(
        f"The retrier's role may not call codepipeline:{action} ({describe(err)})."
    )


class CodePipelineControl:
    """The retrier's CodePipeline calls, over one boto3 client (standard retry mode)."""

    def __init__(self, client: CodePipelineClient) -> None:
        self._client = client

    def action_attempts(self, pipeline: str, execution_id: str) -> list[ActionAttempt]:
        arguments: Any = {
            "pipelineName": pipeline,
            "filter": {"pipelineExecutionId": execution_id},
            "PaginationConfig": PAGINATION,
        }
        try:
            pages = self._client.get_paginator("list_action_executions").paginate(**arguments)
            return [
                ActionAttempt.from_api(raw)
                for page in pages
                for raw in page.get("actionExecutionDetails", [])
            ]
        except ClientError as err:
            if error_code(err) in MISSING_CODES:
                raise PipelineMissing(describe(err)) from err
            raise self._fault("ListActionExecutions", err) from err
        except NETWORK_ERRORS as err:
            raise SystemUnavailable(f"CodePipeline did not answer ({err}).") from err

    def retry_stage(self, pipeline: str, stage: str, execution_id: str) -> RetryResult:
        try:
            self._client.retry_stage_execution(
                pipelineName=pipeline,
                stageName=stage,
                pipelineExecutionId=execution_id,
                retryMode="FAILED_ACTIONS",
            )
        except ClientError as err:
            code = error_code(err)
            if code in STALE_CODES:
                return RetryResult(RetryKind.STALE, code, error_message(err))
            if code in BUSY_CODES or is_transient(err):
                return RetryResult(RetryKind.BUSY, code, error_message(err))
            raise self._fault("RetryStageExecution", err) from err
        except NETWORK_ERRORS as err:
            return RetryResult(RetryKind.BUSY, type(err).__name__, str(err))
        return RetryResult(RetryKind.RETRIED)

    @staticmethod
    def _fault(action: str, err: ClientError) -> GateError:
        if error_code(err) in ACCESS_DENIED_CODES:
            return _denied(action, err)
        if is_transient(err):
            return SystemUnavailable(f"CodePipeline {action} did not answer ({error_code(err)}).")
        return JobFailed(f"CodePipeline rejected {action} ({describe(err)}).")
