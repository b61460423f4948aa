"""One run of one pipeline action, as ListActionExecutions reports it, and how to recognise
a run of this project's gate that failed because AWS Health blocked the deployment.

Only ListActionExecutions is trusted (a stage-failed message is just a hint). Of each run it
reads `input.actionTypeId.provider` and `input.(resolved)configuration.FunctionName` (which
function ran: only the configured gate counts), `status`, `startTime` (the latest run decides),
and the three places `output.executionResult` may carry the gate's `PutJobFailureResult`:
`externalExecutionId`, `externalExecutionSummary` and `errorDetails{code, message}`.

AWS does not document what `externalExecutionId` holds for a Lambda invoke action that failed
through PutJobFailureResult: the gate's own `failureDetails.externalExecutionId` (the marker),
an ID of CodePipeline's, the function's request ID, or nothing. So a block is recognised in
either shape:

- the marker in `externalExecutionId`, with any message present starting with the gate's
  block message; or
- no marker, and the summary or the error message starting with the gate's block message.

In both, the run must be a failed run of the configured gate function, its error code
`JobFailed` or absent (a configuration, permission or availability failure of the gate is
never a block), and (checked by `blocked.find_blocked`) the latest run of that action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from health_gate.pipeline.block_message import BLOCKED_MARKER, BLOCKED_PREFIX
from health_gate.pipeline.function_names import names_function, split_function
from health_gate.verdict.events import parse_time

__all__ = ["ActionAttempt", "GateFunction", "is_blocked_failure"]

FAILED = "Failed"
LAMBDA_PROVIDER = "Lambda"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class ActionAttempt:
    """One run of an action; a stage retry adds a new run with a new `attempt_id`."""

    execution_id: str
    attempt_id: str
    stage: str
    action: str
    status: str
    started: datetime | None = None
    provider: str = ""
    function_name: str = ""
    user_parameters: str | None = None
    external_id: str | None = None
    summary: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> ActionAttempt:
        """Build from an `ActionExecutionDetail`; resolved configuration wins over declared."""
        given = _mapping(raw.get("input"))
        declared = _mapping(given.get("configuration"))
        config = {**declared, **_mapping(given.get("resolvedConfiguration"))}
        result = _mapping(_mapping(raw.get("output")).get("executionResult"))
        error = _mapping(result.get("errorDetails"))
        try:
            started = parse_time(raw.get("startTime"))
        except ValueError:
            started = None
        return cls(
            execution_id=str(raw.get("pipelineExecutionId", "")),
            attempt_id=str(raw.get("actionExecutionId", "")),
            stage=str(raw.get("stageName", "")),
            action=str(raw.get("actionName", "")),
            status=str(raw.get("status", "")),
            started=started,
            provider=str(_mapping(given.get("actionTypeId")).get("provider", "")),
            function_name=str(config.get("FunctionName", "")),
            user_parameters=_text(config.get("UserParameters")),
            external_id=_text(result.get("externalExecutionId")),
            summary=_text(result.get("externalExecutionSummary")),
            error_code=_text(error.get("code")),
            error_message=_text(error.get("message")),
        )

    @property
    def message(self) -> str:
        """The failure message, wherever CodePipeline put it."""
        return self.summary or self.error_message or ""


@dataclass(frozen=True)
class GateFunction:
    """This deployment's gate Lambda function: an action invokes it when its FunctionName
    names it (a plain name, a name with a qualifier, or its ARN)."""

    name: str
    arn: str | None = None

    @classmethod
    def named(cls, function: str) -> GateFunction:
        """From a name or an ARN, as `--function` or the stack's output gives it."""
        return cls(*split_function(function))

    def invoked_by(self, attempt: ActionAttempt) -> bool:
        if attempt.provider and attempt.provider != LAMBDA_PROVIDER:
            return False
        return names_function(attempt.function_name, self.name, self.arn)


def is_blocked_failure(attempt: ActionAttempt, gate: GateFunction) -> bool:
    """A failed run of this gate that reported a block, in either shape CodePipeline may use."""
    if attempt.status != FAILED or not gate.invoked_by(attempt):
        return False
    if attempt.error_code not in (None, "JobFailed"):
        return False
    messages = [text for text in (attempt.summary, attempt.error_message) if text]
    says_blocked = any(text.startswith(BLOCKED_PREFIX) for text in messages)
    if attempt.external_id == BLOCKED_MARKER:
        return says_blocked or not messages
    return says_blocked
