"""Notifiers: AWS Chatbot through an SNS topic, and a plain Slack incoming webhook.

`requests` is imported only when a webhook message is first sent, so neither the gate's nor
the retrier's cold start pays for it when no webhook is configured.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from health_gate.adapters.aws_errors import error_code, error_message
from health_gate.errors import NotificationFailed
from health_gate.retry.notices import Notification, chatbot_message, slack_message
from health_gate.retry.ports import Notifier

if TYPE_CHECKING:
    import requests
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_ssm import SSMClient

__all__ = ["ChatbotNotifier", "FanOutNotifier", "SecretWebhookUrl", "SlackWebhookNotifier"]

WEBHOOK_TIMEOUT = (3.05, 10.0)  # connect, read (seconds)
WEBHOOK_RETRY_STATUSES = (429, 500, 502, 503, 504)
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
        except ClientError as err:
            raise NotificationFailed(
                f"SNS Publish to {self._topic_arn} failed ({error_code(err)}: "
                f"{error_message(err)})."
            ) from err
        except BotoCoreError as err:
            raise NotificationFailed(f"SNS Publish to {self._topic_arn} failed ({err}).") from err


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
        except ClientError as err:
            raise NotificationFailed(
                f"Cannot read the Slack webhook URL from {ref} "
                f"({error_code(err)}: {error_message(err)})."
            ) from err
        except BotoCoreError as err:
            raise NotificationFailed(
                f"Cannot read the Slack webhook URL from {ref} ({err})."
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
    """Posts to a Slack incoming webhook with timeouts and bounded retries (429 and 5xx)."""

    def __init__(
        self,
        url: Callable[[], str],
        session: requests.Session | None = None,
        timeout: tuple[float, float] = WEBHOOK_TIMEOUT,
    ) -> None:
        self._url = url
        self._session = session
        self._timeout = timeout

    def notify(self, notice: Notification) -> None:
        import requests  # deferred: see the module docstring

        try:
            response = self._http().post(
                self._url(), json=slack_message(notice), timeout=self._timeout
            )
        except requests.RequestException as err:
            raise NotificationFailed(f"Slack webhook unreachable ({type(err).__name__}).") from err
        if response.status_code != 200:
            # The URL is a secret: never put it in a message.
            raise NotificationFailed(
                f"Slack webhook answered {response.status_code} ({response.text[:200]!r})."
            )

    def _http(self) -> requests.Session:
        if self._session is None:
            self._session = _retrying_session()
        return self._session


def _retrying_session() -> requests.Session:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=3,
        backoff_factor=0.5,
        status_forcelist=WEBHOOK_RETRY_STATUSES,
        allowed_methods=frozenset({"POST"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    return session


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
