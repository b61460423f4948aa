"""Fixtures for code that runs over `runtime/`: a cold container per test, a fake clock, and
the JSON log lines the handlers write. The root conftest loads them for every test."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from health_gate import runtime
from health_gate.handlers.observability import logger
from health_gate.runtime import clock as runtime_clock
from tests.fakes.clock import FakeClock
from tests.fakes.events import job_event

__all__ = ["clock", "cold_container", "log_lines", "log_records", "make_job_event"]


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
    """The runtime's clock: sleeping advances it at once, and deadlines pass when it moves."""
    fake = FakeClock()
    monkeypatch.setattr(runtime_clock, "system_clock", lambda: fake)
    return fake
