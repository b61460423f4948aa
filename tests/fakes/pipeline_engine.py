"""CodePipeline's engine and EventBridge's delivery, played deterministically on a FakeClock.

The AWS fake only records what callers ask of a declared pipeline (a start, a retry, a stop, a
transition). `PipelineEngine.tick()` does the work, always from the test's thread and never
inside the fake's request thread (the fake answers under its lock, and the handlers call it):

- each execution in progress advances stage by stage until it must wait: a Source action
  succeeds at once with its revision; a Lambda action invokes the gate handler in-process with
  a new job ID and takes the outcome the gate reported to the fake (a continuation re-invokes
  on the next tick); any other action succeeds and is recorded in `deployed`;
- a disabled transition holds the execution before the stage, in progress;
- a failed stage fails the execution, and its "CodePipeline Stage Execution State Change"
  FAILED event goes to the retrier handler (inside an SNS record) once the tick's work is done;
- a stop ends the execution at the next tick; a retried stage re-runs on the next tick.

`run_for(seconds)` moves the clock, firing the tick (every `tick_seconds`) and the scheduled
sweep (every `sweep_minutes`) at their times. Everything that happened is in `log`.
"""

from __future__ import annotations

import contextlib
import copy
import json
import math
import traceback
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import boto3

from health_gate.handlers import gate, retrier
from tests.fakes.aws_fake import AwsFake
from tests.fakes.aws_fake_pipelines import (
    ACCOUNT,
    ACTIVE,
    REGION,
    ActionRun,
    DeclaredPipeline,
    DeclaredPipelines,
    Execution,
    StageRun,
)
from tests.fakes.clock import FakeClock, FakeClockContext
from tests.fakes.events import load_event
from tests.fakes.pipeline_declarations import ARTIFACT_BUCKET

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient


ResultShape = Literal["marker", "no-marker"]
Handler = Callable[[dict[str, Any], Any], Any]
LINKS = ("stage-failed-rule", "sweep-schedule")
LAMBDA_ATTEMPTS = 3  # an asynchronous invocation: the call and Lambda's two retries
RETRIER_FUNCTION = "health-gate-RetrierFunction-TEST"
TABLE = "health-gate-BlockedExecutionsTable-TEST"
SWEEP_MINUTES = 5


@dataclass(frozen=True)
class Deployment:
    """A non-Lambda, non-Source action that ran: what a blocked drill must never reach."""

    at: datetime
    pipeline: str
    execution_id: str
    stage: str
    action: str
    revision: str | None


@dataclass
class _Periodic:
    name: str
    period: float
    next_at: float  # clock offset
    action: Callable[[], object]


@dataclass(frozen=True)
class _Invoke:
    """Invoke a Lambda action's function (outside the fake's lock)."""

    run: ActionRun
    event: dict[str, Any]
    function_name: str
    what: str


@dataclass(frozen=True)
class _Delivery:
    link: str
    what: str
    event: dict[str, Any]


_Step = _Invoke | Literal["again"] | None


class PipelineEngine:
    """Plays CodePipeline for the fake's declared pipelines; see the module docstring.

    `result_shape` is how ListActionExecutions shows a Lambda action's PutJobFailureResult:
    "marker" (externalExecutionId = the gate's failureDetails.externalExecutionId, the message
    in the summary and in errorDetails{code = failure type}) or "no-marker" (a random
    externalExecutionId, the message in the summary only).
    """

    def __init__(
        self,
        fake: AwsFake,
        clock: FakeClock,
        *,
        result_shape: ResultShape = "marker",
        tick_seconds: float = 30.0,
        sweep_minutes: float = SWEEP_MINUTES,
        gate_handler: Handler = gate.handler,
        retrier_handler: Handler = retrier.handler,
        gate_timeout_ms: int = 300_000,
        retrier_timeout_ms: int = 60_000,
        retrier_name: str = RETRIER_FUNCTION,
    ) -> None:
        self.fake = fake
        self.clock = clock
        self.result_shape: ResultShape = result_shape
        self.gate_handler = gate_handler
        self.retrier_handler = retrier_handler
        self.gate_timeout_ms = gate_timeout_ms
        self.retrier_timeout_ms = retrier_timeout_ms
        self.retrier_name = retrier_name
        self.log: list[tuple[datetime, str]] = []
        self.deployed: list[Deployment] = []
        self.failed_invocations: list[str] = []  # tracebacks of handler invocations that raised
        self.broken: set[str] = set()
        self.ticks = 0
        self._revisions = 0
        self.head_revision = self.new_revision()
        self._outbox: list[_Delivery] = []
        self._periodic: list[_Periodic] = []
        self._busy = False  # a tick or a sweep is running: handlers may be sleeping inside
        self._driving = False  # run_for is moving the clock
        with fake.codepipeline_state() as state:
            state.declared.now = clock.now
        self.every(tick_seconds, self.tick, name="tick")
        self.every(sweep_minutes * 60, self.sweep, name="sweep")

    # --- driving ------------------------------------------------------------------------------

    def every(self, seconds: float, action: Callable[[], object], *, name: str = "") -> None:
        """Run `action` every `seconds` of fake time from now on, as `run_for` moves the clock."""
        if seconds <= 0:
            raise ValueError("seconds must be > 0")
        self._periodic.append(
            _Periodic(name or repr(action), seconds, self.clock.offset + seconds, action)
        )

    def run_for(self, seconds: float, until: Callable[[], bool] | None = None) -> bool:
        """Move the clock `seconds` ahead, firing periodic work (ticks, sweeps) at its times;
        stop early once `until()` holds. Returns whether it holds (True without `until`)."""
        target = self.clock.offset + seconds
        driving, self._driving = self._driving, True
        try:
            while until is None or not until():
                due = min((p.next_at for p in self._periodic), default=math.inf)
                if due > target:
                    self.clock.advance(max(0.0, target - self.clock.offset))
                    break
                self.clock.advance(max(0.0, due - self.clock.offset))
                self._fire_due()
        finally:
            self._driving = driving
        return until is None or until()

    def drive_from_sleeps(self) -> None:
        """From now on `clock.sleep(s)` called outside the engine's own work (a CLI polling
        the pipeline, say) is `run_for(s)`: ticks and sweeps happen while it sleeps. A handler
        sleeping inside a tick or a sweep, or a periodic action, only moves the clock."""
        plain = self.clock.sleep

        def sleep(seconds: float) -> None:
            if self._busy or self._driving:
                plain(seconds)
                return
            self.clock.sleeps.append(seconds)
            self.run_for(seconds)

        # An instance attribute: other FakeClocks keep the class's sleep.
        setattr(self.clock, "sleep", sleep)  # noqa: B010

    def run_until(self, condition: Callable[[], bool], within: float) -> None:
        """`run_for(within, until=condition)`, failing with the log's tail if it never holds."""
        if not self.run_for(within, until=condition):
            tail = "\n".join(f"  {at:%H:%M:%S} {what}" for at, what in self.log[-15:])
            raise AssertionError(f"not reached within {within} fake seconds; log tail:\n{tail}")

    def _fire_due(self) -> None:
        for periodic in list(self._periodic):
            if periodic.next_at <= self.clock.offset:
                while periodic.next_at <= self.clock.offset:  # a handler may have slept long
                    periodic.next_at += periodic.period
                periodic.action()

    @contextlib.contextmanager
    def _work(self, what: str) -> Iterator[None]:
        if self._busy:
            raise RuntimeError(f"{what} re-entered: do not drive the engine from a clock callback")
        self._busy = True
        try:
            yield
        finally:
            self._busy = False

    def tick(self) -> None:
        """Advance every execution in progress as far as it can go, then deliver events."""
        with self._work("tick()"):
            self.ticks += 1
            for pipeline, execution_id in self._active():
                self._advance(pipeline, execution_id)
            outbox, self._outbox = self._outbox, []
            for delivery in outbox:
                self._deliver(delivery)

    def sweep(self) -> None:
        """The schedule's rule invokes the retrier directly (events/retrier/scheduled-sweep)."""
        with self._work("sweep()"):
            event = copy.deepcopy(load_event("retrier/scheduled-sweep.json"))
            event["id"] = str(uuid.uuid4())
            event["time"] = _iso(self.clock.now())
            self._deliver(_Delivery("sweep-schedule", "scheduled sweep", event))

    def break_link(self, link: str) -> None:
        """Deliveries over `link` vanish silently from now on (as with a bad KMS key policy)."""
        if link not in LINKS:
            raise ValueError(f"unknown link {link!r}; known: {LINKS}")
        self.broken.add(link)

    def mend_link(self, link: str) -> None:
        self.broken.discard(link)

    # --- conveniences -------------------------------------------------------------------------

    def new_revision(self) -> str:
        """A new head revision: what a Source action picks up unless the start pins one."""
        self._revisions += 1
        self.head_revision = f"{self._revisions:04d}{uuid.uuid4().hex[:28]}"
        return self.head_revision

    def client(self) -> CodePipelineClient:
        return boto3.client("codepipeline", region_name=REGION, endpoint_url=self.fake.url)

    def start(self, pipeline: str, source_revisions: list[dict[str, str]] | None = None) -> str:
        """StartPipelineExecution through the API, as a person or a CLI would."""
        extra: Any = {"sourceRevisions": source_revisions} if source_revisions else {}
        return self.client().start_pipeline_execution(name=pipeline, **extra)["pipelineExecutionId"]

    def status(self, pipeline: str, execution_id: str) -> str:
        with self.fake.codepipeline_state() as state:
            return state.declared.pipelines[pipeline].executions[execution_id].status

    def stage_status(self, pipeline: str, execution_id: str, stage: str) -> str | None:
        with self.fake.codepipeline_state() as state:
            run = state.declared.pipelines[pipeline].executions[execution_id].stages.get(stage)
            return None if run is None else run.status

    def said(self, text: str) -> list[str]:
        """The log entries containing `text`."""
        return [what for _, what in self.log if text in what]

    def forget(self) -> None:
        """Forget what happened so far (a fixture's set-up): the log and `deployed`."""
        self.log.clear()
        self.deployed.clear()

    def _note(self, what: str) -> None:
        self.log.append((self.clock.now(), what))

    # --- executions ---------------------------------------------------------------------------

    def _active(self) -> list[tuple[str, str]]:
        """Executions in progress, oldest first; ties by pipeline, then in the order started."""
        with self.fake.codepipeline_state() as state:
            found = [
                (execution.started, pipeline.name, execution.id)
                for pipeline in state.declared.pipelines.values()
                for execution in pipeline.executions.values()
                if execution.status in ACTIVE
            ]
        found.sort(key=lambda item: item[0])  # stable
        return [(name, execution_id) for _, name, execution_id in found]

    def _advance(self, pipeline: str, execution_id: str) -> None:
        for _ in range(1000):
            with self.fake.codepipeline_state() as state:
                declared = state.declared
                target = declared.pipelines[pipeline]
                step = self._step(declared, target, target.executions[execution_id])
            if step is None:
                return
            if isinstance(step, _Invoke):
                self._invoke(step)
        raise RuntimeError(f"execution {execution_id} never settled")

    def _step(self, declared: DeclaredPipelines, p: DeclaredPipeline, ex: Execution) -> _Step:
        if ex.status == "Stopping":
            return self._stopping(p, ex)
        if ex.status != "InProgress":
            return None
        if ex.stage_index >= len(p.stages):  # its stage was removed by an update
            self._finish(p, ex, "Succeeded")
            return None
        stage = p.stages[ex.stage_index]
        run = self._enter(p, ex, stage["name"])
        if run is None:
            return None
        outcome = self._run_actions(declared, p, ex, stage, run)
        if outcome == "Failed":
            run.status = "Failed"
            self._outbox.append(self._stage_failed(p, ex, run.name))
            self._finish(p, ex, "Failed", f"stage {run.name} failed")
            return None
        if outcome == "Succeeded":
            run.status = "Succeeded"
            self._note(f"{p.name} {ex.id} {run.name} succeeded")
            if ex.stage_index == len(p.stages) - 1:
                self._finish(p, ex, "Succeeded")
                return None
            ex.stage_index, ex.entering = ex.stage_index + 1, True
            return "again"
        return outcome

    def _enter(self, p: DeclaredPipeline, ex: Execution, name: str) -> StageRun | None:
        """The stage's run, entering it first if its transitions let the execution in."""
        if ex.entering:
            if not p.open_into(ex.stage_index):
                if not ex.waiting_noted:
                    self._note(f"{p.name} {ex.id} waits at the disabled transition into {name}")
                    ex.waiting_noted = True
                return None
            ex.entering, ex.waiting_noted = False, False
            ex.stages[name] = StageRun(name)
            self._note(f"{p.name} {ex.id} entered {name}")
        run = ex.stages[name]
        if run.retry_mode is not None:  # RetryStageExecution: new runs of the failed actions
            self._note(f"{p.name} {ex.id} retries {name} ({run.retry_mode})")
            if run.retry_mode == "ALL_ACTIONS":
                run.actions.clear()
            else:
                run.actions = {k: a for k, a in run.actions.items() if a.status != "Failed"}
            run.retry_mode = None
        return run

    def _finish(self, p: DeclaredPipeline, ex: Execution, status: str, why: str = "") -> None:
        ex.touch(self.clock.now(), status)
        self._note(f"{p.name} {ex.id} {status.lower()}" + (f": {why}" if why else ""))

    def _run_actions(
        self,
        declared: DeclaredPipelines,
        p: DeclaredPipeline,
        ex: Execution,
        stage: Mapping[str, Any],
        run: StageRun,
    ) -> _Invoke | Literal["Failed", "Succeeded"] | None:
        """Run order groups one after the other; the actions of a group side by side."""
        for group in _groups(stage["actions"]):
            for action in group:
                attempt = run.actions.get(action["name"])
                if attempt is None:
                    attempt = self._new_run(declared, p, ex, stage["name"], action)
                    run.actions[action["name"]] = attempt
                    step = self._begin(p, ex, stage["name"], action, attempt)
                    if step is not None:
                        return step
                elif attempt.status == "InProgress" and attempt.invoked_tick < self.ticks:
                    return self._invoke_step(p, ex, stage["name"], action, attempt)
            statuses = {run.actions[a["name"]].status for a in group}
            if "InProgress" in statuses:
                return None
            if statuses - {"Succeeded"}:
                return "Failed"
        return "Succeeded"

    def _begin(
        self,
        p: DeclaredPipeline,
        ex: Execution,
        stage: str,
        action: Mapping[str, Any],
        attempt: ActionRun,
    ) -> _Invoke | None:
        type_id = action["actionTypeId"]
        if type_id["category"] == "Source":
            self._source(p, ex, action, attempt)
            return None
        if type_id["provider"] == "Lambda":
            return self._invoke_step(p, ex, stage, action, attempt)
        now = self.clock.now()
        summary = f"{type_id['provider']} {type_id['category']} action ran"
        result = {"externalExecutionId": str(uuid.uuid4()), "externalExecutionSummary": summary}
        attempt.finish("Succeeded", now, {"executionResult": result})
        revision = ex.source_revisions[0]["revisionId"] if ex.source_revisions else None
        self.deployed.append(Deployment(now, p.name, ex.id, stage, action["name"], revision))
        self._note(f"{p.name} {ex.id} deployed {stage}/{action['name']} at {revision}")
        return None

    def _new_run(
        self,
        declared: DeclaredPipelines,
        p: DeclaredPipeline,
        ex: Execution,
        stage: str,
        action: Mapping[str, Any],
    ) -> ActionRun:
        now = self.clock.now()
        configuration = dict(action.get("configuration") or {})
        detail: dict[str, Any] = {
            "pipelineExecutionId": ex.id,
            "actionExecutionId": str(uuid.uuid4()),
            "pipelineVersion": p.version,
            "stageName": stage,
            "actionName": action["name"],
            "startTime": now,
            "lastUpdateTime": now,
            "status": "InProgress",
            "input": {
                "actionTypeId": dict(action["actionTypeId"]),
                "configuration": configuration,
                "resolvedConfiguration": dict(configuration),
                "region": action.get("region", REGION),
                "inputArtifacts": [
                    {"name": a["name"], "s3location": _s3(p.name, a["name"])}
                    for a in action.get("inputArtifacts") or []
                ],
                "namespace": action.get("namespace"),
            },
        }
        # Newest first, as ListActionExecutions lists them.
        declared.action_executions.setdefault(p.name, []).insert(0, detail)
        return ActionRun(detail)

    def _source(
        self, p: DeclaredPipeline, ex: Execution, action: Mapping[str, Any], attempt: ActionRun
    ) -> None:
        now = self.clock.now()
        name = action["name"]
        pinned = next((o for o in ex.overrides if o["actionName"] == name), None)
        revision = pinned["revisionValue"] if pinned else self.head_revision
        summary = f"{pinned['revisionType']} {revision}" if pinned else f"Latest: {revision}"
        ex.source_revisions = [r for r in ex.source_revisions if r["actionName"] != name]
        ex.source_revisions.append(
            {"actionName": name, "revisionId": revision, "revisionSummary": summary}
        )
        artifacts = [a["name"] for a in action.get("outputArtifacts") or []]
        ex.artifact_revisions = [r for r in ex.artifact_revisions if r["name"] not in artifacts]
        ex.artifact_revisions += [
            {"name": a, "revisionId": revision, "revisionSummary": summary, "created": now}
            for a in artifacts
        ]
        output = {
            "executionResult": {
                "externalExecutionId": revision,
                "externalExecutionSummary": summary,
            },
            "outputArtifacts": [{"name": a, "s3location": _s3(p.name, a)} for a in artifacts],
        }
        attempt.finish("Succeeded", now, output)
        self._note(f"{p.name} {ex.id} source {name} at {revision}")

    def _stopping(self, p: DeclaredPipeline, ex: Execution) -> _Step:
        """Stop and wait lets the actions in progress finish and starts nothing new; stop and
        abandon gives them up. Either way the execution ends Stopped."""
        assert ex.stop is not None
        stage: dict[str, Any] = {"name": "", "actions": []}
        if ex.stage_index < len(p.stages):
            stage = p.stages[ex.stage_index]
        run = None if ex.entering else ex.stages.get(stage["name"])
        busy = {
            name: attempt
            for name, attempt in (run.actions.items() if run else ())
            if attempt.status == "InProgress"
        }
        if busy and not ex.stop.abandon:
            for action in stage["actions"]:
                attempt = busy.get(action["name"])
                if attempt is not None and attempt.invoked_tick < self.ticks:
                    return self._invoke_step(p, ex, stage["name"], action, attempt)
            return None
        now = self.clock.now()
        for attempt in busy.values():
            attempt.finish("Abandoned", now)
        if run is not None and run.status == "InProgress":
            run.status = "Stopped"
        self._finish(p, ex, "Stopped", ex.stop.reason or "stopped")
        return None

    # --- Lambda actions -----------------------------------------------------------------------

    def _invoke_step(
        self,
        p: DeclaredPipeline,
        ex: Execution,
        stage: str,
        action: Mapping[str, Any],
        attempt: ActionRun,
    ) -> _Invoke:
        """Open a new job for the action, built from its declaration as it is now."""
        configuration = dict(action.get("configuration") or {})
        attempt.job_id = str(uuid.uuid4())
        attempt.invoked_tick = self.ticks
        attempt.detail["input"]["configuration"] = configuration
        attempt.detail["input"]["resolvedConfiguration"] = dict(configuration)
        event = _job_event(attempt.job_id, action, configuration, ex, attempt.continuation)
        what = f"{p.name} {ex.id} {stage}/{action['name']} job {attempt.job_id}"
        self._note(f"invoke {configuration.get('FunctionName', '?')} for {what}")
        return _Invoke(attempt, event, str(configuration.get("FunctionName", "")), what)

    def _invoke(self, step: _Invoke) -> None:
        self._call(
            self.gate_handler, step.event, step.function_name, step.what, self.gate_timeout_ms
        )
        assert step.run.job_id is not None
        report = self._report(step.run.job_id)
        with self.fake.codepipeline_state():
            if step.run.status == "InProgress":  # not abandoned meanwhile
                self._apply(step, report)

    def _report(self, job_id: str) -> tuple[str, dict[str, Any]] | None:
        reports = [
            (call.operation, call.params)
            for call in self.fake.reports()
            if call.status == 200 and call.params.get("jobId") == job_id
        ]
        return reports[-1] if reports else None

    def _apply(self, step: _Invoke, report: tuple[str, dict[str, Any]] | None) -> None:
        now, attempt = self.clock.now(), step.run
        if report is None:
            message = (
                f"The function did not report job {attempt.job_id}; CodePipeline would time it out."
            )
            error = {"code": "JobFailed", "message": message}
            failed = {"externalExecutionSummary": message, "errorDetails": error}
            attempt.finish("Failed", now, {"executionResult": failed})
            self._note(f"no report for {step.what}: failed")
            return
        operation, params = report
        if operation == "PutJobFailureResult":
            failure = params["failureDetails"]
            attempt.finish("Failed", now, {"executionResult": self._failure_result(failure)})
            self._note(f"{step.what} failed ({failure['type']}): {failure['message'][:80]}")
            return
        details = params.get("executionDetails") or {}
        if params.get("continuationToken"):
            attempt.continuation = params["continuationToken"]
            attempt.percent = details.get("percentComplete")
            attempt.detail["lastUpdateTime"] = now
            self._note(f"{step.what} continues ({attempt.percent}%)")
            return
        external = details.get("externalExecutionId")
        if external is None and self.result_shape == "no-marker":
            external = str(uuid.uuid4())
        result: dict[str, Any] = {
            "externalExecutionId": external,
            "externalExecutionSummary": details.get("summary"),
        }
        output = {"executionResult": result, "outputVariables": params.get("outputVariables")}
        attempt.continuation, attempt.percent = None, None
        attempt.finish("Succeeded", now, output)
        self._note(f"{step.what} succeeded")

    def _failure_result(self, failure: Mapping[str, Any]) -> dict[str, Any]:
        message = failure["message"]
        if self.result_shape == "marker":
            return {
                "externalExecutionId": failure.get("externalExecutionId"),
                "externalExecutionSummary": message,
                "errorDetails": {"code": failure["type"], "message": message},
            }
        return {"externalExecutionId": str(uuid.uuid4()), "externalExecutionSummary": message}

    # --- deliveries ---------------------------------------------------------------------------

    def _stage_failed(self, p: DeclaredPipeline, ex: Execution, stage: str) -> _Delivery:
        """EventBridge's stage FAILED event, as the rule forwards it through the SNS topic."""
        now = self.clock.now()
        event = copy.deepcopy(load_event("retrier/sns-stage-failed-eventbridge.json"))
        sns = event["Records"][0]["Sns"]
        message = json.loads(sns["Message"])
        message.update(id=str(uuid.uuid4()), time=_iso(now), resources=[p.arn])
        message["detail"].update(
            {
                "pipeline": p.name,
                "execution-id": ex.id,
                "start-time": _iso(ex.started, millis=True),
                "stage": stage,
                "state": "FAILED",
                "version": float(p.version),
            }
        )
        sns.update(
            Message=json.dumps(message), MessageId=str(uuid.uuid4()), Timestamp=_iso(now, True)
        )
        return _Delivery("stage-failed-rule", f"stage-failed {p.name} {ex.id} {stage}", event)

    def _deliver(self, delivery: _Delivery) -> None:
        if delivery.link in self.broken:
            self._note(f"{delivery.what} dropped: {delivery.link} is broken")
            return
        self._note(f"{delivery.what} delivered to the retrier")
        self._call(
            self.retrier_handler,
            delivery.event,
            self.retrier_name,
            delivery.what,
            self.retrier_timeout_ms,
        )

    def _call(
        self, handler: Handler, event: dict[str, Any], function: str, what: str, timeout_ms: int
    ) -> None:
        """An asynchronous Lambda invocation: an exception makes Lambda retry it, twice."""
        for attempt in range(1, LAMBDA_ATTEMPTS + 1):
            context = FakeClockContext(self.clock, timeout_ms)
            context.function_name = function
            context.aws_request_id = str(uuid.uuid4())
            context.invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{function}"
            try:
                handler(event, context)
                return
            except Exception:
                self.failed_invocations.append(traceback.format_exc())
                self._note(f"{function} raised on {what} (attempt {attempt})")


def _groups(actions: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    orders = sorted({a.get("runOrder", 1) for a in actions})
    return [[a for a in actions if a.get("runOrder", 1) == order] for order in orders]


def _s3(pipeline: str, artifact: str) -> dict[str, str]:
    return {"bucket": ARTIFACT_BUCKET, "key": f"{pipeline[:20]}/{artifact[:10]}/Xb3kQ9Z"}


def _iso(moment: datetime, millis: bool = False) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds" if millis else "seconds")
    return text.replace("+00:00", "Z")


def _job_event(
    job_id: str,
    action: Mapping[str, Any],
    configuration: Mapping[str, str],
    ex: Execution,
    continuation: str | None,
) -> dict[str, Any]:
    """events/codepipeline/job-json-params.json for this job: the action's configuration as
    declared now, its artifacts at the execution's revisions, and the continuation token."""
    event = copy.deepcopy(load_event("codepipeline/job-json-params.json"))
    job = event["CodePipeline.job"]
    job["id"] = job_id
    data = job["data"]
    data["actionConfiguration"]["configuration"] = dict(configuration)
    template = data["inputArtifacts"][0]
    revisions = {r["name"]: r["revisionId"] for r in ex.artifact_revisions}
    data["inputArtifacts"] = [
        {**copy.deepcopy(template), "name": a["name"], "revision": revisions.get(a["name"])}
        for a in action.get("inputArtifacts") or []
    ]
    data["outputArtifacts"] = [
        {**copy.deepcopy(template), "name": a["name"], "revision": None}
        for a in action.get("outputArtifacts") or []
    ]
    if continuation is not None:
        data["continuationToken"] = continuation
    return event
