"""CodePipelineEditor under botocore's Stubber: the drill's edits never overwrite someone
else's change, whichever way UpdatePipeline treats a stale `version`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from health_gate.adapters.pipeline_editor import CodePipelineEditor, PipelineChanged
from health_gate.errors import JobFailed, PermissionDenied
from tests.fakes.pipeline_declarations import demo_declaration
from tests.fakes.stubbed import codepipeline_client

DECLARED: dict[str, Any] = {**demo_declaration(), "version": 3}


@pytest.fixture
def stubbed() -> Iterator[tuple[CodePipelineEditor, Stubber]]:
    client = codepipeline_client()
    with Stubber(client) as stubber:
        yield CodePipelineEditor(client), stubber
        stubber.assert_no_pending_responses()


def at_version(version: int) -> dict[str, Any]:
    return {"pipeline": {**DECLARED, "version": version}}


def test_an_update_goes_through_when_the_version_is_still_current(
    stubbed: tuple[CodePipelineEditor, Stubber],
) -> None:
    editor, stubber = stubbed
    stubber.add_response("get_pipeline", at_version(3), {"name": "health-gate-demo"})
    stubber.add_response("update_pipeline", at_version(4), {"pipeline": DECLARED})
    assert editor.update(DECLARED)["version"] == 4


def test_a_pipeline_changed_since_it_was_read_is_not_updated(
    stubbed: tuple[CodePipelineEditor, Stubber],
) -> None:
    editor, stubber = stubbed
    stubber.add_response("get_pipeline", at_version(5), {"name": "health-gate-demo"})
    with pytest.raises(PipelineChanged, match="is at version 5, not 3") as raised:
        editor.update(DECLARED)
    assert raised.value.written is False  # and no UpdatePipeline was stubbed: none was sent


def test_an_update_that_was_not_alone_says_so(
    stubbed: tuple[CodePipelineEditor, Stubber],
) -> None:
    editor, stubber = stubbed
    stubber.add_response("get_pipeline", at_version(3), {"name": "health-gate-demo"})
    stubber.add_response("update_pipeline", at_version(5), {"pipeline": DECLARED})
    with pytest.raises(PipelineChanged, match="from version 3 to 5") as raised:
        editor.update(DECLARED)
    assert raised.value.written is True


def test_a_denied_call_names_the_permission(stubbed: tuple[CodePipelineEditor, Stubber]) -> None:
    editor, stubber = stubbed
    stubber.add_client_error("disable_stage_transition", "AccessDeniedException", "no")
    with pytest.raises(PermissionDenied, match="codepipeline:DisableStageTransition"):
        editor.close_transition("health-gate-demo", "Deploy")


def test_stopping_a_finished_run_is_not_an_error(
    stubbed: tuple[CodePipelineEditor, Stubber],
) -> None:
    editor, stubber = stubbed
    stubber.add_client_error("stop_pipeline_execution", "PipelineExecutionNotStoppableException")
    assert editor.stop("health-gate-demo", "1d247af2-7eb3-4569-aeda-41416e2a81c5", "over") is False
    stubber.add_client_error("stop_pipeline_execution", "ConflictException", "busy")
    with pytest.raises(JobFailed, match="StopPipelineExecution failed"):
        editor.stop("health-gate-demo", "1d247af2-7eb3-4569-aeda-41416e2a81c5", "over")
