"""Errors the gate reports to CodePipeline, each carrying its failure type."""

from __future__ import annotations

__all__ = [
    "ConfigurationError",
    "GateError",
    "HealthUnavailable",
    "JobFailed",
    "PermissionDenied",
    "ReportFailed",
    "SubscriptionRequired",
    "SystemUnavailable",
]


class GateError(Exception):
    """Base error: the message is shown to the person reading the pipeline console."""

    failure_type = "JobFailed"


class ConfigurationError(GateError):
    """The gate's settings (UserParameters, environment or token) are invalid."""

    failure_type = "ConfigurationError"


class SubscriptionRequired(ConfigurationError):
    """The account's support plan does not include the AWS Health API."""


class PermissionDenied(GateError):
    """The function's role lacks an IAM action it needs."""

    failure_type = "PermissionError"


class SystemUnavailable(GateError):
    """An AWS service could not be reached after retries."""

    failure_type = "SystemUnavailable"


class HealthUnavailable(SystemUnavailable):
    """The health data source (Health API or public feed) gave no usable answer."""


class JobFailed(GateError):
    """Any other failure of the gate's own work."""

    failure_type = "JobFailed"


class ReportFailed(Exception):
    """The result could not be delivered to CodePipeline; the only error a handler re-raises."""
