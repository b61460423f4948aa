"""The interfaces the core needs from the outside world; adapters and test fakes implement them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # annotations only: the gate imports this module without the retrier's types
    from datetime import datetime

    from health_gate.core.action_attempts import ActionAttempt
    from health_gate.core.blocked import BlockedExecution, Claim
    from health_gate.core.notification import Notification
    from health_gate.core.stage_retry import Registration, RetryResult

__all__ = ["BlockRegistry", "Notifier", "PipelineControl"]


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
