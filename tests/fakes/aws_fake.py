"""A local HTTP stand-in for the AWS Health and CodePipeline JSON APIs, for real boto3 clients.

moto implements neither Health nor CodePipeline's job, retry and action-execution calls, so the
tests point boto3 here through `AWS_ENDPOINT_URL_HEALTH` / `AWS_ENDPOINT_URL_CODEPIPELINE`.
It speaks AWS JSON 1.1 (`POST /`, `X-Amz-Target: <prefix>.<Operation>`), checks requests against
the botocore service models like AWS does, and answers errors as `{"__type", "message"}`.

Protocol note: both models list `smithy-rpc-v2-cbor` first, but botocore (1.44) prefers `json`
when a model offers both. A CBOR request is answered with a clear error rather than misread.
"""

from __future__ import annotations

import contextlib
import json
import threading
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.aws_fake_codepipeline import CodePipelineState, JobState
from tests.fakes.aws_fake_health import HealthState
from tests.fakes.aws_fake_http import JsonServer, credential_scope, lenient_json, strict_json
from tests.fakes.aws_fake_model import AwsError, error_status, validate_request
from tests.fakes.loopback import LoopbackServer

__all__ = ["AwsFake", "FakeCall"]

_TARGET_PREFIXES = {"AWSHealth_20160804": "health", "CodePipeline_20150709": "codepipeline"}
_OPERATIONS = {
    "DescribeEvents": "health",
    "DescribeEventsForOrganization": "health",
    "PutJobSuccessResult": "codepipeline",
    "PutJobFailureResult": "codepipeline",
    "ListActionExecutions": "codepipeline",
    "RetryStageExecution": "codepipeline",
    "GetPipelineState": "codepipeline",
    "CreatePipeline": "codepipeline",
    "GetPipeline": "codepipeline",
    "UpdatePipeline": "codepipeline",
    "StartPipelineExecution": "codepipeline",
    "StopPipelineExecution": "codepipeline",
    "ListPipelineExecutions": "codepipeline",
    "GetPipelineExecution": "codepipeline",
    "DisableStageTransition": "codepipeline",
    "EnableStageTransition": "codepipeline",
}
_REPORTS = ("PutJobSuccessResult", "PutJobFailureResult")
ANY_OPERATION = "*"


@dataclass
class FakeCall:
    """One request as received, and how the fake answered it."""

    service: str  # "health", "codepipeline", or "" when the target was not recognised
    operation: str
    params: dict[str, Any]
    headers: dict[str, str]  # lower-case names
    status: int = 0
    error_code: str | None = None

    @property
    def signing_region(self) -> str | None:
        """The region of the SigV4 credential scope (`Credential=AKID/date/REGION/svc/...`)."""
        scope = credential_scope(self.headers)
        return scope[2] if scope else None


@dataclass
class _Script:
    operation: str
    remaining: int
    fault: AwsError | None = None
    seconds: float = 0.0
    hang: bool = False  # never answer while the fake runs
    on_arrival: Callable[[], None] | None = None


@dataclass
class _Scripts:
    items: list[_Script] = field(default_factory=list)

    def take(self, operation: str) -> _Script | None:
        for script in self.items:
            if script.operation in (operation, ANY_OPERATION):
                script.remaining -= 1
                if script.remaining == 0:
                    self.items.remove(script)
                return script
        return None


class AwsFake(LoopbackServer):
    """The fake server. Starts on 127.0.0.1 at a free port; `close()` stops it and its threads.

    `signing_region`, when given, makes the fake reject requests signed for another region with
    403 InvalidSignatureException, as a regional AWS endpoint does.
    """

    def __init__(self, *, signing_region: str | None = None, health_page_size: int = 100) -> None:
        self.signing_region = signing_region
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._calls: list[FakeCall] = []
        self.internal_errors: list[str] = []  # tracebacks of fake bugs; fixtures fail on them
        self._faults = _Scripts()
        self._delays = _Scripts()
        self._hanging = 0
        self._health = HealthState()
        self._health.default_page_size = health_page_size
        self._pipeline = CodePipelineState()
        self._handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {
            "DescribeEvents": lambda p: self._health.describe("DescribeEvents", p),
            "DescribeEventsForOrganization": lambda p: self._health.describe(
                "DescribeEventsForOrganization", p
            ),
            "PutJobSuccessResult": self._pipeline.put_job_success_result,
            "PutJobFailureResult": self._pipeline.put_job_failure_result,
            "ListActionExecutions": self._pipeline.list_action_executions,
            "RetryStageExecution": self._pipeline.retry_stage_execution,
            "GetPipelineState": self._pipeline.get_pipeline_state,
            "CreatePipeline": self._pipeline.declared.create_pipeline,
            "GetPipeline": self._pipeline.declared.get_pipeline,
            "UpdatePipeline": self._pipeline.declared.update_pipeline,
            "StartPipelineExecution": self._pipeline.declared.start_pipeline_execution,
            "StopPipelineExecution": self._pipeline.declared.stop_pipeline_execution,
            "ListPipelineExecutions": self._pipeline.declared.list_pipeline_executions,
            "GetPipelineExecution": self._pipeline.declared.get_pipeline_execution,
            "DisableStageTransition": self._pipeline.declared.disable_stage_transition,
            "EnableStageTransition": self._pipeline.declared.enable_stage_transition,
        }
        self.url = self._serve(JsonServer(self.handle), name="aws-fake")

    # --- Health set-up ------------------------------------------------------------------------

    def add_event(self, **fields: Any) -> dict[str, Any]:
        """Store an API-shaped event and return it.

        Defaults: a generated arn, service EC2, eventTypeCode AWS_EC2_OPERATIONAL_ISSUE, category
        issue, region us-east-1, statusCode open, scope PUBLIC, startTime = lastUpdatedTime (or
        now), lastUpdatedTime = startTime. Times take a datetime or epoch seconds; None leaves a
        field out. Fake-only fields: `_accounts` (organization view), `_entities`.
        """
        with self._lock:
            return self._health.add_event(fields)

    def update_event(self, arn: str, **fields: Any) -> dict[str, Any]:
        """Change a stored event (e.g. close it), validated like `add_event`; returns it."""
        with self._lock:
            return self._health.update_event(arn, fields)

    def clear_events(self) -> None:
        with self._lock:
            self._health.events.clear()

    @property
    def events(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._health.events)

    # --- CodePipeline set-up ------------------------------------------------------------------

    def set_action_executions(self, pipeline: str, details: Sequence[Mapping[str, Any]]) -> None:
        """What ListActionExecutions returns for `pipeline` (sorted newest first by startTime)."""
        with self._lock:
            self._pipeline.set_action_executions(pipeline, details)

    def set_pipeline_state(self, pipeline: str, state: Mapping[str, Any]) -> None:
        """What GetPipelineState returns for `pipeline` (GetPipelineStateOutput members)."""
        with self._lock:
            self._pipeline.set_pipeline_state(pipeline, state)

    def set_job_state(self, job_id: str, state: JobState) -> None:
        """Jobs start InProgress implicitly; "Missing" makes CodePipeline not know the job."""
        with self._lock:
            self._pipeline.jobs[job_id] = state

    def job_state(self, job_id: str) -> JobState | None:
        with self._lock:
            return self._pipeline.jobs.get(job_id)

    @contextlib.contextmanager
    def codepipeline_state(self) -> Iterator[CodePipelineState]:
        """The CodePipeline side's state under the fake's lock, for a driver that advances
        declared pipelines between requests (tests.fakes.pipeline_engine). Keep it short, and
        never call the fake from inside: the lock is not re-entrant."""
        with self._lock:
            yield self._pipeline

    # --- scripted behaviour -------------------------------------------------------------------

    def fail_next(
        self,
        operation: str,
        code: str,
        *,
        status: int | None = None,
        message: str = "",
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls to `operation` ("*" for any) with error `code`.

        The status defaults to the model's (ConflictException 409) or AWS's common errors
        (ServiceUnavailable 503, InternalFailure 500), else 400 (ThrottlingException included).
        """
        self._check_script(operation, times)
        status = status if status is not None else error_status(code)
        fault = AwsError(code, message or f"{code} (scripted by the test)", status)
        with self._lock:
            self._faults.items.append(_Script(operation, times, fault=fault))

    def delay_next(self, operation: str, seconds: float, *, times: int = 1) -> None:
        """Sleep `seconds` before answering the next `times` calls to `operation` ("*": any)."""
        self._check_script(operation, times)
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self._delays.items.append(_Script(operation, times, seconds=seconds))

    def hang_next(
        self,
        operation: str,
        *,
        on_arrival: Callable[[], None] | None = None,
        times: int = 1,
    ) -> None:
        """Never answer the next `times` calls to `operation` ("*": any) while the fake runs.

        `on_arrival` runs when such a call arrives, before it hangs: a test moves its fake
        clock there ("the API takes 8 s"), so deadlines are tested without waiting for them.
        """
        self._check_script(operation, times)
        with self._lock:
            self._delays.items.append(_Script(operation, times, hang=True, on_arrival=on_arrival))

    @property
    def hanging(self) -> int:
        """How many calls are hanging now (see `hang_next`)."""
        with self._lock:
            return self._hanging

    @staticmethod
    def _check_script(operation: str, times: int) -> None:
        if operation != ANY_OPERATION and operation not in _OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}; known: {sorted(_OPERATIONS)}")
        if times < 1:
            raise ValueError("times must be >= 1")

    # --- what happened ------------------------------------------------------------------------

    @property
    def calls(self) -> list[FakeCall]:
        """Every request in arrival order, scripted faults and rejected requests included."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, operation: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.operation == operation]

    def reports(self) -> list[FakeCall]:
        """PutJobSuccessResult and PutJobFailureResult calls, in order."""
        return [call for call in self.calls if call.operation in _REPORTS]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    # --- life cycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop serving, end open connections and pending delays, and join every thread."""
        self._closing.set()
        super().close()

    # --- request handling (server threads) ----------------------------------------------------

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        """Answer one request: (HTTP status, JSON body; empty for operations without output)."""
        prefix, _, operation = headers.get("x-amz-target", "").partition(".")
        service = _TARGET_PREFIXES.get(prefix, "")
        call = FakeCall(service, operation, lenient_json(body), headers)
        with self._lock:
            self._calls.append(call)
        try:
            result = self._answer(call, body)
            status, payload = 200, b"" if result is None else json.dumps(result).encode()
        except AwsError as err:
            status, payload = err.status, _error_body(err)
            call.error_code = err.code
        except Exception as err:  # a bug in the fake: answer like AWS would, and keep it
            self.internal_errors.append(traceback.format_exc())
            status, payload = 500, _error_body(AwsError("InternalFailure", repr(err), 500))
            call.error_code = "InternalFailure"
        call.status = status
        return status, payload

    def _answer(self, call: FakeCall, body: bytes) -> dict[str, Any] | None:
        self._check_auth(call)
        if "smithy-protocol" in call.headers:
            raise AwsError("UnknownOperationException", "this fake speaks AWS JSON 1.1 only")
        if not call.service or _OPERATIONS.get(call.operation) != call.service:
            raise AwsError("UnknownOperationException", f"Unknown operation {call.operation!r}")
        with self._lock:
            delay = self._delays.take(call.operation)
            fault = self._faults.take(call.operation)
        if delay is not None and delay.hang:
            self._hang(delay)
        elif delay is not None:
            self._closing.wait(delay.seconds)
        if fault is not None and fault.fault is not None:
            raise fault.fault
        params = strict_json(body)
        validate_request(call.service, call.operation, params)
        with self._lock:
            return self._handlers[call.operation](params)

    def _hang(self, script: _Script) -> None:
        with self._lock:
            self._hanging += 1
        try:
            if script.on_arrival is not None:
                script.on_arrival()
            self._closing.wait()
        finally:
            with self._lock:
                self._hanging -= 1
        raise AwsError("ServiceUnavailable", "the fake closed while the call was hanging", 503)

    def _check_auth(self, call: FakeCall) -> None:
        if not call.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 "):
            raise AwsError(
                "MissingAuthenticationTokenException", "Missing Authentication Token", 403
            )
        scope = credential_scope(call.headers)
        if scope is None:
            raise AwsError("IncompleteSignatureException", "Authorization header is malformed", 400)
        if call.service and scope[3] != call.service:
            message = f"Credential should be scoped to correct service: '{call.service}'."
            raise AwsError("InvalidSignatureException", message, 403)
        if self.signing_region is not None and scope[2] != self.signing_region:
            message = f"Credential should be scoped to a valid region, not '{scope[2]}'."
            raise AwsError("InvalidSignatureException", message, 403)


def _error_body(err: AwsError) -> bytes:
    return json.dumps({"__type": err.code, "message": err.message}).encode()
