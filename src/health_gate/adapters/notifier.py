"""Notifiers: AWS Chatbot through an SNS topic, and a plain Slack incoming webhook (over the
standard library's http.client: one POST, no retries, nothing logged)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from botocore.exceptions import BotoCoreError, ClientError

from health_gate.adapters.aws_errors import describe
from health_gate.errors import NotificationFailed
from health_gate.retry.notices import Notification, chatbot_message, slack_message
from health_gate.retry.ports import Notifier

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_ssm import SSMClient

__all__ = ["ChatbotNotifier", "FanOutNotifier", "SecretWebhookUrl", "SlackWebhookNotifier"]

WEBHOOK_TIMEOUT_SECONDS = 10.0
WEBHOOK_RESERVE_SECONDS = 2.0  # kept back so the invocation can log and finish after the call
URL_KEYS = ("url", "webhookUrl", "webhook_url")


class ChatbotNotifier:
    """Publishes Chatbot custom notifications to the topic a Slack channel is subscribed to."""

    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self._client = client
        self._topic_arn = topic_arn

    def notify(self, notice: Notification) -> None:
        try:
            self._client.publish(
                TopicArn=self._topic_arn, Message=json.dumps(chatbot_message(notice))
            )
        except (ClientError, BotoCoreError) as err:
            raise NotificationFailed(
                f"SNS Publish to {self._topic_arn} failed ({describe(err)})."
            ) from err


class SecretWebhookUrl:
    """Reads the webhook URL once, from Secrets Manager (a secret ARN or name) or from an SSM
    SecureString parameter (a name starting with "/" or a parameter ARN)."""

    def __init__(
        self,
        reference: str,
        secrets: Callable[[], SecretsManagerClient],
        parameters: Callable[[], SSMClient],
    ) -> None:
        self._reference = reference
        self._secrets = secrets
        self._parameters = parameters
        self._url: str | None = None

    def __call__(self) -> str:
        if self._url is None:
            self._url = self._read()
        return self._url

    def _read(self) -> str:
        ref = self._reference
        try:
            if ref.startswith("/") or ":ssm:" in ref:
                answer = self._parameters().get_parameter(Name=ref, WithDecryption=True)
                text = answer["Parameter"].get("Value", "")
            else:
                text = self._secrets().get_secret_value(SecretId=ref).get("SecretString", "")
        except (ClientError, BotoCoreError) as err:
            raise NotificationFailed(
                f"Cannot read the Slack webhook URL from {ref} ({describe(err)})."
            ) from err
        return _url_from(text.strip(), ref)


def _url_from(text: str, ref: str) -> str:
    """The secret is the URL itself, or a JSON object with a "url" (or "webhookUrl") key."""
    if text.startswith("{"):
        try:
            found = json.loads(text)
        except ValueError:
            found = {}
        text = next((str(found[k]) for k in URL_KEYS if isinstance(found, dict) and k in found), "")
    if not text.startswith("https://"):
        raise NotificationFailed(
            f"The Slack webhook secret {ref} holds no https:// URL "
            f'(store the URL itself, or {{"url": "https://hooks.slack.com/..."}}).'
        )
    return text


class SlackWebhookNotifier:
    """Posts to a Slack incoming webhook: once, within the invocation's remaining time.

    Never again after a 5xx or a lost answer: Slack may already have posted the message, and a
    second post would tell the team twice. The URL is a secret: it never reaches a log (the
    standard library's http.client logs nothing, unlike urllib3) nor an error message.
    """

    def __init__(
        self,
        url: Callable[[], str],
        time_left: Callable[[], float] = lambda: WEBHOOK_TIMEOUT_SECONDS,
        timeout: float = WEBHOOK_TIMEOUT_SECONDS,
    ) -> None:
        self._url = url
        self._time_left = time_left
        self._timeout = timeout

    def notify(self, notice: Notification) -> None:
        seconds = min(self._timeout, self._time_left() - WEBHOOK_RESERVE_SECONDS)
        if seconds <= 0:
            raise NotificationFailed("Slack webhook not called: the invocation has no time left.")
        target = urlsplit(self._url())
        body = json.dumps(slack_message(notice)).encode("utf-8")
        connection_type = HTTPSConnection if target.scheme == "https" else HTTPConnection
        connection = connection_type(target.netloc, timeout=seconds)
        try:
            connection.request(
                "POST", target.path or "/", body, {"Content-Type": "application/json"}
            )
            response = connection.getresponse()
            answer = response.read(200).decode("utf-8", "replace")
        except (OSError, HTTPException) as err:
            raise NotificationFailed(f"Slack webhook unreachable ({type(err).__name__}).") from None
        finally:
            connection.close()
        if response.status != 200:
            raise NotificationFailed(f"Slack webhook answered {response.status} ({answer!r}).")


class FanOutNotifier:
    """Sends to every notifier; one failing does not stop the others."""

    def __init__(self, notifiers: Sequence[Notifier]) -> None:
        self._notifiers = tuple(notifiers)

    def notify(self, notice: Notification) -> None:
        failures = []
        for notifier in self._notifiers:
            try:
                notifier.notify(notice)
            except NotificationFailed as err:
                failures.append(str(err))
        if failures:
            raise NotificationFailed("; ".join(failures))
