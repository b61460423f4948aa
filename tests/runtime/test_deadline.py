"""Deadline: a query runs only while time is left, on an injected clock."""

from __future__ import annotations

import pytest

from health_gate.errors import HealthUnavailable
from health_gate.runtime.deadline import Deadline
from tests.fakes.clock import FakeClock


def test_work_that_answers_in_time_is_returned() -> None:
    assert Deadline(5.0, FakeClock()).run(lambda: "answer", "AWS Health") == "answer"


def test_errors_of_the_work_reach_the_caller() -> None:
    def fails() -> str:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        Deadline(5.0, FakeClock()).run(fails, "AWS Health")


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_a_deadline_already_passed_never_starts_the_work(seconds: float) -> None:
    calls: list[str] = []
    with pytest.raises(HealthUnavailable, match="AWS Health did not answer within"):
        Deadline(seconds, FakeClock()).run(lambda: calls.append("sent"), "AWS Health")
    assert calls == []


def test_a_second_query_after_the_deadline_is_not_sent() -> None:
    clock = FakeClock()
    deadline = Deadline(5.0, clock)
    calls: list[int] = []
    assert deadline.run(lambda: calls.append(1), "AWS Health") is None
    clock.advance(5.0)
    with pytest.raises(HealthUnavailable):
        deadline.run(lambda: calls.append(2), "AWS Health")
    assert calls == [1]
