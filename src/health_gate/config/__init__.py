"""Every setting in one place: UserParameters over environment defaults for the gate (and the
retrier and CLI, which decide the same way), and the retrier's own wiring. Standard library only.
"""

from health_gate.config.environment import (
    RetrierSettings,
    home_region,
    load_retrier_settings,
)
from health_gate.config.regions import KnownRegions
from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import ENV_VARS, load_settings
from health_gate.config.validation import split_list

__all__ = [
    "ENV_VARS",
    "GateSettings",
    "KnownRegions",
    "RetrierSettings",
    "home_region",
    "load_retrier_settings",
    "load_settings",
    "split_list",
]
