"""Messages for Slack: Chatbot's custom schema and a plain webhook payload."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from health_gate.pipeline.block_message import IncidentRef
from health_gate.retry.blocked import BlockedExecution
from health_gate.retry.notices import (
    MAX_DESCRIPTION,
    blocked_notice,
    chatbot_message,
    resumed_notice,
    slack_message,
    stale_notice,
)

NOW = datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
ARN = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
RECORD = BlockedExecution(
    pipeline="web-app",
    stage="Deploy",
    execution_id="1d247af2-7eb3-4569-aeda-41416e2a81c5",
    attempt_ids=("run-1",),
    started=NOW,
    blocked_at=NOW,
    incidents=(IncidentRef(ARN, "EC2", "AWS_EC2_OPERATIONAL_ISSUE", "us-east-1"),),
)


def test_blocked_notice_follows_chatbots_custom_schema() -> None:
    # When a block is announced
    message = chatbot_message(blocked_notice(RECORD, "us-east-1", sweep_minutes=5))
    # Then it is a Chatbot custom notification naming pipeline, stage, incident and next steps
    assert message["version"] == "1.0"
    assert message["source"] == "custom"
    content = message["content"]
    assert content["textType"] == "client-markdown"
    assert "web-app" in content["title"] and "Deploy" in content["title"]
    assert "EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1" in content["description"]
    assert (
        f"https://health.aws.amazon.com/health/home#/account/event-log?eventID={ARN}"
        in (content["description"])
    )
    assert any("every 5 minutes" in step for step in content["nextSteps"])
    assert content["keywords"] == ["web-app", "Deploy", "EC2"]
    assert message["metadata"]["eventType"] == "HealthGateBlocked"
    assert message["metadata"]["relatedResources"] == [ARN]


def test_one_thread_per_blocked_execution() -> None:
    blocked = chatbot_message(blocked_notice(RECORD, "us-east-1", 5))
    resumed = chatbot_message(resumed_notice(RECORD, "us-east-1"))
    stale = chatbot_message(stale_notice(RECORD, "us-east-1", "NotLatestPipelineExecution"))
    threads = {m["metadata"]["threadId"] for m in (blocked, resumed, stale)}
    assert threads == {"health-gate/web-app/Deploy/1d247af2-7eb3-4569-aeda-41416e2a81c5"}


def test_resumed_notice_links_the_execution() -> None:
    content = chatbot_message(resumed_notice(RECORD, "eu-west-1"))["content"]
    assert content["title"].startswith(":arrow_forward: Deployment resumed")
    assert content["nextSteps"] == [
        "Follow the execution: https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/"
        "pipelines/web-app/executions/1d247af2-7eb3-4569-aeda-41416e2a81c5/timeline"
        "?region=eu-west-1"
    ]


def test_stale_notice_says_why() -> None:
    content = chatbot_message(stale_notice(RECORD, "us-east-1", "StageNotRetryableException: x"))
    assert "StageNotRetryableException: x" in content["content"]["description"]


def test_long_texts_are_cut_to_the_limits() -> None:
    many = tuple(IncidentRef(f"{ARN}{n}", "EC2", "X", "us-east-1") for n in range(400))
    record = replace(RECORD, incidents=many)
    chatbot = chatbot_message(blocked_notice(record, "us-east-1", 5))
    slack = slack_message(blocked_notice(record, "us-east-1", 5))
    assert len(chatbot["content"]["description"]) == MAX_DESCRIPTION
    assert len(slack["text"]) <= 3900


def test_slack_webhook_payload_is_one_mrkdwn_text() -> None:
    payload = slack_message(blocked_notice(RECORD, "us-east-1", 5))
    assert payload["text"].startswith("*:no_entry: Deployment blocked by AWS Health: web-app")
    assert ARN in payload["text"]
