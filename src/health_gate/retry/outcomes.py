"""What can come of registering a blocked execution and of retrying its stage.

The adapters turn CodePipeline and DynamoDB answers into these values, so the retrier's rules
(delete a stale record, keep a busy one) are written once, in the core.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Registration", "RetryKind", "RetryResult"]


class Registration(enum.Enum):
    """How a conditional write of a blocked execution ended."""

    NEW = "new"  # nothing was recorded for the stage
    REPLACED = "replaced"  # an older execution (or an older run of this one) was recorded
    DUPLICATE = "duplicate"  # exactly this blocked run is already recorded
    OUTDATED = "outdated"  # a newer execution of the stage is already recorded
    ENDED = "ended"  # exactly this blocked run was handled already (its record is closed)


class RetryKind(enum.Enum):
    """What RetryStageExecution did."""

    RETRIED = "retried"  # the stage runs again: close the record
    STALE = "stale"  # the stage can never be retried from this record: close it
    BUSY = "busy"  # try again on the next sweep: keep the record


@dataclass(frozen=True)
class RetryResult:
    """The outcome of one RetryStageExecution call, with the API's error code if any."""

    kind: RetryKind
    code: str = ""
    message: str = ""
