"""Peak memory: RSS of a fresh interpreter that imports the gate and makes one decision on
10k events served by the local fake (100 DescribeEvents pages), as a cold 128 MB Lambda would."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from tests.fakes.aws_fake import AwsFake

from bench.aws_calls import GATE_PARAMETERS
from bench.invoke import invoke_gate
from bench.report import Figure

__all__ = ["measure"]

TARGET_MB = 100.0
EVENTS = 10_000
_REGIONS = ("us-east-1", "global")
_SERVICES = ("EC2", "LAMBDA", "S3", "CLOUDFORMATION", "RDS", "DYNAMODB", "IAM", "CLOUDFRONT")


def measure(events: int = EVENTS) -> Figure:
    start = datetime.now(UTC) - timedelta(days=30)
    with AwsFake() as fake:
        for n in range(events):
            service = _SERVICES[n % len(_SERVICES)]
            fake.add_event(
                service=service,
                eventTypeCode=f"AWS_{service}_OPERATIONAL_ISSUE",
                region=_REGIONS[n % len(_REGIONS)],
                startTime=start + timedelta(seconds=n),
            )
        result = invoke_gate(fake.url, str(uuid.uuid4()), GATE_PARAMETERS)
        reports = [call.operation for call in fake.reports()]
        pages = len(fake.calls_to("DescribeEvents"))
    if reports != ["PutJobFailureResult"]:
        raise RuntimeError(f"expected one blocked report, got {reports}")
    peak = result["rss_peak_mb"]
    return Figure(
        key="peak_memory",
        name=f"peak memory, {events // 1000}k-event decision",
        result=(
            f"{peak:.0f} MB peak RSS ({result['rss_after_import_mb']:.0f} MB after import; "
            f"{pages} pages, {result['invoke_cpu_ms'] / 1000:.1f} s CPU)"
        ),
        target=f"≤ {TARGET_MB:.0f} MB",
        met=peak <= TARGET_MB,
        data={**result, "events": events, "describe_events_pages": pages},
    )
