"""The three fields of a CodePipeline job event the gate reads.

Powertools' `CodePipelineJobEvent` reads them as well, but importing it runs the package
`__init__` of `utilities.data_classes`, which imports every one of its ~30 event classes:
about 20 ms, an eighth of `import boto3`, added to every cold start (see bench/, issue 5).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from health_gate.errors import ConfigurationError

__all__ = ["PipelineJob"]


@dataclass(frozen=True)
class PipelineJob:
    """`CodePipeline.job`: its ID, and its `data` read on demand, as Powertools reads it."""

    id: str
    data: Mapping[str, Any]

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> PipelineJob:
        """Raises KeyError or TypeError only when there is no job ID to report to."""
        job = event["CodePipeline.job"]
        if not isinstance(job, Mapping) or not isinstance(job["id"], str):
            raise TypeError("CodePipeline.job is not an object with a string id")
        data = job.get("data")
        return cls(job["id"], data if isinstance(data, Mapping) else {})

    @property
    def user_parameters(self) -> str | None:
        """The action's UserParameters. A job without an action configuration is failed as a
        configuration error rather than judged with defaults."""
        action = self.data.get("actionConfiguration")
        configuration = action.get("configuration") if isinstance(action, Mapping) else None
        if not isinstance(configuration, Mapping):
            raise ConfigurationError(
                "The CodePipeline job event has no data.actionConfiguration.configuration, so "
                "the gate cannot read its UserParameters. Invoke it from a CodePipeline Lambda "
                "action (see events/codepipeline/ for the shape)."
            )
        value = configuration.get("UserParameters")
        return value if value is None else str(value)

    @property
    def continuation_token(self) -> str | None:
        """Set when CodePipeline re-invokes the function for a job still in progress."""
        token = self.data.get("continuationToken")
        return token if token is None else str(token)
