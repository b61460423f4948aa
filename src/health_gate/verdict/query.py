"""Turn settings into AWS Health filters that respect the API's limits.

`regions` and `services` accept at most 10 values per filter. Beyond that the filter is left
out and the decision core filters locally: open issues are few, so one paginated query that
returns a little more beats the product of several split queries. Account IDs cannot be
filtered locally (organization events do not carry them), so those are split in 50s.
"""

from __future__ import annotations

from dataclasses import dataclass

from health_gate.config.settings import GateSettings
from health_gate.verdict.events import MULTIPLE_SERVICES

__all__ = ["MAX_ACCOUNTS", "MAX_FILTER_VALUES", "HealthQuery", "plan_queries"]

MAX_FILTER_VALUES = 10
MAX_ACCOUNTS = 50


@dataclass(frozen=True)
class HealthQuery:
    """One DescribeEvents (or ...ForOrganization) filter, paginated by the adapter."""

    categories: tuple[str, ...]
    status_codes: tuple[str, ...]
    regions: tuple[str, ...] = ()  # empty: not filtered by the API
    services: tuple[str, ...] = ()  # empty: not filtered by the API
    organization: bool = False
    account_ids: tuple[str, ...] = ()

    def api_filter(self) -> dict[str, list[str]]:
        """The `filter` argument in the API's own member names."""
        result = {
            "eventTypeCategories": list(self.categories),
            "eventStatusCodes": list(self.status_codes),
        }
        if self.regions:
            result["regions"] = list(self.regions)
        if self.services:
            result["services"] = list(self.services)
        if self.account_ids:
            result["awsAccountIds"] = list(self.account_ids)
        return result


def _within_limit(values: tuple[str, ...]) -> tuple[str, ...]:
    return values if len(values) <= MAX_FILTER_VALUES else ()


def _api_services(services: tuple[str, ...]) -> tuple[str, ...]:
    """A service filter must also ask for multi-service events: they affect every service."""
    if not services or MULTIPLE_SERVICES in services:
        return services
    return services + (MULTIPLE_SERVICES,)


def plan_queries(settings: GateSettings) -> tuple[HealthQuery, ...]:
    """The fewest queries whose union covers everything the settings ask about."""
    base = HealthQuery(
        categories=settings.event_type_categories,
        status_codes=settings.event_status_codes,
        regions=_within_limit(settings.regions),
        services=_within_limit(_api_services(settings.services)),
        organization=settings.organization,
    )
    accounts = settings.account_ids if settings.organization else ()
    if not accounts:
        return (base,)
    return tuple(
        HealthQuery(
            categories=base.categories,
            status_codes=base.status_codes,
            regions=base.regions,
            services=base.services,
            organization=True,
            account_ids=accounts[start : start + MAX_ACCOUNTS],
        )
        for start in range(0, len(accounts), MAX_ACCOUNTS)
    )
