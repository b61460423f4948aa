"""One validation style for every setting: a value, where it came from, and a parser that
either returns the clean value or raises a ConfigurationError naming both.

The origin is what the person must fix: "UserParameters key 'regions'", "environment variable
HEALTH_GATE_REGIONS" or, from the CLI, the flag.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from health_gate.config.regions import GLOBAL, REGION_FORMAT, KnownRegions
from health_gate.errors import ConfigurationError

__all__ = [
    "Origin",
    "Value",
    "accounts",
    "boolean",
    "choice",
    "choices",
    "event_type_codes",
    "extra_regions",
    "services",
    "fail",
    "int_range",
    "moment",
    "regions",
    "show",
    "split_list",
]

# The Health API's patterns for service codes ([^:/]{2,30}) and event type codes
# ([^:/]{3,100}), kept to printable ASCII without spaces: a code with a space, a newline or a
# character of another script can match no AWS Health event, so the gate would pass silently.
_CODE_CHARS = "[!-.0-9;-~]"  # printable ASCII but "/" and ":"
SERVICE_CODE = re.compile(_CODE_CHARS + r"{2,30}\Z", re.ASCII)
EVENT_TYPE_CODE = re.compile(_CODE_CHARS + r"{3,100}\Z", re.ASCII)
ACCOUNT_ID = re.compile(r"[0-9]{12}\Z", re.ASCII)
EXTRA_REGIONS_HINT = (
    "A region newer than this gate's list can be allowed with the ExtraRegions template "
    "parameter (environment variable HEALTH_GATE_EXTRA_REGIONS, CLI flag --extra-regions)."
)

E = TypeVar("E", bound=enum.StrEnum)
Origin = str  # "UserParameters key 'regions'", "environment variable HEALTH_GATE_REGIONS", ...


@dataclass(frozen=True)
class Value:
    """A raw setting and where it came from."""

    value: Any
    origin: Origin


def show(value: Any) -> str:
    """A value as the person wrote it, cut to a readable length."""
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def fail(item: Value, expected: str) -> ConfigurationError:
    return ConfigurationError(
        f"Invalid {item.origin}: expected {expected}, got {show(item.value)}."
    )


def split_list(text: str) -> list[str]:
    """A comma-separated list as environment defaults, legacy UserParameters and the CLI write
    it: whitespace around entries and empty entries are ignored."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _strings(item: Value, expected: str) -> list[str]:
    """The list's strings, spaces around each removed; any other whitespace stays and fails
    the format checks (a trailing newline is a mistake, not a region)."""
    if not isinstance(item.value, list) or not all(isinstance(v, str) for v in item.value):
        raise fail(item, expected)
    return [v.strip(" ") for v in item.value]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _unknown_region(item: Value, value: str, known: KnownRegions) -> ConfigurationError:
    guess = known.closest(value)
    hint = f' Did you mean "{guess}"?' if guess and guess != value else ""
    what = "is not an AWS region code" if not REGION_FORMAT.match(value) else "is not a region"
    return ConfigurationError(
        f"Invalid {item.origin}: {show(value)} {what} this gate knows.{hint} Expected region "
        'codes such as "us-east-1", or "global" (IAM, CloudFront, Route 53 ...). '
        + EXTRA_REGIONS_HINT
    )


def regions(item: Value, known: KnownRegions) -> tuple[str, ...]:
    """Known region codes and/or "global", all in one partition."""
    expected = 'a list of AWS region codes and/or "global", such as ["us-east-1", "global"]'
    values = _strings(item, expected)
    if not values:
        raise fail(item, expected + " (at least one)")
    for value in values:
        if value != GLOBAL and known.partition_of(value) is None:
            raise _unknown_region(item, value, known)
    by_partition = {known.partition_of(v): v for v in values if v != GLOBAL}
    if len(by_partition) > 1:
        named = ", ".join(f"{region} ({pid})" for pid, region in sorted(by_partition.items()))
        raise ConfigurationError(
            f"Invalid {item.origin}: its regions are in different partitions: {named}. "
            "AWS Health answers for one partition at a time, so one gate configuration "
            "watches one partition; use a gate per partition."
        )
    return _unique(values)


def extra_regions(item: Value, known: KnownRegions) -> KnownRegions:
    """`known` plus regions newer than the bundled list, each placed by its partition's own
    region pattern."""
    values = _strings(item, 'a list of region codes such as ["eu-newregion-1"]')
    added = []
    for value in values:
        partition = known.partition_by_pattern(value) if REGION_FORMAT.match(value) else None
        if partition is None:
            raise fail(
                item,
                "region codes in the format of an AWS partition, such as eu-newregion-1 "
                f"(bad entry {show(value)})",
            )
        added.append((value, partition))
    return known.with_extra(added)


def _codes(item: Value, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    values = _strings(item, f"a list of {what}")
    for value in values:
        if not pattern.match(value):
            raise fail(item, f"{what} (bad entry {show(value)})")
    return _unique([v.upper() for v in values])


def services(item: Value) -> tuple[str, ...]:
    return _codes(
        item,
        SERVICE_CODE,
        'AWS Health service codes, 2 to 30 printable ASCII characters without "/", ":" or '
        'spaces, such as ["EC2", "CLOUDFORMATION"]',
    )


def event_type_codes(item: Value) -> tuple[str, ...]:
    return _codes(
        item,
        EVENT_TYPE_CODE,
        'AWS Health event type codes, 3 to 100 printable ASCII characters without "/", ":" '
        'or spaces, such as ["AWS_EC2_MAINTENANCE_SCHEDULED"]',
    )


def choices(allowed: tuple[str, ...]) -> Callable[[Value], tuple[str, ...]]:
    def parse(item: Value) -> tuple[str, ...]:
        expected = f"a non-empty list drawn from {', '.join(allowed)}"
        values = _strings(item, expected)
        bad = [v for v in values if v not in allowed]
        if not values or bad:
            raise fail(item, expected)
        return _unique(values)

    return parse


def choice(allowed: type[E]) -> Callable[[Value], E]:
    """One value of a closed set (a StrEnum), as the enum member."""

    def parse(item: Value) -> E:
        names = [member.value for member in allowed]
        if not isinstance(item.value, str) or item.value not in names:
            raise fail(item, "one of " + ", ".join(f'"{a}"' for a in names))
        return allowed(item.value)

    return parse


def boolean(item: Value) -> bool:
    if not isinstance(item.value, bool):
        raise fail(item, "true or false")
    return item.value


def accounts(item: Value) -> tuple[str, ...]:
    values = _strings(item, "a list of 12-digit AWS account IDs")
    if not all(ACCOUNT_ID.match(v) for v in values):
        raise fail(item, "a list of 12-digit AWS account IDs")
    return _unique(values)


def moment(item: Value) -> datetime:
    """An ISO 8601 time with its zone ("2026-12-03T10:00:00Z", "…+01:00"), as UTC."""
    expected = 'an ISO 8601 time with its zone, such as "2026-12-03T10:00:00Z"'
    if not isinstance(item.value, str):
        raise fail(item, expected)
    try:
        parsed = datetime.fromisoformat(item.value.strip(" "))
    except ValueError:
        raise fail(item, expected) from None
    if parsed.tzinfo is None:
        raise fail(item, expected + " (it has no zone: add Z for UTC)")
    return parsed.astimezone(UTC)


def int_range(low: int, high: int) -> Callable[[Value], int]:
    def parse(item: Value) -> int:
        value = item.value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(item, f"a whole number from {low} to {high}")
        return value

    return parse
