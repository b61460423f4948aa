"""Retrier sweep: Health calls for 200 blocked executions that share 3 gate configurations.

The real retrier handler runs once on a scheduled-sweep event in a fresh interpreter, with its
registry in DynamoDB (moto's server on loopback) and Health and CodePipeline at the local fake.
The incident behind the first configuration has ended and the other two are still open, so
the sweep retries a third of the stages and keeps the rest. It must ask AWS Health once per
distinct configuration, never once per execution or per retry.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import boto3
from moto.server import ThreadedMotoServer
from tests.fakes.aws_fake import AwsFake
from tests.fakes.pipeline_runs import blocked_run

from bench.invoke import invoke
from bench.report import Figure
from health_gate.adapters.registry import DynamoBlockRegistry
from health_gate.retry.blocked import BlockedExecution

__all__ = ["CONFIGURATIONS", "measure"]

NAME = "retrier sweep, Health calls"
TARGET = "3"
RETRIER_HANDLER = "health_gate.handlers.retrier:handler"
TABLE = "health-gate-bench-blocked"
GATE_FUNCTION = "health-gate-HealthGateFunction-BENCH"
EXECUTIONS = 200
# Three UserParameters as three teams would write them; each asks AWS Health its own question.
CONFIGURATIONS = (
    '{"regions": ["us-east-1", "global"]}',
    '{"regions": ["eu-west-1"], "services": ["EC2", "LAMBDA"]}',
    '{"regions": ["us-west-2", "global"], "eventTypeCategories": ["issue", "scheduledChange"]}',
)
SCHEDULED_SWEEP = {
    "version": "0",
    "id": "5b1e6c43-0000-4000-8000-00000000bench",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "account": "123456789012",
    "time": "2026-11-23T18:00:00Z",
    "region": "us-east-1",
    "resources": ["arn:aws:events:us-east-1:123456789012:rule/health-gate-sweep"],
    "detail": {},
}


@contextmanager
def _dynamodb() -> Iterator[str]:
    """moto's DynamoDB on loopback, with the registry's table; yields its URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def _registry(url: str, create: bool = True) -> DynamoBlockRegistry:
    """The real DynamoBlockRegistry at `url`, on a new table unless `create` is False."""
    client = boto3.client(
        "dynamodb",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="bench",
        aws_secret_access_key="bench",  # noqa: S106 (dummy, for moto on loopback)
    )
    if create:
        client.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return DynamoBlockRegistry(client, TABLE)


def _seed(url: str, fake: AwsFake, executions: int) -> None:
    """Blocked records in the registry, and in the fake the gate runs that prove each block."""
    registry = _registry(url)
    now = datetime.now(UTC)
    for n in range(executions):
        pipeline, execution_id, attempt_id = (
            f"service-{n:03d}",
            str(uuid.uuid4()),
            str(uuid.uuid4()),
        )
        configuration = CONFIGURATIONS[n % len(CONFIGURATIONS)]
        started = now - timedelta(minutes=30, seconds=n)
        registry.register(
            BlockedExecution(
                pipeline=pipeline,
                stage="Deploy",
                execution_id=execution_id,
                attempt_ids=(attempt_id,),
                started=started,
                blocked_at=now - timedelta(minutes=29),
                user_parameters=(configuration,),
                lifetime_ends=started + timedelta(days=7),
            )
        )
        run = blocked_run(
            execution_id=execution_id,
            stage="Deploy",
            attempt_id=attempt_id,
            started=started,
            function_name=GATE_FUNCTION,
            user_parameters=configuration,
        )
        fake.set_action_executions(pipeline, [run])
    # Nothing open in us-east-1 or global any more: the first configuration is clear.
    fake.add_event(region="eu-west-1", service="LAMBDA")
    fake.add_event(region="us-west-2", service="S3")


def measure(executions: int = EXECUTIONS) -> Figure:
    with _dynamodb() as dynamodb_url, AwsFake() as fake:
        _seed(dynamodb_url, fake, executions)
        env = {
            "AWS_ENDPOINT_URL_HEALTH": fake.url,
            "AWS_ENDPOINT_URL_CODEPIPELINE": fake.url,
            "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
            "BLOCKED_EXECUTIONS_TABLE": TABLE,
            "HEALTH_GATE_FUNCTION_NAME": GATE_FUNCTION,
        }
        invoke(RETRIER_HANDLER, SCHEDULED_SWEEP, env)
        counts = Counter(call.operation for call in fake.calls)
        kept = len(_registry(dynamodb_url, create=False).blocked(datetime.now(UTC)))
    health = counts["DescribeEvents"] + counts["DescribeEventsForOrganization"]
    retried = counts["RetryStageExecution"]
    return Figure(
        key="retrier_sweep",
        name=NAME,
        result=(
            f"{health} for {executions} executions, {len(CONFIGURATIONS)} configurations "
            f"({retried} stages retried, {kept} kept)"
        ),
        target=TARGET,
        met=health == len(CONFIGURATIONS),
        exact=True,
        data={
            "executions": executions,
            "configurations": len(CONFIGURATIONS),
            "health_calls": health,
            "stages_retried": retried,
            "records_kept": kept,
            "fake_calls_by_operation": dict(counts),
        },
    )
