"""What `health-gate check` prints: a table for people, JSON for machines."""

from __future__ import annotations

from typing import Any, TextIO

from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent

__all__ = ["event_json", "print_table"]


def event_json(event: HealthEvent) -> dict[str, Any]:
    return {
        "arn": event.arn,
        "service": event.service,
        "eventTypeCode": event.event_type_code,
        "region": event.region,
        "startTime": event.start_time.isoformat() if event.start_time else None,
    }


def print_table(decision: Decision, out: TextIO) -> None:
    regions = ", ".join(decision.regions)
    if decision.verdict is Verdict.HEALTHY:
        print(
            f"HEALTHY: no blocking AWS Health events in {regions} ({decision.considered} checked).",
            file=out,
        )
    elif decision.verdict is Verdict.UNKNOWN:
        print(
            f"UNKNOWN: AWS Health could not be checked ({decision.warning}); "
            "passing as onHealthApiError says.",
            file=out,
        )
    else:
        heading = f"BLOCKED: {len(decision.blocking)} AWS Health event(s) in {regions}:"
        print(heading, file=out)
        rows = [("SERVICE", "EVENT TYPE", "REGION", "STARTED (UTC)", "ARN")]
        for e in decision.blocking:
            started = e.start_time.strftime("%Y-%m-%d %H:%M") if e.start_time else "-"
            rows.append((e.service, e.event_type_code, e.region, started, e.arn))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            print(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
                + "  "
                + row[4],
                file=out,
            )
    if decision.source_note:
        print(f"Note: {decision.source_note}", file=out)
