"""CodePipelineJobReporter against botocore's Stubber: one exact PutJob*Result per outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber

from health_gate.adapters.codepipeline import CodePipelineJobReporter
from health_gate.errors import AlreadyReported, ReportFailed
from health_gate.pipeline.block_message import BLOCKED_MARKER
from health_gate.pipeline.report import Continue, Fail, Succeed

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

JOB = "11111111-2222-3333-4444-555555555555"
HEALTHY = Succeed(
    "Healthy: no blocking AWS Health events in us-east-1, global (0 events checked).",
    {"status": "HEALTHY", "blockingEvents": "0", "regions": "us-east-1,global"},
)


@pytest.fixture
def reporter(codepipeline: CodePipelineClient) -> CodePipelineJobReporter:
    return CodePipelineJobReporter(codepipeline)


def test_succeed_sends_the_summary_and_output_variables(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter
) -> None:
    # Given a healthy outcome
    codepipeline_stub.add_response(
        "put_job_success_result",
        {},
        expected_params={
            "jobId": JOB,
            "executionDetails": {"summary": HEALTHY.summary},
            "outputVariables": {
                "status": "HEALTHY",
                "blockingEvents": "0",
                "regions": "us-east-1,global",
            },
        },
    )
    # When reported, exactly that PutJobSuccessResult is sent
    reporter.report(JOB, HEALTHY)


def test_succeed_without_variables_sends_no_output_variables(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter
) -> None:
    codepipeline_stub.add_response(
        "put_job_success_result",
        {},
        expected_params={"jobId": JOB, "executionDetails": {"summary": "done"}},
    )
    reporter.report(JOB, Succeed("done"))


@pytest.mark.parametrize("percent", [0, 37, 100])
def test_continue_sends_a_token_and_progress_but_no_output_variables(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter, percent: int
) -> None:
    # Given the gate is still waiting (CodePipeline forbids output variables with a token)
    outcome = Continue("Waiting for 2 AWS Health events", '{"v":1}', percent)
    codepipeline_stub.add_response(
        "put_job_success_result",
        {},
        expected_params={
            "jobId": JOB,
            "executionDetails": {
                "summary": "Waiting for 2 AWS Health events",
                "percentComplete": percent,
            },
            "continuationToken": '{"v":1}',
        },
    )
    # When reported, the token and percentComplete are sent, nothing else
    reporter.report(JOB, outcome)


def test_fail_sends_type_message_and_external_execution_id(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter
) -> None:
    # Given a blocked deployment
    outcome = Fail("JobFailed", "Blocked by AWS Health: 1 open event", BLOCKED_MARKER)
    codepipeline_stub.add_response(
        "put_job_failure_result",
        {},
        expected_params={
            "jobId": JOB,
            "failureDetails": {
                "type": "JobFailed",
                "message": "Blocked by AWS Health: 1 open event",
                "externalExecutionId": "health-gate:blocked",
            },
        },
    )
    reporter.report(JOB, outcome)


@pytest.mark.parametrize(
    "failure_type", ["ConfigurationError", "PermissionError", "SystemUnavailable", "JobFailed"]
)
def test_fail_without_marker_sends_no_external_execution_id(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter, failure_type: str
) -> None:
    codepipeline_stub.add_response(
        "put_job_failure_result",
        {},
        expected_params={
            "jobId": JOB,
            "failureDetails": {"type": failure_type, "message": "what went wrong"},
        },
    )
    reporter.report(JOB, Fail(failure_type, "what went wrong"))


@pytest.mark.parametrize(
    ("operation", "outcome"),
    [
        ("put_job_success_result", HEALTHY),
        ("put_job_failure_result", Fail("JobFailed", "Blocked by AWS Health")),
    ],
)
@pytest.mark.parametrize("code", ["InvalidJobStateException", "JobNotFoundException"])
def test_a_job_that_ended_means_already_reported(
    codepipeline_stub: Stubber,
    reporter: CodePipelineJobReporter,
    operation: str,
    outcome: Any,
    code: str,
) -> None:
    # Given CodePipeline no longer accepts a result: a duplicate delivery, a job that timed
    # out (InvalidJobState), or one it no longer knows (JobNotFound)
    codepipeline_stub.add_client_error(
        operation, service_error_code=code, service_message="job ended", http_status_code=400
    )
    # Then the reporter says so with its own error, which handlers treat as done
    with pytest.raises(AlreadyReported, match=f"^{code}: job ended$"):
        reporter.report(JOB, outcome)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ValidationException", 400),
        ("AccessDeniedException", 403),
        ("ThrottlingException", 400),
        ("InternalFailure", 500),
    ],
)
def test_other_errors_are_report_failed(
    codepipeline_stub: Stubber, reporter: CodePipelineJobReporter, code: str, status: int
) -> None:
    codepipeline_stub.add_client_error(
        "put_job_success_result",
        service_error_code=code,
        service_message="no",
        http_status_code=status,
    )
    with pytest.raises(ReportFailed, match=f"^{code}: no$"):
        reporter.report(JOB, HEALTHY)


def test_an_unreachable_codepipeline_is_report_failed(codepipeline: CodePipelineClient) -> None:
    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://codepipeline.us-east-1.amazonaws.com")

    codepipeline.meta.events.register("before-call.codepipeline.PutJobFailureResult", unreachable)
    with pytest.raises(ReportFailed, match="Could not connect"):
        CodePipelineJobReporter(codepipeline).report(JOB, Fail("JobFailed", "x"))
