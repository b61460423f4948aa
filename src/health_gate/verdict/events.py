"""AWS Health events as the verdict reads them, from every shape AWS hands out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

__all__ = ["MULTIPLE_SERVICES", "HealthEvent", "parse_time", "parse_time_or_none"]

# AWS Health's service code for an event that spans services (the public feed's
# "multipleservices"). It names no service, so it matches every service filter.
MULTIPLE_SERVICES = "MULTIPLE_SERVICES"


def parse_time_or_none(value: Any) -> datetime | None:
    """`parse_time`, or None for a value no time can be read from: for input that is only a
    hint (a message, a feed entry), where an unreadable time must not stop the reading."""
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError):  # "1e400", a year beyond 9999 ...
        return None


def parse_time(value: Any) -> datetime | None:
    """Read a Health timestamp in any shape AWS hands out, as an aware UTC datetime.

    boto3 gives datetimes, the JSON wire format epoch seconds, the CLI ISO 8601,
    EventBridge RFC 1123 ("Wed, 15 Feb 2023 22:07:07 GMT").
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        # botocore hands out tzlocal() datetimes: convert, or a laptop's CLI mislabels them UTC.
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, str):
        try:
            return parse_time(datetime.fromisoformat(value))
        except ValueError:
            pass
        try:
            return parse_time(float(value))
        except ValueError:
            pass
        try:
            return parse_time(parsedate_to_datetime(value))
        except (TypeError, ValueError):
            pass
    raise ValueError(f"unreadable timestamp {value!r}")


@dataclass(frozen=True, slots=True)
class HealthEvent:
    """One AWS Health event, reduced to what the gate judges and reports."""

    arn: str
    service: str
    event_type_code: str
    category: str
    region: str
    status: str
    start_time: datetime | None = None
    end_time: datetime | None = None
    last_updated: datetime | None = None
    scope: str | None = None
    availability_zone: str | None = None

    @classmethod
    def from_api(cls, raw: Mapping[str, Any]) -> HealthEvent:
        """Build from a DescribeEvents / DescribeEventsForOrganization `Event` dict."""
        return cls(
            arn=str(raw.get("arn", "")),
            service=str(raw.get("service", "")),
            event_type_code=str(raw.get("eventTypeCode", "")),
            category=str(raw.get("eventTypeCategory", "")),
            region=str(raw.get("region", "")),
            # Optional in the API's model. An event without one is treated as open: the API
            # returned it for an open-events filter, and a recorded one must not pass unseen.
            status=str(raw.get("statusCode") or "open"),
            start_time=parse_time(raw.get("startTime")),
            end_time=parse_time(raw.get("endTime")),
            last_updated=parse_time(raw.get("lastUpdatedTime")),
            scope=raw.get("eventScopeCode"),
            availability_zone=raw.get("availabilityZone"),
        )
