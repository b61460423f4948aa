"""Read botocore failures once, here, so nothing above the adapters imports botocore."""

from __future__ import annotations

from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError

__all__ = ["ACCESS_DENIED_CODES", "THROTTLING_CODES", "error_code", "error_message", "is_transient"]

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


def is_transient(err: Exception) -> bool:
    """Worth another endpoint or a later attempt: throttling, 5xx, timeouts, connection errors."""
    if isinstance(err, ClientError):
        status = int(err.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(err) in THROTTLING_CODES or status >= 500
    return isinstance(err, BotoConnectionError | HTTPClientError)
