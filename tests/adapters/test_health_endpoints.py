"""EndpointResolver: active endpoint first from a cached DNS answer, per partition."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from health_gate.adapters.health_endpoints import (
    DNS_TTL_SECONDS,
    EndpointResolver,
    HealthEndpoint,
    partition_of,
)

US_EAST_1 = HealthEndpoint("us-east-1", "https://health.us-east-1.amazonaws.com")
US_EAST_2 = HealthEndpoint("us-east-2", "https://health.us-east-2.amazonaws.com")
GOV_WEST = HealthEndpoint("us-gov-west-1", "https://health.us-gov-west-1.amazonaws.com")
GOV_EAST = HealthEndpoint("us-gov-east-1", "https://health.us-gov-east-1.amazonaws.com")
CHINA = HealthEndpoint("cn-northwest-1", "https://global.health.amazonaws.com.cn")


@dataclass
class FakeDns:
    """Answers canonical names from a table, counting lookups; OSError for unknown names."""

    answers: dict[str, str]
    asked: list[str] = field(default_factory=list)

    def __call__(self, host: str) -> str:
        self.asked.append(host)
        if host not in self.answers:
            raise OSError(f"[Errno -2] Name or service not known: {host}")
        return self.answers[host]


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def resolver(
    answers: dict[str, str], clock: FakeClock | None = None
) -> tuple[EndpointResolver, FakeDns]:
    dns = FakeDns(answers)
    return EndpointResolver(resolve=dns, clock=clock or FakeClock()), dns


def test_active_us_east_1_comes_first() -> None:
    # Given the global name is a CNAME to the us-east-1 endpoint
    endpoints, dns = resolver({"global.health.amazonaws.com": "health.us-east-1.amazonaws.com"})
    # When a function in eu-west-1 asks where to send Health calls
    # Then us-east-1 is tried first and us-east-2 second
    assert endpoints.endpoints("eu-west-1") == (US_EAST_1, US_EAST_2)
    assert dns.asked == ["global.health.amazonaws.com"]


def test_a_cname_to_us_east_2_puts_us_east_2_first() -> None:
    # Given AWS has made us-east-2 the active region
    endpoints, _ = resolver({"global.health.amazonaws.com": "health.us-east-2.amazonaws.com"})
    # Then us-east-2 is tried first, us-east-1 second
    assert endpoints.endpoints("us-east-1") == (US_EAST_2, US_EAST_1)


def test_a_deeper_cname_chain_still_names_the_active_region() -> None:
    # Given the chain ends at a load balancer name carrying the region
    answers = {"global.health.amazonaws.com": "health-lb-123.us-east-2.elb.amazonaws.com"}
    endpoints, _ = resolver(answers)
    assert endpoints.endpoints("us-west-2")[0] == US_EAST_2


def test_an_unrecognised_canonical_name_keeps_the_default_order() -> None:
    endpoints, _ = resolver({"global.health.amazonaws.com": "d111111abcdef8.cloudfront.net"})
    assert endpoints.endpoints("us-east-1") == (US_EAST_1, US_EAST_2)


def test_dns_failure_falls_back_to_the_documented_order() -> None:
    # Given DNS cannot resolve the global name (OSError from the stdlib resolver)
    endpoints, dns = resolver({})
    # Then the documented active region comes first, and nothing is raised
    assert endpoints.endpoints("us-east-1") == (US_EAST_1, US_EAST_2)
    assert dns.asked == ["global.health.amazonaws.com"]


def test_a_dns_failure_is_not_cached() -> None:
    # Given DNS fails once and then recovers
    endpoints, dns = resolver({})
    endpoints.endpoints("us-east-1")
    dns.answers["global.health.amazonaws.com"] = "health.us-east-2.amazonaws.com"
    # Then the next invocation asks again and uses the answer
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_2
    assert len(dns.asked) == 2


def test_the_answer_is_cached_within_the_ttl_and_refreshed_after() -> None:
    # Given a warm container
    clock = FakeClock()
    endpoints, dns = resolver(
        {"global.health.amazonaws.com": "health.us-east-1.amazonaws.com"}, clock
    )
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_1
    # When AWS fails over and invocations come within the TTL
    dns.answers["global.health.amazonaws.com"] = "health.us-east-2.amazonaws.com"
    clock.now += DNS_TTL_SECONDS - 1
    # Then DNS is not asked again and the cached order holds
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_1
    assert endpoints.endpoints("eu-west-1")[0] == US_EAST_1
    assert len(dns.asked) == 1
    # And once the TTL has passed, the new active region is found
    clock.now += 1
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_2
    assert len(dns.asked) == 2


def test_the_ttl_can_be_set() -> None:
    clock = FakeClock()
    dns = FakeDns({"global.health.amazonaws.com": "health.us-east-1.amazonaws.com"})
    endpoints = EndpointResolver(resolve=dns, clock=clock, ttl=5.0)
    endpoints.endpoints("us-east-1")
    clock.now += 4.9
    endpoints.endpoints("us-east-1")
    clock.now += 0.2
    endpoints.endpoints("us-east-1")
    assert len(dns.asked) == 2


def test_govcloud_uses_its_own_global_name_and_regions() -> None:
    # Given a gate in GovCloud whose global name points at us-gov-east-1
    answers = {"global.health.us-gov.amazonaws.com": "health.us-gov-east-1.amazonaws.com"}
    endpoints, dns = resolver(answers)
    # Then only GovCloud endpoints are used, active first
    assert endpoints.endpoints("us-gov-west-1") == (GOV_EAST, GOV_WEST)
    assert dns.asked == ["global.health.us-gov.amazonaws.com"]


def test_govcloud_without_dns_defaults_to_us_gov_west_1_first() -> None:
    endpoints, _ = resolver({})
    assert endpoints.endpoints("us-gov-east-1") == (GOV_WEST, GOV_EAST)


@pytest.mark.parametrize("home", ["cn-north-1", "cn-northwest-1"])
def test_china_has_one_endpoint_signed_for_cn_northwest_1_and_needs_no_dns(home: str) -> None:
    endpoints, dns = resolver({})
    assert endpoints.endpoints(home) == (CHINA,)
    assert dns.asked == []


def test_partitions_are_cached_separately() -> None:
    answers = {
        "global.health.amazonaws.com": "health.us-east-2.amazonaws.com",
        "global.health.us-gov.amazonaws.com": "health.us-gov-west-1.amazonaws.com",
    }
    endpoints, dns = resolver(answers)
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_2
    assert endpoints.endpoints("us-gov-west-1")[0] == GOV_WEST
    assert endpoints.endpoints("us-east-1")[0] == US_EAST_2
    assert dns.asked == ["global.health.amazonaws.com", "global.health.us-gov.amazonaws.com"]


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("eu-central-2", "aws"),
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
    ],
)
def test_partition_of_region(region: str, partition: str) -> None:
    assert partition_of(region) == partition
