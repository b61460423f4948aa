"""What importing the handlers and the CLI loads: the cold start of every pipeline run (issue 5)
and of every `health-gate` command.

bench/ measures the time; this keeps the two causes fixed there from coming back.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOT_FOR_THE_GATE = (
    "aws_lambda_powertools.utilities.data_classes",  # its __init__ imports ~30 event classes
    "health_gate.adapters.registry",  # the retrier's adapters
    "health_gate.adapters.notifier",
    "health_gate.adapters.pipelines",
    "health_gate.retry",  # the retrier's pure package, any module of it
    "health_gate.runtime.retry_services",
    "health_gate.config.retrier_settings",
    "health_gate.pipeline.wait_token",  # wait mode's, imported when a gate waits
    "health_gate.runtime.polling",
    "requests",  # the public feed's, imported when that source is used
)


def loaded_by(module: str) -> list[str]:
    """Every module a fresh interpreter (a new Lambda container, a new shell) has loaded after
    importing `module`."""
    code = f"import json, sys; import {module}; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run(  # noqa: S603 (fixed argv: this interpreter)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(run.stdout)
    return loaded


def test_importing_the_gate_loads_neither_powertools_data_classes_nor_the_retrier() -> None:
    unwanted = [
        name for name in loaded_by("health_gate.handlers.gate") if name.startswith(NOT_FOR_THE_GATE)
    ]
    assert not unwanted


def test_importing_the_retrier_loads_no_powertools_data_classes_and_no_job_reporter() -> None:
    unwanted = (
        "aws_lambda_powertools.utilities.data_classes",
        "health_gate.runtime.reporting",
        "health_gate.pipeline.report",
        "requests",
    )
    loaded = loaded_by("health_gate.handlers.retrier")
    assert [name for name in loaded if name.startswith(unwanted)] == []


def test_the_cli_starts_without_botocore_or_the_drill() -> None:
    # `health-gate completion` runs on every shell start; `check --events-file` needs no AWS
    unwanted = ("botocore", "boto3", "health_gate.cli.drill_session", "health_gate.adapters")
    loaded = loaded_by("health_gate.cli.main")
    assert [name for name in loaded if name.startswith(unwanted)] == []
