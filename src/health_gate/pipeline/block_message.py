"""The gate's blocked message: written by the gate, read back by the retrier. One module for
both, so the format and its parser cannot drift apart.

    Blocked by AWS Health: 2 open events in us-east-1, global. Retry this stage once …
    - EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1 since 2026-11-23 14:05 UTC: arn:aws:health:…

The message starts with BLOCKED_PREFIX; each incident has one line. The retrier trusts none of
it as proof of a block (ListActionExecutions is the proof); it reads the lines only to name the
incidents in its notifications.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from health_gate.pipeline.limits import MAX_FAILURE_MESSAGE, clip
from health_gate.verdict.drill import drill_end, is_drill
from health_gate.verdict.events import HealthEvent

__all__ = [
    "BLOCKED_MARKER",
    "BLOCKED_PREFIX",
    "IncidentRef",
    "blocked_message",
    "counted",
    "describe_event",
    "drill_note",
    "parse_incidents",
]

BLOCKED_PREFIX = "Blocked by AWS Health"
# Set as failureDetails.externalExecutionId on a blocked failure. CodePipeline may show it in
# ListActionExecutions, where the retrier looks for it: only the gate's own role can write it.
BLOCKED_MARKER = "health-gate:blocked"

_TIME_FORMAT = "%Y-%m-%d %H:%M UTC"
_LINE = re.compile(
    r"- (?P<service>\S+) (?P<code>\S+) in (?P<region>\S+) since [^\n]+?: (?P<arn>arn:\S+)"
)
_ARN = re.compile(r"arn:aws[a-z-]*:health:([a-z0-9-]*)::event/([^/\s]+)/([^/\s]+)/\S+")


@dataclass(frozen=True)
class IncidentRef:
    """An AWS Health event named in the gate's failure message."""

    arn: str
    service: str = ""
    event_type_code: str = ""
    region: str = ""


def describe_event(event: HealthEvent) -> str:
    """One line a person can act on: what, where, since when, and the ARN to look it up. A
    drill's line says DRILL and when it ends."""
    since = event.start_time.strftime(_TIME_FORMAT) if event.start_time else "unknown time"
    if is_drill(event) and event.end_time is not None:
        since = f"now (a DRILL, not an AWS incident, until {event.end_time:{_TIME_FORMAT}})"
    return f"- {event.service} {event.event_type_code} in {event.region} since {since}: {event.arn}"


def drill_note(events: Sequence[HealthEvent]) -> str:
    """ ", one a DRILL until …" when a drill is among the events, else nothing."""
    end = drill_end(events)
    return f", one of them a DRILL until {end:{_TIME_FORMAT}}" if end else ""


def counted(n: int, noun: str) -> str:
    """ "1 open event", "2 open events": the count and its noun, in every message."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def blocked_message(
    events: Sequence[HealthEvent],
    regions: Sequence[str],
    lead: str = "",
    limit: int = MAX_FAILURE_MESSAGE,
) -> str:
    """'Blocked by AWS Health…' listing every event, or as many as fit and '… and N more'."""
    header = (
        f"{BLOCKED_PREFIX}: {counted(len(events), 'open event')} in {', '.join(regions)}"
        f"{drill_note(events)}{lead}. Retry this stage once AWS Health shows them resolved."
    )
    lines = [header]
    used = len(header)
    for index, event in enumerate(events):
        line = describe_event(event)
        rest = len(events) - index - 1
        tail = len(f"\n… and {len(events)} more") if rest else 0
        if used + 1 + len(line) + tail > limit:
            lines.append(f"… and {len(events) - index} more")
            break
        lines.append(line)
        used += 1 + len(line)
    return clip("\n".join(lines), limit)


def parse_incidents(messages: Iterable[str]) -> tuple[IncidentRef, ...]:
    """Incidents listed in the gate's failure messages, one per ARN, in order.

    A line in `describe_event`'s format gives every field; elsewhere, a Health event ARN still
    names its region, service and type (a message CodePipeline may have shortened).
    """
    found: dict[str, IncidentRef] = {}
    for text in messages:
        for line in text.splitlines():
            match = _LINE.fullmatch(line.strip())
            if match:
                arn = match["arn"]
                found.setdefault(
                    arn, IncidentRef(arn, match["service"], match["code"], match["region"])
                )
                continue
            for arn_match in _ARN.finditer(line):
                region, service, code = arn_match.groups()
                arn = arn_match.group(0).rstrip(".,;)")
                found.setdefault(arn, IncidentRef(arn, service, code, region))
    return tuple(found.values())
