"""ListActionExecutions `ActionExecutionDetail` dicts for the retrier's tests.

The gate's run shows its PutJobFailureResult where CodePipeline exposes a job worker's result:
`output.executionResult.externalExecutionId` (the marker), `externalExecutionSummary` and
`errorDetails{code, message}` (the failure type and message).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from health_gate.pipeline.block_message import BLOCKED_MARKER

__all__ = [
    "BLOCKED_TEXT",
    "EC2_ARN",
    "EXECUTION",
    "GATE_NAME",
    "PARAMS",
    "PIPELINE",
    "STAGE",
    "STALE_RETRY_CODES",
    "STARTED",
    "action_run",
    "blocked_run",
    "detail_from_report",
]

PIPELINE = "web-app"
STAGE = "Deploy"
EXECUTION = "1d247af2-7eb3-4569-aeda-41416e2a81c5"
GATE_NAME = "health-gate-HealthGateFunction-TEST"
PARAMS = '{"regions": ["us-east-1", "global"]}'
STARTED = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
# RetryStageExecution errors that mean the blocked execution can never be retried (stale record)
STALE_RETRY_CODES = (
    "NotLatestPipelineExecutionException",
    "StageNotRetryableException",
    "PipelineNotFoundException",
    "StageNotFoundException",
)
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)
BLOCKED_TEXT = (
    "Blocked by AWS Health: 1 open event in us-east-1, global. "
    "Retry this stage once AWS Health shows them resolved.\n"
    f"- EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1 since 2026-11-23 13:40 UTC: {EC2_ARN}"
)


def action_run(
    *,
    status: str,
    execution_id: str = EXECUTION,
    stage: str = STAGE,
    action: str = "HealthGate",
    started: datetime = STARTED,
    attempt_id: str | None = None,
    function_name: str = GATE_NAME,
    provider: str = "Lambda",
    user_parameters: str | None = PARAMS,
    result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One action run; `result` is its `output.executionResult`."""
    configuration = {"FunctionName": function_name}
    if user_parameters is not None:
        configuration["UserParameters"] = user_parameters
    detail: dict[str, Any] = {
        "pipelineExecutionId": execution_id,
        "actionExecutionId": attempt_id or str(uuid.uuid4()),
        "pipelineVersion": 3,
        "stageName": stage,
        "actionName": action,
        "startTime": started,
        "lastUpdateTime": started,
        "status": status,
        "input": {
            "actionTypeId": {
                "category": "Invoke",
                "owner": "AWS",
                "provider": provider,
                "version": "1",
            },
            "configuration": configuration,
            "resolvedConfiguration": dict(configuration),
            "region": "us-east-1",
        },
    }
    if result is not None:
        detail["output"] = {"executionResult": result}
    return detail


def blocked_run(
    *,
    message: str = BLOCKED_TEXT,
    marker: str = BLOCKED_MARKER,
    failure_type: str = "JobFailed",
    **fields: Any,
) -> dict[str, Any]:
    """The gate's run that failed the stage as blocked."""
    result = {
        "externalExecutionId": marker,
        "externalExecutionSummary": message,
        "errorDetails": {"code": failure_type, "message": message},
    }
    return action_run(status="Failed", result=result, **fields)


def detail_from_report(failure_details: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The run CodePipeline lists after the gate's PutJobFailureResult(failureDetails)."""
    return blocked_run(
        message=failure_details["message"],
        marker=failure_details.get("externalExecutionId", ""),
        failure_type=failure_details["type"],
        **fields,
    )
