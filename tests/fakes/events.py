"""The recorded sample events under events/, and the report every gate invocation must send."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from tests.fakes.aws_fake import AwsFake, FakeCall

__all__ = ["EVENTS", "job_event", "load_event", "only_report"]

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(relative: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / relative).read_text(encoding="utf-8"))
    return event


def only_report(fake: AwsFake) -> FakeCall:
    """The one PutJob*Result the invocation sent: every invocation must send exactly one."""
    reports = fake.reports()
    assert len(reports) == 1, f"expected exactly one report, got {[r.operation for r in reports]}"
    return reports[0]


def job_event(user_parameters: str | None, job_id: str | None = None) -> dict[str, Any]:
    """The recorded CodePipeline job event with other UserParameters (None drops the key)."""
    event = copy.deepcopy(load_event("codepipeline/job-json-params.json"))
    job = event["CodePipeline.job"]
    configuration = job["data"]["actionConfiguration"]["configuration"]
    if user_parameters is None:
        configuration.pop("UserParameters", None)
    else:
        configuration["UserParameters"] = user_parameters
    if job_id:
        job["id"] = job_id
    return event
