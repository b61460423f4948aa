"""Cold import: the gate's and the retrier's handler modules, and the CLI, against
`import boto3` alone, in fresh interpreters, measured side by side.

The Lambda runtime ships boto3, so `import boto3` is the floor every Python function that uses
it pays; the ratio shows what each handler adds on top (Powertools, its own modules). The CLI
imports no boto3 until it asks AWS, so its ratio stays well under 1.
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
RETRIER_MODULE = "health_gate.handlers.retrier"
CLI_MODULE = "health_gate.cli"
BASELINE_MODULE = "boto3"
TARGET_RATIO = 1.25
TARGET_CLI_RATIO = 0.5
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


def import_breakdown(module: str = GATE_MODULE) -> dict[str, float]:
    """Milliseconds the module's import spends in modules that `import boto3` does not load,
    summed by top-level package, largest first."""
    floor = _importtime(BASELINE_MODULE)
    extra: dict[str, float] = defaultdict(float)
    for name, own_us in _importtime(module).items():
        if name not in floor:
            extra[name.partition(".")[0]] += own_us / 1000
    return dict(sorted(extra.items(), key=lambda item: -item[1]))


def _alternate(
    rounds: int, modules: tuple[str, ...], env: dict[str, str] | None = None
) -> dict[str, list[float]]:
    """`rounds` fresh interpreters for boto3 and each module, rotating which goes first."""
    everything = (BASELINE_MODULE, *modules)
    times: dict[str, list[float]] = {module: [] for module in everything}
    for round_ in range(rounds):
        shift = round_ % len(everything)
        for module in everything[shift:] + everything[:shift]:
            times[module].append(_import_ms(module, env if module != BASELINE_MODULE else None))
    return times


_FIGURES = (  # key, module, name, target ratio
    ("cold_import", GATE_MODULE, "cold import (gate / boto3)", TARGET_RATIO),
    ("cold_import_retrier", RETRIER_MODULE, "cold import (retrier / boto3)", TARGET_RATIO),
    ("cli_import", CLI_MODULE, "CLI import (health_gate.cli / boto3)", TARGET_CLI_RATIO),
)


def measure(rounds: int = 15) -> list[Figure]:
    """Medians over `rounds` fresh interpreters each; each ratio to boto3's is a figure."""
    modules = tuple(module for _, module, _, _ in _FIGURES)
    for module in (BASELINE_MODULE, *modules):  # warm-up: bytecode caches, page cache
        _import_ms(module)
    times = _alternate(rounds, modules)
    boto3_ms = statistics.median(times[BASELINE_MODULE])
    figures = []
    for key, module, name, target in _FIGURES:
        module_ms = statistics.median(times[module])
        ratio = module_ms / boto3_ms
        breakdown = import_breakdown(module)
        top = ", ".join(f"{package} {ms:.0f} ms" for package, ms in list(breakdown.items())[:2])
        figures.append(
            Figure(
                key=key,
                name=name,
                result=f"{ratio:.2f} ({module_ms:.0f} ms / {boto3_ms:.0f} ms; beyond boto3: {top})",
                target=f"≤ {target}",
                met=ratio <= target,
                data={
                    "ratio": round(ratio, 3),
                    "module": module,
                    "median_ms": round(module_ms, 1),
                    "boto3_median_ms": round(boto3_ms, 1),
                    "rounds": rounds,
                    "module_ms": [round(t, 1) for t in times[module]],
                    "boto3_ms": [round(t, 1) for t in times[BASELINE_MODULE]],
                    "beyond_boto3_self_ms_by_package": {
                        k: round(v, 1) for k, v in breakdown.items()
                    },
                },
            )
        )
    return figures


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
    times = _alternate(rounds, (GATE_MODULE,), env)
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
