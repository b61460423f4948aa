"""The gate handler end to end: real boto3 clients over HTTP to the local AWS fake.

Every test asserts the one rule that matters most: exactly one report per invocation.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from health_gate.adapters.health_endpoints import HealthEndpoint
from health_gate.handlers import gate
from health_gate.runtime import sources
from tests.fakes.aws_fake import AwsFake
from tests.fakes.aws_fake_codepipeline import JobState
from tests.fakes.clock import FakeClock, FakeClockContext
from tests.fakes.events import job_event, load_event, only_report
from tests.fakes.lambda_context import FakeLambdaContext
from tests.fakes.runtime_fixtures import log_records

JOB_ID = "5f1c9a8e-2b7d-4c3a-9e6f-0d4b8a2c7e11"
STARTED = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)


def run_gate(event: dict[str, Any], timeout_ms: int = 300_000) -> None:
    gate.handler(event, FakeLambdaContext(timeout_ms=timeout_ms))


def run_gate_on(clock: FakeClock, event: dict[str, Any], timeout_ms: int) -> None:
    """The gate with its time on `clock`: deadlines pass when the test moves the clock."""
    gate.handler(event, FakeClockContext(clock, timeout_ms=timeout_ms))


def assert_success(fake: AwsFake, status: str = "HEALTHY", job_id: str = JOB_ID) -> dict[str, Any]:
    report = only_report(fake)
    assert report.operation == "PutJobSuccessResult"
    assert report.params["jobId"] == job_id
    assert report.params["outputVariables"]["status"] == status
    return report.params


def assert_failure(fake: AwsFake, failure_type: str, job_id: str = JOB_ID) -> str:
    report = only_report(fake)
    assert report.operation == "PutJobFailureResult"
    assert report.params["jobId"] == job_id
    assert report.params["failureDetails"]["type"] == failure_type
    message: str = report.params["failureDetails"]["message"]
    return message


def params(**values: Any) -> str:
    return json.dumps(values)


# --- verdicts ---------------------------------------------------------------------------------


def test_healthy_when_no_event_is_open(aws_fake: AwsFake) -> None:
    # Given only a closed issue in the region
    aws_fake.add_event(statusCode="closed", startTime=STARTED)
    # When the gate runs with the recorded sample event
    run_gate(load_event("codepipeline/job-json-params.json"))
    # Then it succeeds with the documented output variables, after one DescribeEvents
    result = assert_success(aws_fake)
    assert result["outputVariables"] == {
        "status": "HEALTHY",
        "blockingEvents": "0",
        "regions": "us-east-1,global",
    }
    assert result["executionDetails"]["summary"].startswith("Healthy")
    query = aws_fake.calls_to("DescribeEvents")
    assert len(query) == 1
    assert query[0]["filter"] == {
        "eventTypeCategories": ["issue"],
        "eventStatusCodes": ["open"],
        "regions": ["us-east-1", "global"],
        "services": ["EC2", "CLOUDFORMATION", "MULTIPLE_SERVICES"],
    }


def test_blocked_by_an_open_issue_names_it(aws_fake: AwsFake) -> None:
    # Given an open EC2 issue in us-east-1
    aws_fake.add_event(arn=EC2_ARN, startTime=STARTED)
    # When the gate runs
    run_gate(load_event("codepipeline/job-json-params.json"))
    # Then the stage fails as JobFailed with a message naming the incident
    message = assert_failure(aws_fake, "JobFailed")
    assert message.startswith("Blocked by AWS Health: 1 open event")
    assert "EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1 since 2026-11-23 14:05 UTC" in message
    assert EC2_ARN in message
    details = aws_fake.reports()[0].params["failureDetails"]
    assert details["externalExecutionId"] == "health-gate:blocked"


def test_blocking_event_on_the_second_page_is_found(aws_fake: AwsFake) -> None:
    # Given 150 open events elsewhere and the one that matters, oldest, on page two
    for index in range(150):
        aws_fake.add_event(
            arn=f"arn:aws:health:us-east-1::event/S3/AWS_S3_OPERATIONAL_ISSUE/N{index}",
            service="S3",
            eventTypeCode="AWS_S3_OPERATIONAL_ISSUE",
            startTime=STARTED + timedelta(minutes=index + 1),
        )
    aws_fake.add_event(arn=EC2_ARN, startTime=STARTED)
    # When the gate checks every service
    run_gate(job_event(params(regions=["us-east-1"])))
    # Then it followed nextToken and blocks on all 151 events
    assert len(aws_fake.calls_to("DescribeEvents")) == 2
    assert "nextToken" in aws_fake.calls_to("DescribeEvents")[1]
    message = assert_failure(aws_fake, "JobFailed")
    assert message.startswith("Blocked by AWS Health: 151 open events")
    assert len(message) <= 5000
    assert "… and " in message


def test_other_region_is_ignored_even_if_the_api_returned_it(aws_fake: AwsFake) -> None:
    # Given an open issue in eu-west-1 and more than 10 regions configured (filtered locally)
    aws_fake.add_event(region="eu-west-1", startTime=STARTED)
    regions = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1"]
    regions += ["ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "global"]
    # When the gate runs
    run_gate(job_event(params(regions=regions)))
    # Then the API was asked without a region filter, and the verdict is healthy
    assert "regions" not in aws_fake.calls_to("DescribeEvents")[0]["filter"]
    assert_success(aws_fake)


def test_global_event_blocks_by_default(aws_fake: AwsFake) -> None:
    # Given an open IAM issue, which AWS Health reports in region "global"
    aws_fake.add_event(service="IAM", eventTypeCode="AWS_IAM_OPERATIONAL_ISSUE", region="global")
    # When the gate runs with no UserParameters (defaults: own region + global)
    run_gate(job_event(None))
    # Then it blocks and names the global event
    message = assert_failure(aws_fake, "JobFailed")
    assert "IAM AWS_IAM_OPERATIONAL_ISSUE in global" in message


def test_multi_service_outage_blocks_a_gate_filtered_on_one_service(aws_fake: AwsFake) -> None:
    # Given a regional outage that AWS Health files under MULTIPLE_SERVICES
    aws_fake.add_event(
        service="MULTIPLE_SERVICES", eventTypeCode="AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE"
    )
    # When a gate that watches EC2 only runs
    run_gate(job_event(params(services=["EC2"])))
    # Then the outage blocks it
    assert "MULTIPLE_SERVICES AWS_MULTIPLE_SERVICES_OPERATIONAL_ISSUE" in assert_failure(
        aws_fake, "JobFailed"
    )


def test_ignored_event_type_does_not_block(aws_fake: AwsFake) -> None:
    aws_fake.add_event(eventTypeCode="AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED")
    run_gate(
        job_event(
            params(ignoreEventTypeCodes=["AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"])
        )
    )
    assert_success(aws_fake)


def test_legacy_csv_user_parameters_are_regions(aws_fake: AwsFake) -> None:
    # Given an open issue in eu-west-1 and the legacy "us-east-1, eu-west-1" parameters
    aws_fake.add_event(region="eu-west-1")
    # When the gate runs the recorded CSV sample
    event = load_event("codepipeline/job-csv-params.json")
    run_gate(event)
    # Then both regions were queried and eu-west-1's issue blocks
    assert aws_fake.calls_to("DescribeEvents")[0]["filter"]["regions"] == ["us-east-1", "eu-west-1"]
    assert_failure(aws_fake, "JobFailed", event["CodePipeline.job"]["id"])


def test_organization_view_uses_the_organization_api(aws_fake: AwsFake) -> None:
    aws_fake.add_event(_accounts=["111122223333"])
    run_gate(job_event(params(organization=True, accountIds=["111122223333"])))
    calls = aws_fake.calls_to("DescribeEventsForOrganization")
    assert calls and calls[0]["filter"]["awsAccountIds"] == ["111122223333"]
    assert aws_fake.calls_to("DescribeEvents") == []
    assert_failure(aws_fake, "JobFailed")


# --- configuration errors ---------------------------------------------------------------------

INVALID = [
    ('{"regions": "us-east-1"}', "'regions'"),
    ('{"regions": ["us-east-one"]}', "us-east-one"),
    ('{"regions": ["us-east-1"], "color": "blue"}', "color"),
    ('{"eventTypeCategories": ["outage"]}', "'eventTypeCategories'"),
    ('{"eventStatusCodes": ["ongoing"]}', "'eventStatusCodes'"),
    ('{"services": [42]}', "'services'"),
    ('{"organization": "yes"}', "'organization'"),
    ('{"accountIds": ["111122223333"]}', "accountIds"),
    ('{"organization": true, "accountIds": ["12345"]}', "'accountIds'"),
    ('{"onHealthApiError": "ignore"}', "'onHealthApiError'"),
    ('{"mode": "sideways"}', "'mode'"),
    ('{"maxWaitMinutes": 5}', "maxWaitMinutes"),
    ('{"source": "twitter"}', "'source'"),
    ('{"regions": ["us-east-1"]', "not valid JSON"),
    ('["us-east-1"]', "expected a JSON object"),
    ("us-east-1, not a region", "not a region"),
]


@pytest.mark.parametrize(("user_parameters", "named"), INVALID)
def test_invalid_parameters_fail_as_configuration_error(
    aws_fake: AwsFake, user_parameters: str, named: str
) -> None:
    # When the gate runs with bad UserParameters
    run_gate(job_event(user_parameters))
    # Then it reports ConfigurationError naming the culprit, without asking AWS Health
    message = assert_failure(aws_fake, "ConfigurationError")
    assert named in message
    assert aws_fake.calls_to("DescribeEvents") == []


def test_recorded_invalid_sample_is_a_configuration_error(aws_fake: AwsFake) -> None:
    event = load_event("codepipeline/job-invalid-params.json")
    run_gate(event)
    job_id = event["CodePipeline.job"]["id"]
    assert "Invalid UserParameters" in assert_failure(aws_fake, "ConfigurationError", job_id)


def test_bad_deploy_time_default_names_the_environment_variable(
    aws_fake: AwsFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTH_GATE_EVENT_STATUS_CODES", "open,sometimes")
    run_gate(job_event(None))
    assert "HEALTH_GATE_EVENT_STATUS_CODES" in assert_failure(aws_fake, "ConfigurationError")


def test_event_without_job_data_still_reports(aws_fake: AwsFake) -> None:
    # Given a job event whose data section is missing
    event = {"CodePipeline.job": {"id": JOB_ID, "accountId": "123456789012"}}
    # When the gate runs, then it still reports exactly once
    run_gate(event)
    message = assert_failure(aws_fake, "ConfigurationError")
    assert "data.actionConfiguration.configuration" in message


# --- AWS errors -------------------------------------------------------------------------------


def test_no_support_plan_is_a_configuration_error(aws_fake: AwsFake) -> None:
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    run_gate(job_event(None))
    message = assert_failure(aws_fake, "ConfigurationError")
    assert "Business, Enterprise On-Ramp or Enterprise Support" in message


def test_access_denied_names_the_missing_action(aws_fake: AwsFake) -> None:
    aws_fake.fail_next("DescribeEvents", "AccessDeniedException", status=403)
    run_gate(job_event(None))
    assert "health:DescribeEvents" in assert_failure(aws_fake, "PermissionError")


def test_throttling_that_recovers_gives_a_verdict(aws_fake: AwsFake) -> None:
    # Given two throttled answers before a good one
    aws_fake.fail_next("DescribeEvents", "ThrottlingException", times=2)
    aws_fake.add_event()
    # When the gate runs, then botocore's retries carry it through to a verdict
    run_gate(job_event(None))
    assert len(aws_fake.calls_to("DescribeEvents")) == 3
    assert_failure(aws_fake, "JobFailed")


@pytest.mark.parametrize(
    ("policy", "expected"), [("fail", "SystemUnavailable"), ("pass", "UNKNOWN")]
)
def test_throttling_that_never_recovers_follows_on_health_api_error(
    aws_fake: AwsFake, policy: str, expected: str
) -> None:
    aws_fake.fail_next("DescribeEvents", "ThrottlingException", times=10)
    run_gate(job_event(params(onHealthApiError=policy)))
    assert len(aws_fake.calls_to("DescribeEvents")) == 3  # botocore standard mode: 3 attempts
    if policy == "fail":
        assert "did not answer" in assert_failure(aws_fake, expected)
    else:
        result = assert_success(aws_fake, status=expected)
        assert result["executionDetails"]["summary"].startswith("WARNING")


@pytest.fixture
def two_endpoints(
    aws_fake: AwsFake,
    aws_fake_factory: Callable[..., AwsFake],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[AwsFake, AwsFake]:
    """Active (us-east-1) and passive (us-east-2) Health fakes, found by endpoint discovery."""
    active = aws_fake_factory(signing_region="us-east-1")
    passive = aws_fake_factory(signing_region="us-east-2")
    monkeypatch.delenv("AWS_ENDPOINT_URL_HEALTH")

    class Resolver:
        def endpoints(self, home_region: str) -> tuple[HealthEndpoint, ...]:
            return (
                HealthEndpoint("us-east-1", active.url),
                HealthEndpoint("us-east-2", passive.url),
            )

    monkeypatch.setattr(sources, "endpoint_resolver", Resolver)
    return active, passive


def test_5xx_on_the_active_endpoint_fails_over_to_the_passive_one(
    aws_fake: AwsFake, two_endpoints: tuple[AwsFake, AwsFake]
) -> None:
    # Given an active endpoint that keeps answering 503, and an open issue on the passive one
    active, passive = two_endpoints
    active.fail_next("DescribeEvents", "ServiceUnavailable", times=10)
    passive.add_event(arn=EC2_ARN)
    # When the gate runs
    run_gate(job_event(None))
    # Then it retried the active endpoint, fell over, and reported the passive one's verdict
    assert len(active.calls_to("DescribeEvents")) == 3
    assert [c.signing_region for c in passive.calls] == ["us-east-2"]
    assert EC2_ARN in assert_failure(aws_fake, "JobFailed")


def test_both_endpoints_down_is_system_unavailable(
    aws_fake: AwsFake, two_endpoints: tuple[AwsFake, AwsFake]
) -> None:
    active, passive = two_endpoints
    active.fail_next("DescribeEvents", "InternalFailure", times=10)
    passive.fail_next("DescribeEvents", "InternalFailure", times=10)
    run_gate(job_event(None))
    message = assert_failure(aws_fake, "SystemUnavailable")
    assert "us-east-1" in message and "us-east-2" in message


@pytest.mark.parametrize(
    ("policy", "expected"), [("fail", "SystemUnavailable"), ("pass", "UNKNOWN")]
)
def test_slow_endpoint_near_the_timeout_still_reports_in_time(
    aws_fake: AwsFake, clock: FakeClock, policy: str, expected: str
) -> None:
    # Given a Health API that takes 8 s to answer and only 3 s left in the invocation
    aws_fake.hang_next("DescribeEvents", on_arrival=lambda: clock.advance(8))
    # When the gate runs
    run_gate_on(clock, job_event(params(onHealthApiError=policy)), timeout_ms=3000)
    # Then it reported while the call was still unanswered, as onHealthApiError says
    assert aws_fake.hanging == 1
    if policy == "fail":
        assert "did not answer within" in assert_failure(aws_fake, expected)
    else:
        assert_success(aws_fake, status=expected)


def test_a_hanging_dns_lookup_still_reports_in_time(
    aws_fake: AwsFake, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given endpoint discovery whose DNS lookup takes 8 s, and 3 s left in the invocation
    monkeypatch.delenv("AWS_ENDPOINT_URL_HEALTH")
    answered = threading.Event()
    release = threading.Event()

    class HangingResolver:
        def endpoints(self, home_region: str) -> tuple[HealthEndpoint, ...]:
            clock.advance(8)
            release.wait(30)
            answered.set()
            return (HealthEndpoint("us-east-1", aws_fake.url),)

    monkeypatch.setattr(sources, "endpoint_resolver", HangingResolver)
    # When the gate runs
    try:
        run_gate_on(clock, job_event(None), timeout_ms=3000)
        # Then the lookup counts against the deadline: the report went out before it answered
        assert not answered.is_set()
    finally:
        release.set()
    assert "did not answer within" in assert_failure(aws_fake, "SystemUnavailable")
    assert aws_fake.calls_to("DescribeEvents") == []


# --- reporting --------------------------------------------------------------------------------


def test_a_crash_is_reported_as_job_failed(
    aws_fake: AwsFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(gate, "decide_in_time", explode)
    run_gate(job_event(None))
    assert "internal error" in assert_failure(aws_fake, "JobFailed")


@pytest.mark.parametrize("state", ["Succeeded", "Failed", "Missing"])
def test_a_job_that_already_ended_is_logged_counted_and_not_retried(
    aws_fake: AwsFake,
    log_lines: io.StringIO,
    capsys: pytest.CaptureFixture[str],
    state: JobState,
) -> None:
    # Given CodePipeline holds a result for the job already (a Lambda retry, a timed-out job),
    # or no longer knows it (JobNotFoundException)
    aws_fake.set_job_state(JOB_ID, state)
    # When the gate runs again, then it tries once and returns without raising
    run_gate(job_event(None))
    assert len(aws_fake.reports()) == 1
    # And it says so with the job ID, and counts it
    records = log_records(log_lines)
    ended = next(r for r in records if r["message"] == "job already ended; result not taken")
    assert ended["job_id"] == JOB_ID
    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if "_aws" in line]
    assert [m.get("JobAlreadyEnded") for m in printed] == [[1.0]]


def test_a_failed_report_raises_so_lambda_retries_and_keeps_the_event(aws_fake: AwsFake) -> None:
    aws_fake.fail_next("PutJobSuccessResult", "InternalFailure", times=10)
    with pytest.raises(Exception, match="InternalFailure"):
        run_gate(job_event(None))


def test_logs_never_contain_artifact_credentials(aws_fake: AwsFake, log_lines: io.StringIO) -> None:
    # Given the recorded job event, which carries (fake) live artifact credentials
    aws_fake.add_event(arn=EC2_ARN)
    # When the gate blocks
    run_gate(load_event("codepipeline/job-json-params.json"))
    # Then its logs are JSON with the job ID as correlation ID, the verdict, and no secret
    records = log_records(log_lines)
    decided = next(r for r in records if r["message"] == "gate decided")
    assert decided["correlation_id"] == JOB_ID
    assert decided["verdict"] == "BLOCKED"
    assert decided["blocking"] == [EC2_ARN]
    text = log_lines.getvalue()
    for secret in ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "EXAMPLE-SESSION-TOKEN"):
        assert secret not in text


# --- drills (issue 13) ------------------------------------------------------------------------


def test_a_drill_blocks_like_a_real_incident_and_says_drill(
    aws_fake: AwsFake, log_lines: io.StringIO
) -> None:
    # Given nothing open in AWS Health, and a drill for the next 20 minutes
    until = (datetime.now(UTC) + timedelta(minutes=20)).replace(microsecond=0)
    stamp = until.strftime("%Y-%m-%dT%H:%M:%SZ")
    # When the gate runs
    run_gate(job_event(params(regions=["us-east-1", "global"], drillUntil=stamp)))
    # Then it fails the stage as blocked, in the gate's own block format, saying DRILL
    message = assert_failure(aws_fake, "JobFailed")
    assert message.startswith("Blocked by AWS Health: 1 open event in us-east-1, global")
    assert f"DRILL until {until:%Y-%m-%d %H:%M} UTC" in message
    report = only_report(aws_fake).params["failureDetails"]
    assert report["externalExecutionId"] == "health-gate:blocked"
    decided = next(r for r in log_records(log_lines) if r["message"] == "gate decided")
    assert decided["drill_until"] == until.isoformat()


def test_a_drill_in_the_past_changes_nothing(aws_fake: AwsFake) -> None:
    stamp = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    run_gate(job_event(params(regions=["us-east-1"], drillUntil=stamp)))
    assert_success(aws_fake)


@pytest.mark.parametrize("until", ["2026-12-03T10:00:00", "in an hour"])
def test_a_drill_without_a_zone_or_a_time_is_a_configuration_error(
    aws_fake: AwsFake, until: str
) -> None:
    run_gate(job_event(params(drillUntil=until)))
    assert "drillUntil" in assert_failure(aws_fake, "ConfigurationError")
