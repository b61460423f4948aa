"""Build one validated `GateSettings` from UserParameters over deploy-time environment defaults.

Only this module and `handlers.wiring` read the environment. Every error names the key (or
environment variable) and the bad value, because it ends up in the pipeline console.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from health_gate.core.settings import (
    CATEGORIES,
    MODES,
    ON_ERROR,
    SOURCES,
    STATUS_CODES,
    GateSettings,
)
from health_gate.errors import ConfigurationError

__all__ = ["ENV_VARS", "load_settings", "split_list"]

REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")
WAIT_ONLY_KEYS = ("maxWaitMinutes", "pollIntervalSeconds")


@dataclass(frozen=True)
class _Value:
    value: Any
    origin: str  # "UserParameters key 'regions'" or "environment variable HEALTH_GATE_REGIONS"


def _show(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 120 else text[:117] + "..."


def _fail(item: _Value, expected: str) -> ConfigurationError:
    return ConfigurationError(
        f"Invalid {item.origin}: expected {expected}, got {_show(item.value)}."
    )


def _strings(item: _Value, expected: str) -> list[str]:
    if not isinstance(item.value, list) or not all(isinstance(v, str) for v in item.value):
        raise _fail(item, expected)
    return [v.strip() for v in item.value]


def _unique(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _regions(item: _Value) -> tuple[str, ...]:
    expected = 'a list of AWS region codes and/or "global", such as ["us-east-1", "global"]'
    values = _strings(item, expected)
    if not values:
        raise _fail(item, expected + " (at least one)")
    for value in values:
        if value != "global" and not REGION_RE.match(value):
            raise ConfigurationError(
                f'Invalid {item.origin}: "{value}" is not an AWS region code '
                '(expected something like "us-east-1", or "global").'
            )
    return _unique(values)


def _codes(item: _Value) -> tuple[str, ...]:
    values = _strings(item, 'a list of codes such as ["EC2", "CLOUDFORMATION"]')
    for value in values:
        if not CODE_RE.match(value):
            raise _fail(item, f"codes of letters, digits, '_' or '-' (bad entry {_show(value)})")
    return _unique([v.upper() for v in values])


def _choices(allowed: tuple[str, ...]) -> Callable[[_Value], tuple[str, ...]]:
    def parse(item: _Value) -> tuple[str, ...]:
        expected = f"a non-empty list drawn from {', '.join(allowed)}"
        values = _strings(item, expected)
        bad = [v for v in values if v not in allowed]
        if not values or bad:
            raise _fail(item, expected)
        return _unique(values)

    return parse


def _choice(allowed: tuple[str, ...]) -> Callable[[_Value], str]:
    def parse(item: _Value) -> str:
        if item.value not in allowed:
            raise _fail(item, "one of " + ", ".join(f'"{a}"' for a in allowed))
        return str(item.value)

    return parse


def _boolean(item: _Value) -> bool:
    if not isinstance(item.value, bool):
        raise _fail(item, "true or false")
    return item.value


def _accounts(item: _Value) -> tuple[str, ...]:
    values = _strings(item, "a list of 12-digit AWS account IDs")
    if not all(ACCOUNT_RE.match(v) for v in values):
        raise _fail(item, "a list of 12-digit AWS account IDs")
    return _unique(values)


def _int_range(low: int, high: int) -> Callable[[_Value], int]:
    def parse(item: _Value) -> int:
        value = item.value
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _fail(item, f"a whole number from {low} to {high}")
        return value

    return parse


@dataclass(frozen=True)
class _Key:
    field: str
    env: str
    kind: str  # how the environment spells it: "list", "bool", "int" or "str"
    parse: Callable[[_Value], Any]


_KEYS: dict[str, _Key] = {
    "regions": _Key("regions", "HEALTH_GATE_REGIONS", "list", _regions),
    "services": _Key("services", "HEALTH_GATE_SERVICES", "list", _codes),
    "eventTypeCategories": _Key(
        "event_type_categories", "HEALTH_GATE_EVENT_TYPE_CATEGORIES", "list", _choices(CATEGORIES)
    ),
    "eventStatusCodes": _Key(
        "event_status_codes", "HEALTH_GATE_EVENT_STATUS_CODES", "list", _choices(STATUS_CODES)
    ),
    "ignoreEventTypeCodes": _Key(
        "ignore_event_type_codes", "HEALTH_GATE_IGNORE_EVENT_TYPE_CODES", "list", _codes
    ),
    "organization": _Key("organization", "HEALTH_GATE_ORGANIZATION", "bool", _boolean),
    "accountIds": _Key("account_ids", "HEALTH_GATE_ACCOUNT_IDS", "list", _accounts),
    "onHealthApiError": _Key(
        "on_health_api_error", "HEALTH_GATE_ON_HEALTH_API_ERROR", "str", _choice(ON_ERROR)
    ),
    "mode": _Key("mode", "HEALTH_GATE_MODE", "str", _choice(MODES)),
    "maxWaitMinutes": _Key(
        "max_wait_minutes", "HEALTH_GATE_MAX_WAIT_MINUTES", "int", _int_range(1, 1440)
    ),
    "pollIntervalSeconds": _Key(
        "poll_interval_seconds", "HEALTH_GATE_POLL_INTERVAL_SECONDS", "int", _int_range(10, 300)
    ),
    "source": _Key("source", "HEALTH_GATE_SOURCE", "str", _choice(SOURCES)),
}

ENV_VARS = {name: key.env for name, key in _KEYS.items()}


def split_list(text: str) -> list[str]:
    """A comma-separated list as environment defaults, legacy UserParameters and the CLI write
    it: whitespace around entries and empty entries are ignored."""
    return [part.strip() for part in text.split(",") if part.strip()]


def _from_env_text(text: str, key: _Key) -> Any:
    if key.kind == "list":
        return split_list(text)
    if key.kind == "bool":
        lowered = text.strip().lower()
        return {"true": True, "false": False}.get(lowered, text)
    if key.kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    return text.strip()


def _env_values(environ: Mapping[str, str]) -> dict[str, _Value]:
    found = {}
    for name, key in _KEYS.items():
        text = environ.get(key.env, "").strip()
        if text:
            found[name] = _Value(_from_env_text(text, key), f"environment variable {key.env}")
    return found


def _user_values(user_parameters: str | None) -> dict[str, _Value]:
    text = (user_parameters or "").strip()
    if not text:
        return {}
    if text[0] not in '{["' and not text[0].isdigit():
        # The original AWS sample's format: comma-separated regions.
        regions = split_list(text)
        return {"regions": _Value(regions, "UserParameters (comma-separated regions)")}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigurationError(
            f"Invalid UserParameters: not valid JSON ({err.msg} at character {err.pos}). "
            'Use a JSON object such as {"regions": ["us-east-1", "global"]} '
            "or a comma-separated list of regions."
        ) from err
    if not isinstance(parsed, dict):
        raise ConfigurationError(
            f"Invalid UserParameters: expected a JSON object, got {_show(parsed)}."
        )
    unknown = sorted(k for k in parsed if k not in _KEYS)
    if unknown:
        raise ConfigurationError(
            f"Invalid UserParameters: unknown key {_show(unknown[0])}. "
            f"Known keys: {', '.join(_KEYS)}."
        )
    return {k: _Value(v, f"UserParameters key '{k}'") for k, v in parsed.items()}


def _check_combinations(
    merged: dict[str, _Value], user: dict[str, _Value], fields: dict[str, Any]
) -> None:
    if fields.get("account_ids") and not fields.get("organization"):
        item = merged["accountIds"]
        raise ConfigurationError(
            f'Invalid {item.origin}: accountIds needs "organization": true '
            "(account filters exist only in the organizational view)."
        )
    if fields.get("mode", "fail") != "wait":
        for name in WAIT_ONLY_KEYS:
            if name in user:
                raise ConfigurationError(
                    f'Invalid {user[name].origin}: {name} applies only with "mode": "wait".'
                )


def load_settings(user_parameters: str | None, environ: Mapping[str, str]) -> GateSettings:
    """Validate UserParameters (JSON object, legacy CSV of regions, or empty) over env defaults."""
    user = _user_values(user_parameters)
    merged = {**_env_values(environ), **user}
    fields = {_KEYS[name].field: _KEYS[name].parse(item) for name, item in merged.items()}
    _check_combinations(merged, user, fields)
    if "regions" not in fields:
        home = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        fields["regions"] = (home, "global")
    if "ignore_event_type_codes" in fields:
        fields["ignore_event_type_codes"] = frozenset(fields["ignore_event_type_codes"])
    return GateSettings(**fields)
