"""Where to send Health API calls: the active endpoint first, then the passive one.

AWS Health is active/passive per partition. The global DNS name is a CNAME to the active
region's endpoint; AWS's guidance is to resolve it and sign for that region. The answer is
cached briefly so a warm container does not resolve it on every invocation.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["EndpointResolver", "HealthEndpoint", "canonical_name"]

DNS_TTL_SECONDS = 60.0


@dataclass(frozen=True)
class HealthEndpoint:
    """A Health API endpoint and the region its requests are signed for."""

    region: str
    url: str


@dataclass(frozen=True)
class _Partition:
    global_name: str | None
    regions: tuple[str, ...]  # default order, active first
    url_template: str


_PARTITIONS = {
    "aws": _Partition(
        "global.health.amazonaws.com", ("us-east-1", "us-east-2"), "https://health.{}.amazonaws.com"
    ),
    "aws-us-gov": _Partition(
        "global.health.us-gov.amazonaws.com",
        ("us-gov-west-1", "us-gov-east-1"),
        "https://health.{}.amazonaws.com",
    ),
    # One endpoint only; signed for cn-northwest-1.
    "aws-cn": _Partition(None, ("cn-northwest-1",), "https://global.health.amazonaws.com.cn"),
}


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def canonical_name(host: str) -> str:
    """The name a CNAME chain ends at (stdlib resolver; no extra dependency)."""
    return socket.gethostbyname_ex(host)[0]


class EndpointResolver:
    """Orders the partition's Health endpoints, active first, from a briefly cached DNS answer."""

    def __init__(
        self,
        resolve: Callable[[str], str] = canonical_name,
        clock: Callable[[], float] = time.monotonic,
        ttl: float = DNS_TTL_SECONDS,
    ) -> None:
        self._resolve = resolve
        self._clock = clock
        self._ttl = ttl
        self._cache: dict[str, tuple[float, tuple[str, ...]]] = {}

    def endpoints(self, home_region: str) -> tuple[HealthEndpoint, ...]:
        partition = _PARTITIONS[partition_of(home_region)]
        order = self._active_first(partition)
        return tuple(
            HealthEndpoint(region, partition.url_template.format(region)) for region in order
        )

    def _active_first(self, partition: _Partition) -> tuple[str, ...]:
        if partition.global_name is None or len(partition.regions) < 2:
            return partition.regions
        cached = self._cache.get(partition.global_name)
        now = self._clock()
        if cached and cached[0] > now:
            return cached[1]
        try:
            name = self._resolve(partition.global_name)
        except OSError:
            return partition.regions  # DNS trouble: the documented active region first
        active = [r for r in partition.regions if f".{r}." in f".{name}."]
        order = tuple(active + [r for r in partition.regions if r not in active])
        self._cache[partition.global_name] = (now + self._ttl, order)
        return order
