"""Real boto3 clients to put under botocore's Stubber: the regional endpoint, dummy keys, and
`retries={"max_attempts": 1}`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_health import HealthClient

__all__ = ["codepipeline_client", "health_client"]


def codepipeline_client(region: str = "us-east-1") -> CodePipelineClient:
    return boto3.client("codepipeline", **_stubbable("codepipeline", region))


def health_client(region: str) -> HealthClient:
    return boto3.client("health", **_stubbable("health", region))


def _stubbable(service: str, region: str) -> dict[str, Any]:
    return {
        "region_name": region,
        "endpoint_url": f"https://{service}.{region}.amazonaws.com",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
        "config": Config(retries={"max_attempts": 1}),
    }
