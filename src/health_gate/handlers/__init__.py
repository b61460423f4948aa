"""Thin Lambda entry points over `runtime/`: the gate and the retrier, and their Logger and
Metrics."""

__all__: list[str] = []
