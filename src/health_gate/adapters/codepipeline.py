"""CodePipeline job results as a `JobReporter`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import NETWORK_ERRORS, describe, error_code
from health_gate.errors import AlreadyReported, ReportFailed
from health_gate.pipeline.report import Continue, Fail, JobOutcome, Succeed

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

__all__ = ["CodePipelineJobReporter"]


# The job can take no result any more: another invocation reported it, it timed out, or it is
# unknown (expired). Retrying the invocation cannot change that.
JOB_ENDED_CODES = frozenset({"InvalidJobStateException", "JobNotFoundException"})


class CodePipelineJobReporter:
    """Sends exactly the one call an outcome maps to."""

    def __init__(self, client: CodePipelineClient) -> None:
        self._client = client

    def report(self, job_id: str, outcome: JobOutcome) -> None:
        try:
            self._send(job_id, outcome)
        except ClientError as err:
            if error_code(err) in JOB_ENDED_CODES:
                raise AlreadyReported(describe(err)) from err
            raise ReportFailed(describe(err)) from err
        except NETWORK_ERRORS as err:
            raise ReportFailed(str(err)) from err

    def _send(self, job_id: str, outcome: JobOutcome) -> None:
        if isinstance(outcome, Fail):
            failure: dict[str, Any] = {"type": outcome.failure_type, "message": outcome.message}
            if outcome.external_execution_id:
                failure["externalExecutionId"] = outcome.external_execution_id
            self._client.put_job_failure_result(jobId=job_id, failureDetails=failure)  # type: ignore[arg-type]
            return
        details: dict[str, Any] = {"summary": outcome.summary}
        extra: dict[str, Any] = {}
        if isinstance(outcome, Continue):
            details["percentComplete"] = outcome.percent_complete
            extra["continuationToken"] = outcome.continuation_token
        elif isinstance(outcome, Succeed) and outcome.output_variables:
            extra["outputVariables"] = outcome.output_variables
        self._client.put_job_success_result(jobId=job_id, executionDetails=details, **extra)  # type: ignore[arg-type]
