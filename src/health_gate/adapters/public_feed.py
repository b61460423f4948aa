"""The public AWS Health Dashboard feed as a `HealthSource`, for accounts without a support plan.

This module is the only one that imports `requests`; `runtime.sources` imports it only when a
gate is configured for the feed, so the Health API path does not pay for it at cold start.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from health_gate import __version__
from health_gate.adapters.public_feed_events import decode_feed, feed_event
from health_gate.errors import HealthUnavailable
from health_gate.pipeline.limits import clip
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from health_gate.verdict.sources import PUBLIC_FEED_NOTE

__all__ = ["DEFAULT_FEED_URL", "DEFAULT_MAX_BYTES", "PublicFeedSource", "feed_session"]

DEFAULT_FEED_URL = "https://health.aws.amazon.com/public/currentevents"
# The live feed is a few kilobytes, and a regional outage across 100+ services a few hundred.
# A body beyond this is not the feed: it is refused as unavailable (onHealthApiError decides),
# before it is read into memory. HEALTH_GATE_PUBLIC_FEED_MAX_BYTES changes it.
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 3
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
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._url = url
        self._session = session or feed_session()
        self._timeout = timeout
        self._max_bytes = max_bytes

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        body = self._fetch()
        try:
            return [feed_event(raw) for raw in decode_feed(body)]
        except ValueError as err:
            raise self._unavailable(
                f"did not return the expected JSON list of events ({_brief(err)}); its "
                "undocumented format may have changed"
            ) from err

    def _fetch(self) -> bytes:
        """The body, following at most MAX_REDIRECTS redirects, and only to https."""
        url = self._url
        try:
            for _ in range(MAX_REDIRECTS + 1):
                with self._session.get(
                    url, timeout=self._timeout, stream=True, allow_redirects=False
                ) as response:
                    if response.is_redirect:
                        url = self._redirect_target(url, response.headers.get("location", ""))
                        continue
                    response.raise_for_status()
                    return self._read_capped(response)
        except requests.RequestException as err:
            raise self._unavailable(f"could not be fetched after a retry ({_brief(err)})") from err
        raise self._unavailable(f"redirected more than {MAX_REDIRECTS} times")

    def _redirect_target(self, url: str, location: str) -> str:
        target = urljoin(url, location)
        if urlsplit(target).scheme != "https":
            raise self._unavailable(
                f"redirected to {clip(target, 120)}, which is not https; the gate follows "
                "redirects to https only"
            )
        return target

    def _read_capped(self, response: requests.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large()
        body = bytearray()
        for chunk in response.iter_content(chunk_size=64 * 1024):
            body += chunk
            if len(body) > self._max_bytes:
                raise self._too_large()
        return bytes(body)

    def _too_large(self) -> HealthUnavailable:
        return self._unavailable(
            f"sent more than {self._max_bytes} bytes, more than the feed ever holds "
            "(HEALTH_GATE_PUBLIC_FEED_MAX_BYTES)"
        )

    def _unavailable(self, what: str) -> HealthUnavailable:
        return HealthUnavailable(f"The public AWS Health Dashboard feed ({self._url}) {what}.")


def _brief(err: Exception) -> str:
    return clip(f"{type(err).__name__}: {err}", _REASON_CHARS)
