"""Decision core scale: CPU time to turn N recorded-shape event dicts into a decision.

The dicts have the shape of events/health/*.json (the DescribeEvents `Event` with ISO 8601
times, as the CLI's --events-file reads them). The measured path is the one every decision
takes: `HealthEvent.from_api` on each dict, then `decide_events`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.report import Figure
from health_gate.config.settings import GateSettings
from health_gate.verdict.decision import decide_events
from health_gate.verdict.events import HealthEvent

__all__ = ["SIZES", "measure", "recorded_events"]

SIZES = (1_000, 10_000, 100_000)
REFERENCE = 10_000
TARGET_10K_MS = 50.0
TARGET_FLATNESS = 1.5
SETTINGS = GateSettings(regions=("us-east-1", "global"))
NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)

_REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "global")
_SERVICES = ("EC2", "LAMBDA", "S3", "CLOUDFORMATION", "RDS", "DYNAMODB", "IAM", "CLOUDFRONT")
_CATEGORIES = ("issue", "issue", "accountNotification", "scheduledChange")
_STATUSES = ("open", "open", "closed", "upcoming")


def recorded_events(count: int, seed: int = 5) -> list[dict[str, Any]]:
    """`count` distinct events in the recorded shape; about one in seven blocks."""
    rng = random.Random(seed)
    events = []
    for n in range(count):
        service = rng.choice(_SERVICES)
        region = rng.choice(_REGIONS)
        code = f"AWS_{service}_OPERATIONAL_ISSUE"
        start = NOW - timedelta(minutes=rng.randrange(60 * 24 * 30))
        event: dict[str, Any] = {
            "arn": f"arn:aws:health:{region}::event/{service}/{code}/{code}_{n:08X}",
            "service": service,
            "eventTypeCode": code,
            "eventTypeCategory": rng.choice(_CATEGORIES),
            "region": region,
            "startTime": start.isoformat(),
            "lastUpdatedTime": (start + timedelta(minutes=rng.randrange(600))).isoformat(),
            "statusCode": rng.choice(_STATUSES),
            "eventScopeCode": "PUBLIC",
        }
        if event["statusCode"] == "closed":
            event["endTime"] = (start + timedelta(hours=2)).isoformat()
        events.append(event)
    return events


def _cpu_seconds(raws: Sequence[dict[str, Any]]) -> float:
    started = time.process_time()
    decide_events([HealthEvent.from_api(raw) for raw in raws], SETTINGS, NOW)
    return time.process_time() - started


def measure(sizes: Sequence[int] = SIZES, repeats: int = 3) -> Figure:
    """Best of `repeats` CPU times per size (the least disturbed run on a noisy machine)."""
    per_event_us: dict[int, float] = {}
    total_ms: dict[int, float] = {}
    _cpu_seconds(recorded_events(1_000))  # warm-up: first calls, allocator arenas
    for size in sizes:
        raws = recorded_events(size)
        best = min(_cpu_seconds(raws) for _ in range(repeats))
        total_ms[size] = best * 1000
        per_event_us[size] = best / size * 1e6
    flatness = _flatness(per_event_us)
    met = None  # a quick run without 10k and 100k judges nothing
    if flatness is not None:
        met = total_ms[REFERENCE] < TARGET_10K_MS and flatness <= TARGET_FLATNESS
    summary = "; ".join(f"{_label(n)} {per_event_us[n]:.1f} µs/event" for n in sizes)
    if REFERENCE in total_ms:
        summary += f"; 10k in {total_ms[REFERENCE]:.0f} ms"
    if flatness is not None:
        summary += f"; {_label(max(sizes))}/10k {flatness:.2f}"
    return Figure(
        key="core_scale",
        name="decision core scale (CPU)",
        result=summary,
        target=f"10k < {TARGET_10K_MS:.0f} ms; {_label(max(SIZES))}/10k ≤ {TARGET_FLATNESS}",
        met=met,
        data={
            "sizes": list(sizes),
            "repeats": repeats,
            "total_ms": {str(n): round(ms, 2) for n, ms in total_ms.items()},
            "us_per_event": {str(n): round(us, 3) for n, us in per_event_us.items()},
            "per_event_ratio": round(flatness, 3) if flatness is not None else None,
        },
    )


def _flatness(per_event_us: dict[int, float]) -> float | None:
    """Per-event time of the largest size over that of 10k: 1.0 is perfectly linear."""
    largest = max(per_event_us)
    if REFERENCE not in per_event_us or largest <= REFERENCE:
        return None
    return per_event_us[largest] / per_event_us[REFERENCE]


def _label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 else str(n)
