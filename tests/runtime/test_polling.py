"""The wait loop on a fake clock: when it checks again, and how it ends."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

import pytest

from health_gate.config.settings import GateSettings, Mode
from health_gate.errors import HealthUnavailable
from health_gate.pipeline.report import Continue, Fail, Succeed
from health_gate.pipeline.wait_token import WaitState, decode_token
from health_gate.runtime.clock import SystemClock
from health_gate.runtime.deadline import REPORT_RESERVE_SECONDS
from health_gate.runtime.polling import MIN_CHECK_SECONDS, poll
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent
from tests.fakes.clock import START, FakeClock

SETTINGS = GateSettings(
    regions=("us-east-1",), mode=Mode.WAIT, max_wait_minutes=10, poll_interval_seconds=30
)
EVENT = HealthEvent(
    arn="arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1",
    service="EC2",
    event_type_code="AWS_EC2_OPERATIONAL_ISSUE",
    category="issue",
    region="us-east-1",
    status="open",
)


class Checker:
    """Blocked until the clock reaches `clears_at`; each check takes `takes` seconds."""

    def __init__(self, clock: FakeClock, clears_at: float = math.inf, takes: float = 0.0):
        self.clock, self.clears_at, self.takes = clock, clears_at, takes
        self.checks: list[float] = []  # clock offsets at which checks started

    def __call__(self, now: datetime) -> Decision:
        self.checks.append(self.clock.offset)
        self.clock.advance(self.takes)
        if self.clock.offset >= self.clears_at:
            return Decision(Verdict.HEALTHY, (), SETTINGS.regions, now)
        return Decision(Verdict.BLOCKED, (EVENT,), SETTINGS.regions, now)


def lambda_time(clock: FakeClock, timeout: float) -> Callable[[], float]:
    return lambda: timeout - clock.offset


def test_it_checks_every_interval_until_the_events_clear() -> None:
    # Given events that clear after 100 s, and plenty of invocation time
    clock = FakeClock()
    check = Checker(clock, clears_at=100)
    # When the loop runs
    result = poll(check, None, SETTINGS, clock, lambda_time(clock, 300))
    # Then it checked at 0, 30, 60, 90, 120 s and succeeded with the time waited
    assert check.checks == [0, 30, 60, 90, 120]
    assert clock.sleeps == [30, 30, 30, 30]
    assert isinstance(result.outcome, Succeed)
    assert result.outcome.output_variables["waitedSeconds"] == "120"
    assert result.decisions == 5


def test_healthy_at_once_means_one_check_and_no_sleep() -> None:
    clock = FakeClock()
    result = poll(Checker(clock, clears_at=0), None, SETTINGS, clock, lambda_time(clock, 300))
    assert isinstance(result.outcome, Succeed)
    assert clock.sleeps == []


def test_it_hands_over_to_a_continuation_before_the_invocation_runs_out() -> None:
    # Given events that stay open and a 300 s Lambda timeout
    clock = FakeClock()
    check = Checker(clock)
    # When the loop runs
    result = poll(check, None, SETTINGS, clock, lambda_time(clock, 300))
    # Then every check started with enough time for itself and the report
    reserve = REPORT_RESERVE_SECONDS + MIN_CHECK_SECONDS
    assert all(300 - at >= reserve for at in check.checks)
    assert check.checks[-1] == 270
    # And it ends with a continuation carrying the first-blocked time
    assert isinstance(result.outcome, Continue)
    state = decode_token(result.outcome.continuation_token)
    assert (state.first_blocked, state.attempt, state.total) == (START, 1, 1)


def test_slow_checks_shorten_the_invocation_but_never_the_reserve() -> None:
    clock = FakeClock()
    check = Checker(clock, takes=12)
    result = poll(check, None, SETTINGS, clock, lambda_time(clock, 300))
    assert isinstance(result.outcome, Continue)
    starts = check.checks
    assert all(300 - at >= REPORT_RESERVE_SECONDS + MIN_CHECK_SECONDS for at in starts)
    assert 300 - clock.offset >= REPORT_RESERVE_SECONDS


def test_the_last_check_lands_on_max_wait_and_fails() -> None:
    # Given a wait resumed 9 min 50 s after the first block
    clock = FakeClock(offset=590)
    waiting = WaitState(START, 3, (EVENT.arn,), 1)
    # When the events stay open
    result = poll(Checker(clock), waiting, SETTINGS, clock, lambda_time(clock, 900))
    # Then it sleeps only the 10 s left and fails at exactly 10 min
    assert clock.sleeps == [10]
    assert isinstance(result.outcome, Fail)
    assert "waited 10 min" in result.outcome.message


def test_without_a_deadline_it_waits_the_whole_max_wait() -> None:
    # Given the CLI: no invocation deadline
    clock = FakeClock()
    result = poll(Checker(clock), None, SETTINGS, clock)
    # Then it checks every 30 s for 10 minutes, then fails
    assert isinstance(result.outcome, Fail)
    assert clock.offset == 600
    assert len(clock.sleeps) == 20


def test_a_failed_check_ends_the_loop_with_its_error() -> None:
    clock = FakeClock()

    def check(now: datetime) -> Decision:
        raise HealthUnavailable("AWS Health in us-east-1 did not answer")

    with pytest.raises(HealthUnavailable):
        poll(check, None, SETTINGS, clock, lambda_time(clock, 300))


def test_every_check_is_reported_to_the_observer() -> None:
    clock = FakeClock()
    seen: list[str] = []
    poll(
        Checker(clock, clears_at=60),
        None,
        SETTINGS,
        clock,
        lambda_time(clock, 300),
        on_decision=lambda decision, step: seen.append(type(step).__name__),
    )
    assert seen == ["WaitState", "WaitState", "Succeed"]


def test_the_system_clock_is_aware_utc() -> None:
    clock = SystemClock()
    assert clock.now().utcoffset() is not None
    clock.sleep(0)
