"""boto3 clients, built on first use and kept for the warm container; no I/O at import."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from health_gate import __version__
from health_gate.adapters.aws_errors import CREDENTIAL_ERRORS, credentials_missing
from health_gate.runtime.settings import region

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_health import HealthClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient

__all__ = [
    "CONTROL_CONFIG",
    "HEALTH_CONFIG",
    "cloudformation",
    "codepipeline",
    "dynamodb",
    "health",
    "reset",
    "secrets_manager",
    "sns",
    "sqs",
    "ssm",
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


@cache
def _session() -> boto3.Session:
    try:
        return boto3.Session()
    except CREDENTIAL_ERRORS as err:  # AWS_PROFILE names a profile that does not exist
        raise credentials_missing(err) from err


@cache
def health(signing_region: str, endpoint_url: str | None) -> HealthClient:
    # endpoint_url None lets boto3 honour AWS_ENDPOINT_URL(_HEALTH) for emulators and tests.
    return _session().client(
        "health", region_name=signing_region, endpoint_url=endpoint_url, config=HEALTH_CONFIG
    )


@cache
def codepipeline() -> CodePipelineClient:
    return _session().client("codepipeline", region_name=region(), config=CONTROL_CONFIG)


@cache
def dynamodb() -> DynamoDBClient:
    return _session().client("dynamodb", region_name=region(), config=CONTROL_CONFIG)


@cache
def sns() -> SNSClient:
    return _session().client("sns", region_name=region(), config=CONTROL_CONFIG)


@cache
def secrets_manager() -> SecretsManagerClient:
    return _session().client("secretsmanager", region_name=region(), config=CONTROL_CONFIG)


@cache
def cloudformation() -> CloudFormationClient:
    return _session().client("cloudformation", region_name=region(), config=CONTROL_CONFIG)


@cache
def sqs() -> SQSClient:
    return _session().client("sqs", region_name=region(), config=CONTROL_CONFIG)


@cache
def ssm() -> SSMClient:
    return _session().client("ssm", region_name=region(), config=CONTROL_CONFIG)


def reset() -> None:
    for cached in (
        _session,
        health,
        codepipeline,
        dynamodb,
        sns,
        secrets_manager,
        ssm,
        cloudformation,
        sqs,
    ):
        cached.cache_clear()
