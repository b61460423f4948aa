"""What the team is told about a blocked deployment, rendered for AWS Chatbot (custom
notification schema) and for a plain Slack incoming webhook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from health_gate.pipeline.block_message import IncidentRef
from health_gate.pipeline.limits import clip
from health_gate.retry.blocked import BlockedExecution
from health_gate.verdict.drill import drill_until_of

__all__ = [
    "Notification",
    "blocked_notice",
    "chatbot_message",
    "expired_notice",
    "health_link",
    "resumed_notice",
    "slack_message",
    "stale_notice",
]

MAX_TITLE = 250  # conservative: Chatbot truncates long titles
MAX_DESCRIPTION = 8000
MAX_SLACK_TEXT = 3900  # Slack advises keeping `text` under 4,000 characters
HEALTH_EVENT_URL = (
    "https://health.aws.amazon.com/health/home#/account/event-log?eventID={arn}&eventTab=details"
)
EXECUTION_URL = (
    "https://{region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{pipeline}"
    "/executions/{execution}/timeline?region={region}"
)


@dataclass(frozen=True)
class Notification:
    """One message about one blocked stage; `thread_id` keeps its story in one Slack thread."""

    event_type: str  # HealthGateBlocked | HealthGateResumed | HealthGateStale | HealthGateExpired
    title: str
    description: str
    next_steps: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    thread_id: str = ""
    related: tuple[str, ...] = ()
    context: dict[str, str] = field(default_factory=dict)


def health_link(incident: IncidentRef) -> str:
    return HEALTH_EVENT_URL.format(arn=incident.arn)


def _incident_lines(incidents: Sequence[IncidentRef]) -> str:
    if not incidents:
        return "• (the gate's message named no events; see the stage's failure details)"
    lines = []
    for incident in incidents:
        where = f" in {incident.region}" if incident.region else ""
        until = drill_until_of(incident.arn)
        if until is not None:
            lines.append(
                f"• DRILL{where} until {until:%Y-%m-%d %H:%M UTC}: a rehearsal of health-gate, "
                "not an AWS incident"
            )
            continue
        what = " ".join(p for p in (incident.service, incident.event_type_code) if p) or "event"
        lines.append(f"• {what}{where}: {health_link(incident)}")
    return "\n".join(lines)


def _drill(record: BlockedExecution) -> str:
    """ "[DRILL] " before every title about a drilled run."""
    drilled = any(drill_until_of(i.arn) is not None for i in record.incidents)
    return "[DRILL] " if drilled else ""


def _base(record: BlockedExecution, region: str) -> dict[str, Any]:
    url = EXECUTION_URL.format(
        region=region, pipeline=record.pipeline, execution=record.execution_id
    )
    services = sorted({i.service for i in record.incidents if i.service})
    return {
        "keywords": (record.pipeline, record.stage, *services),
        "thread_id": f"health-gate/{record.pipeline}/{record.stage}/{record.execution_id}",
        "related": tuple(i.arn for i in record.incidents),
        "context": {
            "pipeline": record.pipeline,
            "stage": record.stage,
            "executionId": record.execution_id,
            "executionUrl": url,
        },
    }


def _where(record: BlockedExecution) -> str:
    return f"*{record.pipeline}* › *{record.stage}* (execution `{record.execution_id}`)"


def blocked_notice(record: BlockedExecution, region: str, sweep_minutes: int) -> Notification:
    if record.auto_retry:
        steps: tuple[str, ...] = (
            "The stage is retried automatically once AWS Health shows these incidents "
            f"resolved (checked on every Health event and every {sweep_minutes} minutes).",
            "To deploy anyway, retry the stage by hand in the CodePipeline console.",
        )
    else:
        steps = (
            'Auto-retry is off for this gate action ("autoRetry": false): retry the stage by '
            "hand in the CodePipeline console once AWS Health shows these incidents resolved.",
        )
    return Notification(
        event_type="HealthGateBlocked",
        title=f"{_drill(record)}:no_entry: Deployment blocked by AWS Health: "
        f"{record.pipeline} / {record.stage}",
        description=(
            f"The health gate stopped {_where(record)} because AWS Health shows open "
            f"incidents:\n{_incident_lines(record.incidents)}"
        ),
        next_steps=steps,
        **_base(record, region),
    )


def resumed_notice(record: BlockedExecution, region: str) -> Notification:
    base = _base(record, region)
    return Notification(
        event_type="HealthGateResumed",
        title=f"{_drill(record)}:arrow_forward: Deployment resumed: "
        f"{record.pipeline} / {record.stage}",
        description=(
            f"AWS Health no longer shows incidents that block {_where(record)}. "
            "The stage's failed actions are running again. It was blocked by:\n"
            f"{_incident_lines(record.incidents)}"
        ),
        next_steps=(f"Follow the execution: {base['context']['executionUrl']}",),
        **base,
    )


def stale_notice(record: BlockedExecution, region: str, reason: str) -> Notification:
    return Notification(
        event_type="HealthGateStale",
        title=f"{_drill(record)}:warning: Blocked deployment not retried: "
        f"{record.pipeline} / {record.stage}",
        description=f"The retrier dropped {_where(record)}: {reason}.",
        next_steps=(
            "Nothing is retried automatically for this execution. If it still needs to "
            "deploy, start or retry it in the CodePipeline console.",
        ),
        **_base(record, region),
    )


def expired_notice(record: BlockedExecution, region: str) -> Notification:
    ends = f"{record.lifetime_ends:%Y-%m-%d %H:%M UTC}" if record.lifetime_ends else "now"
    return Notification(
        event_type="HealthGateExpired",
        title=f"{_drill(record)}:hourglass: Blocked deployment expired, retry by hand: "
        f"{record.pipeline} / "
        f"{record.stage}",
        description=(
            f"{_where(record)} was still blocked when its record's lifetime ended ({ends}), so "
            "the retrier will not retry it. It was blocked by:\n"
            f"{_incident_lines(record.incidents)}"
        ),
        next_steps=(
            "Check AWS Health, then retry the stage (or start a new execution) by hand in the "
            "CodePipeline console.",
        ),
        **_base(record, region),
    )


def chatbot_message(notice: Notification) -> dict[str, Any]:
    """AWS Chatbot's custom notification schema (version 1.0, source custom)."""
    return {
        "version": "1.0",
        "source": "custom",
        "content": {
            "textType": "client-markdown",
            "title": clip(notice.title, MAX_TITLE),
            "description": clip(notice.description, MAX_DESCRIPTION),
            "nextSteps": list(notice.next_steps),
            "keywords": list(notice.keywords),
        },
        "metadata": {
            "threadId": notice.thread_id,
            "summary": clip(notice.title, MAX_TITLE),
            "eventType": notice.event_type,
            "relatedResources": list(notice.related),
            "additionalContext": dict(notice.context),
        },
    }


def slack_message(notice: Notification) -> dict[str, Any]:
    """A Slack incoming-webhook payload: one mrkdwn `text`, no app needed."""
    steps = "\n".join(f"→ {step}" for step in notice.next_steps)
    text = f"*{notice.title}*\n{notice.description}" + (f"\n{steps}" if steps else "")
    return {"text": clip(text, MAX_SLACK_TEXT), "mrkdwn": True}
