"""Proof that the gate blocked a stage, from ListActionExecutions, and the record made of it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from health_gate.retry.action_attempts import ActionAttempt, GateFunction, is_blocked_failure
from health_gate.retry.blocked import BlockedExecution, NotBlocked, find_blocked
from tests.fakes.pipeline_runs import (
    EC2_ARN,
    EXECUTION,
    GATE_NAME,
    PARAMS,
    PIPELINE,
    STAGE,
    STARTED,
    action_run,
    blocked_run,
)

NOW = datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
GATE = GateFunction(GATE_NAME, f"arn:aws:lambda:us-east-1:123456789012:function:{GATE_NAME}")


def judge(*details: dict[str, Any], stage: str | None = STAGE) -> BlockedExecution | NotBlocked:
    attempts = [ActionAttempt.from_api(d) for d in details]
    return find_blocked(attempts, PIPELINE, EXECUTION, stage, GATE, NOW)


def not_blocked(result: BlockedExecution | NotBlocked, code: str) -> None:
    assert isinstance(result, NotBlocked), result
    assert result.code == code, result


def test_a_blocked_gate_run_makes_a_record() -> None:
    # Given the gate's run failed as blocked
    run = blocked_run(attempt_id="run-1")
    # When the execution is judged
    record = judge(run)
    # Then the record names the stage, the run, its configuration and the incident
    assert isinstance(record, BlockedExecution)
    assert (record.pipeline, record.stage, record.execution_id) == (PIPELINE, STAGE, EXECUTION)
    assert record.attempt_ids == ("run-1",)
    assert record.started == STARTED
    assert record.blocked_at == NOW
    assert record.user_parameters == (PARAMS,)
    assert [(i.service, i.event_type_code, i.region, i.arn) for i in record.incidents] == [
        ("EC2", "AWS_EC2_OPERATIONAL_ISSUE", "us-east-1", EC2_ARN)
    ]


def test_a_failure_of_another_function_is_left_alone() -> None:
    # Given a stage whose only failed action invokes some other Lambda function
    run = blocked_run(function_name="someone-elses-function")
    # Then nothing is recorded, even though its result looks like the gate's
    not_blocked(judge(run), "no-gate-action")


def test_a_message_naming_an_execution_without_gate_failure_records_nothing() -> None:
    # Given a forged message: the execution's gate run actually succeeded
    run = action_run(status="Succeeded")
    # Then nothing is recorded
    not_blocked(judge(run), "gate-not-blocked")


@pytest.mark.parametrize(
    "fields",
    [
        {"failure_type": "ConfigurationError"},  # the gate failed for another reason
        {"failure_type": "SystemUnavailable"},
        {"message": "Invalid UserParameters: unknown key 'region'"},  # marker, other message
        {"marker": "something-else", "message": "health-gate hit an internal error …"},
    ],
)
def test_a_gate_failure_for_another_reason_is_left_alone(fields: dict[str, Any]) -> None:
    not_blocked(judge(blocked_run(**fields)), "gate-not-blocked")


def test_the_latest_run_decides_so_a_replay_after_a_retry_records_nothing() -> None:
    # Given the blocked run, and a later run (the retry) that is in progress
    old = blocked_run(attempt_id="run-1")
    new = action_run(status="InProgress", attempt_id="run-2", started=STARTED + timedelta(hours=1))
    # When a replayed stage-failed message is judged (runs listed newest first)
    result = judge(new, old)
    # Then nothing is recorded
    not_blocked(result, "gate-not-blocked")


def test_a_newer_blocked_run_of_the_same_execution_is_the_one_recorded() -> None:
    # Given the retried gate blocked again
    old = blocked_run(attempt_id="run-1")
    new = blocked_run(attempt_id="run-2", started=STARTED + timedelta(hours=1))
    # Then the record holds the newer run, in whatever order they are listed
    for order in ((old, new), (new, old)):
        record = judge(*order)
        assert isinstance(record, BlockedExecution)
        assert record.attempt_ids == ("run-2",)


def test_a_stage_that_also_failed_for_another_reason_is_never_recorded() -> None:
    # Given the gate blocked, and another action in the same stage failed on its own
    other = action_run(status="Failed", action="Migrate", function_name="db-migrations")
    # Then retrying FAILED_ACTIONS would re-run that action too: nothing is recorded
    not_blocked(judge(blocked_run(), other), "other-failure")


def test_runs_of_other_executions_and_stages_do_not_count() -> None:
    # Given a blocked run in another execution and a failed action in another stage
    elsewhere = blocked_run(execution_id="aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
    build = action_run(status="Failed", stage="Build", function_name="builder")
    # Then this execution's stage is judged on its own runs
    not_blocked(judge(elsewhere, build), "no-gate-action")
    assert isinstance(judge(elsewhere, build, blocked_run()), BlockedExecution)


def test_a_pipeline_level_message_finds_the_blocked_stage() -> None:
    # Given a message without a stage, and the gate blocked in stage Prod
    runs = (action_run(status="Succeeded", stage="Beta"), blocked_run(stage="Prod"))
    # Then the record is for Prod
    record = judge(*runs, stage=None)
    assert isinstance(record, BlockedExecution)
    assert record.stage == "Prod"


def test_two_gate_actions_in_one_stage_are_recorded_together() -> None:
    # Given two gate actions with their own configurations, both blocked
    us = blocked_run(action="GateUS", attempt_id="a")
    eu = blocked_run(action="GateEU", attempt_id="b", user_parameters='{"regions": ["eu-west-1"]}')
    # Then one record carries both configurations; each must clear before a retry
    record = judge(us, eu)
    assert isinstance(record, BlockedExecution)
    assert record.attempt_ids == ("b", "a")
    assert record.user_parameters == ('{"regions": ["eu-west-1"]}', PARAMS)
    # And if only one of them blocked, the stage did not fail because of the gate alone
    not_blocked(judge(us, action_run(status="Succeeded", action="GateEU")), "gate-not-blocked")


@pytest.mark.parametrize(
    ("function_name", "invoked"),
    [
        (GATE_NAME, True),
        (f"{GATE_NAME}:live", True),
        (f"123456789012:function:{GATE_NAME}", True),
        (f"arn:aws:lambda:us-east-1:123456789012:function:{GATE_NAME}", True),
        (f"arn:aws:lambda:us-east-1:123456789012:function:{GATE_NAME}:7", True),
        (f"arn:aws:lambda:us-east-1:999999999999:function:{GATE_NAME}", False),
        (f"{GATE_NAME}-copy", False),
        ("", False),
    ],
)
def test_the_gate_is_recognised_by_name_or_arn(function_name: str, invoked: bool) -> None:
    attempt = ActionAttempt.from_api(action_run(status="Failed", function_name=function_name))
    assert GATE.invoked_by(attempt) is invoked


def test_an_invoke_action_of_another_provider_is_not_the_gate() -> None:
    attempt = ActionAttempt.from_api(blocked_run(provider="StepFunctions"))
    assert not is_blocked_failure(attempt, GATE)


@pytest.mark.parametrize(
    "result",
    [
        {"externalExecutionId": "health-gate:blocked", "errorDetails": {"code": "JobFailed"}},
        {
            "externalExecutionId": "health-gate:blocked",
            "errorDetails": {"code": "JobFailed", "message": "Blocked by AWS Health: 1 open…"},
        },
        {"externalExecutionId": "health-gate:blocked"},
    ],
)
def test_the_marker_is_enough_wherever_codepipeline_puts_the_message(
    result: dict[str, Any],
) -> None:
    # Given the marker, and the message only in errorDetails, or nowhere
    attempt = ActionAttempt.from_api(action_run(status="Failed", result=result))
    # Then the run counts as blocked (the marker is the proof; a message, if any, must agree)
    assert is_blocked_failure(attempt, GATE)


# --- both shapes CodePipeline may report the gate's PutJobFailureResult in (issue 11) ---------

BLOCK = "Blocked by AWS Health: 1 open event in us-east-1. Retry this stage once …"


@pytest.mark.parametrize(
    "result",
    [
        # no marker: CodePipeline's own ID, the function's request ID, or nothing at all
        {"externalExecutionId": "8f2a3c1e-0000-4000-8000-000000000001",
         "externalExecutionSummary": BLOCK,
         "errorDetails": {"code": "JobFailed", "message": BLOCK}},
        {"externalExecutionId": "2d2b1c0a-request-id", "externalExecutionSummary": BLOCK},
        {"errorDetails": {"code": "JobFailed", "message": BLOCK}},
        {"errorDetails": {"message": BLOCK}},  # no error code at all
        {"externalExecutionSummary": BLOCK, "errorDetails": {"code": "JobFailed"}},
    ],
    ids=["pipeline-id", "request-id", "message-only", "no-code", "summary-only"],
)  # fmt: skip
def test_without_the_marker_the_gates_own_block_message_is_recognised(
    result: dict[str, Any],
) -> None:
    # Given a failed run of this gate whose result holds the block message but not the marker
    attempt = ActionAttempt.from_api(action_run(status="Failed", result=result))
    # Then it counts as a block: auto-retry works whichever field CodePipeline fills
    assert is_blocked_failure(attempt, GATE)
    assert isinstance(judge(action_run(status="Failed", result=result)), BlockedExecution)


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"function_name": "someone-elses-function"}, "another function with the same text"),
        ({"status": "Succeeded"}, "not failed"),
        ({"provider": "CodeBuild"}, "not a Lambda action"),
    ],
)
def test_the_block_message_alone_proves_nothing_for_other_runs(
    fields: dict[str, Any], why: str
) -> None:
    status = fields.pop("status", "Failed")
    result = {"externalExecutionSummary": BLOCK, "errorDetails": {"code": "JobFailed"}}
    attempt = ActionAttempt.from_api(action_run(status=status, result=result, **fields))
    assert not is_blocked_failure(attempt, GATE), why


@pytest.mark.parametrize(
    "result",
    [
        {"externalExecutionSummary": "Invalid UserParameters key 'regions': …",
         "errorDetails": {"code": "ConfigurationError"}},
        {"externalExecutionSummary": BLOCK, "errorDetails": {"code": "ConfigurationError"}},
        {"externalExecutionSummary": "health-gate hit an internal error …",
         "errorDetails": {"code": "JobFailed"}},
        {"externalExecutionSummary": f"Note: {BLOCK}"},  # the text, but not at the start
        {},
    ],
)  # fmt: skip
def test_a_gate_failure_that_is_no_block_is_never_retried(result: dict[str, Any]) -> None:
    attempt = ActionAttempt.from_api(action_run(status="Failed", result=result))
    assert not is_blocked_failure(attempt, GATE)


def test_without_the_marker_only_the_latest_attempt_counts() -> None:
    # Given a blocked run without the marker, and a later run of the same action that failed
    # for a configuration error
    old = action_run(
        status="Failed", attempt_id="run-1", result={"externalExecutionSummary": BLOCK}
    )
    new = action_run(
        status="Failed",
        attempt_id="run-2",
        started=STARTED + timedelta(minutes=5),
        result={
            "externalExecutionSummary": "Invalid …",
            "errorDetails": {"code": "ConfigurationError"},
        },
    )
    not_blocked(judge(new, old), "gate-not-blocked")
