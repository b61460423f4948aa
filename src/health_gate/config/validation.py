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
from typing import Any, TypeVar

from health_gate.errors import ConfigurationError

__all__ = [
    "Origin",
    "Value",
    "accounts",
    "boolean",
    "choice",
    "choices",
    "codes",
    "fail",
    "int_range",
    "regions",
    "show",
    "split_list",
]

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")

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
    if not isinstance(item.value, list) or not all(isinstance(v, str) for v in item.value):
        raise fail(item, expected)
    return [v.strip() for v in item.value]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def regions(item: Value) -> tuple[str, ...]:
    expected = 'a list of AWS region codes and/or "global", such as ["us-east-1", "global"]'
    values = _strings(item, expected)
    if not values:
        raise fail(item, expected + " (at least one)")
    for value in values:
        if value != "global" and not REGION_RE.match(value):
            raise ConfigurationError(
                f'Invalid {item.origin}: "{value}" is not an AWS region code '
                '(expected something like "us-east-1", or "global").'
            )
    return _unique(values)


def codes(item: Value) -> tuple[str, ...]:
    values = _strings(item, 'a list of codes such as ["EC2", "CLOUDFORMATION"]')
    for value in values:
        if not CODE_RE.match(value):
            raise fail(item, f"codes of letters, digits, '_' or '-' (bad entry {show(value)})")
    return _unique([v.upper() for v in values])


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
    if not all(ACCOUNT_RE.match(v) for v in values):
        raise fail(item, "a list of 12-digit AWS account IDs")
    return _unique(values)


def int_range(low: int, high: int) -> Callable[[Value], int]:
    def parse(item: Value) -> int:
        value = item.value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise fail(item, f"a whole number from {low} to {high}")
        return value

    return parse
