"""The retrier's part of template.yaml: names the code relies on, and least privilege.

`sam validate --lint`, cfn-lint and checkov check the template's syntax and general rules
(`make sam-validate checkov`); these tests check what only this project knows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from health_gate.config import retrier_settings as environment
from health_gate.config.user_parameters import ENV_VARS
from tests.fakes import cfn

TEMPLATE: dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "template.yaml").read_text(encoding="utf-8")
)
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
EVENTS = "events.amazonaws.com"
CODESTAR = "codestar-notifications.amazonaws.com"


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


PSEUDO = {"AWS::Partition": "aws", "AWS::Region": "eu-west-1", "AWS::AccountId": "123456789012"}
PREFIX = "arn:aws:codepipeline:eu-west-1:123456789012:"


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("*", ["*"]),
        ("prod-*,web-app", ["prod-*", "web-app"]),
        ("a,b,c,d,e", ["a", "b", "c", "d", "e"]),
    ],
)
def test_retries_are_limited_to_stages_of_the_allowed_pipelines(
    value: str, names: list[str]
) -> None:
    # Given RetryablePipelines with one to five names or patterns, as deployed
    allowed = statements("RetrierFunctionRole")
    parameters = {**PSEUDO, "RetryablePipelines": value}
    retry = allowed["RetryStagesOfRetryablePipelines"]
    listing = allowed["ListActionRunsOfRetryablePipelines"]
    # Then the role may list and retry exactly those pipelines' runs and stages
    assert retry["Action"] == "codepipeline:RetryStageExecution"
    assert set(cfn.resolve(retry["Resource"], parameters, {})) == {
        f"{PREFIX}{name}/*" for name in names
    }
    assert set(cfn.resolve(listing["Resource"], parameters, {})) == {
        f"{PREFIX}{name}" for name in names
    }


def test_the_pipelines_parameter_takes_what_the_retrier_reads() -> None:
    pattern = TEMPLATE["Parameters"]["RetryablePipelines"]["AllowedPattern"]
    for good in ("*", "prod-*,web-app", "a, b ,c,d,e"):
        assert re.fullmatch(pattern, good)
    for bad in ("", "a,b,c,d,e,f", "prod/*", "a,,b"):
        assert not re.fullmatch(pattern, bad)
    variables = RESOURCES["RetrierFunction"]["Properties"]["Environment"]["Variables"]
    assert variables[environment.RETRYABLE_PIPELINES_ENV] == {"Ref": "RetryablePipelines"}


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


def _service_statements(document: dict[str, Any], service: str) -> list[dict[str, Any]]:
    found = []
    for statement in document["Statement"]:
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        if service in ([services] if isinstance(services, str) else services):
            found.append(statement)
    return found


def test_no_key_statement_for_eventbridge_carries_a_source_condition() -> None:
    # The SNS Developer Guide: aws:SourceAccount, aws:SourceArn and aws:SourceOrgID are not
    # supported in a key policy for EventBridge-to-encrypted-topic delivery
    for name, resource in RESOURCES.items():
        if resource["Type"] != "AWS::KMS::Key":
            continue
        for statement in _service_statements(resource["Properties"]["KeyPolicy"], EVENTS):
            conditions = json.dumps(statement.get("Condition", {})).lower()
            assert "aws:source" not in conditions, f"{name}: {statement}"


def test_the_key_lets_each_publisher_encrypt_as_aws_documents() -> None:
    policy = RESOURCES["TopicsKey"]["Properties"]["KeyPolicy"]
    [events] = _service_statements(policy, EVENTS)
    assert events["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert "Condition" not in events
    [codestar] = _service_statements(policy, CODESTAR)
    assert codestar["Action"] == ["kms:GenerateDataKey*", "kms:Decrypt"]
    assert codestar["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "sns.${AWS::Region}.amazonaws.com"}}
    }


def test_the_gate_events_topic_has_one_documented_statement_per_publisher() -> None:
    policy = RESOURCES["GateEventsTopicPolicy"]["Properties"]["PolicyDocument"]
    [events] = _service_statements(policy, EVENTS)
    assert "Condition" not in events and events["Resource"] == {"Ref": "GateEventsTopic"}
    [codestar] = _service_statements(policy, CODESTAR)
    assert codestar["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }
    # And no Deny: none is documented to hold for these publishers
    assert [s for s in policy["Statement"] if s["Effect"] == "Deny"] == []


def test_only_the_retrier_may_publish_what_slack_shows() -> None:
    policy = RESOURCES["NotificationsTopicPolicy"]["Properties"]["PolicyDocument"]
    [deny] = [s for s in policy["Statement"] if s["Sid"] == "OnlyTheRetrierPublishes"]
    assert (deny["Effect"], deny["Principal"], deny["Action"]) == ("Deny", "*", "sns:Publish")
    assert deny["Condition"] == {
        "ArnNotEquals": {"aws:PrincipalArn": {"Fn::GetAtt": ["RetrierFunctionRole", "Arn"]}}
    }
    assert all(s["Action"] == "sns:Publish" for s in policy["Statement"])  # subscribing works


@pytest.mark.parametrize(
    ("alarm", "namespace", "metric", "dimension"),
    [
        ("GateFailedInvocationsAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
         {"Fn::GetAtt": ["GateFailedInvocationsQueue", "QueueName"]}),
        ("RetrierDeadLetterAlarm", "AWS/SQS", "ApproximateNumberOfMessagesVisible",
         {"Fn::GetAtt": ["RetrierDeadLetterQueue", "QueueName"]}),
        ("GateInternalErrorsAlarm", "HealthGate", "GateInternalErrors", "health-gate"),
        ("RetrierErrorsAlarm", "AWS/Lambda", "Errors", {"Ref": "RetrierFunction"}),
        ("StageFailedRuleFailedInvocationsAlarm", "AWS/Events", "FailedInvocations",
         {"Ref": "StageFailedRule"}),
        ("HealthEventRuleFailedInvocationsAlarm", "AWS/Events", "FailedInvocations",
         {"Ref": "HealthEventRule"}),
        ("SweepScheduleRuleFailedInvocationsAlarm", "AWS/Events", "FailedInvocations",
         {"Ref": "SweepScheduleRule"}),
    ],
)  # fmt: skip
def test_every_alarm_watches_its_one_thing_and_notifies_the_optional_topic(
    alarm: str, namespace: str, metric: str, dimension: Any
) -> None:
    properties = RESOURCES[alarm]["Properties"]
    assert (properties["Namespace"], properties["MetricName"]) == (namespace, metric)
    assert properties["Dimensions"][0]["Value"] == dimension
    assert properties["Threshold"] == 1 and properties["TreatMissingData"] == "notBreaching"
    assert properties["AlarmActions"] == {
        "Fn::If": ["HasAlarmTopic", [{"Ref": "AlarmTopicArn"}], {"Ref": "AWS::NoValue"}]
    }


def test_every_event_rule_has_a_failed_invocations_alarm() -> None:
    rules = {n for n, r in RESOURCES.items() if r["Type"] == "AWS::Events::Rule"}
    watched = {
        r["Properties"]["Dimensions"][0]["Value"]["Ref"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
        and r["Properties"]["MetricName"] == "FailedInvocations"
    }
    assert rules == watched


def test_no_concurrency_is_reserved_by_default() -> None:
    assert TEMPLATE["Parameters"]["RetrierReservedConcurrency"]["Default"] == 0


def test_the_record_lifetime_is_bounded() -> None:
    lifetime = TEMPLATE["Parameters"]["BlockedRecordTtlDays"]
    assert (lifetime["Default"], lifetime["MinValue"], lifetime["MaxValue"]) == (7, 1, 30)


def test_the_slack_channel_can_be_owned_by_one_stack_of_several() -> None:
    condition = TEMPLATE["Conditions"]["HasSlackChannel"]["Fn::And"]
    assert {"Fn::Equals": [{"Ref": "SlackChannelOwner"}, "true"]} in condition


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
