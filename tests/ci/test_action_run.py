"""The GitHub Action's gate step (action/run.sh + action/report.py) with a fake health-gate CLI.

The fake prints verdicts in the CLI contract's JSON shape (tests/ci/verdicts.py), so these tests
pin the action's side of the contract: inputs → flags, JSON → outputs, job summary, exit code.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.ci.harness import run_action
from tests.ci.verdicts import BLOCKED, EC2_ARN, ERROR, HEALTHY, UNKNOWN

RECORDED = {"events-file": "events/health/open-issue.json", "regions": "us-east-1,global"}


def test_a_blocked_verdict_fails_the_step_and_sets_every_output(tmp_path: Path) -> None:
    # Given the CLI finds the recorded open EC2 issue in us-east-1
    # When the action runs with its defaults
    run = run_action(tmp_path, RECORDED, BLOCKED)

    # Then the step fails with the CLI's exit code 1 and every output is set
    assert run.exit_code == 1
    assert run.outputs["verdict"] == "BLOCKED"
    assert run.outputs["blocking-count"] == "1"
    assert run.outputs["summary"] == BLOCKED["summary"]
    assert run.outputs["exit-code"] == "1"
    assert json.loads(run.outputs["json"]) == BLOCKED
    # And the job summary has the incident as a table row
    assert "| Service | Event type | Region | Started | ARN |" in run.summary
    assert (
        f"| EC2 | AWS_EC2_OPERATIONAL_ISSUE | us-east-1 | 2026-11-23 14:05 UTC | `{EC2_ARN}` |"
        in run.summary
    )
    # And the log has an error annotation and the incident
    assert "::error title=AWS Health gate BLOCKED::Blocked by AWS Health" in run.log
    line = f"- EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1 since 2026-11-23 14:05 UTC: {EC2_ARN}"
    assert line in run.log.splitlines()


def test_with_fail_on_blocked_false_a_blocked_verdict_passes_with_outputs_set(
    tmp_path: Path,
) -> None:
    # Given the CLI reports a blocked verdict
    # When the action runs with fail-on-blocked: false
    run = run_action(tmp_path, {**RECORDED, "fail-on-blocked": "false"}, BLOCKED)

    # Then the step passes, and the outputs still say BLOCKED for later steps to read
    assert run.exit_code == 0
    assert run.outputs["verdict"] == "BLOCKED"
    assert run.outputs["blocking-count"] == "1"
    assert run.outputs["exit-code"] == "0"
    assert "fail-on-blocked: false" in run.summary
    assert "::warning title=AWS Health gate BLOCKED::" in run.log


def test_a_healthy_verdict_passes_and_the_summary_says_nothing_blocks(tmp_path: Path) -> None:
    # Given the CLI finds nothing open
    # When the action runs
    run = run_action(tmp_path, RECORDED, HEALTHY)

    # Then the step passes with a healthy verdict and no incident table
    assert run.exit_code == 0
    assert run.outputs["verdict"] == "HEALTHY"
    assert run.outputs["blocking-count"] == "0"
    assert "No open AWS Health event blocks this deployment." in run.summary
    assert "| Service |" not in run.summary
    assert "regions checked: us-east-1, global" in run.summary


def test_an_error_verdict_fails_with_exit_2_and_reports_the_error(tmp_path: Path) -> None:
    # Given the CLI rejects its settings with a JSON error verdict and exit code 2
    # When the action runs, even with fail-on-blocked: false
    run = run_action(tmp_path, {"account-ids": "123456789012", "fail-on-blocked": "false"}, ERROR)

    # Then the step fails with exit code 2, and the outputs and summary carry the error
    assert run.exit_code == 2
    assert run.outputs["verdict"] == "ERROR"
    assert run.outputs["blocking-count"] == "0"
    assert json.loads(run.outputs["json"])["error"]["type"] == "ConfigurationError"
    assert "> **ConfigurationError:** accountIds needs organization: true" in run.summary
    assert "::error title=AWS Health gate ERROR::" in run.log


def test_an_unknown_verdict_passes_and_warns(tmp_path: Path) -> None:
    # Given AWS Health was unreachable and on-health-api-error is pass
    # When the action runs
    run = run_action(tmp_path, {"on-health-api-error": "pass"}, UNKNOWN)

    # Then the step passes with verdict UNKNOWN and the warning in the log and summary
    assert run.exit_code == 0
    assert run.outputs["verdict"] == "UNKNOWN"
    assert "> **Warning:** AWS Health unavailable" in run.summary
    assert "::warning title=AWS Health gate::AWS Health unavailable" in run.log


@pytest.mark.parametrize("cli_exit", [0, 1, 2, 127])
@pytest.mark.parametrize(
    "stdout", ["", "Traceback (most recent call last):\n  boom", '["not", "a verdict"]']
)
def test_output_that_is_no_json_verdict_becomes_an_error_verdict(
    tmp_path: Path, stdout: str, cli_exit: int
) -> None:
    # Given a CLI that prints no JSON verdict (a crash, or a CLI without --json)
    # When the action runs
    run = run_action(tmp_path, RECORDED, stdout, cli_exit=cli_exit)

    # Then the step fails with exit code 2 and still sets the outputs, naming the exit code
    assert run.exit_code == 2
    assert run.outputs["verdict"] == "ERROR"
    assert run.outputs["exit-code"] == "2"
    assert f"health-gate exited {cli_exit} and printed no JSON verdict" in run.outputs["summary"]
    assert json.loads(run.outputs["json"])["error"]["type"] == "NoVerdict"


def test_every_input_becomes_its_cli_flag(tmp_path: Path) -> None:
    # Given every input that mirrors a flag of `health-gate check`
    inputs = {
        "regions": "us-east-1,global",
        "services": "EC2,LAMBDA",
        "categories": "issue,scheduledChange",
        "status-codes": "open,upcoming",
        "ignore-event-types": "AWS_EC2_MAINTENANCE_SCHEDULED",
        "organization": "true",
        "account-ids": "123456789012,210987654321",
        "on-health-api-error": "pass",
        "source": "auto",
        "wait": "true",
        "max-wait-minutes": "30",
        "poll-interval-seconds": "60",
        "params": '{"services": ["S3"]}',
        "events-file": "events/health/open-issue.json",
        "extra-regions": "eu-central-3",
    }

    # When the action runs
    run = run_action(tmp_path, inputs, HEALTHY)

    # Then the CLI gets each as its flag, with --json, in the contract's order
    assert run.cli_argv == [
        "check", "--json",
        "--regions", "us-east-1,global",
        "--services", "EC2,LAMBDA",
        "--categories", "issue,scheduledChange",
        "--status-codes", "open,upcoming",
        "--ignore-event-types", "AWS_EC2_MAINTENANCE_SCHEDULED",
        "--organization",
        "--account-ids", "123456789012,210987654321",
        "--on-health-api-error", "pass",
        "--source", "auto",
        "--wait",
        "--max-wait-minutes", "30",
        "--poll-interval-seconds", "60",
        "--params", '{"services": ["S3"]}',
        "--events-file", "events/health/open-issue.json",
        "--extra-regions", "eu-central-3",
    ]  # fmt: skip


def test_empty_and_false_inputs_pass_no_flags(tmp_path: Path) -> None:
    # Given the inputs as action.yml defaults them: empty, and false for the switches
    inputs = {"regions": "", "services": "  ", "organization": "false", "wait": "False"}

    # When the action runs
    run = run_action(tmp_path, inputs, HEALTHY)

    # Then the CLI runs with its own defaults
    assert run.cli_argv == ["check", "--json"]


def test_list_inputs_may_be_one_item_per_line(tmp_path: Path) -> None:
    # Given lists written as YAML block scalars, with stray spaces and blank lines
    inputs = {"regions": "us-east-1\n  global\n\n", "services": " EC2, LAMBDA ,\nS3\n"}

    # When the action runs
    run = run_action(tmp_path, inputs, HEALTHY)

    # Then the CLI gets comma lists
    assert run.cli_argv == [
        "check", "--json", "--regions", "us-east-1,global", "--services", "EC2,LAMBDA,S3"
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["wait", "organization", "fail-on-blocked"])
def test_a_switch_that_is_not_true_or_false_is_an_error_before_the_cli_runs(
    tmp_path: Path, name: str
) -> None:
    # Given a switch input set to something other than true or false
    # When the action runs
    run = run_action(tmp_path, {name: "yes"}, HEALTHY)

    # Then the CLI never runs, and the step fails with an ERROR verdict that names the input
    assert run.cli_argv is None
    assert run.exit_code == 2
    assert run.outputs["verdict"] == "ERROR"
    assert f"the input {name} must be true or false, not 'yes'" in run.outputs["summary"]


def test_outputs_with_newlines_and_delimiter_look_alikes_read_back_intact(tmp_path: Path) -> None:
    # Given a verdict whose summary spans lines and contains what looks like a heredoc delimiter
    body = copy.deepcopy(BLOCKED)
    body["summary"] = "line one\nEOF\nverdict<<EOF\nghadelimiter_x\nverdict=HEALTHY"

    # When the action runs
    run = run_action(tmp_path, RECORDED, body)

    # Then every output reads back exactly, and no line of the summary became an output
    assert run.outputs["summary"] == body["summary"]
    assert run.outputs["verdict"] == "BLOCKED"
    assert json.loads(run.outputs["json"]) == body
    assert set(run.outputs) == {"verdict", "blocking-count", "summary", "json", "exit-code"}


def test_table_cells_keep_pipes_and_markup_as_text(tmp_path: Path) -> None:
    # Given an event whose fields contain a pipe, markup and a line break
    body = copy.deepcopy(BLOCKED)
    body["blocking"][0].update(eventTypeCode="A|B", service="<b>EC2</b>", region="us-\neast-1")

    # When the action runs
    run = run_action(tmp_path, RECORDED, body)

    # Then the row stays one row of five cells, with the text escaped
    (row,) = [line for line in run.summary.splitlines() if EC2_ARN in line]
    assert row.startswith("| &lt;b&gt;EC2&lt;/b&gt; | A\\|B | us- east-1 |")
    assert row.replace("\\|", "").count("|") == 6


def test_a_long_incident_list_is_cut_in_the_summary_but_not_in_the_json(tmp_path: Path) -> None:
    # Given 150 blocking events
    body = copy.deepcopy(BLOCKED)
    event: dict[str, Any] = body["blocking"][0]
    body["blocking"] = [{**event, "arn": f"{EC2_ARN}-{n}"} for n in range(150)]
    body["blockingCount"] = 150

    # When the action runs
    run = run_action(tmp_path, RECORDED, body)

    # Then the summary lists 100 and says how many more; the json output has all 150
    assert sum(1 for line in run.summary.splitlines() if line.startswith("| EC2 |")) == 100
    assert "… and 50 more (see the json output)" in run.summary
    assert run.outputs["blocking-count"] == "150"
    assert len(json.loads(run.outputs["json"])["blocking"]) == 150


def test_wait_progress_goes_to_the_log_and_the_json_output_stays_clean(tmp_path: Path) -> None:
    # Given a waiting CLI that prints progress lines on stderr, then clears
    progress = '{"schemaVersion": 1, "progress": {"blockingCount": 1, "waitedSeconds": 30}}\n'
    body = {**HEALTHY, "waitedSeconds": 30}

    # When the action runs with wait: true
    run = run_action(tmp_path, {"wait": "true"}, body, cli_stderr=progress)

    # Then the progress reaches the job log, and the outputs hold only the verdict
    assert progress in run.stderr
    assert json.loads(run.outputs["json"]) == body
    assert "waited 30 s" in run.summary
