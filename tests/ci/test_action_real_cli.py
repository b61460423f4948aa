"""The action's gate step with the real `health-gate` CLI, on recorded AWS Health events.

Skipped until the CLI implements the contract of docs/ci.md (its `check --help` lists
--status-codes); from then on it checks that the action and the CLI agree on the JSON verdict.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ci.harness import ActionRun, run_step, step_environment

BLOCKED_EVENTS = "events/health/open-issue.json"
HEALTHY_EVENTS = "events/health/healthy.json"
EC2_ARN = (
    "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/"
    "AWS_EC2_OPERATIONAL_ISSUE_ABC123_EXAMPLE"
)


def real_cli() -> str | None:
    """The installed health-gate beside this Python (the project's .venv), or on PATH."""
    beside = Path(sys.executable).with_name("health-gate")
    return str(beside) if beside.exists() else shutil.which("health-gate")


def implements_contract(cli: str | None) -> bool:
    if cli is None:
        return False
    result = subprocess.run(  # noqa: S603 - the project's own CLI
        [cli, "check", "--help"], capture_output=True, text=True, check=False
    )
    return "--status-codes" in result.stdout


CLI = real_cli()
pytestmark = pytest.mark.skipif(
    not implements_contract(CLI),
    reason="the installed health-gate CLI predates the contract (no --status-codes)",
)


def run_real(tmp_path: Path, events_file: str, **inputs: str) -> ActionRun:
    env = step_environment(
        tmp_path, {"events-file": events_file, "regions": "us-east-1,global", **inputs}
    )
    env["HEALTH_GATE_BIN"] = str(CLI)
    return run_step(tmp_path, env)


def test_the_recorded_open_issue_blocks(tmp_path: Path) -> None:
    # Given the recorded open EC2 issue in us-east-1
    # When the action runs the real CLI on it for us-east-1 and global
    run = run_real(tmp_path, BLOCKED_EVENTS)

    # Then the step fails with exit code 1, and the outputs name the one EC2 event
    assert run.exit_code == 1, run.log + run.stderr
    assert run.outputs["verdict"] == "BLOCKED"
    assert run.outputs["blocking-count"] == "1"
    body = json.loads(run.outputs["json"])
    assert body["schemaVersion"] == 1
    assert body["exitCode"] == 1
    assert [event["arn"] for event in body["blocking"]] == [EC2_ARN]
    assert run.outputs["summary"] == body["summary"]
    row = f"| EC2 | AWS_EC2_OPERATIONAL_ISSUE | us-east-1 | 2026-11-23 14:05 UTC | `{EC2_ARN}` |"
    assert row in run.summary.splitlines()


def test_the_recorded_open_issue_passes_with_fail_on_blocked_false(tmp_path: Path) -> None:
    # Given the recorded open EC2 issue
    # When the action runs the real CLI with fail-on-blocked: false
    run = run_real(tmp_path, BLOCKED_EVENTS, **{"fail-on-blocked": "false"})

    # Then the step passes with the blocked verdict in its outputs
    assert run.exit_code == 0, run.log + run.stderr
    assert run.outputs["verdict"] == "BLOCKED"


def test_recorded_events_with_nothing_open_here_pass(tmp_path: Path) -> None:
    # Given recorded events with nothing open in us-east-1 or global
    # When the action runs the real CLI on them
    run = run_real(tmp_path, HEALTHY_EVENTS)

    # Then the step passes with a healthy verdict
    assert run.exit_code == 0, run.log + run.stderr
    assert run.outputs["verdict"] == "HEALTHY"
    assert run.outputs["blocking-count"] == "0"


def test_a_bad_setting_is_an_error_verdict_from_the_cli(tmp_path: Path) -> None:
    # Given account IDs without the organizational view, which the CLI rejects
    # When the action runs the real CLI
    run = run_real(tmp_path, HEALTHY_EVENTS, **{"account-ids": "123456789012"})

    # Then the step fails with exit code 2 and the CLI's JSON error in the outputs
    assert run.exit_code == 2, run.log + run.stderr
    assert run.outputs["verdict"] == "ERROR"
    assert json.loads(run.outputs["json"])["error"]["type"]
