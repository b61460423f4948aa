"""The drill's checklist: steps ticked in order by read-back proofs; a late step is named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from health_gate.pipeline.drill_checklist import (
    CHECKS,
    Observation,
    RecordView,
    RunView,
    StepName,
    start,
)

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
UNTIL = T0 + timedelta(minutes=10)
EXECUTION = "1d247af2-7eb3-4569-aeda-41416e2a81c5"
BLOCKED = RunView("run-1", "Failed", T0, "Blocked by AWS Health: … DRILL until 09:10 UTC")


def at(minutes: float, **fields: object) -> Observation:
    return Observation(T0 + timedelta(minutes=minutes), **fields)  # type: ignore[arg-type]


def record(*notices: str, execution: str = EXECUTION) -> RecordView:
    return RecordView(execution, "open", notices)


def test_the_whole_loop_ticks_every_step_in_order() -> None:
    checklist = start(T0, EXECUTION, UNTIL)
    checklist = checklist.advance(at(1, gate_runs=(BLOCKED,)))
    checklist = checklist.advance(at(2, gate_runs=(BLOCKED,), record=record("HealthGateBlocked")))
    retried = RunView("run-2", "InProgress", T0 + timedelta(minutes=12))
    checklist = checklist.advance(
        at(12, gate_runs=(retried, BLOCKED), record=record("HealthGateBlocked"))
    )
    passed = RunView("run-2", "Succeeded", retried.started)
    checklist = checklist.advance(
        at(13, gate_runs=(passed, BLOCKED), record=record("HealthGateBlocked", "HealthGateResumed"))
    )
    assert checklist.done
    assert [checklist.ticks[s].at - T0 for s in StepName][:4] == [
        timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=2), timedelta(minutes=12)
    ]  # fmt: skip
    assert "DRILL block" in checklist.ticks[StepName.GATE_BLOCKED].proof


def test_a_step_counts_only_after_the_one_before() -> None:
    # Given a record already there (another execution's), but the gate not blocked yet
    checklist = start(T0, EXECUTION, UNTIL).advance(
        at(1, record=record("HealthGateBlocked", execution="other"))
    )
    assert checklist.ticks == {} and checklist.pending is StepName.GATE_BLOCKED


def test_a_gate_failure_that_is_no_drill_block_proves_nothing() -> None:
    other = RunView("run-1", "Failed", T0, "Invalid UserParameters key 'regions': …")
    assert start(T0, EXECUTION, UNTIL).advance(at(1, gate_runs=(other,))).ticks == {}


def test_a_missing_record_is_the_broken_link_named_with_what_to_check() -> None:
    checklist = start(T0, EXECUTION, UNTIL).advance(at(1, gate_runs=(BLOCKED,)))
    assert checklist.overdue(T0 + timedelta(minutes=5)) is None
    late = checklist.overdue(T0 + timedelta(minutes=6, seconds=1))
    assert late is StepName.RECORD_STORED
    assert any("FailedInvocations" in hint for hint in CHECKS[late])
    assert any("RetryablePipelines" in hint for hint in CHECKS[late])


def test_the_drill_end_is_never_late_and_the_retry_is_due_after_it() -> None:
    checklist = start(T0, EXECUTION, UNTIL)
    for seen in (
        at(1, gate_runs=(BLOCKED,)),
        at(2, gate_runs=(BLOCKED,), record=record("HealthGateBlocked")),
    ):
        checklist = checklist.advance(seen)
    assert checklist.pending is StepName.DRILL_ENDED
    assert checklist.overdue(T0 + timedelta(hours=1)) is None
    checklist = checklist.advance(at(10, gate_runs=(BLOCKED,), record=record("HealthGateBlocked")))
    assert checklist.pending is StepName.STAGE_RETRIED
    assert checklist.due(StepName.STAGE_RETRIED) == UNTIL + timedelta(minutes=15)
