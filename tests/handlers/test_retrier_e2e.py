"""The retrier end to end: its handler over real HTTP to the local AWS fake (Health and
CodePipeline) and moto (DynamoDB, SNS), fed the SNS-shaped events in events/retrier/.

moto's EventBridge cannot deliver to SNS or Lambda, so the messages the rules would forward
are handed to the handler directly, as Lambda would.
"""

from __future__ import annotations

import copy
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from health_gate import runtime
from health_gate.adapters.registry import DynamoBlockRegistry
from health_gate.errors import RetrierFailed
from health_gate.handlers import gate, retrier
from health_gate.pipeline.block_message import BLOCKED_MARKER
from health_gate.runtime import clock as runtime_clock
from tests.fakes.aws_fake import AwsFake
from tests.fakes.clock import FakeClock, FakeClockContext
from tests.fakes.events import job_event, load_event
from tests.fakes.lambda_context import FakeLambdaContext
from tests.fakes.moto_setup import (
    blocked_executions_table,
    drain_chat,
    serialise_dynamodb_updates,
    subscribed_queue,
)
from tests.fakes.pipeline_runs import (
    EXECUTION,
    PIPELINE,
    STAGE,
    STALE_RETRY_CODES,
    action_run,
    detail_from_report,
)
from tests.fakes.runtime_fixtures import log_records

GATE_FUNCTION = "health-gate-HealthGateFunction-EXAMPLE"  # as in events/codepipeline/
TABLE = "health-gate-BlockedExecutionsTable-TEST"
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)
# The gate runs start a little before the test does: the retrier refuses to record a run older
# than the record lifetime (7 days by default), and judges age by the real clock here.
GATE_STARTED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
RETRIER_NAME = "health-gate-RetrierFunction-TEST"


@dataclass
class World:
    fake: AwsFake
    dynamodb: Any
    sqs: Any
    queue_url: str
    user_parameters: str
    runs: list[dict[str, Any]] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # of every notice read so far

    def show(self, *details: dict[str, Any]) -> None:
        """Add action runs to what ListActionExecutions returns for the pipeline."""
        self.runs.extend(details)
        self.fake.set_action_executions(PIPELINE, self.runs)

    def deliver(
        self, event: dict[str, Any], timeout_ms: int = 60_000, clock: FakeClock | None = None
    ) -> dict[str, int]:
        """One invocation; with `clock`, its remaining time runs down on that fake clock."""
        context = FakeLambdaContext() if clock is None else FakeClockContext(clock, timeout_ms)
        context.timeout_ms = timeout_ms
        context.function_name = RETRIER_NAME
        context.invoked_function_arn = (
            f"arn:aws:lambda:us-east-1:123456789012:function:{RETRIER_NAME}"
        )
        result: dict[str, int] = retrier.handler(event, context)
        return result

    def items(self) -> list[dict[str, Any]]:
        """Every record's item, open or closed (not the sweep's own bookkeeping item)."""
        items: list[dict[str, Any]] = self.dynamodb.scan(TableName=TABLE)["Items"]
        return [item for item in items if item["pk"]["S"] != "#sweep"]

    def records(self) -> list[dict[str, Any]]:
        """The open records (blocked, awaiting a retry)."""
        return [item for item in self.items() if item.get("state", {}).get("S") != "closed"]

    def tombstones(self) -> list[str]:
        """The outcome of each closed record."""
        return [item["outcome"]["S"] for item in self.items() if item["state"]["S"] == "closed"]

    def notices(self) -> list[str]:
        """Event types of the Chatbot messages published since the last call."""
        return drain_chat(self.sqs, self.queue_url, self.titles)

    def retries(self) -> list[dict[str, Any]]:
        return self.fake.calls_to("RetryStageExecution")


def _notifications(sns: Any, sqs: Any) -> tuple[str, str]:
    topic = sns.create_topic(Name="health-gate-NotificationsTopic-TEST")["TopicArn"]
    return topic, subscribed_queue(sns, sqs, topic)


@pytest.fixture
def world(aws_fake: AwsFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        blocked_executions_table(dynamodb, TABLE)
        sqs = boto3.client("sqs", region_name="us-east-1")
        topic, queue_url = _notifications(boto3.client("sns", region_name="us-east-1"), sqs)
        monkeypatch.setenv("HEALTH_GATE_FUNCTION_NAME", GATE_FUNCTION)
        monkeypatch.setenv("BLOCKED_EXECUTIONS_TABLE", TABLE)
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
        monkeypatch.setenv("SWEEP_INTERVAL_MINUTES", "5")
        runtime.reset()
        job = load_event("codepipeline/job-json-params.json")["CodePipeline.job"]
        params = job["data"]["actionConfiguration"]["configuration"]["UserParameters"]
        yield World(aws_fake, dynamodb, sqs, queue_url, params)
    runtime.reset()


def gate_blocks(world: World, execution_id: str = EXECUTION, stage: str = STAGE) -> None:
    """The gate handler blocks; CodePipeline then lists its run with the failure it reported."""
    if not world.fake.events:
        world.fake.add_event(arn=EC2_ARN, startTime=GATE_STARTED - timedelta(minutes=25))
    gate.handler(job_event(world.user_parameters), FakeLambdaContext())
    failure = world.fake.reports()[-1].params["failureDetails"]
    assert failure["externalExecutionId"] == BLOCKED_MARKER
    world.show(
        detail_from_report(
            failure,
            execution_id=execution_id,
            stage=stage,
            function_name=GATE_FUNCTION,
            user_parameters=world.user_parameters,
            started=GATE_STARTED,
        )
    )


def stage_failed(
    name: str = "sns-stage-failed-eventbridge.json",
    execution_id: str = EXECUTION,
    stage: str = STAGE,
    pipeline: str = PIPELINE,
) -> dict[str, Any]:
    """The sample SNS event, about this pipeline, execution and stage."""
    event = copy.deepcopy(load_event(f"retrier/{name}"))
    message = json.loads(event["Records"][0]["Sns"]["Message"])
    message["detail"]["execution-id"] = execution_id
    message["detail"]["stage"] = stage
    message["detail"]["pipeline"] = pipeline
    event["Records"][0]["Sns"]["Message"] = json.dumps(message)
    return event


def health_closed() -> dict[str, Any]:
    return load_event("retrier/sns-health-closed.json")


def scheduled() -> dict[str, Any]:
    return load_event("retrier/scheduled-sweep.json")


def resolve(world: World) -> None:
    world.fake.update_event(EC2_ARN, statusCode="closed", endTime=GATE_STARTED + timedelta(hours=1))


def codepipeline_retries(
    world: World, stage: str = STAGE, started: datetime = GATE_STARTED + timedelta(hours=2)
) -> None:
    """What CodePipeline lists after RetryStageExecution: a new, in-progress gate run."""
    world.show(
        action_run(
            status="InProgress",
            stage=stage,
            function_name=GATE_FUNCTION,
            user_parameters=world.user_parameters,
            started=started,
        )
    )


def messages_logged(log_lines: io.StringIO) -> list[str]:
    return [record["message"] for record in log_records(log_lines)]


# --- the whole loop -----------------------------------------------------------------------------


def test_block_register_resolve_retry_notify(world: World, log_lines: io.StringIO) -> None:
    # Given the gate blocked a deployment because of an open EC2 issue
    gate_blocks(world)
    # When the stage-failed message arrives (EventBridge rule -> GateEventsTopic -> retrier)
    world.deliver(stage_failed())
    # Then the execution is recorded, with its configuration and incident, and Slack is told
    (record,) = world.records()
    assert record["executionId"]["S"] == EXECUTION
    assert record["userParameters"]["L"] == [{"S": world.user_parameters}]
    assert record["incidents"]["L"][0]["M"]["arn"]["S"] == EC2_ARN
    assert world.notices() == ["HealthGateBlocked"]

    # When a "closed" Health message arrives while DescribeEvents still shows the issue open
    world.deliver(health_closed())
    # Then nothing is retried: the message is a trigger, not a verdict
    assert world.retries() == []
    assert len(world.records()) == 1

    # When AWS Health shows it resolved and the scheduled sweep runs
    resolve(world)
    world.deliver(scheduled())
    # Then the stage's failed actions are retried once, the record deleted, and Slack told
    assert world.retries() == [
        {
            "pipelineName": PIPELINE,
            "stageName": STAGE,
            "pipelineExecutionId": EXECUTION,
            "retryMode": "FAILED_ACTIONS",
        }
    ]
    assert world.records() == []
    assert world.notices() == ["HealthGateResumed"]

    # And a replayed stage-failed message registers nothing: the latest gate run is the retry
    codepipeline_retries(world)
    world.deliver(stage_failed())
    assert world.records() == []
    assert len(world.retries()) == 1

    logged = messages_logged(log_lines)
    for expected in (
        "gate decided",
        "blocked execution registered",
        "health event received; sweeping",
        "blocked execution kept",
        "stage retried",
        "notification sent",
        "stage failure is not a gate block; ignored",
    ):
        assert expected in logged
    print(log_lines.getvalue())  # the run's log, as CloudWatch would show it (pytest -s)


def test_codestar_notification_registers_the_same_way(world: World) -> None:
    gate_blocks(world)
    world.deliver(stage_failed("sns-stage-failed-codestar.json"))
    assert [r["executionId"]["S"] for r in world.records()] == [EXECUTION]


# --- what must never be retried -----------------------------------------------------------------


def test_a_failure_of_another_action_is_ignored(world: World) -> None:
    # Given the stage failed in another Lambda action, with no gate run at all
    world.show(action_run(status="Failed", action="Migrate", function_name="db-migrations"))
    # When its stage-failed message arrives
    world.deliver(stage_failed())
    # Then nothing is recorded, and no one is told
    assert world.records() == []
    assert world.notices() == []


def test_a_forged_message_about_an_execution_the_gate_passed_records_nothing(
    world: World,
) -> None:
    # Given the gate passed this execution
    world.show(action_run(status="Succeeded", function_name=GATE_FUNCTION))
    # When someone publishes a stage-failed message about it
    world.deliver(stage_failed())
    # Then nothing is recorded, so nothing can ever be retried
    assert world.records() == []
    # And so are messages naming an execution without runs, or a pipeline that does not exist
    world.deliver(stage_failed(execution_id="aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"))
    world.deliver(stage_failed(pipeline="no-such-pipeline"))
    assert world.records() == []


# --- at-least-once delivery and concurrency ------------------------------------------------------


def test_duplicate_deliveries_give_one_retry(world: World) -> None:
    gate_blocks(world)
    world.deliver(stage_failed())
    world.deliver(stage_failed())
    assert world.notices() == ["HealthGateBlocked"]
    resolve(world)
    world.deliver(health_closed())
    codepipeline_retries(world)
    world.deliver(health_closed())
    world.deliver(scheduled())
    assert len(world.retries()) == 1


# One process runs the four "invocations", so they share Powertools' Metrics: one may flush
# another's metrics and find none left. Lambda never runs two invocations in one process.
@pytest.mark.filterwarnings("ignore:No application metrics to publish")
def test_concurrent_sweeps_give_one_retry(
    world: World, monkeypatch: pytest.MonkeyPatch, log_lines: io.StringIO
) -> None:
    serialise_dynamodb_updates(monkeypatch)
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    # When four invocations sweep at the same moment (a Health message delivered twice, plus
    # the schedule), each slowed down at ListActionExecutions to widen the race
    world.fake.delay_next("ListActionExecutions", 0.2, times=4)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def invoke(event: dict[str, Any]) -> None:
        start.wait()
        try:
            world.deliver(event)
        except BaseException as err:
            errors.append(err)

    events = [health_closed(), health_closed(), scheduled(), scheduled()]
    threads = [threading.Thread(target=invoke, args=(event,)) for event in events]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Then exactly one RetryStageExecution was made, and the others found the record claimed
    assert errors == []
    assert len(world.retries()) == 1
    assert world.records() == []
    logged = messages_logged(log_lines)
    assert logged.count("stage retried") == 1
    assert "record claimed by another invocation" in logged


# --- outcomes of the retry ---------------------------------------------------------------------


@pytest.mark.parametrize("code", STALE_RETRY_CODES)
def test_a_stale_record_is_closed_and_a_replay_does_not_bring_it_back(
    code: str, world: World, log_lines: io.StringIO
) -> None:
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.notices()
    world.fake.fail_next("RetryStageExecution", code)
    world.deliver(scheduled())
    assert world.records() == [] and world.tombstones() == ["stale"]
    assert world.notices() == ["HealthGateStale"]
    stale = log_records(log_lines)
    assert any(r["message"] == "stale record closed" and code in r["reason"] for r in stale)
    # And the same stage-failed message, replayed, registers nothing and tells nobody
    world.deliver(stage_failed())
    assert world.records() == [] and world.notices() == []
    assert any(r.get("step") == "ended" for r in log_records(log_lines))


def test_a_conflict_keeps_the_record_for_the_next_sweep(world: World) -> None:
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.fake.fail_next("RetryStageExecution", "ConflictException")
    world.deliver(scheduled())
    assert len(world.records()) == 1
    # And the next sweep retries it
    world.deliver(scheduled())
    assert len(world.retries()) == 2
    assert world.records() == []


def test_a_slow_health_api_keeps_the_record_and_ends_the_sweep_in_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a registered block, an incident that has in fact ended, and a Health API so slow
    # that answering would outlast the retrier's invocation (3 s left)
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    clock = FakeClock(start=datetime.now(UTC))
    monkeypatch.setattr(runtime_clock, "system_clock", lambda: clock)
    world.fake.hang_next("DescribeEvents", on_arrival=lambda: clock.advance(8))
    # When the schedule sweeps
    result = world.deliver(scheduled(), timeout_ms=3000, clock=clock)
    # Then the check gave up at the deadline while the call still hung (no Lambda timeout, no
    # DLQ entry), nothing was retried, and the record is kept for the next sweep
    assert world.fake.hanging == 1
    assert result == {"messages": 1, "swept": 1}
    assert world.retries() == []
    assert len(world.records()) == 1


def test_one_health_query_serves_every_record_sharing_a_configuration(world: World) -> None:
    # Given five stages blocked by gates with the same configuration
    stages = [f"Deploy-{n}" for n in range(5)]
    for stage in stages:
        gate_blocks(world, stage=stage)
        world.deliver(stage_failed(stage=stage))
    assert len(world.records()) == 5
    world.fake.clear_calls()
    # When a sweep runs
    world.deliver(scheduled())
    # Then AWS Health was asked once
    assert len(world.fake.calls_to("DescribeEvents")) == 1
    assert world.retries() == []


# --- a batch never dies of one message -----------------------------------------------------------


def test_a_malformed_message_among_good_ones_is_dropped(
    world: World, log_lines: io.StringIO
) -> None:
    gate_blocks(world)
    good = stage_failed()["Records"][0]
    garbage = copy.deepcopy(good)
    garbage["Sns"]["Message"] = "this is not JSON"
    unknown = copy.deepcopy(good)
    unknown["Sns"]["Message"] = json.dumps({"detail-type": "Something", "source": "me"})
    broken = {"EventSource": "aws:sns"}  # no Sns at all
    result = world.deliver({"Records": [garbage, good, unknown, broken]})
    assert result == {"messages": 4, "swept": 0}
    assert len(world.records()) == 1
    assert messages_logged(log_lines).count("message dropped") == 3
    # And events of neither kind are dropped whole, without an error
    assert world.deliver({"Records": "not a list"}) == {"messages": 1, "swept": 0}
    assert world.deliver({"something": "else"}) == {"messages": 1, "swept": 0}


def test_a_message_that_fails_does_not_stop_the_others_but_fails_the_invocation(
    world: World,
) -> None:
    # Given CodePipeline fails every attempt for the first message, not for the second
    gate_blocks(world)
    gate_blocks(world, stage="Prod")
    world.fake.fail_next("ListActionExecutions", "InternalFailure", times=4)
    first, second = stage_failed()["Records"][0], stage_failed(stage="Prod")["Records"][0]
    # When both arrive in one event
    with pytest.raises(RetrierFailed, match="1 part"):
        world.deliver({"Records": [first, second]})
    # Then the second was registered, and Lambda's retry of the event registers the first
    assert [r["stage"]["S"] for r in world.records()] == ["Prod"]
    world.deliver({"Records": [first, second]})
    assert sorted(r["stage"]["S"] for r in world.records()) == ["Deploy", "Prod"]


# --- issue 11: both shapes, replays, honest outcomes, operator controls ------------------------


def gate_blocks_without_marker(world: World, external_id: str | None) -> None:
    """The gate blocks, and CodePipeline lists its run with another ID (its own, the request's)
    or none where the gate's marker would be; the gate's message only in the summary."""
    gate_blocks(world)
    world.runs.clear()
    failure = world.fake.reports()[-1].params["failureDetails"]
    result: dict[str, Any] = {"externalExecutionSummary": failure["message"]}
    if external_id is not None:
        result["externalExecutionId"] = external_id
    world.show(
        action_run(
            status="Failed",
            function_name=GATE_FUNCTION,
            user_parameters=world.user_parameters,
            started=GATE_STARTED,
            result=result,
        )
    )


@pytest.mark.parametrize(
    "external_id", ["4f9e1a2b-7c3d-4e5f-8a9b-0c1d2e3f4a5b", None], ids=["pipeline-id", "absent"]
)
def test_the_loop_works_when_codepipeline_does_not_echo_the_marker(
    world: World, external_id: str | None
) -> None:
    # Given CodePipeline lists the blocked gate run without the gate's marker
    gate_blocks_without_marker(world, external_id)
    # When the stage-failed message arrives, and later the incident resolves
    world.deliver(stage_failed())
    assert len(world.records()) == 1 and world.notices() == ["HealthGateBlocked"]
    resolve(world)
    world.deliver(scheduled())
    # Then the stage is retried once, as with the marker
    assert len(world.retries()) == 1 and world.notices() == ["HealthGateResumed"]


def test_every_replay_after_a_retry_is_ignored_in_any_order(world: World) -> None:
    # Given a block that was retried while ListActionExecutions still lagged behind
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.deliver(scheduled())
    world.notices()
    # When the same stage-failed message (both shapes) and sweeps arrive again, in any order
    for event in (stage_failed(), scheduled(), stage_failed("sns-stage-failed-codestar.json")):
        world.deliver(event)
    # Then nothing is recorded, retried or said again
    assert world.records() == [] and world.tombstones() == ["retried"]
    assert len(world.retries()) == 1 and world.notices() == []


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The retrier's clock, from now on moved by the test."""
    clock = FakeClock(start=datetime.now(UTC))
    monkeypatch.setattr(runtime_clock, "system_clock", lambda: clock)
    return clock


def test_a_crash_after_the_retry_is_reported_as_resumed(
    world: World, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a sweep whose RetryStageExecution goes through, and then the function dies
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.notices()

    def crash(*_: Any) -> bool:
        codepipeline_retries(world, started=fake_clock.now())  # listed after the retry
        raise RuntimeError("the function was stopped")

    with monkeypatch.context() as patch, pytest.raises(RetrierFailed):
        patch.setattr(DynamoBlockRegistry, "close", crash)
        world.deliver(scheduled())
    assert len(world.retries()) == 1 and world.notices() == []
    # When the next sweep comes, once the crashed one's lease has run out
    fake_clock.advance(180)
    world.deliver(scheduled())
    # Then it says "resumed", and does not retry again
    assert world.notices() == ["HealthGateResumed"]
    assert len(world.retries()) == 1 and world.tombstones() == ["retried"]


def test_a_stage_that_can_no_longer_be_retried_is_closed_once(world: World) -> None:
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.notices()
    world.fake.fail_next("RetryStageExecution", "ValidationException")
    world.deliver(scheduled())
    assert world.tombstones() == ["stale"] and world.notices() == ["HealthGateStale"]
    world.deliver(scheduled())
    assert len(world.retries()) == 1 and world.notices() == []


def test_a_record_that_outlives_its_lifetime_says_so_once(
    world: World, fake_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a one-day record lifetime and an incident that never ends
    monkeypatch.setenv("BLOCKED_RECORD_TTL_DAYS", "1")
    runtime.reset()
    gate_blocks(world)
    world.deliver(stage_failed())
    world.notices()
    # When the schedule sweeps before and after the lifetime ends (the gate run began 3 h ago)
    fake_clock.advance(20 * 3600)
    world.deliver(scheduled())
    assert world.notices() == []
    fake_clock.advance(2 * 3600)
    world.deliver(scheduled())
    world.deliver(scheduled())
    # Then one "expired: retry by hand" notice, and nothing retried
    assert world.notices() == ["HealthGateExpired"]
    assert world.retries() == [] and world.tombstones() == ["expired"]


def test_auto_retry_off_tells_slack_and_never_retries(world: World) -> None:
    world.user_parameters = json.dumps({"regions": ["us-east-1", "global"], "autoRetry": False})
    gate_blocks(world)
    world.deliver(stage_failed())
    resolve(world)
    world.deliver(scheduled())
    assert world.notices() == ["HealthGateBlocked"] and world.retries() == []


def test_a_pipeline_outside_retryable_pipelines_is_not_even_asked_about(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RETRYABLE_PIPELINES", "prod-*,billing")
    runtime.reset()
    gate_blocks(world)
    world.deliver(stage_failed())
    assert world.records() == [] and world.fake.calls_to("ListActionExecutions") == []


def test_sweeps_asked_for_through_the_topic_run_at_most_once_a_minute(
    world: World, fake_clock: FakeClock
) -> None:
    # Given a flood of Health messages (or anything published to the topic)
    gate_blocks(world)
    world.deliver(stage_failed())
    world.fake.clear_calls()
    results = [world.deliver(health_closed()) for _ in range(5)]
    # Then one sweep ran, and AWS Health was asked once
    assert [r["swept"] for r in results] == [1, 0, 0, 0, 0]
    assert len(world.fake.calls_to("DescribeEvents")) == 1
    # And after a minute, the next message sweeps again; the schedule always does
    fake_clock.advance(61)
    assert world.deliver(health_closed())["swept"] == 1
    assert world.deliver(scheduled())["swept"] == 1


# --- drills (issue 13) ------------------------------------------------------------------------


def test_the_retrier_follows_a_drill_like_a_real_incident(
    world: World, fake_clock: FakeClock
) -> None:
    # Given a drill until 30 minutes from now, and nothing open in AWS Health
    until = fake_clock.now() + timedelta(minutes=30)
    world.user_parameters = json.dumps(
        {"regions": ["us-east-1", "global"], "drillUntil": until.strftime("%Y-%m-%dT%H:%M:%SZ")}
    )
    gate_blocks(world)
    world.fake.clear_events()
    # When the stage-failed message arrives, and the schedule sweeps during the drill
    world.deliver(stage_failed())
    world.deliver(scheduled())
    # Then the block is recorded and kept, and Slack hears it is a DRILL
    assert len(world.records()) == 1 and world.retries() == []
    assert world.notices() == ["HealthGateBlocked"]
    assert world.titles[-1].startswith("[DRILL] :no_entry: Deployment blocked")
    # When the drill has ended
    fake_clock.advance(31 * 60)
    world.deliver(scheduled())
    # Then the stage is retried, and Slack hears the DRILL deployment resumed
    assert len(world.retries()) == 1
    assert world.notices() == ["HealthGateResumed"]
    assert world.titles[-1].startswith("[DRILL] :arrow_forward: Deployment resumed")
