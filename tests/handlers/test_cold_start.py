"""What importing the gate's handler loads: the cold start of every pipeline run (issue 5).

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


def test_importing_the_gate_loads_neither_powertools_data_classes_nor_the_retrier() -> None:
    # Given a fresh interpreter, as in a new Lambda container
    code = (
        "import json, sys; import health_gate.handlers.gate; print(json.dumps(sorted(sys.modules)))"
    )
    # When it imports the gate's handler module
    run = subprocess.run(  # noqa: S603 (fixed argv: this interpreter)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    # Then none of the modules only other paths need is loaded
    loaded = json.loads(run.stdout)
    unwanted = [name for name in loaded if name.startswith(NOT_FOR_THE_GATE)]
    assert not unwanted


def test_importing_the_retrier_loads_no_powertools_data_classes_and_no_job_reporter() -> None:
    code = (
        "import json, sys; import health_gate.handlers.retrier; "
        "print(json.dumps(sorted(sys.modules)))"
    )
    run = subprocess.run(  # noqa: S603 (fixed argv: this interpreter)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = json.loads(run.stdout)
    unwanted = (
        "aws_lambda_powertools.utilities.data_classes",
        "health_gate.runtime.reporting",
        "health_gate.pipeline.report",
        "requests",
    )
    assert [name for name in loaded if name.startswith(unwanted)] == []
