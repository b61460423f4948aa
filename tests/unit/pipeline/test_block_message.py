"""The blocked message: what the gate writes, the retrier reads back, to the letter."""

from __future__ import annotations

from datetime import UTC, datetime

from health_gate.pipeline.block_message import (
    BLOCKED_PREFIX,
    IncidentRef,
    blocked_message,
    describe_event,
    parse_incidents,
)
from health_gate.verdict.events import HealthEvent

STARTED = datetime(2026, 11, 23, 14, 5, tzinfo=UTC)
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)


def test_every_line_the_gate_writes_is_read_back_whole() -> None:
    # Given events with and without a start time, in every kind of region
    events = [
        HealthEvent(EC2_ARN, "EC2", "AWS_EC2_OPERATIONAL_ISSUE", "issue", "us-east-1", "open",
                    start_time=STARTED),
        HealthEvent("arn:aws:health:global::event/IAM/AWS_IAM_OPERATIONAL_ISSUE/I_1", "IAM",
                    "AWS_IAM_OPERATIONAL_ISSUE", "issue", "global", "open"),
        HealthEvent("arn:aws-us-gov:health:us-gov-west-1::event/MULTIPLE_SERVICES/X/X_2",
                    "MULTIPLE_SERVICES", "X", "issue", "us-gov-west-1", "open",
                    start_time=STARTED),
    ]  # fmt: skip
    # When the gate writes its message and the retrier parses it
    text = blocked_message(events, ("us-east-1", "global"))
    # Then the message starts with the prefix the retrier looks for, and every field returns
    assert text.startswith(BLOCKED_PREFIX)
    assert parse_incidents([text]) == tuple(
        IncidentRef(e.arn, e.service, e.event_type_code, e.region) for e in events
    )
    assert parse_incidents([describe_event(events[0])])[0].region == "us-east-1"


def test_incidents_are_read_back_from_the_gates_own_message() -> None:
    # Given the message the gate writes for three events, cut short by the length limit
    events = [
        HealthEvent(
            arn=f"arn:aws:health:{region}::event/{svc}/AWS_{svc}_OPERATIONAL_ISSUE/X_{n}",
            service=svc,
            event_type_code=f"AWS_{svc}_OPERATIONAL_ISSUE",
            category="issue",
            region=region,
            status="open",
            start_time=STARTED,
        )
        for n, (svc, region) in enumerate(
            [("EC2", "us-east-1"), ("IAM", "global"), ("S3", "eu-west-1")]
        )
    ]
    text = blocked_message(events, ("us-east-1", "global"), limit=400)
    # When the incidents are parsed back
    incidents = parse_incidents([text])
    # Then those listed come back whole, in order
    assert [i.arn for i in incidents] == [e.arn for e in events][: len(incidents)]
    assert incidents[0].service == "EC2"
    assert incidents[1].region == "global"
    assert "more" in text


def test_a_bare_health_arn_is_still_an_incident() -> None:
    incidents = parse_incidents([f"see {EC2_ARN}."])
    assert [(i.arn, i.service, i.region) for i in incidents] == [(EC2_ARN, "EC2", "us-east-1")]
