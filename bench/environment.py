"""Paths and the environment of the child interpreters the benchmarks start."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ROOT", "SRC", "child_env"]

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# Dummy credentials and a region, and nothing from the machine's AWS configuration: the
# benchmarks talk to the local fake only.
_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
    # As the template sets them for HealthGateFunction.
    "POWERTOOLS_SERVICE_NAME": "health-gate",
    "POWERTOOLS_METRICS_NAMESPACE": "HealthGate",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
_UNSET = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_HEALTH",
    "AWS_ENDPOINT_URL_CODEPIPELINE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_RETRY_MODE",
    "AWS_MAX_ATTEMPTS",
    "PYTHONDONTWRITEBYTECODE",
)


def child_env(**extra: str) -> dict[str, str]:
    """The current environment with src/ and the repository on the path, and AWS pointed away."""
    env = {k: v for k, v in os.environ.items() if k not in _UNSET}
    paths = [str(SRC), str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env.update(_AWS_ENV)
    env.update(extra)
    return env
