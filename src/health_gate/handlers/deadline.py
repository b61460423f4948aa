"""Keep slow calls from eating the time the gate needs to report."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from health_gate.core.errors import HealthUnavailable

__all__ = ["REPORT_RESERVE_SECONDS", "budget_seconds", "run_within"]

T = TypeVar("T")

REPORT_RESERVE_SECONDS = 5.0  # kept back for PutJob*Result and its retries
CHECK_CAP_SECONDS = 60.0  # one health check never holds a pipeline longer than this


def budget_seconds(remaining_ms: int, cap: float = CHECK_CAP_SECONDS) -> float:
    """Time a health check may take: the invocation's remaining time less a reserve to report."""
    remaining = remaining_ms / 1000
    reserve = min(REPORT_RESERVE_SECONDS, remaining / 4)
    return max(0.0, min(cap, remaining - reserve))


def run_within(seconds: float, work: Callable[[], T], what: str) -> T:
    """Run `work` in a daemon thread and give up after `seconds`.

    botocore's timeouts and retries are per request; only a wall-clock bound guarantees the
    report goes out before Lambda stops the function.
    """
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as err:  # handed to the caller's thread below
            box["error"] = err

    worker = threading.Thread(target=target, name="health-check", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise HealthUnavailable(f"{what} did not answer within {seconds:.1f} s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]
