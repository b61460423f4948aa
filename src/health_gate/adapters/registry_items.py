"""A blocked execution as a DynamoDB item, and back. Items written by the first version
(no `state`, no `lifetimeEndsAt`) read as open records whose lifetime ends at their TTL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from health_gate.pipeline.block_message import IncidentRef
from health_gate.retry.blocked import BlockedExecution

__all__ = ["TTL_AFTER_LIFETIME", "from_item", "ms", "seconds", "to_item"]

# expiresAt (DynamoDB's TTL) comes this long after the logical end, which the sweep acts on.
TTL_AFTER_LIFETIME = timedelta(days=1)


def ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def seconds(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def to_item(record: BlockedExecution) -> dict[str, Any]:
    incidents = [
        {
            "M": {
                "arn": {"S": i.arn},
                "service": {"S": i.service},
                "eventTypeCode": {"S": i.event_type_code},
                "region": {"S": i.region},
            }
        }
        for i in record.incidents
    ]
    ends = record.lifetime_ends or record.blocked_at
    return {
        "pk": {"S": record.key},
        "state": {"S": "open" if record.auto_retry else "manual"},
        "pipeline": {"S": record.pipeline},
        "stage": {"S": record.stage},
        "executionId": {"S": record.execution_id},
        "attemptKey": {"S": record.attempt_key},
        "startedAt": {"N": ms(record.started)},
        "blockedAt": {"N": seconds(record.blocked_at)},
        "lifetimeEndsAt": {"N": seconds(ends)},
        "expiresAt": {"N": seconds(ends + TTL_AFTER_LIFETIME)},
        "userParameters": {"L": [{"S": text} for text in record.user_parameters]},
        "incidents": {"L": incidents},
    }


def _incident(fields: Mapping[str, Any]) -> IncidentRef:
    def text(name: str) -> str:
        return str(fields.get(name, {}).get("S", ""))

    return IncidentRef(text("arn"), text("service"), text("eventTypeCode"), text("region"))


def from_item(item: Mapping[str, Any]) -> BlockedExecution:
    def text(name: str) -> str:
        return str(item[name]["S"])

    def when(name: str, scale: int = 1) -> datetime:
        return datetime.fromtimestamp(int(item[name]["N"]) / scale, UTC)

    incidents = tuple(_incident(entry["M"]) for entry in item.get("incidents", {}).get("L", []))
    return BlockedExecution(
        pipeline=text("pipeline"),
        stage=text("stage"),
        execution_id=text("executionId"),
        attempt_ids=tuple(text("attemptKey").split(",")),
        started=when("startedAt", 1000),
        blocked_at=when("blockedAt"),
        user_parameters=tuple(str(v["S"]) for v in item["userParameters"]["L"]),
        incidents=incidents,
        lifetime_ends=when("lifetimeEndsAt" if "lifetimeEndsAt" in item else "expiresAt"),
        auto_retry=item.get("state", {}).get("S") != "manual",
        retry_requested_at=when("retryRequestedAt") if "retryRequestedAt" in item else None,
    )
