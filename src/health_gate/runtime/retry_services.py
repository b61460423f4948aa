"""The adapters behind the retrier's ports: its registry, pipeline control and notifiers, and
the `Retrier` that bundles them. Only the retrier's handler imports this module (the gate's
cold start never loads it: tests/handlers/test_cold_start.py)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from health_gate.runtime import clients
from health_gate.runtime.settings import gate_settings, region, retrier_settings

if TYPE_CHECKING:
    from health_gate.retry.action_attempts import GateFunction
    from health_gate.retry.ports import BlockRegistry, Notifier, PipelineControl, Retrier

__all__ = [
    "block_registry",
    "gate_function",
    "notifier",
    "pipeline_control",
    "reset",
    "retrier",
]


def gate_function() -> GateFunction:
    from health_gate.retry.action_attempts import GateFunction

    settings = retrier_settings()
    return GateFunction(settings.gate_function_name, settings.gate_function_arn)


def block_registry() -> BlockRegistry:
    from health_gate.adapters.registry import DynamoBlockRegistry

    return DynamoBlockRegistry(clients.dynamodb(), retrier_settings().table)


def pipeline_control() -> PipelineControl:
    from health_gate.adapters.pipelines import CodePipelineControl

    return CodePipelineControl(clients.codepipeline())


@cache
def _webhook_url() -> Callable[[], str] | None:
    """The webhook URL's reader, kept for the warm container: the secret is read once."""
    from health_gate.adapters.notifier import SecretWebhookUrl

    reference = retrier_settings().slack_webhook_secret
    if reference is None:
        return None
    return SecretWebhookUrl(reference, clients.secrets_manager, clients.ssm)


def notifier(time_left: Callable[[], float]) -> Notifier:
    """Chatbot (SNS topic) and/or a Slack webhook; with neither configured, nobody is told.
    The webhook call is bounded by `time_left`, the invocation's remaining seconds."""
    from health_gate.adapters.notifier import (
        ChatbotNotifier,
        FanOutNotifier,
        SlackWebhookNotifier,
    )

    settings = retrier_settings()
    notifiers: list[Notifier] = []
    if settings.notifications_topic:
        notifiers.append(ChatbotNotifier(clients.sns(), settings.notifications_topic))
    url = _webhook_url()
    if url is not None:
        notifiers.append(SlackWebhookNotifier(url, time_left=time_left))
    return FanOutNotifier(notifiers)


def retrier(time_left: Callable[[], float]) -> Retrier:
    """The retrier's ports for one invocation (their clients are kept for the container)."""
    from health_gate.retry.ports import Retrier

    settings = retrier_settings()
    return Retrier(
        gate=gate_function(),
        pipelines=pipeline_control(),
        registry=block_registry(),
        notifier=notifier(time_left),
        region=region(),
        sweep_minutes=settings.sweep_minutes,
        load=gate_settings,
        lifetime=settings.lifetime,
        retryable=settings.retryable_pipelines,
    )


def reset() -> None:
    _webhook_url.cache_clear()
