"""The gate's rule: which events block a deployment, and the verdict that follows.

`decide` asks a health source (every planned query), applies `onHealthApiError`, and judges the
events with `decide_events`, the pure rule that the bench measures at scale.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from health_gate.config.settings import GateSettings, OnHealthApiError
from health_gate.errors import HealthUnavailable
from health_gate.verdict.drill import drill_event, is_drill
from health_gate.verdict.events import MULTIPLE_SERVICES, HealthEvent
from health_gate.verdict.query import plan_queries
from health_gate.verdict.sources import HealthSource

__all__ = ["Decision", "Verdict", "blocks", "decide", "decide_events", "unknown"]


class Verdict(enum.Enum):
    """What the gate concluded."""

    HEALTHY = "HEALTHY"
    BLOCKED = "BLOCKED"
    UNKNOWN = "UNKNOWN"  # the health source failed and onHealthApiError is "pass"


@dataclass(frozen=True)
class Decision:
    """The gate's verdict with the evidence behind it."""

    verdict: Verdict
    blocking: tuple[HealthEvent, ...] = ()
    regions: tuple[str, ...] = ()
    checked_at: datetime | None = None
    warning: str | None = None
    source_note: str | None = None
    considered: int = field(default=0)

    @property
    def blocked(self) -> bool:
        return self.verdict is Verdict.BLOCKED

    @property
    def event_regions(self) -> tuple[str, ...]:
        """The regions of the blocking events, in the configured order (then any others)."""
        found = {event.region for event in self.blocking}
        ordered = [r for r in self.regions if r in found]
        return (*ordered, *sorted(found - set(self.regions)))


def _service_matches(event: HealthEvent, settings: GateSettings) -> bool:
    service = event.service.upper()
    return not settings.services or service == MULTIPLE_SERVICES or service in settings.services


def blocks(event: HealthEvent, settings: GateSettings) -> bool:
    """True when the event matches every filter (the API filters too; its answer is re-checked).
    A drill's issue always blocks: it is made for exactly these settings."""
    if is_drill(event):
        return True
    return (
        event.status in settings.event_status_codes
        and event.category in settings.event_type_categories
        and event.region in settings.regions
        and _service_matches(event, settings)
        and event.event_type_code not in settings.ignore_event_type_codes
    )


def _order(event: HealthEvent) -> tuple[str, str, str]:
    started = event.start_time.isoformat() if event.start_time else ""
    return (started, event.service, event.arn)


def decide_events(
    events: Iterable[HealthEvent],
    settings: GateSettings,
    now: datetime,
    source_note: str | None = None,
) -> Decision:
    """Block when any event blocks; duplicates (same ARN from split queries) count once."""
    seen: dict[str, HealthEvent] = {}
    considered = 0
    for event in events:
        considered += 1
        if blocks(event, settings):
            seen.setdefault(event.arn, event)
    blocking = tuple(sorted(seen.values(), key=_order))
    return Decision(
        verdict=Verdict.BLOCKED if blocking else Verdict.HEALTHY,
        blocking=blocking,
        regions=settings.regions,
        checked_at=now,
        considered=considered,
        source_note=source_note,
    )


def unknown(settings: GateSettings, now: datetime, warning: str) -> Decision:
    """The health source failed and the settings say to let the deployment through."""
    return Decision(
        verdict=Verdict.UNKNOWN, regions=settings.regions, checked_at=now, warning=warning
    )


def decide(source: HealthSource, settings: GateSettings, now: datetime) -> Decision:
    """The verdict now. Raises GateError unless onHealthApiError turns it into UNKNOWN.

    The source's note is read after querying: a falling-back source knows only then which
    data it used. A drill's synthetic issue is added to what the source said, and only ever
    adds a block: it holds even when onHealthApiError would pass an unreachable source.
    """
    drill = drill_event(settings, now)
    events: list[HealthEvent] = []
    try:
        for query in plan_queries(settings):
            events.extend(source.events(query))
    except HealthUnavailable as err:
        if settings.on_health_api_error is not OnHealthApiError.PASS:
            raise
        if drill is None:
            return unknown(settings, now, str(err))
        blocked = decide_events([drill], settings, now)
        return replace(blocked, warning=str(err))
    if drill is not None:
        events.append(drill)
    return decide_events(events, settings, now, source.source_note)
