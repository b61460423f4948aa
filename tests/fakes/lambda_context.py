"""A stand-in for the Lambda context object, with a controllable deadline."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["FakeLambdaContext"]


@dataclass
class FakeLambdaContext:
    """Counts its remaining time down from `timeout_ms` in real time, as Lambda does."""

    timeout_ms: int = 300_000
    function_name: str = "health-gate-HealthGateFunction-TEST"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    aws_request_id: str = "8f2a3c1e-0000-4000-8000-000000000001"
    invoked_function_arn: str = (
        "arn:aws:lambda:us-east-1:123456789012:function:health-gate-HealthGateFunction-TEST"
    )
    log_group_name: str = "/aws/lambda/health-gate-HealthGateFunction-TEST"
    log_stream_name: str = "2026/11/23/[$LATEST]0000"
    _started: float = field(default_factory=time.monotonic)

    def elapsed_seconds(self) -> float:
        """Seconds since the invocation started; what the remaining time counts down by."""
        return time.monotonic() - self._started

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.timeout_ms - self.elapsed_seconds() * 1000))
