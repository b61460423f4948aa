"""Run the action's gate step (action/run.sh, then action/report.py) as a runner would.

The step gets its inputs as INPUT_* variables, as action.yml passes them, and writes to the
files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY point to. HEALTH_GATE_BIN selects the CLI: the fake
in fake_gate.py, or the real one.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["REPO", "ActionRun", "parse_github_output", "run_action", "run_step"]

REPO = Path(__file__).resolve().parents[2]
RUN_SH = REPO / "action" / "run.sh"
BASH = shutil.which("bash") or "/bin/bash"
FAKE_GATE = Path(__file__).with_name("fake_gate.py")


@dataclass(frozen=True)
class ActionRun:
    """What one run of the step left behind."""

    exit_code: int
    log: str  # stdout: the command line, annotations, one line per incident
    stderr: str
    outputs: dict[str, str]
    summary: str
    cli_argv: list[str] | None  # None when the CLI did not run


def parse_github_output(text: str) -> dict[str, str]:
    """Read a GITHUB_OUTPUT file as the runner does: `name=value` or `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            for body in lines:
                if body == delimiter:
                    break
                value.append(body)
            else:
                raise AssertionError(f"output {name}: no closing delimiter {delimiter}")
            outputs[name] = "\n".join(value)
        else:
            name, _, value_text = line.partition("=")
            outputs[name] = value_text
    return outputs


def step_environment(tmp_path: Path, inputs: Mapping[str, str]) -> dict[str, str]:
    """The runner's environment, without anything of the machine's that could change the run."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("INPUT_", "GITHUB_", "HEALTH_GATE_", "FAKE_GATE_"))
    }
    env.update(
        {
            "GITHUB_OUTPUT": str(tmp_path / "github_output"),
            "GITHUB_STEP_SUMMARY": str(tmp_path / "step_summary.md"),
            "HEALTH_GATE_PYTHON": sys.executable,
            "AWS_REGION": "us-east-1",
        }
    )
    for name, value in inputs.items():
        env["INPUT_" + name.upper().replace("-", "_")] = value
    return env


def run_step(
    tmp_path: Path, env: Mapping[str, str], cwd: Path = REPO, argv_file: Path | None = None
) -> ActionRun:
    result = subprocess.run(  # noqa: S603 - the repository's own script
        [BASH, str(RUN_SH)], env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    output_file = Path(env["GITHUB_OUTPUT"])
    summary_file = Path(env["GITHUB_STEP_SUMMARY"])
    argv = None
    if argv_file is not None and argv_file.exists():
        argv = json.loads(argv_file.read_text(encoding="utf-8"))
    return ActionRun(
        exit_code=result.returncode,
        log=result.stdout,
        stderr=result.stderr,
        outputs=parse_github_output(output_file.read_text(encoding="utf-8"))
        if output_file.exists()
        else {},
        summary=summary_file.read_text(encoding="utf-8") if summary_file.exists() else "",
        cli_argv=argv,
    )


def run_action(
    tmp_path: Path,
    inputs: Mapping[str, str],
    reply: Mapping[str, Any] | str,
    cli_exit: int | None = None,
    cli_stderr: str = "",
) -> ActionRun:
    """The step with the fake CLI, which prints `reply` and exits with its exitCode."""
    text = reply if isinstance(reply, str) else json.dumps(reply, indent=2)
    if cli_exit is None:
        cli_exit = int(reply["exitCode"]) if not isinstance(reply, str) else 0
    reply_file = tmp_path / "reply.json"
    reply_file.write_text(text, encoding="utf-8")
    wrapper = tmp_path / "health-gate"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_GATE}" "$@"\n', "utf-8")
    wrapper.chmod(0o755)
    argv_file = tmp_path / "argv.json"
    env = step_environment(tmp_path, inputs)
    env.update(
        {
            "HEALTH_GATE_BIN": str(wrapper),
            "FAKE_GATE_REPLY": str(reply_file),
            "FAKE_GATE_EXIT": str(cli_exit),
            "FAKE_GATE_STDERR": cli_stderr,
            "FAKE_GATE_ARGV": str(argv_file),
        }
    )
    return run_step(tmp_path, env, argv_file=argv_file)
