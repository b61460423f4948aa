"""The retrier's own settings from its environment: every refusal names the variable."""

from __future__ import annotations

from datetime import timedelta

import pytest

from health_gate.config.retrier_settings import load_retrier_settings
from health_gate.errors import ConfigurationError

BASE = {"HEALTH_GATE_FUNCTION_NAME": "gate", "BLOCKED_EXECUTIONS_TABLE": "table"}
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:health-gate/slack-AbCdEf"


def test_the_defaults_are_bounded_and_documented() -> None:
    settings = load_retrier_settings(BASE)
    assert settings.lifetime == timedelta(days=7)
    assert settings.retryable_pipelines == ("*",)
    assert settings.slack_webhook_secret is None


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("BLOCKED_RECORD_TTL_DAYS", "30", "lifetime", timedelta(days=30)),
        ("RETRYABLE_PIPELINES", "prod-*, web-app", "retryable_pipelines", ("prod-*", "web-app")),
        ("SLACK_WEBHOOK_SECRET", ARN, "slack_webhook_secret", ARN),
        (
            "SLACK_WEBHOOK_SECRET",
            "/health-gate/slack",
            "slack_webhook_secret",
            "/health-gate/slack",
        ),
    ],
)
def test_accepted_values(variable: str, value: str, field: str, expected: object) -> None:
    assert getattr(load_retrier_settings({**BASE, variable: value}), field) == expected


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BLOCKED_RECORD_TTL_DAYS", "31"),
        ("BLOCKED_RECORD_TTL_DAYS", "0"),
        ("RETRYABLE_PIPELINES", "prod/*"),
        ("SLACK_WEBHOOK_SECRET", "health-gate/slack"),  # a secret's name, not its ARN
        ("SLACK_WEBHOOK_SECRET", "https://hooks.slack.com/services/T/B/X"),  # the URL itself
        ("SLACK_WEBHOOK_SECRET", "arn:aws:ssm:us-east-1:123456789012:parameter/x"),
    ],
)
def test_refusals_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigurationError, match=variable):
        load_retrier_settings({**BASE, variable: value})


@pytest.mark.parametrize("missing", ["HEALTH_GATE_FUNCTION_NAME", "BLOCKED_EXECUTIONS_TABLE"])
def test_a_missing_variable_is_named(missing: str) -> None:
    environ = {k: v for k, v in BASE.items() if k != missing}
    with pytest.raises(ConfigurationError, match=missing):
        load_retrier_settings(environ)
