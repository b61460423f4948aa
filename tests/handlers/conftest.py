"""Shared set-up for handler tests: sample events from events/, a cold container per test, the
JSON log lines the handlers write, and a fake clock for the wait loop."""

from __future__ import annotations

import copy
import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from health_gate import runtime
from health_gate.handlers.observability import logger
from health_gate.runtime import clock as runtime_clock
from tests.fakes.aws_fake import AwsFake, FakeCall
from tests.fakes.clock import FakeClock

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load_event(relative: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS / relative).read_text(encoding="utf-8"))
    return event


def only_report(fake: AwsFake) -> FakeCall:
    """The one PutJob*Result the invocation sent: every invocation must send exactly one."""
    reports = fake.reports()
    assert len(reports) == 1, f"expected exactly one report, got {[r.operation for r in reports]}"
    return reports[0]


def job_event(user_parameters: str | None, job_id: str | None = None) -> dict[str, Any]:
    """The recorded CodePipeline job event with other UserParameters (None drops the key)."""
    event = copy.deepcopy(load_event("codepipeline/job-json-params.json"))
    job = event["CodePipeline.job"]
    configuration = job["data"]["actionConfiguration"]["configuration"]
    if user_parameters is None:
        configuration.pop("UserParameters", None)
    else:
        configuration["UserParameters"] = user_parameters
    if job_id:
        job["id"] = job_id
    return event


@pytest.fixture(autouse=True)
def cold_container() -> Iterator[None]:
    """Each test starts like a new Lambda container: no cached clients or DNS answers."""
    runtime.reset()
    yield
    runtime.reset()


@pytest.fixture
def make_job_event() -> Callable[..., dict[str, Any]]:
    return job_event


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The handlers' JSON log lines, exactly as Lambda would ship them to CloudWatch."""
    stream = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


def log_records(log_lines: io.StringIO) -> list[dict[str, Any]]:
    """Each captured log line, parsed."""
    return [json.loads(line) for line in log_lines.getvalue().splitlines()]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The wait loop's clock: sleeping advances it at once."""
    fake = FakeClock()
    monkeypatch.setattr(runtime_clock, "system_clock", lambda: fake)
    return fake
