"""Read botocore failures once, here, so nothing above the adapters imports botocore."""

from __future__ import annotations

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

__all__ = [
    "ACCESS_DENIED_CODES",
    "AWS_ERRORS",
    "NETWORK_ERRORS",
    "THROTTLING_CODES",
    "describe",
    "error_code",
    "error_message",
    "is_transient",
]

# No answer from the endpoint (refused, timed out, cut off), after botocore's own retries.
NETWORK_ERRORS = (BotoConnectionError, HTTPClientError)
# Everything an AWS call made through boto3 can fail with at run time.
AWS_ERRORS = (ClientError, *NETWORK_ERRORS)

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
    }
)
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
)


def error_code(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Code", ""))


def error_message(err: ClientError) -> str:
    return str(err.response.get("Error", {}).get("Message", "")) or str(err)


def describe(err: Exception) -> str:
    """ "Code: message" for an AWS answer, else the exception's own text."""
    if isinstance(err, ClientError):
        return f"{error_code(err)}: {error_message(err)}"
    return str(err)


def is_transient(err: Exception) -> bool:
    """Worth another endpoint or a later attempt: throttling, 5xx, timeouts, connection errors."""
    if isinstance(err, ClientError):
        status = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(err) in THROTTLING_CODES or status >= 500
    return isinstance(err, NETWORK_ERRORS)
