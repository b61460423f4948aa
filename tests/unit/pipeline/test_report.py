"""What CodePipeline is told: one outcome per verdict or error, always within the API's limits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from health_gate.errors import (
    ConfigurationError,
    GateError,
    HealthUnavailable,
    JobFailed,
    PermissionDenied,
    SubscriptionRequired,
)
from health_gate.pipeline.block_message import BLOCKED_MARKER, BLOCKED_PREFIX, blocked_message
from health_gate.pipeline.limits import MAX_FAILURE_MESSAGE, MAX_SUMMARY, clip
from health_gate.pipeline.report import Fail, Succeed, report_for, report_for_error
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
REGIONS = ("us-east-1", "global")


def event(i: int = 1, service: str = "EC2", region: str = "us-east-1") -> HealthEvent:
    return HealthEvent(
        arn=f"arn:aws:health:{region}::event/{service}/AWS_{service}_OPERATIONAL_ISSUE/evt-{i:04d}",
        service=service,
        event_type_code=f"AWS_{service}_OPERATIONAL_ISSUE",
        category="issue",
        region=region,
        status="open",
        start_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


def blocked(events: tuple[HealthEvent, ...], regions: tuple[str, ...] = REGIONS) -> Decision:
    return Decision(Verdict.BLOCKED, blocking=events, regions=regions, checked_at=NOW)


def test_blocked_fails_the_job_with_a_message_listing_the_event() -> None:
    # Given one blocking EC2 issue
    ec2 = event()
    # When the outcome is chosen
    outcome = report_for(blocked((ec2,)))
    # Then the job fails as JobFailed, marked for the retrier, naming everything a person needs
    assert isinstance(outcome, Fail)
    assert outcome.failure_type == "JobFailed"
    assert outcome.external_execution_id == BLOCKED_MARKER
    assert outcome.message.startswith("Blocked by AWS Health")
    assert "1 open event in us-east-1, global" in outcome.message
    assert (
        "- EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1 since 2024-05-01 09:30 UTC: "
        f"{ec2.arn}" in outcome.message.splitlines()
    )


def test_blocked_message_lists_every_event_when_they_fit() -> None:
    events = (event(1), event(2, "LAMBDA"), event(3, "IAM", "global"))
    message = blocked_message(events, REGIONS)
    assert message.startswith(f"{BLOCKED_PREFIX}: 3 open events in us-east-1, global")
    for e in events:
        assert e.arn in message
        assert f"- {e.service} {e.event_type_code} in {e.region} since" in message
    assert "more" not in message


def test_an_event_without_start_time_says_so() -> None:
    no_start = HealthEvent("arn:x", "EC2", "AWS_EC2_X", "issue", "us-east-1", "open")
    assert "since unknown time: arn:x" in blocked_message((no_start,), REGIONS)


def test_two_hundred_events_fit_in_five_thousand_characters_with_a_count_of_the_rest() -> None:
    # Given a regional outage with 200 blocking events
    events = tuple(event(i) for i in range(200))
    # When the failure message is written
    outcome = report_for(blocked(events))
    # Then it stays within PutJobFailureResult's limit and says how many were left out
    assert isinstance(outcome, Fail)
    message = outcome.message
    assert len(message) <= MAX_FAILURE_MESSAGE
    assert message.startswith(f"{BLOCKED_PREFIX}: 200 open events")
    listed = [line for line in message.splitlines() if line.startswith("- ")]
    last = message.splitlines()[-1]
    assert last == f"… and {200 - len(listed)} more"
    # And the listed events are the first ones, each complete
    assert listed and all(events[i].arn in listed[i] for i in range(len(listed)))


@pytest.mark.parametrize("count", [30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40])
def test_the_cut_is_accounted_exactly_near_the_limit(count: int) -> None:
    # Given just enough events to reach the limit somewhere in this range
    events = tuple(event(i) for i in range(count))
    message = blocked_message(events, REGIONS)
    listed = [line for line in message.splitlines() if line.startswith("- ")]
    # Then nothing is cut mid-line and every event is either listed or counted
    assert len(message) <= MAX_FAILURE_MESSAGE
    assert not message.endswith("…") or message.endswith("more")
    if len(listed) < count:
        assert message.endswith(f"… and {count - len(listed)} more")
    else:
        assert "more" not in message


def test_a_smaller_limit_and_a_lead_are_honoured() -> None:
    events = tuple(event(i) for i in range(10))
    message = blocked_message(events, REGIONS, lead=" (waited 60 min)", limit=400)
    assert len(message) <= 400
    assert "us-east-1, global (waited 60 min). Retry" in message
    assert message.endswith("more")


def test_healthy_succeeds_with_summary_and_output_variables() -> None:
    # Given a healthy verdict after checking 7 events
    decision = Decision(Verdict.HEALTHY, regions=REGIONS, checked_at=NOW, considered=7)
    # When the outcome is chosen
    outcome = report_for(decision)
    # Then the job succeeds with variables later actions read as #{HealthGate.status}
    assert outcome == Succeed(
        "Healthy: no blocking AWS Health events in us-east-1, global (7 events checked).",
        {"status": "HEALTHY", "blockingEvents": "0", "regions": "us-east-1,global"},
    )


def test_healthy_summary_counts_one_event_in_the_singular_and_carries_the_source_note() -> None:
    decision = Decision(
        Verdict.HEALTHY, regions=("us-east-1",), considered=1, source_note="Public events only."
    )
    outcome = report_for(decision)
    assert isinstance(outcome, Succeed)
    assert outcome.summary.endswith("(1 event checked). Public events only.")


def test_summary_stays_within_2048_characters() -> None:
    # Given a very long regions list and source note
    regions = tuple(f"xx-region-{i}" for i in range(300))
    decision = Decision(Verdict.HEALTHY, regions=regions, source_note="n" * 3000)
    outcome = report_for(decision)
    assert isinstance(outcome, Succeed)
    assert len(outcome.summary) == MAX_SUMMARY
    assert outcome.summary.endswith("…")


def test_unknown_succeeds_with_a_warning_and_status_unknown() -> None:
    # Given the Health API was unreachable and onHealthApiError is "pass"
    decision = Decision(
        Verdict.UNKNOWN,
        regions=("us-east-1",),
        warning="AWS Health in us-east-1 did not answer after retries",
    )
    # When the outcome is chosen
    outcome = report_for(decision)
    # Then the stage passes, but the summary warns and the variables say UNKNOWN
    assert isinstance(outcome, Succeed)
    assert outcome.summary.startswith("WARNING: AWS Health could not be checked")
    assert "did not answer after retries" in outcome.summary
    assert 'onHealthApiError is "pass"' in outcome.summary
    assert outcome.output_variables == {
        "status": "UNKNOWN",
        "blockingEvents": "0",
        "regions": "us-east-1",
    }


def test_unknown_summary_with_a_huge_warning_is_clipped() -> None:
    decision = Decision(Verdict.UNKNOWN, regions=("us-east-1",), warning="w" * 5000)
    outcome = report_for(decision)
    assert isinstance(outcome, Succeed)
    assert len(outcome.summary) <= MAX_SUMMARY


@pytest.mark.parametrize(
    ("error", "failure_type"),
    [
        (ConfigurationError("Invalid UserParameters key 'regions'"), "ConfigurationError"),
        (SubscriptionRequired("needs a Business support plan"), "ConfigurationError"),
        (PermissionDenied("may not call health:DescribeEvents"), "PermissionError"),
        (HealthUnavailable("did not answer"), "SystemUnavailable"),
        (JobFailed("rejected"), "JobFailed"),
        (GateError("anything else"), "JobFailed"),
    ],
)
def test_errors_fail_with_their_own_failure_type(error: GateError, failure_type: str) -> None:
    outcome = report_for_error(error)
    assert outcome == Fail(failure_type, str(error))


def test_error_message_is_clipped_to_5000_characters() -> None:
    outcome = report_for_error(ConfigurationError("x" * 6000))
    assert len(outcome.message) == MAX_FAILURE_MESSAGE
    assert outcome.message.endswith("…")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("short", 10, "short"), ("exactly10!", 10, "exactly10!"), ("eleven char", 10, "eleven ch…")],
)
def test_clip_marks_only_real_cuts(text: str, limit: int, expected: str) -> None:
    assert clip(text, limit) == expected
