"""The CodePipeline calls a drill makes: read and edit the declaration, pin and start a run,
close and open a transition, stop the run, and list its action runs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    ACCESS_DENIED_CODES,
    CREDENTIAL_ERRORS,
    NETWORK_ERRORS,
    credentials_missing,
    describe,
    error_code,
)
from health_gate.errors import GateError, JobFailed, PermissionDenied, SystemUnavailable

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

__all__ = ["CodePipelineEditor", "PipelineChanged"]

DRILL_REASON = "health-gate drill in progress"  # DisableStageTransition: no _ / , : allowed
NOT_STOPPABLE = "PipelineExecutionNotStoppableException"


class PipelineChanged(GateError):
    """Someone else changed the pipeline during the drill (its version moved). `written`:
    this command's own update went through too, so the pipeline may hold its change."""

    def __init__(self, message: str, *, written: bool) -> None:
        super().__init__(message)
        self.written = written


class CodePipelineEditor:
    """Over one boto3 client; every AWS failure becomes an error of errors.py."""

    def __init__(self, client: CodePipelineClient) -> None:
        self._client = client

    def _call(self, action: str, **arguments: Any) -> Any:
        try:
            return getattr(self._client, _snake(action))(**arguments)
        except CREDENTIAL_ERRORS as err:
            raise credentials_missing(err) from err
        except ClientError as err:
            code = error_code(err)
            if code in ACCESS_DENIED_CODES:
                raise PermissionDenied(
                    f"Your credentials may not call codepipeline:{action} ({describe(err)})."
                ) from err
            raise JobFailed(f"CodePipeline {action} failed ({describe(err)}).") from err
        except NETWORK_ERRORS as err:
            raise SystemUnavailable(f"CodePipeline did not answer {action} ({err}).") from err

    def declaration(self, pipeline: str) -> dict[str, Any]:
        found: dict[str, Any] = self._call("GetPipeline", name=pipeline)["pipeline"]
        return found

    def update(self, declaration: Mapping[str, Any]) -> dict[str, Any]:
        """UpdatePipeline over `declaration`'s version only; returns the new declaration.

        The API reference does not say whether UpdatePipeline refuses a request whose `version`
        is not the current one (no conflict error is modelled; we could not verify it). So
        the version is checked here just before the call and again in the answer: a change
        made by someone else is never silently overwritten, whichever way AWS behaves. What
        no client can close is the instant between the read and the write.
        """
        expected = int(declaration.get("version", 0))
        current = int(self.declaration(str(declaration["name"])).get("version", 0))
        if current != expected:
            raise PipelineChanged(
                f"Pipeline {declaration['name']} is at version {current}, not {expected}: "
                "someone changed it meanwhile. Nothing was changed by this command.",
                written=False,
            )
        done: dict[str, Any] = self._call("UpdatePipeline", pipeline=dict(declaration))["pipeline"]
        if int(done.get("version", 0)) != expected + 1:
            raise PipelineChanged(
                f"Pipeline {declaration['name']} went from version {expected} to "
                f"{done.get('version')}: someone else updated it at the same moment.",
                written=True,
            )
        return done

    def last_success(self, pipeline: str) -> dict[str, Any] | None:
        """The newest succeeded execution's summary (sourceRevisions included), if any."""
        pages = self._client.get_paginator("list_pipeline_executions")
        try:
            for page in pages.paginate(pipelineName=pipeline):
                for summary in page.get("pipelineExecutionSummaries", []):
                    if summary.get("status") == "Succeeded":
                        return dict(summary)
        except ClientError as err:
            raise JobFailed(
                f"CodePipeline ListPipelineExecutions failed ({describe(err)})."
            ) from err
        return None

    def start(self, pipeline: str, pins: Sequence[Mapping[str, str]], token: str) -> str:
        answer = self._call(
            "StartPipelineExecution",
            name=pipeline,
            sourceRevisions=[dict(pin) for pin in pins],
            clientRequestToken=token,
        )
        return str(answer["pipelineExecutionId"])

    def stop(self, pipeline: str, execution_id: str, reason: str) -> bool:
        """Stop (abandoning the in-progress actions); False when it had stopped already."""
        try:
            self._call(
                "StopPipelineExecution",
                pipelineName=pipeline,
                pipelineExecutionId=execution_id,
                abandon=True,
                reason=reason[:200],
            )
        except JobFailed as err:
            if NOT_STOPPABLE in str(err):
                return False
            raise
        return True

    def close_transition(self, pipeline: str, stage: str) -> None:
        self._call(
            "DisableStageTransition",
            pipelineName=pipeline,
            stageName=stage,
            transitionType="Inbound",
            reason=DRILL_REASON,
        )

    def open_transition(self, pipeline: str, stage: str) -> None:
        self._call(
            "EnableStageTransition",
            pipelineName=pipeline,
            stageName=stage,
            transitionType="Inbound",
        )


def _snake(action: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in action).lstrip("_")
