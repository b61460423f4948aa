"""Query planning within the API's filter limits, and `decide` end to end over a fake source."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from health_gate.config.settings import GateSettings, OnHealthApiError
from health_gate.errors import (
    HealthUnavailable,
    PermissionDenied,
    SubscriptionRequired,
)
from health_gate.verdict.decision import Verdict, decide
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import MAX_ACCOUNTS, MAX_FILTER_VALUES, HealthQuery, plan_queries
from health_gate.verdict.sources import HealthSource

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ELEVEN_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-central-1",
    "ap-south-1",
    "ap-northeast-1",
    "sa-east-1",
    "global",
)
ELEVEN_SERVICES = tuple(f"SVC{i}" for i in range(11))


def accounts(n: int) -> tuple[str, ...]:
    return tuple(f"{i:012d}" for i in range(1, n + 1))


def event(
    arn: str,
    region: str = "us-east-1",
    service: str = "EC2",
    status: str = "open",
    category: str = "issue",
) -> HealthEvent:
    return HealthEvent(arn, service, f"AWS_{service}_OPERATIONAL_ISSUE", category, region, status)


@dataclass
class FakeHealthSource:
    """Answers like the Health API: applies whatever filter the query carries."""

    stored: Sequence[HealthEvent]
    error: Exception | None = None
    queries: list[HealthQuery] = field(default_factory=list)
    source_note: str | None = None  # what a source may say of its coverage

    def events(self, query: HealthQuery) -> list[HealthEvent]:
        self.queries.append(query)
        if self.error is not None:
            raise self.error
        return [
            e
            for e in self.stored
            if e.category in query.categories
            and e.status in query.status_codes
            and (not query.regions or e.region in query.regions)
            and (not query.services or e.service in query.services)
        ]


# --- Planning ---------------------------------------------------------------------------------


def test_default_settings_plan_one_query_with_every_filter() -> None:
    # Given the default settings for a gate in us-east-1
    settings = GateSettings(regions=("us-east-1", "global"))
    # When the queries are planned
    (query,) = plan_queries(settings)
    # Then one query carries categories, status codes and regions in the API's names
    assert query.api_filter() == {
        "eventTypeCategories": ["issue"],
        "eventStatusCodes": ["open"],
        "regions": ["us-east-1", "global"],
    }
    assert not query.organization


def test_ten_regions_and_nine_services_go_into_the_filter() -> None:
    # Given nine services: with MULTIPLE_SERVICES added, the filter holds the API's maximum
    settings = GateSettings(regions=ELEVEN_REGIONS[:10], services=ELEVEN_SERVICES[:9])
    (query,) = plan_queries(settings)
    assert query.regions == ELEVEN_REGIONS[:10]
    assert query.services == (*ELEVEN_SERVICES[:9], "MULTIPLE_SERVICES")
    assert len(query.api_filter()["regions"]) == MAX_FILTER_VALUES
    assert len(query.api_filter()["services"]) == MAX_FILTER_VALUES


def test_a_service_filter_also_asks_for_multi_service_events() -> None:
    # Given a gate that cares about EC2 only
    (query,) = plan_queries(GateSettings(regions=("us-east-1",), services=("EC2",)))
    # Then the API is also asked for MULTIPLE_SERVICES events, which affect EC2 too
    assert query.api_filter()["services"] == ["EC2", "MULTIPLE_SERVICES"]


def test_ten_services_plus_multi_service_are_filtered_locally() -> None:
    (query,) = plan_queries(GateSettings(regions=("us-east-1",), services=ELEVEN_SERVICES[:10]))
    assert "services" not in query.api_filter()


def test_more_than_ten_regions_are_left_out_of_the_filter() -> None:
    # Given 11 regions, more than the API accepts in one filter
    settings = GateSettings(regions=ELEVEN_REGIONS, services=("EC2",))
    # When planned
    queries = plan_queries(settings)
    # Then one query asks for every region (filtered locally later), keeping the service filter
    assert len(queries) == 1
    assert "regions" not in queries[0].api_filter()
    assert queries[0].api_filter()["services"] == ["EC2", "MULTIPLE_SERVICES"]


def test_more_than_ten_services_are_left_out_of_the_filter() -> None:
    settings = GateSettings(regions=("us-east-1",), services=ELEVEN_SERVICES)
    (query,) = plan_queries(settings)
    assert "services" not in query.api_filter()
    assert query.api_filter()["regions"] == ["us-east-1"]


def test_no_filter_sent_exceeds_the_api_limits() -> None:
    settings = GateSettings(
        regions=ELEVEN_REGIONS,
        services=ELEVEN_SERVICES,
        organization=True,
        account_ids=accounts(120),
    )
    for query in plan_queries(settings):
        sent = query.api_filter()
        assert all(len(sent.get(k, [])) <= MAX_FILTER_VALUES for k in ("regions", "services"))
        assert len(sent["awsAccountIds"]) <= MAX_ACCOUNTS


@pytest.mark.parametrize(
    ("n", "sizes"),
    [(1, [1]), (50, [50]), (51, [50, 1]), (120, [50, 50, 20])],
)
def test_account_ids_are_split_in_fifties(n: int, sizes: list[int]) -> None:
    # Given an organizational gate filtering on n accounts
    wanted = accounts(n)
    settings = GateSettings(regions=("us-east-1",), organization=True, account_ids=wanted)
    # When planned
    queries = plan_queries(settings)
    # Then the accounts are split into chunks of at most 50, in order, each an org query
    assert [len(q.account_ids) for q in queries] == sizes
    assert tuple(a for q in queries for a in q.account_ids) == wanted
    assert all(q.organization for q in queries)
    assert all(q.api_filter()["regions"] == ["us-east-1"] for q in queries)


def test_organization_without_accounts_is_one_query_without_account_filter() -> None:
    settings = GateSettings(regions=("us-east-1",), organization=True)
    (query,) = plan_queries(settings)
    assert query.organization
    assert "awsAccountIds" not in query.api_filter()


# --- Evaluate end to end over a Protocol fake -------------------------------------------------


def test_more_than_ten_regions_still_decides_correctly_end_to_end() -> None:
    # Given 11 watched regions (not filterable by the API) and events in and out of them
    settings = GateSettings(regions=ELEVEN_REGIONS)
    fake = FakeHealthSource(
        [
            event("in-watched", region="sa-east-1"),
            event("global-one", region="global"),
            event("elsewhere", region="ap-southeast-2"),
            event("closed", region="us-east-1", status="closed"),
        ]
    )
    source: HealthSource = fake
    # When the gate evaluates
    decision = decide(source, settings, NOW)
    # Then the API was asked without a region filter and the core filtered locally
    assert "regions" not in fake.queries[0].api_filter()
    assert decision.verdict is Verdict.BLOCKED
    assert [e.arn for e in decision.blocking] == ["global-one", "in-watched"]


def test_more_than_ten_services_still_decides_correctly_end_to_end() -> None:
    settings = GateSettings(regions=("us-east-1",), services=ELEVEN_SERVICES)
    fake = FakeHealthSource([event("svc3", service="SVC3"), event("other", service="RDS")])
    decision = decide(fake, settings, NOW)
    assert "services" not in fake.queries[0].api_filter()
    assert [e.arn for e in decision.blocking] == ["svc3"]


def test_split_account_queries_are_all_asked_and_duplicates_count_once() -> None:
    # Given an org gate over 60 accounts: two queries, both returning the same public event
    settings = GateSettings(regions=("us-east-1",), organization=True, account_ids=accounts(60))
    fake = FakeHealthSource([event("public-outage")])
    # When evaluated
    decision = decide(fake, settings, NOW)
    # Then both chunks were queried and the event blocks once
    assert [len(q.account_ids) for q in fake.queries] == [50, 10]
    assert [e.arn for e in decision.blocking] == ["public-outage"]
    assert decision.considered == 2


def test_healthy_end_to_end() -> None:
    settings = GateSettings(regions=("us-east-1", "global"))
    fake = FakeHealthSource(
        [event("closed", status="closed"), event("away", region="eu-west-1")], source_note="note"
    )
    decision = decide(fake, settings, NOW)
    assert decision.verdict is Verdict.HEALTHY
    assert decision.checked_at == NOW
    assert decision.source_note == "note"


def test_unavailable_health_fails_when_on_health_api_error_is_fail() -> None:
    # Given the Health API cannot be reached and the default onHealthApiError "fail"
    settings = GateSettings(regions=("us-east-1",))
    fake = FakeHealthSource([], error=HealthUnavailable("both endpoints failed"))
    # When evaluated
    # Then the error reaches the caller (reported as SystemUnavailable)
    with pytest.raises(HealthUnavailable, match="both endpoints failed") as caught:
        decide(fake, settings, NOW)
    assert caught.value.failure_type == "SystemUnavailable"


def test_unavailable_health_passes_as_unknown_when_on_health_api_error_is_pass() -> None:
    # Given the same outage with onHealthApiError "pass"
    settings = GateSettings(regions=("us-east-1",), on_health_api_error=OnHealthApiError.PASS)
    fake = FakeHealthSource([], error=HealthUnavailable("both endpoints failed"))
    # When evaluated
    decision = decide(fake, settings, NOW)
    # Then the verdict is UNKNOWN, carrying the reason as its warning
    assert decision.verdict is Verdict.UNKNOWN
    assert decision.warning == "both endpoints failed"
    assert not decision.blocked


@pytest.mark.parametrize(
    "error",
    [
        SubscriptionRequired("needs a Business support plan"),
        PermissionDenied("may not call health:DescribeEvents"),
    ],
)
def test_configuration_and_permission_errors_are_never_passed(error: Exception) -> None:
    # Given onHealthApiError "pass", which covers outages only
    settings = replace(
        GateSettings(regions=("us-east-1",)), on_health_api_error=OnHealthApiError.PASS
    )
    fake = FakeHealthSource([], error=error)
    # Then a missing support plan or permission still fails the stage
    with pytest.raises(type(error)):
        decide(fake, settings, NOW)
