"""The gate on the public AWS Health Dashboard feed (`source` public-dashboard and auto).

The handler fetches recorded feeds over real HTTP from a local server (through
HEALTH_GATE_PUBLIC_FEED_URL) and, for `auto`, asks the local AWS fake first.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from health_gate.handlers import gate
from health_gate.pipeline.block_message import BLOCKED_MARKER
from health_gate.verdict.sources import FALLBACK_NOTE, PUBLIC_FEED_NOTE
from tests.fakes.aws_fake import AwsFake, FakeCall
from tests.fakes.clock import FakeClock, FakeClockContext
from tests.fakes.events import job_event, only_report
from tests.fakes.feed_server import FeedServer
from tests.fakes.lambda_context import FakeLambdaContext

JOB_ID = "5f1c9a8e-2b7d-4c3a-9e6f-0d4b8a2c7e11"
EC2_FEED_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/"
    "AWS_EC2_OPERATIONAL_ISSUE_7C4F2A9B1E3"
)


@pytest.fixture
def feed(feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch) -> FeedServer:
    """The gate reads its public feed from the local server."""
    monkeypatch.setenv("HEALTH_GATE_PUBLIC_FEED_URL", feed_server.url)
    return feed_server


def run_gate(fake: AwsFake, **user_parameters: Any) -> FakeCall:
    """One invocation; returns its one and only report."""
    params = {"source": "public-dashboard", "regions": ["us-east-1", "global"], **user_parameters}
    gate.handler(job_event(json.dumps(params)), FakeLambdaContext())
    report = only_report(fake)
    assert report.params["jobId"] == JOB_ID
    return report


def summary(report: FakeCall) -> str:
    assert report.operation == "PutJobSuccessResult"
    text: str = report.params["executionDetails"]["summary"]
    return text


def failure(report: FakeCall, failure_type: str) -> str:
    assert report.operation == "PutJobFailureResult"
    details = report.params["failureDetails"]
    assert details["type"] == failure_type
    message: str = details["message"]
    return message


@pytest.mark.parametrize("name", ["ec2-open.utf16be.json", "ec2-open.utf16le.json"])
def test_an_open_issue_in_the_feed_blocks_in_either_byte_order(
    aws_fake: AwsFake, feed: FeedServer, name: str
) -> None:
    # Given the public feed lists an open EC2 issue in us-east-1
    feed.serve_file(name)
    # When the gate runs on the public feed
    report = run_gate(aws_fake)
    # Then the stage is blocked, naming the event, without asking the Health API
    message = failure(report, "JobFailed")
    assert message.startswith("Blocked by AWS Health: 1 open event")
    assert EC2_FEED_ARN in message
    assert report.params["failureDetails"]["externalExecutionId"] == BLOCKED_MARKER
    assert aws_fake.calls_to("DescribeEvents") == []
    assert len(feed.requests) == 1


@pytest.mark.parametrize("name", ["empty.utf16be.json", "resolved.utf16be.json"])
def test_nothing_open_passes_and_says_the_feed_has_public_events_only(
    aws_fake: AwsFake, feed: FeedServer, name: str
) -> None:
    feed.serve_file(name)
    report = run_gate(aws_fake)
    assert report.params["outputVariables"]["status"] == "HEALTHY"
    assert summary(report).endswith(PUBLIC_FEED_NOTE)
    assert "public events only" in summary(report)


@pytest.mark.parametrize(
    ("regions", "services", "verdict"),
    [
        (["eu-west-1"], ["EC2"], "JobFailed"),  # multipleservices matches any service filter
        (["eu-west-1"], [], "JobFailed"),
        (["us-east-1", "global"], ["EC2"], "HEALTHY"),  # another region
    ],
)
def test_a_multi_service_regional_event(
    aws_fake: AwsFake, feed: FeedServer, regions: list[str], services: list[str], verdict: str
) -> None:
    feed.serve_file("multiple-services-eu-west-1.utf16be.json")
    report = run_gate(aws_fake, regions=regions, services=services)
    if verdict == "HEALTHY":
        assert report.params["outputVariables"]["status"] == "HEALTHY"
    else:
        assert "MULTIPLE_SERVICES" in failure(report, verdict)


@pytest.mark.parametrize(
    ("regions", "services", "blocked"),
    [(["us-east-1", "global"], [], True), (["us-east-1"], [], False), (["global"], ["EC2"], False)],
)
def test_a_global_service_event_blocks_only_where_global_is_watched(
    aws_fake: AwsFake, feed: FeedServer, regions: list[str], services: list[str], blocked: bool
) -> None:
    feed.serve_file("global-route53.utf16be.json")
    report = run_gate(aws_fake, regions=regions, services=services)
    if blocked:
        assert "ROUTE53" in failure(report, "JobFailed")
    else:
        assert report.params["outputVariables"]["status"] == "HEALTHY"


def test_a_mixed_feed_blocks_on_the_open_events_in_the_watched_regions(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    feed.serve_file("mixed.utf16be.json")
    message = failure(run_gate(aws_fake), "JobFailed")
    assert message.startswith("Blocked by AWS Health: 2 open events in us-east-1, global")
    assert EC2_FEED_ARN in message and "ROUTE53" in message
    assert "LAMBDA" not in message and "eu-west-1" not in message


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("garbage.bin", "application/octet-stream"), ("html-error.html", "text/html")],
)
def test_an_unreadable_feed_fails_as_unavailable_naming_the_feed(
    aws_fake: AwsFake, feed: FeedServer, name: str, content_type: str
) -> None:
    feed.serve_file(name, content_type=content_type)
    message = failure(run_gate(aws_fake), "SystemUnavailable")
    assert "public AWS Health Dashboard feed" in message and feed.url in message


def test_an_unreadable_feed_passes_with_a_warning_when_on_health_api_error_is_pass(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    feed.serve_file("html-error.html", content_type="text/html")
    report = run_gate(aws_fake, onHealthApiError="pass")
    assert report.params["outputVariables"]["status"] == "UNKNOWN"
    assert summary(report).startswith("WARNING")
    assert "public AWS Health Dashboard feed" in summary(report)


def test_an_unreachable_feed_is_retried_once_then_unavailable(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    feed.fail_next(503, times=2)
    message = failure(run_gate(aws_fake), "SystemUnavailable")
    assert "could not be fetched after a retry" in message
    assert len(feed.requests) == 2


# --- source: auto -----------------------------------------------------------------------------


def test_auto_falls_back_to_the_feed_without_a_support_plan(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    # Given an account without a support plan, and a quiet public feed
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    feed.serve_file("empty.utf16be.json")
    # When the gate runs with source auto
    report = run_gate(aws_fake, source="auto")
    # Then it asked the API once, then the feed, passed, and says what it could see
    assert len(aws_fake.calls_to("DescribeEvents")) == 1
    assert len(feed.requests) == 1
    assert report.params["outputVariables"]["status"] == "HEALTHY"
    assert summary(report).endswith(FALLBACK_NOTE)


def test_auto_blocks_on_the_feed_after_falling_back(aws_fake: AwsFake, feed: FeedServer) -> None:
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    feed.serve_file("ec2-open.utf16be.json")
    assert EC2_FEED_ARN in failure(run_gate(aws_fake, source="auto"), "JobFailed")


def test_auto_uses_the_health_api_when_the_account_has_a_plan(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    feed.serve_file("ec2-open.utf16be.json")
    report = run_gate(aws_fake, source="auto")
    assert report.params["outputVariables"]["status"] == "HEALTHY"
    assert "public" not in summary(report)
    assert feed.requests == []


def test_auto_does_not_hide_other_api_errors(aws_fake: AwsFake, feed: FeedServer) -> None:
    aws_fake.fail_next("DescribeEvents", "AccessDeniedException")
    assert "health:DescribeEvents" in failure(run_gate(aws_fake, source="auto"), "PermissionError")
    assert feed.requests == []


def test_auto_with_an_unreadable_feed_follows_on_health_api_error(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    feed.serve_file("garbage.bin", content_type="application/octet-stream")
    message = failure(run_gate(aws_fake, source="auto"), "SystemUnavailable")
    assert "public AWS Health Dashboard feed" in message


def test_the_health_api_source_still_says_a_plan_is_needed(
    aws_fake: AwsFake, feed: FeedServer
) -> None:
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")
    message = failure(run_gate(aws_fake, source="health-api"), "ConfigurationError")
    assert "Business, Enterprise On-Ramp or Enterprise Support" in message
    assert feed.requests == []


# --- wait mode on the feed --------------------------------------------------------------------


def test_wait_mode_on_the_feed_releases_the_stage_when_the_feed_clears(
    aws_fake: AwsFake, feed: FeedServer, clock: FakeClock
) -> None:
    # Given an open issue on the feed that is gone 25 s later
    feed.serve_file("ec2-open.utf16be.json")
    clock.at(25, lambda: feed.serve_file("empty.utf16be.json"))
    # When the gate waits, checking every 10 s
    params = {
        "source": "public-dashboard",
        "regions": ["us-east-1"],
        "mode": "wait",
        "pollIntervalSeconds": 10,
    }
    gate.handler(job_event(json.dumps(params)), FakeClockContext(clock))
    # Then one feed request per check, and one success after 30 s
    [report] = aws_fake.reports()
    assert report.params["outputVariables"]["waitedSeconds"] == "30"
    assert PUBLIC_FEED_NOTE in summary(report)
    assert "Waited 30 s for AWS Health." in summary(report)
    assert len(feed.requests) == 4


# --- fail closed on real-world feed data (issue 10) -------------------------------------------


@pytest.mark.parametrize(
    ("name", "region"),
    [
        ("arn-region-without-suffix.utf16be.json", "us-east-1"),
        ("legacy-s3-us-standard.utf16be.json", "us-east-1"),
        ("capture-me-central-1.utf16be.json", "me-central-1"),
    ],
)
def test_a_feed_entry_blocks_the_gate_of_its_region_not_global(
    aws_fake: AwsFake, feed: FeedServer, name: str, region: str
) -> None:
    # Given a feed entry whose region is in its ARN or in a (legacy) service-key suffix
    feed.serve_file(name)
    # When a gate watching only that region runs (not global)
    report = run_gate(aws_fake, regions=[region])
    # Then it blocks: the entry was not filed under global
    assert failure(report, "JobFailed").startswith("Blocked by AWS Health: 1 open event")
    assert report.params["failureDetails"]["externalExecutionId"] == BLOCKED_MARKER


@pytest.mark.parametrize(("policy", "status"), [("fail", "SystemUnavailable"), ("pass", "UNKNOWN")])
def test_a_feed_larger_than_the_limit_is_an_unavailable_source(
    aws_fake: AwsFake,
    feed: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
    policy: str,
    status: str,
) -> None:
    # Given a feed answering with more bytes than the configured limit
    monkeypatch.setenv("HEALTH_GATE_PUBLIC_FEED_MAX_BYTES", "2048")
    feed.serve(b"[" + b" " * 4096 + b"]")
    # When the gate runs
    report = run_gate(aws_fake, onHealthApiError=policy)
    # Then onHealthApiError decides, as for any unavailable source: never a crash, never a pass
    # that hides it
    if policy == "fail":
        assert "more than 2048 bytes" in failure(report, status)
    else:
        assert report.params["outputVariables"]["status"] == status
        assert "more than 2048 bytes" in summary(report)
