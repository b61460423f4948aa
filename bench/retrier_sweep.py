"""Retrier sweep: Health calls for 200 blocked executions sharing 3 configurations.

Placeholder until the retrier (src/health_gate/handlers/retrier.py) lands.
"""

from __future__ import annotations

import importlib.util

from bench.report import Figure, skipped

__all__ = ["measure"]

NAME = "retrier sweep, Health calls"
TARGET = "3 (200 executions, 3 configurations)"


def measure() -> Figure:
    if importlib.util.find_spec("health_gate.handlers.retrier") is None:
        return skipped("retrier_sweep", NAME, TARGET, "retrier not present")
    raise NotImplementedError("retrier sweep")
