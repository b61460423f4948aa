"""The one Logger and Metrics for the package (configured by POWERTOOLS_* variables)."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics

__all__ = ["logger", "metrics"]

logger = Logger(service="health-gate")
metrics = Metrics(namespace="HealthGate", service="health-gate")
