"""Reading the CodePipeline job event without Powertools' data classes (cold start, issue 5)."""

from __future__ import annotations

from typing import Any

import pytest

from health_gate.errors import ConfigurationError
from health_gate.pipeline.job import PipelineJob
from tests.fakes.events import job_event, load_event


def test_reads_the_id_user_parameters_and_no_token_from_the_sample_event() -> None:
    job = PipelineJob.from_event(load_event("codepipeline/job-json-params.json"))
    assert job.id == "5f1c9a8e-2b7d-4c3a-9e6f-0d4b8a2c7e11"
    assert job.user_parameters is not None and '"regions"' in job.user_parameters
    assert job.continuation_token is None


def test_reads_the_continuation_token_of_a_re_invocation() -> None:
    event = job_event(None)
    event["CodePipeline.job"]["data"]["continuationToken"] = "token-1"
    job = PipelineJob.from_event(event)
    assert job.continuation_token == "token-1"
    assert job.user_parameters is None


@pytest.mark.parametrize(
    "event",
    [{}, {"CodePipeline.job": []}, {"CodePipeline.job": {}}, {"CodePipeline.job": {"id": 7}}],
)
def test_an_event_without_a_job_id_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises((KeyError, TypeError)):
        PipelineJob.from_event(event)


def test_a_job_without_data_has_an_id_but_no_configuration_to_judge() -> None:
    job = PipelineJob.from_event({"CodePipeline.job": {"id": "job-1"}})
    assert job.id == "job-1"
    with pytest.raises(ConfigurationError, match="data.actionConfiguration.configuration"):
        _ = job.user_parameters
