"""The one error tree. Each error knows the CodePipeline failure type it is reported with and
the exit code the CLI ends with, so the gate, the retrier and the CLI treat it alike.

Messages are read in the pipeline console or a CI log at 3 a.m.: they say what is wrong, which
key or incident, and what to do.
"""

from __future__ import annotations

__all__ = [
    "EXIT_BLOCKED",
    "EXIT_ERROR",
    "EXIT_HEALTHY",
    "EXIT_INTERRUPTED",
    "AlreadyReported",
    "ConfigurationError",
    "CredentialsMissing",
    "GateError",
    "HealthUnavailable",
    "JobFailed",
    "NotificationFailed",
    "PermissionDenied",
    "PipelineMissing",
    "ReportFailed",
    "RetrierFailed",
    "SubscriptionRequired",
    "SystemUnavailable",
    "UsageError",
]

EXIT_HEALTHY = 0
EXIT_BLOCKED = 1
EXIT_ERROR = 2  # also argparse's code for a usage error
EXIT_INTERRUPTED = 130  # 128 + SIGINT, the shell's convention for Ctrl-C


class GateError(Exception):
    """Base error: the message is shown to the person reading the pipeline console."""

    failure_type = "JobFailed"
    exit_code = EXIT_ERROR


class ConfigurationError(GateError):
    """The gate's settings (UserParameters, environment, flags or token) are invalid."""

    failure_type = "ConfigurationError"


class SubscriptionRequired(ConfigurationError):
    """The account's support plan does not include the AWS Health API."""


class PermissionDenied(GateError):
    """The caller's role (or the CLI's credentials) lacks an IAM action it needs."""

    failure_type = "PermissionError"


class CredentialsMissing(PermissionDenied):
    """No usable AWS credentials: none found, an unknown profile, or an expired sign-in."""


class UsageError(ConfigurationError):
    """The command line itself is wrong (an unknown flag, a missing command)."""


class SystemUnavailable(GateError):
    """An AWS service could not be reached after retries."""

    failure_type = "SystemUnavailable"


class HealthUnavailable(SystemUnavailable):
    """The health data source (Health API or public feed) gave no usable answer."""


class JobFailed(GateError):
    """Any other failure of the gate's own work."""

    failure_type = "JobFailed"


class PipelineMissing(GateError):
    """The pipeline or its execution no longer exists; nothing of it can be retried."""


class NotificationFailed(GateError):
    """A notification could not be delivered; the retrier's own work is unaffected."""


class ReportFailed(Exception):
    """The result could not be delivered to CodePipeline; the only error the gate re-raises."""


class AlreadyReported(Exception):
    """CodePipeline no longer accepts a result for this job: another invocation reported it,
    or the job timed out or is unknown. Retrying the invocation cannot help."""


class RetrierFailed(Exception):
    """Part of a retrier batch failed; raised after the rest ran, so Lambda retries the event."""
