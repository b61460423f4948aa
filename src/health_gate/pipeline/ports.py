"""The port the CodePipeline job protocol needs from the outside world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from health_gate.pipeline.report import JobOutcome

__all__ = ["JobReporter"]


class JobReporter(Protocol):
    """Delivers the one result of a CodePipeline job."""

    def report(self, job_id: str, outcome: JobOutcome) -> None:
        """Send the outcome. Raises ReportFailed when CodePipeline did not take it, and
        AlreadyReported when the job no longer accepts a result."""
        ...
