"""The drill's checklist: each link of the loop, ticked when something the drill can read back
proves it, or named as broken when it does not happen in time.

Pure: the drill feeds it what it observed (`Observation`) and the time; it answers what is
done, and which step is overdue with what to check.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

__all__ = [
    "CHECKS",
    "Checklist",
    "Observation",
    "RecordView",
    "RunView",
    "StepName",
    "Tick",
    "start",
]


class StepName(enum.StrEnum):
    GATE_BLOCKED = "gate blocked"
    RECORD_STORED = "record stored"
    NOTICE_PUBLISHED = "notice published"
    DRILL_ENDED = "drill ended"
    STAGE_RETRIED = "stage retried"
    GATE_PASSED = "gate passed"
    RESUMED_NOTICE = "resumed notice published"


ORDER = tuple(StepName)

# How long each step may take, counted from the step before it (the drill's end for "stage
# retried": the retrier sweeps every few minutes).
ALLOWANCE = {
    StepName.GATE_BLOCKED: timedelta(minutes=10),
    StepName.RECORD_STORED: timedelta(minutes=5),
    StepName.NOTICE_PUBLISHED: timedelta(minutes=5),
    StepName.DRILL_ENDED: timedelta(0),
    StepName.STAGE_RETRIED: timedelta(minutes=15),
    StepName.GATE_PASSED: timedelta(minutes=10),
    StepName.RESUMED_NOTICE: timedelta(minutes=5),
}

CHECKS = {
    StepName.GATE_BLOCKED: (
        "the drilled execution in the CodePipeline console: did it reach the gate's stage?",
        "that the gate action invokes this stack's gate function, and the gate's log (its job "
        "ID) for what it decided",
    ),
    StepName.RECORD_STORED: (
        "the EventBridge rule StageFailedRule: its FailedInvocations metric (the KMS key "
        "policy or the GateEventsTopic policy)",
        "that RetryablePipelines matches the pipeline's name",
        "the retrier's log ('stage failure received') and RetrierDeadLetterQueue",
    ),
    StepName.NOTICE_PUBLISHED: (
        "NotificationsTopic and its subscription: the AWS Chatbot configuration, or the Slack "
        "webhook secret",
        "the retrier's NotificationFailures metric and its log ('notification failed')",
    ),
    StepName.DRILL_ENDED: (),
    StepName.STAGE_RETRIED: (
        "the schedule rule SweepScheduleRule: its FailedInvocations metric",
        "the retrier's log: 'blocked execution kept' says why it waits",
        "RetrierErrors and RetrierDeadLetterQueue",
    ),
    StepName.GATE_PASSED: (
        "the retried gate run's message: a real AWS Health incident may block it",
    ),
    StepName.RESUMED_NOTICE: (
        "the retrier's NotificationFailures metric and its log ('notification failed')",
    ),
}


@dataclass(frozen=True)
class RunView:
    """One gate run of the drilled execution, as ListActionExecutions lists it."""

    attempt_id: str
    status: str
    started: datetime | None
    message: str = ""


@dataclass(frozen=True)
class RecordView:
    """The retrier's record of the drilled stage, as DynamoDB holds it."""

    execution_id: str
    state: str
    notices: tuple[str, ...] = ()
    outcome: str | None = None


@dataclass(frozen=True)
class Observation:
    """What the drill read back this round."""

    now: datetime
    gate_runs: Sequence[RunView] = ()  # of the drilled execution, newest first
    record: RecordView | None = None


@dataclass(frozen=True)
class Tick:
    at: datetime
    proof: str


@dataclass(frozen=True)
class Checklist:
    """The steps, ticked in order: a step counts only after the one before it."""

    started: datetime
    execution_id: str
    drill_until: datetime
    ticks: Mapping[StepName, Tick] = field(default_factory=dict)
    blocked_attempt: str | None = None  # the gate run that blocked: a newer one is the retry

    @property
    def pending(self) -> StepName | None:
        return next((step for step in ORDER if step not in self.ticks), None)

    @property
    def done(self) -> bool:
        return self.pending is None

    def advance(self, seen: Observation) -> Checklist:
        """Tick every step that `seen` proves, in order."""
        checklist = self
        while (step := checklist.pending) is not None:
            proof = _PROOFS[step](checklist, seen)
            if proof is None:
                break
            ticks = {**checklist.ticks, step: Tick(seen.now, proof)}
            checklist = replace(checklist, ticks=ticks)
            if step is StepName.GATE_BLOCKED:
                failed = next(r for r in seen.gate_runs if r.status == "Failed")
                checklist = replace(checklist, blocked_attempt=failed.attempt_id)
        return checklist

    def due(self, step: StepName) -> datetime:
        """When `step` should have happened, at the latest."""
        if step is StepName.DRILL_ENDED:
            return self.drill_until
        index = ORDER.index(step)
        before = self.ticks.get(ORDER[index - 1]) if index else None
        since = before.at if before else (self.drill_until if index == 4 else self.started)
        return since + ALLOWANCE[step]

    def overdue(self, now: datetime) -> StepName | None:
        step = self.pending
        if step is None or step is StepName.DRILL_ENDED:
            return None
        if ORDER.index(step) > 0 and ORDER[ORDER.index(step) - 1] not in self.ticks:
            return None
        return step if now > self.due(step) else None


def start(now: datetime, execution_id: str, drill_until: datetime) -> Checklist:
    return Checklist(now, execution_id, drill_until)


def _gate_blocked(checklist: Checklist, seen: Observation) -> str | None:
    run = next((r for r in seen.gate_runs if r.status == "Failed"), None)
    if run is None or "DRILL" not in run.message:
        return None
    return f"ListActionExecutions: gate run {run.attempt_id} Failed, DRILL block"


def _record(checklist: Checklist, seen: Observation) -> RecordView | None:
    record = seen.record
    return record if record and record.execution_id == checklist.execution_id else None


def _record_stored(checklist: Checklist, seen: Observation) -> str | None:
    record = _record(checklist, seen)
    return f"DynamoDB GetItem: record of execution {record.execution_id}" if record else None


def _noticed(event_type: str) -> Callable[[Checklist, Observation], str | None]:
    def prove(checklist: Checklist, seen: Observation) -> str | None:
        record = _record(checklist, seen)
        if record and event_type in record.notices:
            return f"DynamoDB GetItem: notices include {event_type}"
        return None

    return prove


def _drill_ended(checklist: Checklist, seen: Observation) -> str | None:
    return f"clock: {seen.now:%H:%M:%S} UTC" if seen.now >= checklist.drill_until else None


def _retried_run(checklist: Checklist, seen: Observation) -> RunView | None:
    """The newest gate run, if it is not the one that blocked: the retry."""
    newest = seen.gate_runs[0] if seen.gate_runs else None
    blocked = checklist.blocked_attempt
    return newest if newest and blocked and newest.attempt_id != blocked else None


def _stage_retried(checklist: Checklist, seen: Observation) -> str | None:
    run = _retried_run(checklist, seen)
    return f"ListActionExecutions: gate run {run.attempt_id} started" if run else None


def _gate_passed(checklist: Checklist, seen: Observation) -> str | None:
    run = _retried_run(checklist, seen)
    if run and run.status == "Succeeded":
        return f"ListActionExecutions: gate run {run.attempt_id} Succeeded"
    return None


_PROOFS: dict[StepName, Callable[[Checklist, Observation], str | None]] = {
    StepName.GATE_BLOCKED: _gate_blocked,
    StepName.RECORD_STORED: _record_stored,
    StepName.NOTICE_PUBLISHED: _noticed("HealthGateBlocked"),
    StepName.DRILL_ENDED: _drill_ended,
    StepName.STAGE_RETRIED: _stage_retried,
    StepName.GATE_PASSED: _gate_passed,
    StepName.RESUMED_NOTICE: _noticed("HealthGateResumed"),
}
