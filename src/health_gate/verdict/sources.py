"""Where AWS Health events come from (the port every source implements), and `source: "auto"`:
the Health API, or the public feed when the account has no support plan."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from health_gate.errors import SubscriptionRequired
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery

__all__ = ["FALLBACK_NOTE", "PUBLIC_FEED_NOTE", "HealthSource", "SubscriptionFallback"]

PUBLIC_FEED_NOTE = (
    "Source: the public AWS Health Dashboard feed, which lists public events only, "
    "not events specific to this account."
)
FALLBACK_NOTE = (
    "Source: the public AWS Health Dashboard feed (the AWS Health API needs a support plan this "
    "account lacks), which lists public events only, not events specific to this account."
)


class HealthSource(Protocol):
    """The Health API (account or organization view), the public feed, or recorded events."""

    @property
    def source_note(self) -> str | None:
        """What the source says about its own coverage (the public feed: public events only),
        shown with the verdict; None when it has nothing to add. Read after querying."""
        ...

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        """All events matching the query, every page. Raises GateErrors only."""
        ...


class SubscriptionFallback:
    """Asks `primary`; after SubscriptionRequired, asks the fallback from then on.

    The fallback is built on first need, so the Health API path never imports its
    dependencies (requests, for the public feed). Every other error of `primary` propagates
    unchanged: only a missing support plan means "this source can never answer".
    """

    def __init__(self, primary: HealthSource, fallback: Callable[[], HealthSource]) -> None:
        self._primary = primary
        self._make_fallback = fallback
        self._fallback: HealthSource | None = None

    @property
    def source_note(self) -> str | None:
        return FALLBACK_NOTE if self._fallback is not None else None

    @property
    def fell_back(self) -> bool:
        return self._fallback is not None

    def events(self, query: HealthQuery) -> Sequence[HealthEvent]:
        if self._fallback is None:
            try:
                return self._primary.events(query)
            except SubscriptionRequired:
                self._fallback = self._make_fallback()
        return self._fallback.events(query)
