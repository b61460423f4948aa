"""In-memory fakes of the retrier's ports, with the same conditional rules as the adapters."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from health_gate.errors import NotificationFailed, PermissionDenied, PipelineMissing
from health_gate.retry.action_attempts import ActionAttempt
from health_gate.retry.blocked import BlockedExecution, Claim
from health_gate.retry.notices import Notification
from health_gate.retry.outcomes import Registration, RetryKind, RetryResult
from health_gate.retry.ports import BlockRegistry, Notifier, PipelineControl

__all__ = ["MemoryRegistry", "RecordingNotifier", "ScriptedPipelines"]


@dataclass
class _Row:
    record: BlockedExecution
    token: str | None = None
    until: datetime | None = None
    closed: str | None = None  # the outcome, once closed (a tombstone)
    notices: list[str] = field(default_factory=list)


class MemoryRegistry:
    """`BlockRegistry` in a dict; a lock makes each call atomic like one conditional write."""

    def __init__(self, lease: timedelta = timedelta(minutes=2)) -> None:
        self.rows: dict[str, _Row] = {}
        self._lease = lease
        self._lock = threading.Lock()
        self._tokens = 0
        self.last_sweep: datetime | None = None

    def register(self, record: BlockedExecution) -> Registration:
        with self._lock:
            old = self.rows.get(record.key)
            if old is not None and not old.record.started < record.started:
                if old.record.attempt_key != record.attempt_key:
                    return Registration.OUTDATED
                return Registration.ENDED if old.closed else Registration.DUPLICATE
            self.rows[record.key] = _Row(record)
            return Registration.REPLACED if old and not old.closed else Registration.NEW

    def blocked(self, now: datetime) -> list[BlockedExecution]:
        with self._lock:
            return [
                row.record for row in self.rows.values() if not row.closed and row.record.auto_retry
            ]

    def claim(self, record: BlockedExecution, now: datetime) -> Claim | None:
        with self._lock:
            row = self.rows.get(record.key)
            if row is None or row.closed or row.record.attempt_key != record.attempt_key:
                return None
            if row.until is not None and row.until >= now:
                return None
            self._tokens += 1
            row.token, row.until = f"token-{self._tokens}", now + self._lease
            return Claim(record, row.token, row.until)

    def release(self, claim: Claim) -> None:
        with self._lock:
            row = self._held(claim)
            if row is not None:
                row.token = row.until = None

    def mark_retry(self, claim: Claim, now: datetime) -> bool:
        with self._lock:
            row = self._held(claim)
            if row is not None:
                row.record = replace(row.record, retry_requested_at=now)
            return row is not None

    def close(self, claim: Claim, outcome: str) -> bool:
        with self._lock:
            row = self._held(claim)
            if row is not None:
                row.closed, row.token, row.until = outcome, None, None
            return row is not None

    def note_notice(self, record: BlockedExecution, event_type: str) -> None:
        with self._lock:
            row = self.rows.get(record.key)
            if row is not None and row.record.attempt_key == record.attempt_key:
                row.notices.append(event_type)

    def claim_sweep(self, now: datetime, spacing: timedelta) -> bool:
        with self._lock:
            if self.last_sweep is not None and now - self.last_sweep < spacing:
                return False
            self.last_sweep = now
            return True

    def _held(self, claim: Claim) -> _Row | None:
        row = self.rows.get(claim.record.key)
        return row if row is not None and row.token == claim.token else None


@dataclass
class ScriptedPipelines:
    """`PipelineControl` answering from a list of runs; retries answer from a script."""

    runs: list[ActionAttempt] = field(default_factory=list)
    retry_results: list[RetryResult] = field(default_factory=list)
    missing: bool = False
    denied: bool = False
    listed: int = 0
    retried: list[tuple[str, str, str]] = field(default_factory=list)

    def action_attempts(self, pipeline: str, execution_id: str) -> Sequence[ActionAttempt]:
        self.listed += 1
        if self.missing:
            raise PipelineMissing(f"PipelineNotFoundException: {pipeline}")
        if self.denied:
            raise PermissionDenied(f"may not call codepipeline:ListActionExecutions on {pipeline}")
        return [run for run in self.runs if run.execution_id == execution_id]

    def retry_stage(self, pipeline: str, stage: str, execution_id: str) -> RetryResult:
        self.retried.append((pipeline, stage, execution_id))
        if self.retry_results:
            return self.retry_results.pop(0)
        # As CodePipeline does: each failed run in the stage gets a new, in-progress run.
        again = [
            replace(
                run,
                attempt_id=f"{run.attempt_id}-retry",
                status="InProgress",
                started=(run.started or datetime.now(UTC)) + timedelta(minutes=1),
            )
            for run in self.runs
            if run.execution_id == execution_id and run.stage == stage and run.status == "Failed"
        ]
        self.runs = again + self.runs
        return RetryResult(RetryKind.RETRIED)


@dataclass
class RecordingNotifier:
    """`Notifier` keeping what it was asked to send; `fail` makes every send fail."""

    sent: list[Notification] = field(default_factory=list)
    fail: bool = False

    def notify(self, notice: Notification) -> None:
        if self.fail:
            raise NotificationFailed("chat is down")
        self.sent.append(notice)


def _conforms() -> tuple[BlockRegistry, PipelineControl, Notifier]:
    """mypy checks the fakes against the Protocols here."""
    return MemoryRegistry(), ScriptedPipelines(), RecordingNotifier()
