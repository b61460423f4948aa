"""The fake's AWS Health side: stored events, DescribeEvents and DescribeEventsForOrganization.

Fake-only event fields (never sent): `_accounts` (account IDs an organization event affects;
absent on a PUBLIC event means "every account") and `_entities` (entity ARNs or values).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from tests.fakes.aws_fake_model import (
    AwsError,
    check_members,
    epoch,
    operation_model,
    service_model,
    to_wire,
)

__all__ = ["HealthState", "paginate"]

_TIME_FIELDS = ("startTime", "endTime", "lastUpdatedTime")
# filter member -> event field, for "the event's value is one of the listed values"
_VALUE_FILTERS = {
    "eventArns": "arn",
    "eventTypeCodes": "eventTypeCode",
    "services": "service",
    "regions": "region",
    "availabilityZones": "availabilityZone",
    "eventTypeCategories": "eventTypeCategory",
    "eventStatusCodes": "statusCode",
    "actionabilities": "actionability",
}
# filter member(s) -> event time field; DescribeEvents takes lists, the organization view one range
_TIME_FILTERS = {
    "startTimes": "startTime",
    "endTimes": "endTime",
    "lastUpdatedTimes": "lastUpdatedTime",
    "startTime": "startTime",
    "endTime": "endTime",
    "lastUpdatedTime": "lastUpdatedTime",
}


class HealthState:
    """Events as the Health API would hold them. Callers hold the fake's lock."""

    default_page_size = 100  # undocumented by AWS; the model's maximum

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def add_event(self, fields: Mapping[str, Any]) -> dict[str, Any]:
        start = fields.get("startTime", fields.get("lastUpdatedTime") or dt.datetime.now(dt.UTC))
        event: dict[str, Any] = {
            "service": "EC2",
            "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
            "eventTypeCategory": "issue",
            "region": "us-east-1",
            "statusCode": "open",
            "eventScopeCode": "PUBLIC",
            "startTime": start,
            "lastUpdatedTime": start,
        }
        event.update(fields)
        event = {name: value for name, value in event.items() if value is not None}
        event.setdefault("arn", _event_arn(event))
        self.events.append(_checked(event))
        return self.events[-1]

    def update_event(self, arn: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event["arn"] == arn:
                updated = {k: v for k, v in {**event, **fields}.items() if v is not None}
                self.events[index] = _checked(updated)
                return self.events[index]
        raise KeyError(f"no event with arn {arn!r}")

    def describe(self, operation: str, params: Mapping[str, Any]) -> dict[str, Any]:
        filt = params.get("filter") or {}
        org = operation == "DescribeEventsForOrganization"
        locale = params.get("locale")
        if locale is not None and not locale.lower().startswith("en"):
            raise AwsError("UnsupportedLocale", f"The locale {locale} is not supported.")
        matching = [e for e in self.events if _matches(e, filt, org)]
        matching.sort(key=_sort_key)
        page, token = paginate(
            matching,
            [list(_sort_key(e)) for e in matching],
            operation=operation,
            params=params,
            default_size=self.default_page_size,
            bad_token_code="InvalidPaginationToken",
        )
        shape = operation_model("health", operation).output_shape
        assert shape is not None
        result: dict[str, Any] = to_wire(shape, {"events": page, "nextToken": token})
        return result


def _checked(event: dict[str, Any]) -> dict[str, Any]:
    for name in _TIME_FIELDS:
        if event.get(name) is not None:
            event[name] = dt.datetime.fromtimestamp(epoch(event[name]), dt.UTC)
    check_members(service_model("health").shape_for("Event"), event, "event")
    return event


def _event_arn(event: Mapping[str, Any]) -> str:
    code = event["eventTypeCode"]
    suffix = secrets.token_hex(8).upper()
    return f"arn:aws:health:{event['region']}::event/{event['service']}/{code}/{code}_{suffix}"


def _sort_key(event: Mapping[str, Any]) -> tuple[float, str]:
    """Newest first by lastUpdatedTime (startTime when absent); ARN breaks ties."""
    when = event.get("lastUpdatedTime") or event.get("startTime")
    return (-epoch(when) if when is not None else 0.0, event["arn"])


def _matches(event: Mapping[str, Any], filt: Mapping[str, Any], org: bool) -> bool:
    for member, field in _VALUE_FILTERS.items():
        if member in filt and event.get(field) not in filt[member]:
            return False
    if "personas" in filt and not set(filt["personas"]) & set(event.get("personas") or ()):
        return False
    entities = set(event.get("_entities") or ())
    for member in ("entityArns", "entityValues"):
        if member in filt and not set(filt[member]) & entities:
            return False
    if org and "awsAccountIds" in filt and not _affects_accounts(event, filt["awsAccountIds"]):
        return False
    for member, field in _TIME_FILTERS.items():
        if member in filt:
            ranges = filt[member] if isinstance(filt[member], list) else [filt[member]]
            if not _in_any_range(event.get(field), ranges):
                return False
    return True


def _affects_accounts(event: Mapping[str, Any], accounts: list[str]) -> bool:
    affected = event.get("_accounts")
    if affected is None:
        return bool(event.get("eventScopeCode") == "PUBLIC")
    return bool(set(affected) & set(accounts))


def _in_any_range(when: dt.datetime | None, ranges: list[Mapping[str, float]]) -> bool:
    if when is None:
        return False
    at = epoch(when)
    return any(r.get("from", at) <= at <= r.get("to", at) for r in ranges)


# --- pagination, shared with the CodePipeline side --------------------------------------------


def paginate(
    items: list[Any],
    keys: list[Any],
    *,
    operation: str,
    params: Mapping[str, Any],
    default_size: int,
    bad_token_code: str,
) -> tuple[list[Any], str | None]:
    """One page of `items` (sorted by `keys`, ascending) and the token for the next, or None.

    The token is opaque base64 holding the last key served and a digest of the query, so a
    token replayed with another operation or filter is rejected, as AWS rejects foreign tokens.
    Items added or removed between pages neither repeat nor shift the rest.
    """
    query = {k: v for k, v in params.items() if k not in ("nextToken", "maxResults")}
    digest = hashlib.sha256(json.dumps([operation, query], sort_keys=True).encode()).hexdigest()
    start = 0
    if params.get("nextToken") is not None:
        after = _decode_token(params["nextToken"], digest[:16], bad_token_code)
        try:
            start = bisect.bisect_right(keys, after)
        except TypeError:
            raise AwsError(bad_token_code, "Invalid pagination token") from None
    size = params.get("maxResults") or default_size
    page = items[start : start + size]
    if start + size >= len(items):
        return page, None
    payload = json.dumps({"q": digest[:16], "after": keys[start + size - 1]})
    return page, base64.b64encode(payload.encode()).decode()


def _decode_token(token: str, digest: str, code: str) -> Any:
    try:
        payload = json.loads(base64.b64decode(token, validate=True))
        if payload["q"] == digest:
            return payload["after"]
    except (binascii.Error, ValueError, TypeError, KeyError):
        pass
    raise AwsError(code, "Invalid pagination token")
