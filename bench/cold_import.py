"""Cold import: the gate's handler module against `import boto3` alone, in fresh interpreters.

The Lambda runtime ships boto3, so `import boto3` is the floor every Python function that uses
it pays; the ratio shows what the gate adds on top (Powertools, its own modules).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bench.environment import ROOT, child_env
from bench.report import Figure, skipped

__all__ = ["GATE_MODULE", "import_breakdown", "measure", "measure_artifact"]

GATE_MODULE = "health_gate.handlers.gate"
BASELINE_MODULE = "boto3"
TARGET_RATIO = 1.25
_TIMED_IMPORT = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"


def _import_ms(module: str, env: dict[str, str] | None = None) -> float:
    out = subprocess.run(
        [sys.executable, "-c", _TIMED_IMPORT.format(module)],
        env=env or child_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    return float(out) * 1000


def _importtime(module: str) -> dict[str, int]:
    """Self time in µs of every module the import loads, from `python -X importtime`."""
    err = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        env=child_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stderr
    loaded: dict[str, int] = {}
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|")
        loaded[name.strip()] = int(own)
    return loaded


def import_breakdown() -> dict[str, float]:
    """Milliseconds the gate's import spends in modules that `import boto3` does not load,
    summed by top-level package, largest first."""
    floor = _importtime(BASELINE_MODULE)
    extra: dict[str, float] = defaultdict(float)
    for name, own_us in _importtime(GATE_MODULE).items():
        if name not in floor:
            extra[name.partition(".")[0]] += own_us / 1000
    return dict(sorted(extra.items(), key=lambda item: -item[1]))


def _alternate(rounds: int, gate_env: dict[str, str] | None = None) -> dict[str, list[float]]:
    """`rounds` fresh interpreters each for boto3 and the gate, alternating which goes first."""
    times: dict[str, list[float]] = {BASELINE_MODULE: [], GATE_MODULE: []}
    for round_ in range(rounds):
        order = (
            (BASELINE_MODULE, GATE_MODULE) if round_ % 2 == 0 else (GATE_MODULE, BASELINE_MODULE)
        )
        for module in order:
            times[module].append(_import_ms(module, gate_env if module == GATE_MODULE else None))
    return times


def measure(rounds: int = 15) -> Figure:
    """Medians over `rounds` fresh interpreters each; their ratio is the figure."""
    for module in (BASELINE_MODULE, GATE_MODULE):  # warm-up: bytecode caches, page cache
        _import_ms(module)
    times = _alternate(rounds)
    boto3_ms = statistics.median(times[BASELINE_MODULE])
    gate_ms = statistics.median(times[GATE_MODULE])
    ratio = gate_ms / boto3_ms
    breakdown = import_breakdown()
    top = ", ".join(f"{name} {ms:.0f} ms" for name, ms in list(breakdown.items())[:2])
    return Figure(
        key="cold_import",
        name="cold import (gate / boto3)",
        result=f"{ratio:.2f} ({gate_ms:.0f} ms / {boto3_ms:.0f} ms; beyond boto3: {top})",
        target=f"≤ {TARGET_RATIO}",
        met=ratio <= TARGET_RATIO,
        data={
            "ratio": round(ratio, 3),
            "gate_median_ms": round(gate_ms, 1),
            "boto3_median_ms": round(boto3_ms, 1),
            "rounds": rounds,
            "gate_ms": [round(t, 1) for t in times[GATE_MODULE]],
            "boto3_ms": [round(t, 1) for t in times[BASELINE_MODULE]],
            "beyond_boto3_self_ms_by_package": {k: round(v, 1) for k, v in breakdown.items()},
        },
    )


def measure_artifact(build_dir: Path, rounds: int = 7) -> Figure:
    """The same ratio, importing the gate from the `sam build` artifact as Lambda does.

    /var/task is read-only, so Python cannot cache the bytecode it compiles: every cold start
    compiles whatever the artifact ships without a usable .pyc (SAM zips entries dated 1980, so
    only hash-based .pyc files survive packaging; `make sam-build` compiles them). boto3 keeps
    its cached bytecode, as the runtime's copy has it.
    """
    name = "cold import, sam build artifact"
    target = "report (as deployed: read-only, no new bytecode)"
    if not (build_dir / "health_gate").is_dir():
        return skipped("cold_import_artifact", name, target, "no sam build artifact")
    env = child_env(PYTHONPATH=str(build_dir), PYTHONDONTWRITEBYTECODE="1")
    times = _alternate(rounds, gate_env=env)
    boto3_ms = statistics.median(times[BASELINE_MODULE])
    gate_ms = statistics.median(times[GATE_MODULE])
    pyc = sum(1 for _ in build_dir.rglob("*.pyc"))
    return Figure(
        key="cold_import_artifact",
        name=name,
        result=f"{gate_ms / boto3_ms:.2f} ({gate_ms:.0f} ms / {boto3_ms:.0f} ms; {pyc} .pyc files)",
        target=target,
        met=None,
        data={
            "ratio": round(gate_ms / boto3_ms, 3),
            "gate_median_ms": round(gate_ms, 1),
            "boto3_median_ms": round(boto3_ms, 1),
            "rounds": rounds,
            "pyc_files_in_artifact": pyc,
        },
    )
