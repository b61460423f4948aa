"""Run every benchmark of issue 5, print one table and write bench/results.json.

    make bench                     # the full run (under 3 minutes on 2 cores, loopback only)
    python bench/run.py --quick    # a smoke run of every piece, used by the test suite

The full run exits 1 when a target is missed. The quick run uses few rounds and small sizes,
so its timings mean little: it fails only on figures that do not depend on machine speed
(AWS call counts, runtime packages bundled in the build).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository and src/ importable
    _root = Path(__file__).resolve().parents[1]
    sys.path[:0] = [str(_root), str(_root / "src")]

from bench import aws_calls, cold_import, core_scale, memory, package_size, retrier_sweep
from bench.environment import ROOT
from bench.report import Figure, render_table

__all__ = ["main"]

RESULTS = ROOT / "bench" / "results.json"


def _plan(quick: bool) -> list[tuple[str, Callable[[], Figure | list[Figure]]]]:
    return [
        ("cold_import", lambda: cold_import.measure(rounds=3 if quick else 15)),
        ("aws_calls", aws_calls.measure),
        (
            "core_scale",
            lambda: (
                core_scale.measure(sizes=(1_000, 10_000), repeats=1)
                if quick
                else core_scale.measure()
            ),
        ),
        ("retrier_sweep", lambda: retrier_sweep.measure(executions=30 if quick else 200)),
        ("peak_memory", lambda: memory.measure(events=1_000 if quick else memory.EVENTS)),
        ("package_size", lambda: package_size.measure(allow_build=not quick)),
        (
            "cold_import_artifact",
            lambda: cold_import.measure_artifact(package_size.BUILD_DIR, rounds=2 if quick else 7),
        ),
    ]


def _run(key: str, measure: Callable[[], Figure | list[Figure]]) -> list[Figure]:
    print(f"bench: {key} …", file=sys.stderr, flush=True)
    try:
        figures = measure()
    except Exception as err:  # one broken figure must not hide the others
        traceback.print_exc(file=sys.stderr)
        return [Figure(key, key, f"error: {err}"[:200], "", False, exact=True)]
    return figures if isinstance(figures, list) else [figures]


def _commit() -> str:
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "src"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    commit = head.stdout.strip() or "unknown"
    return commit + ("+dirty" if dirty.stdout.strip() else "")


def _failed(figures: Sequence[Figure], quick: bool) -> list[Figure]:
    return [f for f in figures if f.met is False and (f.exact or not quick)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: few rounds, small sizes")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON file (bench/results.json)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    figures = [figure for key, measure in _plan(args.quick) for figure in _run(key, measure)]
    elapsed = time.perf_counter() - started
    failed = _failed(figures, args.quick)

    print(render_table(figures))
    print(
        f"\ncommit {_commit()} · Python {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · {elapsed:.0f} s" + (" · quick run" if args.quick else "")
    )
    results = {
        "commit": _commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "quick": args.quick,
        "elapsed_s": round(elapsed, 1),
        "figures": {figure.key: figure.to_json() for figure in figures},
        "missed": [figure.key for figure in failed],
    }
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {args.out}")
    if failed:
        print("missed: " + ", ".join(f.name for f in failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
