"""Read what reaches the retrier's topic: EventBridge events forwarded by a rule
(`detail-type`) and CodeStar notifications (`detailType`, `notificationRuleArn`,
`additionalAttributes`), plus the scheduled sweep. The values are triggers only: a failure is
verified against ListActionExecutions, a Health message is re-checked with DescribeEvents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from health_gate.verdict.events import parse_time_or_none

__all__ = [
    "HealthNews",
    "Ignored",
    "PipelineMessage",
    "ScheduledSweep",
    "StageFailed",
    "Unrecognised",
    "messages_of",
    "parse_event",
    "parse_message",
]

STAGE_CHANGE = "CodePipeline Stage Execution State Change"
ACTION_CHANGE = "CodePipeline Action Execution State Change"
PIPELINE_CHANGE = "CodePipeline Pipeline Execution State Change"
HEALTH_EVENT = "AWS Health Event"
SCHEDULED = "Scheduled Event"
_PIPELINE_TYPES = (STAGE_CHANGE, ACTION_CHANGE, PIPELINE_CHANGE)
# Pipeline and stage names (the API's pattern) and execution IDs, matched whole and in ASCII:
# `$` would accept a trailing newline.
_NAME = re.compile(r"[A-Za-z0-9.@\-_]{1,100}\Z", re.ASCII)
_EXECUTION_ID = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.ASCII
)
MAX_MESSAGE_CHARS = 262_144  # SNS's own limit for a message: anything longer is not SNS's


@dataclass(frozen=True)
class StageFailed:
    """A stage (or, for a pipeline-level message, some stage) of an execution failed."""

    pipeline: str
    execution_id: str
    stage: str | None
    shape: str  # "eventbridge" or "codestar"
    detail_type: str
    time: datetime | None = None


@dataclass(frozen=True)
class HealthNews:
    """An AWS Health event changed: a reason to re-check, never a verdict."""

    event_arn: str
    status: str
    service: str = ""
    event_type_code: str = ""
    region: str = ""
    backup: bool = False


@dataclass(frozen=True)
class ScheduledSweep:
    """The schedule's safety net: a closing Health event is not guaranteed."""


@dataclass(frozen=True)
class Ignored:
    """A well-formed message that asks nothing of the retrier."""

    reason: str


@dataclass(frozen=True)
class Unrecognised:
    """Neither shape, or a malformed one: logged and dropped."""

    reason: str


PipelineMessage = StageFailed | HealthNews | ScheduledSweep | Ignored | Unrecognised


def messages_of(event: Mapping[str, Any]) -> Iterator[tuple[str, PipelineMessage]]:
    """(message ID, message) for each message of one Lambda invocation: the SNS records of
    GateEventsTopic, or the schedule's event itself (its rule invokes the function directly).

    Read by hand, not with Powertools' `SNSEvent`: importing that runs the `data_classes`
    package `__init__`, ~20 ms on every cold start (bench/, issue 11).
    """
    records = event.get("Records")
    if records is None:
        yield str(event.get("id", "direct")), parse_event(event)
        return
    if not isinstance(records, list):
        yield "records", Unrecognised("Records is not a list")
        return
    for index, record in enumerate(records):
        sns = record.get("Sns") if isinstance(record, Mapping) else None
        if not isinstance(sns, Mapping) or not isinstance(sns.get("Message"), str):
            yield f"record-{index}", Unrecognised("not an SNS record")
            continue
        yield str(sns.get("MessageId") or f"record-{index}"), parse_message(sns["Message"])


def parse_message(text: str) -> PipelineMessage:
    """One SNS `Message` string. Never raises: a hostile or broken message is Unrecognised
    (raising would make Lambda retry it and then keep it in the DLQ)."""
    if len(text) > MAX_MESSAGE_CHARS:
        return Unrecognised(f"message is longer than {MAX_MESSAGE_CHARS} characters")
    try:
        body = json.loads(text)
    except (TypeError, ValueError):
        return Unrecognised("message is not JSON")
    except RecursionError:
        return Unrecognised("message nests too deeply")
    if not isinstance(body, dict):
        return Unrecognised("message is not a JSON object")
    return parse_event(body)


def parse_event(body: Mapping[str, Any]) -> PipelineMessage:
    """One event object, EventBridge-shaped or CodeStar-shaped."""
    if "detail-type" in body:
        shape, detail_type = "eventbridge", body.get("detail-type")
    elif "detailType" in body:
        shape, detail_type = "codestar", body.get("detailType")
    else:
        return Unrecognised("neither detail-type nor detailType")
    source = body.get("source")
    detail = body.get("detail")
    if source == "aws.events" and detail_type == SCHEDULED:
        return ScheduledSweep()
    if not isinstance(detail, dict):
        return Unrecognised("detail is missing or not an object")
    if source == "aws.codepipeline" and detail_type in _PIPELINE_TYPES:
        return _pipeline_failure(shape, str(detail_type), detail, body.get("time"))
    if source == "aws.health" and detail_type == HEALTH_EVENT:
        return _health_news(detail)
    return Unrecognised(f"unexpected source/detail type {source!r}/{detail_type!r}")


def _pipeline_failure(
    shape: str, detail_type: str, detail: Mapping[str, Any], time: Any
) -> PipelineMessage:
    state = detail.get("state")
    if state != "FAILED":
        return Ignored(f"state is {state!r}, not FAILED")
    pipeline = detail.get("pipeline")
    execution_id = detail.get("execution-id")
    stage = detail.get("stage") if detail_type != PIPELINE_CHANGE else None
    if not isinstance(pipeline, str) or not _NAME.match(pipeline):
        return Unrecognised("detail.pipeline is not a pipeline name")
    if not isinstance(execution_id, str) or not _EXECUTION_ID.match(execution_id):
        return Unrecognised("detail.execution-id is not an execution ID")
    if stage is not None and (not isinstance(stage, str) or not _NAME.match(stage)):
        return Unrecognised("detail.stage is not a stage name")
    return StageFailed(pipeline, execution_id, stage, shape, detail_type, parse_time_or_none(time))


def _health_news(detail: Mapping[str, Any]) -> PipelineMessage:
    arn = detail.get("eventArn")
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return Unrecognised("detail.eventArn is missing")
    return HealthNews(
        event_arn=arn,
        status=str(detail.get("statusCode", "")),
        service=str(detail.get("service", "")),
        event_type_code=str(detail.get("eventTypeCode", "")),
        region=str(detail.get("eventRegion", "")),
        backup=_flag(detail.get("backupEvent")),
    )


def _flag(value: Any) -> bool:
    """A documented boolean: AWS's own examples send `"true"`/`"false"` as strings (the AWS
    Health EventBridge schema page); a JSON boolean is accepted as well."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().lower() == "true"
