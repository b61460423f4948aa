"""`health-gate check` offline on recorded DescribeEvents responses: output and exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import health_gate
from health_gate.cli import main
from health_gate.errors import EXIT_BLOCKED, EXIT_ERROR, EXIT_HEALTHY
from tests.fakes.cli import run_check

EVENTS = Path(__file__).resolve().parents[2] / "events" / "health"
RECORDED = sorted(EVENTS.glob("*.json"))

EC2_OPEN = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/open-1"
IAM_OPEN = "arn:aws:health:global::event/IAM/AWS_IAM_OPERATIONAL_ISSUE/open-2"
EC2_CLOSED = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/closed-3"
LAMBDA_AWAY = "arn:aws:health:eu-west-1::event/LAMBDA/AWS_LAMBDA_OPERATIONAL_ISSUE/away-4"


def api_event(arn: str, status: str = "open", category: str = "issue") -> dict[str, Any]:
    """An `Event` as DescribeEvents returns it on the wire (epoch-second times)."""
    parts = arn.split(":")
    service, code = arn.split("/")[1:3]
    return {
        "arn": arn,
        "service": service,
        "eventTypeCode": code,
        "eventTypeCategory": category,
        "region": parts[3],
        "startTime": 1714550400,  # 2024-05-01 08:00 UTC
        "statusCode": status,
        "eventScopeCode": "PUBLIC",
    }


pytestmark = pytest.mark.usefixtures("cli_environment")


@pytest.fixture
def pages_file(tmp_path: Path) -> Path:
    """A recorded response of two pages: one blocking event on each, plus noise."""
    pages = [
        {"events": [api_event(EC2_OPEN), api_event(EC2_CLOSED, "closed")], "nextToken": "t2"},
        {"events": [api_event(IAM_OPEN), api_event(LAMBDA_AWAY)]},
    ]
    path = tmp_path / "pages.json"
    path.write_text(json.dumps(pages), encoding="utf-8")
    return path


@pytest.fixture
def healthy_file(tmp_path: Path) -> Path:
    path = tmp_path / "healthy.json"
    body = {"events": [api_event(EC2_CLOSED, "closed"), api_event(LAMBDA_AWAY)]}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def run_json(*argv: str) -> tuple[int, dict[str, Any]]:
    code, out, _ = run_check(*argv, "--json")
    body: dict[str, Any] = json.loads(out)
    return code, body


# --- Verdicts and exit codes ------------------------------------------------------------------


def test_blocked_exits_1_and_prints_a_table_of_the_blocking_events(pages_file: Path) -> None:
    # Given a recorded response with open issues in us-east-1 and global, on two pages
    # When the CLI checks it with the default regions (us-east-1 and global)
    code, out, err = run_check("--events-file", str(pages_file))
    # Then it exits 1 and prints a table with one row per blocking event
    assert code == EXIT_BLOCKED == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "BLOCKED: 2 AWS Health event(s) in us-east-1, global:"
    assert lines[1].split() == ["SERVICE", "EVENT", "TYPE", "REGION", "STARTED", "(UTC)", "ARN"]
    rows = [line.split() for line in lines[2:]]
    assert [row[0] for row in rows] == ["EC2", "IAM"]
    assert rows[0] == [
        "EC2",
        "AWS_EC2_OPERATIONAL_ISSUE",
        "us-east-1",
        "2024-05-01",
        "08:00",
        EC2_OPEN,
    ]
    assert rows[1][2] == "global" and rows[1][-1] == IAM_OPEN
    assert EC2_CLOSED not in out and LAMBDA_AWAY not in out


def test_healthy_exits_0_and_says_healthy(healthy_file: Path) -> None:
    code, out, err = run_check("--events-file", str(healthy_file))
    assert code == EXIT_HEALTHY == 0
    assert out == "HEALTHY: no blocking AWS Health events in us-east-1, global (2 checked).\n"
    assert err == ""


def test_json_output_carries_verdict_regions_and_blocking_events(pages_file: Path) -> None:
    code, body = run_json("--events-file", str(pages_file))
    assert code == EXIT_BLOCKED
    assert body == {
        "schemaVersion": 1,
        "verdict": "BLOCKED",
        "exitCode": 1,
        "summary": "BLOCKED: 2 AWS Health events in us-east-1, global.",
        "regions": ["us-east-1", "global"],
        "blocking": [
            {
                "arn": EC2_OPEN,
                "service": "EC2",
                "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
                "region": "us-east-1",
                "startTime": "2024-05-01T08:00:00+00:00",
            },
            {
                "arn": IAM_OPEN,
                "service": "IAM",
                "eventTypeCode": "AWS_IAM_OPERATIONAL_ISSUE",
                "region": "global",
                "startTime": "2024-05-01T08:00:00+00:00",
            },
        ],
        "blockingCount": 2,
        "considered": 4,
        "checkedAt": body["checkedAt"],
        "warning": None,
        "sourceNote": None,
        "waitedSeconds": None,
        "error": None,
    }


def test_json_output_when_healthy(healthy_file: Path) -> None:
    code, body = run_json("--events-file", str(healthy_file))
    assert code == EXIT_HEALTHY
    assert body["verdict"] == "HEALTHY"
    assert body["blocking"] == []


# --- Flags and --params -----------------------------------------------------------------------


def test_regions_flag_narrows_the_check(pages_file: Path) -> None:
    # Given only eu-west-1 is checked
    code, body = run_json("--events-file", str(pages_file), "--regions", "eu-west-1")
    # Then the open Lambda issue there blocks, and nothing else
    assert code == EXIT_BLOCKED
    assert [e["arn"] for e in body["blocking"]] == [LAMBDA_AWAY]
    assert body["regions"] == ["eu-west-1"]


def test_services_flag_filters_case_insensitively(pages_file: Path) -> None:
    code, body = run_json("--events-file", str(pages_file), "--services", "iam, lambda")
    assert code == EXIT_BLOCKED
    assert [e["arn"] for e in body["blocking"]] == [IAM_OPEN]


def test_categories_flag_replaces_the_default(pages_file: Path) -> None:
    code, body = run_json("--events-file", str(pages_file), "--categories", "scheduledChange")
    assert code == EXIT_HEALTHY
    assert body["verdict"] == "HEALTHY"


def test_params_are_used_as_user_parameters(pages_file: Path) -> None:
    # Given the UserParameters a pipeline action would pass
    params = json.dumps({"ignoreEventTypeCodes": ["AWS_EC2_OPERATIONAL_ISSUE"]})
    code, body = run_json("--events-file", str(pages_file), "--params", params)
    # Then they apply: the ignored EC2 issue no longer blocks, the IAM one still does
    assert code == EXIT_BLOCKED
    assert [e["arn"] for e in body["blocking"]] == [IAM_OPEN]


def test_flags_override_the_same_keys_in_params(pages_file: Path) -> None:
    # Given --params naming eu-west-1 and ignoring IAM, and --regions naming global
    params = json.dumps({"regions": ["eu-west-1"], "ignoreEventTypeCodes": ["AWS_X"]})
    code, body = run_json(
        "--events-file", str(pages_file), "--params", params, "--regions", "global"
    )
    # Then the flag wins for regions and the rest of --params still applies
    assert body["regions"] == ["global"]
    assert [e["arn"] for e in body["blocking"]] == [IAM_OPEN]
    assert code == EXIT_BLOCKED


def test_organization_flag_is_accepted_offline(pages_file: Path) -> None:
    code, body = run_json("--events-file", str(pages_file), "--organization")
    assert code == EXIT_BLOCKED
    assert len(body["blocking"]) == 2


def test_deploy_time_defaults_from_the_environment_apply(
    pages_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEALTH_GATE_REGIONS", "eu-west-1")
    code, body = run_json("--events-file", str(pages_file))
    assert body["regions"] == ["eu-west-1"]
    assert code == EXIT_BLOCKED


# --- Errors: exit 2 ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--params", "{not json"], "Invalid --params: not valid JSON"),
        (["--params", '["us-east-1"]'], "Invalid --params: expected a JSON object"),
        (["--params", '{"region": ["us-east-1"]}'], 'unknown key "region" (did you mean'),
        (["--regions", "us-east-1,nowhere"], 'flag --regions: "nowhere" is not an AWS region'),
        (["--categories", "incident"], "Invalid flag --categories"),
        (["--params", '{"accountIds": ["123456789012"]}'], "--params key 'accountIds'"),
        (["--account-ids", "123456789012"], "flag --account-ids: accountIds needs"),
        (["--status-codes", "opened"], "Invalid flag --status-codes"),
        (["--wait", "--max-wait-minutes", "²"], "Invalid flag --max-wait-minutes: expected a"),
    ],
)
def test_bad_input_exits_2_with_the_reason_on_stderr(
    pages_file: Path, argv: list[str], said: str
) -> None:
    code, out, err = run_check("--events-file", str(pages_file), *argv)
    assert code == EXIT_ERROR == 2
    assert out == ""
    assert err.startswith("health-gate: ")
    assert said in err


def test_missing_events_file_exits_2(tmp_path: Path) -> None:
    code, _, err = run_check("--events-file", str(tmp_path / "missing.json"))
    assert code == EXIT_ERROR
    assert "Cannot read events file" in err


@pytest.mark.parametrize(
    "content",
    ["not json", '{"Events": []}', "[1, 2]", '{"events": [{"startTime": "yesterday"}]}'],
)
def test_events_file_that_is_no_describe_events_response_exits_2(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run_check("--events-file", str(path))
    assert code == EXIT_ERROR
    assert "is not a recorded DescribeEvents response" in err


@pytest.mark.parametrize("argv", [[], ["check", "--no-such-flag"], ["frobnicate"]])
def test_usage_errors_exit_2_naming_the_help(argv: list[str]) -> None:
    err = io.StringIO()
    assert main(argv, out=io.StringIO(), err=err) == EXIT_ERROR
    assert "see 'health-gate" in err.getvalue()


def test_the_module_runs_as_a_program_with_the_exit_code(pages_file: Path) -> None:
    # Given the CLI started as a process, as a CI step would
    src = str(Path(health_gate.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "health_gate.cli", "check", "--events-file", str(pages_file)]
    # When it runs
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    # Then the process exit code is the verdict's
    assert done.returncode == EXIT_BLOCKED, done.stderr
    assert done.stdout.startswith("BLOCKED: 2 AWS Health event(s)")


# --- The recorded samples in events/health ----------------------------------------------------


def _expected_blocking(path: Path, regions: set[str]) -> set[str]:
    """An independent reading of the sample: open issues in the given regions."""
    data = json.loads(path.read_text(encoding="utf-8"))
    pages = data if isinstance(data, list) else [data]
    return {
        e["arn"]
        for page in pages
        for e in page["events"]
        if e["statusCode"] == "open"
        and e["eventTypeCategory"] == "issue"
        and e["region"] in regions
    }


@pytest.mark.skipif(not RECORDED, reason="no recorded samples in events/health yet")
@pytest.mark.parametrize("path", RECORDED, ids=[p.name for p in RECORDED])
def test_every_recorded_sample_gives_the_verdict_its_events_call_for(path: Path) -> None:
    # Given a recorded DescribeEvents response shipped for the demo
    expected = _expected_blocking(path, {"us-east-1", "global"})
    # When the CLI checks it for us-east-1 and global, as `make demo` does
    code, body = run_json("--events-file", str(path), "--regions", "us-east-1,global")
    # Then the exit code and the blocking events match what the sample contains
    assert {e["arn"] for e in body["blocking"]} == expected
    assert code == (EXIT_BLOCKED if expected else EXIT_HEALTHY)


@pytest.mark.parametrize(
    ("name", "code"), [("healthy.json", EXIT_HEALTHY), ("open-issue.json", EXIT_BLOCKED)]
)
def test_the_demo_samples_show_a_healthy_and_a_blocked_verdict(name: str, code: int) -> None:
    if not (EVENTS / name).exists():
        pytest.skip(f"events/health/{name} not recorded yet")
    assert (
        run_check("--events-file", str(EVENTS / name), "--regions", "us-east-1,global")[0] == code
    )
