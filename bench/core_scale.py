"""Decision core scale: CPU time to turn N recorded-shape event dicts into a decision.

The dicts have the shape of events/health/*.json (the DescribeEvents `Event` with ISO 8601
times, as the CLI's --events-file reads them). The measured path is the one every decision
takes: `HealthEvent.from_api` on each dict, then `decide_events`.

Both targets are ratios measured side by side in one run, so a busy machine moves both sides:
per-event cost at 100k over 10k (flatness: the decision scales linearly), and the decision
over a baseline, a plain loop over the same dicts that reads the same fields, parses the same
times and applies the same filters (what any decision must at least do).
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.report import Figure
from health_gate.config.settings import GateSettings
from health_gate.verdict.decision import decide_events
from health_gate.verdict.events import HealthEvent

__all__ = ["SIZES", "measure", "recorded_events"]

SIZES = (1_000, 10_000, 100_000)
REFERENCE = 10_000
# The decision validates every field, normalises time zones, builds a frozen dataclass per event
# and sorts the blocking ones: measured 7.3-7.9 × the plain loop on a 2-core machine.
TARGET_BASELINE_RATIO = 12.0
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


def _decision(raws: Sequence[dict[str, Any]]) -> None:
    decide_events([HealthEvent.from_api(raw) for raw in raws], SETTINGS, NOW)


def _baseline(raws: Sequence[dict[str, Any]]) -> None:
    """The same fields read, the same times parsed, the same filters, in a plain loop."""
    regions, kept = set(SETTINGS.regions), {}
    for raw in raws:
        times = [
            datetime.fromisoformat(raw[key])
            for key in ("startTime", "endTime", "lastUpdatedTime")
            if key in raw
        ]
        if (
            raw["statusCode"] == "open"
            and raw["eventTypeCategory"] == "issue"
            and raw["region"] in regions
        ):
            kept.setdefault(raw["arn"], (raw["service"], raw["eventTypeCode"], times))
    sorted(kept)


def _cpu_seconds(work: Callable[[Sequence[dict[str, Any]]], None], raws: Sequence[Any]) -> float:
    """CPU time of one run, without the garbage collector's pauses (they land at random)."""
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        work(raws)
        return time.process_time() - started
    finally:
        gc.enable()


def measure(sizes: Sequence[int] = SIZES, repeats: int = 5) -> Figure:
    """Best of `repeats` CPU times per size (the least disturbed run on a noisy machine), the
    decision and the baseline alternated so that both see the same machine."""
    per_event_us: dict[int, float] = {}
    baseline_us: dict[int, float] = {}
    total_ms: dict[int, float] = {}
    _cpu_seconds(_decision, recorded_events(1_000))  # warm-up: first calls, allocator arenas
    for size in sizes:
        raws = recorded_events(size)
        decision, baseline = [], []
        for _ in range(repeats):
            decision.append(_cpu_seconds(_decision, raws))
            baseline.append(_cpu_seconds(_baseline, raws))
        total_ms[size] = min(decision) * 1000
        per_event_us[size] = min(decision) / size * 1e6
        baseline_us[size] = min(baseline) / size * 1e6
    flatness = _flatness(per_event_us)
    ratio = per_event_us[REFERENCE] / baseline_us[REFERENCE] if REFERENCE in sizes else None
    met = None  # a quick run without 100k judges nothing
    if flatness is not None and ratio is not None:
        met = ratio <= TARGET_BASELINE_RATIO and flatness <= TARGET_FLATNESS
    summary = "; ".join(f"{_label(n)} {per_event_us[n]:.1f} µs/event" for n in sizes)
    if ratio is not None:
        summary += f"; 10k: {ratio:.2f} × baseline ({baseline_us[REFERENCE]:.1f} µs/event)"
    if flatness is not None:
        summary += f"; {_label(max(sizes))}/10k {flatness:.2f}"
    return Figure(
        key="core_scale",
        name="decision core scale (CPU)",
        result=summary,
        target=(
            f"10k ≤ {TARGET_BASELINE_RATIO} × baseline; "
            f"{_label(max(SIZES))}/10k ≤ {TARGET_FLATNESS}"
        ),
        met=met,
        data={
            "sizes": list(sizes),
            "repeats": repeats,
            "total_ms": {str(n): round(ms, 2) for n, ms in total_ms.items()},
            "us_per_event": {str(n): round(us, 3) for n, us in per_event_us.items()},
            "baseline_us_per_event": {str(n): round(us, 3) for n, us in baseline_us.items()},
            "baseline_ratio": round(ratio, 3) if ratio is not None else None,
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
