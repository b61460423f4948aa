"""Settings from this process's environment: the one place `os.environ` is handed to config."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from health_gate.config import (
    GateSettings,
    home_region,
    load_settings,
)
from health_gate.config.validation import Value
from health_gate.runtime.regions import known_regions

if TYPE_CHECKING:
    from health_gate.config.retrier_settings import RetrierSettings

__all__ = ["gate_settings", "region", "reset", "retrier_settings"]


def region() -> str:
    """The region this code runs in: where its clients go."""
    return home_region(os.environ)


def gate_settings(
    user_parameters: str | None,
    overrides: Mapping[str, Value] | None = None,
    label: str = "UserParameters",
) -> GateSettings:
    """UserParameters over this environment's defaults (the gate, the retrier, the CLI; the
    CLI adds its flags as `overrides` and calls its UserParameters "--params")."""
    return load_settings(
        user_parameters, os.environ, known_regions(), overrides=overrides, label=label
    )


@cache
def retrier_settings() -> RetrierSettings:
    from health_gate.config.retrier_settings import load_retrier_settings

    return load_retrier_settings(os.environ)


def reset() -> None:
    retrier_settings.cache_clear()
