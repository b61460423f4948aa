"""The health source a configuration names: the Health API (active endpoint first), the public
feed, or `auto`. The public feed's module (and `requests`) is imported only when used."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING

from health_gate.adapters.health import Boto3HealthSource
from health_gate.adapters.health_endpoints import EndpointResolver
from health_gate.config import GateSettings
from health_gate.config.settings import Source
from health_gate.runtime import clients
from health_gate.runtime.settings import region
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import HealthSource, SubscriptionFallback

if TYPE_CHECKING:
    from mypy_boto3_health import HealthClient

__all__ = ["endpoint_resolver", "health_api_clients", "health_source", "reset"]

ENDPOINT_OVERRIDES = ("AWS_ENDPOINT_URL_HEALTH", "AWS_ENDPOINT_URL")
PUBLIC_FEED_URL_VAR = "HEALTH_GATE_PUBLIC_FEED_URL"  # for tests and mirrors; default: AWS's feed
PUBLIC_FEED_MAX_BYTES_VAR = "HEALTH_GATE_PUBLIC_FEED_MAX_BYTES"


@cache
def endpoint_resolver() -> EndpointResolver:
    return EndpointResolver()


def reset() -> None:
    endpoint_resolver.cache_clear()


def health_api_clients() -> list[HealthClient]:
    """Active endpoint first; a configured endpoint override replaces discovery and failover."""
    if any(os.environ.get(name) for name in ENDPOINT_OVERRIDES):
        return [clients.health("us-east-1", None)]
    endpoints = endpoint_resolver().endpoints(region())
    return [clients.health(e.region, e.url) for e in endpoints]


class _BuiltOnFirstUse:
    """Builds the Health API source when first asked for events, not before.

    Finding the active endpoint is a DNS lookup; built this way it runs inside the caller's
    deadline (runtime.deadline.BoundedHealthSource) like every other network call.
    """

    def __init__(self, build: Callable[[], HealthSource]) -> None:
        self._build = build
        self._source: HealthSource | None = None

    @property
    def source_note(self) -> str | None:
        return self._source.source_note if self._source is not None else None

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        if self._source is None:
            self._source = self._build()
        return self._source.events(query)


def _public_feed() -> HealthSource:
    from health_gate.adapters.public_feed import (
        DEFAULT_FEED_URL,
        DEFAULT_MAX_BYTES,
        PublicFeedSource,
    )

    limit = os.environ.get(PUBLIC_FEED_MAX_BYTES_VAR, "").strip()
    return PublicFeedSource(
        os.environ.get(PUBLIC_FEED_URL_VAR) or DEFAULT_FEED_URL,
        max_bytes=int(limit) if limit.isdigit() and int(limit) > 0 else DEFAULT_MAX_BYTES,
    )


def health_source(settings: GateSettings) -> HealthSource:
    """The source `settings.source` names."""
    if settings.source is Source.PUBLIC_DASHBOARD:
        return _public_feed()
    api = _BuiltOnFirstUse(lambda: Boto3HealthSource(health_api_clients()))
    if settings.source is Source.AUTO:
        return SubscriptionFallback(api, _public_feed)
    return api
