"""The gate's rule: which events block a deployment, and the verdict that follows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from health_gate.config.settings import GateSettings
from health_gate.core.models import Decision, HealthEvent, Verdict

__all__ = ["MULTIPLE_SERVICES", "blocks", "decide", "unknown"]

# AWS Health's service code for an event that spans services (the public feed's
# "multipleservices"). It names no service, so it matches every service filter.
MULTIPLE_SERVICES = "MULTIPLE_SERVICES"


def _service_matches(event: HealthEvent, settings: GateSettings) -> bool:
    service = event.service.upper()
    return not settings.services or service == MULTIPLE_SERVICES or service in settings.services


def blocks(event: HealthEvent, settings: GateSettings) -> bool:
    """True when the event matches every filter (the API filters too; its answer is re-checked)."""
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


def decide(
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
