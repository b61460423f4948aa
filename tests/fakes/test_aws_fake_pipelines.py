"""The local AWS fake answers real boto3 clients about declared pipelines the way CodePipeline
does: declarations and versions, executions, stops, transitions, retries and state."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.fakes import pipeline_declarations
from tests.fakes.aws_fake import AwsFake
from tests.fakes.aws_fake_pipelines import CALLER_ARN, StageRun

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
APP = "health-gate-demo"
UNKNOWN_EXECUTION = "11111111-2222-3333-4444-555555555555"


def codepipeline() -> CodePipelineClient:
    return boto3.client("codepipeline", region_name="us-east-1", config=NO_RETRIES)


def demo_declaration(name: str, **options: Any) -> Any:
    """The engine's demo declaration (untyped: boto3's TypedDicts want literals)."""
    return pipeline_declarations.demo_declaration(name, **options)


def error_of(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def client(aws_fake: AwsFake) -> CodePipelineClient:
    """A client, and the demo pipeline (Source -> HealthGate -> Deploy, V2) declared."""
    cp = codepipeline()
    cp.create_pipeline(pipeline=demo_declaration(APP))
    return cp


def fail_stage(fake: AwsFake, execution_id: str, stage: str = "HealthGate") -> None:
    """What the engine leaves behind when a stage fails (the engine has its own tests)."""
    with fake.codepipeline_state() as state:
        execution = state.declared.pipelines[APP].executions[execution_id]
        execution.stages[stage] = StageRun(stage, status="Failed")
        execution.status, execution.entering = "Failed", False


# --- declarations -----------------------------------------------------------------------------


def test_a_created_pipeline_is_returned_with_version_1_and_metadata(
    client: CodePipelineClient,
) -> None:
    # When the pipeline is read back
    got = client.get_pipeline(name=APP)
    # Then its declaration is the one given, at version 1, with the pipeline's ARN and times
    pipeline = got["pipeline"]
    assert pipeline["version"] == 1 and pipeline["pipelineType"] == "V2"
    assert [s["name"] for s in pipeline["stages"]] == ["Source", "HealthGate", "Deploy"]
    gate = pipeline["stages"][1]["actions"][0]
    assert gate["actionTypeId"]["provider"] == "Lambda" and gate["namespace"] == "HealthGate"
    assert gate["configuration"]["UserParameters"] == '{"regions": ["us-east-1", "global"]}'
    assert got["metadata"]["pipelineArn"] == f"arn:aws:codepipeline:us-east-1:123456789012:{APP}"
    assert got["metadata"]["created"] == got["metadata"]["updated"]


def test_get_pipeline_errors(client: CodePipelineClient) -> None:
    with pytest.raises(ClientError) as unknown:
        client.get_pipeline(name="no-such-pipeline")
    with pytest.raises(ClientError) as no_version:
        client.get_pipeline(name=APP, version=2)
    with pytest.raises(ClientError) as taken:
        client.create_pipeline(pipeline=demo_declaration(APP))
    assert error_of(unknown) == ("PipelineNotFoundException", 400)
    assert error_of(no_version) == ("PipelineVersionNotFoundException", 400)
    assert error_of(taken) == ("PipelineNameInUseException", 400)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda p: p["stages"].pop(), None),  # two stages are enough
        (lambda p: p.update(stages=p["stages"][:1]), "InvalidStructureException"),
        (lambda p: p["stages"][1].update(name="Deploy"), "InvalidStageDeclarationException"),
        (
            lambda p: p["stages"][2]["actions"].append(p["stages"][0]["actions"][0]),
            "InvalidActionDeclarationException",
        ),
    ],
    ids=["two-stages", "one-stage", "duplicate-stage", "source-outside-first-stage"],
)
def test_create_pipeline_checks_the_structure(
    aws_fake: AwsFake, change: Any, code: str | None
) -> None:
    pipeline = demo_declaration("structure")
    change(pipeline)
    if code is None:
        codepipeline().create_pipeline(pipeline=pipeline)
        return
    with pytest.raises(ClientError) as excinfo:
        codepipeline().create_pipeline(pipeline=pipeline)
    assert error_of(excinfo) == (code, 400)


def test_update_pipeline_from_the_current_version_makes_the_next_one(
    client: CodePipelineClient,
) -> None:
    # Given the pipeline as GetPipeline returns it, with the gate's parameters changed
    pipeline = client.get_pipeline(name=APP)["pipeline"]
    drill = '{"regions": ["us-east-1"], "drillUntil": "2030-01-01T00:00:00Z"}'
    pipeline["stages"][1]["actions"][0]["configuration"]["UserParameters"] = drill
    # When it is updated
    updated = client.update_pipeline(pipeline=pipeline)["pipeline"]
    # Then the new declaration is version 2, and version 1 can still be read
    assert updated["version"] == 2
    current = client.get_pipeline(name=APP)
    assert current["pipeline"]["stages"][1]["actions"][0]["configuration"]["UserParameters"] == (
        drill
    )
    assert current["metadata"]["updated"] >= current["metadata"]["created"]
    first = client.get_pipeline(name=APP, version=1)["pipeline"]
    assert first["version"] == 1 and "drillUntil" not in str(first)


def test_update_pipeline_from_a_stale_version_is_refused(client: CodePipelineClient) -> None:
    # Given two edits made from the same version 1
    first = client.get_pipeline(name=APP)["pipeline"]
    second = copy.deepcopy(first)
    client.update_pipeline(pipeline=first)
    # When the second is applied
    with pytest.raises(ClientError) as excinfo:
        client.update_pipeline(pipeline=second)
    # Then it is refused (ValidationException: AWS documents no version-conflict error)
    assert error_of(excinfo) == ("ValidationException", 400)
    assert "at version 2" in str(excinfo.value) and "from version 1" in str(excinfo.value)
    assert client.get_pipeline(name=APP)["pipeline"]["version"] == 2


def test_update_pipeline_validates_against_the_model(client: CodePipelineClient) -> None:
    pipeline = client.get_pipeline(name=APP)["pipeline"]
    pipeline["stages"][1]["actions"][0]["name"] = "Check AWS Health"  # spaces are not allowed
    missing: Any = {**pipeline, "name": "no-such-pipeline"}
    with pytest.raises(ClientError) as invalid:
        client.update_pipeline(pipeline=pipeline)
    with pytest.raises(ClientError) as unknown:
        client.update_pipeline(pipeline=missing)
    assert error_of(invalid) == ("ValidationException", 400)
    assert "at 'pipeline.stages.member.actions.member.name'" in str(invalid.value)
    assert error_of(unknown) == ("ValidationException", 400)


# --- executions -------------------------------------------------------------------------------


def test_start_returns_a_new_execution_listed_newest_first(client: CodePipelineClient) -> None:
    # When two executions are started, one with a client request token, which is then reused
    first = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    token = "drill-2026-12-01"
    second = client.start_pipeline_execution(name=APP, clientRequestToken=token)
    again = client.start_pipeline_execution(name=APP, clientRequestToken=token)
    # Then each start made one execution (the token's repeat answers the same ID)
    assert uuid.UUID(first) and second["pipelineExecutionId"] == again["pipelineExecutionId"]
    summaries = client.list_pipeline_executions(pipelineName=APP)["pipelineExecutionSummaries"]
    assert [s["pipelineExecutionId"] for s in summaries] == [second["pipelineExecutionId"], first]
    assert summaries[0]["status"] == "InProgress"
    assert summaries[0]["trigger"] == {
        "triggerType": "StartPipelineExecution",
        "triggerDetail": CALLER_ARN,
    }
    assert summaries[0]["executionMode"] == "SUPERSEDED"


def test_start_with_source_revisions_needs_a_v2_pipeline_and_a_source_action(
    client: CodePipelineClient,
) -> None:
    pin: Any = {
        "actionName": "Source",
        "revisionType": "S3_OBJECT_VERSION_ID",
        "revisionValue": "v1",
    }
    not_a_source: Any = {**pin, "actionName": "CheckAwsHealth"}
    bad_type_pin: Any = {**pin, "revisionType": "TAG"}
    codepipeline().create_pipeline(pipeline=demo_declaration("legacy", pipeline_type="V1"))
    with pytest.raises(ClientError) as on_v1:
        client.start_pipeline_execution(name="legacy", sourceRevisions=[pin])
    with pytest.raises(ClientError) as not_source:
        client.start_pipeline_execution(name=APP, sourceRevisions=[not_a_source])
    with pytest.raises(ClientError) as bad_type:
        client.start_pipeline_execution(name=APP, sourceRevisions=[bad_type_pin])
    with pytest.raises(ClientError) as unknown:
        client.start_pipeline_execution(name="no-such-pipeline")
    assert error_of(on_v1) == ("ValidationException", 400) and "V2" in str(on_v1.value)
    assert error_of(not_source) == ("ValidationException", 400)
    assert "at 'sourceRevisions.member.revisionType'" in str(bad_type.value)
    assert error_of(unknown) == ("PipelineNotFoundException", 400)
    assert client.list_pipeline_executions(pipelineName=APP)["pipelineExecutionSummaries"] == []


def test_get_pipeline_execution(client: CodePipelineClient) -> None:
    execution = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    described = client.get_pipeline_execution(pipelineName=APP, pipelineExecutionId=execution)
    with pytest.raises(ClientError) as unknown:
        client.get_pipeline_execution(pipelineName=APP, pipelineExecutionId=UNKNOWN_EXECUTION)
    assert described["pipelineExecution"] == {
        "pipelineName": APP,
        "pipelineVersion": 1,
        "pipelineExecutionId": execution,
        "status": "InProgress",
        "artifactRevisions": [],
        "trigger": {"triggerType": "StartPipelineExecution", "triggerDetail": CALLER_ARN},
        "executionMode": "SUPERSEDED",
        "executionType": "STANDARD",
    }
    assert error_of(unknown) == ("PipelineExecutionNotFoundException", 400)


def test_list_pipeline_executions_paginates_and_filters(
    aws_fake: AwsFake, client: CodePipelineClient
) -> None:
    # Given three executions, the oldest of which succeeded in HealthGate
    ids = [client.start_pipeline_execution(name=APP)["pipelineExecutionId"] for _ in range(3)]
    with aws_fake.codepipeline_state() as state:
        state.declared.pipelines[APP].executions[ids[0]].stages["HealthGate"] = StageRun(
            "HealthGate", status="Succeeded"
        )
    paginator = client.get_paginator("list_pipeline_executions")
    # When they are listed two at a time, and filtered
    pages = list(paginator.paginate(pipelineName=APP, PaginationConfig={"PageSize": 2}))
    passed = client.list_pipeline_executions(
        pipelineName=APP, filter={"succeededInStage": {"stageName": "HealthGate"}}
    )
    # Then pages come newest first, and the filter keeps the one that passed the stage
    listed = [s["pipelineExecutionId"] for p in pages for s in p["pipelineExecutionSummaries"]]
    assert [len(p["pipelineExecutionSummaries"]) for p in pages] == [2, 1]
    assert listed == ids[::-1]
    assert [s["pipelineExecutionId"] for s in passed["pipelineExecutionSummaries"]] == ids[:1]


def test_stop_marks_stopping_and_refuses_what_cannot_be_stopped(
    aws_fake: AwsFake, client: CodePipelineClient
) -> None:
    execution = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    # When it is stopped (and wait), then again, then with abandon
    stopped = client.stop_pipeline_execution(
        pipelineName=APP, pipelineExecutionId=execution, reason="drill over"
    )
    with pytest.raises(ClientError) as twice:
        client.stop_pipeline_execution(pipelineName=APP, pipelineExecutionId=execution)
    client.stop_pipeline_execution(pipelineName=APP, pipelineExecutionId=execution, abandon=True)
    # Then it is Stopping, with its reason, and a second stop-and-wait is a duplicate
    assert stopped["pipelineExecutionId"] == execution
    (summary,) = client.list_pipeline_executions(pipelineName=APP)["pipelineExecutionSummaries"]
    assert summary["status"] == "Stopping" and summary["stopTrigger"] == {"reason": "drill over"}
    assert error_of(twice) == ("DuplicatedStopRequestException", 400)
    # And an execution that is not in progress, or unknown, cannot be stopped
    fail_stage(aws_fake, execution)
    for execution_id in (execution, UNKNOWN_EXECUTION):
        with pytest.raises(ClientError) as excinfo:
            client.stop_pipeline_execution(pipelineName=APP, pipelineExecutionId=execution_id)
        assert error_of(excinfo) == ("PipelineExecutionNotStoppableException", 400)
    with pytest.raises(ClientError) as long_reason:
        client.stop_pipeline_execution(
            pipelineName=APP, pipelineExecutionId=execution, reason="r" * 201
        )
    assert "at 'reason'" in str(long_reason.value)


# --- transitions and state --------------------------------------------------------------------


def test_disable_and_enable_stage_transition_show_in_the_pipeline_state(
    client: CodePipelineClient,
) -> None:
    # When the transition into Deploy is disabled
    client.disable_stage_transition(
        pipelineName=APP, stageName="Deploy", transitionType="Inbound", reason="health-gate drill"
    )
    disabled = client.get_pipeline_state(name=APP)["stageStates"]
    # Then GetPipelineState shows it, with who, when and why
    assert "inboundTransitionState" not in disabled[0]  # the first stage has no inbound one
    assert disabled[1]["inboundTransitionState"] == {"enabled": True}
    deploy = disabled[2]["inboundTransitionState"]
    assert deploy["enabled"] is False and deploy["disabledReason"] == "health-gate drill"
    assert deploy["lastChangedBy"] == CALLER_ARN
    assert isinstance(deploy["lastChangedAt"], dt.datetime)
    # When it is enabled again
    client.enable_stage_transition(pipelineName=APP, stageName="Deploy", transitionType="Inbound")
    enabled = client.get_pipeline_state(name=APP)["stageStates"][2]["inboundTransitionState"]
    assert enabled["enabled"] is True and "disabledReason" not in enabled


@pytest.mark.parametrize(
    ("kwargs", "error", "where"),
    [
        ({"reason": "drill: until 12:30"}, "ValidationException", "reason"),  # ":" not allowed
        ({"reason": "x" * 301}, "ValidationException", "reason"),
        ({"transitionType": "Sideways"}, "ValidationException", "transitionType"),
        ({"stageName": "Prod"}, "StageNotFoundException", None),
        ({"pipelineName": "no-such-pipeline"}, "PipelineNotFoundException", None),
    ],
)
def test_disable_stage_transition_errors(
    client: CodePipelineClient, kwargs: dict[str, str], error: str, where: str | None
) -> None:
    arguments: Any = {
        "pipelineName": APP,
        "stageName": "Deploy",
        "transitionType": "Inbound",
        "reason": "drill",
        **kwargs,
    }
    with pytest.raises(ClientError) as excinfo:
        client.disable_stage_transition(**arguments)
    assert error_of(excinfo) == (error, 400)
    if where:
        assert f"at '{where}'" in str(excinfo.value)


def test_retry_stage_execution_on_a_declared_pipeline(
    aws_fake: AwsFake, client: CodePipelineClient
) -> None:
    first = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    retry: Any = {
        "pipelineName": APP,
        "stageName": "HealthGate",
        "pipelineExecutionId": first,
        "retryMode": "FAILED_ACTIONS",
    }
    # Given a stage that has not failed, and one that does not exist
    with pytest.raises(ClientError) as not_failed:
        client.retry_stage_execution(**retry)
    with pytest.raises(ClientError) as no_stage:
        client.retry_stage_execution(**{**retry, "stageName": "Prod"})
    assert error_of(not_failed) == ("StageNotRetryableException", 400)
    assert error_of(no_stage) == ("StageNotFoundException", 400)
    # When the stage has failed, it can be retried: the execution is in progress again
    fail_stage(aws_fake, first)
    assert client.retry_stage_execution(**retry)["pipelineExecutionId"] == first
    described = client.get_pipeline_execution(pipelineName=APP, pipelineExecutionId=first)
    assert described["pipelineExecution"]["status"] == "InProgress"
    with pytest.raises(ClientError) as twice:
        client.retry_stage_execution(**retry)
    assert error_of(twice) == ("StageNotRetryableException", 400)
    # And once a later execution has run the stage, the older one is not the latest
    fail_stage(aws_fake, first)
    later = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    with aws_fake.codepipeline_state() as state:
        execution = state.declared.pipelines[APP].executions[later]
        execution.started += dt.timedelta(seconds=1)
        execution.stages["HealthGate"] = StageRun("HealthGate")
    with pytest.raises(ClientError) as stale:
        client.retry_stage_execution(**retry)
    assert error_of(stale) == ("NotLatestPipelineExecutionException", 400)


def test_list_action_executions_of_a_declared_pipeline(client: CodePipelineClient) -> None:
    execution = client.start_pipeline_execution(name=APP)["pipelineExecutionId"]
    listed = client.list_action_executions(
        pipelineName=APP, filter={"pipelineExecutionId": execution}
    )
    with pytest.raises(ClientError) as unknown:
        client.list_action_executions(
            pipelineName=APP, filter={"pipelineExecutionId": UNKNOWN_EXECUTION}
        )
    assert listed["actionExecutionDetails"] == []  # nothing ran yet: the engine runs actions
    assert error_of(unknown) == ("PipelineExecutionNotFoundException", 400)


def test_scripted_faults_reach_the_new_operations(
    aws_fake: AwsFake, client: CodePipelineClient
) -> None:
    aws_fake.fail_next("StartPipelineExecution", "ConflictException")
    with pytest.raises(ClientError) as excinfo:
        client.start_pipeline_execution(name=APP)
    assert error_of(excinfo) == ("ConflictException", 409)
    assert isinstance(excinfo.value, client.exceptions.ConflictException)
