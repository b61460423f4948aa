"""`health-gate drill` end to end: the real command drives the real gate and retrier through
the pipeline engine (CodePipeline and EventBridge played on a fake clock). Whatever happens,
nothing ships unless asked, and the pipeline is left as the drill found it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from health_gate.cli import main
from tests.fakes.pipeline_declarations import (
    GATE_FUNCTION,
    demo_declaration,
    shared_stage_declaration,
)
from tests.fakes.pipeline_engine import TABLE
from tests.fakes.pipeline_world import PipelineWorld

DRILL = ("drill", "--function", GATE_FUNCTION, "--table", TABLE, "--poll-seconds", "15")
STEPS = (
    "gate blocked",
    "record stored",
    "notice published",
    "drill ended",
    "stage retried",
    "gate passed",
    "resumed notice published",
)
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1"
)
EDITS = ("UpdatePipeline", "DisableStageTransition", "StartPipelineExecution")


def run_drill(world: PipelineWorld, *argv: str, pipeline: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    name = pipeline or world.pipeline
    code = main([*DRILL, "--pipeline", name, *argv], out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def declaration(world: PipelineWorld, pipeline: str = "") -> dict[str, Any]:
    return dict(world.codepipeline().get_pipeline(name=pipeline or world.pipeline)["pipeline"])


def without_version(declared: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in declared.items() if key != "version"}


def inbound_enabled(world: PipelineWorld, stage: str) -> bool:
    state = world.codepipeline().get_pipeline_state(name=world.pipeline)
    (found,) = [s for s in state["stageStates"] if s["stageName"] == stage]
    return bool(found.get("inboundTransitionState", {}).get("enabled", True))


def drilled_execution(world: PipelineWorld) -> str:
    (start,) = world.fake.calls_to("StartPipelineExecution")
    summaries = world.codepipeline().list_pipeline_executions(pipelineName=world.pipeline)
    newest = summaries["pipelineExecutionSummaries"][0]
    assert start["name"] == world.pipeline
    return str(newest["pipelineExecutionId"])


def on_sleep(world: PipelineWorld, nth: int, action: Callable[[], object]) -> None:
    """Run `action` at the drill's `nth` poll, before the pipeline moves on."""
    sleep, count = world.clock.sleep, [0]

    def sleeping(seconds: float) -> None:
        count[0] += 1
        if count[0] == nth:
            action()
        sleep(seconds)

    setattr(world.clock, "sleep", sleeping)  # noqa: B010


def left_as_found(world: PipelineWorld, before: dict[str, Any]) -> None:
    """The declaration is back and the transition open; the drilled run is over, and stays
    over: hours later the retrier has not retried it, and nothing shipped."""
    assert without_version(declaration(world)) == without_version(before)
    assert inbound_enabled(world, "Deploy")
    execution = drilled_execution(world)
    retries = len(world.fake.calls_to("RetryStageExecution"))
    world.engine.run_for(3 * 3600)
    assert world.engine.status(world.pipeline, execution) in ("Stopped", "Failed")
    assert len(world.fake.calls_to("RetryStageExecution")) == retries
    assert world.engine.deployed == []
    assert world.records() == []


# --- the whole loop ---------------------------------------------------------------------------


def test_a_drill_proves_every_link_in_order_and_leaves_the_pipeline_as_found(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    before = declaration(world)
    # When the drill runs on the demo pipeline with every link working
    code, out, err = run_drill(world, "--minutes", "10")
    # Then every step was proven, in order, by what the drill read back
    assert (code, err) == (0, "")
    positions = [out.index(f"✔ {step} ") for step in STEPS]
    assert positions == sorted(positions)
    assert "DynamoDB GetItem: notices include HealthGateResumed" in out
    # And the run was pinned to the last released revision, never the newer head
    (start,) = world.fake.calls_to("StartPipelineExecution")
    assert start["sourceRevisions"] == [
        {
            "actionName": "Source",
            "revisionType": "S3_OBJECT_VERSION_ID",
            "revisionValue": world.baseline_revision,
        }
    ]
    # And Slack heard it was a drill
    assert world.notices() == ["HealthGateBlocked", "HealthGateResumed"]
    assert all("[DRILL]" in title for title in world.titles)
    # And nothing shipped; the declaration, the transition and the run are as they were
    left_as_found(world, before)
    assert out.rstrip().endswith("Pipeline health-gate-demo restored as it was")


def test_the_json_checklist_is_the_only_thing_on_stdout(pipeline_world: PipelineWorld) -> None:
    code, out, _ = run_drill(pipeline_world, "--minutes", "5", "--json")
    document = json.loads(out)
    assert code == document["exitCode"] == 0
    assert document["schemaVersion"] == 1 and document["command"] == "drill"
    assert [s["name"] for s in document["steps"]] == list(STEPS)
    assert all(s["done"] and s["proof"] for s in document["steps"])
    elapsed = [s["elapsedSeconds"] for s in document["steps"]]
    assert elapsed == sorted(elapsed)
    assert document["broken"] is None and document["restored"] is True
    assert document["executionId"] == drilled_execution(pipeline_world)


def test_with_deploy_the_drilled_run_ships_the_last_released_revision(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    code, out, _ = run_drill(world, "--minutes", "5", "--deploy")
    assert code == 0, out
    assert world.fake.calls_to("DisableStageTransition") == []
    assert world.fake.calls_to("StopPipelineExecution") == []
    execution = drilled_execution(world)
    world.engine.run_until(
        lambda: world.engine.status(world.pipeline, execution) == "Succeeded", 120
    )
    (deployment,) = world.engine.deployed
    assert (deployment.execution_id, deployment.revision) == (execution, world.baseline_revision)


# --- a broken link is named -------------------------------------------------------------------


def test_a_broken_stage_failed_rule_is_named_and_everything_is_undone(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    before = declaration(world)
    # Given the EventBridge rule that carries stage failures to the retrier delivers nothing
    world.engine.break_link("stage-failed-rule")
    # When the drill runs
    code, out, _ = run_drill(world, "--minutes", "10", "--json")
    # Then the gate's block is proven, and the record is the broken link, with what to check
    document = json.loads(out)
    assert code == document["exitCode"] == 1
    assert [s["name"] for s in document["steps"] if s["done"]] == ["gate blocked"]
    assert document["broken"]["step"] == "record stored"
    assert any("StageFailedRule" in hint for hint in document["broken"]["check"])
    # And the run's record is written closed ahead of a late message, for as long as the
    # retrier could still accept that message (the longest record lifetime, 30 days)
    (item,) = world.items()
    assert (item["state"]["S"], item["outcome"]["S"]) == ("closed", "drill-abandoned")
    lifetime = int(item["lifetimeEndsAt"]["N"]) - int(item["startedAt"]["N"]) // 1000
    assert timedelta(seconds=lifetime) == timedelta(days=30)
    # And the retrier never retried, and the pipeline is left as found
    assert world.fake.calls_to("RetryStageExecution") == []
    left_as_found(world, before)
    assert document["restored"] is True


def test_a_broken_sweep_schedule_is_named_after_the_drill_ends(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    world.engine.break_link("sweep-schedule")
    code, out, _ = run_drill(world, "--minutes", "5")
    assert code == 1
    assert "✔ drill ended" in out and "✘ stage retried" in out
    assert "SweepScheduleRule" in out
    assert "restored as it was" in out


def test_a_real_incident_keeps_the_stage_blocked_and_the_drill_says_why(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    # Given a real incident opens in the gate's region while the drill runs
    on_sleep(
        world,
        2,
        lambda: world.fake.add_event(
            arn=EC2_ARN, startTime=world.clock.now() - timedelta(minutes=5)
        ),
    )
    code, out, _ = run_drill(world, "--minutes", "5")
    # Then the retrier keeps the stage blocked past the drill, and the drill names that link
    assert code == 1
    assert "✘ stage retried" in out and "blocked execution kept" in out
    assert world.fake.calls_to("RetryStageExecution") == []
    assert world.engine.deployed == []


# --- interruptions and other people's changes -------------------------------------------------


def test_ctrl_c_stops_the_run_and_restores_the_pipeline(pipeline_world: PipelineWorld) -> None:
    world = pipeline_world
    before = declaration(world)

    def interrupt() -> None:
        raise KeyboardInterrupt

    on_sleep(world, 3, interrupt)
    code, out, _ = run_drill(world, "--minutes", "10")
    assert code == 130
    assert "Interrupted: stopping the drilled run and restoring the pipeline" in out
    left_as_found(world, before)


def test_a_change_made_during_the_drill_is_kept_and_the_fix_by_hand_is_named(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world

    def teammate_edits() -> None:
        edited = declaration(world)
        edited["stages"][2]["actions"][0]["configuration"]["StackName"] = "renamed-app"
        world.codepipeline().update_pipeline(pipeline=edited)  # type: ignore[arg-type]

    # Given a teammate edits the pipeline while the gate is blocked, and Ctrl-C follows
    on_sleep(world, 2, teammate_edits)
    on_sleep(world, 4, lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    code, out, _ = run_drill(world, "--minutes", "10")
    # Then their change stays, and the drill says drillUntil must go now (it still blocks)
    assert code == 130
    after = declaration(world)
    assert after["stages"][2]["actions"][0]["configuration"]["StackName"] == "renamed-app"
    assert "NOT restored" in out
    assert "Remove drillUntil from the gate actions' UserParameters by hand NOW" in out
    assert inbound_enabled(world, "Deploy")
    assert world.engine.deployed == []


def test_a_pipeline_changed_before_the_drill_edits_it_is_left_alone(
    pipeline_world: PipelineWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from health_gate.adapters.pipeline_editor import CodePipelineEditor

    world = pipeline_world
    read = CodePipelineEditor.declaration
    reads = [0]

    def racing_read(editor: CodePipelineEditor, pipeline: str) -> dict[str, Any]:
        reads[0] += 1
        if reads[0] == 2:  # between the plan's read and the update: a teammate's change
            edited = declaration(world)
            world.codepipeline().update_pipeline(pipeline=edited)  # type: ignore[arg-type]
        return read(editor, pipeline)

    monkeypatch.setattr(CodePipelineEditor, "declaration", racing_read)
    code, _, err = run_drill(world, "--minutes", "10")
    assert code == 2
    assert "someone changed it meanwhile. Nothing was changed by this command." in err
    assert world.fake.calls_to("UpdatePipeline") == [world.fake.calls_to("UpdatePipeline")[0]]
    assert not any(world.fake.calls_to(op) for op in EDITS[1:])


# --- refusals and the dry run -----------------------------------------------------------------


def test_a_dry_run_prints_the_plan_and_changes_nothing(pipeline_world: PipelineWorld) -> None:
    world = pipeline_world
    code, out, _ = run_drill(world, "--minutes", "10", "--dry-run")
    assert code == 0
    assert "UpdatePipeline health-gate-demo (version 1):" in out
    assert "HealthGate/CheckAwsHealth UserParameters:" in out and "drillUntil" in out
    assert "DisableStageTransition Deploy (Inbound) for the drill" in out
    assert f"pinned to Source={world.baseline_revision}" in out
    assert not any(world.fake.calls_to(op) for op in EDITS)


def test_a_gate_sharing_its_stage_with_a_deployment_is_refused(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    shared = world.create_pipeline(shared_stage_declaration())
    code, _, err = run_drill(world, "--minutes", "10", pipeline=shared)
    assert code == 2
    assert "The gate shares stage Deploy with DeployStack" in err
    assert not any(world.fake.calls_to(op) for op in EDITS)


def test_a_v1_pipeline_is_refused_as_it_cannot_be_pinned(pipeline_world: PipelineWorld) -> None:
    world = pipeline_world
    v1 = world.create_pipeline(demo_declaration("health-gate-v1", pipeline_type="V1"))
    code, _, err = run_drill(world, pipeline=v1)
    assert code == 2
    assert "not a V2 pipeline" in err
    assert not any(world.fake.calls_to(op) for op in EDITS)


def test_a_pipeline_that_never_succeeded_is_refused(pipeline_world: PipelineWorld) -> None:
    world = pipeline_world
    fresh = world.create_pipeline(demo_declaration("health-gate-fresh"))
    code, _, err = run_drill(world, pipeline=fresh)
    assert code == 2
    assert "no successful execution to pin to" in err
    assert not any(world.fake.calls_to(op) for op in EDITS)


@pytest.mark.parametrize("minutes", ["0", "121"])
def test_minutes_outside_the_drill_limit_are_refused(
    pipeline_world: PipelineWorld, minutes: str
) -> None:
    code, _, err = run_drill(pipeline_world, "--minutes", minutes)
    assert code == 2
    assert "--minutes must be from 1 to 120" in err


def test_the_stack_outputs_name_the_function_table_and_dead_letter_queue(
    pipeline_world: PipelineWorld,
) -> None:
    import boto3

    world = pipeline_world
    # Given the gate's stack, with the outputs template.yaml declares
    sqs = boto3.client("sqs", region_name="us-east-1")
    dead_letters = sqs.create_queue(QueueName="health-gate-RetrierDeadLetterQueue")["QueueUrl"]
    sqs.send_message(QueueUrl=dead_letters, MessageBody="{}")
    outputs = {
        "HealthGateFunctionName": GATE_FUNCTION,
        "BlockedExecutionsTableName": TABLE,
        "RetrierDeadLetterQueueUrl": dead_letters,
    }
    template = {
        "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation", region_name="us-east-1").create_stack(
        StackName="health-gate", TemplateBody=json.dumps(template)
    )
    world.engine.break_link("stage-failed-rule")
    # When the drill is given only the pipeline
    out, err = io.StringIO(), io.StringIO()
    code = main(["drill", "--pipeline", world.pipeline, "--minutes", "5"], out=out, err=err)
    # Then it found its way from the stack, and a broken link points at the waiting messages
    assert code == 1, err.getvalue()
    assert "✘ record stored" in out.getvalue()
    assert "RetrierDeadLetterQueue holds 1 message(s)" in out.getvalue()


def test_a_stack_without_the_outputs_asks_for_the_names(pipeline_world: PipelineWorld) -> None:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["drill", "--pipeline", pipeline_world.pipeline, "--stack", "nope"], out=out, err=err
    )
    assert code == 2
    assert "Cannot read the outputs of stack nope" in err.getvalue()
    assert "--function and --table" in err.getvalue()


# --- the IAM policy the README gives for the drill -------------------------------------------

POLICY = Path(__file__).parents[2] / "examples" / "drill" / "drill-policy.json"
HANDLER_CALLS = {"DescribeEvents", "PutJobSuccessResult", "PutJobFailureResult"}
HANDLER_CALLS |= {"RetryStageExecution", "GetPipelineState", "GetPipelineExecution"}


def test_the_drill_policy_allows_every_call_the_drill_made_and_no_wildcard(
    pipeline_world: PipelineWorld,
) -> None:
    world = pipeline_world
    on_sleep(world, 3, lambda: (_ for _ in ()).throw(KeyboardInterrupt))
    run_drill(world, "--minutes", "10")  # the interrupted path makes every clean-up call
    run_drill(world, "--minutes", "5")
    statements = json.loads(POLICY.read_text())["Statement"]
    allowed = {action for s in statements for action in _listed(s["Action"])}
    made = {call.operation for call in world.fake.calls} - HANDLER_CALLS
    assert {f"codepipeline:{op}" for op in made} <= allowed
    # The reads and the one write outside CodePipeline (drill_reads.py, registry.give_up)
    assert {"dynamodb:GetItem", "dynamodb:UpdateItem", "cloudformation:DescribeStacks"} <= allowed
    assert {"sqs:GetQueueAttributes", "iam:PassRole"} <= allowed
    assert all("*" not in action for action in allowed)
    assert all(s["Resource"] != "*" for s in statements)


def _listed(action: str | list[str]) -> list[str]:
    return [action] if isinstance(action, str) else action


def test_an_error_while_following_still_cleans_up(pipeline_world: PipelineWorld) -> None:
    world = pipeline_world
    before = declaration(world)
    # Given a table name the drill cannot read (the retrier itself keeps working)
    out, err = io.StringIO(), io.StringIO()
    argv = ["drill", "--pipeline", world.pipeline, "--function", GATE_FUNCTION]
    code = main([*argv, "--table", "not-the-table", "--minutes", "10"], out=out, err=err)
    # Then the error is named, after the run was given up and the pipeline put back
    assert code == 2
    assert "DynamoDB table not-the-table did not answer" in err.getvalue()
    assert "Pipeline health-gate-demo restored as it was" in out.getvalue()
    left_as_found(world, before)
