"""Build one validated `GateSettings` from UserParameters over deploy-time environment defaults.

The environment arrives as a mapping (only `runtime/` reads `os.environ`). Every error names the
key (or environment variable) and the bad value, because it ends up in the pipeline console.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from health_gate.config import validation as check
from health_gate.config.environment import home_region
from health_gate.config.settings import (
    CATEGORIES,
    STATUS_CODES,
    GateSettings,
    Mode,
    OnHealthApiError,
    Source,
)
from health_gate.config.validation import Value, show, split_list
from health_gate.errors import ConfigurationError

__all__ = ["ENV_VARS", "load_settings"]

WAIT_ONLY_KEYS = ("maxWaitMinutes", "pollIntervalSeconds")


@dataclass(frozen=True)
class _Key:
    field: str  # GateSettings field; the environment variable is HEALTH_GATE_<FIELD>
    kind: str  # how the environment spells it: "list", "bool", "int" or "str"
    parse: Callable[[Value], Any]

    @property
    def env(self) -> str:
        return "HEALTH_GATE_" + self.field.upper()


_KEYS: dict[str, _Key] = {
    "regions": _Key("regions", "list", check.regions),
    "services": _Key("services", "list", check.codes),
    "eventTypeCategories": _Key("event_type_categories", "list", check.choices(CATEGORIES)),
    "eventStatusCodes": _Key("event_status_codes", "list", check.choices(STATUS_CODES)),
    "ignoreEventTypeCodes": _Key("ignore_event_type_codes", "list", check.codes),
    "organization": _Key("organization", "bool", check.boolean),
    "accountIds": _Key("account_ids", "list", check.accounts),
    "onHealthApiError": _Key("on_health_api_error", "str", check.choice(OnHealthApiError)),
    "mode": _Key("mode", "str", check.choice(Mode)),
    "maxWaitMinutes": _Key("max_wait_minutes", "int", check.int_range(1, 1440)),
    "pollIntervalSeconds": _Key("poll_interval_seconds", "int", check.int_range(10, 300)),
    "source": _Key("source", "str", check.choice(Source)),
}

ENV_VARS = {name: key.env for name, key in _KEYS.items()}


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


def _env_values(environ: Mapping[str, str]) -> dict[str, Value]:
    found = {}
    for name, key in _KEYS.items():
        text = environ.get(key.env, "").strip()
        if text:
            found[name] = Value(_from_env_text(text, key), f"environment variable {key.env}")
    return found


def _user_values(user_parameters: str | None) -> dict[str, Value]:
    text = (user_parameters or "").strip()
    if not text:
        return {}
    if text[0] not in '{["' and not text[0].isdigit():
        # The original AWS sample's format: comma-separated regions.
        regions = split_list(text)
        return {"regions": Value(regions, "UserParameters (comma-separated regions)")}
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
            f"Invalid UserParameters: expected a JSON object, got {show(parsed)}."
        )
    unknown = sorted(k for k in parsed if k not in _KEYS)
    if unknown:
        raise ConfigurationError(
            f"Invalid UserParameters: unknown key {show(unknown[0])}. "
            f"Known keys: {', '.join(_KEYS)}."
        )
    return {k: Value(v, f"UserParameters key '{k}'") for k, v in parsed.items()}


def _check_combinations(
    merged: dict[str, Value], user: dict[str, Value], fields: dict[str, Any]
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
        fields["regions"] = (home_region(environ), "global")
    if "ignore_event_type_codes" in fields:
        fields["ignore_event_type_codes"] = frozenset(fields["ignore_event_type_codes"])
    return GateSettings(**fields)
