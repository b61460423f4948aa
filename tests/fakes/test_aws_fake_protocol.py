"""The local AWS fake answers real boto3 clients the way AWS Health and CodePipeline do."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError, ReadTimeoutError

from tests.fakes.aws_fake import AwsFake

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient
    from mypy_boto3_health import HealthClient
    from mypy_boto3_health.type_defs import DateTimeRangeTypeDef

# botocore's `max_attempts` counts retries, not attempts: one attempt is `total_max_attempts: 1`.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
NO_CLIENT_VALIDATION = Config(
    retries={"mode": "standard", "total_max_attempts": 1}, parameter_validation=False
)
JOB_ID = "0c2f5a3e-1b2c-4d5e-8f90-123456789abc"
EXECUTION_ID = "11111111-2222-3333-4444-555555555555"
OTHER_EXECUTION_ID = "66666666-7777-8888-9999-000000000000"
T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def health(config: Config = NO_RETRIES) -> HealthClient:
    return boto3.client("health", region_name="us-east-1", config=config)


def codepipeline(config: Config = NO_RETRIES) -> CodePipelineClient:
    return boto3.client("codepipeline", region_name="us-east-1", config=config)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def raw_post(fake: AwsFake, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(fake.url, body, headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


SIGNED = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20250301/us-east-1/health/aws4_request, "
    "SignedHeaders=host, Signature=00",
    "Content-Type": "application/x-amz-json-1.1",
}


# --- protocol --------------------------------------------------------------------------------


def test_boto3_speaks_aws_json_1_1_to_the_fake(aws_fake: AwsFake) -> None:
    # Given a fake with no events
    # When boto3 calls DescribeEvents
    response = health().describe_events()

    # Then the request was AWS JSON 1.1, signed for us-east-1, and the answer parsed
    (call,) = aws_fake.calls
    assert call.headers["x-amz-target"] == "AWSHealth_20160804.DescribeEvents"
    assert call.headers["content-type"] == "application/x-amz-json-1.1"
    assert call.signing_region == "us-east-1"
    assert (call.status, call.error_code) == (200, None)
    assert response["events"] == []


def test_unsigned_request_is_rejected_with_missing_authentication_token(aws_fake: AwsFake) -> None:
    # Given a client that does not sign
    client = health(Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))

    # When it calls the API
    with pytest.raises(ClientError) as excinfo:
        client.describe_events()

    # Then AWS's answer to unsigned requests comes back
    assert error_of(excinfo) == ("MissingAuthenticationTokenException", 403)


def test_unknown_operation_and_bad_json_are_refused(aws_fake: AwsFake) -> None:
    # Given signed raw requests with an unknown target, and with a body that is not JSON
    unknown = {**SIGNED, "X-Amz-Target": "AWSHealth_20160804.DescribeEverything"}
    broken = {**SIGNED, "X-Amz-Target": "AWSHealth_20160804.DescribeEvents"}

    # When they are sent
    unknown_answer = raw_post(aws_fake, unknown, b"{}")
    broken_answer = raw_post(aws_fake, broken, b"{not json")

    # Then both get a 400 with the AWS error code in __type, and both are recorded
    assert unknown_answer[0] == 400
    assert unknown_answer[1]["__type"] == "UnknownOperationException"
    assert broken_answer[0] == 400
    assert broken_answer[1]["__type"] == "SerializationException"
    assert [c.error_code for c in aws_fake.calls] == [
        "UnknownOperationException",
        "SerializationException",
    ]


def test_region_bound_fake_rejects_requests_signed_for_another_region(
    aws_fake_factory: Callable[..., AwsFake],
) -> None:
    # Given a fake standing in for the us-east-2 endpoint
    passive = aws_fake_factory(signing_region="us-east-2")
    signed_east_1 = boto3.client(
        "health", region_name="us-east-1", endpoint_url=passive.url, config=NO_RETRIES
    )
    signed_east_2 = boto3.client(
        "health", region_name="us-east-2", endpoint_url=passive.url, config=NO_RETRIES
    )

    # When clients signing for us-east-1 and us-east-2 call it
    with pytest.raises(ClientError) as excinfo:
        signed_east_1.describe_events()
    signed_east_2.describe_events()

    # Then only the us-east-2 signature is accepted
    assert error_of(excinfo) == ("InvalidSignatureException", 403)
    assert [c.signing_region for c in passive.calls] == ["us-east-1", "us-east-2"]


def test_factory_fakes_are_independent_and_leave_the_env_on_the_main_fake(
    aws_fake: AwsFake, aws_fake_factory: Callable[..., AwsFake]
) -> None:
    # Given a second fake holding one event
    other = aws_fake_factory()
    other.add_event(service="S3")

    # When the env-configured client and a client for the second fake are used
    main_events = health().describe_events()["events"]
    other_client = boto3.client(
        "health", region_name="us-east-1", endpoint_url=other.url, config=NO_RETRIES
    )
    other_events = other_client.describe_events()["events"]

    # Then each fake saw only its own call
    assert main_events == []
    assert [e["service"] for e in other_events] == ["S3"]
    assert len(aws_fake.calls) == len(other.calls) == 1
    assert other.url != aws_fake.url


# --- Health: pagination, order, filters ------------------------------------------------------


def test_paginator_walks_250_events_in_pages_of_100_newest_first(aws_fake: AwsFake) -> None:
    # Given 250 events updated one minute apart
    for minute in range(250):
        aws_fake.add_event(lastUpdatedTime=T0 + dt.timedelta(minutes=minute))

    # When boto3's paginator asks for pages of 100
    pages = list(
        health().get_paginator("describe_events").paginate(PaginationConfig={"PageSize": 100})
    )

    # Then three pages come back, newest first, with every event exactly once
    events = [event for page in pages for event in page["events"]]
    assert [len(page["events"]) for page in pages] == [100, 100, 50]
    assert len({e["arn"] for e in events}) == 250
    times = [e["lastUpdatedTime"] for e in events]
    assert times == sorted(times, reverse=True)
    assert times[0] == T0 + dt.timedelta(minutes=249)
    assert len(aws_fake.calls_to("DescribeEvents")) == 3
    assert "nextToken" not in pages[-1]


def test_default_page_size_is_100_when_max_results_is_absent(aws_fake: AwsFake) -> None:
    # Given 101 events
    for minute in range(101):
        aws_fake.add_event(lastUpdatedTime=T0 + dt.timedelta(minutes=minute))

    # When DescribeEvents is called without maxResults
    response = health().describe_events()

    # Then one full page and a token come back (the default is undocumented; 100 is assumed)
    assert len(response["events"]) == 100
    assert "nextToken" in response


def test_events_sort_by_last_updated_time_falling_back_to_start_time(aws_fake: AwsFake) -> None:
    # Given an old event updated recently, and a newer event with no lastUpdatedTime
    updated = aws_fake.add_event(startTime=T0, lastUpdatedTime=T0 + dt.timedelta(hours=3))
    fresh = aws_fake.add_event(startTime=T0 + dt.timedelta(hours=2), lastUpdatedTime=None)
    old = aws_fake.add_event(startTime=T0, lastUpdatedTime=T0 + dt.timedelta(hours=1))

    # When events are listed
    events = health().describe_events()["events"]

    # Then the most recently touched come first; times survive the trip as datetimes
    assert [e["arn"] for e in events] == [updated["arn"], fresh["arn"], old["arn"]]
    assert events[0]["startTime"] == T0
    assert "lastUpdatedTime" not in events[1]


@pytest.mark.parametrize(
    ("event_filter", "expected_services"),
    [
        ({"regions": ["eu-west-1"]}, {"S3"}),
        ({"regions": ["global"]}, {"IAM"}),
        ({"services": ["EC2", "IAM"]}, {"EC2", "IAM"}),
        ({"eventStatusCodes": ["closed"]}, {"LAMBDA"}),
        ({"eventTypeCategories": ["scheduledChange"]}, {"RDS"}),
        ({"availabilityZones": ["us-east-1a"]}, {"EC2"}),
        ({"services": ["EC2"], "eventStatusCodes": ["closed"]}, set()),
    ],
)
def test_describe_events_applies_the_filter(
    aws_fake: AwsFake, event_filter: Any, expected_services: set[str]
) -> None:
    # Given events differing in one field each
    aws_fake.add_event(service="EC2", availabilityZone="us-east-1a")
    aws_fake.add_event(service="S3", region="eu-west-1")
    aws_fake.add_event(service="IAM", region="global")
    aws_fake.add_event(service="LAMBDA", statusCode="closed")
    aws_fake.add_event(service="RDS", eventTypeCategory="scheduledChange", statusCode="upcoming")

    # When DescribeEvents is called with the filter
    events = health().describe_events(filter=event_filter)["events"]

    # Then only the matching events come back
    assert {e["service"] for e in events} == expected_services


def test_time_range_filters_keep_events_inside_any_range(aws_fake: AwsFake) -> None:
    # Given events that started at hour 0, 5 and 10
    for hour in (0, 5, 10):
        aws_fake.add_event(service=f"S{hour:02}", startTime=T0 + dt.timedelta(hours=hour))

    # When two start-time ranges cover hours 0-1 and 9-11
    ranges: list[DateTimeRangeTypeDef] = [
        {"from": T0, "to": T0 + dt.timedelta(hours=1)},
        {"from": T0 + dt.timedelta(hours=9), "to": T0 + dt.timedelta(hours=11)},
    ]
    events = health().describe_events(filter={"startTimes": ranges})["events"]

    # Then the events of hours 0 and 10 match
    assert sorted(e["service"] for e in events) == ["S00", "S10"]


def test_organization_view_filters_by_account_and_drops_availability_zone(
    aws_fake: AwsFake,
) -> None:
    # Given an account-specific event for two accounts, one for a third, and a public one
    mine = aws_fake.add_event(
        eventScopeCode="ACCOUNT_SPECIFIC",
        availabilityZone="us-east-1a",
        _accounts=["111111111111", "222222222222"],
    )
    aws_fake.add_event(eventScopeCode="ACCOUNT_SPECIFIC", _accounts=["333333333333"])
    public = aws_fake.add_event(startTime=T0)

    # When the organization view is asked for account 222222222222 since T0
    response = health().describe_events_for_organization(
        filter={"awsAccountIds": ["222222222222"], "lastUpdatedTime": {"from": T0}}
    )

    # Then its event and the public event come back, without fake-only or non-org fields
    events = response["events"]
    assert {e["arn"] for e in events} == {mine["arn"], public["arn"]}
    assert all("availabilityZone" not in e and "_accounts" not in e for e in events)


# --- Health: validation and tokens -----------------------------------------------------------


@pytest.mark.parametrize(
    ("request_params", "named_field"),
    [
        ({"filter": {"regions": [f"region-{i}" for i in range(11)]}}, "filter.regions"),
        ({"filter": {"eventStatusCodes": ["open"] * 7}}, "filter.eventStatusCodes"),
        ({"filter": {"eventTypeCategories": ["outage"]}}, "filter.eventTypeCategories"),
        ({"filter": {"entityValues": ["i-1"] * 100}}, "filter.entityValues"),
        ({"maxResults": 101}, "maxResults"),
        ({"maxResults": 0}, "maxResults"),
    ],
)
def test_limits_from_the_model_are_enforced_by_the_server(
    aws_fake: AwsFake, request_params: Any, named_field: str
) -> None:
    # Given a request botocore lets through (it checks minimums only, and no enums)
    client = health(NO_CLIENT_VALIDATION)

    # When it reaches the fake
    with pytest.raises(ClientError) as excinfo:
        client.describe_events(**request_params)

    # Then a 400 ValidationException names the offending field
    assert error_of(excinfo) == ("ValidationException", 400)
    assert f"at '{named_field}'" in str(excinfo.value)


def test_organization_filter_limits_account_ids_to_50(aws_fake: AwsFake) -> None:
    # Given 51 account IDs
    accounts = [f"{n:012d}" for n in range(51)]

    # When the organization view is filtered by them
    with pytest.raises(ClientError) as excinfo:
        health().describe_events_for_organization(filter={"awsAccountIds": accounts})

    # Then AWS's list limit applies
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "filter.awsAccountIds" in str(excinfo.value)


def test_a_forged_or_foreign_pagination_token_is_refused(aws_fake: AwsFake) -> None:
    # Given a valid token from a query for EC2 events
    for _ in range(3):
        aws_fake.add_event()
    token = health().describe_events(maxResults=1, filter={"services": ["EC2"]})["nextToken"]

    # When it is replayed with another filter, and a made-up token is sent
    with pytest.raises(ClientError) as foreign:
        health().describe_events(maxResults=1, nextToken=token, filter={"services": ["S3"]})
    with pytest.raises(ClientError) as forged:
        health().describe_events(nextToken="bm90LWEtdG9rZW4=")

    # Then both are InvalidPaginationToken
    assert error_of(foreign) == ("InvalidPaginationToken", 400)
    assert error_of(forged) == ("InvalidPaginationToken", 400)


def test_add_event_rejects_fields_the_api_does_not_have(aws_fake: AwsFake) -> None:
    # Given / When an event with a misspelt field or a bad enum is added
    # Then the test set-up fails loudly instead of botocore silently dropping the field
    with pytest.raises(ValueError, match="eventStatus"):
        aws_fake.add_event(eventStatus="open")
    with pytest.raises(ValueError, match="statusCode"):
        aws_fake.add_event(statusCode="resolved")
    with pytest.raises(ValueError, match="availabilityZone"):
        aws_fake.add_event(availabilityZone="use1-az1")  # an AZ ID, not an AZ name


def test_update_event_changes_what_the_api_returns(aws_fake: AwsFake) -> None:
    # Given an open event
    event = aws_fake.add_event(lastUpdatedTime=T0)

    # When it is closed
    aws_fake.update_event(event["arn"], statusCode="closed", endTime=T0, lastUpdatedTime=T0)

    # Then the API reports it closed, and it no longer matches an "open" filter
    (listed,) = health().describe_events()["events"]
    assert (listed["statusCode"], listed["endTime"]) == ("closed", T0)
    assert health().describe_events(filter={"eventStatusCodes": ["open"]})["events"] == []


# --- scripted faults and delays --------------------------------------------------------------


def test_scripted_subscription_required_reaches_the_client_as_its_code(aws_fake: AwsFake) -> None:
    # Given an account without a Business support plan
    aws_fake.fail_next("DescribeEvents", "SubscriptionRequiredException")

    # When Health is called
    with pytest.raises(ClientError) as excinfo:
        health().describe_events()

    # Then the code (not in the model, so no modelled exception class) arrives, and is counted
    assert error_of(excinfo) == ("SubscriptionRequiredException", 400)
    assert [c.error_code for c in aws_fake.calls] == ["SubscriptionRequiredException"]


def test_throttling_then_success_is_retried_by_botocore_standard_mode(aws_fake: AwsFake) -> None:
    # Given one throttled answer before the real one
    aws_fake.add_event()
    aws_fake.fail_next("DescribeEvents", "ThrottlingException")

    # When a client with standard retries calls
    client = health(Config(retries={"mode": "standard", "total_max_attempts": 3}))
    response = client.describe_events()

    # Then botocore retried once and succeeded
    assert len(response["events"]) == 1
    assert response["ResponseMetadata"]["RetryAttempts"] == 1
    assert [(c.status, c.error_code) for c in aws_fake.calls] == [
        (400, "ThrottlingException"),
        (200, None),
    ]


def test_botocore_max_attempts_counts_retries_not_attempts(aws_fake: AwsFake) -> None:
    # Given two 503 answers
    aws_fake.fail_next("DescribeEvents", "ServiceUnavailable", times=2)

    # When a client configured with retries={"max_attempts": 1} calls
    client = health(Config(retries={"mode": "standard", "max_attempts": 1}))
    with pytest.raises(ClientError) as excinfo:
        client.describe_events()

    # Then it made two attempts: the first plus one retry (`total_max_attempts` counts both)
    assert error_of(excinfo) == ("ServiceUnavailable", 503)
    assert len(aws_fake.calls) == 2


def test_scripted_503_reaches_a_client_without_retries(aws_fake: AwsFake) -> None:
    # Given the service is unavailable
    aws_fake.fail_next("DescribeEventsForOrganization", "ServiceUnavailable", times=2)

    # When a client without retries calls twice
    for _ in range(2):
        with pytest.raises(ClientError) as excinfo:
            health().describe_events_for_organization()
        assert error_of(excinfo) == ("ServiceUnavailable", 503)

    # Then the script is used up and the next call succeeds
    assert health().describe_events_for_organization()["events"] == []


def test_faults_are_consumed_in_order_and_only_by_their_operation(aws_fake: AwsFake) -> None:
    # Given two faults for RetryStageExecution and one for any operation
    aws_fake.fail_next("RetryStageExecution", "ConflictException")
    aws_fake.fail_next("RetryStageExecution", "StageNotRetryableException")
    aws_fake.fail_next("*", "InternalFailure")

    # When Health and then RetryStageExecution are called
    with pytest.raises(ClientError) as health_error:
        health().describe_events()
    codes = []
    for _ in range(3):
        try:
            codepipeline().retry_stage_execution(
                pipelineName="app",
                stageName="Deploy",
                pipelineExecutionId=EXECUTION_ID,
                retryMode="FAILED_ACTIONS",
            )
            codes.append("ok")
        except ClientError as err:
            codes.append(err.response["Error"]["Code"])

    # Then each fault hit once, in order, with its status
    assert error_of(health_error) == ("InternalFailure", 500)
    assert codes == ["ConflictException", "StageNotRetryableException", "ok"]
    assert [c.status for c in aws_fake.calls] == [500, 409, 400, 200]


def test_fail_next_refuses_an_operation_the_fake_does_not_serve(aws_fake: AwsFake) -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        aws_fake.fail_next("DescribeEvent", "ThrottlingException")


def test_delay_next_slows_the_answer_and_can_outlast_a_read_timeout(aws_fake: AwsFake) -> None:
    # Given two delayed answers: one short, one longer than the client's read timeout
    aws_fake.delay_next("DescribeEvents", 0.05)
    aws_fake.delay_next("DescribeEvents", 5)  # cut short when the fixture closes the fake
    impatient = health(Config(read_timeout=0.3, retries={"total_max_attempts": 1}))

    # When the client calls twice
    started = time.monotonic()
    impatient.describe_events()
    elapsed = time.monotonic() - started
    with pytest.raises(ReadTimeoutError):
        impatient.describe_events()

    # Then the first answer came late but in time, and the second timed out
    assert elapsed >= 0.05
    assert len(aws_fake.calls) == 2


def test_close_returns_promptly_while_a_delayed_request_is_pending(
    aws_fake_factory: Callable[..., AwsFake],
) -> None:
    # Given a fake holding a request in a long delay
    fake = aws_fake_factory()
    fake.hang_next("DescribeEvents")
    client = boto3.client(
        "health",
        region_name="us-east-1",
        endpoint_url=fake.url,
        config=Config(read_timeout=0.1, retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ReadTimeoutError):
        client.describe_events()

    assert fake.hanging == 1

    # When it is closed
    fake.close()

    # Then it ends the hanging request and leaves no server or request thread behind
    assert fake.hanging == 0
    leftovers = [
        t for t in threading.enumerate() if t.name == "aws-fake" or "process_request" in t.name
    ]
    assert leftovers == []


def test_a_crash_inside_the_fake_is_answered_500_and_kept_for_the_fixture(
    aws_fake: AwsFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a fake whose Health side has a bug
    def broken(operation: str, params: Any) -> Any:
        raise RuntimeError("bug in the fake")

    monkeypatch.setattr(aws_fake._health, "describe", broken)

    # When Health is called
    with pytest.raises(ClientError) as excinfo:
        health().describe_events()

    # Then the client sees AWS's InternalFailure and the traceback is kept (the fixture would
    # fail the test on it at teardown; cleared here because the crash is intended)
    assert error_of(excinfo) == ("InternalFailure", 500)
    assert "bug in the fake" in aws_fake.internal_errors[0]
    aws_fake.internal_errors.clear()


def test_concurrent_clients_are_all_answered_and_recorded(aws_fake: AwsFake) -> None:
    # Given one event and eight threads with their own clients
    aws_fake.add_event()
    clients = [health() for _ in range(8)]
    results: list[int] = []

    def call(client: HealthClient) -> None:
        results.append(len(client.describe_events()["events"]))

    # When they call at the same time
    threads = [threading.Thread(target=call, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Then every call was answered and recorded
    assert results == [1] * 8
    assert len(aws_fake.calls) == 8


# --- CodePipeline: job results ---------------------------------------------------------------


def test_success_result_is_accepted_and_recorded_as_a_report(aws_fake: AwsFake) -> None:
    # Given an in-progress job
    # When the function reports success with a summary and output variables
    response = codepipeline().put_job_success_result(
        jobId=JOB_ID,
        executionDetails={"summary": "no open AWS Health events", "percentComplete": 100},
        outputVariables={"verdict": "pass", "blocking-events": "0"},
    )

    # Then AWS's empty 200 answer comes back and the report is recorded
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    (report,) = aws_fake.reports()
    assert report.operation == "PutJobSuccessResult"
    assert report.params["outputVariables"] == {"verdict": "pass", "blocking-events": "0"}
    assert aws_fake.job_state(JOB_ID) == "Succeeded"


def test_output_variables_with_a_continuation_token_are_refused(aws_fake: AwsFake) -> None:
    with pytest.raises(ClientError) as excinfo:
        codepipeline().put_job_success_result(
            jobId=JOB_ID, continuationToken="wait-1", outputVariables={"verdict": "pass"}
        )

    assert error_of(excinfo) == ("ValidationException", 400)
    assert aws_fake.job_state(JOB_ID) is None  # the job was not completed


@pytest.mark.parametrize(
    ("failure_details", "named_field"),
    [
        ({"type": "JobFailed", "message": "x" * 5001}, "failureDetails.message"),
        ({"type": "Blocked", "message": "incident open"}, "failureDetails.type"),
        (
            {"type": "JobFailed", "message": "m", "externalExecutionId": "e" * 1501},
            "failureDetails.externalExecutionId",
        ),
    ],
)
def test_failure_result_limits_are_enforced(
    aws_fake: AwsFake, failure_details: Any, named_field: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        codepipeline().put_job_failure_result(jobId=JOB_ID, failureDetails=failure_details)

    assert error_of(excinfo) == ("ValidationException", 400)
    assert f"at '{named_field}'" in str(excinfo.value)


def test_a_5000_character_failure_message_is_accepted(aws_fake: AwsFake) -> None:
    codepipeline().put_job_failure_result(
        jobId=JOB_ID, failureDetails={"type": "JobFailed", "message": "x" * 5000}
    )

    assert aws_fake.job_state(JOB_ID) == "Failed"


@pytest.mark.parametrize(
    ("kwargs", "named_field"),
    [
        ({"jobId": "not-a-job-id"}, "jobId"),
        ({"jobId": JOB_ID, "outputVariables": {"bad key": "v"}}, "outputVariables"),
        (
            {"jobId": JOB_ID, "executionDetails": {"percentComplete": 101}},
            "executionDetails.percentComplete",
        ),
        ({"jobId": JOB_ID, "continuationToken": "t" * 2049}, "continuationToken"),
        (
            {"jobId": JOB_ID, "executionDetails": {"summary": "s" * 2049}},
            "executionDetails.summary",
        ),
    ],
)
def test_success_result_limits_are_enforced(
    aws_fake: AwsFake, kwargs: Any, named_field: str
) -> None:
    with pytest.raises(ClientError) as excinfo:
        codepipeline().put_job_success_result(**kwargs)

    assert error_of(excinfo) == ("ValidationException", 400)
    assert f"at '{named_field}'" in str(excinfo.value)


def test_a_job_reported_twice_is_in_an_invalid_state(aws_fake: AwsFake) -> None:
    # Given a job already reported as succeeded
    codepipeline().put_job_success_result(jobId=JOB_ID)

    # When it is reported again, as failed
    with pytest.raises(ClientError) as excinfo:
        codepipeline().put_job_failure_result(
            jobId=JOB_ID, failureDetails={"type": "JobFailed", "message": "late"}
        )

    # Then CodePipeline refuses, and both attempts are visible
    assert error_of(excinfo) == ("InvalidJobStateException", 400)
    assert [(r.operation, r.status) for r in aws_fake.reports()] == [
        ("PutJobSuccessResult", 200),
        ("PutJobFailureResult", 400),
    ]


def test_a_job_codepipeline_does_not_know_is_not_found(aws_fake: AwsFake) -> None:
    aws_fake.set_job_state(JOB_ID, "Missing")

    with pytest.raises(ClientError) as excinfo:
        codepipeline().put_job_success_result(jobId=JOB_ID)

    assert error_of(excinfo) == ("JobNotFoundException", 400)


# --- CodePipeline: action executions, retries, state -----------------------------------------


def action(minute: int, execution_id: str = EXECUTION_ID, status: str = "Failed") -> dict[str, Any]:
    return {
        "pipelineExecutionId": execution_id,
        "actionExecutionId": f"action-{minute}",
        "stageName": "Deploy",
        "actionName": "HealthGate",
        "status": status,
        "startTime": T0 + dt.timedelta(minutes=minute),
        "input": {
            "actionTypeId": {
                "category": "Invoke",
                "owner": "AWS",
                "provider": "Lambda",
                "version": "1",
            },
            "configuration": {"FunctionName": "health-gate", "UserParameters": "{}"},
        },
        "output": {"executionResult": {"externalExecutionSummary": f"run {minute}"}},
    }


def test_list_action_executions_paginates_newest_first_and_filters(aws_fake: AwsFake) -> None:
    # Given five action executions over two pipeline executions, configured out of order
    details = [action(m) for m in (1, 4, 2)] + [action(m, OTHER_EXECUTION_ID) for m in (3, 5)]
    aws_fake.set_action_executions("app", details)
    paginator = codepipeline().get_paginator("list_action_executions")

    # When all are listed two at a time, and then one execution's are
    pages = list(paginator.paginate(pipelineName="app", PaginationConfig={"PageSize": 2}))
    filtered = paginator.paginate(
        pipelineName="app", filter={"pipelineExecutionId": EXECUTION_ID}
    ).build_full_result()

    # Then pages come newest first, and the filter keeps that execution's only
    listed = [d["actionExecutionId"] for page in pages for d in page["actionExecutionDetails"]]
    assert [len(page["actionExecutionDetails"]) for page in pages] == [2, 2, 1]
    assert listed == ["action-5", "action-4", "action-3", "action-2", "action-1"]
    assert [d["actionExecutionId"] for d in filtered["actionExecutionDetails"]] == [
        "action-4",
        "action-2",
        "action-1",
    ]
    first = pages[0]["actionExecutionDetails"][0]
    assert first["startTime"] == T0 + dt.timedelta(minutes=5)
    assert first["input"]["configuration"]["FunctionName"] == "health-gate"


def test_list_action_executions_errors(aws_fake: AwsFake) -> None:
    # Given one configured pipeline
    aws_fake.set_action_executions("app", [action(1)])

    # When an unknown pipeline or a forged token is used
    with pytest.raises(ClientError) as unknown:
        codepipeline().list_action_executions(pipelineName="other")
    with pytest.raises(ClientError) as forged:
        codepipeline().list_action_executions(pipelineName="app", nextToken="bm9wZQ==")

    # Then CodePipeline's codes come back
    assert error_of(unknown) == ("PipelineNotFoundException", 400)
    assert error_of(forged) == ("InvalidNextTokenException", 400)


def test_set_action_executions_rejects_misspelt_members(aws_fake: AwsFake) -> None:
    with pytest.raises(ValueError, match="stage"):
        aws_fake.set_action_executions("app", [{"stage": "Deploy"}])


def test_retry_stage_execution_resumes_the_same_execution(aws_fake: AwsFake) -> None:
    response = codepipeline().retry_stage_execution(
        pipelineName="app",
        stageName="Deploy",
        pipelineExecutionId=EXECUTION_ID,
        retryMode="FAILED_ACTIONS",
    )

    assert response["pipelineExecutionId"] == EXECUTION_ID
    assert aws_fake.calls_to("RetryStageExecution") == [
        {
            "pipelineName": "app",
            "stageName": "Deploy",
            "pipelineExecutionId": EXECUTION_ID,
            "retryMode": "FAILED_ACTIONS",
        }
    ]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("StageNotRetryableException", 400),
        ("ConflictException", 409),
        ("NotLatestPipelineExecutionException", 400),
        ("PipelineNotFoundException", 400),
        ("StageNotFoundException", 400),
        ("ConcurrentPipelineExecutionsLimitExceededException", 400),
    ],
)
def test_retry_stage_execution_scripted_errors_arrive_as_modelled_exceptions(
    aws_fake: AwsFake, code: str, status: int
) -> None:
    # Given CodePipeline will refuse the retry
    aws_fake.fail_next("RetryStageExecution", code)
    client = codepipeline()

    # When the retrier asks for it
    with pytest.raises(ClientError) as excinfo:
        client.retry_stage_execution(
            pipelineName="app",
            stageName="Deploy",
            pipelineExecutionId=EXECUTION_ID,
            retryMode="FAILED_ACTIONS",
        )

    # Then botocore raises the modelled exception class, with the model's status
    assert isinstance(excinfo.value, getattr(client.exceptions, code))
    assert error_of(excinfo) == (code, status)


def test_retry_stage_execution_validates_retry_mode(aws_fake: AwsFake) -> None:
    with pytest.raises(ClientError) as excinfo:
        codepipeline().retry_stage_execution(
            pipelineName="app",
            stageName="Deploy",
            pipelineExecutionId=EXECUTION_ID,
            retryMode="EVERYTHING",  # type: ignore[arg-type]
        )

    assert error_of(excinfo) == ("ValidationException", 400)
    assert "at 'retryMode'" in str(excinfo.value)


def test_get_pipeline_state_returns_the_configured_state(aws_fake: AwsFake) -> None:
    # Given a pipeline whose Deploy stage failed
    aws_fake.set_pipeline_state(
        "app",
        {
            "stageStates": [
                {
                    "stageName": "Deploy",
                    "latestExecution": {"pipelineExecutionId": EXECUTION_ID, "status": "Failed"},
                }
            ],
            "updated": T0,
        },
    )

    # When its state is read, and that of an unknown pipeline
    state = codepipeline().get_pipeline_state(name="app")
    with pytest.raises(ClientError) as excinfo:
        codepipeline().get_pipeline_state(name="other")

    # Then the configured state comes back, and the unknown pipeline is not found
    assert state["pipelineName"] == "app"
    assert state["stageStates"][0]["latestExecution"]["status"] == "Failed"
    assert state["updated"] == T0
    assert error_of(excinfo) == ("PipelineNotFoundException", 400)
