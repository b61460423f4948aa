"""The gate's rule on plain values: which events block, and the verdict that follows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from health_gate.config.settings import GateSettings
from health_gate.verdict.decision import Verdict, blocks, decide_events, unknown
from health_gate.verdict.events import HealthEvent

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
SETTINGS = GateSettings(regions=("us-east-1", "global"))


def event(
    arn: str = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/1",
    service: str = "EC2",
    code: str = "AWS_EC2_OPERATIONAL_ISSUE",
    category: str = "issue",
    region: str = "us-east-1",
    status: str = "open",
    start: datetime | None = datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
) -> HealthEvent:
    return HealthEvent(arn, service, code, category, region, status, start_time=start)


def test_no_events_is_healthy() -> None:
    # Given AWS Health returns nothing
    # When the gate decides
    decision = decide_events([], SETTINGS, NOW)
    # Then it is healthy, with what it checked and when
    assert decision.verdict is Verdict.HEALTHY
    assert decision.blocking == ()
    assert decision.regions == ("us-east-1", "global")
    assert decision.checked_at == NOW
    assert decision.considered == 0
    assert not decision.blocked


def test_an_open_issue_in_a_watched_region_blocks() -> None:
    # Given one open issue in the gate's region
    open_issue = event()
    # When the gate decides
    decision = decide_events([open_issue], SETTINGS, NOW)
    # Then the deployment is blocked by that event
    assert decision.verdict is Verdict.BLOCKED
    assert decision.blocking == (open_issue,)
    assert decision.considered == 1
    assert decision.blocked


def test_a_closed_event_does_not_block() -> None:
    decision = decide_events([event(status="closed")], SETTINGS, NOW)
    assert decision.verdict is Verdict.HEALTHY
    assert decision.considered == 1


def test_an_upcoming_event_does_not_block_by_default_but_can_be_asked_for() -> None:
    upcoming = event(status="upcoming", category="scheduledChange")
    assert not blocks(upcoming, SETTINGS)
    wider = replace(
        SETTINGS,
        event_status_codes=("open", "upcoming"),
        event_type_categories=("issue", "scheduledChange"),
    )
    assert blocks(upcoming, wider)


def test_an_event_in_another_region_does_not_block() -> None:
    decision = decide_events([event(region="eu-west-1")], SETTINGS, NOW)
    assert decision.verdict is Verdict.HEALTHY


def test_a_global_event_blocks_when_global_is_watched() -> None:
    # Given an IAM issue, which AWS Health reports in region "global"
    iam = event(arn="arn:aws:health:global::event/IAM/X/1", service="IAM", region="global")
    # Then it blocks a gate watching "global" and not one watching only a region
    assert decide_events([iam], SETTINGS, NOW).verdict is Verdict.BLOCKED
    regional_only = replace(SETTINGS, regions=("us-east-1",))
    assert decide_events([iam], regional_only, NOW).verdict is Verdict.HEALTHY


def test_an_ignored_event_type_code_never_blocks() -> None:
    # Given a noisy event type the team has chosen to ignore
    noisy = event(code="AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED")
    settings = replace(
        SETTINGS,
        ignore_event_type_codes=frozenset({"AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED"}),
    )
    # When it is the only event
    decision = decide_events([noisy, event(status="closed")], settings, NOW)
    # Then the gate passes; other types still block
    assert decision.verdict is Verdict.HEALTHY
    assert decide_events([noisy, event(arn="other")], settings, NOW).blocking == (
        event(arn="other"),
    )


@pytest.mark.parametrize("service", ["EC2", "ec2", "Ec2"])
def test_services_filter_is_case_insensitive(service: str) -> None:
    # Given settings naming EC2 (config stores service codes upper-case)
    settings = replace(SETTINGS, services=("EC2", "LAMBDA"))
    # Then an EC2 event blocks however AWS spells the code, and other services do not
    assert blocks(event(service=service), settings)
    assert not blocks(event(service="RDS"), settings)


def test_no_services_filter_means_every_service() -> None:
    assert blocks(event(service="ANYTHING"), SETTINGS)


@pytest.mark.parametrize("category", ["accountNotification", "scheduledChange", "investigation"])
def test_only_the_configured_categories_block(category: str) -> None:
    # Given the default categories (issue only)
    # Then other categories do not block
    assert not blocks(event(category=category), SETTINGS)
    # And they do when configured
    assert blocks(event(category=category), replace(SETTINGS, event_type_categories=(category,)))


def test_duplicates_by_arn_count_once() -> None:
    # Given the same event returned twice (split queries, or two accounts in an organization)
    first = event()
    again = replace(first, status="open", availability_zone="us-east-1a")
    # When the gate decides
    decision = decide_events([first, again, event(arn="arn:other")], SETTINGS, NOW)
    # Then each ARN blocks once (the first copy is kept); every copy was considered
    assert [e.arn for e in decision.blocking] == [first.arn, "arn:other"]
    assert decision.blocking[0] is first
    assert decision.considered == 3


def test_blocking_events_are_ordered_by_start_time_then_service_then_arn() -> None:
    # Given events arriving newest first, as the API returns them
    late = event(arn="c", start=datetime(2024, 5, 1, 11, 0, tzinfo=UTC))
    early_s3 = event(arn="b", service="S3", start=datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    early_ec2 = event(arn="z", service="EC2", start=datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    same_ec2 = event(arn="a", service="EC2", start=datetime(2024, 5, 1, 9, 0, tzinfo=UTC))
    no_start = event(arn="d", start=None)
    # When the gate decides
    decision = decide_events([late, early_s3, early_ec2, no_start, same_ec2], SETTINGS, NOW)
    # Then they are listed oldest first (unknown start first), ties by service then ARN
    assert [e.arn for e in decision.blocking] == ["d", "a", "z", "b", "c"]


def test_decide_accepts_any_iterable_and_keeps_the_source_note() -> None:
    decision = decide_events(iter([event()]), SETTINGS, NOW, source_note="public events only")
    assert decision.blocked
    assert decision.source_note == "public events only"


def test_unknown_carries_the_warning_and_no_events() -> None:
    # Given the Health API could not be reached and onHealthApiError is "pass"
    decision = unknown(SETTINGS, NOW, "AWS Health in us-east-1 did not answer")
    # Then the verdict is UNKNOWN, not blocked, with the reason
    assert decision.verdict is Verdict.UNKNOWN
    assert not decision.blocked
    assert decision.warning == "AWS Health in us-east-1 did not answer"
    assert decision.regions == SETTINGS.regions
    assert decision.blocking == ()
