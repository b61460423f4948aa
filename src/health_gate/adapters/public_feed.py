"""The public AWS Health Dashboard feed as a `HealthSource`, for accounts without a support plan.

This module is the only one that imports `requests`; `runtime.sources` imports it only when a
gate is configured for the feed, so the Health API path does not pay for it at cold start.
"""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from health_gate import __version__
from health_gate.adapters.public_feed_events import decode_feed, feed_event
from health_gate.errors import HealthUnavailable
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import PUBLIC_FEED_NOTE

__all__ = ["DEFAULT_FEED_URL", "PublicFeedSource", "feed_session"]

DEFAULT_FEED_URL = "https://health.aws.amazon.com/public/currentevents"
TIMEOUT = (3.05, 10.0)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)
_REASON_CHARS = 300


class _PausingRetry(Retry):
    """urllib3 retries the first failure at once; the feed's single retry waits a moment."""

    def get_backoff_time(self) -> float:
        return max(super().get_backoff_time(), float(self.backoff_factor))


def feed_session(backoff_seconds: float = 0.5) -> requests.Session:
    """A session that retries once, after a pause, and says who is asking."""
    retry = _PausingRetry(
        total=1,
        backoff_factor=backoff_seconds,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        respect_retry_after_header=False,  # a long Retry-After must not hold the pipeline
    )
    session = requests.Session()
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers.update(
        {"User-Agent": f"health-gate/{__version__}", "Accept": "application/json"}
    )
    return session


class PublicFeedSource:
    """Fetches the whole feed once per query; the decision core applies every filter.

    The feed carries public events only, no account-specific ones, and no account or
    organization data: the query's filters are applied by the core, its accounts ignored.
    """

    source_note = PUBLIC_FEED_NOTE

    def __init__(
        self,
        url: str = DEFAULT_FEED_URL,
        session: requests.Session | None = None,
        timeout: tuple[float, float] = TIMEOUT,
    ) -> None:
        self._url = url
        self._session = session or feed_session()
        self._timeout = timeout

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        body = self._fetch()
        try:
            return [feed_event(raw) for raw in decode_feed(body)]
        except ValueError as err:
            raise HealthUnavailable(
                f"The public AWS Health Dashboard feed ({self._url}) did not return the "
                f"expected JSON list of events ({_brief(err)}); its undocumented format may "
                "have changed."
            ) from err

    def _fetch(self) -> bytes:
        try:
            response = self._session.get(self._url, timeout=self._timeout)
            response.raise_for_status()
        except requests.RequestException as err:
            raise HealthUnavailable(
                f"The public AWS Health Dashboard feed ({self._url}) could not be fetched "
                f"after a retry ({_brief(err)})."
            ) from err
        return response.content


def _brief(err: Exception) -> str:
    text = f"{type(err).__name__}: {err}"
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"
