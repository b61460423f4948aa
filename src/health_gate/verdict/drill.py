"""A drill: a synthetic AWS Health issue that rehearses the whole loop (gate blocks, retrier
records, Slack hears, the issue ends, the stage is retried, the gate passes) on demand.

`drillUntil` in UserParameters makes the gate see, until then, an open issue in the first
configured region. It only ever adds a block: real events still count and are named, and the
drill cannot make an unhealthy gate pass. Once `drillUntil` has passed it does nothing, so the
retried gate run (which reads the same UserParameters) passes. Everything that mentions it says
DRILL and when it ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from health_gate.config import GateSettings
from health_gate.errors import ConfigurationError
from health_gate.verdict.events import HealthEvent

__all__ = ["DRILL_SERVICE", "MAX_DRILL", "drill_end", "drill_event", "drill_until_of", "is_drill"]

DRILL_SERVICE = "DRILL"
DRILL_TYPE = "HEALTH_GATE_DRILL"
MAX_DRILL = timedelta(hours=2)
_STAMP = "%Y%m%dT%H%M%SZ"


def drill_event(settings: GateSettings, now: datetime) -> HealthEvent | None:
    """The drill's open issue while `drillUntil` lies ahead; None before and after a drill.

    A drill that would last longer than MAX_DRILL is refused: a forgotten one would hold every
    deployment of the pipeline.
    """
    until = settings.drill_until
    if until is None or until <= now:
        return None
    if until - now > MAX_DRILL:
        raise ConfigurationError(
            f"Invalid UserParameters key 'drillUntil': {until:%Y-%m-%dT%H:%M:%SZ} is more than "
            f"{int(MAX_DRILL.total_seconds() // 3600)} hours away; a drill may last at most that."
        )
    region = settings.regions[0]
    stamp = until.strftime(_STAMP)
    return HealthEvent(
        arn=f"arn:aws:health:{region}::event/{DRILL_SERVICE}/{DRILL_TYPE}/{DRILL_TYPE}_{stamp}",
        service=DRILL_SERVICE,
        event_type_code=DRILL_TYPE,
        category="issue",
        region=region,
        status="open",
        end_time=until,
        scope="DRILL",
    )


def is_drill(event: HealthEvent) -> bool:
    return event.service == DRILL_SERVICE


def drill_end(events: Sequence[HealthEvent]) -> datetime | None:
    """When the drill among `events` ends; None when none of them is a drill."""
    return next((e.end_time for e in events if is_drill(e) and e.end_time is not None), None)


def drill_until_of(arn: str) -> datetime | None:
    """When the drill an incident ARN names ends; None for a real incident's ARN."""
    marker = f"/{DRILL_SERVICE}/{DRILL_TYPE}/{DRILL_TYPE}_"
    if marker not in arn:
        return None
    try:
        return datetime.strptime(arn.rsplit("_", 1)[-1], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
