"""The template's EventBridge rules route exactly what the retrier can read (moto EventBridge).

moto's rules cannot deliver to SNS or Lambda, so each rule gets an SQS target here: what lands
in the queue is the event as a rule forwards it, which is what reaches GateEventsTopic and then
the retrier as the SNS message.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

from health_gate.retry.messages import HealthNews, StageFailed, parse_message
from tests.fakes.events import load_event

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
RULES = ("StageFailedRule", "HealthEventRule")


def rule_pattern(name: str) -> dict[str, Any]:
    resources = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))["Resources"]
    pattern: dict[str, Any] = resources[name]["Properties"]["EventPattern"]
    return pattern


def forwarded(relative: str) -> dict[str, Any]:
    """The EventBridge event inside one of the recorded SNS samples."""
    message: dict[str, Any] = json.loads(load_event(relative)["Records"][0]["Sns"]["Message"])
    return message


@pytest.fixture
def routed(aws_credentials: None) -> Iterator[Any]:
    """Publishes an event; returns the (rule, delivered event) pairs the template's rules made."""
    with mock_aws():
        events = boto3.client("events", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        queues = {}
        for rule in RULES:
            url = sqs.create_queue(QueueName=rule)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            queues[rule] = url
            events.put_rule(Name=rule, EventPattern=json.dumps(rule_pattern(rule)))
            events.put_targets(
                Rule=rule, Targets=[{"Id": "queue", "Arn": arn["Attributes"]["QueueArn"]}]
            )

        def publish(event: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
            answer = events.put_events(
                Entries=[
                    {
                        "Source": event["source"],
                        "DetailType": event["detail-type"],
                        "Detail": json.dumps(event["detail"]),
                        "Resources": event.get("resources", []),
                    }
                ]
            )
            assert answer["FailedEntryCount"] == 0
            delivered = []
            for rule, url in queues.items():
                for message in sqs.receive_message(QueueUrl=url).get("Messages", []):
                    delivered.append((rule, json.loads(message["Body"])))
            return delivered

        yield publish


def test_a_failed_stage_reaches_the_retrier_as_a_stage_failure(routed: Any) -> None:
    # Given a CodePipeline stage FAILED event, as in the recorded sample
    event = forwarded("retrier/sns-stage-failed-eventbridge.json")
    # When it is published
    delivered = routed(event)
    # Then only the stage rule forwards it, and the retrier reads pipeline, execution and stage
    assert [rule for rule, _ in delivered] == ["StageFailedRule"]
    message = parse_message(json.dumps(delivered[0][1]))
    assert isinstance(message, StageFailed)
    assert (message.pipeline, message.stage, message.execution_id) == (
        "web-app",
        "Deploy",
        event["detail"]["execution-id"],
    )


@pytest.mark.parametrize("state", ["SUCCEEDED", "STARTED", "CANCELED", "RESUMED"])
def test_other_stage_states_are_not_forwarded(routed: Any, state: str) -> None:
    event = copy.deepcopy(forwarded("retrier/sns-stage-failed-eventbridge.json"))
    event["detail"]["state"] = state
    assert routed(event) == []


def test_an_aws_health_event_reaches_the_retrier_as_health_news(routed: Any) -> None:
    # Given the recorded AWS Health event (a closed EC2 issue)
    event = forwarded("retrier/sns-health-closed.json")
    # When it is published
    delivered = routed(event)
    # Then only the health rule forwards it, and the retrier treats it as a trigger to re-check
    assert [rule for rule, _ in delivered] == ["HealthEventRule"]
    message = parse_message(json.dumps(delivered[0][1]))
    assert isinstance(message, HealthNews)
    assert message.status == "closed"
    assert message.event_arn == event["detail"]["eventArn"]


def test_unrelated_events_are_not_forwarded(routed: Any) -> None:
    event = {
        "source": "aws.ec2",
        "detail-type": "EC2 Instance State-change Notification",
        "detail": {"instance-id": "i-0123456789abcdef0", "state": "stopped"},
    }
    assert routed(event) == []
