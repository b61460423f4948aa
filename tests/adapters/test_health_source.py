"""Boto3HealthSource against botocore's Stubber: requests checked against the real Health model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from health_gate.adapters.health import SUBSCRIPTION_MESSAGE, Boto3HealthSource
from health_gate.errors import (
    ConfigurationError,
    HealthUnavailable,
    JobFailed,
    PermissionDenied,
    SubscriptionRequired,
)
from health_gate.verdict.events import HealthEvent
from health_gate.verdict.query import HealthQuery
from tests.fakes.stubbed import health_client

STARTED = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
QUERY = HealthQuery(
    categories=("issue",), status_codes=("open",), regions=("us-east-1", "global"), services=()
)
SENT_FILTER = {
    "eventTypeCategories": ["issue"],
    "eventStatusCodes": ["open"],
    "regions": ["us-east-1", "global"],
}
FIRST_PAGE = {"filter": SENT_FILTER, "maxResults": 100}


def api_event(n: int, region: str = "us-east-1", with_zone: bool = True) -> dict[str, Any]:
    raw: dict[str, Any] = {
        "arn": f"arn:aws:health:{region}::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/e{n}",
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": region,
        "startTime": STARTED,
        "lastUpdatedTime": STARTED,
        "statusCode": "open",
        "eventScopeCode": "PUBLIC",
    }
    if with_zone:
        raw["availabilityZone"] = f"{region}a"
    return raw


class Stubbed:
    """A stubbed client pair: active us-east-1 first, passive us-east-2 second."""

    def __init__(self) -> None:
        self.active = health_client("us-east-1")
        self.passive = health_client("us-east-2")
        self.active_stub = Stubber(self.active)
        self.passive_stub = Stubber(self.passive)
        self.source = Boto3HealthSource([self.active, self.passive])


@pytest.fixture
def stubbed() -> Iterator[Stubbed]:
    pair = Stubbed()
    with pair.active_stub, pair.passive_stub:
        yield pair
        # Every queued answer was asked for: no call was skipped, none added.
        pair.active_stub.assert_no_pending_responses()
        pair.passive_stub.assert_no_pending_responses()


# --- Requests and pages -----------------------------------------------------------------------


def test_one_page_sends_the_exact_filter_with_the_largest_page_size(stubbed: Stubbed) -> None:
    # Given the active endpoint answers with one event
    stubbed.active_stub.add_response(
        "describe_events", {"events": [api_event(1)]}, expected_params=FIRST_PAGE
    )
    # When the source is asked
    events = stubbed.source.events(QUERY)
    # Then it sent exactly the query's filter with maxResults=100, and mapped the event
    assert events == [
        HealthEvent(
            arn="arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/e1",
            service="EC2",
            event_type_code="AWS_EC2_OPERATIONAL_ISSUE",
            category="issue",
            region="us-east-1",
            status="open",
            start_time=STARTED,
            last_updated=STARTED,
            scope="PUBLIC",
            availability_zone="us-east-1a",
        )
    ]


def test_every_filter_member_is_sent_as_the_api_names_it(stubbed: Stubbed) -> None:
    # Given a query with services, several categories and status codes
    query = HealthQuery(
        categories=("issue", "investigation"),
        status_codes=("open", "upcoming"),
        regions=("eu-west-1",),
        services=("EC2", "LAMBDA"),
    )
    expected = {
        "filter": {
            "eventTypeCategories": ["issue", "investigation"],
            "eventStatusCodes": ["open", "upcoming"],
            "regions": ["eu-west-1"],
            "services": ["EC2", "LAMBDA"],
        },
        "maxResults": 100,
    }
    stubbed.active_stub.add_response("describe_events", {"events": []}, expected_params=expected)
    # Then the call matches exactly and an empty answer is no events
    assert stubbed.source.events(query) == []


def test_a_query_without_region_or_service_filter_sends_neither(stubbed: Stubbed) -> None:
    query = HealthQuery(categories=("issue",), status_codes=("open",))
    expected = {
        "filter": {"eventTypeCategories": ["issue"], "eventStatusCodes": ["open"]},
        "maxResults": 100,
    }
    stubbed.active_stub.add_response("describe_events", {"events": []}, expected_params=expected)
    assert stubbed.source.events(query) == []


def test_every_page_is_followed_by_next_token(stubbed: Stubbed) -> None:
    # Given three pages chained by nextToken
    stub = stubbed.active_stub
    stub.add_response(
        "describe_events",
        {"events": [api_event(1), api_event(2)], "nextToken": "page-2"},
        expected_params=FIRST_PAGE,
    )
    stub.add_response(
        "describe_events",
        {"events": [api_event(3)], "nextToken": "page-3"},
        expected_params={**FIRST_PAGE, "nextToken": "page-2"},
    )
    stub.add_response(
        "describe_events",
        {"events": [api_event(4, "global", with_zone=False)]},
        expected_params={**FIRST_PAGE, "nextToken": "page-3"},
    )
    # When the source is asked
    events = stubbed.source.events(QUERY)
    # Then the events of all three pages come back, in order
    assert [e.arn.rsplit("/", 1)[1] for e in events] == ["e1", "e2", "e3", "e4"]
    assert events[3].region == "global" and events[3].availability_zone is None


def test_organization_view_uses_its_own_operation_with_account_ids(stubbed: Stubbed) -> None:
    # Given an organizational query for two accounts
    query = HealthQuery(
        categories=("issue",),
        status_codes=("open",),
        regions=("us-east-1",),
        organization=True,
        account_ids=("111111111111", "222222222222"),
    )
    expected = {
        "filter": {
            "eventTypeCategories": ["issue"],
            "eventStatusCodes": ["open"],
            "regions": ["us-east-1"],
            "awsAccountIds": ["111111111111", "222222222222"],
        },
        "maxResults": 100,
    }
    stubbed.active_stub.add_response(
        "describe_events_for_organization",
        {"events": [api_event(1, with_zone=False)], "nextToken": "org-2"},
        expected_params=expected,
    )
    stubbed.active_stub.add_response(
        "describe_events_for_organization",
        {"events": [api_event(2, with_zone=False)]},
        expected_params={**expected, "nextToken": "org-2"},
    )
    # When asked
    events = stubbed.source.events(query)
    # Then DescribeEventsForOrganization was called (page by page), never DescribeEvents
    assert [e.arn[-2:] for e in events] == ["e1", "e2"]


# --- Error translation ------------------------------------------------------------------------


def test_subscription_required_is_a_configuration_error_about_the_support_plan(
    stubbed: Stubbed,
) -> None:
    # Given an account without a Business or Enterprise support plan
    stubbed.active_stub.add_client_error(
        "describe_events",
        service_error_code="SubscriptionRequiredException",
        service_message="The AWS Support plan for this account does not include AWS Health API.",
        http_status_code=400,
        expected_params=FIRST_PAGE,
    )
    # When the source is asked
    with pytest.raises(SubscriptionRequired) as caught:
        stubbed.source.events(QUERY)
    # Then it is a ConfigurationError naming the plans that include the Health API
    assert isinstance(caught.value, ConfigurationError)
    assert caught.value.failure_type == "ConfigurationError"
    assert str(caught.value) == SUBSCRIPTION_MESSAGE
    assert "Business, Enterprise On-Ramp or Enterprise Support plan" in str(caught.value)


@pytest.mark.parametrize("code", ["AccessDeniedException", "UnrecognizedClientException"])
def test_access_denied_names_the_missing_action_and_does_not_fail_over(
    stubbed: Stubbed, code: str
) -> None:
    # Given the function's role may not call DescribeEvents
    stubbed.active_stub.add_client_error(
        "describe_events",
        service_error_code=code,
        service_message="User is not authorized to perform: health:DescribeEvents",
        http_status_code=403,
        expected_params=FIRST_PAGE,
    )
    # When asked
    with pytest.raises(PermissionDenied) as caught:
        stubbed.source.events(QUERY)
    # Then it is a PermissionError naming health:DescribeEvents (the passive endpoint is
    # not asked: the other region would deny it too)
    assert caught.value.failure_type == "PermissionError"
    assert 'Allow health:DescribeEvents on Resource "*"' in str(caught.value)
    assert code in str(caught.value)


def test_access_denied_in_the_organization_view_names_its_action(stubbed: Stubbed) -> None:
    query = HealthQuery(categories=("issue",), status_codes=("open",), organization=True)
    stubbed.active_stub.add_client_error(
        "describe_events_for_organization",
        service_error_code="AccessDeniedException",
        http_status_code=403,
    )
    with pytest.raises(PermissionDenied, match="health:DescribeEventsForOrganization"):
        stubbed.source.events(query)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("ThrottlingException", 400),
        ("TooManyRequestsException", 429),
        ("InternalFailure", 500),
        ("ServiceUnavailable", 503),
    ],
)
def test_a_failing_active_endpoint_falls_over_to_the_passive_one(
    stubbed: Stubbed, code: str, status: int
) -> None:
    # Given the active endpoint still throttles or errors after botocore's retries
    stubbed.active_stub.add_client_error(
        "describe_events",
        service_error_code=code,
        http_status_code=status,
        expected_params=FIRST_PAGE,
    )
    # And the passive endpoint answers (with the same filter)
    stubbed.passive_stub.add_response(
        "describe_events", {"events": [api_event(7)]}, expected_params=FIRST_PAGE
    )
    # When asked
    events = stubbed.source.events(QUERY)
    # Then the passive endpoint's events are the answer
    assert [e.arn[-2:] for e in events] == ["e7"]


def test_a_failure_on_a_later_page_falls_over_and_restarts_the_listing(stubbed: Stubbed) -> None:
    # Given the active endpoint fails after its first page
    stubbed.active_stub.add_response(
        "describe_events",
        {"events": [api_event(1)], "nextToken": "page-2"},
        expected_params=FIRST_PAGE,
    )
    stubbed.active_stub.add_client_error(
        "describe_events",
        service_error_code="InternalFailure",
        http_status_code=500,
        expected_params={**FIRST_PAGE, "nextToken": "page-2"},
    )
    # And the passive endpoint answers from the start (tokens are per endpoint)
    stubbed.passive_stub.add_response(
        "describe_events",
        {"events": [api_event(1), api_event(2)]},
        expected_params=FIRST_PAGE,
    )
    # Then the answer is the passive endpoint's whole listing, without duplicates
    assert [e.arn[-2:] for e in stubbed.source.events(QUERY)] == ["e1", "e2"]


def test_both_endpoints_failing_is_health_unavailable_naming_both(stubbed: Stubbed) -> None:
    # Given both endpoints fail
    stubbed.active_stub.add_client_error(
        "describe_events", service_error_code="ThrottlingException", http_status_code=400
    )
    stubbed.passive_stub.add_client_error(
        "describe_events", service_error_code="InternalFailure", http_status_code=500
    )
    # When asked
    with pytest.raises(HealthUnavailable) as caught:
        stubbed.source.events(QUERY)
    # Then it is SystemUnavailable (which onHealthApiError may turn into a pass), naming both
    message = str(caught.value)
    assert caught.value.failure_type == "SystemUnavailable"
    assert "AWS Health in us-east-1 did not answer after retries (ThrottlingException" in message
    assert "AWS Health in us-east-2 did not answer after retries (InternalFailure" in message


@pytest.mark.parametrize(
    ("code", "status"),
    [("InvalidPaginationToken", 400), ("ValidationException", 400), ("UnsupportedLocale", 400)],
)
def test_another_client_error_is_job_failed_without_failover(
    stubbed: Stubbed, code: str, status: int
) -> None:
    stubbed.active_stub.add_client_error(
        "describe_events",
        service_error_code=code,
        service_message="bad request",
        http_status_code=status,
    )
    with pytest.raises(JobFailed) as caught:
        stubbed.source.events(QUERY)
    assert caught.value.failure_type == "JobFailed"
    assert f"rejected health:DescribeEvents ({code}: bad request)" in str(caught.value)


def test_a_rejected_organization_query_explains_how_to_enable_the_view(stubbed: Stubbed) -> None:
    query = HealthQuery(categories=("issue",), status_codes=("open",), organization=True)
    stubbed.active_stub.add_client_error(
        "describe_events_for_organization",
        service_error_code="ConcurrentModificationException",
        http_status_code=400,
    )
    with pytest.raises(JobFailed, match="EnableHealthServiceAccessForOrganization"):
        stubbed.source.events(query)


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://health.us-east-1.amazonaws.com"),
        ConnectTimeoutError(endpoint_url="https://health.us-east-1.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://health.us-east-1.amazonaws.com"),
    ],
    ids=["refused", "connect timeout", "read timeout"],
)
def test_connection_errors_and_timeouts_fall_over_too(error: Exception) -> None:
    # Given an active endpoint that cannot be reached or does not answer in time
    active, passive = health_client("us-east-1"), health_client("us-east-2")

    def unreachable(**_: Any) -> None:
        raise error

    active.meta.events.register("before-call.health.DescribeEvents", unreachable)
    with Stubber(passive) as passive_stub:
        passive_stub.add_response(
            "describe_events", {"events": [api_event(9)]}, expected_params=FIRST_PAGE
        )
        # When asked
        events = Boto3HealthSource([active, passive]).events(QUERY)
        # Then the passive endpoint answers
        assert [e.arn[-2:] for e in events] == ["e9"]
        passive_stub.assert_no_pending_responses()


def test_a_single_unreachable_endpoint_is_health_unavailable() -> None:
    client = health_client("us-east-1")

    def unreachable(**_: Any) -> None:
        raise EndpointConnectionError(endpoint_url="https://health.us-east-1.amazonaws.com")

    client.meta.events.register("before-call.health.DescribeEvents", unreachable)
    with pytest.raises(HealthUnavailable, match="Could not connect to the endpoint URL"):
        Boto3HealthSource([client]).events(QUERY)


def test_a_source_needs_at_least_one_client() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Boto3HealthSource([])
