"""Wait mode end to end: the handler over real HTTP to the local AWS fake, time on a fake clock.

Each invocation must send exactly one report: success, a continuation, or a failure. Between
invocations the test plays CodePipeline, feeding the continuation token into a new job event.
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest

from health_gate.handlers import gate
from health_gate.pipeline.block_message import BLOCKED_MARKER
from health_gate.pipeline.wait_token import WaitState, decode_token, encode_token
from tests.fakes.aws_fake import AwsFake, FakeCall
from tests.fakes.clock import START, FakeClock, FakeClockContext
from tests.fakes.events import job_event, only_report
from tests.fakes.runtime_fixtures import log_records
from tests.unit.pipeline.test_wait_token import signed, valid_body

EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)


def job(number: int) -> str:
    """A job ID in CodePipeline's format; each invocation of a wait gets a new one."""
    return f"00000000-0000-4000-8000-{number:012d}"


def wait_params(max_wait: int = 10, poll: int = 10, **more: Any) -> str:
    return json.dumps(
        {
            "regions": ["us-east-1", "global"],
            "mode": "wait",
            "maxWaitMinutes": max_wait,
            "pollIntervalSeconds": poll,
            **more,
        }
    )


@pytest.fixture
def open_issue(aws_fake: AwsFake) -> None:
    aws_fake.add_event(arn=EC2_ARN, startTime=START - timedelta(hours=1))


def invoke(
    fake: AwsFake,
    clock: FakeClock,
    user_parameters: str,
    job_id: str,
    token: str | None = None,
    timeout_s: float = 75,
) -> FakeCall:
    """One Lambda invocation; returns its one and only report."""
    event = job_event(user_parameters, job_id)
    if token is not None:
        event["CodePipeline.job"]["data"]["continuationToken"] = token
    fake.clear_calls()
    gate.handler(event, FakeClockContext(clock, timeout_ms=int(timeout_s * 1000)))
    report = only_report(fake)
    assert report.params["jobId"] == job_id
    return report


def continuation_of(report: FakeCall) -> str:
    assert report.operation == "PutJobSuccessResult"
    assert "outputVariables" not in report.params  # not allowed together with a token
    token: str = report.params["continuationToken"]
    assert 0 < len(token) <= 2048
    return token


def test_events_that_clear_during_the_first_invocation_release_the_stage(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None
) -> None:
    # Given an open issue that closes 95 s into the wait, and a 5-minute function
    clock.at(95, aws_fake.clear_events)
    # When the gate runs in wait mode, checking every 30 s
    report = invoke(aws_fake, clock, wait_params(poll=30), job(1), timeout_s=300)
    # Then it checked at 0, 30, 60, 90 and 120 s, and succeeded once, saying how long it waited
    assert report.operation == "PutJobSuccessResult"
    assert report.params["outputVariables"] == {
        "status": "HEALTHY",
        "blockingEvents": "0",
        "regions": "us-east-1,global",
        "waitedSeconds": "120",
    }
    assert "Waited 2 min" in report.params["executionDetails"]["summary"]
    assert len(aws_fake.calls_to("DescribeEvents")) == 5
    assert clock.sleeps == [30, 30, 30, 30]


def test_healthy_at_once_succeeds_with_zero_waited(aws_fake: AwsFake, clock: FakeClock) -> None:
    report = invoke(aws_fake, clock, wait_params(), job(1))
    assert report.params["outputVariables"]["waitedSeconds"] == "0"
    assert clock.sleeps == []


def test_events_that_clear_after_two_continuations_release_the_stage(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None
) -> None:
    # Given an open issue and a function with 75 s per invocation (decisions at 0-50 s)
    # When the first invocation runs out of time
    first = invoke(aws_fake, clock, wait_params(), job(1))
    # Then it asks CodePipeline to come back, with the wait's progress
    token = continuation_of(first)
    details = first.params["executionDetails"]
    assert details["summary"].startswith(
        "Waiting for 1 AWS Health event in us-east-1 (0 min of 10)"
    )
    assert details["percentComplete"] == 8  # 50 s of 600
    assert decode_token(token) == WaitState(START, 1, (EC2_ARN,), 1)
    assert len(aws_fake.calls_to("DescribeEvents")) == 6

    # When CodePipeline re-invokes 20 s later with the token (a new job ID)
    clock.advance(20)
    second = invoke(aws_fake, clock, wait_params(), job(2), token)
    # Then the wait resumes from the first block
    token = continuation_of(second)
    assert second.params["executionDetails"]["summary"].startswith(
        "Waiting for 1 AWS Health event in us-east-1 (2 min of 10)"
    )
    assert second.params["executionDetails"]["percentComplete"] == 20
    assert decode_token(token).attempt == 2

    # When the issue has closed by the third invocation
    clock.advance(20)
    aws_fake.clear_events()
    third = invoke(aws_fake, clock, wait_params(), job(3), token)
    # Then the stage succeeds, counting the wait from the very first block
    assert third.operation == "PutJobSuccessResult"
    assert third.params["outputVariables"]["waitedSeconds"] == "140"
    assert "continuationToken" not in third.params


def test_events_that_never_clear_fail_the_stage_after_max_wait(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None
) -> None:
    # Given an issue that stays open and maxWaitMinutes 2
    token: str | None = None
    reports: list[FakeCall] = []
    # When CodePipeline keeps re-invoking the gate with each token (bounded, to catch loops)
    for attempt in range(1, 20):
        report = invoke(aws_fake, clock, wait_params(max_wait=2), job(attempt), token)
        reports.append(report)
        if report.operation != "PutJobSuccessResult":
            break
        token = continuation_of(report)
        clock.advance(20)
    # Then the second invocation fails at exactly 2 minutes, as a blocked stage
    assert [r.operation for r in reports] == ["PutJobSuccessResult", "PutJobFailureResult"]
    assert clock.offset == 120
    failure = reports[-1].params["failureDetails"]
    assert failure["type"] == "JobFailed"
    assert failure["externalExecutionId"] == BLOCKED_MARKER
    assert failure["message"].startswith(
        "Blocked by AWS Health: 1 open event in us-east-1, global; waited 2 min "
        "(maxWaitMinutes is 2) and they are still open."
    )
    assert EC2_ARN in failure["message"]


def _altered_token() -> str:
    token = encode_token(WaitState(START, 1, (EC2_ARN,), 1))
    return token.replace('"attempt":1', '"attempt":9')


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("garbage", "not JSON"),
        ("{}", "unknown version"),
        (_altered_token(), "altered or corrupted"),
        (signed(valid_body(v=2)), "unknown version"),
        (encode_token(WaitState(START + timedelta(hours=2), 1, (), 1)), "in the future"),
    ],
    ids=["garbage", "empty-object", "altered", "unknown-version", "future"],
)
def test_a_bad_token_is_a_configuration_error_without_a_health_call(
    aws_fake: AwsFake, clock: FakeClock, token: str, reason: str
) -> None:
    report = invoke(aws_fake, clock, wait_params(), job(2), token)
    assert report.operation == "PutJobFailureResult"
    failure = report.params["failureDetails"]
    assert failure["type"] == "ConfigurationError"
    assert "continuation token" in failure["message"] and reason in failure["message"]
    assert aws_fake.calls_to("DescribeEvents") == []


@pytest.mark.parametrize(("policy", "expected"), [("fail", "failure"), ("pass", "UNKNOWN")])
def test_a_slow_health_api_still_gets_a_report_before_the_deadline(
    aws_fake: AwsFake, clock: FakeClock, policy: str, expected: str
) -> None:
    # Given a resumed wait, a Health API that takes 8 s, and 3 s left in the invocation
    aws_fake.hang_next("DescribeEvents", on_arrival=lambda: clock.advance(8))
    token = encode_token(WaitState(START - timedelta(minutes=3), 1, (EC2_ARN,), 1))
    # When the gate runs
    params = wait_params(onHealthApiError=policy)
    report = invoke(aws_fake, clock, params, job(2), token, timeout_s=3)
    # Then it reported while the call was still unanswered, as onHealthApiError says
    assert aws_fake.hanging == 1
    if expected == "failure":
        assert report.params["failureDetails"]["type"] == "SystemUnavailable"
        assert "did not answer within" in report.params["failureDetails"]["message"]
    else:
        assert report.params["outputVariables"]["status"] == "UNKNOWN"
        assert report.params["outputVariables"]["waitedSeconds"] == "180"


def test_a_re_check_retries_throttling_like_any_check(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None
) -> None:
    # Given the Health API throttles once at the second check, and the issue closes by then
    def throttle_and_close() -> None:
        aws_fake.fail_next("DescribeEvents", "ThrottlingException")
        aws_fake.clear_events()

    clock.at(10, throttle_and_close)
    # When the gate waits
    report = invoke(aws_fake, clock, wait_params(), job(1))
    # Then botocore retried the throttled call and the stage was released
    assert report.params["outputVariables"]["waitedSeconds"] == "10"
    statuses = [c.status for c in aws_fake.calls if c.operation == "DescribeEvents"]
    assert statuses == [200, 400, 200]


def test_a_re_check_that_is_denied_ends_the_wait_with_that_error(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None
) -> None:
    clock.at(10, lambda: aws_fake.fail_next("DescribeEvents", "AccessDeniedException"))
    report = invoke(aws_fake, clock, wait_params(), job(1))
    assert report.params["failureDetails"]["type"] == "PermissionError"


def test_logs_follow_the_wait_without_the_token(
    aws_fake: AwsFake, clock: FakeClock, open_issue: None, log_lines: io.StringIO
) -> None:
    report = invoke(aws_fake, clock, wait_params(), job(1))
    token = continuation_of(report)
    records = log_records(log_lines)
    decisions = [r for r in records if r["message"] == "gate decided while waiting"]
    assert len(decisions) == 6 and all(r["correlation_id"] == job(1) for r in decisions)
    still = next(r for r in records if r["message"] == "gate still waiting")
    assert still["token_chars"] == len(token)
    assert token not in log_lines.getvalue()


# --- drills (issue 13) ------------------------------------------------------------------------


def test_a_wait_holds_through_a_drill_and_passes_when_it_ends(
    aws_fake: AwsFake, clock: FakeClock, log_lines: io.StringIO
) -> None:
    # Given nothing open in AWS Health, and a drill until 90 s from now
    until = (START + timedelta(seconds=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    # When the gate waits
    report = invoke(aws_fake, clock, wait_params(drillUntil=until), job(1), timeout_s=300)
    # Then it held the stage through the drill, and passed once the drill ended
    assert report.operation == "PutJobSuccessResult"
    assert report.params["outputVariables"]["status"] == "HEALTHY"
    assert 90 <= int(report.params["outputVariables"]["waitedSeconds"]) <= 100
    waits = [r for r in log_records(log_lines) if r["message"] == "gate decided while waiting"]
    assert [w["verdict"] for w in waits][:2] == ["BLOCKED", "BLOCKED"]


def test_a_drill_longer_than_the_invocation_continues_saying_drill(
    aws_fake: AwsFake, clock: FakeClock
) -> None:
    until = (START + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    report = invoke(aws_fake, clock, wait_params(max_wait=60, drillUntil=until), job(1))
    summary = report.params["executionDetails"]["summary"]
    assert "continuationToken" in report.params
    assert "DRILL until 2026-05-01 12:30 UTC" in summary
