"""The one validated settings value shared by the gate, the retrier and the CLI."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

__all__ = [
    "CATEGORIES",
    "MAX_WAIT_MINUTES",
    "STATUS_CODES",
    "GateSettings",
    "Mode",
    "OnHealthApiError",
    "Source",
]

# CodePipeline fails a Lambda invoke action 24 hours after its first invocation, however many
# continuations it used. The gate's wait starts at its first check and each invocation may run
# 5 minutes; CodePipeline's delay before it invokes a continuation is not documented. 23 hours
# keeps the gate's own last report (released, or blocked past the wait) an hour clear of that.
MAX_WAIT_MINUTES = 1380

# The Health API's own values (its enums), as UserParameters spell them.
CATEGORIES = ("issue", "accountNotification", "scheduledChange", "investigation")
STATUS_CODES = ("open", "upcoming", "closed")


class Source(enum.StrEnum):
    """Where the gate reads AWS Health."""

    HEALTH_API = "health-api"
    PUBLIC_DASHBOARD = "public-dashboard"
    AUTO = "auto"  # the Health API, or the public feed without a support plan


class Mode(enum.StrEnum):
    """What a blocked gate does."""

    FAIL = "fail"
    WAIT = "wait"


class OnHealthApiError(enum.StrEnum):
    """What the gate does when AWS Health cannot be asked."""

    FAIL = "fail"
    PASS = "pass"  # noqa: S105 (a setting's value, not a password)


@dataclass(frozen=True)
class GateSettings:
    """What to watch and how to react. Built and validated only by `health_gate.config`."""

    regions: tuple[str, ...]
    services: tuple[str, ...] = ()  # empty: every service
    event_type_categories: tuple[str, ...] = ("issue",)
    event_status_codes: tuple[str, ...] = ("open",)
    ignore_event_type_codes: frozenset[str] = frozenset()
    organization: bool = False
    account_ids: tuple[str, ...] = ()
    on_health_api_error: OnHealthApiError = OnHealthApiError.FAIL
    mode: Mode = Mode.FAIL
    max_wait_minutes: int = 60
    poll_interval_seconds: int = 30
    source: Source = Source.HEALTH_API
    auto_retry: bool = True  # the retrier's: False records the block and tells Slack only
    drill_until: datetime | None = None  # a rehearsal: a synthetic issue until then

    def to_user_parameters(self) -> dict[str, Any]:
        """The UserParameters JSON object that reproduces these settings exactly."""
        raw = asdict(self)
        params: dict[str, Any] = {
            "regions": list(self.regions),
            "services": list(self.services),
            "eventTypeCategories": list(self.event_type_categories),
            "eventStatusCodes": list(self.event_status_codes),
            "ignoreEventTypeCodes": sorted(self.ignore_event_type_codes),
            "organization": self.organization,
            "onHealthApiError": self.on_health_api_error,
            "mode": self.mode,
            "source": self.source,
            "autoRetry": self.auto_retry,
        }
        if self.drill_until is not None:
            params["drillUntil"] = self.drill_until.strftime("%Y-%m-%dT%H:%M:%SZ")
        if self.organization:
            params["accountIds"] = list(self.account_ids)
        if self.mode is Mode.WAIT:
            params["maxWaitMinutes"] = raw["max_wait_minutes"]
            params["pollIntervalSeconds"] = raw["poll_interval_seconds"]
        return params

    def query_key(self) -> tuple[object, ...]:
        """What decides the Health query: records with the same key share one lookup."""
        return (
            self.regions,
            self.services,
            self.event_type_categories,
            self.event_status_codes,
            self.ignore_event_type_codes,
            self.organization,
            self.account_ids,
            self.source,
            self.drill_until,
        )
