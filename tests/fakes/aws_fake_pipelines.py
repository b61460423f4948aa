"""The fake's declared pipelines: versioned declarations, executions and stage transitions.

A pipeline made with CreatePipeline is *declared*: GetPipeline, UpdatePipeline, the execution
calls and GetPipelineState answer from its declaration and its executions. The fake only records
what callers ask for (a start, a retry, a stop, a transition); `tests.fakes.pipeline_engine`
advances the executions between requests. Pipelines a test configured with
`set_action_executions` / `set_pipeline_state` keep answering from that configuration.

Where the botocore model lists no error for a case, the nearest listed code is used; each such
choice is marked "Assumption" below.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.aws_fake_health import paginate
from tests.fakes.aws_fake_model import AwsError, operation_model, to_wire

__all__ = [
    "ACCOUNT",
    "CALLER_ARN",
    "REGION",
    "ActionRun",
    "DeclaredPipeline",
    "DeclaredPipelines",
    "Execution",
    "StageRun",
    "StopRequest",
    "Transition",
]

ACCOUNT = "123456789012"
REGION = "us-east-1"
# Who the fake says changed a transition or started an execution (it does not resolve callers).
CALLER_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/health-gate-test/session"
ACTIVE = ("InProgress", "Stopping")


def wire(operation: str, value: Mapping[str, Any]) -> dict[str, Any]:
    """`value` as the operation's JSON output: only the model's members, times as epoch."""
    shape = operation_model("codepipeline", operation).output_shape
    assert shape is not None
    result: dict[str, Any] = to_wire(shape, value)
    return result


@dataclass
class Transition:
    """One stage's inbound or outbound transition."""

    enabled: bool = True
    changed_by: str | None = None
    changed_at: datetime | None = None
    reason: str | None = None

    def state(self) -> dict[str, Any]:
        """A `TransitionState`."""
        return {
            "enabled": self.enabled,
            "lastChangedBy": self.changed_by,
            "lastChangedAt": self.changed_at,
            "disabledReason": self.reason,
        }


@dataclass
class ActionRun:
    """One action execution: its `ActionExecutionDetail` (the very dict ListActionExecutions
    lists) and, for a Lambda action, the job the engine has open for it."""

    detail: dict[str, Any]
    job_id: str | None = None
    continuation: str | None = None  # the token of the job's last "still working" result
    invoked_tick: int = -1  # the engine tick that last invoked its function
    percent: int | None = None

    @property
    def status(self) -> str:
        return str(self.detail["status"])

    def finish(self, status: str, now: datetime, output: Mapping[str, Any] | None = None) -> None:
        self.detail["status"] = status
        self.detail["lastUpdateTime"] = now
        if output:
            self.detail["output"] = dict(output)

    def action_state(self) -> dict[str, Any]:
        """GetPipelineState's `ActionExecution` for this run."""
        result = self.detail.get("output", {}).get("executionResult", {})
        return {
            "actionExecutionId": self.detail["actionExecutionId"],
            "status": self.status,
            "summary": result.get("externalExecutionSummary"),
            "lastStatusChange": self.detail["lastUpdateTime"],
            "token": self.job_id,
            "externalExecutionId": result.get("externalExecutionId"),
            "percentComplete": self.percent,
            "errorDetails": result.get("errorDetails"),
        }


@dataclass
class StageRun:
    """One stage of one execution; `actions` holds the latest run of each action."""

    name: str
    status: str = "InProgress"
    actions: dict[str, ActionRun] = field(default_factory=dict)
    retry_mode: str | None = None  # a RetryStageExecution the engine has not acted on yet


@dataclass(frozen=True)
class StopRequest:
    abandon: bool
    reason: str


@dataclass
class Execution:
    """One pipeline execution. The engine moves `stage_index`: with `entering` set, the
    execution waits to enter that stage (its transitions may be disabled)."""

    id: str
    pipeline_version: int
    execution_mode: str
    started: datetime
    trigger: dict[str, str]
    overrides: list[dict[str, str]] = field(default_factory=list)
    status: str = "InProgress"
    updated: datetime | None = None
    source_revisions: list[dict[str, Any]] = field(default_factory=list)
    artifact_revisions: list[dict[str, Any]] = field(default_factory=list)
    stage_index: int = 0
    entering: bool = True
    stages: dict[str, StageRun] = field(default_factory=dict)
    stop: StopRequest | None = None
    waiting_noted: bool = False  # the engine logged that it waits at a disabled transition

    def touch(self, now: datetime, status: str | None = None) -> None:
        if status is not None:
            self.status = status
        self.updated = now

    def summary(self) -> dict[str, Any]:
        """A `PipelineExecutionSummary`."""
        return {
            "pipelineExecutionId": self.id,
            "status": self.status,
            "startTime": self.started,
            "lastUpdateTime": self.updated or self.started,
            "sourceRevisions": self.source_revisions,
            "trigger": self.trigger,
            "stopTrigger": {"reason": self.stop.reason} if self.stop else None,
            "executionMode": self.execution_mode,
            "executionType": "STANDARD",
        }

    def described(self, pipeline: str) -> dict[str, Any]:
        """A `PipelineExecution`."""
        return {
            "pipelineName": pipeline,
            "pipelineVersion": self.pipeline_version,
            "pipelineExecutionId": self.id,
            "status": self.status,
            "artifactRevisions": self.artifact_revisions,
            "trigger": self.trigger,
            "executionMode": self.execution_mode,
            "executionType": "STANDARD",
        }


@dataclass
class DeclaredPipeline:
    declaration: dict[str, Any]
    arn: str
    created: datetime
    updated: datetime
    history: dict[int, dict[str, Any]] = field(default_factory=dict)
    transitions: dict[tuple[str, str], Transition] = field(default_factory=dict)
    executions: dict[str, Execution] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # clientRequestToken -> execution ID

    @property
    def name(self) -> str:
        return str(self.declaration["name"])

    @property
    def version(self) -> int:
        return int(self.declaration["version"])

    @property
    def stages(self) -> list[dict[str, Any]]:
        stages: list[dict[str, Any]] = self.declaration["stages"]
        return stages

    def stage_index(self, name: str) -> int | None:
        names = [stage["name"] for stage in self.stages]
        return names.index(name) if name in names else None

    def transition(self, stage: str, kind: str) -> Transition:
        return self.transitions.setdefault((stage, kind), Transition())

    def open_into(self, index: int) -> bool:
        """Whether an execution may enter stage `index`: the first stage is always open."""
        if index == 0:
            return True
        before, stage = self.stages[index - 1]["name"], self.stages[index]["name"]
        return (
            self.transition(before, "Outbound").enabled
            and self.transition(stage, "Inbound").enabled
        )

    def newest_first(self) -> list[Execution]:
        # Stable: executions started in the same instant stay newest (last started) first.
        ordered = list(self.executions.values())[::-1]
        return sorted(ordered, key=lambda e: e.started, reverse=True)

    def metadata(self) -> dict[str, Any]:
        return {"pipelineArn": self.arn, "created": self.created, "updated": self.updated}


class DeclaredPipelines:
    """Every declared pipeline, and the operations on them. Callers hold the fake's lock."""

    def __init__(self, action_executions: dict[str, list[dict[str, Any]]]) -> None:
        self.pipelines: dict[str, DeclaredPipeline] = {}
        self.action_executions = action_executions  # shared with CodePipelineState
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.caller = CALLER_ARN

    def __contains__(self, name: object) -> bool:
        return name in self.pipelines

    def pipeline(self, name: str) -> DeclaredPipeline:
        if name not in self.pipelines:
            raise AwsError(
                "PipelineNotFoundException", f"Account does not have a pipeline with name '{name}'"
            )
        return self.pipelines[name]

    def execution(self, pipeline: DeclaredPipeline, execution_id: str) -> Execution:
        if execution_id not in pipeline.executions:
            raise AwsError(
                "PipelineExecutionNotFoundException",
                f"Pipeline execution with id '{execution_id}' does not exist in pipeline "
                f"with name '{pipeline.name}'",
            )
        return pipeline.executions[execution_id]

    # --- declarations -------------------------------------------------------------------------

    def create_pipeline(self, params: Mapping[str, Any]) -> dict[str, Any]:
        declaration = _declared(params["pipeline"], version=1)
        name = declaration["name"]
        if name in self.pipelines:
            raise AwsError("PipelineNameInUseException", f"Pipeline name '{name}' is in use")
        now = self.now()
        arn = f"arn:aws:codepipeline:{REGION}:{ACCOUNT}:{name}"
        pipeline = DeclaredPipeline(declaration, arn, now, now, {1: declaration})
        self.pipelines[name] = pipeline
        self.action_executions.setdefault(name, [])
        return wire("CreatePipeline", {"pipeline": declaration, "tags": params.get("tags")})

    def get_pipeline(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["name"])
        version = params.get("version", pipeline.version)
        if version not in pipeline.history:
            raise AwsError(
                "PipelineVersionNotFoundException",
                f"Pipeline '{pipeline.name}' has no version {version}",
            )
        return wire(
            "GetPipeline", {"pipeline": pipeline.history[version], "metadata": pipeline.metadata()}
        )

    def update_pipeline(self, params: Mapping[str, Any]) -> dict[str, Any]:
        given = params["pipeline"]
        if given["name"] not in self.pipelines:
            # Assumption: UpdatePipeline's model lists no PipelineNotFoundException.
            raise AwsError(
                "ValidationException", f"Account does not have a pipeline named '{given['name']}'"
            )
        pipeline = self.pipelines[given["name"]]
        if given.get("version") is not None and given["version"] != pipeline.version:
            # Assumption: AWS documents no version-conflict error for UpdatePipeline (its model's
            # InvalidStructureException is "invalid format"), so a stale version is modelled as
            # a ValidationException. A declaration without a version is taken as the latest.
            raise AwsError(
                "ValidationException",
                f"Pipeline '{pipeline.name}' is at version {pipeline.version}; the update was "
                f"made from version {given['version']}. Get the pipeline again and reapply it.",
            )
        declaration = _declared(given, version=pipeline.version + 1)
        pipeline.declaration = declaration
        pipeline.history[declaration["version"]] = declaration
        pipeline.updated = self.now()
        return wire("UpdatePipeline", {"pipeline": declaration})

    # --- executions ---------------------------------------------------------------------------

    def start_pipeline_execution(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["name"])
        token = params.get("clientRequestToken")
        if token is not None and token in pipeline.tokens:
            return {"pipelineExecutionId": pipeline.tokens[token]}  # idempotent retry
        overrides = [dict(o) for o in params.get("sourceRevisions") or []]
        _check_overrides(pipeline, overrides, bool(params.get("variables")))
        now = self.now()
        execution = Execution(
            id=str(uuid.uuid4()),
            pipeline_version=pipeline.version,
            execution_mode=pipeline.declaration.get("executionMode", "SUPERSEDED"),
            started=now,
            updated=now,
            trigger={"triggerType": "StartPipelineExecution", "triggerDetail": self.caller},
            overrides=overrides,
        )
        pipeline.executions[execution.id] = execution
        if token is not None:
            pipeline.tokens[token] = execution.id
        return {"pipelineExecutionId": execution.id}

    def stop_pipeline_execution(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["pipelineName"])
        execution = pipeline.executions.get(params["pipelineExecutionId"])
        abandon = bool(params.get("abandon", False))
        if execution is None or execution.status not in ACTIVE:
            # Assumption: StopPipelineExecution's model lists no execution-not-found error;
            # an unknown execution is "not stoppable" like a finished one.
            status = execution.status if execution else "unknown"
            raise AwsError(
                "PipelineExecutionNotStoppableException",
                f"Unable to stop pipeline execution {params['pipelineExecutionId']}: "
                f"its status is {status}",
            )
        # A stop-and-wait may be turned into an abandon; anything else is asked twice.
        upgrade = execution.stop is not None and not execution.stop.abandon and abandon
        if execution.status == "Stopping" and not upgrade:
            raise AwsError(
                "DuplicatedStopRequestException",
                f"Pipeline execution {execution.id} is already being stopped",
            )
        reason = params.get("reason") or (execution.stop.reason if execution.stop else "")
        execution.stop = StopRequest(abandon, reason)
        execution.touch(self.now(), "Stopping")
        return {"pipelineExecutionId": execution.id}

    def list_pipeline_executions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["pipelineName"])
        executions = pipeline.newest_first()
        succeeded_in = ((params.get("filter") or {}).get("succeededInStage") or {}).get("stageName")
        if succeeded_in is not None:
            executions = [
                e
                for e in executions
                if e.stages.get(succeeded_in) and e.stages[succeeded_in].status == "Succeeded"
            ]
        page, token = paginate(
            [e.summary() for e in executions],
            list(range(len(executions))),
            operation="ListPipelineExecutions",
            params=params,
            default_size=100,
            bad_token_code="InvalidNextTokenException",
        )
        return wire(
            "ListPipelineExecutions", {"pipelineExecutionSummaries": page, "nextToken": token}
        )

    def get_pipeline_execution(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["pipelineName"])
        execution = self.execution(pipeline, params["pipelineExecutionId"])
        described = execution.described(pipeline.name)
        return wire("GetPipelineExecution", {"pipelineExecution": described})

    def retry_stage_execution(self, params: Mapping[str, Any]) -> dict[str, Any]:
        pipeline = self.pipeline(params["pipelineName"])
        stage = params["stageName"]
        index = pipeline.stage_index(stage)
        if index is None:
            raise AwsError("StageNotFoundException", f"Stage '{stage}' not found in pipeline")
        execution = pipeline.executions.get(params["pipelineExecutionId"])
        run = execution.stages.get(stage) if execution else None
        failed = execution is not None and execution.status == "Failed"
        if execution is None or run is None or not failed or run.status != "Failed":
            # Assumption: an execution the pipeline does not know is "not retryable" as well.
            raise AwsError(
                "StageNotRetryableException",
                f"Stage '{stage}' of execution {params['pipelineExecutionId']} is not failed",
            )
        if any(
            other.started > execution.started and stage in other.stages
            for other in pipeline.executions.values()
        ):
            raise AwsError(
                "NotLatestPipelineExecutionException",
                f"A later execution has run stage '{stage}'",
            )
        run.retry_mode, run.status = params["retryMode"], "InProgress"
        execution.stage_index, execution.entering = index, False
        execution.touch(self.now(), "InProgress")
        return {"pipelineExecutionId": execution.id}

    def has_execution(self, pipeline: str, execution_id: str) -> bool:
        return execution_id in self.pipeline(pipeline).executions

    # --- transitions and state ----------------------------------------------------------------

    def disable_stage_transition(self, params: Mapping[str, Any]) -> None:
        transition = self._transition(params)
        transition.enabled, transition.reason = False, params["reason"]
        transition.changed_by, transition.changed_at = self.caller, self.now()

    def enable_stage_transition(self, params: Mapping[str, Any]) -> None:
        transition = self._transition(params)
        transition.enabled, transition.reason = True, None
        transition.changed_by, transition.changed_at = self.caller, self.now()

    def _transition(self, params: Mapping[str, Any]) -> Transition:
        pipeline = self.pipeline(params["pipelineName"])
        if pipeline.stage_index(params["stageName"]) is None:
            raise AwsError(
                "StageNotFoundException", f"Stage '{params['stageName']}' not found in pipeline"
            )
        return pipeline.transition(params["stageName"], params["transitionType"])

    def get_pipeline_state(self, name: str) -> dict[str, Any]:
        pipeline = self.pipeline(name)
        return wire(
            "GetPipelineState",
            {
                "pipelineName": name,
                "pipelineVersion": pipeline.version,
                "stageStates": [_stage_state(pipeline, i) for i in range(len(pipeline.stages))],
                "created": pipeline.created,
                "updated": pipeline.updated,
            },
        )


def _declared(given: Mapping[str, Any], *, version: int) -> dict[str, Any]:
    """The stored declaration: the request's, checked, with defaults and the new version."""
    declaration = copy.deepcopy(dict(given))
    declaration["version"] = version
    declaration.setdefault("pipelineType", "V1")  # the API's default when none is given
    declaration.setdefault("executionMode", "SUPERSEDED")
    _check_structure(declaration)
    return declaration


def _check_structure(declaration: Mapping[str, Any]) -> None:
    """A few of CodePipeline's structural rules (the fake does not know them all)."""
    stages = declaration["stages"]
    if len(stages) < 2:
        raise AwsError("InvalidStructureException", "A pipeline must contain at least two stages")
    names = [stage["name"] for stage in stages]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise AwsError("InvalidStageDeclarationException", f"Duplicate stage names {duplicates}")
    for index, stage in enumerate(stages):
        actions = [a["name"] for a in stage["actions"]]
        if not actions or len(set(actions)) != len(actions):
            raise AwsError(
                "InvalidActionDeclarationException",
                f"Stage '{stage['name']}' needs actions with unique names",
            )
        sources = [a for a in stage["actions"] if a["actionTypeId"]["category"] == "Source"]
        if len(sources) != (len(actions) if index == 0 else 0):
            raise AwsError(
                "InvalidActionDeclarationException",
                "Source actions belong in the first stage, and only there",
            )


def _check_overrides(
    pipeline: DeclaredPipeline, overrides: Iterable[Mapping[str, str]], has_variables: bool
) -> None:
    """Assumption: AWS documents no error for source revisions or variables on a V1 pipeline,
    nor for an override naming no source action; all are modelled as ValidationException."""
    overrides = list(overrides)
    if (overrides or has_variables) and pipeline.declaration["pipelineType"] != "V2":
        raise AwsError(
            "ValidationException",
            "sourceRevisions and variables can only be used with pipelines of type V2; "
            f"pipeline '{pipeline.name}' is V1",
        )
    sources = {a["name"] for a in pipeline.stages[0]["actions"]}
    for override in overrides:
        if override["actionName"] not in sources:
            raise AwsError(
                "ValidationException",
                f"sourceRevisions names action '{override['actionName']}', which is not a "
                f"source action of pipeline '{pipeline.name}' (those are {sorted(sources)})",
            )


def _stage_state(pipeline: DeclaredPipeline, index: int) -> dict[str, Any]:
    """GetPipelineState's `StageState` of one stage, from the executions that reached it."""
    declared = pipeline.stages[index]
    name = declared["name"]
    oldest_first = pipeline.newest_first()[::-1]
    entered = [e for e in oldest_first if name in e.stages]
    waiting = [
        {"pipelineExecutionId": e.id, "status": "InProgress"}
        for e in oldest_first
        if e.status in ACTIVE and e.entering and e.stage_index == index and index > 0
    ]
    inbound = pipeline.transition(name, "Inbound")
    state: dict[str, Any] = {
        "stageName": name,
        "actionStates": [_action_state(a["name"], name, entered) for a in declared["actions"]],
        "inboundTransitionState": inbound.state() if index > 0 or not inbound.enabled else None,
    }
    if entered:
        latest = entered[-1]
        state["latestExecution"] = {
            "pipelineExecutionId": latest.id,
            "status": latest.stages[name].status,
        }
    if waiting:
        state["inboundExecution"] = waiting[-1]
        state["inboundExecutions"] = waiting
    return state


def _action_state(action: str, stage: str, entered: list[Execution]) -> dict[str, Any]:
    for execution in reversed(entered):
        run = execution.stages[stage].actions.get(action)
        if run is not None:
            return {"actionName": action, "latestExecution": run.action_state()}
    return {"actionName": action}
