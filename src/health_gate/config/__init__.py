"""Every setting in one place: UserParameters over environment defaults for the gate (and the
retrier and CLI, which decide the same way), and the retrier's own wiring
(`config.retrier_settings`, which only the retrier loads). Standard library only.
"""

from health_gate.config.regions import KnownRegions, home_region
from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import ENV_VARS, load_settings
from health_gate.config.validation import split_list

__all__ = [
    "ENV_VARS",
    "GateSettings",
    "KnownRegions",
    "home_region",
    "load_settings",
    "split_list",
]
