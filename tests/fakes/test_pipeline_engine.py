"""The pipeline engine plays CodePipeline and EventBridge around the real gate and retrier
handlers, on a fake clock: runs, blocks, retries, transitions, stops and broken links."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError

from health_gate.pipeline.block_message import BLOCKED_MARKER, BLOCKED_PREFIX
from tests.fakes.pipeline_declarations import GATE_PARAMS, shared_stage_declaration
from tests.fakes.pipeline_engine import ResultShape
from tests.fakes.pipeline_world import PipelineWorld

EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)


def open_incident(world: PipelineWorld) -> None:
    world.fake.add_event(arn=EC2_ARN, startTime=world.clock.now() - timedelta(minutes=20))


def close_incident(world: PipelineWorld) -> None:
    world.fake.update_event(EC2_ARN, statusCode="closed", endTime=world.clock.now())


def status_is(world: PipelineWorld, execution_id: str, status: str, pipeline: str = "") -> Any:
    name = pipeline or world.pipeline
    return lambda: world.engine.status(name, execution_id) == status


def runs_of(world: PipelineWorld, execution_id: str, action: str) -> list[dict[str, Any]]:
    """ListActionExecutions' runs of `action` in the execution, newest first."""
    listed: list[dict[str, Any]] = world.codepipeline().list_action_executions(  # type: ignore[assignment]
        pipelineName=world.pipeline, filter={"pipelineExecutionId": execution_id}
    )["actionExecutionDetails"]
    return [d for d in listed if d["actionName"] == action]


def deployed_executions(world: PipelineWorld) -> list[str]:
    return [d.execution_id for d in world.engine.deployed]


# --- (a) a healthy run ------------------------------------------------------------------------


def test_a_healthy_run_goes_through_to_deploy(pipeline_world: PipelineWorld) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given AWS Health shows nothing open
    # When an execution starts and the engine ticks
    execution = engine.start(world.pipeline)
    engine.run_until(status_is(world, execution, "Succeeded"), within=120)
    # Then it deployed the head revision, after exactly one gate job that succeeded
    (deployment,) = engine.deployed
    assert (deployment.execution_id, deployment.stage) == (execution, "Deploy")
    assert deployment.revision == engine.head_revision != world.baseline_revision
    (report,) = world.fake.reports()
    assert report.operation == "PutJobSuccessResult"
    (gate_run,) = runs_of(world, execution, "CheckAwsHealth")
    assert gate_run["status"] == "Succeeded"
    assert gate_run["input"]["configuration"]["UserParameters"] == GATE_PARAMS
    assert gate_run["output"]["outputVariables"]["status"] == "HEALTHY"
    # And the API shows the execution as CodePipeline would
    described = world.codepipeline().get_pipeline_execution(
        pipelineName=world.pipeline, pipelineExecutionId=execution
    )["pipelineExecution"]
    assert described["status"] == "Succeeded"
    assert described["artifactRevisions"][0]["revisionId"] == engine.head_revision


def test_a_run_pinned_to_the_baseline_revision_deploys_that_revision(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given the fixture's earlier successful execution and its revision
    (summary,) = [
        s
        for s in world.codepipeline().list_pipeline_executions(pipelineName=world.pipeline)[
            "pipelineExecutionSummaries"
        ]
        if s["pipelineExecutionId"] == world.baseline
    ]
    revision = summary["sourceRevisions"][0]["revisionId"]
    assert (summary["status"], revision) == ("Succeeded", world.baseline_revision)
    # When an execution is started pinned to it
    pin = {
        "actionName": "Source",
        "revisionType": "S3_OBJECT_VERSION_ID",
        "revisionValue": revision,
    }
    execution = engine.start(world.pipeline, [pin])
    engine.run_until(status_is(world, execution, "Succeeded"), within=120)
    # Then that revision is what was deployed
    assert [d.revision for d in engine.deployed] == [world.baseline_revision]


# --- (b) blocked, recorded, resolved, retried, deployed ---------------------------------------


def test_a_block_is_recorded_then_retried_by_the_sweep_once_the_incident_closes(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given an open EC2 incident
    open_incident(world)
    # When an execution runs
    execution = engine.start(world.pipeline)
    engine.run_until(status_is(world, execution, "Failed"), within=120)
    # Then the gate blocked it, the stage-failed event reached the retrier, which recorded it
    assert engine.stage_status(world.pipeline, execution, "HealthGate") == "Failed"
    assert engine.said("stage-failed") == [
        f"stage-failed {world.pipeline} {execution} HealthGate delivered to the retrier"
    ]
    (record,) = world.records()
    assert (record["executionId"]["S"], record["stage"]["S"]) == (execution, "HealthGate")
    assert world.notices() == ["HealthGateBlocked"]
    assert engine.deployed == []

    # When sweeps run while the incident is still open
    engine.run_for(11 * 60)
    # Then nothing is retried
    assert world.fake.calls_to("RetryStageExecution") == []
    assert len(world.records()) == 1

    # When the incident closes and the next scheduled sweep runs
    close_incident(world)
    engine.run_until(lambda: bool(engine.deployed), within=6 * 60)
    # Then the stage was retried in the same execution: a new gate run that passed, then Deploy
    (retry,) = world.fake.calls_to("RetryStageExecution")
    assert retry["pipelineExecutionId"] == execution and retry["retryMode"] == "FAILED_ACTIONS"
    assert deployed_executions(world) == [execution]
    assert engine.status(world.pipeline, execution) == "Succeeded"
    newer, older = runs_of(world, execution, "CheckAwsHealth")
    assert (newer["status"], older["status"]) == ("Succeeded", "Failed")
    assert newer["actionExecutionId"] != older["actionExecutionId"]
    assert newer["startTime"] > older["startTime"]
    assert world.records() == [] and world.notices() == ["HealthGateResumed"]


# --- (c) a disabled transition holds a passed execution ---------------------------------------


def test_a_disabled_transition_into_deploy_holds_the_execution(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    client = world.codepipeline()
    # Given the transition into Deploy is disabled
    client.disable_stage_transition(
        pipelineName=world.pipeline,
        stageName="Deploy",
        transitionType="Inbound",
        reason="health-gate drill (until 12.30)",
    )
    # When an execution runs and the gate passes
    execution = engine.start(world.pipeline)
    engine.run_for(5 * 60)
    # Then it waits before Deploy, in progress, and nothing is deployed
    assert engine.stage_status(world.pipeline, execution, "HealthGate") == "Succeeded"
    assert engine.status(world.pipeline, execution) == "InProgress"
    assert engine.deployed == []
    deploy = client.get_pipeline_state(name=world.pipeline)["stageStates"][2]
    assert deploy["inboundTransitionState"]["enabled"] is False
    assert deploy["inboundExecution"] == {"pipelineExecutionId": execution, "status": "InProgress"}
    assert len(engine.said("waits at the disabled transition into Deploy")) == 1

    # When the transition is enabled again
    client.enable_stage_transition(
        pipelineName=world.pipeline, stageName="Deploy", transitionType="Inbound"
    )
    engine.run_until(status_is(world, execution, "Succeeded"), within=60)
    # Then the execution goes on to deploy
    assert deployed_executions(world) == [execution]


def test_an_execution_stopped_at_a_disabled_transition_never_deploys(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    client = world.codepipeline()
    # Given an execution held before Deploy
    client.disable_stage_transition(
        pipelineName=world.pipeline, stageName="Deploy", transitionType="Inbound", reason="drill"
    )
    execution = engine.start(world.pipeline)
    engine.run_for(60)
    # When it is stopped, and the transition enabled afterwards
    client.stop_pipeline_execution(
        pipelineName=world.pipeline, pipelineExecutionId=execution, reason="drill over"
    )
    assert engine.status(world.pipeline, execution) == "Stopping"
    engine.run_for(60)
    client.enable_stage_transition(
        pipelineName=world.pipeline, stageName="Deploy", transitionType="Inbound"
    )
    engine.run_for(5 * 60)
    # Then it is Stopped and nothing more ran for it
    assert engine.status(world.pipeline, execution) == "Stopped"
    assert engine.deployed == [] and "Deploy" not in [
        s["stageName"]
        for s in client.get_pipeline_state(name=world.pipeline)["stageStates"]
        if s.get("latestExecution", {}).get("pipelineExecutionId") == execution
    ]


def test_a_disabled_outbound_transition_holds_the_execution_as_well(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given the transition out of HealthGate is disabled
    world.codepipeline().disable_stage_transition(
        pipelineName=world.pipeline, stageName="HealthGate", transitionType="Outbound", reason="x"
    )
    # When an execution passes the gate
    execution = engine.start(world.pipeline)
    engine.run_for(5 * 60)
    # Then it waits, in progress, and nothing is deployed
    assert engine.stage_status(world.pipeline, execution, "HealthGate") == "Succeeded"
    assert engine.status(world.pipeline, execution) == "InProgress" and engine.deployed == []


def test_sleeping_on_the_clock_outside_a_handler_runs_the_engine(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given a caller that polls the execution and sleeps between polls, as a CLI would
    execution = engine.start(world.pipeline)
    client = world.codepipeline()
    statuses = []
    for _ in range(10):
        statuses.append(
            client.get_pipeline_execution(
                pipelineName=world.pipeline, pipelineExecutionId=execution
            )["pipelineExecution"]["status"]
        )
        if statuses[-1] != "InProgress":
            break
        world.clock.sleep(20)
    # Then the engine ran while it slept
    assert statuses == ["InProgress", "InProgress", "Succeeded"]
    assert deployed_executions(world) == [execution]


# --- (d) a broken delivery link ---------------------------------------------------------------


def test_with_the_stage_failed_link_broken_nothing_is_recorded(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given the stage-failed rule cannot reach the retrier (e.g. a KMS key policy problem)
    engine.break_link("stage-failed-rule")
    open_incident(world)
    # When the gate blocks an execution and sweeps run
    execution = engine.start(world.pipeline)
    engine.run_for(11 * 60)
    # Then the stage failed, the event vanished, and the retrier never heard of it
    assert engine.status(world.pipeline, execution) == "Failed"
    assert engine.said("dropped: stage-failed-rule is broken") != []
    assert world.records() == [] and world.notices() == []
    close_incident(world)
    engine.run_for(6 * 60)
    assert world.fake.calls_to("RetryStageExecution") == [] and engine.deployed == []


# --- (e) both shapes of the gate's failure in ListActionExecutions ----------------------------


@pytest.mark.parametrize("shape", ["marker", "no-marker"])
def test_the_retrier_handles_both_shapes_of_the_failed_gate_run(
    pipeline_world: PipelineWorld, shape: ResultShape
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given CodePipeline lists the gate's failure in this shape
    engine.result_shape = shape
    open_incident(world)
    # When the gate blocks an execution
    execution = engine.start(world.pipeline)
    engine.run_until(lambda: bool(world.records()), within=120)
    # Then the run carries the message where the shape puts it, and the retrier recorded it
    (run,) = runs_of(world, execution, "CheckAwsHealth")
    result = run["output"]["executionResult"]
    assert result["externalExecutionSummary"].startswith(BLOCKED_PREFIX)
    if shape == "marker":
        assert result["externalExecutionId"] == BLOCKED_MARKER
        assert result["errorDetails"]["code"] == "JobFailed"
    else:
        assert result["externalExecutionId"] != BLOCKED_MARKER and "errorDetails" not in result
    # And once the incident closes, the sweep retries and the execution deploys
    close_incident(world)
    engine.run_until(status_is(world, execution, "Succeeded"), within=6 * 60)
    assert deployed_executions(world) == [execution]


# --- continuations, stops, shared stages, the clock ------------------------------------------


def test_a_waiting_gate_continues_with_new_jobs_until_the_incident_closes(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    client = world.codepipeline()
    # Given the gate is switched to wait mode through UpdatePipeline, and an incident is open
    pipeline = client.get_pipeline(name=world.pipeline)["pipeline"]
    wait = {"regions": ["us-east-1", "global"], "mode": "wait", "maxWaitMinutes": 60}
    pipeline["stages"][1]["actions"][0]["configuration"]["UserParameters"] = json.dumps(wait)
    assert client.update_pipeline(pipeline=pipeline)["pipeline"]["version"] == 2
    engine.gate_timeout_ms = 120_000  # each invocation waits about two minutes at most
    open_incident(world)
    world.clock.at(world.clock.offset + 10 * 60, lambda: close_incident(world))
    # When an execution runs
    execution = engine.start(world.pipeline)
    engine.run_until(status_is(world, execution, "Succeeded"), within=30 * 60)
    # Then the gate's job was continued under new job IDs (one action run), then passed
    jobs = [call.params["jobId"] for call in world.fake.reports()]
    assert len(jobs) == len(set(jobs)) > 1
    assert world.fake.reports()[-1].params.get("continuationToken") is None
    (run,) = runs_of(world, execution, "CheckAwsHealth")
    assert (
        run["status"] == "Succeeded"
        and json.loads(run["input"]["configuration"]["UserParameters"]) == wait
    )
    assert deployed_executions(world) == [execution]


def test_stop_and_abandon_gives_up_a_waiting_gate(pipeline_world: PipelineWorld) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    client = world.codepipeline()
    # Given a gate in wait mode, waiting on an open incident
    pipeline = client.get_pipeline(name=world.pipeline)["pipeline"]
    wait = {"regions": ["us-east-1", "global"], "mode": "wait", "maxWaitMinutes": 60}
    pipeline["stages"][1]["actions"][0]["configuration"]["UserParameters"] = json.dumps(wait)
    client.update_pipeline(pipeline=pipeline)
    engine.gate_timeout_ms = 120_000
    open_incident(world)
    execution = engine.start(world.pipeline)
    engine.run_for(60)
    assert engine.said("continues")
    # When the execution is stopped and abandoned
    client.stop_pipeline_execution(
        pipelineName=world.pipeline, pipelineExecutionId=execution, abandon=True, reason="drill"
    )
    close_incident(world)
    engine.run_for(10 * 60)
    # Then the gate's run is abandoned and nothing more runs
    assert engine.status(world.pipeline, execution) == "Stopped"
    (run,) = runs_of(world, execution, "CheckAwsHealth")
    assert run["status"] == "Abandoned"
    assert engine.deployed == []
    with pytest.raises(ClientError) as excinfo:
        client.stop_pipeline_execution(pipelineName=world.pipeline, pipelineExecutionId=execution)
    assert excinfo.value.response["Error"]["Code"] == "PipelineExecutionNotStoppableException"


def test_a_gate_sharing_its_stage_holds_a_later_deploy_action_until_retried(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given a pipeline whose Deploy stage runs the gate first, then the deployment
    name = world.create_pipeline(shared_stage_declaration("shared-ordered"))
    open_incident(world)
    # When the gate blocks
    execution = engine.start(name)
    engine.run_until(lambda: bool(world.records()), within=120)
    # Then the deployment never started, and the retrier recorded the stage
    assert engine.deployed == []
    assert world.records()[0]["stage"]["S"] == "Deploy"
    # And once the incident closes, the retry runs the gate again, then the deployment
    close_incident(world)
    engine.run_until(status_is(world, execution, "Succeeded", name), within=6 * 60)
    assert [(d.pipeline, d.action) for d in engine.deployed] == [(name, "DeployStack")]


def test_a_gate_beside_a_deploy_action_in_the_same_run_order_does_not_stop_it(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    # Given the gate and the deployment share a run order: they run side by side
    name = world.create_pipeline(
        shared_stage_declaration("shared-parallel", gate_run_order=1, deploy_run_order=1)
    )
    open_incident(world)
    # When the gate blocks
    execution = engine.start(name)
    engine.run_until(status_is(world, execution, "Failed", name), within=120)
    # Then the deployment ran anyway: what a drill must detect
    assert [d.execution_id for d in engine.deployed] == [execution]


def test_run_for_fires_ticks_and_sweeps_at_their_times(pipeline_world: PipelineWorld) -> None:
    world, engine = pipeline_world, pipeline_world.engine
    seen: list[float] = []
    start = world.clock.offset
    # Given an extra periodic action every 90 fake seconds
    engine.every(90, lambda: seen.append(world.clock.offset - start))
    # When ten fake minutes pass
    engine.run_for(600)
    # Then it fired at its times, and the sweep every five minutes
    assert seen == [90, 180, 270, 360, 450, 540]
    assert len(engine.said("scheduled sweep delivered")) == 2
    assert world.clock.offset == start + 600


def test_a_tick_from_a_clock_callback_inside_a_handler_is_refused(
    pipeline_world: PipelineWorld,
) -> None:
    world, engine = pipeline_world, pipeline_world.engine

    def sleepy_gate(event: dict[str, Any], context: Any) -> None:
        world.clock.sleep(10)  # as a waiting gate sleeps: clock callbacks fire here

    engine.gate_handler = sleepy_gate
    # Given a clock callback that would tick the engine while the gate sleeps
    world.clock.at(world.clock.offset + 35, engine.tick)
    # When the engine invokes the gate (at its next tick, 30 s on)
    execution = engine.start(world.pipeline)
    engine.run_for(30)
    # Then the nested tick was refused inside the invocation (which Lambda retried), and the
    # gate's job, never reported, failed the stage
    assert len(engine.failed_invocations) == 1 and "re-entered" in engine.failed_invocations[0]
    assert engine.said("no report for") and engine.status(world.pipeline, execution) == "Failed"
    engine.failed_invocations.clear()  # expected: the fixture fails a test on any other


def test_a_failing_handler_is_retried_like_an_asynchronous_invocation(
    pipeline_world: PipelineWorld,
) -> None:
    engine = pipeline_world.engine
    calls: list[str] = []

    def crashing_retrier(event: dict[str, Any], context: Any) -> None:
        calls.append(context.aws_request_id)
        raise RuntimeError("boom")

    engine.retrier_handler = crashing_retrier
    # When the schedule's sweep reaches a retrier that raises
    engine.sweep()
    # Then Lambda tried it three times, and each failure was kept
    assert len(set(calls)) == 3
    assert len(engine.failed_invocations) == 3 and "boom" in engine.failed_invocations[0]
    assert len(engine.said("raised on scheduled sweep")) == 3
    engine.failed_invocations.clear()
