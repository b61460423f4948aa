"""The retrier's part of template.yaml: names the code relies on, and least privilege.

`sam validate --lint`, cfn-lint and checkov check the template's syntax and general rules
(`make sam-validate checkov`); these tests check what only this project knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from health_gate.config import retrier_settings as environment
from health_gate.config.user_parameters import ENV_VARS

TEMPLATE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "template.yaml").read_text(encoding="utf-8")
)
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]


def statements(role: str) -> dict[str, dict[str, Any]]:
    """Sid -> statement, conditional statements included."""
    found = {}
    for policy in RESOURCES[role]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            if "Fn::If" in statement:
                statement = statement["Fn::If"][1]
            found[statement["Sid"]] = statement
    return found


def test_the_logical_ids_the_issue_names_exist() -> None:
    for name in (
        "GateEventsTopic",
        "RetrierFunction",
        "BlockedExecutionsTable",
        "NotificationsTopic",
    ):
        assert name in RESOURCES


def test_the_retrier_gets_the_environment_wiring_reads() -> None:
    variables = RESOURCES["RetrierFunction"]["Properties"]["Environment"]["Variables"]
    assert variables[environment.GATE_FUNCTION_ENV] == {"Ref": "HealthGateFunction"}
    assert variables[environment.TABLE_ENV] == {"Ref": "BlockedExecutionsTable"}
    assert variables[environment.NOTIFICATIONS_TOPIC_ENV] == {"Ref": "NotificationsTopic"}
    for name in (
        environment.SLACK_WEBHOOK_ENV,
        environment.SWEEP_MINUTES_ENV,
        environment.RECORD_TTL_DAYS_ENV,
    ):
        assert name in variables


def test_gate_and_retrier_share_every_gate_default() -> None:
    shared = TEMPLATE["Globals"]["Function"]["Environment"]["Variables"]
    assert set(ENV_VARS.values()) <= set(shared)


def test_retries_are_limited_to_stages_of_the_allowed_pipelines() -> None:
    allowed = statements("RetrierFunctionRole")
    prefix = "arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:"
    retry = allowed["RetryStagesOfRetryablePipelines"]
    assert retry["Action"] == "codepipeline:RetryStageExecution"
    assert retry["Resource"] == {"Fn::Sub": prefix + "${RetryablePipelines}/*"}
    listing = allowed["ListActionRunsOfRetryablePipelines"]
    assert listing["Resource"] == {"Fn::Sub": prefix + "${RetryablePipelines}"}


@pytest.mark.parametrize(
    ("sid", "resource"),
    [
        ("ConditionalWritesAndSweepOfOneTable", {"Fn::GetAtt": ["BlockedExecutionsTable", "Arn"]}),
        ("PublishToNotificationsTopic", {"Ref": "NotificationsTopic"}),
        ("EncryptForTheTopic", {"Fn::GetAtt": ["TopicsKey", "Arn"]}),
        ("ReadSlackWebhookSecret", {"Ref": "SlackWebhookSecret"}),
        ("SendToDeadLetterQueue", {"Fn::GetAtt": ["RetrierDeadLetterQueue", "Arn"]}),
    ],
)
def test_every_other_permission_names_its_one_resource(sid: str, resource: Any) -> None:
    assert statements("RetrierFunctionRole")[sid]["Resource"] == resource


def test_only_this_accounts_rules_may_publish_gate_events() -> None:
    policy = RESOURCES["GateEventsTopicPolicy"]["Properties"]["PolicyDocument"]
    allow = policy["Statement"][0]
    assert set(allow["Principal"]["Service"]) == {
        "events.amazonaws.com",
        "codestar-notifications.amazonaws.com",
    }
    assert allow["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}


def test_topics_are_encrypted_with_the_stacks_key() -> None:
    for topic in ("GateEventsTopic", "NotificationsTopic"):
        assert RESOURCES[topic]["Properties"]["KmsMasterKeyId"] == {"Ref": "TopicsKey"}


def test_rules_forward_stage_failures_and_health_events() -> None:
    stage = RESOURCES["StageFailedRule"]["Properties"]["EventPattern"]
    assert stage["detail"] == {"state": ["FAILED"]}
    assert stage["detail-type"] == ["CodePipeline Stage Execution State Change"]
    health = RESOURCES["HealthEventRule"]["Properties"]["EventPattern"]
    assert health == {"source": ["aws.health"], "detail-type": ["AWS Health Event"]}


def test_slack_channel_is_optional_and_read_only() -> None:
    channel = RESOURCES["SlackChannel"]
    assert channel["Condition"] == "HasSlackChannel"
    assert channel["Properties"]["GuardrailPolicies"] == [
        {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess"}
    ]


def test_table_expires_records_and_is_recoverable() -> None:
    table = RESOURCES["BlockedExecutionsTable"]["Properties"]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
