"""The benchmark suite keeps working: its quick mode runs every piece (issue 5)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = {
    "cold_import",
    "cold_import_retrier",
    "cli_import",
    "aws_calls_healthy",
    "aws_calls_blocked",
    "aws_calls_three_pages",
    "core_scale",
    "retrier_sweep",
    "peak_memory",
    "package_size",
    "cold_import_artifact",
}


def test_quick_bench_runs_every_figure_and_counts_aws_calls(tmp_path: Path) -> None:
    # Given the benchmark script in its quick (smoke) mode
    out = tmp_path / "results.json"

    # When it runs
    run = subprocess.run(  # noqa: S603 (fixed argv: this interpreter, our script)
        [sys.executable, "bench/run.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )

    # Then it succeeds, prints the table and writes every figure as JSON
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| figure" in run.stdout
    results = json.loads(out.read_text(encoding="utf-8"))
    figures = results["figures"]
    assert set(figures) == FIGURES
    assert all(not f["result"].startswith("error") for f in figures.values()), figures
    # And the call counts, which do not depend on machine speed, are exactly the targets
    assert figures["aws_calls_healthy"]["data"]["by_operation"] == {
        "DescribeEvents": 1,
        "PutJobSuccessResult": 1,
    }
    assert figures["aws_calls_blocked"]["data"]["by_operation"] == {
        "DescribeEvents": 1,
        "PutJobFailureResult": 1,
    }
    assert figures["aws_calls_three_pages"]["data"]["total"] == 4
    sweep = figures["retrier_sweep"]["data"]
    assert sweep["health_calls"] == 3
    assert sweep["stages_retried"] == sweep["executions"] // 3
    assert figures["peak_memory"]["data"]["rss_peak_mb"] > 0
