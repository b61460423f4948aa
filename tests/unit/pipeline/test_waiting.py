"""Wait-mode rules: released, still waiting, waited too long, and the continuation report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from health_gate.config.settings import GateSettings, Mode
from health_gate.errors import ConfigurationError
from health_gate.pipeline.block_message import BLOCKED_MARKER, BLOCKED_PREFIX
from health_gate.pipeline.report import Continue, Fail, Succeed
from health_gate.pipeline.wait_token import WaitState, decode_token, encode_token
from health_gate.pipeline.waiting import (
    WAITED_SECONDS,
    continuation,
    decide_wait,
    resume,
    seconds_left,
)
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent

T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
SETTINGS = GateSettings(
    regions=("us-east-1", "global"), mode=Mode.WAIT, max_wait_minutes=60, poll_interval_seconds=30
)


def event(index: int, region: str = "us-east-1") -> HealthEvent:
    code = "AWS_EC2_OPERATIONAL_ISSUE"
    return HealthEvent(
        arn=f"arn:aws:health:{region}::event/EC2/{code}/{code}_{index}",
        service="EC2",
        event_type_code=code,
        category="issue",
        region=region,
        status="open",
        start_time=T0 - timedelta(hours=1),
    )


def blocked(*events: HealthEvent) -> Decision:
    return Decision(Verdict.BLOCKED, events, SETTINGS.regions, T0, considered=len(events))


HEALTHY = Decision(Verdict.HEALTHY, (), SETTINGS.regions, T0, considered=4)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_healthy_at_the_first_check_succeeds_with_zero_waited() -> None:
    # Given no wait so far and a healthy check
    # When it is judged
    outcome = decide_wait(HEALTHY, None, SETTINGS, T0)
    # Then the stage succeeds as in fail mode, plus waitedSeconds=0
    assert isinstance(outcome, Succeed)
    assert outcome.output_variables == {
        "status": "HEALTHY",
        "blockingEvents": "0",
        "regions": "us-east-1,global",
        WAITED_SECONDS: "0",
    }
    assert "Waited" not in outcome.summary


def test_healthy_after_a_wait_reports_how_long_it_waited() -> None:
    waiting = WaitState(T0, 2, (event(1).arn,), 1)
    outcome = decide_wait(HEALTHY, waiting, SETTINGS, minutes(12.5))
    assert isinstance(outcome, Succeed)
    assert outcome.output_variables[WAITED_SECONDS] == "750"
    assert outcome.summary.startswith("Healthy")
    assert outcome.summary.endswith("Waited 12 min for AWS Health.")


def test_unknown_after_a_wait_passes_with_the_warning_and_waited_seconds() -> None:
    # Given onHealthApiError "pass" turned an unreachable Health API into UNKNOWN
    unknown = Decision(Verdict.UNKNOWN, (), SETTINGS.regions, T0, warning="timed out")
    outcome = decide_wait(unknown, WaitState(T0, 1, (), 1), SETTINGS, minutes(5))
    assert isinstance(outcome, Succeed)
    assert outcome.output_variables["status"] == "UNKNOWN"
    assert outcome.output_variables[WAITED_SECONDS] == "300"
    assert outcome.summary.startswith("WARNING")


def test_the_first_block_starts_the_wait_now() -> None:
    step = decide_wait(blocked(event(1), event(2)), None, SETTINGS, T0)
    assert step == WaitState(T0, 0, (event(1).arn, event(2).arn), 2)


def test_a_later_block_keeps_the_first_blocked_time_and_attempt() -> None:
    waiting = WaitState(T0, 3, (event(1).arn,), 1)
    step = decide_wait(blocked(event(2)), waiting, SETTINGS, minutes(30))
    assert step == WaitState(T0, 3, (event(2).arn,), 1)


@pytest.mark.parametrize("waited", [60, 61, 600])
def test_blocked_at_or_past_max_wait_fails_like_fail_mode(waited: int) -> None:
    # Given a wait that began `waited` minutes ago and events still open
    waiting = WaitState(T0, 11, (event(1).arn,), 1)
    # When the check is judged
    outcome = decide_wait(blocked(event(1), event(2)), waiting, SETTINGS, minutes(waited))
    # Then the stage fails as a blocked stage, saying how long it waited
    assert isinstance(outcome, Fail)
    assert outcome.failure_type == "JobFailed"
    assert outcome.external_execution_id == BLOCKED_MARKER
    assert outcome.message.startswith(
        f"{BLOCKED_PREFIX}: 2 open events in us-east-1, global; waited {waited} min "
        "(maxWaitMinutes is 60) and they are still open."
    )
    assert event(1).arn in outcome.message and event(2).arn in outcome.message


def test_one_second_before_max_wait_it_still_waits() -> None:
    waiting = WaitState(T0, 1, (), 1)
    step = decide_wait(blocked(event(1)), waiting, SETTINGS, T0 + timedelta(seconds=3599))
    assert isinstance(step, WaitState)
    assert seconds_left(step, SETTINGS, T0 + timedelta(seconds=3599)) == 1


def test_the_continuation_summarises_the_wait_and_carries_the_next_attempt() -> None:
    # Given a wait that began 12 minutes ago, blocked by two events in us-east-1
    state = WaitState(T0, 1, (event(1).arn, event(2).arn), 2)
    # When the invocation has to end
    outcome = continuation(state, blocked(event(1), event(2)), SETTINGS, minutes(12))
    # Then CodePipeline is told to come back with a token, and how far the wait is
    assert isinstance(outcome, Continue)
    assert outcome.summary.startswith(
        "Waiting for 2 AWS Health events in us-east-1 (12 min of 60)."
    )
    assert outcome.percent_complete == 20
    assert decode_token(outcome.continuation_token) == WaitState(T0, 2, state.arns, 2)


def test_the_continuation_names_only_the_regions_with_blocking_events() -> None:
    state = WaitState(T0, 0, (), 2)
    outcome = continuation(state, blocked(event(1, "global"), event(2)), SETTINGS, minutes(1))
    assert outcome.summary.startswith("Waiting for 2 AWS Health events in us-east-1, global")


def test_one_event_is_singular() -> None:
    outcome = continuation(WaitState(T0, 0, (), 1), blocked(event(1)), SETTINGS, T0)
    assert outcome.summary.startswith("Waiting for 1 AWS Health event in us-east-1 (0 min of 60)")
    assert outcome.percent_complete == 0


def test_percent_complete_never_claims_done_while_waiting() -> None:
    state = WaitState(T0, 0, (), 1)
    late = T0 + timedelta(seconds=3599)
    assert continuation(state, blocked(event(1)), SETTINGS, late).percent_complete == 99


def test_no_token_means_a_fresh_wait() -> None:
    assert resume(None, T0) is None


def test_a_token_resumes_its_wait() -> None:
    state = WaitState(T0, 4, (event(1).arn,), 1)
    assert resume(encode_token(state), minutes(20)) == state


def test_a_first_blocked_time_a_little_ahead_is_tolerated_as_clock_skew() -> None:
    state = WaitState(minutes(4), 1, (), 1)
    assert resume(encode_token(state), T0) == state


def test_a_first_blocked_time_in_the_future_is_refused() -> None:
    # Given a token whose first-blocked time lies an hour ahead (it would stretch the wait)
    token = encode_token(WaitState(minutes(60), 1, (), 1))
    # Then it is a configuration error, not a longer wait
    with pytest.raises(ConfigurationError, match="lies in the future"):
        resume(token, T0)


def test_a_bad_token_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="Invalid continuation token"):
        resume("{not json", T0)


def test_a_wait_under_a_minute_is_told_in_seconds() -> None:
    outcome = decide_wait(HEALTHY, WaitState(T0, 0, (), 1), SETTINGS, T0 + timedelta(seconds=45))
    assert isinstance(outcome, Succeed)
    assert outcome.summary.endswith("Waited 45 s for AWS Health.")
