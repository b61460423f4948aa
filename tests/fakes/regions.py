"""The known regions the gate itself uses: botocore's bundled partition list, as the runtime
reads it. Unit tests hand this value to `load_settings`, as the runtime does."""

from __future__ import annotations

from health_gate.config import KnownRegions
from health_gate.runtime.regions import known_regions

__all__ = ["KNOWN_REGIONS"]

KNOWN_REGIONS: KnownRegions = known_regions()
