"""A blocked pipeline execution worth retrying later, and the proof that the gate blocked it.

A stage-failed message only says that a stage failed. The record is made from what
ListActionExecutions shows for that execution, never from the message: the latest run of
every gate action in the stage must have failed as blocked, and no other action may have
failed (retrying FAILED_ACTIONS would re-run it too).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from health_gate.pipeline.block_message import IncidentRef, parse_incidents
from health_gate.retry.action_attempts import (
    FAILED,
    ActionAttempt,
    GateFunction,
    is_blocked_failure,
)

__all__ = [
    "BlockedExecution",
    "Claim",
    "NotBlocked",
    "find_blocked",
    "latest_attempts",
    "record_key",
]


def record_key(pipeline: str, stage: str) -> str:
    """The one record of a pipeline's stage. Pipeline and stage names cannot contain "/", so
    this is unambiguous."""
    return f"{pipeline}/{stage}"


@dataclass(frozen=True)
class BlockedExecution:
    """One blocked stage of one pipeline execution; at most one is kept per pipeline stage."""

    pipeline: str
    stage: str
    execution_id: str
    attempt_ids: tuple[str, ...]  # the gate runs that failed; a retry makes new ones
    started: datetime  # when the newest of those runs started: orders executions
    blocked_at: datetime  # when the retrier recorded it
    user_parameters: tuple[str, ...] = ("",)  # one per gate action in the stage
    incidents: tuple[IncidentRef, ...] = ()
    lifetime_ends: datetime | None = None  # the record's logical end (before DynamoDB's TTL)
    auto_retry: bool = True  # False: a gate action said "autoRetry": false; Slack is told only
    retry_requested_at: datetime | None = None  # set just before RetryStageExecution is called

    @property
    def key(self) -> str:
        return record_key(self.pipeline, self.stage)

    @property
    def attempt_key(self) -> str:
        return ",".join(sorted(self.attempt_ids))


@dataclass(frozen=True)
class Claim:
    """The right, for a short lease, to retry one record; held by one invocation only."""

    record: BlockedExecution
    token: str
    until: datetime


@dataclass(frozen=True)
class NotBlocked:
    """Why a stage failure is not one to retry: `code` is fixed, `detail` is for the log."""

    code: str
    detail: str = field(default="")


def latest_attempts(attempts: Iterable[ActionAttempt]) -> list[ActionAttempt]:
    """The newest run of each (stage, action); on equal or missing times the first listed
    wins, as ListActionExecutions lists newest first."""
    newest: dict[tuple[str, str], ActionAttempt] = {}
    for attempt in attempts:
        key = (attempt.stage, attempt.action)
        known = newest.get(key)
        if known is None or _later(attempt, known):
            newest[key] = attempt
    return list(newest.values())


def _later(candidate: ActionAttempt, known: ActionAttempt) -> bool:
    if candidate.started is None or known.started is None:
        return False
    return candidate.started > known.started


def _blocked_in_stage(
    stage: str, latest: Sequence[ActionAttempt], gate: GateFunction
) -> NotBlocked | list[ActionAttempt]:
    in_stage = [a for a in latest if a.stage == stage]
    gate_runs = [a for a in in_stage if gate.invoked_by(a)]
    if not gate_runs:
        return NotBlocked("no-gate-action", f"stage {stage} has no run of the gate")
    blocked = [a for a in gate_runs if is_blocked_failure(a, gate)]
    if len(blocked) != len(gate_runs):
        states = ", ".join(sorted({f"{a.action}={a.status}" for a in gate_runs}))
        return NotBlocked("gate-not-blocked", f"latest gate runs in {stage}: {states}")
    others = [a for a in in_stage if a.status == FAILED and a not in blocked]
    if others:
        names = ", ".join(sorted(a.action for a in others))
        return NotBlocked("other-failure", f"{stage} also failed in {names}")
    return blocked


def find_blocked(
    attempts: Iterable[ActionAttempt],
    pipeline: str,
    execution_id: str,
    stage: str | None,
    gate: GateFunction,
    now: datetime,
) -> BlockedExecution | NotBlocked:
    """The record to keep for this failure, judged by the latest run of each action."""
    latest = latest_attempts(a for a in attempts if a.execution_id == execution_id)
    stages = [stage] if stage else sorted({a.stage for a in latest if gate.invoked_by(a)})
    reason = NotBlocked("no-gate-action", f"execution {execution_id} has no run of the gate")
    for name in stages:
        verdict = _blocked_in_stage(name, latest, gate)
        if isinstance(verdict, NotBlocked):
            reason = verdict
            continue
        return _record(pipeline, name, execution_id, verdict, now)
    return reason


def _record(
    pipeline: str, stage: str, execution_id: str, runs: list[ActionAttempt], now: datetime
) -> BlockedExecution:
    runs = sorted(runs, key=lambda a: a.action)
    starts = [a.started for a in runs if a.started is not None]
    return BlockedExecution(
        pipeline=pipeline,
        stage=stage,
        execution_id=execution_id,
        attempt_ids=tuple(a.attempt_id for a in runs),
        started=max(starts) if starts else now,
        blocked_at=now,
        user_parameters=tuple(a.user_parameters or "" for a in runs),
        incidents=parse_incidents(a.message for a in runs),
    )
