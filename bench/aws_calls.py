"""AWS calls per decision: every HTTP request the real handler sends to the local fake.

The fake records each request it receives, failed and retried ones included, so a retry storm
or a stray extra call shows up in the count.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tests.fakes.aws_fake import AwsFake

from bench.invoke import invoke_gate
from bench.report import Figure

__all__ = ["GATE_PARAMETERS", "SCENARIOS", "measure"]

GATE_PARAMETERS = {"regions": ["us-east-1", "global"]}
PAGE_SIZE = 100  # the adapter asks for the API's maximum page


def _healthy(fake: AwsFake) -> None:
    # Nothing open where the gate looks: a closed issue here, an open one elsewhere.
    fake.add_event(statusCode="closed", endTime=datetime.now(UTC))
    fake.add_event(region="eu-west-1", service="LAMBDA")


def _blocked(fake: AwsFake) -> None:
    fake.add_event(service="EC2")
    fake.add_event(service="CLOUDFRONT", region="global")


def _three_pages(fake: AwsFake) -> None:
    start = datetime.now(UTC) - timedelta(days=1)
    for n in range(2 * PAGE_SIZE + PAGE_SIZE // 2):
        fake.add_event(startTime=start + timedelta(seconds=n))


@dataclass(frozen=True)
class Scenario:
    key: str
    name: str
    seed: Callable[[AwsFake], None]
    expected: dict[str, int]


SCENARIOS = (
    Scenario(
        "aws_calls_healthy",
        "AWS calls, healthy decision",
        _healthy,
        {"DescribeEvents": 1, "PutJobSuccessResult": 1},
    ),
    Scenario(
        "aws_calls_blocked",
        "AWS calls, blocked decision",
        _blocked,
        {"DescribeEvents": 1, "PutJobFailureResult": 1},
    ),
    Scenario(
        "aws_calls_three_pages",
        "AWS calls, 3 pages of events",
        _three_pages,
        {"DescribeEvents": 3, "PutJobFailureResult": 1},
    ),
)


def _run(scenario: Scenario) -> Figure:
    with AwsFake() as fake:
        scenario.seed(fake)
        invoke_gate(fake.url, str(uuid.uuid4()), GATE_PARAMETERS)
        calls = fake.calls
    counts = Counter(call.operation for call in calls)
    failed = [f"{c.operation} {c.status} {c.error_code}" for c in calls if c.status != 200]
    expected_total = sum(scenario.expected.values())
    detail = " + ".join(f"{op} {n}" for op, n in sorted(counts.items()))
    return Figure(
        key=scenario.key,
        name=scenario.name,
        result=f"{len(calls)} ({detail})" + (f"; failed: {', '.join(failed)}" if failed else ""),
        target=f"{expected_total}",
        met=dict(counts) == scenario.expected and not failed,
        exact=True,
        data={"total": len(calls), "by_operation": dict(counts), "failed": failed},
    )


def measure() -> list[Figure]:
    return [_run(scenario) for scenario in SCENARIOS]
