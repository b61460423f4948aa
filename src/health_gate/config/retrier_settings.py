"""The retrier's own settings, from the environment its template sets: its gate, its table,
where to notify. Only the retrier loads this module.

The environment arrives as a mapping; only `runtime/` hands `os.environ` in. Every error names
the variable, because the template sets them and a person fixes them there.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from health_gate.config.validation import split_list
from health_gate.errors import ConfigurationError

__all__ = [
    "GATE_FUNCTION_ARN_ENV",
    "GATE_FUNCTION_ENV",
    "NOTIFICATIONS_TOPIC_ENV",
    "RECORD_TTL_DAYS_ENV",
    "RETRYABLE_PIPELINES_ENV",
    "SLACK_WEBHOOK_ENV",
    "SWEEP_MINUTES_ENV",
    "TABLE_ENV",
    "DEFAULT_LIFETIME_DAYS",
    "DEFAULT_SWEEP_MINUTES",
    "MAX_LIFETIME_DAYS",
    "RetrierSettings",
    "load_retrier_settings",
]

TABLE_ENV = "BLOCKED_EXECUTIONS_TABLE"
GATE_FUNCTION_ENV = "HEALTH_GATE_FUNCTION_NAME"
GATE_FUNCTION_ARN_ENV = "HEALTH_GATE_FUNCTION_ARN"
NOTIFICATIONS_TOPIC_ENV = "NOTIFICATIONS_TOPIC_ARN"
SLACK_WEBHOOK_ENV = "SLACK_WEBHOOK_SECRET"
SWEEP_MINUTES_ENV = "SWEEP_INTERVAL_MINUTES"
RECORD_TTL_DAYS_ENV = "BLOCKED_RECORD_TTL_DAYS"  # the record lifetime, in days
RETRYABLE_PIPELINES_ENV = "RETRYABLE_PIPELINES"
DEFAULT_LIFETIME_DAYS = 7
DEFAULT_SWEEP_MINUTES = 5
MAX_LIFETIME_DAYS = 30
_PIPELINE_PATTERN = re.compile(r"[A-Za-z0-9.@_*-]{1,100}\Z", re.ASCII)
# The webhook URL's home: a full Secrets Manager secret ARN, or an SSM parameter name.
_SECRET_REFERENCE = re.compile(
    r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+\Z"
    r"|/[A-Za-z0-9/_.-]+\Z",
    re.ASCII,
)


@dataclass(frozen=True)
class RetrierSettings:
    """What the retrier's template wiring tells it: its gate, its table, where to notify."""

    gate_function_name: str
    gate_function_arn: str | None
    table: str
    notifications_topic: str | None
    slack_webhook_secret: str | None
    sweep_minutes: int = DEFAULT_SWEEP_MINUTES
    lifetime: timedelta = timedelta(days=DEFAULT_LIFETIME_DAYS)
    retryable_pipelines: tuple[str, ...] = ("*",)


def _text(environ: Mapping[str, str], name: str) -> str | None:
    return environ.get(name, "").strip() or None


def _required(environ: Mapping[str, str], name: str) -> str:
    value = _text(environ, name)
    if value is None:
        raise ConfigurationError(f"The retrier needs environment variable {name}; it is unset.")
    return value


def _whole_number(environ: Mapping[str, str], name: str, default: int, high: int = 10**6) -> int:
    text = _text(environ, name)
    try:
        value = int(text) if text else default
    except ValueError:
        value = 0
    if not 1 <= value <= high:
        raise ConfigurationError(
            f"Environment variable {name} must be a whole number from 1 to {high}."
        )
    return value


def _patterns(environ: Mapping[str, str]) -> tuple[str, ...]:
    patterns = tuple(split_list(_text(environ, RETRYABLE_PIPELINES_ENV) or "*"))
    bad = [p for p in patterns if not _PIPELINE_PATTERN.match(p)]
    if bad or not patterns:
        raise ConfigurationError(
            f"Environment variable {RETRYABLE_PIPELINES_ENV} must be a comma list of pipeline "
            f"names or patterns with * (such as prod-*,web-app); got {bad or patterns}."
        )
    return patterns


def _webhook(environ: Mapping[str, str]) -> str | None:
    reference = _text(environ, SLACK_WEBHOOK_ENV)
    if reference is not None and not _SECRET_REFERENCE.match(reference):
        raise ConfigurationError(
            f"Environment variable {SLACK_WEBHOOK_ENV} must be the full ARN of a Secrets "
            "Manager secret or the name of an SSM parameter (starting with /)."
        )
    return reference


def load_retrier_settings(environ: Mapping[str, str]) -> RetrierSettings:
    """The retrier's settings; ConfigurationError names the variable that is missing or bad."""
    return RetrierSettings(
        gate_function_name=_required(environ, GATE_FUNCTION_ENV),
        gate_function_arn=_text(environ, GATE_FUNCTION_ARN_ENV),
        table=_required(environ, TABLE_ENV),
        notifications_topic=_text(environ, NOTIFICATIONS_TOPIC_ENV),
        slack_webhook_secret=_webhook(environ),
        sweep_minutes=_whole_number(environ, SWEEP_MINUTES_ENV, DEFAULT_SWEEP_MINUTES),
        lifetime=timedelta(
            days=_whole_number(
                environ, RECORD_TTL_DAYS_ENV, DEFAULT_LIFETIME_DAYS, MAX_LIFETIME_DAYS
            )
        ),
        retryable_pipelines=_patterns(environ),
    )
