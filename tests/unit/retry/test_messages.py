"""What reaches GateEventsTopic, read into trigger values: both shapes, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from health_gate.retry.messages import (
    HealthNews,
    Ignored,
    ScheduledSweep,
    StageFailed,
    Unrecognised,
    parse_event,
    parse_message,
)

EVENTS = Path(__file__).resolve().parents[3] / "events" / "retrier"
EXECUTION = "1d247af2-7eb3-4569-aeda-41416e2a81c5"


def sns_message(name: str) -> str:
    envelope = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    message: str = envelope["Records"][0]["Sns"]["Message"]
    return message


def stage_event(**detail: Any) -> dict[str, Any]:
    base = {"pipeline": "web-app", "execution-id": EXECUTION, "stage": "Deploy", "state": "FAILED"}
    return {
        "detail-type": "CodePipeline Stage Execution State Change",
        "source": "aws.codepipeline",
        "detail": {**base, **detail},
    }


def test_forwarded_eventbridge_stage_failure_is_read() -> None:
    # Given the sample SNS message carrying an EventBridge stage-failed event
    text = sns_message("sns-stage-failed-eventbridge.json")
    # When it is parsed
    message = parse_message(text)
    # Then it names the pipeline, stage and execution, in the EventBridge shape
    assert isinstance(message, StageFailed)
    assert (message.pipeline, message.stage, message.execution_id) == (
        "web-app",
        "Deploy",
        EXECUTION,
    )
    assert message.shape == "eventbridge"
    assert message.time is not None


def test_codestar_notification_is_read() -> None:
    # Given the sample SNS message carrying a CodeStar notification (detailType)
    message = parse_message(sns_message("sns-stage-failed-codestar.json"))
    # Then it is the same failure, in the CodeStar shape
    assert isinstance(message, StageFailed)
    assert (message.pipeline, message.stage, message.execution_id) == (
        "web-app",
        "Deploy",
        EXECUTION,
    )
    assert message.shape == "codestar"


def test_closed_health_event_is_news_not_a_verdict() -> None:
    # Given the sample Health message with statusCode closed
    message = parse_message(sns_message("sns-health-closed.json"))
    # Then it is only news: which event, its status, and the affected region (eventRegion)
    assert isinstance(message, HealthNews)
    assert message.status == "closed"
    assert message.region == "us-east-1"
    assert message.service == "EC2"
    assert message.event_arn.startswith("arn:aws:health:us-east-1::event/EC2/")


def test_scheduled_event_asks_for_a_sweep() -> None:
    # Given the scheduled event the rule delivers directly to the function
    body = json.loads((EVENTS / "scheduled-sweep.json").read_text(encoding="utf-8"))
    # Then it asks for a sweep
    assert parse_event(body) == ScheduledSweep()


def test_action_level_failure_counts_as_a_stage_failure() -> None:
    # Given an action-level FAILED event
    body = stage_event(action="HealthGate")
    body["detail-type"] = "CodePipeline Action Execution State Change"
    # Then it names the stage too
    message = parse_event(body)
    assert isinstance(message, StageFailed)
    assert message.stage == "Deploy"


def test_pipeline_level_failure_leaves_the_stage_open() -> None:
    # Given a pipeline-level FAILED notification (no stage in it)
    body = stage_event()
    body["detail-type"] = "CodePipeline Pipeline Execution State Change"
    del body["detail"]["stage"]
    # Then the stage is found later, from the execution's action runs
    message = parse_event(body)
    assert isinstance(message, StageFailed)
    assert message.stage is None


def test_other_states_are_ignored() -> None:
    # Given a stage that succeeded
    message = parse_event(stage_event(state="SUCCEEDED"))
    # Then there is nothing to do
    assert isinstance(message, Ignored)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"source": "aws.codepipeline"}', "neither detail-type nor detailType"),
        ('{"detail-type": "X", "source": "custom.app", "detail": {}}', "unexpected source"),
        ('{"detail-type": "AWS Health Event", "source": "aws.health"}', "detail is missing"),
        ('{"detail-type": "AWS Health Event", "source": "aws.health", "detail": {}}', "eventArn"),
    ],
)
def test_malformed_messages_are_unrecognised(text: str, reason: str) -> None:
    # When something else reaches the topic, Then it is unrecognised, with a reason to log
    message = parse_message(text)
    assert isinstance(message, Unrecognised)
    assert reason in message.reason


@pytest.mark.parametrize(
    "detail",
    [
        {"execution-id": "not-a-uuid"},
        {"pipeline": "web app; rm -rf"},
        {"stage": ""},
        {"pipeline": None},
    ],
)
def test_values_that_could_not_come_from_codepipeline_are_refused(detail: dict[str, Any]) -> None:
    # Given a stage-failed event whose names do not match CodePipeline's patterns
    message = parse_event(stage_event(**detail))
    # Then it is dropped before any API call is made with them
    assert isinstance(message, Unrecognised)


# --- hostile and broken input is dropped, never raised (issue 11) -----------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('{"a":' * 40_000 + "1" + "}" * 40_000, "nests too deeply"),
        ("x" * 300_000, "longer than"),
    ],
    ids=["brackets", "objects", "huge"],
)
def test_a_hostile_message_is_unrecognised_not_raised(text: str, reason: str) -> None:
    message = parse_message(text)
    assert isinstance(message, Unrecognised) and reason in message.reason


def test_a_time_beyond_any_calendar_is_dropped_not_raised() -> None:
    event = stage_event()
    event["time"] = 1e400
    failure = parse_event(event)
    assert isinstance(failure, StageFailed) and failure.time is None
    event["time"] = "9" * 30
    assert isinstance(parse_event(event), StageFailed)


@pytest.mark.parametrize(
    "field",
    [
        {"pipeline": "web-app\n"},
        {"stage": "Deploy\n"},
        {"execution-id": EXECUTION + "\n"},
        {"pipeline": "web\u200bapp"},
        {"pipeline": "w" * 101},
    ],
)
def test_a_name_with_a_trailing_newline_or_odd_characters_is_unrecognised(
    field: dict[str, str],
) -> None:
    assert isinstance(parse_event(stage_event(**field)), Unrecognised)
