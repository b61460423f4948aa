"""What the retrier did or decided, one `Step` at a time: returned instead of logged, so the
handler logs and counts them and tests read them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from health_gate.retry.blocked import BlockedExecution

__all__ = ["Step", "StepKind", "step_for"]


class StepKind(enum.StrEnum):
    """The closed vocabulary of the retrier's steps (also the `step` field of its log lines)."""

    NEW = "new"  # a verified block was recorded
    REPLACED = "replaced"  # ... over an older execution of the stage
    DUPLICATE = "duplicate"  # exactly this block was already recorded
    OUTDATED = "outdated"  # a newer execution of the stage is recorded
    ENDED = "ended"  # this very block was handled already: a replayed message
    TOO_OLD = "too-old"  # the gate run started longer ago than the record lifetime
    NOT_BLOCKED = "not-blocked"  # the failure is not a gate block
    PIPELINE_MISSING = "pipeline-missing"
    NOT_PERMITTED = "not-permitted"  # outside RetryablePipelines
    KEPT = "kept"  # still blocked (or unknown): wait for the next sweep
    CLAIMED_ELSEWHERE = "claimed-elsewhere"
    RETRIED = "retried"
    STALE = "stale"  # can never be retried from this record: closed
    EXPIRED = "expired"  # the record lifetime ended without a retry: closed, Slack told
    BUSY = "busy"  # the stage is busy: kept for the next sweep
    RECORD_REPLACED = "record-replaced"
    NOTIFIED = "notified"
    NOTIFY_FAILED = "notify-failed"
    ERROR = "error"


@dataclass(frozen=True)
class Step:
    """One thing the retrier did or decided about one pipeline stage."""

    kind: StepKind
    pipeline: str = ""
    stage: str = ""
    execution_id: str = ""
    reason: str = ""


def step_for(kind: StepKind, record: BlockedExecution, reason: str = "") -> Step:
    return Step(kind, record.pipeline, record.stage, record.execution_id, reason)
