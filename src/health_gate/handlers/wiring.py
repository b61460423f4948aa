"""Builds the real adapters lazily, once per warm container; no I/O at import."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

from health_gate import __version__
from health_gate.adapters.codepipeline import CodePipelineJobReporter
from health_gate.adapters.health import Boto3HealthSource
from health_gate.adapters.health_endpoints import EndpointResolver
from health_gate.core.errors import ConfigurationError
from health_gate.core.ports import HealthSource, JobReporter
from health_gate.core.settings import GateSettings

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_health import HealthClient

__all__ = [
    "environ",
    "health_source",
    "home_region",
    "job_reporter",
    "now",
    "reset",
]

HEALTH_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 3},
    connect_timeout=3,
    read_timeout=10,
    user_agent_extra=f"health-gate/{__version__}",
)
CODEPIPELINE_CONFIG = Config(
    retries={"mode": "standard", "total_max_attempts": 4},
    connect_timeout=2,
    read_timeout=5,
    user_agent_extra=f"health-gate/{__version__}",
)
ENDPOINT_OVERRIDES = ("AWS_ENDPOINT_URL_HEALTH", "AWS_ENDPOINT_URL")


def environ() -> Mapping[str, str]:
    return os.environ


def now() -> datetime:
    return datetime.now(UTC)


def home_region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


@cache
def _session() -> boto3.Session:
    return boto3.Session()


@cache
def _health_client(region: str, endpoint_url: str | None) -> HealthClient:
    # endpoint_url None lets boto3 honour AWS_ENDPOINT_URL(_HEALTH) for emulators and tests.
    return _session().client(
        "health", region_name=region, endpoint_url=endpoint_url, config=HEALTH_CONFIG
    )


@cache
def _codepipeline_client() -> CodePipelineClient:
    return _session().client("codepipeline", region_name=home_region(), config=CODEPIPELINE_CONFIG)


@cache
def endpoint_resolver() -> EndpointResolver:
    return EndpointResolver()


def reset() -> None:
    """Forget every cached client and DNS answer, as a new container would (used by tests)."""
    for cached in (_session, _health_client, _codepipeline_client, endpoint_resolver):
        cached.cache_clear()


def health_api_clients() -> list[HealthClient]:
    """Active endpoint first; a configured endpoint override replaces discovery and failover."""
    if any(os.environ.get(name) for name in ENDPOINT_OVERRIDES):
        return [_health_client("us-east-1", None)]
    endpoints = endpoint_resolver().endpoints(home_region())
    return [_health_client(e.region, e.url) for e in endpoints]


def health_source(settings: GateSettings) -> HealthSource:
    if settings.source != "health-api":
        raise ConfigurationError(f'source "{settings.source}" is not available yet')
    return Boto3HealthSource(health_api_clients())


def job_reporter() -> JobReporter:
    return CodePipelineJobReporter(_codepipeline_client())
