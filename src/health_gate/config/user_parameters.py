"""Build one validated `GateSettings` from UserParameters over deploy-time environment defaults.

Precedence, highest first: the CLI's flags (`overrides`), UserParameters (the CLI's --params),
the HEALTH_GATE_* environment variables (the template's parameters), built-in defaults. The
environment arrives as a mapping (only `runtime/` reads `os.environ`). Every error names where
the value came from and what would be accepted, because it ends up in the pipeline console.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from health_gate.config import validation as check
from health_gate.config.regions import GLOBAL, KnownRegions, home_region
from health_gate.config.settings import (
    CATEGORIES,
    MAX_WAIT_MINUTES,
    STATUS_CODES,
    GateSettings,
    Mode,
    OnHealthApiError,
    Source,
)
from health_gate.config.validation import Value, show, split_list
from health_gate.errors import ConfigurationError

__all__ = ["ENV_VARS", "EXTRA_REGIONS_ENV", "KEYS", "load_settings"]

WAIT_ONLY_KEYS = ("maxWaitMinutes", "pollIntervalSeconds")
EXTRA_REGIONS_ENV = "HEALTH_GATE_EXTRA_REGIONS"  # deploy-time only: not a UserParameters key


@dataclass(frozen=True)
class _Key:
    field: str  # GateSettings field; the environment variable is HEALTH_GATE_<FIELD>
    kind: str  # how the environment spells it: "list", "bool", "int" or "str"
    parse: Callable[[Value], Any] | None  # None: regions, checked against the known regions
    deploy_default: bool = True  # False: a pipeline action's key only, no environment default

    @property
    def env(self) -> str:
        return "HEALTH_GATE_" + self.field.upper()


KEYS: dict[str, _Key] = {
    "regions": _Key("regions", "list", None),
    "services": _Key("services", "list", check.services),
    "eventTypeCategories": _Key("event_type_categories", "list", check.choices(CATEGORIES)),
    "eventStatusCodes": _Key("event_status_codes", "list", check.choices(STATUS_CODES)),
    "ignoreEventTypeCodes": _Key("ignore_event_type_codes", "list", check.event_type_codes),
    "organization": _Key("organization", "bool", check.boolean),
    "accountIds": _Key("account_ids", "list", check.accounts),
    "onHealthApiError": _Key("on_health_api_error", "str", check.choice(OnHealthApiError)),
    "mode": _Key("mode", "str", check.choice(Mode)),
    "maxWaitMinutes": _Key("max_wait_minutes", "int", check.int_range(1, MAX_WAIT_MINUTES)),
    "pollIntervalSeconds": _Key("poll_interval_seconds", "int", check.int_range(10, 300)),
    "source": _Key("source", "str", check.choice(Source)),
    "autoRetry": _Key("auto_retry", "bool", check.boolean),
    "drillUntil": _Key("drill_until", "str", check.moment, deploy_default=False),
}
ENV_VARS = {name: key.env for name, key in KEYS.items() if key.deploy_default}


def _from_env_text(text: str, kind: str) -> Any:
    if kind == "list":
        return split_list(text)
    if kind == "bool":
        lowered = text.strip().lower()
        return {"true": True, "false": False}.get(lowered, text)
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    return text.strip()


def _env_values(environ: Mapping[str, str]) -> dict[str, Value]:
    found = {}
    for name, key in KEYS.items():
        text = environ.get(key.env, "").strip() if key.deploy_default else ""
        if text:
            found[name] = Value(_from_env_text(text, key.kind), f"environment variable {key.env}")
    return found


def _unknown_keys(unknown: list[str], label: str) -> ConfigurationError:
    import difflib  # on a refusal only: kept out of every cold start

    hints = []
    for key in unknown:
        close = difflib.get_close_matches(key, list(KEYS), n=1, cutoff=0.7)
        hints.append(f'{show(key)} (did you mean "{close[0]}"?)' if close else show(key))
    noun = "key" if len(unknown) == 1 else "keys"
    return ConfigurationError(
        f"Invalid {label}: unknown {noun} {', '.join(hints)}. Known keys: {', '.join(KEYS)}."
    )


def _user_values(user_parameters: str | None, label: str) -> dict[str, Value]:
    text = (user_parameters or "").strip()
    if not text:
        return {}
    if text[0] not in '{["' and not text[0].isdigit():
        # The original AWS sample's format: comma-separated regions.
        return {"regions": Value(split_list(text), f"{label} (comma-separated regions)")}
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as err:
        raise ConfigurationError(
            f"Invalid {label}: not valid JSON ({err.msg} at character {err.pos}). "
            'Use a JSON object such as {"regions": ["us-east-1", "global"]} '
            "or a comma-separated list of regions."
        ) from err
    if not isinstance(parsed, dict):
        raise ConfigurationError(f"Invalid {label}: expected a JSON object, got {show(parsed)}.")
    unknown = sorted(k for k in parsed if k not in KEYS)
    if unknown:
        raise _unknown_keys(unknown, label)
    return {k: Value(v, f"{label} key '{k}'") for k, v in parsed.items()}


def _home(environ: Mapping[str, str], known: KnownRegions) -> tuple[str, str]:
    """The region the gate runs in, and its partition; an unknown one is refused, because
    the default regions and the Health endpoint's partition follow from it."""
    region = home_region(environ)
    origin = next(
        (
            f"environment variable {n}"
            for n in ("AWS_REGION", "AWS_DEFAULT_REGION")
            if environ.get(n)
        ),
        "default region",
    )
    check.regions(Value([region], origin), known)
    return region, known.partition_of(region) or ""


def _check_partition(
    regions: tuple[str, ...], item: Value | None, home: tuple[str, str], known: KnownRegions
) -> None:
    region, partition = home
    elsewhere = [r for r in regions if r != GLOBAL and known.partition_of(r) != partition]
    if item is not None and elsewhere:
        raise ConfigurationError(
            f"Invalid {item.origin}: {', '.join(elsewhere)} is outside partition {partition}, "
            f"where this gate runs ({region}). AWS Health answers for its own partition only, "
            "so those regions would never be asked; deploy a gate in that partition."
        )


def _check_combinations(merged: dict[str, Value], fields: dict[str, Any]) -> None:
    if fields.get("account_ids") and not fields.get("organization"):
        item = merged["accountIds"]
        raise ConfigurationError(
            f'Invalid {item.origin}: accountIds needs "organization": true '
            "(account filters exist only in the organizational view)."
        )
    if fields.get("mode", Mode.FAIL) is not Mode.WAIT:
        for name in WAIT_ONLY_KEYS:
            found = merged.get(name)
            if found is not None and not found.origin.startswith("environment variable"):
                raise ConfigurationError(
                    f'Invalid {found.origin}: {name} applies only with "mode": "wait".'
                )


def load_settings(
    user_parameters: str | None,
    environ: Mapping[str, str],
    known: KnownRegions,
    *,
    overrides: Mapping[str, Value] | None = None,
    label: str = "UserParameters",
) -> GateSettings:
    """Validate UserParameters (JSON object, legacy CSV of regions, or empty) over env defaults.

    `overrides` are values with their own origins (the CLI's flags), keyed like UserParameters
    plus "extraRegions"; `label` names the UserParameters text in messages ("--params").
    """
    overrides = overrides or {}
    env = _env_values(environ)
    extra = overrides.get("extraRegions")
    if extra is None and environ.get(EXTRA_REGIONS_ENV, "").strip():
        text = environ[EXTRA_REGIONS_ENV]
        extra = Value(split_list(text), f"environment variable {EXTRA_REGIONS_ENV}")
    if extra is not None:
        known = check.extra_regions(extra, known)
    home = _home(environ, known)
    merged = {**env, **_user_values(user_parameters, label)}
    merged.update({k: v for k, v in overrides.items() if k in KEYS})
    fields: dict[str, Any] = {
        KEYS[name].field: check.regions(item, known) if name == "regions" else _parse(name, item)
        for name, item in merged.items()
    }
    _check_combinations(merged, fields)
    fields.setdefault("regions", (home[0], GLOBAL))
    _check_partition(fields["regions"], merged.get("regions"), home, known)
    if "ignore_event_type_codes" in fields:
        fields["ignore_event_type_codes"] = frozenset(fields["ignore_event_type_codes"])
    return GateSettings(**fields)


def _parse(name: str, item: Value) -> Any:
    parse = KEYS[name].parse
    assert parse is not None  # regions are parsed by the caller  # noqa: S101
    return parse(item)
