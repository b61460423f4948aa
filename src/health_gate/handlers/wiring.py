"""Builds the real adapters lazily, once per warm container; no I/O at import."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from health_gate import __version__
from health_gate.adapters.codepipeline import CodePipelineJobReporter
from health_gate.adapters.health import Boto3HealthSource
from health_gate.adapters.health_endpoints import EndpointResolver
from health_gate.config import home_region as config_home_region
from health_gate.config.environment import RetrierSettings, load_retrier_settings
from health_gate.config.settings import GateSettings
from health_gate.pipeline.ports import JobReporter
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import HealthSource, SubscriptionFallback

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_health import HealthClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_ssm import SSMClient

    from health_gate.retry.action_attempts import GateFunction
    from health_gate.retry.ports import BlockRegistry, Notifier, PipelineControl, Retrier

__all__ = [
    "block_registry",
    "environ",
    "gate_function",
    "health_source",
    "home_region",
    "job_reporter",
    "notifier",
    "now",
    "pipeline_control",
    "reset",
    "retrier",
    "sweep_minutes",
]


def _client_config(attempts: int, connect: int, read: int) -> Config:
    """botocore's standard retry mode (backoff on throttling and 5xx), with short timeouts."""
    return Config(
        retries={"mode": "standard", "total_max_attempts": attempts},
        connect_timeout=connect,
        read_timeout=read,
        user_agent_extra=f"health-gate/{__version__}",
    )


# Health gets longer reads (large pages); every other client is a small control-plane call.
HEALTH_CONFIG = _client_config(attempts=3, connect=3, read=10)
CONTROL_CONFIG = _client_config(attempts=4, connect=2, read=5)
ENDPOINT_OVERRIDES = ("AWS_ENDPOINT_URL_HEALTH", "AWS_ENDPOINT_URL")
PUBLIC_FEED_URL_VAR = "HEALTH_GATE_PUBLIC_FEED_URL"  # for tests and mirrors; default: AWS's feed


def environ() -> Mapping[str, str]:
    return os.environ


def now() -> datetime:
    return datetime.now(UTC)


def home_region() -> str:
    return config_home_region(os.environ)


@cache
def _session() -> boto3.Session:
    return boto3.Session()


@cache
def _health_client(region: str, endpoint_url: str | None) -> HealthClient:
    # endpoint_url None lets boto3 honour AWS_ENDPOINT_URL(_HEALTH) for emulators and tests.
    return _session().client(
        "health", region_name=region, endpoint_url=endpoint_url, config=HEALTH_CONFIG
    )


@cache
def _codepipeline_client() -> CodePipelineClient:
    return _session().client("codepipeline", region_name=home_region(), config=CONTROL_CONFIG)


@cache
def endpoint_resolver() -> EndpointResolver:
    return EndpointResolver()


def reset() -> None:
    """Forget every cached client, DNS answer and retrier, as a new container would (tests)."""
    for cached in _CACHES:
        cached.cache_clear()


def health_api_clients() -> list[HealthClient]:
    """Active endpoint first; a configured endpoint override replaces discovery and failover."""
    if any(os.environ.get(name) for name in ENDPOINT_OVERRIDES):
        return [_health_client("us-east-1", None)]
    endpoints = endpoint_resolver().endpoints(home_region())
    return [_health_client(e.region, e.url) for e in endpoints]


class _BuiltOnFirstUse:
    """Builds the Health API source when first asked for events, not before.

    Finding the active endpoint is a DNS lookup; built this way it runs inside the caller's
    deadline (handlers.deadline.BoundedHealthSource) like every other network call.
    """

    def __init__(self, build: Callable[[], HealthSource]) -> None:
        self._build = build
        self._source: HealthSource | None = None

    @property
    def source_note(self) -> str | None:
        return self._source.source_note if self._source is not None else None

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        if self._source is None:
            self._source = self._build()
        return self._source.events(query)


def health_source(settings: GateSettings) -> HealthSource:
    """The source `settings.source` names; the public feed (and `requests`) only on demand."""

    def public_feed() -> HealthSource:
        from health_gate.adapters.public_feed import DEFAULT_FEED_URL, PublicFeedSource

        return PublicFeedSource(os.environ.get(PUBLIC_FEED_URL_VAR) or DEFAULT_FEED_URL)

    if settings.source == "public-dashboard":
        return public_feed()
    api = _BuiltOnFirstUse(lambda: Boto3HealthSource(health_api_clients()))
    if settings.source == "auto":
        return SubscriptionFallback(api, public_feed)
    return api


def job_reporter() -> JobReporter:
    return CodePipelineJobReporter(_codepipeline_client())


# --- Retrier ---------------------------------------------------------------------------------
# Built only by the retrier's handler; the gate never calls these. Their adapters are imported
# inside the builders, so the gate's cold start does not load them (bench/, issue 5).
@cache
def retrier_settings() -> RetrierSettings:
    return load_retrier_settings(os.environ)


@cache
def _dynamodb_client() -> DynamoDBClient:
    return _session().client("dynamodb", region_name=home_region(), config=CONTROL_CONFIG)


@cache
def _sns_client() -> SNSClient:
    return _session().client("sns", region_name=home_region(), config=CONTROL_CONFIG)


@cache
def _secrets_client() -> SecretsManagerClient:
    return _session().client("secretsmanager", region_name=home_region(), config=CONTROL_CONFIG)


@cache
def _ssm_client() -> SSMClient:
    return _session().client("ssm", region_name=home_region(), config=CONTROL_CONFIG)


def gate_function() -> GateFunction:
    from health_gate.retry.action_attempts import GateFunction

    settings = retrier_settings()
    return GateFunction(settings.gate_function_name, settings.gate_function_arn)


def sweep_minutes() -> int:
    return retrier_settings().sweep_minutes


def block_registry() -> BlockRegistry:
    from health_gate.adapters.registry import DynamoBlockRegistry

    settings = retrier_settings()
    return DynamoBlockRegistry(_dynamodb_client(), settings.table, settings.record_ttl)


def pipeline_control() -> PipelineControl:
    from health_gate.adapters.pipelines import CodePipelineControl

    return CodePipelineControl(_codepipeline_client())


def notifier() -> Notifier:
    """Chatbot (SNS topic) and/or a Slack webhook; with neither configured, nobody is told."""
    from health_gate.adapters.notifier import (
        ChatbotNotifier,
        FanOutNotifier,
        SecretWebhookUrl,
        SlackWebhookNotifier,
    )

    notifiers: list[Notifier] = []
    settings = retrier_settings()
    topic = settings.notifications_topic
    if topic:
        notifiers.append(ChatbotNotifier(_sns_client(), topic))
    webhook = settings.slack_webhook_secret
    if webhook:
        url = SecretWebhookUrl(webhook, _secrets_client, _ssm_client)
        notifiers.append(SlackWebhookNotifier(url))
    return FanOutNotifier(notifiers)


@cache
def retrier() -> Retrier:
    from health_gate.retry.ports import Retrier

    return Retrier(
        gate=gate_function(),
        pipelines=pipeline_control(),
        registry=block_registry(),
        notifier=notifier(),
        region=home_region(),
        sweep_minutes=sweep_minutes(),
    )


_CACHES = (
    _session,
    _health_client,
    _codepipeline_client,
    endpoint_resolver,
    _dynamodb_client,
    _sns_client,
    _secrets_client,
    _ssm_client,
    retrier,
    retrier_settings,
)
