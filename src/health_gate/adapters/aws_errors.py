"""Read botocore failures once, here, so nothing above the adapters imports botocore."""

from __future__ import annotations

from botocore.exceptions import (
    ClientError,
    CredentialRetrievalError,
    HTTPClientError,
    NoAuthTokenError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from health_gate.errors import CredentialsMissing

__all__ = [
    "ACCESS_DENIED_CODES",
    "AWS_ERRORS",
    "CREDENTIAL_ERRORS",
    "NETWORK_ERRORS",
    "THROTTLING_CODES",
    "credentials_missing",
    "describe",
    "error_code",
    "error_message",
    "is_transient",
]

# No answer from the endpoint (refused, timed out, cut off), after botocore's own retries.
NETWORK_ERRORS = (BotoConnectionError, HTTPClientError)
# Everything an AWS call made through boto3 can fail with at run time.
AWS_ERRORS = (ClientError, *NETWORK_ERRORS)
# No credentials to sign with: none found, an unknown profile, an expired or missing SSO token.
# Never "unavailable" (onHealthApiError must not pass a check that was never made).
CREDENTIAL_ERRORS = (
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    SSOError,  # SSOTokenLoadError and friends
    UnauthorizedSSOTokenError,
    TokenRetrievalError,
    NoAuthTokenError,
    CredentialRetrievalError,
)

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


def credentials_missing(err: Exception) -> CredentialsMissing:
    """What to do about credentials, for a person at a terminal or in a CI log."""
    return CredentialsMissing(
        f"No usable AWS credentials ({type(err).__name__}: {err}). Sign in (aws configure, "
        "aws sso login, or your CI system's OIDC role) and run again, or decide offline on "
        "recorded events with --events-file."
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
