"""Notifiers: Chatbot messages through SNS (moto), the Slack webhook over local HTTP, and the
webhook URL from Secrets Manager or SSM (moto)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from health_gate.adapters.notifier import (
    ChatbotNotifier,
    FanOutNotifier,
    SecretWebhookUrl,
    SlackWebhookNotifier,
)
from health_gate.errors import NotificationFailed
from health_gate.pipeline.block_message import IncidentRef
from health_gate.retry.blocked import BlockedExecution
from health_gate.retry.notices import blocked_notice
from tests.fakes.moto_setup import subscribed_queue
from tests.fakes.retrier_fakes import RecordingNotifier
from tests.fakes.slack_webhook import SlackWebhookFake

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

NOW = datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
NOTICE = blocked_notice(
    BlockedExecution(
        pipeline="web-app",
        stage="Deploy",
        execution_id="1d247af2-7eb3-4569-aeda-41416e2a81c5",
        attempt_ids=("run-1",),
        started=NOW,
        blocked_at=NOW,
        incidents=(
            IncidentRef("arn:aws:health:us-east-1::event/EC2/X/X_1", "EC2", "X", "us-east-1"),
        ),
    ),
    "us-east-1",
    5,
)
WEBHOOK = "https://hooks.slack.com/services/T000/B000/XXXX"


@pytest.fixture
def aws(aws_credentials: None) -> Iterator[None]:
    with mock_aws():
        yield


def test_chatbot_notification_is_published_as_custom_schema(aws: None) -> None:
    # Given a topic with a queue subscribed (raw delivery, to read the message as sent)
    sns: SNSClient = boto3.client("sns", region_name="us-east-1")
    sqs: Any = boto3.client("sqs", region_name="us-east-1")  # no SQS stubs installed
    topic = sns.create_topic(Name="NotificationsTopic")["TopicArn"]
    queue = subscribed_queue(sns, sqs, topic)
    # When a notice is sent
    ChatbotNotifier(sns, topic).notify(NOTICE)
    # Then the topic carries one Chatbot custom notification
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    body = json.loads(messages[0]["Body"])
    assert len(messages) == 1
    assert (body["version"], body["source"]) == ("1.0", "custom")
    assert body["content"]["title"] == NOTICE.title


def test_chatbot_failure_is_a_notification_failure(aws: None) -> None:
    sns: SNSClient = boto3.client("sns", region_name="us-east-1")
    missing = "arn:aws:sns:us-east-1:123456789012:missing"
    with pytest.raises(NotificationFailed, match="SNS Publish to .*missing failed"):
        ChatbotNotifier(sns, missing).notify(NOTICE)


@pytest.mark.parametrize(
    "stored", [WEBHOOK, json.dumps({"url": WEBHOOK}), json.dumps({"webhookUrl": WEBHOOK})]
)
def test_webhook_url_comes_from_secrets_manager(aws: None, stored: str) -> None:
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    arn = secrets.create_secret(Name="slack-webhook", SecretString=stored)["ARN"]
    calls: list[str] = []

    def secrets_client() -> Any:
        calls.append("secrets")
        return secrets

    url = SecretWebhookUrl(arn, secrets_client, lambda: pytest.fail("SSM not expected"))
    # Then the URL is read once and kept
    assert url() == WEBHOOK
    assert url() == WEBHOOK
    assert calls == ["secrets"]


def test_webhook_url_comes_from_an_ssm_securestring(aws: None) -> None:
    ssm = boto3.client("ssm", region_name="us-east-1")
    ssm.put_parameter(Name="/health-gate/slack-webhook", Value=WEBHOOK, Type="SecureString")
    url = SecretWebhookUrl(
        "/health-gate/slack-webhook",
        lambda: pytest.fail("Secrets Manager not expected"),
        lambda: ssm,
    )
    assert url() == WEBHOOK


def test_unreadable_or_wrong_secret_fails_without_showing_it(aws: None) -> None:
    secrets = boto3.client("secretsmanager", region_name="us-east-1")
    ssm = boto3.client("ssm", region_name="us-east-1")
    secrets.create_secret(Name="not-a-url", SecretString="hunter2")
    with pytest.raises(NotificationFailed, match="holds no https:// URL") as wrong:
        SecretWebhookUrl("not-a-url", lambda: secrets, lambda: ssm)()
    assert "hunter2" not in str(wrong.value)
    with pytest.raises(NotificationFailed, match="ResourceNotFoundException"):
        SecretWebhookUrl("missing", lambda: secrets, lambda: ssm)()
    with pytest.raises(NotificationFailed, match="ParameterNotFound"):
        SecretWebhookUrl("/missing", lambda: secrets, lambda: ssm)()


def test_a_webhook_post_is_never_sent_twice_after_a_server_error() -> None:
    with SlackWebhookFake() as slack:
        # Given Slack answers 500 (it may have posted the message all the same)
        slack.statuses = [500]
        # When a notice is posted, Then it fails once, without a second post
        with pytest.raises(NotificationFailed, match="answered 500"):
            SlackWebhookNotifier(lambda: slack.url).notify(NOTICE)
        assert len(slack.posts) == 1
        assert slack.posts[0]["text"].startswith("*:no_entry: Deployment blocked")


def test_webhook_rejection_is_a_notification_failure_without_the_url() -> None:
    with SlackWebhookFake() as slack:
        slack.statuses = [404]
        with pytest.raises(NotificationFailed, match="answered 404") as failed:
            SlackWebhookNotifier(lambda: slack.url).notify(NOTICE)
        assert slack.url not in str(failed.value) and "XXXX" not in str(failed.value)


def test_unreachable_webhook_is_a_notification_failure() -> None:
    notifier = SlackWebhookNotifier(lambda: "http://127.0.0.1:9/services/T/B/SECRET", timeout=0.5)
    with pytest.raises(NotificationFailed, match="unreachable") as failed:
        notifier.notify(NOTICE)
    assert "SECRET" not in str(failed.value) and failed.value.__cause__ is None


def test_the_webhook_call_is_bounded_by_the_invocations_remaining_time() -> None:
    with SlackWebhookFake() as slack:
        # Given an invocation with less time left than the call's reserve
        notifier = SlackWebhookNotifier(lambda: slack.url, time_left=lambda: 1.5)
        # Then the webhook is not called at all, and the failure says why
        with pytest.raises(NotificationFailed, match="no time left"):
            notifier.notify(NOTICE)
        assert slack.posts == []


def test_the_webhook_url_reaches_no_log_at_any_level(caplog: pytest.LogCaptureFixture) -> None:
    # Given every logger at DEBUG (urllib3's would print the URL's path)
    with SlackWebhookFake() as slack, caplog.at_level(logging.DEBUG):
        logging.getLogger().setLevel(logging.DEBUG)
        # When a post fails, and another notice follows and succeeds
        slack.statuses = [503]
        with pytest.raises(NotificationFailed) as failed:
            SlackWebhookNotifier(lambda: slack.url).notify(NOTICE)
        SlackWebhookNotifier(lambda: slack.url).notify(NOTICE)
    # Then neither the URL nor its secret path appear in any record or message
    secret = "/services/T000/B000/XXXX"
    for record in caplog.records:
        assert secret not in record.getMessage() and slack.url not in str(record.args)
    assert secret not in str(failed.value)


def test_fan_out_tries_every_notifier() -> None:
    broken, working = RecordingNotifier(fail=True), RecordingNotifier()
    with pytest.raises(NotificationFailed, match="chat is down"):
        FanOutNotifier([broken, working]).notify(NOTICE)
    assert working.sent == [NOTICE]


def test_the_gate_and_the_retrier_do_not_import_requests() -> None:
    # Cold start: requests is the public feed's only, imported when that source is used.
    code = (
        "import sys, health_gate.handlers.gate, health_gate.handlers.retrier, "
        "health_gate.runtime.retry_services, health_gate.runtime.reporting; "
        "sys.exit('requests' in sys.modules)"
    )
    src = str(Path(__file__).resolve().parents[2] / "src")
    done = subprocess.run([sys.executable, "-c", code], check=False, env={"PYTHONPATH": src})  # noqa: S603
    assert done.returncode == 0
