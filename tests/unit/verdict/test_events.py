"""Value types: timestamps in every shape AWS hands out, and events built from API dicts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent, parse_time

FEB_15 = datetime(2023, 2, 15, 22, 7, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(FEB_15, FEB_15, id="aware datetime (boto3)"),
        pytest.param(datetime(2023, 2, 15, 22, 7, 7), FEB_15, id="naive datetime read as UTC"),
        pytest.param(1676498827, FEB_15, id="epoch seconds int (JSON wire format)"),
        pytest.param(1676498827.0, FEB_15, id="epoch seconds float"),
        pytest.param("1676498827", FEB_15, id="epoch seconds as text"),
        pytest.param("2023-02-15T22:07:07Z", FEB_15, id="ISO 8601 Z (AWS CLI)"),
        pytest.param("2023-02-15T22:07:07+00:00", FEB_15, id="ISO 8601 offset"),
        pytest.param("Wed, 15 Feb 2023 22:07:07 GMT", FEB_15, id="RFC 1123 (EventBridge)"),
    ],
)
def test_parse_time_reads_every_aws_shape_as_aware_utc(value: Any, expected: datetime) -> None:
    # Given a timestamp as boto3, the wire format, the CLI or EventBridge spells it
    # When it is parsed
    parsed = parse_time(value)
    # Then it is the same instant, timezone-aware, in UTC
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(datetime(2023, 2, 16, 0, 7, 7, tzinfo=timezone(timedelta(hours=2))), id="dt"),
        pytest.param("2023-02-16T00:07:07+02:00", id="ISO"),
        pytest.param("Thu, 16 Feb 2023 00:07:07 +0200", id="RFC 1123"),
    ],
)
def test_parse_time_converts_other_offsets_to_utc(value: Any) -> None:
    # Given a time with a non-UTC offset (botocore gives tzlocal() datetimes on a laptop)
    # When it is parsed
    parsed = parse_time(value)
    # Then its wall-clock fields are UTC, so "… UTC" in messages is true
    assert parsed is not None
    assert (parsed.hour, parsed.tzinfo) == (22, UTC)
    assert parsed == FEB_15


@pytest.mark.parametrize("value", [None, ""])
def test_parse_time_of_nothing_is_none(value: Any) -> None:
    # Given a missing timestamp (an open event has no endTime)
    # Then there is no time, and no error
    assert parse_time(value) is None


@pytest.mark.parametrize("value", ["garbage", "Thu, 99 Foo 2023", "2023-13-45", [1], {"t": 1}])
def test_parse_time_rejects_garbage_naming_the_value(value: Any) -> None:
    # Given something that is no timestamp
    # When it is parsed
    # Then a ValueError names the value, rather than a made-up time
    with pytest.raises(ValueError, match="unreadable timestamp"):
        parse_time(value)


def test_health_event_from_api_maps_every_field() -> None:
    # Given a DescribeEvents `Event` as boto3 returns it
    arn = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/abc"
    raw = {
        "arn": arn,
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": "us-east-1",
        "availabilityZone": "us-east-1a",
        "startTime": FEB_15,
        "endTime": "2023-02-16T01:00:00Z",
        "lastUpdatedTime": 1676498827,
        "statusCode": "closed",
        "eventScopeCode": "PUBLIC",
    }
    # When it becomes a HealthEvent
    event = HealthEvent.from_api(raw)
    # Then every field the gate judges or reports is carried over
    assert event == HealthEvent(
        arn=arn,
        service="EC2",
        event_type_code="AWS_EC2_OPERATIONAL_ISSUE",
        category="issue",
        region="us-east-1",
        status="closed",
        start_time=FEB_15,
        end_time=datetime(2023, 2, 16, 1, 0, tzinfo=UTC),
        last_updated=FEB_15,
        scope="PUBLIC",
        availability_zone="us-east-1a",
    )


def test_health_event_from_organization_event_without_optional_fields() -> None:
    # Given an OrganizationEvent (no availabilityZone) that is still open (no endTime)
    raw = {
        "arn": "arn:aws:health:global::event/IAM/AWS_IAM_OPERATIONAL_ISSUE/x",
        "service": "IAM",
        "eventTypeCode": "AWS_IAM_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": "global",
        "statusCode": "open",
    }
    # When it becomes a HealthEvent
    event = HealthEvent.from_api(raw)
    # Then the missing fields are None, not errors
    assert (event.region, event.status) == ("global", "open")
    assert event.start_time is None and event.end_time is None
    assert event.availability_zone is None and event.scope is None


@pytest.mark.parametrize(
    ("verdict", "blocked"),
    [(Verdict.BLOCKED, True), (Verdict.HEALTHY, False), (Verdict.UNKNOWN, False)],
)
def test_decision_is_blocked_only_for_the_blocked_verdict(verdict: Verdict, blocked: bool) -> None:
    assert Decision(verdict=verdict).blocked is blocked
