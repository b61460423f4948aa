"""The retrier reads every event shape AWS documents, from copies of AWS's own examples
(tests/data/aws-events/README.md says which page each comes from)."""

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
    parse_event,
    parse_message,
)

DOCUMENTED = Path(__file__).resolve().parents[2] / "data" / "aws-events"


def documented(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((DOCUMENTED / name).read_text(encoding="utf-8"))
    return event


@pytest.mark.parametrize(
    ("name", "region", "status", "backup"),
    [
        ("health-public-ec2.json", "af-south-1", "open", False),
        ("health-elb-api-issue.json", "ap-southeast-2", "open", False),
        ("health-ec2-backup.json", "us-east-1", "open", True),
        ("health-ec2-retirement.json", None, None, False),
        ("health-lambda-lifecycle.json", None, None, False),
    ],
)
def test_every_documented_health_event_is_news(
    name: str, region: str | None, status: str | None, backup: bool
) -> None:
    # Given AWS's documented example, as an SNS message carries it
    event = documented(name)
    # When the retrier reads it
    news = parse_message(json.dumps(event))
    # Then it is a Health event for the affected region (detail.eventRegion, not the region
    # it was delivered to), and a documented "true" string marks the backup copy
    assert isinstance(news, HealthNews)
    assert news.event_arn == event["detail"]["eventArn"]
    assert news.region == (region or event["detail"]["eventRegion"])
    assert news.status == (status or event["detail"]["statusCode"])
    assert news.backup is backup


def test_the_backup_copy_of_an_event_is_flagged_whatever_the_flags_type() -> None:
    event = documented("health-ec2-backup.json")
    for flag, expected in (("true", True), ("TRUE", True), (True, True), ("false", False)):
        event["detail"]["backupEvent"] = flag
        news = parse_event(event)
        assert isinstance(news, HealthNews) and news.backup is expected


@pytest.mark.parametrize(
    ("name", "shape", "stage"),
    [
        ("codepipeline-action-failed.json", "eventbridge", "Deploy"),
        ("codepipeline-pipeline-failed.json", "eventbridge", None),
        ("codepipeline-pipeline-failed-git-tags.json", "eventbridge", None),
        ("codestar-notification-action-failed.json", "codestar", "Deploy"),
        ("codestar-notification-pipeline-failed.json", "codestar", None),
    ],
)
def test_every_documented_pipeline_failure_is_a_stage_failure(
    name: str, shape: str, stage: str | None
) -> None:
    # Given AWS's documented failure events (numbers where strings might be expected:
    # version 4.0, pipeline-execution-attempt 1.0), emitted or processed by a notification rule
    failure = parse_event(documented(name))
    # Then each is read as a failure of that pipeline's execution, to be checked with
    # ListActionExecutions
    assert isinstance(failure, StageFailed)
    assert (failure.pipeline, failure.execution_id) == (
        "myPipeline",
        "12345678-1234-5678-abcd-12345678abcd",
    )
    assert (failure.shape, failure.stage) == (shape, stage)
    assert failure.time is not None


def test_a_documented_stage_that_started_asks_nothing() -> None:
    assert isinstance(parse_event(documented("codepipeline-stage-started.json")), Ignored)


def test_the_documented_schedule_event_sweeps() -> None:
    assert isinstance(parse_event(documented("scheduled-event.json")), ScheduledSweep)
