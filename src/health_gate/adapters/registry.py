"""Blocked executions in DynamoDB, one item per pipeline stage, changed only conditionally.

- register: `attribute_not_exists(pk) OR startedAt < :started`. A newer execution (or a newer
  run of the gate in the same one) replaces the item; the same run, open or closed, or a late
  message about an older execution fails the condition and changes nothing.
- claim: sets a token and a lease end, if the item is open, still holds the same gate runs,
  and no live lease exists. Of any number of concurrent sweeps, one wins.
- mark_retry / release / close: conditional on the token, so a replaced item is never
  touched. close keeps the item as a tombstone (state "closed") until its TTL.
- give_up: closes the item of one execution, or writes its tombstone first, so that a late
  message about that gate run cannot open it (a drill abandoning its run).

Every item carries `lifetimeEndsAt` (the gate run's start plus the record lifetime: the sweep
acts on it) and `expiresAt`, DynamoDB's TTL attribute, a day later: TTL deletes an item at
some time after it expires, typically within a few days, and an expired item still reads.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    ACCESS_DENIED_CODES,
    AWS_ERRORS,
    NETWORK_ERRORS,
    describe,
    error_code,
)
from health_gate.adapters.registry_items import from_item, ms, seconds, to_item
from health_gate.errors import GateError, PermissionDenied, SystemUnavailable
from health_gate.retry.blocked import BlockedExecution, Claim
from health_gate.retry.outcomes import Registration

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

__all__ = ["DynamoBlockRegistry"]

CONDITION_FAILED = "ConditionalCheckFailedException"
SWEEP_KEY = "#sweep"  # no pipeline name contains "#": this item cannot be a record
OPEN = "(attribute_not_exists(#state) OR #state <> :closed)"
STATE = {"#state": "state"}


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
        lease: timedelta = timedelta(minutes=2),
    ) -> None:
        self._client = client
        self._table = table
        self._lease = lease

    def register(self, record: BlockedExecution) -> Registration:
        done, answer = self._write(
            self._client.put_item,
            Item=to_item(record),
            ConditionExpression="attribute_not_exists(pk) OR startedAt < :started",
            ExpressionAttributeValues={":started": {"N": ms(record.started)}},
            ReturnValues="ALL_OLD",
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
        if done:
            old = answer.get("Attributes") or {}
            was_open = old and old.get("state", {}).get("S") != "closed"
            return Registration.REPLACED if was_open else Registration.NEW
        item = answer.get("Item", {})
        if item.get("attemptKey", {}).get("S") != record.attempt_key:
            return Registration.OUTDATED
        closed = item.get("state", {}).get("S") == "closed"
        return Registration.ENDED if closed else Registration.DUPLICATE

    def blocked(self, now: datetime) -> list[BlockedExecution]:
        # TTL deletes lazily (within days): items past it are filtered out here.
        arguments: Any = {
            "TableName": self._table,
            "ConsistentRead": True,
            "FilterExpression": f"expiresAt > :now AND {OPEN} AND "
            "(attribute_not_exists(#state) OR #state <> :manual)",
            "ExpressionAttributeNames": STATE,
            "ExpressionAttributeValues": {
                ":now": {"N": seconds(now)},
                ":closed": {"S": "closed"},
                ":manual": {"S": "manual"},
            },
        }
        try:
            pages = self._client.get_paginator("scan").paginate(**arguments)
            items = [item for page in pages for item in page.get("Items", [])]
        except AWS_ERRORS as err:
            raise _translate(err, self._table) from err
        records = []
        for item in items:
            try:
                records.append(from_item(item))
            except (KeyError, TypeError, ValueError, OverflowError):
                continue  # not written by this code; left to its TTL
        return records

    def claim(self, record: BlockedExecution, now: datetime) -> Claim | None:
        claim = Claim(record, uuid.uuid4().hex, now + self._lease)
        done, _ = self._write(
            self._client.update_item,
            Key={"pk": {"S": record.key}},
            UpdateExpression="SET claimToken = :token, claimUntil = :until",
            ConditionExpression=f"attemptKey = :attempts AND {OPEN} AND "
            "(attribute_not_exists(claimUntil) OR claimUntil < :now)",
            ExpressionAttributeNames=STATE,
            ExpressionAttributeValues={
                ":attempts": {"S": record.attempt_key},
                ":now": {"N": seconds(now)},
                ":token": {"S": claim.token},
                ":until": {"N": seconds(claim.until)},
                ":closed": {"S": "closed"},
            },
        )
        return claim if done else None

    def release(self, claim: Claim) -> None:
        self._held(claim, "REMOVE claimToken, claimUntil")

    def mark_retry(self, claim: Claim, now: datetime) -> bool:
        return self._held(claim, "SET retryRequestedAt = :when", {":when": {"N": seconds(now)}})

    def close(self, claim: Claim, outcome: str) -> bool:
        return self._held(
            claim,
            "SET #state = :closed, outcome = :outcome REMOVE claimToken, claimUntil",
            {":closed": {"S": "closed"}, ":outcome": {"S": outcome}},
            names=STATE,
        )

    def note_notice(self, record: BlockedExecution, event_type: str) -> None:
        self._write(
            self._client.update_item,
            Key={"pk": {"S": record.key}},
            UpdateExpression="SET notices = list_append(if_not_exists(notices, :none), :notice)",
            ConditionExpression="attemptKey = :attempts",
            ExpressionAttributeValues={
                ":attempts": {"S": record.attempt_key},
                ":none": {"L": []},
                ":notice": {"L": [{"S": event_type}]},
            },
        )

    def give_up(self, record: BlockedExecution, outcome: str) -> bool:
        """Close `record`'s execution in its stage, or leave it closed ahead of a late
        registration; False when the stage's item is another execution's or already closed."""
        item = to_item(record)
        kept = [name for name in item if name not in ("pk", "state", "executionId")]
        values = {f":{name}": item[name] for name in kept}
        done, _ = self._write(
            self._client.update_item,
            Key={"pk": item["pk"]},
            UpdateExpression="SET #state = :closed, outcome = :outcome, executionId = :id, "
            + ", ".join(f"{name} = if_not_exists({name}, :{name})" for name in kept),
            ConditionExpression=f"attribute_not_exists(pk) OR (executionId = :id AND {OPEN})",
            ExpressionAttributeNames=STATE,
            ExpressionAttributeValues={
                ":closed": {"S": "closed"},
                ":outcome": {"S": outcome},
                ":id": item["executionId"],
                **values,
            },
        )
        return done

    def claim_sweep(self, now: datetime, spacing: timedelta) -> bool:
        done, _ = self._write(
            self._client.put_item,
            Item={
                "pk": {"S": SWEEP_KEY},
                "sweptAt": {"N": seconds(now)},
                "expiresAt": {"N": seconds(now + timedelta(days=1))},
            },
            ConditionExpression="attribute_not_exists(pk) OR sweptAt <= :before",
            ExpressionAttributeValues={":before": {"N": seconds(now - spacing)}},
        )
        return done

    def _held(
        self,
        claim: Claim,
        update: str,
        values: Mapping[str, Any] | None = None,
        names: Mapping[str, str] | None = None,
    ) -> bool:
        """One update of the item, only while `claim` still holds it."""
        extra: dict[str, Any] = {"ExpressionAttributeNames": dict(names)} if names else {}
        done, _ = self._write(
            self._client.update_item,
            Key={"pk": {"S": claim.record.key}},
            UpdateExpression=update,
            ConditionExpression="claimToken = :token",
            ExpressionAttributeValues={":token": {"S": claim.token}, **(values or {})},
            **extra,
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
