"""What the retrier needs from the outside world (adapters and test fakes implement the
Protocols), and `Retrier`, the ports and facts both of its jobs work with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from health_gate.errors import NotificationFailed
from health_gate.retry.action_attempts import GateFunction
from health_gate.retry.steps import Step, StepKind, step_for

if TYPE_CHECKING:
    from datetime import datetime

    from health_gate.retry.action_attempts import ActionAttempt
    from health_gate.retry.blocked import BlockedExecution, Claim
    from health_gate.retry.notices import Notification
    from health_gate.retry.outcomes import Registration, RetryResult

__all__ = ["BlockRegistry", "Notifier", "PipelineControl", "Retrier", "notify"]


class BlockRegistry(Protocol):
    """Blocked executions awaiting a retry, written only with conditional writes."""

    def register(self, record: BlockedExecution) -> Registration:
        """Keep the record unless the stage already has this run or a newer execution."""
        ...

    def blocked(self, now: datetime) -> Sequence[BlockedExecution]:
        """Every unexpired record (strongly consistent)."""
        ...

    def claim(self, record: BlockedExecution, now: datetime) -> Claim | None:
        """Lease the record for one retry; None when it changed or another holder has it."""
        ...

    def release(self, claim: Claim) -> None:
        """Give the lease back, keeping the record for the next sweep."""
        ...

    def remove(self, claim: Claim) -> bool:
        """Delete the record if the claim still holds it; False when it was replaced."""
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
    """What both jobs need: the ports, and facts for the notifications."""

    gate: GateFunction
    pipelines: PipelineControl
    registry: BlockRegistry
    notifier: Notifier
    region: str
    sweep_minutes: int


def notify(retrier: Retrier, notice: Notification, record: BlockedExecution) -> list[Step]:
    """Tell the team; a failed notification is a step, never an error of the retrier's work."""
    try:
        retrier.notifier.notify(notice)
    except NotificationFailed as err:
        return [step_for(StepKind.NOTIFY_FAILED, record, f"{notice.event_type}: {err}")]
    return [step_for(StepKind.NOTIFIED, record, notice.event_type)]
