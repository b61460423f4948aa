"""What `health-gate check` prints: a table for people, JSON for machines.

The JSON is versioned (`schemaVersion`) and described by `output.schema.json` in this package:
a new optional field keeps the version; removing or changing a field raises it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TextIO

from health_gate.pipeline.block_message import counted
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.drill import drill_end
from health_gate.verdict.events import HealthEvent

__all__ = [
    "SCHEMA_VERSION",
    "error_document",
    "event_json",
    "print_table",
    "progress_document",
    "summary_line",
    "verdict_document",
]

SCHEMA_VERSION = 1


def event_json(event: HealthEvent) -> dict[str, Any]:
    return {
        "arn": event.arn,
        "service": event.service,
        "eventTypeCode": event.event_type_code,
        "region": event.region,
        "startTime": event.start_time.isoformat() if event.start_time else None,
    }


def summary_line(decision: Decision) -> str:
    """The verdict in one line, as the table's first line says it."""
    regions = ", ".join(decision.regions)
    if decision.verdict is Verdict.HEALTHY:
        return (
            f"HEALTHY: no blocking AWS Health events in {regions} ({decision.considered} checked)."
        )
    if decision.verdict is Verdict.UNKNOWN:
        return (
            f"UNKNOWN: AWS Health could not be checked ({decision.warning}); "
            "passing as onHealthApiError says."
        )
    count = counted(len(decision.blocking), "AWS Health event")
    return f"BLOCKED: {count} in {', '.join(decision.event_regions)}."


def print_table(decision: Decision, out: TextIO) -> None:
    regions = ", ".join(decision.regions)
    if decision.verdict is not Verdict.BLOCKED:
        print(summary_line(decision), file=out)
    else:
        heading = f"BLOCKED: {len(decision.blocking)} AWS Health event(s) in {regions}:"
        print(heading, file=out)
        rows = [("SERVICE", "EVENT TYPE", "REGION", "STARTED (UTC)", "ARN")]
        for e in decision.blocking:
            started = e.start_time.strftime("%Y-%m-%d %H:%M") if e.start_time else "-"
            rows.append((e.service, e.event_type_code, e.region, started, e.arn))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
            print(f"  {cells}  {row[4]}", file=out)
    end = drill_end(decision.blocking)
    if end is not None:
        print(
            f"DRILL until {end:%Y-%m-%d %H:%M UTC}: a rehearsal of health-gate, not an AWS "
            "incident.",
            file=out,
        )
    if decision.source_note:
        print(f"Note: {decision.source_note}", file=out)


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def verdict_document(decision: Decision, exit_code: int, waited: int | None) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "verdict": decision.verdict.value,
        "exitCode": exit_code,
        "summary": summary_line(decision),
        "regions": list(decision.regions),
        "blocking": [event_json(e) for e in decision.blocking],
        "blockingCount": len(decision.blocking),
        "considered": decision.considered,
        "checkedAt": _time(decision.checked_at),
        "warning": decision.warning,
        "sourceNote": decision.source_note,
        "waitedSeconds": waited,
        "error": None,
    }


def error_document(message: str, kind: str, exit_code: int) -> dict[str, Any]:
    return {
        "schemaVersion": SCHEMA_VERSION,
        "verdict": "ERROR",
        "exitCode": exit_code,
        "summary": f"ERROR: {message}",
        "regions": [],
        "blocking": [],
        "blockingCount": 0,
        "considered": 0,
        "checkedAt": None,
        "warning": None,
        "sourceNote": None,
        "waitedSeconds": None,
        "error": {"type": kind, "message": message},
    }


def progress_document(
    decision: Decision, waited: float, max_wait: int, next_check: float
) -> dict[str, Any]:
    """One line of wait progress (stderr, with --json)."""
    return {
        "schemaVersion": SCHEMA_VERSION,
        "progress": {
            "checkedAt": _time(decision.checked_at),
            "blockingCount": len(decision.blocking),
            "regions": list(decision.event_regions),
            "waitedSeconds": int(waited),
            "maxWaitSeconds": max_wait * 60,
            "nextCheckSeconds": int(next_check),
        },
    }
