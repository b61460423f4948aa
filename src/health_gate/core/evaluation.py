"""One health check: plan the queries, ask the source, decide, apply onHealthApiError."""

from __future__ import annotations

from datetime import datetime

from health_gate.config.settings import GateSettings
from health_gate.core.decision import decide, unknown
from health_gate.core.models import Decision, HealthEvent
from health_gate.core.ports import HealthSource
from health_gate.core.query import plan_queries
from health_gate.errors import HealthUnavailable

__all__ = ["evaluate", "note_of"]


def note_of(source: HealthSource) -> str | None:
    """What a source says about its own coverage (the public feed: public events only).

    Optional on the port: a source that knows nothing to add has no `source_note`. Read after
    querying, because a falling-back source only knows then which data it used.
    """
    note = getattr(source, "source_note", None)
    return note if isinstance(note, str) else None


def evaluate(source: HealthSource, settings: GateSettings, now: datetime) -> Decision:
    """The verdict now. Raises GateError unless onHealthApiError turns it into UNKNOWN."""
    events: list[HealthEvent] = []
    try:
        for query in plan_queries(settings):
            events.extend(source.events(query))
    except HealthUnavailable as err:
        if settings.on_health_api_error != "pass":
            raise
        return unknown(settings, now, str(err))
    return decide(events, settings, now, note_of(source))
