"""Blocked executions in DynamoDB, one item per pipeline stage, changed only conditionally.

- register: `attribute_not_exists(pk) OR startedAt < :started`. A newer execution (or a newer
  run of the gate in the same one) replaces the item; a duplicate or a late message about an
  older execution fails the condition and changes nothing.
- claim: sets a token and a lease end, if the item still holds the same gate runs and no live
  lease exists. Of any number of concurrent sweeps, one wins; a crashed holder's lease ends.
- release / remove: conditional on the token, so a replaced item is never touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    ACCESS_DENIED_CODES,
    AWS_ERRORS,
    NETWORK_ERRORS,
    describe,
    error_code,
)
from health_gate.errors import GateError, PermissionDenied, SystemUnavailable
from health_gate.pipeline.block_message import IncidentRef
from health_gate.retry.blocked import BlockedExecution, Claim
from health_gate.retry.outcomes import Registration

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoBlockRegistry"]

CONDITION_FAILED = "ConditionalCheckFailedException"


def _ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def _seconds(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _to_item(record: BlockedExecution, expires: datetime) -> dict[str, Any]:
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
    return {
        "pk": {"S": record.key},
        "pipeline": {"S": record.pipeline},
        "stage": {"S": record.stage},
        "executionId": {"S": record.execution_id},
        "attemptKey": {"S": record.attempt_key},
        "startedAt": {"N": _ms(record.started)},
        "blockedAt": {"N": _seconds(record.blocked_at)},
        "expiresAt": {"N": _seconds(expires)},
        "userParameters": {"L": [{"S": text} for text in record.user_parameters]},
        "incidents": {"L": incidents},
    }


def _incident(fields: Mapping[str, Any]) -> IncidentRef:
    def text(name: str) -> str:
        return str(fields.get(name, {}).get("S", ""))

    return IncidentRef(text("arn"), text("service"), text("eventTypeCode"), text("region"))


def _from_item(item: Mapping[str, Any]) -> BlockedExecution:
    def text(name: str) -> str:
        return str(item[name]["S"])

    def when(name: str, scale: int) -> datetime:
        return datetime.fromtimestamp(int(item[name]["N"]) / scale, UTC)

    incidents = tuple(_incident(entry["M"]) for entry in item.get("incidents", {}).get("L", []))
    return BlockedExecution(
        pipeline=text("pipeline"),
        stage=text("stage"),
        execution_id=text("executionId"),
        attempt_ids=tuple(text("attemptKey").split(",")),
        started=when("startedAt", 1000),
        blocked_at=when("blockedAt", 1),
        user_parameters=tuple(str(v["S"]) for v in item["userParameters"]["L"]),
        incidents=incidents,
    )


def _translate(err: Exception, table: str) -> GateError:
    if isinstance(err, ClientError) and error_code(err) in ACCESS_DENIED_CODES:
        return PermissionDenied(
            f"The retrier's role may not use DynamoDB table {table} ({describe(err)})."
        )
    return SystemUnavailable(f"DynamoDB table {table} did not answer ({describe(err)}).")


class DynamoBlockRegistry:
    """A `BlockRegistry` over a table keyed by `pk` (string) with TTL on `expiresAt`."""

    def __init__(
        self,
        client: DynamoDBClient,
        table: str,
        ttl: timedelta = timedelta(days=14),
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self._client = client
        self._table = table
        self._ttl = ttl
        self._lease = lease

    def register(self, record: BlockedExecution) -> Registration:
        done, answer = self._write(
            self._client.put_item,
            Item=_to_item(record, record.blocked_at + self._ttl),
            ConditionExpression="attribute_not_exists(pk) OR startedAt < :started",
            ExpressionAttributeValues={":started": {"N": _ms(record.started)}},
            ReturnValues="ALL_OLD",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        if done:
            return Registration.REPLACED if answer.get("Attributes") else Registration.NEW
        same = answer.get("Item", {}).get("attemptKey", {}).get("S") == record.attempt_key
        return Registration.DUPLICATE if same else Registration.OUTDATED

    def blocked(self, now: datetime) -> list[BlockedExecution]:
        # TTL deletes lazily (within days): expired items are filtered out here.
        arguments: Any = {
            "TableName": self._table,
            "ConsistentRead": True,
            "FilterExpression": "expiresAt > :now",
            "ExpressionAttributeValues": {":now": {"N": _seconds(now)}},
        }
        try:
            pages = self._client.get_paginator("scan").paginate(**arguments)
            items = [item for page in pages for item in page.get("Items", [])]
        except AWS_ERRORS as err:
            raise _translate(err, self._table) from err
        records = []
        for item in items:
            try:
                records.append(_from_item(item))
            except (KeyError, TypeError, ValueError):
                continue  # not written by this code; left to its TTL
        return records

    def claim(self, record: BlockedExecution, now: datetime) -> Claim | None:
        claim = Claim(record, uuid.uuid4().hex, now + self._lease)
        done, _ = self._write(
            self._client.update_item,
            Key={"pk": {"S": record.key}},
            UpdateExpression="SET claimToken = :token, claimUntil = :until",
            ConditionExpression=(
                "attemptKey = :attempts AND (attribute_not_exists(claimUntil) OR claimUntil < :now)"
            ),
            ExpressionAttributeValues={
                ":attempts": {"S": record.attempt_key},
                ":now": {"N": _seconds(now)},
                ":token": {"S": claim.token},
                ":until": {"N": _seconds(claim.until)},
            },
        )
        return claim if done else None

    def release(self, claim: Claim) -> None:
        self._write(
            self._client.update_item,
            Key={"pk": {"S": claim.record.key}},
            UpdateExpression="REMOVE claimToken, claimUntil",
            ConditionExpression="claimToken = :token",
            ExpressionAttributeValues={":token": {"S": claim.token}},
        )

    def remove(self, claim: Claim) -> bool:
        done, _ = self._write(
            self._client.delete_item,
            Key={"pk": {"S": claim.record.key}},
            ConditionExpression="claimToken = :token",
            ExpressionAttributeValues={":token": {"S": claim.token}},
        )
        return done

    def _write(self, operation: Callable[..., Any], **arguments: Any) -> tuple[bool, Any]:
        """(True, the answer), or (False, the error response) when the condition failed."""
        try:
            return True, operation(TableName=self._table, **arguments)
        except ClientError as err:
            if error_code(err) == CONDITION_FAILED:
                return False, err.response
            raise _translate(err, self._table) from err
        except NETWORK_ERRORS as err:
            raise _translate(err, self._table) from err
