"""The `pipeline_world` fixture: the demo pipeline over the AWS fake and moto, run by a
`PipelineEngine` on a FakeClock, with one earlier successful execution to pin a drill to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from moto import mock_aws

from health_gate import runtime
from health_gate.runtime import clock as runtime_clock
from tests.fakes.aws_fake import AwsFake
from tests.fakes.aws_fake_pipelines import REGION
from tests.fakes.clock import FakeClock
from tests.fakes.moto_setup import blocked_executions_table, drain_chat, subscribed_queue
from tests.fakes.pipeline_declarations import DEMO_PIPELINE, GATE_FUNCTION, demo_declaration
from tests.fakes.pipeline_engine import TABLE, PipelineEngine

if TYPE_CHECKING:
    from mypy_boto3_codepipeline import CodePipelineClient

SWEEP_MINUTES = 5


@dataclass
class PipelineWorld:
    """The fake, the clock, the engine, moto's table and notification queue, and the demo
    pipeline with one earlier successful execution (`baseline`, at `baseline_revision`)."""

    fake: AwsFake
    clock: FakeClock
    engine: PipelineEngine
    dynamodb: Any
    sqs: Any
    queue_url: str
    topic_arn: str
    pipeline: str = DEMO_PIPELINE
    baseline: str = ""
    baseline_revision: str = ""
    titles: list[str] = field(default_factory=list)

    def codepipeline(self) -> CodePipelineClient:
        return self.engine.client()

    def create_pipeline(self, pipeline: Mapping[str, Any]) -> str:
        self.codepipeline().create_pipeline(pipeline=pipeline)  # type: ignore[arg-type]
        return str(pipeline["name"])

    def items(self) -> list[dict[str, Any]]:
        """Every record's item, open or closed (not the sweep's own bookkeeping item)."""
        items: list[dict[str, Any]] = self.dynamodb.scan(TableName=TABLE)["Items"]
        return [item for item in items if item["pk"]["S"] != "#sweep"]

    def records(self) -> list[dict[str, Any]]:
        """The open records (blocked, awaiting a retry)."""
        return [item for item in self.items() if item.get("state", {}).get("S") != "closed"]

    def notices(self) -> list[str]:
        """Event types of the Chatbot messages published since the last call."""
        return drain_chat(self.sqs, self.queue_url, self.titles)


def _baseline(world: PipelineWorld) -> None:
    """One successful run at the current head, then a new head: a drill can pin the old one."""
    engine = world.engine
    world.baseline = engine.start(world.pipeline)
    engine.run_until(lambda: engine.status(world.pipeline, world.baseline) == "Succeeded", 600)
    world.baseline_revision = engine.head_revision
    engine.new_revision()
    engine.forget()
    world.fake.clear_calls()


@pytest.fixture
def pipeline_world(aws_fake: AwsFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineWorld]:
    """The demo pipeline over the AWS fake and moto, driven by a `PipelineEngine`: the
    runtime's clock is the engine's, and sleeping on it outside a handler runs the engine."""
    clock = FakeClock(start=datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr(runtime_clock, "system_clock", lambda: clock)
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        blocked_executions_table(dynamodb, TABLE)
        sqs = boto3.client("sqs", region_name=REGION)
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="health-gate-NotificationsTopic-TEST")["TopicArn"]
        queue_url = subscribed_queue(sns, sqs, topic)
        monkeypatch.setenv("HEALTH_GATE_FUNCTION_NAME", GATE_FUNCTION)
        monkeypatch.setenv("BLOCKED_EXECUTIONS_TABLE", TABLE)
        monkeypatch.setenv("NOTIFICATIONS_TOPIC_ARN", topic)
        monkeypatch.setenv("SWEEP_INTERVAL_MINUTES", str(SWEEP_MINUTES))
        runtime.reset()
        engine = PipelineEngine(aws_fake, clock, sweep_minutes=SWEEP_MINUTES)
        world = PipelineWorld(aws_fake, clock, engine, dynamodb, sqs, queue_url, topic)
        world.create_pipeline(demo_declaration())
        _baseline(world)
        engine.drive_from_sleeps()
        yield world
    runtime.reset()
    if engine.failed_invocations:
        pytest.fail(
            "a handler raised under the engine:\n" + "\n".join(engine.failed_invocations),
            pytrace=False,
        )
