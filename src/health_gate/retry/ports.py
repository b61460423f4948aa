"""What the retrier needs from the outside world (adapters and test fakes implement the
Protocols), and `Retrier`, the ports and facts both of its jobs work with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from health_gate.config.retrier_settings import DEFAULT_LIFETIME_DAYS
from health_gate.errors import GateError, NotificationFailed
from health_gate.retry.action_attempts import GateFunction
from health_gate.retry.steps import Step, StepKind, step_for

if TYPE_CHECKING:
    from datetime import datetime

    from health_gate.config import GateSettings
    from health_gate.retry.action_attempts import ActionAttempt
    from health_gate.retry.blocked import BlockedExecution, Claim
    from health_gate.retry.notices import Notification
    from health_gate.retry.outcomes import Registration, RetryResult

__all__ = [
    "DEFAULT_LIFETIME",
    "BlockRegistry",
    "Notifier",
    "PipelineControl",
    "Retrier",
    "notify",
]

DEFAULT_LIFETIME = timedelta(days=DEFAULT_LIFETIME_DAYS)


class BlockRegistry(Protocol):
    """Blocked executions awaiting a retry, and the closed ones kept as tombstones until their
    lifetime ends, so that a replayed message cannot bring one back. Conditional writes only."""

    def register(self, record: BlockedExecution) -> Registration:
        """Keep the record unless the stage already has this run (open or closed) or a newer
        execution."""
        ...

    def blocked(self, now: datetime) -> Sequence[BlockedExecution]:
        """Every open record awaiting a retry, past its lifetime or not (strongly consistent)."""
        ...

    def claim(self, record: BlockedExecution, now: datetime) -> Claim | None:
        """Lease an open record for one retry; None when it changed or another holder has it."""
        ...

    def release(self, claim: Claim) -> None:
        """Give the lease back, keeping the record for the next sweep."""
        ...

    def mark_retry(self, claim: Claim, now: datetime) -> bool:
        """Note, before RetryStageExecution, that a retry is being asked for; False when the
        claim no longer holds the record."""
        ...

    def close(self, claim: Claim, outcome: str) -> bool:
        """Turn the record into a tombstone (retried, stale, expired); False when replaced."""
        ...

    def note_notice(self, record: BlockedExecution, event_type: str) -> None:
        """Keep on the record that this notice went out (an SNS publish cannot be read back)."""
        ...

    def claim_sweep(self, now: datetime, spacing: timedelta) -> bool:
        """True for the first caller after `spacing` has passed since the last sweep began."""
        ...


class PipelineControl(Protocol):
    """The two CodePipeline calls the retrier makes."""

    def action_attempts(self, pipeline: str, execution_id: str) -> Sequence[ActionAttempt]:
        """Every action run of the execution, newest first; raises PipelineMissing."""
        ...

    def retry_stage(self, pipeline: str, stage: str, execution_id: str) -> RetryResult:
        """RetryStageExecution with FAILED_ACTIONS; raises GateError only when unexplained."""
        ...


class Notifier(Protocol):
    """Tells the team; raises NotificationFailed."""

    def notify(self, notice: Notification) -> None: ...


@dataclass(frozen=True)
class Retrier:
    """What both jobs need: the ports, the gate's settings loader, and the operator's rules."""

    gate: GateFunction
    pipelines: PipelineControl
    registry: BlockRegistry
    notifier: Notifier
    region: str
    sweep_minutes: int
    load: Callable[[str], GateSettings]  # a gate run's UserParameters, as the gate reads them
    lifetime: timedelta = DEFAULT_LIFETIME
    retryable: tuple[str, ...] = field(default=("*",))  # RetryablePipelines patterns


def notify(retrier: Retrier, notice: Notification, record: BlockedExecution) -> list[Step]:
    """Tell the team, and keep on the record that it was told. A failed notification is a
    step, never an error of the retrier's work."""
    try:
        retrier.notifier.notify(notice)
    except NotificationFailed as err:
        return [step_for(StepKind.NOTIFY_FAILED, record, f"{notice.event_type}: {err}")]
    steps = [step_for(StepKind.NOTIFIED, record, notice.event_type)]
    try:
        retrier.registry.note_notice(record, notice.event_type)
    except GateError as err:  # the notice went out; only its trace on the record is missing
        steps.append(step_for(StepKind.ERROR, record, f"notice not noted: {err}"))
    return steps
